//! Students' responses: their stored form, the checks they pass, and the grader's reasons in words.

use grading::grade::Feedback;
use grading::id::OptionId;
use grading::item::Response;
use serde::{Deserialize, Serialize};

use super::ItemKind;
use crate::{Result, UserError};

/// Longest free-text answer (short answers, essays), in bytes: about 30,000 Chinese characters.
pub const MAX_FREE_TEXT_BYTES: usize = 100_000;

/// Longest answer to any other item (numbers, math, blanks), in bytes.
pub const MAX_SHORT_ANSWER_BYTES: usize = 10_000;

/// Most options, blanks, elements or pairs in one response.
const MAX_PARTS: usize = 100;

/// A student's response to one item. A versioned file format: stored as JSON in submissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StudentResponse {
    /// The selected options of a choice item.
    Choice { selected: Vec<String> },
    /// A true/false answer.
    TrueFalse { value: bool },
    /// A typed answer: a number, math, one blank, or free text.
    Text { text: String },
    /// The blanks of a fill-in item, in order.
    Blanks { blanks: Vec<String> },
    /// An ordering of the item's elements.
    Order { order: Vec<String> },
    /// Matched (source, target) pairs.
    Pairs { pairs: Vec<(String, String)> },
}

fn invalid(message: impl Into<String>) -> crate::Error {
    UserError::invalid("response", message).into()
}

fn option(id: &str) -> Result<OptionId> {
    OptionId::parse(id).map_err(|_| invalid(format!("{id:?} is not an option id (1 to 128 characters)")))
}

fn bounded(text: &str, max: usize) -> Result<()> {
    if text.len() > max {
        return Err(invalid(format!(
            "the answer is {} bytes long; the limit is {max} bytes (about {} Chinese characters)",
            text.len(),
            max / 3
        )));
    }
    Ok(())
}

fn parts<T>(list: &[T]) -> Result<()> {
    if list.len() > MAX_PARTS {
        return Err(invalid(format!("the answer has {} parts; at most {MAX_PARTS} are accepted", list.len())));
    }
    Ok(())
}

impl StudentResponse {
    /// The JSON stored for this response.
    pub(crate) fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(crate::Error::internal)
    }

    /// Reads a stored response.
    pub(crate) fn from_json(json: &str) -> Result<StudentResponse> {
        serde_json::from_str(json).map_err(crate::Error::internal)
    }

    /// The text of a typed answer.
    pub fn text(&self) -> Option<&str> {
        match self {
            StudentResponse::Text { text } => Some(text),
            _ => None,
        }
    }

    /// Checks the response against the item's kind and the size limits, and converts it for
    /// the grader. Empty answers are refused: an item left unanswered is simply not submitted.
    pub(crate) fn to_response(&self, kind: ItemKind) -> Result<Response> {
        let accepts = matches!(
            (self, kind),
            (StudentResponse::Choice { .. }, ItemKind::SingleChoice | ItemKind::MultipleChoice)
                | (StudentResponse::TrueFalse { .. } | StudentResponse::Text { .. }, ItemKind::TrueFalse)
                | (StudentResponse::Text { .. }, ItemKind::Numeric | ItemKind::Math | ItemKind::FreeText)
                | (StudentResponse::Blanks { .. } | StudentResponse::Text { .. }, ItemKind::FillIn)
                | (StudentResponse::Order { .. }, ItemKind::Ordering)
                | (StudentResponse::Pairs { .. }, ItemKind::Matching)
        );
        if !accepts {
            let expected = match kind {
                ItemKind::SingleChoice | ItemKind::MultipleChoice => "selected options",
                ItemKind::TrueFalse => "true or false",
                ItemKind::Numeric | ItemKind::Math | ItemKind::FreeText => "text",
                ItemKind::FillIn => "blanks",
                ItemKind::Ordering => "an order",
                ItemKind::Matching => "pairs",
            };
            return Err(invalid(format!("a {} item takes {expected}", kind.as_str())));
        }
        let empty = || invalid("the answer is empty; leave the item out to skip it");
        Ok(match self {
            StudentResponse::Choice { selected } => {
                parts(selected)?;
                if selected.is_empty() {
                    return Err(empty());
                }
                Response::Choice(selected.iter().map(|s| option(s)).collect::<Result<_>>()?)
            }
            StudentResponse::TrueFalse { value } => Response::TrueFalse(*value),
            StudentResponse::Text { text } => {
                let max = if kind == ItemKind::FreeText { MAX_FREE_TEXT_BYTES } else { MAX_SHORT_ANSWER_BYTES };
                bounded(text, max)?;
                if text.trim().is_empty() {
                    return Err(empty());
                }
                Response::Text(text.clone())
            }
            StudentResponse::Blanks { blanks } => {
                parts(blanks)?;
                for b in blanks {
                    bounded(b, MAX_SHORT_ANSWER_BYTES)?;
                }
                if blanks.iter().all(|b| b.trim().is_empty()) {
                    return Err(empty());
                }
                Response::Blanks(blanks.clone())
            }
            StudentResponse::Order { order } => {
                parts(order)?;
                if order.is_empty() {
                    return Err(empty());
                }
                Response::Order(order.iter().map(|s| option(s)).collect::<Result<_>>()?)
            }
            StudentResponse::Pairs { pairs } => {
                parts(pairs)?;
                if pairs.is_empty() {
                    return Err(empty());
                }
                Response::Pairs(pairs.iter().map(|(a, b)| Ok((option(a)?, option(b)?))).collect::<Result<_>>()?)
            }
        })
    }

    /// The option a single-choice or true/false response chose, for distractor analysis.
    pub(crate) fn single_choice(&self) -> Option<String> {
        match self {
            StudentResponse::Choice { selected } if selected.len() == 1 => Some(selected[0].clone()),
            StudentResponse::TrueFalse { value } => Some(value.to_string()),
            StudentResponse::Text { text } => grading::choice::parse_true_false(text).map(|b| b.to_string()),
            _ => None,
        }
    }
}

fn num(x: f64) -> String {
    let rounded = (x * 1e6).round() / 1e6;
    format!("{rounded}")
}

/// The grader's reasons in plain words, for teachers (and for students once released).
pub(crate) fn feedback_text(feedback: &[Feedback]) -> Vec<String> {
    feedback
        .iter()
        .map(|f| match f {
            Feedback::Blank => "blank".to_owned(),
            Feedback::Unreadable(why) => format!("unreadable: {why}"),
            Feedback::SelectedCorrect(o) => format!("{o}: selected, correct"),
            Feedback::SelectedWrong(o) => format!("{o}: selected, wrong"),
            Feedback::MissedCorrect(o) => format!("{o}: correct but not selected"),
            Feedback::UnknownOption(o) => format!("{o}: not an option of this item"),
            Feedback::TooManySelected { selected, max } => format!("{selected} options selected; at most {max}"),
            Feedback::NumericDistance { answer, expected, tolerance, within } => format!(
                "{} is {} {} (tolerance {})",
                num(*answer),
                if *within { "close enough to" } else { "too far from" },
                num(*expected),
                num(*tolerance)
            ),
            Feedback::ConvertedUnit { from, to } => format!("converted from {from} to {to}"),
            Feedback::MissingUnit { expected } => format!("no unit given; expected {expected}"),
            Feedback::WrongUnit { given, expected } => format!("unit {given} does not fit {expected}"),
            Feedback::SignificantFigures { given, required } => {
                format!("{given} significant figures; {required} required")
            }
            Feedback::MathEquivalent(method) => format!("equivalent to the reference ({method:?})").to_lowercase(),
            Feedback::MathNotEquivalent => "not equivalent to the reference".to_owned(),
            Feedback::Normalised(steps) => {
                let steps: Vec<String> = steps.iter().map(|s| format!("{s:?}").to_lowercase()).collect();
                format!("normalised ({})", steps.join(", "))
            }
            Feedback::BlankMatched { blank, accepted } => format!("blank {}: matches {accepted:?}", blank + 1),
            Feedback::BlankWrong { blank } => format!("blank {}: no accepted answer matches", blank + 1),
            Feedback::PartsCorrect { correct, total } => format!("{correct} of {total} right"),
            Feedback::PartialCredit { rule, credit } => format!("partial credit {} ({rule})", num(*credit)),
            Feedback::NeedsScorer => "free text: scored by a model or a teacher".to_owned(),
        })
        .collect()
}
