//! Runs the knowledge-tracing evaluation until the `inkstone eval kt` subcommand exists.
//!
//! `kt <data dir> [--json] [--protocol dkvmn|akt] [--models m1,m2] [--folds 1,2]
//! [--max-seq-len N] [--max-epochs N] [--threads N] [--gru-budget SECONDS] [--seed S]` runs the protocol; `kt pybkt <train.csv> <test.csv> --python P
//! --script S [--restarts N] [--seed S]` runs our BKT and pyBKT side by side.

#![allow(clippy::print_stdout)]

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use evaluation::kt::peer::{PeerOptions, compare_with_pybkt};
use evaluation::kt::{self, KtOptions};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    let peer = args.peek().is_some_and(|a| a == "pybkt");
    if peer {
        args.next();
    }
    let mut positional = Vec::new();
    let mut json = false;
    let mut flags: Vec<(String, String)> = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            _ if arg.starts_with("--") => {
                let value = args.next().with_context(|| format!("{arg} needs a value"))?;
                flags.push((arg, value));
            }
            _ => positional.push(arg),
        }
    }
    if peer {
        let [train, test] = positional.as_slice() else {
            bail!("usage: kt pybkt <train.csv> <test.csv> --python P --script S [--restarts N]");
        };
        let mut options = PeerOptions {
            train: train.into(),
            test: test.into(),
            python: PathBuf::from("python3"),
            script: PathBuf::from("bkt_pybkt.py"),
            restarts: 1,
            seed: 42,
        };
        for (flag, value) in flags {
            match flag.as_str() {
                "--python" => options.python = value.into(),
                "--script" => options.script = value.into(),
                "--restarts" => options.restarts = value.parse().context("--restarts")?,
                "--seed" => options.seed = value.parse().context("--seed")?,
                _ => bail!("unknown flag {flag}"),
            }
        }
        print!("{}", compare_with_pybkt(&options)?.to_table());
        return Ok(());
    }
    let [data_dir] = positional.as_slice() else {
        bail!("usage: kt <data dir> [--json] [--protocol dkvmn|akt] [--models m1,m2] [--folds 1,2]");
    };
    let mut options = KtOptions::standard(data_dir);
    for (flag, value) in flags {
        match flag.as_str() {
            "--protocol" => options.protocol = Some(value.parse()?),
            "--models" => options.models = value.split(',').map(str::parse).collect::<anyhow::Result<_>>()?,
            "--folds" => {
                options.folds =
                    Some(value.split(',').map(|k| k.parse().context("fold numbers")).collect::<anyhow::Result<_>>()?)
            }
            "--max-seq-len" => options.max_seq_len = value.parse().context("--max-seq-len")?,
            "--max-epochs" => options.max_epochs = value.parse().context("--max-epochs")?,
            "--threads" => options.threads = value.parse().context("--threads")?,
            "--gru-budget" => options.gru_budget_seconds = value.parse().context("--gru-budget")?,
            "--seed" => options.seed = value.parse().context("--seed")?,
            _ => bail!("unknown flag {flag}"),
        }
    }
    let report = kt::run(&options, &mut |p| {
        eprint!("\r[{}/{}] {:<70}", p.done, p.total, p.message);
        let _ = std::io::stderr().flush();
    })?;
    eprintln!();
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_table());
    }
    Ok(())
}
