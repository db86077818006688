//! The `chinese-normalisation` dataset: Traditional→Simplified conversion, exact match.
//!
//! Reads every `*.jsonl` file (one `{id, config, input, expected}` per line); when there is
//! none, reads `*.json` files in OpenCC's test-case layout (`{"cases": [{id, input,
//! expected: {config: output}}]}`, trailing commas allowed). Only the to-Simplified
//! configurations are scored: `t2s`, `tw2s` and `hk2s` against our one character conversion
//! ([`ScriptConversion::Simplified`]), `tw2sp` and `hk2sp` against the vocabulary conversion
//! ([`ScriptConversion::MainlandVocabulary`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use grading::text::{ScriptConversion, to_simplified};
use serde::Deserialize;

use super::{DatasetReport, Progress, ratio};

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    config: String,
    input: String,
    expected: String,
}

#[derive(Debug, Deserialize)]
struct Suite {
    cases: Vec<SuiteCase>,
}

#[derive(Debug, Deserialize)]
struct SuiteCase {
    id: String,
    input: String,
    expected: BTreeMap<String, String>,
}

/// Our conversion for an OpenCC to-Simplified configuration name.
fn conversion_for(config: &str) -> Option<ScriptConversion> {
    match config {
        "t2s" | "tw2s" | "hk2s" => Some(ScriptConversion::Simplified),
        "tw2sp" | "hk2sp" => Some(ScriptConversion::MainlandVocabulary),
        _ => None,
    }
}

fn files_with(dir: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    Ok(files)
}

/// OpenCC's JSON has trailing commas: drop a comma that precedes `}` or `]`.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|ch| !ch.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn load(dir: &Path) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let jsonl = files_with(dir, "jsonl")?;
    if !jsonl.is_empty() {
        for file in &jsonl {
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
            for (line_idx, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let row: Row = serde_json::from_str(line)
                    .with_context(|| format!("{}:{}: not a conversion case", file.display(), line_idx + 1))?;
                rows.push(row);
            }
        }
        return Ok(rows);
    }
    for file in files_with(dir, "json")? {
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let suite: Suite = serde_json::from_str(&strip_trailing_commas(&text))
            .with_context(|| format!("{}: not an OpenCC test-case file", file.display()))?;
        for case in suite.cases {
            for (config, expected) in case.expected {
                rows.push(Row { id: case.id.clone(), config, input: case.input.clone(), expected });
            }
        }
    }
    Ok(rows)
}

pub fn run(name: &str, dir: &Path, progress: &mut dyn FnMut(Progress<'_>)) -> anyhow::Result<DatasetReport> {
    let rows: Vec<(Row, ScriptConversion)> =
        load(dir)?.into_iter().filter_map(|r| conversion_for(&r.config).map(|v| (r, v))).collect();
    let total = rows.len();
    let mut report = DatasetReport::new(name);
    let mut per_config: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut matched = 0;
    let (mut chars_same, mut chars_total) = (0usize, 0usize);
    for (done, (row, conversion)) in rows.iter().enumerate() {
        let out = to_simplified(&row.input, *conversion);
        let entry = per_config.entry(row.config.clone()).or_default();
        entry.1 += 1;
        let expected: Vec<char> = row.expected.chars().collect();
        chars_total += expected.len();
        chars_same += out.chars().zip(&expected).filter(|(a, b)| a == *b).count();
        if out == row.expected {
            matched += 1;
            entry.0 += 1;
        } else {
            report.notes.push(format!("mismatch {} ({}): got {out}, expected {}", row.id, row.config, row.expected));
        }
        progress(Progress { dataset: name, done: done + 1, total });
    }
    #[allow(clippy::cast_precision_loss)]
    report.metrics.insert("n".into(), total as f64);
    report.metrics.insert("exact_match".into(), ratio(matched, total));
    // Position-wise character agreement: how much of the text is right when a case is not.
    report.metrics.insert("char_agreement".into(), ratio(chars_same, chars_total));
    for (config, (m, n)) in &per_config {
        report.metrics.insert(format!("exact_match.{config}"), ratio(*m, *n));
    }
    if total == 0 {
        report.notes.push("no to-Simplified cases found".into());
    }
    Ok(report)
}
