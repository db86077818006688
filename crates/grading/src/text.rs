//! Text normalisation for fill-in-the-blank answers: width, Traditional→Simplified Chinese,
//! punctuation, whitespace and case, then matching against accepted answers and synonyms.

use zhconv::{Variant, zhconv};

/// One normalisation step that changed an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Normalisation {
    /// Full-width letters, digits and signs made half-width (`ＡＢＣ１２３` → `ABC123`).
    Width,
    /// Traditional characters (and variants) converted to Simplified.
    Script,
    /// Punctuation removed.
    Punctuation,
    /// Spaces collapsed, trimmed, and removed next to Chinese characters.
    Whitespace,
    /// Letters lower-cased.
    Case,
}

/// How Traditional Chinese is converted, with OpenCC's dictionaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptConversion {
    /// Characters and regional variants (Taiwan, Hong Kong) to Simplified: OpenCC's `t2s`,
    /// `tw2s` and `hk2s` in one pass (臺灣 → 台湾, 裡 → 里).
    Simplified,
    /// Also regional vocabulary to mainland vocabulary, like OpenCC's `tw2sp` (滑鼠 → 鼠标).
    /// Stronger than character conversion; too aggressive for most grading.
    MainlandVocabulary,
}

/// Converts Traditional Chinese to Simplified (longest phrases first, then characters).
/// Text without Chinese characters is returned as is.
pub fn to_simplified(text: &str, conversion: ScriptConversion) -> String {
    if !text.chars().any(is_cjk) {
        return text.to_string();
    }
    let variant = match conversion {
        ScriptConversion::Simplified => Variant::ZhHans,
        ScriptConversion::MainlandVocabulary => Variant::ZhCN,
    };
    zhconv(text, variant)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Which normalisations a fill-in blank applies before matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRules {
    pub width: bool,
    /// Traditional→Simplified conversion; `None` keeps the script.
    pub script: Option<ScriptConversion>,
    pub punctuation: bool,
    pub whitespace: bool,
    pub case: bool,
}

impl TextRules {
    /// The project's default for fill-in blanks: every normalisation on, Traditional
    /// characters of any region converted (vocabulary kept), case folded.
    pub fn school() -> TextRules {
        TextRules {
            width: true,
            script: Some(ScriptConversion::Simplified),
            punctuation: true,
            whitespace: true,
            case: true,
        }
    }

    /// Exact matching: nothing normalised.
    pub fn exact() -> TextRules {
        TextRules { width: false, script: None, punctuation: false, whitespace: false, case: false }
    }
}

/// Normalises `text` under `rules`; returns the text and the steps that changed it.
pub fn normalise(text: &str, rules: &TextRules) -> (String, Vec<Normalisation>) {
    let mut applied = Vec::new();
    let mut s = text.to_string();
    // Each step first checks whether it has anything to do: most answers need few steps.
    if rules.width && s.chars().any(|c| matches!(c as u32, 0xFF01..=0xFF5E | 0x3000)) {
        s = half_width(&s);
        applied.push(Normalisation::Width);
    }
    if let Some(conversion) = rules.script
        && s.chars().any(is_cjk)
    {
        let t = to_simplified(&s, conversion);
        if t != s {
            applied.push(Normalisation::Script);
            s = t;
        }
    }
    if rules.punctuation && s.chars().any(is_punctuation) {
        s.retain(|c| !is_punctuation(c));
        applied.push(Normalisation::Punctuation);
    }
    if rules.whitespace && s.chars().any(char::is_whitespace) {
        let t = squeeze_whitespace(&s);
        if t != s {
            applied.push(Normalisation::Whitespace);
            s = t;
        }
    }
    if rules.case && s.chars().any(char::is_uppercase) {
        s = s.to_lowercase();
        applied.push(Normalisation::Case);
    }
    (s, applied)
}

/// Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space to half width.
fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '–' | '·' | '•' | '«' | '»' | '¿' | '¡')
}

/// Collapses whitespace runs to one space, trims, and drops spaces next to CJK characters.
fn squeeze_whitespace(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = String::with_capacity(s.len());
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            let prev_cjk = out.chars().last().is_some_and(is_cjk);
            let next_cjk = w.chars().next().is_some_and(is_cjk);
            if !(prev_cjk || next_cjk) {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests;
