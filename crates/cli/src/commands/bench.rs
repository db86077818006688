//! `bench import`: the OneRoster import benchmark on a generated county.

use std::time::Instant;

use anyhow::{Context, bail};

use super::say;
use crate::settings::{Database, Settings};

/// Benchmarks.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum BenchCommand {
    /// Generate a OneRoster set (by default 100,000 students with a guardian each, 5,000 teachers,
    /// 4,000 classes, 400,000 student enrollments) and import it into a fresh database in a
    /// separate process, so that its time and peak memory are the import's alone.
    Import {
        #[arg(long, default_value_t = 100_000)]
        students: usize,
        #[arg(long, default_value_t = 5_000)]
        teachers: usize,
        #[arg(long, default_value_t = 4_000)]
        classes: usize,
    },
    /// Replicate a school the size of the Morango peer's (181 users) to a hub over HTTP on
    /// loopback: a full, a no-op and an incremental sync, with bytes, requests, time and the
    /// database growth from bookkeeping. The hub is SQLite, or PostgreSQL with --database-url.
    Sync(super::bench_sync::SyncBenchArgs),
}

/// Peak resident memory of this process so far, in MiB (Linux).
pub(crate) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub(crate) async fn run(settings: &Settings, command: BenchCommand) -> anyhow::Result<()> {
    let (students, teachers, classes) = match command {
        BenchCommand::Import { students, teachers, classes } => (students, teachers, classes),
        BenchCommand::Sync(args) => return super::bench_sync::run(settings, args).await,
    };
    let size = app::demo::RosterSize {
        schools: (students / 2500).max(1),
        students,
        teachers,
        classes,
        classes_per_student: 4,
    };
    let dir = settings.data_dir.join("bench-import");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let zip = dir.join("county.zip");
    let t = Instant::now();
    std::fs::write(&zip, app::demo::oneroster_set(size).to_zip())
        .with_context(|| format!("writing {}", zip.display()))?;
    say(format!(
        "Generated {students} students (each with a guardian), {teachers} teachers, {classes} classes and {} student enrollments in {:.1} s: {}",
        students * 4,
        t.elapsed().as_secs_f64(),
        zip.display()
    ));
    let exe = std::env::current_exe().context("finding this program")?;
    let mut child = std::process::Command::new(exe);
    child.arg("--data-dir").arg(dir.join("data")).arg("import").arg("oneroster").arg(&zip);
    match &settings.database {
        Database::Sqlite { .. } => {}
        // The URL travels in the environment, not the process list.
        Database::Postgres { url, .. } => {
            child.env("INKSTONE_DATABASE_URL", url);
        }
    }
    say("Importing in a fresh process (its own time and peak memory):");
    let status = child.status().context("running the import")?;
    if !status.success() {
        bail!("the import failed ({status})");
    }
    Ok(())
}
