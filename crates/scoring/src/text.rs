//! Text normalisation and tokenisation shared by every scorer: Latin words are stemmed, Han characters are tokens.

use rust_stemmers::{Algorithm, Stemmer};

/// Longest text, in characters, that any scorer reads; longer pastes are cut here and flagged.
pub const MAX_TEXT_CHARS: usize = 60_000;

/// One token of a normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Stemmed, lower-cased form used for matching.
    pub(crate) stem: String,
    /// Lower-cased surface form, used for vocabulary and spelling-like statistics.
    pub(crate) surface: String,
    pub(crate) kind: TokenKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A run of letters in a space-separated script (Latin, Cyrillic, Greek, Hangul…).
    Word,
    /// A run of digits (with an inner decimal point).
    Number,
    /// One Han, kana or other unsegmented ideograph.
    Ideograph,
}

/// A text after normalisation, with its tokens and sentence boundaries.
#[derive(Debug, Clone)]
pub(crate) struct Analysed {
    /// Normalised text: full-width ASCII folded, lower-cased, whitespace collapsed.
    pub(crate) normalised: String,
    pub(crate) tokens: Vec<Token>,
    /// Number of tokens in each sentence, in order.
    pub(crate) sentence_lengths: Vec<usize>,
    /// Characters in the original text before truncation.
    pub(crate) original_chars: usize,
    pub(crate) truncated: bool,
}

/// The analyser: owns the stemmer so that it is built once.
pub(crate) struct Analyser {
    stemmer: Stemmer,
}

impl std::fmt::Debug for Analyser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyser")
    }
}

pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FA1F) // CJK extensions B–F and supplement
}

/// Folds full-width ASCII and the ideographic space to their ASCII forms, as Chinese input methods
/// often produce them.
fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).expect("shifted full-width ASCII is ASCII"),
        0x3000 => ' ',
        _ => c,
    }
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | ';' | '；' | '\n')
}

impl Analyser {
    pub(crate) fn new() -> Self {
        Analyser { stemmer: Stemmer::create(Algorithm::English) }
    }

    pub(crate) fn analyse(&self, text: &str) -> Analysed {
        let original_chars = text.chars().count();
        let truncated = original_chars > MAX_TEXT_CHARS;
        let mut normalised = String::with_capacity(text.len().min(MAX_TEXT_CHARS * 4));
        let mut tokens = Vec::new();
        let mut sentence_lengths = Vec::new();
        let mut in_sentence = 0usize;
        let mut word = String::new();
        let mut word_is_number = true;
        let mut last_space = true;
        let mut chars = text.chars().take(MAX_TEXT_CHARS).map(fold_width).peekable();
        while let Some(raw) = chars.next() {
            let c = if raw.is_whitespace() && raw != '\n' { ' ' } else { raw };
            if c == '\n' || c == ' ' {
                if !last_space {
                    normalised.push(' ');
                }
                last_space = true;
            } else {
                normalised.extend(c.to_lowercase());
                last_space = false;
            }
            let continues_word = c.is_alphanumeric() && !is_ideograph(c)
                || (!word.is_empty()
                    && matches!(c, '\'' | '.' | ',')
                    && chars.peek().is_some_and(|n| n.is_alphanumeric() && !is_ideograph(*n))
                    && (c == '\'' || word_is_number));
            if continues_word {
                word_is_number &= c.is_ascii_digit() || c == '.' || c == ',';
                word.extend(c.to_lowercase());
                continue;
            }
            if !word.is_empty() {
                self.push_word(&mut tokens, &mut word, word_is_number);
                in_sentence += 1;
                word_is_number = true;
            }
            if is_ideograph(c) {
                let s = c.to_string();
                tokens.push(Token { stem: s.clone(), surface: s, kind: TokenKind::Ideograph });
                in_sentence += 1;
            } else if is_sentence_end(c) && in_sentence > 0 {
                sentence_lengths.push(in_sentence);
                in_sentence = 0;
            }
        }
        if !word.is_empty() {
            self.push_word(&mut tokens, &mut word, word_is_number);
            in_sentence += 1;
        }
        if in_sentence > 0 {
            sentence_lengths.push(in_sentence);
        }
        let trimmed_len = normalised.trim_end().len();
        normalised.truncate(trimmed_len);
        Analysed { normalised, tokens, sentence_lengths, original_chars, truncated }
    }

    fn push_word(&self, tokens: &mut Vec<Token>, word: &mut String, is_number: bool) {
        let surface = std::mem::take(word);
        let (stem, kind) = if is_number {
            (surface.replace(',', ""), TokenKind::Number)
        } else if surface.is_ascii() {
            (self.stemmer.stem(&surface).into_owned(), TokenKind::Word)
        } else {
            (surface.clone(), TokenKind::Word)
        };
        tokens.push(Token { stem, surface, kind });
    }
}

/// Function words that carry no content when comparing an answer with a reference.
pub(crate) fn is_stopword(token: &Token) -> bool {
    const ENGLISH: &[&str] = &[
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "each", "for",
        "from", "had", "has", "have", "having", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "it's", "itself", "just", "me", "more", "most", "my", "of", "on", "once", "only", "or",
        "other", "our", "out", "over", "own", "same", "she", "so", "some", "such", "than", "that", "the", "their",
        "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "should", "may", "might", "must", "shall", "thing", "things",
    ];
    const CHINESE: &str = "的了是在和与及等也就都而之其或着过把被从对向于这那个些吗呢吧啊呀么";
    match token.kind {
        TokenKind::Word => ENGLISH.contains(&token.surface.as_str()),
        TokenKind::Ideograph => CHINESE.contains(token.surface.as_str()),
        TokenKind::Number => false,
    }
}

/// Whether a token negates its clause.
pub(crate) fn is_negation(token: &Token) -> bool {
    const ENGLISH: &[&str] = &[
        "aren't", "can't", "cannot", "couldn't", "didn't", "doesn't", "don't", "isn't", "never", "no", "none", "nor",
        "not", "nothing", "wasn't", "weren't", "won't", "without",
    ];
    match token.kind {
        TokenKind::Word => ENGLISH.contains(&token.surface.as_str()),
        TokenKind::Ideograph => "不没无非未否别勿".contains(token.surface.as_str()),
        TokenKind::Number => false,
    }
}
