//! Items, their answer keys, responses, and compiled checkers that grade responses.

use std::collections::HashMap;

use crate::choice::{ChoiceChecker, ChoiceKey, parse_true_false};
use crate::error::GradingError;
use crate::grade::{Confidence, Feedback, Grade, Outcome};
use crate::id::{ItemId, OptionId};
use crate::input::{MAX_FREE_TEXT_BYTES, MAX_SHORT_ANSWER_BYTES};
use crate::math::{self, MathAnswer, MathSettings, MathVerdict};
use crate::numeric::{NumericChecker, NumericKey};
use crate::sequence::{MatchCredit, MatchingChecker, OrderCredit, OrderingChecker};
use crate::text::{TextRules, normalise};

/// A gradable question.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: ItemId,
    /// Points for a fully correct response; finite and > 0.
    pub max_points: f64,
    pub key: AnswerKey,
}

/// What a correct response is, per item type.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerKey {
    Choice(ChoiceKey),
    TrueFalse(bool),
    Numeric(NumericKey),
    Math(MathKey),
    FillIn(FillInKey),
    Ordering { correct: Vec<OptionId>, credit: OrderCredit },
    Matching { pairs: Vec<(OptionId, OptionId)>, credit: MatchCredit },
    FreeText(FreeTextKey),
}

/// A math item: the reference answer (LaTeX or plain) and the conventions to compare with.
#[derive(Debug, Clone, PartialEq)]
pub struct MathKey {
    pub reference: String,
    pub settings: MathSettings,
}

/// One blank of a fill-in item: every accepted answer (synonyms included) and the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct BlankKey {
    pub accepted: Vec<String>,
    pub rules: TextRules,
}

/// A fill-in item: one or more blanks, each scored equally.
#[derive(Debug, Clone, PartialEq)]
pub struct FillInKey {
    pub blanks: Vec<BlankKey>,
}

/// A free-text item (short answer or essay), scored by a trained scorer or a teacher.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeTextKey {
    /// Reference answers, when the teacher gave any.
    pub references: Vec<String>,
    /// Rubric text, when there is one.
    pub rubric: Option<String>,
}

/// A student's response, shaped by the item type.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Nothing submitted.
    Blank,
    /// Selected options of a choice item.
    Choice(Vec<OptionId>),
    TrueFalse(bool),
    /// A typed answer: numeric, math, a single blank, a true/false word, or free text.
    Text(String),
    /// The blanks of a fill-in item, in order.
    Blanks(Vec<String>),
    /// An ordering.
    Order(Vec<OptionId>),
    /// Matched (source, target) pairs.
    Pairs(Vec<(OptionId, OptionId)>),
}

impl Response {
    fn kind(&self) -> &'static str {
        match self {
            Response::Blank => "a blank response",
            Response::Choice(_) => "selected options",
            Response::TrueFalse(_) => "true/false",
            Response::Text(_) => "text",
            Response::Blanks(_) => "filled blanks",
            Response::Order(_) => "an ordering",
            Response::Pairs(_) => "matched pairs",
        }
    }
}

/// An item with its key validated and pre-processed, ready to grade many responses.
#[derive(Debug, Clone)]
pub struct CompiledItem {
    pub id: ItemId,
    pub max_points: f64,
    checker: Checker,
}

#[derive(Debug, Clone)]
enum Checker {
    Choice(ChoiceChecker),
    TrueFalse(bool),
    Numeric(NumericChecker),
    Math { reference: Box<MathAnswer>, settings: MathSettings },
    FillIn(Vec<CompiledBlank>),
    Ordering(OrderingChecker),
    Matching(MatchingChecker),
    FreeText(FreeTextKey),
}

#[derive(Debug, Clone)]
struct CompiledBlank {
    rules: TextRules,
    /// Normalised accepted answer → the accepted answer as written.
    accepted: HashMap<String, String>,
    /// Accepted answers as written, and their normalised forms (for the fast exact match).
    exact: HashMap<String, String>,
}

impl Item {
    /// Validates the key (an item with no correct option is an error, not a zero grade) and
    /// pre-processes it (parses the math reference, normalises accepted answers).
    pub fn compile(&self) -> Result<CompiledItem, GradingError> {
        if !(self.max_points.is_finite() && self.max_points > 0.0) {
            return Err(GradingError::InvalidKey {
                item: self.id.to_string(),
                problem: format!("max points must be a finite number > 0, got {}", self.max_points),
            });
        }
        let item = self.id.as_str();
        let checker = match &self.key {
            AnswerKey::Choice(key) => Checker::Choice(ChoiceChecker::new(item, key)?),
            AnswerKey::TrueFalse(b) => Checker::TrueFalse(*b),
            AnswerKey::Numeric(key) => Checker::Numeric(NumericChecker::new(item, key)?),
            AnswerKey::Math(key) => {
                let reference = MathAnswer::parse(&key.reference, &key.settings).map_err(|e| {
                    GradingError::InvalidKey { item: item.into(), problem: format!("reference answer: {e}") }
                })?;
                if let Some(e) = reference.error() {
                    return Err(GradingError::InvalidKey {
                        item: item.into(),
                        problem: format!("reference answer: {e}"),
                    });
                }
                Checker::Math { reference: Box::new(reference), settings: key.settings }
            }
            AnswerKey::FillIn(key) => {
                if key.blanks.is_empty() {
                    return Err(GradingError::InvalidKey {
                        item: item.into(),
                        problem: "a fill-in item needs at least one blank".into(),
                    });
                }
                let mut blanks = Vec::new();
                for (k, blank) in key.blanks.iter().enumerate() {
                    let mut accepted = HashMap::new();
                    let mut exact = HashMap::new();
                    for a in &blank.accepted {
                        let (n, _) = normalise(a, &blank.rules);
                        if !n.is_empty() {
                            accepted.insert(n.clone(), a.clone());
                            exact.insert(a.clone(), a.clone());
                            exact.insert(n, a.clone());
                        }
                    }
                    if accepted.is_empty() {
                        return Err(GradingError::InvalidKey {
                            item: item.into(),
                            problem: format!("blank {} has no accepted answer", k + 1),
                        });
                    }
                    blanks.push(CompiledBlank { rules: blank.rules, accepted, exact });
                }
                Checker::FillIn(blanks)
            }
            AnswerKey::Ordering { correct, credit } => Checker::Ordering(OrderingChecker::new(item, correct, *credit)?),
            AnswerKey::Matching { pairs, credit } => Checker::Matching(MatchingChecker::new(item, pairs, *credit)?),
            AnswerKey::FreeText(key) => Checker::FreeText(key.clone()),
        };
        Ok(CompiledItem { id: self.id.clone(), max_points: self.max_points, checker })
    }
}

/// A scorer for free-text answers (short answers, essays), such as a trained model from the
/// `scoring` crate. It returns `None` when it has no model for the item; the response then
/// waits for a teacher. Its grade should carry its own confidence and feedback.
pub trait FreeTextScorer {
    fn score(&self, item: &ItemId, key: &FreeTextKey, max_points: f64, answer: &str) -> Option<Grade>;
}

impl CompiledItem {
    /// Grades like [`CompiledItem::grade`], and hands free-text answers to `scorer`.
    pub fn grade_with(&self, response: &Response, scorer: &dyn FreeTextScorer) -> Grade {
        let grade = self.grade(response);
        match (&grade.outcome, &self.checker, response) {
            (Outcome::NeedsScorer, Checker::FreeText(key), Response::Text(answer)) => {
                scorer.score(&self.id, key, self.max_points, answer).unwrap_or(grade)
            }
            _ => grade,
        }
    }

    /// Grades one response. Never panics; a response of the wrong shape, an unreadable or an
    /// oversized answer gets a defined grade with the reason in the feedback.
    pub fn grade(&self, response: &Response) -> Grade {
        let max = self.max_points;
        if let Response::Blank = response {
            return Grade::scored(0.0, max, vec![Feedback::Blank], Confidence::CERTAIN);
        }
        if let Response::Text(t) = response {
            let limit =
                if matches!(self.checker, Checker::FreeText(_)) { MAX_FREE_TEXT_BYTES } else { MAX_SHORT_ANSWER_BYTES };
            if t.len() > limit {
                // Graded 0, but uncertain: a teacher should see what was pasted.
                let e = GradingError::AnswerTooLong { len: t.len(), max: limit };
                return Grade::scored(0.0, max, vec![Feedback::Unreadable(e.to_string())], Confidence::new(0.5));
            }
            if t.trim().is_empty() {
                return Grade::scored(0.0, max, vec![Feedback::Blank], Confidence::CERTAIN);
            }
        }
        match (&self.checker, response) {
            (Checker::Choice(c), Response::Choice(selected)) => c.grade(selected, max),
            (Checker::TrueFalse(key), Response::TrueFalse(b)) => true_false(*key, *b, max),
            (Checker::TrueFalse(key), Response::Text(t)) => match parse_true_false(t) {
                Some(b) => true_false(*key, b, max),
                None => Grade::scored(
                    0.0,
                    max,
                    vec![Feedback::Unreadable(format!("{t:?} is neither true nor false"))],
                    Confidence::new(0.6),
                ),
            },
            (Checker::Numeric(c), Response::Text(t)) => c.grade(t, max),
            (Checker::Math { reference, settings }, Response::Text(t)) => grade_math(reference, settings, t, max),
            (Checker::FillIn(blanks), Response::Text(t)) if blanks.len() == 1 => {
                fill_in(blanks, std::slice::from_ref(t), max)
            }
            (Checker::FillIn(blanks), Response::Blanks(given)) => fill_in(blanks, given, max),
            (Checker::Ordering(c), Response::Order(order)) => c.grade(order, max),
            (Checker::Matching(c), Response::Pairs(pairs)) => c.grade(pairs, max),
            (Checker::FreeText(_), Response::Text(_)) => Grade {
                outcome: Outcome::NeedsScorer,
                feedback: vec![Feedback::NeedsScorer],
                confidence: Confidence::NONE,
            },
            (checker, other) => {
                let e = GradingError::WrongResponseKind { expected: checker.expects(), got: other.kind() };
                Grade::needs_teacher(vec![Feedback::Unreadable(e.to_string())])
            }
        }
    }
}

impl Checker {
    fn expects(&self) -> &'static str {
        match self {
            Checker::Choice(_) => "selected options",
            Checker::TrueFalse(_) => "true/false",
            Checker::Numeric(_) | Checker::Math { .. } | Checker::FreeText(_) => "text",
            Checker::FillIn(_) => "filled blanks",
            Checker::Ordering(_) => "an ordering",
            Checker::Matching(_) => "matched pairs",
        }
    }
}

fn true_false(key: bool, given: bool, max: f64) -> Grade {
    let right = key == given;
    let fb =
        if right { Feedback::SelectedCorrect(given.to_string()) } else { Feedback::SelectedWrong(given.to_string()) };
    Grade::scored(if right { 1.0 } else { 0.0 }, max, vec![fb], Confidence::CERTAIN)
}

fn grade_math(reference: &MathAnswer, settings: &MathSettings, text: &str, max: f64) -> Grade {
    let answer = match MathAnswer::parse(text, settings) {
        Ok(a) => a,
        Err(e) => {
            return Grade::scored(0.0, max, vec![Feedback::Unreadable(e.to_string())], Confidence::CERTAIN);
        }
    };
    let verdict = math::compare(reference, &answer, settings);
    let confidence = verdict.confidence();
    match verdict {
        MathVerdict::Equivalent(how) => Grade::scored(1.0, max, vec![Feedback::MathEquivalent(how)], confidence),
        MathVerdict::NotEquivalent => Grade::scored(0.0, max, vec![Feedback::MathNotEquivalent], confidence),
        // Unreadable math may be right in a notation we do not read: a suggestion of 0.
        MathVerdict::Unreadable(e) | MathVerdict::ReferenceUnreadable(e) => {
            Grade::scored(0.0, max, vec![Feedback::Unreadable(e.to_string())], confidence)
        }
    }
}

fn fill_in(blanks: &[CompiledBlank], given: &[String], max: f64) -> Grade {
    let mut feedback = Vec::new();
    let mut right = 0usize;
    let mut steps = Vec::new();
    for (k, blank) in blanks.iter().enumerate() {
        let answer = given.get(k).map_or("", String::as_str);
        if answer.len() > MAX_SHORT_ANSWER_BYTES {
            feedback.push(Feedback::BlankWrong { blank: k });
            continue;
        }
        // An answer typed exactly as accepted needs no normalisation.
        if let Some(accepted) = blank.exact.get(answer) {
            right += 1;
            feedback.push(Feedback::BlankMatched { blank: k, accepted: accepted.clone() });
            continue;
        }
        let (n, applied) = normalise(answer, &blank.rules);
        for a in applied {
            if !steps.contains(&a) {
                steps.push(a);
            }
        }
        match blank.accepted.get(&n) {
            Some(accepted) if !n.is_empty() => {
                right += 1;
                feedback.push(Feedback::BlankMatched { blank: k, accepted: accepted.clone() });
            }
            _ => feedback.push(Feedback::BlankWrong { blank: k }),
        }
    }
    if !steps.is_empty() {
        steps.sort();
        feedback.push(Feedback::Normalised(steps));
    }
    #[allow(clippy::cast_precision_loss)]
    let credit = right as f64 / blanks.len() as f64;
    // A wrong blank may be a synonym nobody listed: certain when right, less when wrong.
    let confidence = if right == blanks.len() { Confidence::CERTAIN } else { Confidence::new(0.9) };
    Grade::scored(credit, max, feedback, confidence)
}

#[cfg(test)]
mod tests;
