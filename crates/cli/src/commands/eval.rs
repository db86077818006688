//! `eval grading` (and `eval kt` once the learning models land).

use std::path::PathBuf;

use super::say;
use crate::progress;

/// Benchmark protocols.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum EvalCommand {
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
            Ok(())
        }
    }
}
