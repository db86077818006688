//! Text normalisation for fill-in-the-blank answers: width, Traditional→Simplified Chinese,
//! punctuation, whitespace and case, then matching against accepted answers and synonyms.

use std::collections::HashMap;
use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

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

/// Which OpenCC Traditional→Simplified conversion to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraditionalVariant {
    /// OpenCC `t2s`: OpenCC standard Traditional.
    Standard,
    /// OpenCC `tw2s`: Taiwan variants first.
    Taiwan,
    /// OpenCC `hk2s`: Hong Kong variants first.
    HongKong,
    /// OpenCC `tw2sp`: Taiwan variants and Taiwan phrasing to mainland phrasing. Stronger
    /// than character conversion (滑鼠 → 鼠标); too aggressive for most grading.
    TaiwanPhrases,
}

impl TraditionalVariant {
    fn config(self) -> BuiltinConfig {
        match self {
            TraditionalVariant::Standard => BuiltinConfig::T2s,
            TraditionalVariant::Taiwan => BuiltinConfig::Tw2s,
            TraditionalVariant::HongKong => BuiltinConfig::Hk2s,
            TraditionalVariant::TaiwanPhrases => BuiltinConfig::Tw2sp,
        }
    }
}

fn converter(variant: TraditionalVariant) -> Option<&'static OpenCC> {
    static CONVERTERS: OnceLock<HashMap<TraditionalVariant, Option<OpenCC>>> = OnceLock::new();
    CONVERTERS
        .get_or_init(|| {
            [
                TraditionalVariant::Standard,
                TraditionalVariant::Taiwan,
                TraditionalVariant::HongKong,
                TraditionalVariant::TaiwanPhrases,
            ]
            .into_iter()
            // The dictionaries are compiled into the binary; failure would be a build defect,
            // reported by `to_simplified` returning the input unchanged and by the tests.
            .map(|v| (v, OpenCC::from_config(v.config()).ok()))
            .collect()
        })
        .get(&variant)
        .and_then(Option::as_ref)
}

/// Converts Traditional Chinese to Simplified with OpenCC's dictionaries (phrases first, then
/// characters). Text without Chinese characters is returned as is.
pub fn to_simplified(text: &str, variant: TraditionalVariant) -> String {
    if !text.chars().any(is_cjk) {
        return text.to_string();
    }
    match converter(variant) {
        Some(cc) => cc.convert(text),
        None => text.to_string(),
    }
}

/// Whether OpenCC's dictionaries loaded (they are compiled in; false means a broken build).
pub fn opencc_available() -> bool {
    converter(TraditionalVariant::Standard).is_some()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Which normalisations a fill-in blank applies before matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRules {
    pub width: bool,
    /// Traditional→Simplified conversion, and which variant; `None` keeps the script.
    pub script: Option<TraditionalVariant>,
    pub punctuation: bool,
    pub whitespace: bool,
    pub case: bool,
}

impl TextRules {
    /// The project's default for fill-in blanks: every normalisation on, Taiwan variants
    /// converted (they include the standard ones), case folded.
    pub fn school() -> TextRules {
        TextRules {
            width: true,
            script: Some(TraditionalVariant::Taiwan),
            punctuation: true,
            whitespace: true,
            case: true,
        }
    }

    /// Exact matching: nothing normalised.
    pub fn exact() -> TextRules {
        TextRules {
            width: false,
            script: None,
            punctuation: false,
            whitespace: false,
            case: false,
        }
    }
}

/// Normalises `text` under `rules`; returns the text and the steps that changed it.
pub fn normalise(text: &str, rules: &TextRules) -> (String, Vec<Normalisation>) {
    let mut applied = Vec::new();
    let mut s = text.to_string();
    // Each step first checks whether it has anything to do: most answers need few steps.
    if rules.width
        && s.chars()
            .any(|c| matches!(c as u32, 0xFF01..=0xFF5E | 0x3000))
    {
        s = half_width(&s);
        applied.push(Normalisation::Width);
    }
    if let Some(variant) = rules.script
        && s.chars().any(is_cjk)
    {
        let t = to_simplified(&s, variant);
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
        || matches!(
            c,
            '“' | '”' | '‘' | '’' | '…' | '—' | '–' | '·' | '•' | '«' | '»' | '¿' | '¡'
        )
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
