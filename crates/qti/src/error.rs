//! The one error type of the QTI crate.

/// Why a QTI document cannot be imported or an item cannot be exported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QtiError {
    #[error("the file is not valid UTF-8 (first bad byte at offset {offset}); QTI files must be UTF-8")]
    NotUtf8 { offset: usize },
    #[error("line {line}, column {column}: malformed XML: {message}")]
    Xml { line: u32, column: u32, message: String },
    #[error("the root element is <{root}>, not an assessment item")]
    NotAnItem { root: String },
    #[error("unknown QTI namespace {0:?}: QTI 3.0, 2.1 and 2.2 items are supported")]
    UnknownNamespace(String),
    #[error("line {line}: <{element}> needs the attribute {attribute:?}")]
    MissingAttribute { line: u32, element: String, attribute: &'static str },
    #[error("the item declares no MAXSCORE outcome, so its points are unknown; declare MAXSCORE with a default value")]
    MissingMaxScore,
    #[error("line {line}: the MAXSCORE outcome has no default value; give it one (the item's maximum points)")]
    MaxScoreWithoutDefault { line: u32 },
    #[error("line {line}: <{element}> is not allowed inside <{parent}>")]
    UnexpectedElement { line: u32, element: String, parent: String },
    #[error("line {line}: empty <qti-value> in <{parent}>; write the value or remove the element")]
    EmptyValue { line: u32, parent: String },
    #[error(
        "the item has no response processing, so it cannot be scored; add <qti-response-processing> (a template is enough)"
    )]
    MissingResponseProcessing,
    #[error("line {line}: the response processing never sets an outcome, so it cannot score the item")]
    ProcessingSetsNoOutcome { line: u32 },
    #[error("line {line}: <{element}> is not a response-processing rule or expression")]
    UnknownProcessingElement { line: u32, element: String },
    #[error("line {line}: <qti-response-else-if> after <qti-response-else>; the else branch must come last")]
    ElseIfAfterElse { line: u32 },
    #[error("line {line}: the response processing sets {identifier:?}, which is not a declared outcome")]
    UndeclaredOutcome { line: u32, identifier: String },
    #[error("response {response:?} has no correct response, so the item cannot be graded automatically")]
    NoCorrectResponse { response: String },
    #[error("line {line}: the interaction refers to response {response:?}, which is not declared")]
    UndeclaredResponse { line: u32, response: String },
    #[error("line {line}: {interaction} is not supported yet")]
    UnsupportedInteraction { line: u32, interaction: String },
    #[error("the item body has no interaction to answer")]
    NoInteraction,
    #[error("line {line}: bad value {value:?}: {problem}")]
    BadValue { line: u32, value: String, problem: String },
    #[error("the item is not gradable: {0}")]
    Grading(#[from] grading::GradingError),
}
