//! The tamper-evident audit log.
//!
//! Every read and write of personal data appends an [`Entry`]. Each entry's hash covers its own
//! fields and the previous entry's hash, so editing, inserting or deleting an entry breaks the chain
//! from that point on, and [`verify`] names the first broken entry. The newest sequence number and
//! hash (the [`Head`]) are kept beside the log, so deleting entries from the end is detected too;
//! copying the head somewhere else (paper, the county hub) also detects a rewrite of the whole log.
//!
//! This crate only computes and checks hashes; storing entries is the store's job.
//! Invariant: [`seal`] is a pure function of the previous hash and the entry's fields, with each
//! field length-prefixed so that no two different entries encode to the same bytes.

use std::fmt;

use base::Timestamp;
use sha2::{Digest, Sha256};

/// A SHA-256 chain hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The hash the first entry links to.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    /// Lower-case hex.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", &self.to_hex()[..12])
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// An entry's content, before it is sealed into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub at: Timestamp,
    /// Who acted: a person id, or `cli:<user>` / `system` for the operator and the server itself.
    pub actor: String,
    /// What they did: `read`, `create`, `update`, `delete`, `export`, `import`, `login`, …
    pub action: String,
    /// What it was done to: `person:<id>`, `class:<id>`, `roster`, …
    pub subject: String,
    /// On what grounds access was allowed (see `access::Basis`), or empty.
    pub basis: String,
    /// A short description. Never secrets.
    pub detail: String,
}

/// A sealed entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the chain: 1, 2, 3, … with no gaps.
    pub seq: i64,
    pub content: NewEntry,
    /// The previous entry's hash ([`ChainHash::GENESIS`] for the first).
    pub prev: ChainHash,
    pub hash: ChainHash,
}

/// The end of the chain, kept beside the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The number of the last entry (0 if the log is empty).
    pub seq: i64,
    /// The last entry's hash ([`ChainHash::GENESIS`] if the log is empty).
    pub hash: ChainHash,
}

impl Head {
    /// The head of an empty log.
    pub const EMPTY: Head = Head {
        seq: 0,
        hash: ChainHash::GENESIS,
    };

    /// Seals `content` as the next entry and returns it with the new head.
    pub fn append(self, content: NewEntry) -> (Entry, Head) {
        let seq = self.seq + 1;
        let hash = seal(&self.hash, seq, &content);
        (
            Entry {
                seq,
                content,
                prev: self.hash,
                hash,
            },
            Head { seq, hash },
        )
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// Computes the hash of entry `seq` with `content`, linked to `prev`.
pub fn seal(prev: &ChainHash, seq: i64, content: &NewEntry) -> ChainHash {
    let mut h = Sha256::new();
    h.update(b"inkstone-audit-v1");
    h.update(prev.0);
    h.update(seq.to_le_bytes());
    h.update(content.at.millis().to_le_bytes());
    for field in [
        &content.actor,
        &content.action,
        &content.subject,
        &content.basis,
        &content.detail,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    ChainHash(h.finalize().into())
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("entry {seq} was edited: its content no longer matches its hash")]
    Edited { seq: i64 },
    #[error(
        "the chain is broken before entry {seq}: it does not link to the entry before it (an entry was inserted, deleted or re-hashed)"
    )]
    Unlinked { seq: i64 },
    #[error("entry {found} follows entry {previous}: entries are missing or were inserted")]
    Gap { previous: i64, found: i64 },
    #[error(
        "the log ends at entry {found} but its head says {expected}: entries were deleted from the end or added without the head"
    )]
    HeadMismatch { expected: i64, found: i64 },
    #[error(
        "the log's head hash differs from the last entry's: the head or the last entry was changed"
    )]
    HeadHashMismatch,
    #[error(
        "the log does not match the anchor {anchor}: the log was rewritten after the anchor was taken"
    )]
    AnchorMismatch { anchor: String },
}

/// What a successful verification saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub entries: i64,
    pub head: Head,
}

/// Walks the chain in order and checks every link, then the head, then an optional external anchor
/// (a head copied elsewhere earlier, which must still be an entry of the chain).
pub fn verify(
    entries: impl IntoIterator<Item = Entry>,
    head: Head,
    anchor: Option<Head>,
) -> Result<Verified, Break> {
    let mut previous = Head::EMPTY;
    let mut n = 0i64;
    let mut anchor_seen = anchor.is_none_or(|a| a.seq == 0);
    for entry in entries {
        if entry.seq != previous.seq + 1 {
            return Err(Break::Gap {
                previous: previous.seq,
                found: entry.seq,
            });
        }
        if seal(&entry.prev, entry.seq, &entry.content) != entry.hash {
            return Err(Break::Edited { seq: entry.seq });
        }
        if entry.prev != previous.hash {
            return Err(Break::Unlinked { seq: entry.seq });
        }
        previous = Head {
            seq: entry.seq,
            hash: entry.hash,
        };
        if let Some(a) = anchor.filter(|a| a.seq == entry.seq) {
            if a.hash != entry.hash {
                return Err(Break::AnchorMismatch {
                    anchor: a.to_string(),
                });
            }
            anchor_seen = true;
        }
        n += 1;
    }
    if previous.seq != head.seq {
        return Err(Break::HeadMismatch {
            expected: head.seq,
            found: previous.seq,
        });
    }
    if previous.hash != head.hash {
        return Err(Break::HeadHashMismatch);
    }
    if !anchor_seen {
        let a = anchor.expect("anchor_seen starts true when there is no anchor");
        return Err(Break::AnchorMismatch {
            anchor: a.to_string(),
        });
    }
    Ok(Verified { entries: n, head })
}

/// Parses an anchor written as `seq:hash` (the `Display` form of [`Head`]).
pub fn parse_anchor(s: &str) -> Option<Head> {
    let (seq, hash) = s.trim().split_once(':')?;
    Some(Head {
        seq: seq.parse().ok()?,
        hash: ChainHash::from_hex(hash)?,
    })
}

#[cfg(test)]
mod tests;
