//! Grading evaluation (issue #4).
//!
//! MERGE NOTE: minimal version for the `grading-text` branch; the objective-grading branch owns this
//! file and its `DatasetReport`, and calls `text::run_dataset` for the free-text datasets.

use std::collections::BTreeMap;

pub mod text;

/// Figures for one dataset folder, keyed by metric name (`macro_f1`, `qwk_mean`, `beetle.macro_f1`…).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DatasetReport {
    pub dataset: String,
    pub metrics: BTreeMap<String, f64>,
    pub notes: Vec<String>,
}
