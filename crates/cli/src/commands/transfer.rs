//! `transfer export|import|trust|inspect|key`.

use std::path::PathBuf;

use anyhow::Context;
use base::{Date, OrgId, PersonId};

use super::{open, operator, say};
use crate::settings::Settings;

/// Transfer commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum TransferCommand {
    /// Write a student's record as a signed bundle for the receiving school; records the departure.
    Export {
        /// The student's id.
        #[arg(long)]
        student: String,
        /// The receiving school's name.
        #[arg(long)]
        to: String,
        /// The last day here (YYYY-MM-DD); today if absent.
        #[arg(long)]
        leaving: Option<String>,
        /// The bundle file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a bundle's signature and show what it holds, without importing.
    Inspect { file: PathBuf },
    /// Admit a transferred student from a signed bundle.
    Import {
        file: PathBuf,
        /// The id of the school that admits the student.
        #[arg(long)]
        school: String,
    },
    /// Trust a school's public key for incoming transfers.
    Trust {
        /// The school's public key (base64), as its `transfer key` prints.
        #[arg(long)]
        key: String,
        /// The school's name.
        #[arg(long)]
        name: String,
    },
    /// Print this server's public key, for schools that will receive its transfers.
    Key,
}

pub(crate) async fn run(settings: &Settings, command: TransferCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    match command {
        TransferCommand::Export { student, to, leaving, out } => {
            let student = PersonId::parse(student).context("--student")?;
            let leaving = match leaving {
                Some(d) => Date::parse(&d).context("--leaving")?,
                None => app.today(),
            };
            if out.exists() {
                anyhow::bail!("{} already exists; choose a new file", out.display());
            }
            let bundle = app.export_transfer(&operator(), &student, &to, leaving).await?;
            std::fs::write(&out, bundle).with_context(|| format!("writing {}", out.display()))?;
            say(format!("Wrote the signed transfer bundle to {}; the departure is recorded here.", out.display()));
        }
        TransferCommand::Inspect { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let (payload, peer) = app.inspect_transfer(&bytes).await?;
            say(format!("Signed by {} (trusted). From {} to {}.", peer.name, payload.from_school, payload.to_school));
            say(format!(
                "Student: {}{}, {} results, {} attendance days, {} administrative records.",
                payload.student.family_name,
                payload.student.given_name,
                payload.results.len(),
                payload.attendance.len(),
                payload.admin_records.len()
            ));
        }
        TransferCommand::Import { file, school } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let school = OrgId::parse(school).context("--school")?;
            let done = app.import_transfer(&operator(), &bytes, &school).await?;
            say(format!(
                "Admitted student {} from {} ({} results, {} attendance days kept as prior records).",
                done.student, done.from_school, done.results, done.attendance
            ));
        }
        TransferCommand::Trust { key, name } => {
            app.trust_peer(&operator(), &key, &name).await?;
            say(format!("Transfers signed by {name} will now be accepted."));
        }
        TransferCommand::Key => say(app.public_key().await?),
    }
    app.store().close().await;
    Ok(())
}
