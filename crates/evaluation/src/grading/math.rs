//! The `math-equivalence` dataset: answer pairs with a peer's verdict, agreement with it.
//!
//! Every `*.jsonl` file in the folder is read: one object per line with `id`, `gold`, `pred`,
//! `equivalent` and `config`. The `config` says how the peer called its comparator; it is
//! mapped to our per-item [`MathSettings`]:
//! - `comparator` naming MATH's `is_equiv`: percent signs ignored, lists ordered.
//! - otherwise Math-Verify's options: `match_types` (`latex` = delimited/boxed answers,
//!   `expr` = numbers in prose), `precision` (default 6), `strict` (default true),
//!   `allow_set_relation_comp` (default false); `10%` is 0.1 and lists are unordered.

use std::path::Path;

use anyhow::Context as _;
use grading::math::{self, Extraction, ListOrder, MathSettings, PercentConvention};
use serde::Deserialize;

use super::{DatasetReport, Progress, ratio};

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    gold: String,
    pred: String,
    equivalent: bool,
    #[serde(default)]
    config: serde_json::Map<String, serde_json::Value>,
}

/// Our settings for one case, from the peer's configuration.
pub fn settings_for(config: &serde_json::Map<String, serde_json::Value>) -> MathSettings {
    let mut settings = MathSettings::school();
    settings.strict_variables = true;
    settings.relation_matches_interval = false;
    if let Some(comparator) = config.get("comparator").and_then(|v| v.as_str()) {
        if comparator.contains("is_equiv") {
            settings.percent = PercentConvention::Ignore;
            settings.lists = ListOrder::Ordered;
        }
        return settings;
    }
    if let Some(types) = config.get("match_types").and_then(|v| v.as_array()) {
        let has = |t: &str| types.iter().any(|v| v.as_str() == Some(t));
        settings.extraction = Extraction { latex: has("latex"), plain: has("expr") };
    }
    if let Some(p) = config.get("precision").and_then(serde_json::Value::as_u64) {
        settings.precision = u32::try_from(p).unwrap_or(15);
    }
    if let Some(strict) = config.get("strict").and_then(serde_json::Value::as_bool) {
        settings.strict_variables = strict;
    }
    if let Some(allow) = config.get("allow_set_relation_comp").and_then(serde_json::Value::as_bool) {
        settings.relation_matches_interval = allow;
    }
    settings
}

/// Runs every `*.jsonl` file of the folder and reports agreement with the peer's verdicts.
pub fn run(name: &str, dir: &Path, progress: &mut dyn FnMut(Progress<'_>)) -> anyhow::Result<DatasetReport> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for (line_idx, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: Case = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a math-equivalence case", file.display(), line_idx + 1))?;
            cases.push((stem.clone(), case));
        }
    }
    let total = cases.len();
    let mut report = DatasetReport::new(name);
    let (mut agree, mut false_accept, mut false_reject, mut unreadable) = (0, 0, 0, 0);
    let mut per_file: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut disagreements = Vec::new();
    for (done, (stem, case)) in cases.iter().enumerate() {
        let settings = settings_for(&case.config);
        let verdict = math::equivalent(&case.gold, &case.pred, &settings);
        if matches!(verdict, math::MathVerdict::Unreadable(_) | math::MathVerdict::ReferenceUnreadable(_)) {
            unreadable += 1;
        }
        let ours = verdict.is_equivalent();
        let entry = per_file.entry(stem.clone()).or_default();
        entry.1 += 1;
        if ours == case.equivalent {
            agree += 1;
            entry.0 += 1;
        } else {
            if ours {
                false_accept += 1;
            } else {
                false_reject += 1;
            }
            disagreements.push(format!("{} (peer: {}, ours: {verdict:?})", case.id, case.equivalent));
        }
        progress(Progress { dataset: name, done: done + 1, total });
    }
    report.metrics.insert("n".into(), count(total));
    report.metrics.insert("agreement".into(), ratio(agree, total));
    report.metrics.insert("false_accept".into(), count(false_accept));
    report.metrics.insert("false_reject".into(), count(false_reject));
    report.metrics.insert("unreadable".into(), count(unreadable));
    for (stem, (a, n)) in &per_file {
        report.metrics.insert(format!("agreement.{stem}"), ratio(*a, *n));
    }
    if total == 0 {
        report.notes.push("no cases found (no *.jsonl files with cases)".into());
    }
    for d in disagreements {
        report.notes.push(format!("disagrees: {d}"));
    }
    Ok(report)
}

fn count(n: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let x = n as f64;
    x
}
