//! `sync export|import|run|key`: replication with a county hub by USB disk or over HTTP.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use app::replication::{Deidentify, Direction, NextBatch, SyncOptions};

use super::{open, operator, say};
use crate::settings::Settings;

/// Replication commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum SyncCommand {
    /// Write sealed batches of the changes the peer has not acknowledged into a folder (a USB disk).
    Export {
        /// The folder to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Apply the batches addressed to this server in a folder (in name order) and write receipts
    /// back into it; take in the receipts addressed to this server.
    Import { dir: PathBuf },
    /// Push changes to a peer server over HTTP until it is up to date (or the budget is spent).
    Run {
        /// The peer's base URL, e.g. `http://hub.example:8080`
        #[arg(long)]
        url: String,
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Print this server's public key (the same key signs transfers and sync batches).
    Key,
}

/// Which peer, which way and under which policy.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LinkArgs {
    /// The peer's public key (base64); it must be trusted here (`inkstone transfer trust`).
    #[arg(long)]
    pub(crate) peer: String,
    /// Send rosters and the item bank down to this school (org id) instead of sending records up.
    #[arg(long, value_name = "ORG_ID")]
    down_to_school: Option<String>,
    /// Replace names, contact details and free-text notes by pseudonyms before they leave.
    #[arg(long)]
    deidentify: bool,
    /// The link's monthly budget in megabytes (10^6 bytes); unmetered if absent.
    #[arg(long, value_name = "MB")]
    budget_mb: Option<f64>,
    /// JSON bytes per batch before compression (batches shrink to about a fifth on the wire).
    #[arg(long, default_value_t = app::replication::DEFAULT_BATCH_JSON_BYTES)]
    batch_bytes: usize,
}

impl LinkArgs {
    /// An unmetered upward link to `peer` with the usual batch size.
    pub(crate) fn up_to(peer: String) -> Self {
        Self {
            peer,
            down_to_school: None,
            deidentify: false,
            budget_mb: None,
            batch_bytes: app::replication::DEFAULT_BATCH_JSON_BYTES,
        }
    }
}

impl LinkArgs {
    fn options(&self) -> SyncOptions {
        SyncOptions {
            direction: if self.down_to_school.is_some() { Direction::Down } else { Direction::Up },
            deidentify: if self.deidentify { Deidentify::Pseudonymise } else { Deidentify::Off },
            batch_json_bytes: self.batch_bytes.max(1),
            monthly_budget: self.budget_mb.map(|mb| (mb * 1e6) as u64),
            school: self.down_to_school.clone(),
        }
    }
}

const BATCH_EXT: &str = "inkbatch";
const RECEIPT_EXT: &str = "inkreceipt";

pub(crate) async fn run(settings: &Settings, command: SyncCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let caller = operator();
    match command {
        SyncCommand::Key => say(app.public_key().await?),
        SyncCommand::Export { to, link } => {
            std::fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
            let options = link.options();
            let mut from = app.sync_acknowledged(&link.peer, options.direction).await?;
            let stamp = app.now().millis();
            let (mut n_files, mut n_changes, mut n_bytes) = (0usize, 0usize, 0usize);
            let outcome = loop {
                match app.sync_next_batch(&caller, &link.peer, &from, &options).await? {
                    NextBatch::Batch(batch) => {
                        n_files += 1;
                        // Names sort in the order the batches must be applied.
                        let path = to.join(format!("{stamp:013}-{n_files:05}.{BATCH_EXT}"));
                        write_new(&path, &batch.sealed)?;
                        n_changes += batch.n_changes;
                        n_bytes += batch.sealed.len();
                        from.extend(batch.upto);
                    }
                    other => break other,
                }
            };
            say(format!("Wrote {n_files} batches ({n_changes} changes, {n_bytes} bytes) to {}.", to.display()));
            if let NextBatch::BudgetSpent { monthly_bytes, used } = outcome {
                say(format!(
                    "The link's budget is spent ({used} of {monthly_bytes} bytes this month); the rest waits."
                ));
            }
        }
        SyncCommand::Import { dir } => import_dir(&app, &caller, &dir).await?,
        SyncCommand::Run { url, link } => {
            let stats = push_http(&app, &caller, &url, &link).await?;
            say(format!(
                "{} is up to date: {} changes in {} requests, {} bytes sent, {} received, {:.2} s.",
                stats.peer_name, stats.n_changes, stats.requests, stats.sent_bytes, stats.received_bytes, stats.seconds
            ));
        }
    }
    app.store().close().await;
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    // Written under a temporary name and renamed, so a half-written file never looks like a batch.
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
}

async fn import_dir(app: &app::App, caller: &app::Caller, dir: &Path) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == BATCH_EXT || x == RECEIPT_EXT))
        .collect();
    files.sort();
    let me = app.public_key().await?;
    let (mut n_applied, mut n_held, mut n_receipts) = (0, 0, 0);
    for path in &files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if app::App::sync_is_receipt(&bytes) {
            match app.sync_accept_receipt(caller, &bytes).await {
                Ok((peer, _)) => {
                    n_receipts += 1;
                    say(format!("{}: {peer} acknowledged our changes.", path.display()));
                }
                // Receipts this server wrote for others travel in the same folder.
                Err(app::Error::User(app::UserError::BadBundle(why))) if why.contains("another server") => {}
                Err(e) => return Err(anyhow::Error::new(e).context(format!("{}", path.display()))),
            }
            continue;
        }
        match app.sync_batch_recipient(&bytes) {
            Ok(to) if to != me => continue,
            _ => {}
        }
        let applied = app.sync_apply(caller, &bytes).await.with_context(|| format!("{}", path.display()))?;
        if applied.already_held {
            n_held += 1;
        } else {
            n_applied += 1;
            say(format!(
                "{}: from {}: {} inserted, {} replaced, {} kept, {} deleted.",
                path.display(),
                applied.peer_name,
                applied.inserted,
                applied.replaced,
                applied.kept,
                applied.deleted
            ));
        }
        let receipt = dir.join(format!("{}.{RECEIPT_EXT}", receipt_name(&bytes)));
        write_new(&receipt, &applied.receipt)?;
    }
    say(format!("Applied {n_applied} batches ({n_held} already held); took in {n_receipts} receipts."));
    Ok(())
}

/// Receipts are named after the batch they answer, so a later import replaces none of them.
fn receipt_name(batch: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    batch.hash(&mut h);
    format!("receipt-{:016x}", h.finish())
}

fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .build()
        .into()
}

/// A response's body, or its problem+json detail as the error.
fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> anyhow::Result<Vec<u8>> {
    let mut response = response.with_context(|| format!("{what}: no answer"))?;
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .with_context(|| format!("{what}: reading the answer"))?;
    if !status.is_success() {
        let detail = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
        bail!("{what}: the peer answered {status}: {detail}");
    }
    Ok(body)
}

/// What a push over HTTP moved (bodies only: each request adds about 200 bytes of headers).
#[derive(Debug, Clone)]
pub(crate) struct PushStats {
    pub(crate) peer_name: String,
    pub(crate) n_changes: usize,
    pub(crate) requests: usize,
    pub(crate) sent_bytes: usize,
    pub(crate) received_bytes: usize,
    pub(crate) seconds: f64,
}

/// Pushes changes to the peer at `url` until it acknowledges all of them (or the budget is spent).
pub(crate) async fn push_http(
    app: &app::App,
    caller: &app::Caller,
    url: &str,
    link: &LinkArgs,
) -> anyhow::Result<PushStats> {
    let options = link.options();
    let me = app.public_key().await?;
    let base = url.trim_end_matches('/').to_owned();
    let agent = http_agent();
    let t = std::time::Instant::now();
    let receipt_url = format!("{base}/api/sync/receipt");
    let (agent2, me2, direction) = (agent.clone(), me.clone(), options.direction.as_str());
    let receipt = tokio::task::spawn_blocking(move || {
        answer(
            agent2.get(&receipt_url).query("peer", &me2).query("direction", direction).call(),
            "asking for the receipt",
        )
    })
    .await??;
    let (mut requests, mut sent_bytes, mut received_bytes) = (1usize, 0usize, receipt.len());
    let (peer_name, mut from) = app.sync_accept_receipt(caller, &receipt).await?;
    let mut n_changes = 0;
    loop {
        let batch = match app.sync_next_batch(caller, &link.peer, &from, &options).await? {
            NextBatch::Batch(b) => b,
            NextBatch::UpToDate => break,
            NextBatch::BudgetSpent { monthly_bytes, used } => {
                say(format!(
                    "The link's budget is spent ({used} of {monthly_bytes} bytes this month); the rest waits."
                ));
                break;
            }
        };
        let push_url = format!("{base}/api/sync/batches");
        let agent2 = agent.clone();
        let body = batch.sealed.clone();
        let receipt = tokio::task::spawn_blocking(move || {
            answer(
                agent2.post(&push_url).header("content-type", "application/octet-stream").send(&body[..]),
                "pushing a batch",
            )
        })
        .await??;
        requests += 1;
        sent_bytes += batch.sealed.len();
        received_bytes += receipt.len();
        n_changes += batch.n_changes;
        let (_, acknowledged) = app.sync_accept_receipt(caller, &receipt).await?;
        let moved = batch.upto.iter().all(|(t, seq)| acknowledged.get(t).copied().unwrap_or(0) >= *seq);
        if !moved {
            bail!("{peer_name} did not acknowledge the batch it was sent; stopping");
        }
        from = acknowledged;
    }
    Ok(PushStats { peer_name, n_changes, requests, sent_bytes, received_bytes, seconds: t.elapsed().as_secs_f64() })
}
