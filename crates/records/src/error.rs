//! The one error type of the records crate.

/// A record or value that breaks a rule of the records backbone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("unknown {field} {value:?}; expected one of: {expected}")]
    UnknownValue { field: &'static str, value: String, expected: &'static str },
    #[error("national student id {0:?} is not valid: {1}")]
    BadNationalStudentId(String, &'static str),
    #[error("score {score} is outside 0..={max}")]
    ScoreOutOfRange { score: String, max: String },
    #[error("a {child} cannot sit under a {parent}")]
    BadOrgParent { child: &'static str, parent: &'static str },
    #[error("end date {end} is before start date {start}")]
    EndsBeforeStart { start: String, end: String },
}
