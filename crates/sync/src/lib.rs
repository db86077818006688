//! Replication between a school and its county hub (and a hub and its province): the change
//! batch format, watermarks, conflict rules, the byte budget's priorities, de-identification and
//! the sealed envelope batches travel in.
//!
//! What it does:
//! - [`schema`]: the replicated tables, parents first, with their keys, version columns,
//!   priority (records before learning events) and direction (everything goes up; rosters and the
//!   item bank come down, filtered to the receiving school).
//! - [`batch`]: the batch file format (deflated JSON) with a schema check on decode, and the
//!   builder that fills a batch table by table up to a size limit.
//! - [`rules`]: watermark admission (replays are no-ops, gaps are refused), last-writer-wins by
//!   version with ties kept local, deletions always applied, de-identification.
//! - [`seal`]: encryption to the recipient (x25519 + XChaCha20-Poly1305) and the sender's
//!   ed25519 signature; [`receipt`]: the receiver's signed watermarks.
//! - [`budget`]: a link's monthly byte budget.
//!
//! What it does not: no I/O, no clock, no randomness (times and fresh keys are arguments), no
//! SQL (the store reads and writes rows; this crate says which and in what order). Media files
//! (content channels) move with the content crate, not in batches.
//!
//! Invariants: a batch lists tables in [`schema::TABLES`] order, so parents precede children;
//! a self-referencing table is never split between batches; an envelope that fails its signature
//! is never decrypted, and one that fails decryption or the schema check is never applied.

pub mod batch;
pub mod budget;
mod error;
pub mod receipt;
pub mod rules;
pub mod schema;
pub mod seal;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::VerifyingKey;

pub use crate::error::SyncError;

/// Reads a base64 ed25519 public key.
pub fn parse_key(text: &str) -> Result<VerifyingKey, SyncError> {
    let bytes: [u8; 32] = STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SyncError::BadKey(text.to_owned()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| SyncError::BadKey(text.to_owned()))
}

/// A public key as base64, the way batches, receipts and peers name servers.
pub fn key_text(key: &VerifyingKey) -> String {
    STANDARD.encode(key.as_bytes())
}

#[cfg(test)]
mod tests;
