//! Runs the grading benchmarks: `cargo run --release -p evaluation --example grading -- --data <dir> [--json]`.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use anyhow::Context as _;

fn main() -> anyhow::Result<()> {
    let mut data: Option<PathBuf> = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = Some(PathBuf::from(args.next().context("--data needs a folder")?)),
            "--json" => json = true,
            other => {
                anyhow::bail!("unknown argument {other:?}; usage: grading --data <dir> [--json]")
            }
        }
    }
    let data = data.context("usage: grading --data <dir> [--json]")?;
    let reports = evaluation::grading::run(&data, &mut |p| {
        if p.done == p.total {
            eprintln!("{}: {} cases", p.dataset, p.total);
        }
    })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&evaluation::grading::render_json(&reports))?);
    } else {
        print!("{}", evaluation::grading::render_table(&reports));
    }
    Ok(())
}
