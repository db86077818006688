//! Runs the free-text grading benchmarks: `cargo run --release -p evaluation --example grading_text -- <data dir> [dataset…] [--json]`.
//!
//! `<data dir>` is a folder holding dataset folders (e.g. `../shared/data/grading`); every
//! free-text dataset folder found there is evaluated, or only the ones named.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use evaluation::grading::text::{DATASETS, run_dataset};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let root = PathBuf::from(
        positional
            .first()
            .context("usage: grading_text <data dir> [dataset…] [--json]")?,
    );
    let wanted: Vec<&str> = if positional.len() > 1 {
        positional[1..].iter().map(|s| s.as_str()).collect()
    } else {
        DATASETS.to_vec()
    };
    for name in wanted {
        let path = root.join(name);
        if !path.is_dir() {
            continue;
        }
        let started = Instant::now();
        let mut progress = |line: &str| eprintln!("{line}");
        let Some(report) = run_dataset(name, &path, &mut progress) else {
            eprintln!("{name}: not a free-text dataset");
            continue;
        };
        let report = report.with_context(|| format!("evaluating {}", path.display()))?;
        let seconds = started.elapsed().as_secs_f64();
        if json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            println!("== {name} ({seconds:.1} s)");
            for (key, value) in &report.metrics {
                println!("  {key:<48} {value:.4}");
            }
            for note in &report.notes {
                println!("  note: {note}");
            }
        }
    }
    Ok(())
}
