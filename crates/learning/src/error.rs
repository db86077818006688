//! The crate's one error type.

/// Why a graph file, an item, a stored state or a request was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LearningError {
    /// The file is not valid TOML or does not have the expected fields.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file declares a format version this build does not read.
    #[error("unsupported graph format version {found}; this build reads version {supported}")]
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// An id is empty, too long or has characters outside `a-z 0-9 . _ -`.
    #[error("line {line}: invalid id {id:?}: use 1 to 64 characters from a-z, 0-9, '.', '_', '-'")]
    InvalidId {
        /// The offending id.
        id: String,
        /// 1-based line of the id.
        line: usize,
    },
    /// Two knowledge points (or two items) share an id.
    #[error("line {line}: {what} {id:?} is defined twice (first on line {first_line})")]
    Duplicate {
        /// "knowledge point" or "item".
        what: &'static str,
        /// The repeated id.
        id: String,
        /// Line of the second definition.
        line: usize,
        /// Line of the first definition.
        first_line: usize,
    },
    /// A prerequisite or an item tag names a knowledge point that is not defined.
    #[error("line {line}: {referrer:?} refers to unknown knowledge point {missing:?}")]
    UnknownKp {
        /// The knowledge point or item that refers.
        referrer: String,
        /// The id that is not defined.
        missing: String,
        /// 1-based line of the reference.
        line: usize,
    },
    /// Prerequisites loop back on themselves.
    #[error("line {line}: prerequisites form a cycle: {}", cycle.join(" → "))]
    Cycle {
        /// The knowledge points on the cycle, first repeated at the end.
        cycle: Vec<String>,
        /// Line of the first knowledge point on the cycle.
        line: usize,
    },
    /// An item is tagged with no knowledge point.
    #[error("line {line}: item {item:?} is tagged with no knowledge point")]
    UntaggedItem {
        /// The item.
        item: String,
        /// Its line.
        line: usize,
    },
    /// An item given to a subject model is unusable.
    #[error("item {item:?} is {reason}")]
    InvalidItem {
        /// The item.
        item: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A stored model or learner state cannot be read by this build.
    #[error("stored {what} is unreadable: {reason}")]
    BadState {
        /// "learner state" or "subject model".
        what: &'static str,
        /// What went wrong, e.g. a version this build does not read.
        reason: String,
    },
    /// An answer or request names an item the subject does not have.
    #[error("unknown item {0:?}")]
    UnknownItem(String),
    /// A request names a knowledge point the subject does not have.
    #[error("unknown knowledge point {0:?}")]
    UnknownKnowledgePoint(String),
}
