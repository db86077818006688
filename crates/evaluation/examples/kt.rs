//! Runs the knowledge-tracing evaluation until the `inkstone eval kt` subcommand exists:
//! `cargo run --release -p evaluation --example kt -- <data dir> [--json] [--protocol P]
//! [--models m1,m2] [--folds 1,2] [--max-seq-len N] [--seed S]`.

#![allow(clippy::print_stdout)]

use std::io::Write as _;

use anyhow::{Context, bail};
use evaluation::kt::{self, KtOptions};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut data_dir = None;
    let mut json = false;
    let mut options_edits: Vec<(String, String)> = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--protocol" | "--models" | "--folds" | "--max-seq-len" | "--seed" => {
                let value = args.next().with_context(|| format!("{arg} needs a value"))?;
                options_edits.push((arg, value));
            }
            _ if arg.starts_with("--") => bail!("unknown flag {arg}"),
            _ => data_dir = Some(arg),
        }
    }
    let data_dir = data_dir.context("usage: kt <data dir> [--json] [--protocol dkvmn|akt]")?;
    let mut options = KtOptions::standard(data_dir);
    for (flag, value) in options_edits {
        match flag.as_str() {
            "--protocol" => options.protocol = Some(value.parse()?),
            "--models" => {
                options.models = value.split(',').map(str::parse).collect::<anyhow::Result<_>>()?
            }
            "--folds" => {
                options.folds = Some(
                    value.split(',').map(|k| k.parse().context("fold numbers")).collect::<anyhow::Result<_>>()?,
                )
            }
            "--max-seq-len" => options.max_seq_len = value.parse().context("--max-seq-len")?,
            "--seed" => options.seed = value.parse().context("--seed")?,
            _ => unreachable!("only known flags are collected"),
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
