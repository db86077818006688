//! `eval kt`, `eval bkt-vs-pybkt` and `eval grading`: benchmark protocols over datasets on disk.

use std::path::PathBuf;

use anyhow::Context;
use evaluation::kt::{KtModel, KtOptions, Protocol};

use super::say;
use crate::progress;

/// Benchmark protocols.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum EvalCommand {
    /// Knowledge tracing: the DKVMN or AKT protocol, recognised from the files in --data.
    Kt {
        /// One dataset's split files (e.g. ../shared/data/kt/assist2009/akt_pid).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Print {"dataset", "protocol", "models": [...]} instead of a table.
        #[arg(long)]
        json: bool,
        /// Use this protocol instead of the one the files suggest (dkvmn or akt).
        #[arg(long)]
        protocol: Option<Protocol>,
        /// Only these models, comma-separated (default: all).
        #[arg(long, value_delimiter = ',')]
        models: Option<Vec<KtModel>>,
        /// Only these folds, comma-separated, 1-based (default: all).
        #[arg(long, value_delimiter = ',')]
        folds: Option<Vec<u32>>,
        /// Worker threads for the sequence model.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// Our BKT and pyBKT on the same DKVMN split, side by side in one run.
    BktVsPybkt {
        train: PathBuf,
        test: PathBuf,
        /// The Python with pyBKT installed (see ../shared/peers/pybkt/README.md).
        #[arg(long)]
        python: PathBuf,
        /// The peer's script, bkt_pybkt.py.
        #[arg(long)]
        script: PathBuf,
        #[arg(long, default_value_t = 1)]
        restarts: u32,
    },
    /// Grading benchmarks: every known dataset folder found under --data.
    Grading {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// One JSON object per dataset instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(command: EvalCommand) -> anyhow::Result<()> {
    match command {
        EvalCommand::Kt { data, json, protocol, models, folds, threads } => {
            let mut options = KtOptions::standard(&data);
            options.protocol = protocol;
            if let Some(models) = models {
                options.models = models;
            }
            options.folds = folds;
            options.threads = threads.max(1);
            let bar = progress::bar(1, "knowledge tracing");
            let report = evaluation::kt::run(&options, &mut |p| {
                bar.set_length(u64::from(p.total.max(1)));
                bar.set_position(u64::from(p.done));
                bar.set_message(p.message);
            });
            bar.finish_and_clear();
            let report = report.with_context(|| format!("evaluating {}", data.display()))?;
            say(if json { report.to_json() } else { report.to_table().trim_end().to_owned() });
        }
        EvalCommand::BktVsPybkt { train, test, python, script, restarts } => {
            let options = evaluation::kt::peer::PeerOptions { train, test, python, script, restarts, seed: 42 };
            say(evaluation::kt::peer::compare_with_pybkt(&options)?.to_table().trim_end());
        }
        EvalCommand::Grading { data, json } => {
            let bar = progress::bar(1, "grading");
            let reports = evaluation::grading::run(&data, &mut |p| {
                bar.set_message(p.dataset.to_owned());
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
            });
            bar.finish_and_clear();
            let reports = reports?;
            if json {
                say(serde_json::to_string_pretty(&evaluation::grading::render_json(&reports))?);
            } else {
                say(evaluation::grading::render_table(&reports).trim_end());
            }
        }
    }
    Ok(())
}
