//! QTI item import and export for the objective item types of the `grading` crate.
//!
//! What it does: [`import()`] reads a QTI 3.0 assessment item (or converts a QTI 2.1/2.2 one)
//! from text or bytes into a [`QtiItem`]: a `grading::item::Item` plus its title, prompt and
//! option labels. Supported interactions: choice (single and multiple), inline choice, text
//! entry (as fill-in, numeric or math), extended text (free text), order, match and gap match.
//! [`export()`] writes a `QtiItem` as QTI 3.0 that [`import()`] reads back to an equal item.
//!
//! What it does not: no file or package I/O (callers pass the XML), no rendering of item
//! bodies (rich content is reduced to text for prompts and labels), no general response
//! processing engine (processing is validated, and its common patterns mapped to grading
//! rules), no graphic interactions (hotspot, select point, ...: rejected with a clear error).
//!
//! Invariants: an imported item compiles (`Item::compile` succeeds), so it can be graded;
//! every rejection names the rule broken and, when it has one, the line.

mod error;
mod export;
mod import;
mod tree;

use std::collections::BTreeMap;

pub use crate::error::QtiError;
pub use crate::export::export;
pub use crate::import::{import, import_bytes};
pub use crate::tree::QtiVersion;

/// An item read from or written to QTI.
#[derive(Debug, Clone, PartialEq)]
pub struct QtiItem {
    pub item: grading::item::Item,
    pub title: String,
    /// The interaction's prompt as text.
    pub prompt: Option<String>,
    /// Display text of options, choices and match sets, by identifier.
    pub labels: BTreeMap<String, String>,
    /// The version the item was read from (`V3_0` for items built in code).
    pub version: QtiVersion,
    /// What a QTI 2.x conversion had to assume (empty for QTI 3.0).
    pub notes: Vec<String>,
}
