//! Grading evaluation (issue #4): runs every known grading dataset found under a folder.
//!
//! Each dataset folder is recognised by its name (the folder names of the shared grading data,
//! e.g. `math-equivalence`) and read in its documented format. A folder holding only some of
//! the datasets works; unknown folders are ignored. Objective datasets are run here; the
//! free-text datasets (essays, short answers) are delegated to [`text::run_dataset`].

pub mod chinese;
pub mod math;
pub mod text;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The figures of one dataset, shared by the objective and the free-text runners.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetReport {
    /// The dataset folder name, e.g. `math-equivalence`.
    pub dataset: String,
    /// Metric name to value, e.g. `agreement`, `exact_match`, `qwk_mean`, `macro_f1`.
    pub metrics: BTreeMap<String, f64>,
    /// Short remarks: protocol choices, cases that disagree, what was skipped.
    pub notes: Vec<String>,
}

impl DatasetReport {
    pub fn new(dataset: &str) -> DatasetReport {
        DatasetReport { dataset: dataset.to_string(), metrics: BTreeMap::new(), notes: Vec::new() }
    }
}

/// How far a dataset run has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    pub dataset: &'a str,
    pub done: usize,
    pub total: usize,
}

/// Objective datasets run by this module.
pub const OBJECTIVE_DATASETS: &[&str] = &["math-equivalence", "chinese-normalisation"];

/// Free-text datasets, run by [`text::run_dataset`].
pub const TEXT_DATASETS: &[&str] = &["asap-aes", "asap-sas", "semeval2013-task7-2way", "mohler-texas", "chinese-sas"];

/// Runs every known dataset folder present directly under `dir`, in a fixed order.
pub fn run(dir: &Path, progress: &mut dyn FnMut(Progress<'_>)) -> anyhow::Result<Vec<DatasetReport>> {
    anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
    let mut reports = Vec::new();
    for &name in OBJECTIVE_DATASETS.iter().chain(TEXT_DATASETS) {
        let path = dir.join(name);
        if !path.is_dir() {
            continue;
        }
        let report = match name {
            "math-equivalence" => Some(math::run(name, &path, progress)),
            "chinese-normalisation" => Some(chinese::run(name, &path, progress)),
            _ => text::run_dataset(name, &path, &mut |step: &str| {
                // The free-text runners report steps, not counts: show each as a one-step bar.
                progress(Progress { dataset: step, done: 0, total: 1 });
            }),
        };
        match report {
            Some(r) => reports.push(r?),
            None => {
                let mut r = DatasetReport::new(name);
                r.notes.push("not evaluated: no scorer for this dataset in this build".into());
                reports.push(r);
            }
        }
    }
    Ok(reports)
}

/// A plain-text table: one block per dataset, one line per metric, then its notes.
pub fn render_table(reports: &[DatasetReport]) -> String {
    let mut out = String::new();
    let width = reports.iter().flat_map(|r| r.metrics.keys()).map(String::len).max().unwrap_or(6).max(6);
    for report in reports {
        let _ = writeln!(out, "{}", report.dataset);
        for (name, value) in &report.metrics {
            let _ = writeln!(out, "  {name:<width$}  {}", format_value(*value));
        }
        for note in &report.notes {
            let _ = writeln!(out, "  note: {note}");
        }
    }
    out
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { format!("{v:.4}") }
}

/// One JSON object keyed by dataset folder name; each holds its metrics and its notes.
pub fn render_json(reports: &[DatasetReport]) -> serde_json::Value {
    let mut top = serde_json::Map::new();
    for report in reports {
        let mut obj = serde_json::Map::new();
        for (name, value) in &report.metrics {
            // Metrics are never NaN by construction; a non-finite value would become null.
            obj.insert(
                name.clone(),
                serde_json::Number::from_f64(*value).map_or(serde_json::Value::Null, serde_json::Value::Number),
            );
        }
        obj.insert(
            "notes".into(),
            serde_json::Value::Array(report.notes.iter().cloned().map(serde_json::Value::String).collect()),
        );
        top.insert(report.dataset.clone(), serde_json::Value::Object(obj));
    }
    serde_json::Value::Object(top)
}

/// `count / total`, and 0 for an empty dataset (reported as such in the notes by callers).
pub(crate) fn ratio(count: usize, total: usize) -> f64 {
    if total == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let r = count as f64 / total as f64;
    r
}

#[cfg(test)]
mod tests;
