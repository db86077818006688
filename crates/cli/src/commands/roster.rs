//! `import oneroster` and `export oneroster`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use app::roster::{ExportMode, ExportOptions, ImportOptions};
use base::Timestamp;
use oneroster::{RosterFiles, ZipLimits};

use super::{open, operator, say};
use crate::progress;
use crate::settings::Settings;

/// What to import.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ImportCommand {
    /// A OneRoster 1.2 CSV set, as a folder or a zip. All or nothing.
    Oneroster {
        /// The folder or zip file.
        path: PathBuf,
        /// Allow a bulk file to delete more than half of the records earlier imports brought.
        #[arg(long)]
        allow_mass_deletion: bool,
    },
    /// QTI items (3.0, or 2.1/2.2 converted) into the item bank: files, or folders of `.xml`
    /// files. All or nothing: one unreadable file imports nothing and every such file is named.
    Qti {
        /// Item files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The subject to file the items under (e.g. `physics`, `maths-junior-secondary`).
        #[arg(long)]
        subject: String,
    },
}

/// Reads QTI item files, and the `.xml` files of folders (not recursively), in name order.
fn read_qti(paths: &[PathBuf]) -> anyhow::Result<Vec<app::assessment::QtiFile>> {
    let mut files = Vec::new();
    for path in paths {
        let mut list = Vec::new();
        if path.is_dir() {
            for entry in std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
                let p = entry.with_context(|| format!("reading {}", path.display()))?.path();
                if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
                    list.push(p);
                }
            }
            list.sort();
        } else {
            list.push(path.clone());
        }
        for p in list {
            let bytes = std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
            files.push(app::assessment::QtiFile { name: p.display().to_string(), bytes });
        }
    }
    Ok(files)
}

async fn import_qti(settings: &Settings, paths: &[PathBuf], subject: &str) -> anyhow::Result<()> {
    let files = read_qti(paths)?;
    let app = open(settings).await?;
    let report = app.import_qti(&operator(), subject, &files).await?;
    for n in &report.notes {
        say(format!("note: {n}"));
    }
    say(format!("{} items added, {} already in the bank.", report.added.len(), report.existing.len()));
    app.store().close().await;
    Ok(())
}

/// What to export.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ExportCommand {
    /// A OneRoster 1.2 CSV set.
    Oneroster {
        /// A zip file (name ending in .zip) or a folder to write.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Only changes after this time (RFC 3339), as delta files.
        #[arg(long, value_name = "TIME")]
        delta_since: Option<String>,
        /// Carry national student ids in metadata.nationalStudentId (audited as sensitive).
        #[arg(long)]
        with_national_ids: bool,
    },
}

/// Reads a set from a folder or a zip.
pub(crate) fn read_set(path: &Path) -> anyhow::Result<RosterFiles> {
    if path.is_dir() {
        let mut files = RosterFiles::new();
        for entry in std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
            let entry = entry?;
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "csv") {
                let name = p.file_name().and_then(|n| n.to_str()).context("a file name that is not UTF-8")?;
                files.insert(name, std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?);
            }
        }
        Ok(files)
    } else {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(RosterFiles::from_zip(&bytes, ZipLimits::DEFAULT).map_err(|e| anyhow::anyhow!("{e}"))?)
    }
}

pub(crate) async fn import(settings: &Settings, command: ImportCommand) -> anyhow::Result<()> {
    let (path, allow_mass_deletion) = match command {
        ImportCommand::Oneroster { path, allow_mass_deletion } => (path, allow_mass_deletion),
        ImportCommand::Qti { paths, subject } => return import_qti(settings, &paths, &subject).await,
    };
    let files = read_set(&path)?;
    let app = open(settings).await?;
    let bar = progress::bar(1, "reading");
    let started = std::time::Instant::now();
    let result = app
        .import_roster(&operator(), &files, ImportOptions { allow_mass_deletion }, &mut |p| {
            bar.set_message(p.file.clone());
            bar.set_length(p.rows_total.max(1));
            bar.set_position(p.rows_done);
        })
        .await;
    bar.finish_and_clear();
    let report = result?;
    for (file, mode, written, deleted) in &report.files {
        say(format!("{file:<22} {:<6} {written:>8} written {deleted:>8} deleted", mode.as_str()));
    }
    say(format!("guardianships          {:>15}", report.guardianships));
    for s in &report.skipped {
        say(format!("skipped (not rostering): {s}"));
    }
    for w in &report.warnings {
        say(format!("warning: {w}"));
    }
    let peak = super::bench::peak_rss_mib().map_or_else(String::new, |m| format!("; peak memory {m:.0} MiB"));
    say(format!("Imported in {:.1} s{peak}.", started.elapsed().as_secs_f64()));
    app.store().close().await;
    Ok(())
}

pub(crate) async fn export(settings: &Settings, command: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Oneroster { out, delta_since, with_national_ids } = command;
    let mode = match delta_since {
        Some(t) => ExportMode::DeltaSince(Timestamp::parse_rfc3339(&t).with_context(|| format!("--delta-since {t}"))?),
        None => ExportMode::Bulk,
    };
    let app = open(settings).await?;
    let set = app.export_roster(&operator(), ExportOptions { mode, include_national_ids: with_national_ids }).await?;
    if out.extension().is_some_and(|e| e == "zip") {
        std::fs::write(&out, set.to_zip()).with_context(|| format!("writing {}", out.display()))?;
    } else {
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        for (name, bytes) in set.files() {
            let p = out.join(&name);
            std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?;
        }
    }
    let rows: usize = set.tables.iter().map(|t| t.rows.len()).sum();
    say(format!("Exported {rows} rows in {} files to {}.", set.tables.len() + 1, out.display()));
    app.store().close().await;
    Ok(())
}
