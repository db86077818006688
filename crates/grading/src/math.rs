//! Math answers checked by equivalence: LaTeX or plain input, sets, intervals, tuples, matrices,
//! equations and inequalities.
//!
//! An answer is found in the text (the whole text when it is one expression, otherwise a boxed
//! or delimited answer or the last number), parsed, normalised, and compared with the reference:
//! identical trees, equal numbers within the item's precision, or equal values at sixteen probe
//! points of the variables. Equations are equivalent when `lhs - rhs` are non-zero multiples of
//! each other; inequalities when they are positive multiples and point the same way.

mod compare;
mod eval;
mod extract;
mod lexer;
mod normalize;
mod parser;

use crate::error::GradingError;
use crate::grade::Confidence;

/// Longest answer text read, in bytes; longer pastes are rejected, not scanned.
pub const MAX_MATH_ANSWER_BYTES: usize = 200_000;

/// How a percent sign is read. Peers disagree, so each item says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentConvention {
    /// `10%` is `0.1` (and not `10`).
    Fraction,
    /// The sign is decoration: `10%` is `10`.
    Ignore,
    /// Either reading is accepted.
    Either,
}

/// Whether the order of a bare list such as `1, 2, 3` matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    Ordered,
    Unordered,
}

/// Where to look for the answer in a longer text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extraction {
    /// Math environments (`$..$`, `\[..\]`, `\(..\)`) and `\boxed{..}`.
    pub latex: bool,
    /// Numbers and short arithmetic in prose ("the answer is 12").
    pub plain: bool,
}

/// Per-item conventions for math comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MathSettings {
    /// Decimal places that must agree when a number is written with a decimal point.
    pub precision: u32,
    pub percent: PercentConvention,
    pub lists: ListOrder,
    /// Variable names must match (`f(x)` is not `f(y)`).
    pub strict_variables: bool,
    /// A predicted inequality `-2 \le x \le 7` may answer an interval `[-2, 7]`. The reverse
    /// (an interval answering an inequality) is always accepted.
    pub relation_matches_interval: bool,
    pub extraction: Extraction,
}

impl MathSettings {
    /// The project's conventions for school items: 6 decimal places, `10%` is `0.1`, bare
    /// lists unordered, variable names must match, both ways between intervals and
    /// inequalities, answers found in LaTeX or prose.
    pub fn school() -> Self {
        MathSettings {
            precision: 6,
            percent: PercentConvention::Fraction,
            lists: ListOrder::Unordered,
            strict_variables: true,
            relation_matches_interval: true,
            extraction: Extraction { latex: true, plain: true },
        }
    }
}

/// A parsed answer, ready to compare. Parse the reference once and keep it.
#[derive(Debug, Clone)]
pub struct MathAnswer {
    parsed: Result<parser::Node, GradingError>,
    /// The text that was read as the answer (after extraction and normalisation).
    text: String,
}

impl MathAnswer {
    /// Finds and parses the answer in `text`. Fails only for empty or oversized input; an
    /// answer that cannot be read is kept (with its reason) and compared as text.
    pub fn parse(text: &str, settings: &MathSettings) -> Result<MathAnswer, GradingError> {
        if text.len() > MAX_MATH_ANSWER_BYTES {
            return Err(GradingError::AnswerTooLong { len: text.len(), max: MAX_MATH_ANSWER_BYTES });
        }
        if text.trim().is_empty() {
            return Err(GradingError::EmptyAnswer);
        }
        match whole_text(text) {
            Some(Ok(answer)) => return Ok(answer),
            // Math without delimiters or prose that fails to parse is the student's answer as
            // written: report why, rather than grading a number picked out of it.
            Some(Err((src, e))) => {
                return Ok(MathAnswer { parsed: Err(e), text: src });
            }
            None => {}
        }
        let mut first_text: Option<String> = None;
        let mut first_error: Option<GradingError> = None;
        let look = extract::Look { latex: settings.extraction.latex, plain: settings.extraction.plain };
        for group in extract::candidates(text, look) {
            for candidate in group {
                let src = normalize::normalize(&candidate.src);
                match parse_source(&src) {
                    Ok(node) => {
                        let node = if candidate.percent { parser::Node::Percent(Box::new(node)) } else { node };
                        return Ok(MathAnswer { parsed: Ok(node), text: src });
                    }
                    Err(e) => {
                        first_text.get_or_insert(src);
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        Ok(MathAnswer {
            parsed: Err(first_error.unwrap_or(GradingError::NoAnswerFound)),
            text: first_text.unwrap_or_default(),
        })
    }

    /// The text read as the answer.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why the answer could not be parsed, if it could not.
    pub fn error(&self) -> Option<&GradingError> {
        self.parsed.as_ref().err()
    }
}

/// The whole input as one expression, when it has no delimiters and no prose: `None` when it
/// is not that kind of text, the parse error (with the text read) when it is but fails.
fn whole_text(text: &str) -> Option<Result<MathAnswer, (String, GradingError)>> {
    // An escaped dollar is a currency sign, not a math delimiter.
    let unescaped = text.replace("\\$", "");
    let t = unescaped.trim();
    if let Some(src) = standalone_number(t) {
        let node = parse_source(&src.0).ok()?;
        let node = if src.1 { parser::Node::Percent(Box::new(node)) } else { node };
        return Some(Ok(MathAnswer { parsed: Ok(node), text: src.0 }));
    }
    if t.contains('$') || t.contains("\\(") || t.contains("\\[") || t.contains("boxed") || looks_like_prose(t) {
        return None;
    }
    let src = normalize::normalize(t);
    Some(match parse_source(&src) {
        Ok(node) => Ok(MathAnswer { parsed: Ok(node), text: src }),
        Err(e) => Err((src, e)),
    })
}

/// A text that is just a number as people type it (`7,425,000`, `1 000`, `1000,99`, `$5`, `28 %`).
fn standalone_number(t: &str) -> Option<(String, bool)> {
    // Two dollar signs delimit LaTeX (`$-2,1$` is a list), they are not a currency.
    if t.matches('$').count() > 1 {
        return None;
    }
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    if chars.first().is_some_and(|c| "$€£¥".contains(*c)) {
        i = 1;
    }
    let (number, end) = extract::plain_number(&chars, i)?;
    let mut rest: String = chars[end..].iter().collect();
    rest = rest.trim().trim_start_matches(['$', '€', '£', '¥']).trim().to_string();
    let percent = matches!(rest.to_ascii_lowercase().as_str(), "%" | "percent" | "percentage" | "pct");
    (rest.is_empty() || percent).then_some((number, percent))
}

fn looks_like_prose(t: &str) -> bool {
    // Environment names and text groups are words that belong to the math.
    let mut cleaned = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(p) = rest.find('\\') {
        cleaned.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let name_len = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
        let name = &after[..name_len];
        let tail = &after[name_len..];
        let groups_to_skip = match name {
            "begin" | "end" | "text" | "textbf" | "textit" | "textrm" | "textnormal" | "mbox" | "mathrm" | "mathbf"
            | "operatorname" => 1,
            _ => 0,
        };
        cleaned.push(' ');
        rest = tail;
        if groups_to_skip == 1
            && let Some(inner) = rest.strip_prefix('{')
        {
            rest = inner.find('}').map_or("", |q| &inner[q + 1..]);
        }
    }
    cleaned.push_str(rest);
    let t = cleaned.as_str();
    let mut prev = ' ';
    let mut word = String::new();
    let mut words_after_backslash = false;
    for c in t.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() {
            if word.is_empty() {
                words_after_backslash = prev == '\\';
            }
            word.push(c);
        } else {
            if word.len() >= 3 && !words_after_backslash {
                let w = word.to_ascii_lowercase();
                let known = lexer::PLAIN_NAMES.contains(&w.as_str())
                    || matches!(w.as_str(), "and" | "percent" | "percentage" | "pct" | "arcsin" | "arccos" | "arctan");
                if !known {
                    return true;
                }
            }
            word.clear();
        }
        prev = c;
    }
    false
}

fn parse_source(src: &str) -> Result<parser::Node, GradingError> {
    let tokens = lexer::tokenize(src)?;
    parser::parse(tokens)
}

/// How two answers were found equivalent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Identical after normalisation.
    Identical,
    /// Equal numbers within the item's precision.
    Numeric,
    /// Equal values at every probe point of the variables (not a proof).
    Probed,
    /// Neither could be parsed, but the texts match exactly.
    SameText,
}

/// The outcome of comparing an answer with a reference.
#[derive(Debug, Clone, PartialEq)]
pub enum MathVerdict {
    Equivalent(Method),
    NotEquivalent,
    /// The answer could not be read as math (and its text differs from the reference).
    Unreadable(GradingError),
    /// The reference itself could not be read: the item needs fixing.
    ReferenceUnreadable(GradingError),
}

impl MathVerdict {
    pub fn is_equivalent(&self) -> bool {
        matches!(self, MathVerdict::Equivalent(_))
    }

    /// How sure the verdict is.
    pub fn confidence(&self) -> Confidence {
        Confidence::new(match self {
            MathVerdict::Equivalent(Method::Identical | Method::Numeric) => 1.0,
            MathVerdict::Equivalent(Method::Probed) => 0.95,
            MathVerdict::Equivalent(Method::SameText) => 0.8,
            MathVerdict::NotEquivalent => 0.95,
            MathVerdict::Unreadable(_) | MathVerdict::ReferenceUnreadable(_) => 0.3,
        })
    }
}

/// Compares a parsed answer with a parsed reference under `settings`.
pub fn compare(reference: &MathAnswer, answer: &MathAnswer, settings: &MathSettings) -> MathVerdict {
    let gold = match &reference.parsed {
        Ok(node) => node,
        Err(e) => {
            return if !reference.text.is_empty() && reference.text == answer.text {
                MathVerdict::Equivalent(Method::SameText)
            } else {
                MathVerdict::ReferenceUnreadable(e.clone())
            };
        }
    };
    let pred = match &answer.parsed {
        Ok(node) => node,
        Err(e) => {
            return if !answer.text.is_empty() && reference.text == answer.text {
                MathVerdict::Equivalent(Method::SameText)
            } else {
                MathVerdict::Unreadable(e.clone())
            };
        }
    };
    let percents: &[eval::PercentAs] = match settings.percent {
        PercentConvention::Fraction => &[eval::PercentAs::Fraction],
        PercentConvention::Ignore => &[eval::PercentAs::Plain],
        PercentConvention::Either => &[eval::PercentAs::Fraction, eval::PercentAs::Plain],
    };
    for &percent in percents {
        let conventions = compare::Conventions {
            precision: settings.precision,
            percent,
            ordered_lists: settings.lists == ListOrder::Ordered,
            strict_symbols: settings.strict_variables,
            relation_matches_interval: settings.relation_matches_interval,
        };
        if let Some(how) = compare::equivalent(gold, pred, &conventions) {
            return MathVerdict::Equivalent(match how {
                compare::How::Identical => Method::Identical,
                compare::How::Numeric => Method::Numeric,
                compare::How::Probed => Method::Probed,
            });
        }
    }
    MathVerdict::NotEquivalent
}

/// Parses both texts and compares them: the one-call form of [`MathAnswer::parse`] and
/// [`compare()`].
pub fn equivalent(reference: &str, answer: &str, settings: &MathSettings) -> MathVerdict {
    let reference = match MathAnswer::parse(reference, settings) {
        Ok(r) => r,
        Err(e) => return MathVerdict::ReferenceUnreadable(e),
    };
    match MathAnswer::parse(answer, settings) {
        Ok(a) => compare(&reference, &a, settings),
        Err(e) => MathVerdict::Unreadable(e),
    }
}

#[cfg(test)]
mod tests;
