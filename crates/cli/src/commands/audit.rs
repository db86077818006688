//! `audit verify` and `audit head`.

use anyhow::bail;

use super::{open, say};
use crate::progress;
use crate::settings::Settings;

/// Audit log commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuditCommand {
    /// Check every entry of the hash chain; exits non-zero if anything was edited, inserted or deleted.
    Verify {
        /// An earlier head (`seq:hash`, from `audit head`) kept elsewhere: also detects a rewritten log.
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Option<String>,
    },
    /// Print the chain's head, to write down or send somewhere the server cannot change.
    Head,
}

pub(crate) async fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    match command {
        AuditCommand::Head => say(app.audit_head().await?),
        AuditCommand::Verify { anchor } => {
            let anchor = match anchor {
                Some(a) => Some(
                    audit::parse_anchor(&a)
                        .ok_or_else(|| anyhow::anyhow!("--anchor must be seq:hash, as `audit head` prints"))?,
                ),
                None => None,
            };
            let bar = progress::bar(1, "verifying the audit chain");
            let verdict = app.verify_audit(anchor, |done, total| {
                bar.set_length(u64::try_from(total).unwrap_or(0).max(1));
                bar.set_position(u64::try_from(done).unwrap_or(0));
            });
            let verdict = verdict.await?;
            bar.finish_and_clear();
            match verdict {
                app::AuditVerification::Intact { entries, head } => {
                    say(format!("The audit log is intact: {entries} entries, head {head}."));
                }
                app::AuditVerification::Broken { problem } => {
                    app.store().close().await;
                    bail!("the audit log has been tampered with: {problem}");
                }
            }
        }
    }
    app.store().close().await;
    Ok(())
}
