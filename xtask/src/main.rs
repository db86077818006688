//! Project automation, in Rust: `cargo xtask ci` is the gate that CI and developers run.
//!
//! - `ci`: fmt, clippy (warnings denied), tidy, every test on SQLite and on a throwaway PostgreSQL,
//!   the inkstone binary and the browser end-to-end tests (`e2e/`, Chromium headless), the benches
//!   once each as tests, and the docs with warnings denied.
//! - `tidy`: dependencies point down (domain crates never reach I/O crates) and every crate and
//!   module opens with a `//!` line.
//! - `postgres`: starts a throwaway PostgreSQL from the system's packages and prints its URL.
//! - `bench-http`: the HTTP benchmark (wrk against a demo school, on SQLite and PostgreSQL).
//! - `e2e`: builds the binary and runs only the browser end-to-end tests.

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
        Some("e2e") => {
            step("inkstone binary (dev profile)", cargo().args(["build", "-p", "cli", "--bin", "inkstone"]))?;
            browser_e2e(&root)
        }
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
        _ => bail!("usage: cargo xtask <ci|tidy|postgres|bench-http|e2e>"),
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

/// Where cargo puts build output.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The browser tests in `e2e/`: Debian's Chromium driven by playwright-core against the dev
/// binary. `npm ci` runs only when `node_modules` is missing or older than the lock file.
fn browser_e2e(root: &Path) -> anyhow::Result<()> {
    let e2e = root.join("e2e");
    let installed = e2e.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = match (modified(&installed), modified(&e2e.join("package-lock.json"))) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if stale {
        step(
            "browser end-to-end: npm ci",
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&e2e),
        )?;
    }
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        bail!(
            "browser end-to-end needs Chromium at {} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        );
    }
    step(
        "browser end-to-end",
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "flow.test.mjs"])
            .current_dir(&e2e)
            .env("INKSTONE_BIN", target_dir(root).join("debug/inkstone"))
            .env("CHROMIUM", chromium),
    )
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
    // The dev profile reuses what the tests just compiled: only the binary is linked.
    step("inkstone binary (dev profile)", cargo().args(["build", "-p", "cli", "--bin", "inkstone"]))?;
    browser_e2e(root)?;
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
