//! Errors that point at a file, a line and a column.

use std::fmt;

/// One problem in a OneRoster set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RosterError {
    /// The file name, e.g. `users.csv`.
    pub file: String,
    /// The 1-based line in the file, if the problem is on a line.
    pub line: Option<u64>,
    /// The column name and its 1-based number, if one field is at fault.
    pub column: Option<(String, usize)>,
    pub reason: String,
}

impl RosterError {
    /// A problem with a whole file.
    pub fn file(file: &str, reason: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line: None, column: None, reason: reason.into() }
    }

    /// A problem with a line.
    pub fn line(file: &str, line: u64, reason: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line: Some(line), column: None, reason: reason.into() }
    }

    /// A problem with one field.
    pub fn field(file: &str, line: u64, column: &str, column_no: usize, reason: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: Some(line),
            column: Some((column.to_owned(), column_no)),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RosterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((name, no)) = &self.column {
            write!(f, ":{no} ({name})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A rejected set: every problem found, up to a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub errors: Vec<RosterError>,
    /// How many more problems were found beyond those listed.
    pub more: usize,
}

impl Rejection {
    /// The most problems listed; beyond this they are only counted.
    pub const MAX_LISTED: usize = 100;

    /// An empty list, to collect into.
    pub fn new() -> Self {
        Self { errors: Vec::new(), more: 0 }
    }

    /// Adds a problem, counting it if the list is full.
    pub fn push(&mut self, e: RosterError) {
        if self.errors.len() < Self::MAX_LISTED {
            self.errors.push(e);
        } else {
            self.more += 1;
        }
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many problems were found in all.
    pub fn total(&self) -> usize {
        self.errors.len() + self.more
    }
}

impl Default for Rejection {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the OneRoster set was rejected as a whole ({} problem(s)); nothing was imported", self.total())?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        if self.more > 0 {
            write!(f, "\n  … and {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}
