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
    pub const EMPTY: Head = Head { seq: 0, hash: ChainHash::GENESIS };

    /// Seals `content` as the next entry and returns it with the new head.
    pub fn append(self, content: NewEntry) -> (Entry, Head) {
        let seq = self.seq + 1;
        let hash = seal(&self.hash, seq, &content);
        (Entry { seq, content, prev: self.hash, hash }, Head { seq, hash })
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
    for field in [&content.actor, &content.action, &content.subject, &content.basis, &content.detail] {
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
    #[error("the log's head hash differs from the last entry's: the head or the last entry was changed")]
    HeadHashMismatch,
    #[error("the log does not match the anchor {anchor}: the log was rewritten after the anchor was taken")]
    AnchorMismatch { anchor: String },
}

/// What a successful verification saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub entries: i64,
    pub head: Head,
}

/// Checks a chain one entry at a time, so a log of millions of entries is verified in pages.
#[derive(Debug, Clone)]
pub struct Verifier {
    previous: Head,
    entries: i64,
    anchor: Option<Head>,
    anchor_seen: bool,
}

impl Verifier {
    /// A verifier that also checks the chain against `anchor`, a head copied elsewhere earlier
    /// (which must still be an entry of the chain).
    pub fn new(anchor: Option<Head>) -> Self {
        Self { previous: Head::EMPTY, entries: 0, anchor, anchor_seen: anchor.is_none_or(|a| a.seq == 0) }
    }

    /// Checks the next entry in sequence.
    pub fn push(&mut self, entry: &Entry) -> Result<(), Break> {
        if entry.seq != self.previous.seq + 1 {
            return Err(Break::Gap { previous: self.previous.seq, found: entry.seq });
        }
        if seal(&entry.prev, entry.seq, &entry.content) != entry.hash {
            return Err(Break::Edited { seq: entry.seq });
        }
        if entry.prev != self.previous.hash {
            return Err(Break::Unlinked { seq: entry.seq });
        }
        self.previous = Head { seq: entry.seq, hash: entry.hash };
        if let Some(a) = self.anchor.filter(|a| a.seq == entry.seq) {
            if a.hash != entry.hash {
                return Err(Break::AnchorMismatch { anchor: a.to_string() });
            }
            self.anchor_seen = true;
        }
        self.entries += 1;
        Ok(())
    }

    /// The sequence number of the last entry checked.
    pub fn last_seq(&self) -> i64 {
        self.previous.seq
    }

    /// Checks the end of the chain against the stored head and the anchor.
    pub fn finish(self, head: Head) -> Result<Verified, Break> {
        if self.previous.seq != head.seq {
            return Err(Break::HeadMismatch { expected: head.seq, found: self.previous.seq });
        }
        if self.previous.hash != head.hash {
            return Err(Break::HeadHashMismatch);
        }
        if let Some(a) = self.anchor.filter(|_| !self.anchor_seen) {
            return Err(Break::AnchorMismatch { anchor: a.to_string() });
        }
        Ok(Verified { entries: self.entries, head })
    }
}

/// Walks the chain in order and checks every link, then the head, then an optional external anchor.
pub fn verify(entries: impl IntoIterator<Item = Entry>, head: Head, anchor: Option<Head>) -> Result<Verified, Break> {
    let mut verifier = Verifier::new(anchor);
    for entry in entries {
        verifier.push(&entry)?;
    }
    verifier.finish(head)
}

/// Parses an anchor written as `seq:hash` (the `Display` form of [`Head`]).
pub fn parse_anchor(s: &str) -> Option<Head> {
    let (seq, hash) = s.trim().split_once(':')?;
    Some(Head { seq: seq.parse().ok()?, hash: ChainHash::from_hex(hash)? })
}

#[cfg(test)]
mod tests;
