//! Project automation, in Rust: `cargo xtask ci` is the gate that CI and developers run.
//!
//! - `ci`: fmt, clippy (warnings denied), tidy, every test on SQLite and on a throwaway PostgreSQL,
//!   the benches once each as tests, and the docs with warnings denied.
//! - `tidy`: dependencies point down (domain crates never reach I/O crates) and every crate and
//!   module opens with a `//!` line.
//! - `postgres`: starts a throwaway PostgreSQL from the system's packages and prints its URL.
//! - `bench-http`: the HTTP benchmark (wrk against a demo school, on SQLite and PostgreSQL).

#![allow(clippy::print_stdout, clippy::disallowed_methods)]

mod bench_http;
mod postgres;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root()?;
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("ci") => ci(&root),
        Some("tidy") => tidy::run(&root),
        Some("bench-http") => bench_http::run(&root, &args[1..]),
        Some("postgres") => {
            let pg = postgres::Postgres::start()?;
            println!("export TEST_POSTGRES_URL={}", pg.url);
            println!(
                "# PostgreSQL runs in {} until you stop it: pg_ctl -D {}/data stop",
                pg.dir.display(),
                pg.dir.display()
            );
            pg.keep();
            Ok(())
        }
        _ => bail!("usage: cargo xtask <ci|tidy|postgres|bench-http>"),
    }
}

fn workspace_root() -> anyhow::Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(manifest.parent().context("xtask lives inside the workspace")?.to_owned())
}

fn step(name: &str, cmd: &mut Command) -> anyhow::Result<()> {
    println!("\n=== {name}: {cmd:?}");
    let t = Instant::now();
    let status = cmd.status().with_context(|| format!("running {name}"))?;
    println!("=== {name}: {status} in {:.0} s", t.elapsed().as_secs_f64());
    if !status.success() {
        bail!("{name} failed");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn has_nextest() -> bool {
    cargo().args(["nextest", "--version"]).output().is_ok_and(|o| o.status.success())
}

fn ci(root: &Path) -> anyhow::Result<()> {
    let t = Instant::now();
    step("fmt", cargo().args(["fmt", "--all", "--", "--check"]))?;
    step("clippy", cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    step("tidy", cargo().args(["xtask", "tidy"]))?;
    // PostgreSQL for the store tests: the one given, or a throwaway one. Never skipped.
    let pg = match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) => {
            println!("\n=== using TEST_POSTGRES_URL from the environment");
            postgres::Postgres::external(url)
        }
        Err(_) => postgres::Postgres::start()
            .context("starting PostgreSQL for the tests (install it: apt-get install postgresql)")?,
    };
    let mut tests = cargo();
    if has_nextest() {
        tests.args(["nextest", "run", "--workspace", "--no-fail-fast"]);
    } else {
        tests.args(["test", "--workspace", "--no-fail-fast"]);
    }
    tests.env("TEST_POSTGRES_URL", &pg.url).env_remove("INKSTONE_TEST_SQLITE_ONLY");
    if let Some(shared) = root.parent().map(|p| p.join("shared/data")).filter(|p| p.is_dir()) {
        tests.env("INKSTONE_SHARED_DATA", shared);
    }
    step("tests (SQLite and PostgreSQL)", &mut tests)?;
    step(
        "benches, once each as tests",
        cargo().args(["test", "--workspace", "--benches"]).env("TEST_POSTGRES_URL", &pg.url),
    )?;
    drop(pg);
    step(
        "docs",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--document-private-items"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    println!("\nci passed in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}
