//! Trained free-text scorers: short answers against reference answers and graded examples, and
//! rubric-based essays.
//!
//! Models are trained from teacher-graded examples and are plain serialisable state
//! ([`ShortAnswerModel`], [`QuestionModel`], [`EssayModel`]); the caller chooses the format
//! (JSON, a database blob) and stores it. Every score comes with a calibrated confidence, the
//! evidence that moved it, and a `needs_review` flag: a low-confidence score is a suggestion for
//! the teacher, never final.
//!
//! What this crate deliberately does not do: no I/O, no clock, no threads, no neural models. A
//! sentence-embedding feature can be plugged in later behind a small trait; objective checkers
//! (choice, numeric, math) live in `grading`.
//!
//! Typical use (short answers): train one [`ShortAnswerModel`] on many graded questions; keep one
//! [`QuestionModel`] per question ([`ShortAnswerModel::fit_question`], with no examples for a new
//! question); score with [`ShortAnswerModel::score`]; record a teacher's grade or override with
//! [`ShortAnswerModel::add_example`], which refits that question (cost grows as n³ in its graded
//! answers; the evaluation reports `refit_seconds` for its largest question). Essays: one [`EssayModel`] per prompt, trained on that
//! prompt's graded essays, updated with [`EssayModel::add_example`] (a full retrain).
//!
//! Invariants: scoring never panics on any input text (empty, huge, any script); a score is
//! always a point of the question's [`ScoreScale`]; training is deterministic for a given seed.

mod essay;
mod examples;
mod gbm;
mod linalg;
pub mod metrics;
mod scale;
mod short_answer;
mod sparse;
mod text;

#[cfg(test)]
mod tests;

pub use essay::{ESSAY_FORMAT, EssayConfig, EssayModel, EssayScore, GradedEssay, Trait, TraitEvidence};
pub use scale::ScoreScale;
pub use short_answer::{
    GradedAnswer, InputWarning, Question, QuestionModel, SHORT_ANSWER_FORMAT, ScoringBasis, ShortAnswerConfig,
    ShortAnswerModel, ShortAnswerScore, TrainedShortAnswer, TrainingQuestion,
};
pub use text::MAX_TEXT_CHARS;

/// Everything that can go wrong when training or updating a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    #[error("invalid score scale {min}..={max} step {step}: {why}")]
    InvalidScale { min: f64, max: f64, step: f64, why: &'static str },
    #[error("score {score} is outside the question's scale {min}..={max}")]
    ScoreOffScale { score: f64, min: f64, max: f64 },
    #[error("training needs at least {needed} graded examples, got {got}")]
    TooFewExamples { needed: usize, got: usize },
}

/// One feature's push on a score, for showing the teacher why.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// What the feature measures, in plain words.
    pub feature: &'static str,
    /// Change in the estimate (fraction of the scale) attributed to this feature.
    pub contribution: f64,
}

impl Evidence {
    /// The `n` largest contributions by magnitude, largest first, skipping negligible ones.
    pub(crate) fn top(names: &[&'static str], contributions: &[f64], n: usize) -> Vec<Evidence> {
        let mut all: Vec<Evidence> = names
            .iter()
            .zip(contributions)
            .filter(|(_, c)| c.abs() >= 0.005)
            .map(|(&feature, &contribution)| Evidence { feature, contribution })
            .collect();
        all.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        all.truncate(n);
        all
    }
}
