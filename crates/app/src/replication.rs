//! Replication with a county hub (or a school): sealed batches out, batches in, receipts.
//!
//! A school sends its records and learning events up; a hub sends rosters and the item bank down,
//! filtered to the receiving school. Batches are built from what the peer has acknowledged (its
//! signed receipts), applied all or nothing with the watermark in the same transaction, and
//! answered with a fresh receipt. The rules themselves live in the `sync` crate.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use store::replication::{self as rep, Change, Side};
use sync::batch::{self, BatchBuilder};
use sync::budget::{Allowance, Budget};
use sync::rules::{self, Admission, Resolution};
use sync::seal::{self, Freshness};

pub use sync::rules::Deidentify;
pub use sync::schema::Direction;

use crate::{App, Caller, Error, Result, UserError};

/// The largest sealed batch accepted.
pub const MAX_SEALED_BYTES: usize = 64 << 20;
/// A batch's usual size: JSON before deflating (deflated batches are about a fifth of it).
pub const DEFAULT_BATCH_JSON_BYTES: usize = 8 << 20;
/// Rows read from the database per query while a batch is filled.
const READ_CHUNK: usize = 5_000;

/// How to build batches for a peer.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub direction: Direction,
    pub deidentify: Deidentify,
    /// JSON bytes per batch before deflating.
    pub batch_json_bytes: usize,
    /// The link's monthly budget in sealed bytes (`None`: unmetered).
    pub monthly_budget: Option<u64>,
    /// For batches going down: the school (org id) whose rosters go.
    pub school: Option<String>,
}

impl SyncOptions {
    /// A school's upward link: records and learning events as they are, unmetered.
    pub fn up() -> Self {
        Self {
            direction: Direction::Up,
            deidentify: Deidentify::Off,
            batch_json_bytes: DEFAULT_BATCH_JSON_BYTES,
            monthly_budget: None,
            school: None,
        }
    }
}

/// A batch ready to travel.
#[derive(Debug, Clone)]
pub struct OutgoingBatch {
    pub sealed: Vec<u8>,
    pub n_changes: usize,
    /// Per table, the watermark the peer holds once it has applied this batch.
    pub upto: BTreeMap<String, u64>,
}

/// What building the next batch found.
#[derive(Debug, Clone)]
pub enum NextBatch {
    Batch(OutgoingBatch),
    /// Nothing left to send.
    UpToDate,
    /// The link's budget for this month is spent.
    BudgetSpent {
        monthly_bytes: u64,
        used: u64,
    },
}

/// What applying a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub peer_name: String,
    /// Rows inserted, replaced, kept (the local row was as new or newer) and deleted.
    pub inserted: usize,
    pub replaced: usize,
    pub kept: usize,
    pub deleted: usize,
    /// Every table part was already held: a replay or a resend, and nothing was written.
    pub already_held: bool,
    /// The signed receipt to return to the sender.
    pub receipt: Vec<u8>,
}

fn bad(e: impl std::fmt::Display) -> Error {
    Error::User(UserError::BadBundle(e.to_string()))
}

fn fresh() -> Result<Freshness> {
    let mut bytes = [0u8; 56];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(anyhow::anyhow!("no randomness from the OS: {e}")))?;
    let mut f = Freshness { ephemeral_secret: [0; 32], nonce: [0; 24] };
    f.ephemeral_secret.copy_from_slice(&bytes[..32]);
    f.nonce.copy_from_slice(&bytes[32..]);
    Ok(f)
}

impl App {
    async fn sync_key(&self) -> Result<SigningKey> {
        let instance = self.instance().await?;
        let bytes = STANDARD.decode(&instance.signing_key).map_err(Error::internal)?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::internal(anyhow::anyhow!("stored signing key has the wrong length")))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    async fn trusted_peer(&self, key: &VerifyingKey) -> Result<store::instance::Peer> {
        let mut conn = self.store.read().await?;
        store::instance::peer(&mut conn, &sync::key_text(key)).await?.ok_or_else(|| {
            Error::User(UserError::Forbidden(format!(
                "the peer with key {} is not trusted here; trust it first (`inkstone transfer trust`)",
                sync::key_text(key)
            )))
        })
    }

    fn authorize_sync(&self, caller: &Caller) -> Result<()> {
        match caller {
            Caller::Operator { .. } => Ok(()),
            Caller::Person(_) => Err(Error::User(UserError::Forbidden("replication is run by the operator".into()))),
        }
    }

    /// What this server believes `peer` holds of its changes (from the peer's receipts).
    pub async fn sync_acknowledged(&self, peer: &str, direction: Direction) -> Result<BTreeMap<String, u64>> {
        let mut conn = self.store.read().await?;
        Ok(rep::watermarks(&mut conn, peer, direction.as_str(), Side::Out).await?)
    }

    /// Builds the next sealed batch for `peer` (a trusted key, base64) holding the changes after
    /// `from` (per table), within the options' size and the link's budget. Records the bytes
    /// against the budget when the link is metered.
    pub async fn sync_next_batch(
        &self,
        caller: &Caller,
        peer: &str,
        from: &BTreeMap<String, u64>,
        options: &SyncOptions,
    ) -> Result<NextBatch> {
        self.authorize_sync(caller)?;
        let recipient = sync::parse_key(peer).map_err(|e| UserError::invalid("peer", e.to_string()))?;
        self.trusted_peer(&recipient).await?;
        if options.direction == Direction::Down && options.school.is_none() {
            return Err(UserError::invalid("school", "batches going down are for one school: name it").into());
        }
        let key = self.sync_key().await?;
        let month = sync::budget::month_of(self.now());
        let used = {
            let mut conn = self.store.read().await?;
            rep::usage(&mut conn, peer, &month).await?
        };
        let budget = Budget { monthly_bytes: options.monthly_budget, used_this_month: used };
        let cap = match budget.allowance(u64::MAX) {
            Allowance::Send(n) => n,
            Allowance::Exhausted { monthly_bytes, used } => return Ok(NextBatch::BudgetSpent { monthly_bytes, used }),
        };
        let mut limit = options.batch_json_bytes;
        // A batch is sized in JSON bytes but the budget counts sealed bytes; shrink until it fits.
        for _ in 0..6 {
            let Some(out) = self.build_batch(&key, &recipient, from, options, limit).await? else {
                return Ok(NextBatch::UpToDate);
            };
            if (out.sealed.len() as u64) <= cap {
                if options.monthly_budget.is_some() {
                    let mut tx = self.store.write().await?;
                    rep::add_usage(&mut tx, peer, &month, out.sealed.len() as u64).await?;
                    tx.commit().await?;
                }
                return Ok(NextBatch::Batch(out));
            }
            let scale = cap as f64 / out.sealed.len() as f64 * 0.9;
            limit = ((limit as f64 * scale) as usize).max(1);
        }
        Ok(NextBatch::BudgetSpent { monthly_bytes: options.monthly_budget.unwrap_or(0), used })
    }

    async fn build_batch(
        &self,
        key: &SigningKey,
        recipient: &VerifyingKey,
        from: &BTreeMap<String, u64>,
        options: &SyncOptions,
        limit: usize,
    ) -> Result<Option<OutgoingBatch>> {
        let mut builder = BatchBuilder::new(
            &sync::key_text(&key.verifying_key()),
            &sync::key_text(recipient),
            options.direction,
            self.now().millis(),
            limit,
        );
        let mut conn = self.store.read().await?;
        rep::begin_snapshot(&mut conn).await?;
        let school = if options.direction == Direction::Down { options.school.as_deref() } else { None };
        'tables: for table in options.direction.tables() {
            let mut after = from.get(table.name).copied().unwrap_or(0);
            builder.begin_table(table, after);
            loop {
                let changes =
                    rep::changes(&mut conn, table, after, school, options.direction == Direction::Up, READ_CHUNK)
                        .await?;
                let n = changes.len();
                for (seq, change) in changes {
                    let fitted = match change {
                        Change::Row(mut row) => {
                            rules::deidentify(options.deidentify, table, &mut row);
                            builder.push_row(table, seq, row)
                        }
                        Change::Deleted(key) => builder.push_delete(table, seq, key),
                    };
                    if !fitted {
                        break 'tables;
                    }
                    after = seq;
                }
                if n < READ_CHUNK {
                    break;
                }
            }
        }
        rep::end_snapshot(&mut conn).await?;
        let batch = builder.finish();
        if batch.tables.is_empty() {
            return Ok(None);
        }
        let n_changes = batch.tables.iter().map(|t| t.rows.len() + t.deleted.len()).sum();
        let upto = batch.tables.iter().map(|t| (t.table.clone(), t.upto)).collect();
        let sealed = seal::seal(&batch::encode(&batch), key, recipient, &fresh()?);
        Ok(Some(OutgoingBatch { sealed, n_changes, upto }))
    }

    /// Verifies, decrypts and applies a sealed batch from a trusted peer, all or nothing, and
    /// returns what it did with a signed receipt for the sender.
    pub async fn sync_apply(&self, caller: &Caller, sealed: &[u8]) -> Result<Applied> {
        if sealed.len() > MAX_SEALED_BYTES {
            return Err(bad(format!("the batch is {} bytes; the limit is {MAX_SEALED_BYTES}", sealed.len())));
        }
        let header = seal::header(sealed).map_err(bad)?;
        let peer = self.trusted_peer(&header.sender).await?;
        let key = self.sync_key().await?;
        let (_, plain) = seal::open(sealed, &key).map_err(bad)?;
        let checked = batch::decode(&plain).map_err(bad)?;
        let sender = sync::key_text(&header.sender);
        if checked.batch.from != sender || checked.batch.to != sync::key_text(&key.verifying_key()) {
            return Err(bad("the batch names other servers than the envelope that carries it"));
        }
        let direction = checked.direction.as_str();
        let digest = hex::encode(Sha256::digest(sealed));
        let mut tx = self.store.write().await?;
        let held = rep::watermarks(&mut tx, &sender, direction, Side::In).await?;
        let mut applied = Applied {
            peer_name: peer.name.clone(),
            inserted: 0,
            replaced: 0,
            kept: 0,
            deleted: 0,
            already_held: true,
            receipt: Vec::new(),
        };
        for (table, part) in checked.tables() {
            let held_here = held.get(table.name).copied().unwrap_or(0);
            match rules::admit(part.after, part.upto, held_here) {
                Admission::AlreadyHeld => continue,
                Admission::Gap { held } => {
                    return Err(bad(format!(
                        "table {}: the batch starts after change {} but this server holds changes up to {held} only; \
                         apply the earlier batches from {} first",
                        table.name, part.after, peer.name
                    )));
                }
                Admission::Apply => {}
            }
            applied.already_held = false;
            let keys: Vec<_> = part.rows.iter().map(|r| rules::key_of(table, r)).collect();
            let local = rep::rows_by_key(&mut tx, table, &keys).await?;
            let mut writes = Vec::new();
            for row in &part.rows {
                match rules::resolve(table, local.get(&rep::key_of(table, row)).map(Vec::as_slice), row) {
                    Resolution::Insert => applied.inserted += 1,
                    Resolution::Replace => applied.replaced += 1,
                    Resolution::KeepLocal => {
                        applied.kept += 1;
                        continue;
                    }
                }
                writes.push(row.clone());
            }
            rep::upsert(&mut tx, table, &writes).await.map_err(|e| match e {
                store::Error::Conflict(what) | store::Error::MissingReference(what) => bad(format!(
                    "table {}: a row conflicts with this server's data ({what}); nothing was applied",
                    table.name
                )),
                other => other.into(),
            })?;
            rep::delete(&mut tx, table, &part.deleted).await?;
            applied.deleted += part.deleted.len();
            rep::raise_watermark(&mut tx, &sender, direction, Side::In, table.name, part.upto).await?;
        }
        if !applied.already_held {
            if !rep::was_applied(&mut tx, &digest).await? {
                rep::record_applied(
                    &mut tx,
                    &rep::Applied {
                        digest: digest.clone(),
                        peer_key: sender.clone(),
                        direction: direction.to_owned(),
                        n_changes: checked.n_changes() as u64,
                        n_bytes: sealed.len() as u64,
                        applied_at: self.now(),
                    },
                )
                .await?;
            }
            let detail = format!(
                "{direction} batch {digest}: {} inserted, {} replaced, {} kept, {} deleted",
                applied.inserted, applied.replaced, applied.kept, applied.deleted
            );
            let entry = self.audit_entry(caller, "sync-apply", &format!("peer:{sender}"), None, &detail);
            self.audit_in(&mut tx, vec![entry]).await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        applied.receipt = self.sync_receipt(&sender, checked.direction).await?;
        Ok(applied)
    }

    /// The receipt a peer asks for over the network: only for a trusted peer.
    pub async fn sync_peer_receipt(&self, peer: &str, direction: Direction) -> Result<Vec<u8>> {
        let key = sync::parse_key(peer).map_err(|e| UserError::invalid("peer", e.to_string()))?;
        self.trusted_peer(&key).await?;
        self.sync_receipt(&sync::key_text(&key), direction).await
    }

    /// This server's signed receipt of what it holds of `peer`'s changes in `direction`.
    pub async fn sync_receipt(&self, peer: &str, direction: Direction) -> Result<Vec<u8>> {
        let key = self.sync_key().await?;
        let mut conn = self.store.read().await?;
        let watermarks = rep::watermarks(&mut conn, peer, direction.as_str(), Side::In).await?;
        let receipt = sync::receipt::Receipt {
            format: sync::receipt::RECEIPT_FORMAT.to_owned(),
            from: sync::key_text(&key.verifying_key()),
            to: peer.to_owned(),
            direction: direction.as_str().to_owned(),
            created_at: self.now().millis(),
            watermarks,
        };
        Ok(sync::receipt::sign(&receipt, &key))
    }

    /// Takes in a peer's signed receipt: what it holds of this server's changes. Returns the
    /// peer's name and the acknowledged watermarks.
    pub async fn sync_accept_receipt(&self, caller: &Caller, bytes: &[u8]) -> Result<(String, BTreeMap<String, u64>)> {
        self.authorize_sync(caller)?;
        let (receipt, signer) = sync::receipt::verify(bytes).map_err(bad)?;
        let me = sync::key_text(&self.sync_key().await?.verifying_key());
        if receipt.to != me {
            return Err(bad("the receipt acknowledges another server's changes"));
        }
        let peer = self.trusted_peer(&signer).await?;
        let direction =
            Direction::parse(&receipt.direction).ok_or_else(|| bad("the receipt has an unknown direction"))?;
        let mut tx = self.store.write().await?;
        for (table, seq) in &receipt.watermarks {
            if sync::schema::table(table).is_some() {
                rep::raise_watermark(&mut tx, &receipt.from, direction.as_str(), Side::Out, table, *seq).await?;
            }
        }
        tx.commit().await?;
        Ok((peer.name, self.sync_acknowledged(&receipt.from, direction).await?))
    }

    /// Whether bytes are a receipt rather than a batch (sneakernet folders hold both).
    pub fn sync_is_receipt(bytes: &[u8]) -> bool {
        sync::receipt::is_receipt(bytes)
    }
}

impl App {
    /// The key a sealed batch is addressed to (base64), read from its header without opening it.
    pub fn sync_batch_recipient(&self, sealed: &[u8]) -> Result<String> {
        Ok(sync::key_text(&seal::header(sealed).map_err(bad)?.recipient))
    }
}
