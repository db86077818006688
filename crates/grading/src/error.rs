//! The one error type of the grading crate.

/// Why an item, an answer key or an answer cannot be graded as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GradingError {
    #[error("the answer is empty")]
    EmptyAnswer,
    #[error("the answer is {len} bytes long; the limit is {max}")]
    AnswerTooLong { len: usize, max: usize },
    #[error(
        "the answer is not valid UTF-8 text (first bad byte at offset {offset}); save it as UTF-8 and submit again"
    )]
    NotUtf8 { offset: usize },
    #[error("cannot read the math: {0}")]
    MathSyntax(String),
    #[error("the math is nested too deeply to read")]
    MathTooDeep,
    #[error("this kind of math is not supported yet: {0}")]
    MathUnsupported(String),
    #[error("no answer could be found in the text")]
    NoAnswerFound,
    #[error("cannot read {0:?} as a number")]
    NotANumber(String),
    #[error("unknown unit {0:?}")]
    UnknownUnit(String),
    #[error("unit {answer:?} cannot be converted to {expected:?}: they measure different things")]
    IncompatibleUnits { answer: String, expected: String },
    #[error("item {item} has no correct option; mark at least one option correct")]
    NoCorrectOption { item: String },
    #[error("item {item}: option {option:?} is listed as correct but is not one of the options")]
    UnknownCorrectOption { item: String, option: String },
    #[error("item {item}: option id {option:?} is used twice")]
    DuplicateOption { item: String, option: String },
    #[error("item {item}: {problem}")]
    InvalidKey { item: String, problem: String },
    #[error("the answer does not fit this item: expected {expected}, got {got}")]
    WrongResponseKind { expected: &'static str, got: &'static str },
    #[error("invalid id {0:?}: ids are 1 to 128 bytes with no control characters")]
    InvalidId(String),
    #[error("points must be a finite number from 0 to {max}, got {got}")]
    InvalidPoints { got: f64, max: f64 },
    #[error("no grade is recorded for response {0}")]
    UnknownResponse(String),
    #[error("response {0} is already released; reopen it before changing the grade")]
    AlreadyReleased(String),
    #[error("response {0} is not released, so it cannot be reopened")]
    NotReleased(String),
    #[error("response {0} still needs a teacher's grade and cannot be released")]
    NeedsTeacherGrade(String),
    #[error("score matrix: {0}")]
    InvalidMatrix(String),
}
