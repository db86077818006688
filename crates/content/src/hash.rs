//! Content hashes (SHA-256) and the streaming check that a file is the one a manifest names.

use std::fmt;
use std::io::{self, Read};

use sha2::{Digest, Sha256};

use crate::error::ContentError;

/// The SHA-256 of a file's bytes: its name in every store and export.
///
/// Written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Reads 64 hex digits (upper or lower case).
    pub fn parse(s: &str) -> Result<Self, ContentError> {
        let mut out = [0u8; 32];
        if s.len() != 64 || hex::decode_to_slice(s, &mut out).is_err() {
            return Err(ContentError::InvalidHash(s.chars().take(80).collect()));
        }
        Ok(Self(out))
    }

    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl TryFrom<String> for ContentHash {
    type Error = ContentError;
    fn try_from(s: String) -> Result<Self, ContentError> {
        Self::parse(&s)
    }
}

impl From<ContentHash> for String {
    fn from(hash: ContentHash) -> String {
        hash.to_hex()
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.to_hex())
    }
}

/// A reader that passes a blob through while checking it against its expected hash and size.
///
/// It never yields more than `size` bytes, and instead of reporting the end of a blob whose
/// length or hash is wrong it fails with [`io::ErrorKind::InvalidData`], so a store that copies
/// with [`io::copy`] (reading to the end) cannot mistake a bad blob for a good one.
/// [`CheckedReader::verdict`] then says exactly what was wrong.
#[derive(Debug)]
pub struct CheckedReader<R> {
    inner: R,
    expected: ContentHash,
    size: u64,
    seen: u64,
    hasher: Sha256,
    outcome: Option<Result<(), Fault>>,
    source_failed: bool,
}

/// What a blob check found wrong (kept small and `Copy` so it can be reported twice).
#[derive(Debug, Clone, Copy)]
enum Fault {
    Truncated { got: u64 },
    TooLong,
    Mismatch { got: ContentHash },
}

impl<R: Read> CheckedReader<R> {
    /// Wraps `inner`, which should yield the blob `expected` of `size` bytes.
    pub fn new(inner: R, expected: ContentHash, size: u64) -> Self {
        Self { inner, expected, size, seen: 0, hasher: Sha256::new(), outcome: None, source_failed: false }
    }

    /// What the check found: `Ok` once the whole blob was read and matched; an error if it was
    /// too short, too long or different; [`ContentError::BlobNotRead`] if not read to the end.
    pub fn verdict(&self) -> Result<(), ContentError> {
        match self.outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(fault)) => Err(self.error(fault)),
            None => Err(ContentError::BlobNotRead { hash: self.expected }),
        }
    }

    /// Whether reading the wrapped reader failed (as opposed to the blob being wrong).
    pub fn source_failed(&self) -> bool {
        self.source_failed
    }

    fn error(&self, fault: Fault) -> ContentError {
        let hash = self.expected;
        match fault {
            Fault::Truncated { got } => ContentError::BlobTruncated { hash, expected: self.size, got },
            Fault::TooLong => ContentError::BlobTooLong { hash, expected: self.size },
            Fault::Mismatch { got } => ContentError::BlobHashMismatch { expected: hash, got },
        }
    }

    fn fail(&mut self, fault: Fault) -> io::Error {
        self.outcome = Some(Err(fault));
        io::Error::new(io::ErrorKind::InvalidData, self.error(fault).to_string())
    }
}

impl<R: Read> Read for CheckedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.outcome {
            Some(Ok(())) => return Ok(0),
            Some(Err(fault)) => return Err(io::Error::new(io::ErrorKind::InvalidData, self.error(fault).to_string())),
            None => {}
        }
        if buf.is_empty() {
            return Ok(0);
        }
        // Read one byte past the expected end so that an over-long blob is caught, but never more.
        let room = (self.size - self.seen).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = match self.inner.read(&mut buf[..want]) {
            Ok(n) => n,
            Err(e) => {
                self.source_failed |= e.kind() != io::ErrorKind::Interrupted;
                return Err(e);
            }
        };
        if n == 0 {
            if self.seen < self.size {
                return Err(self.fail(Fault::Truncated { got: self.seen }));
            }
            let got = ContentHash(std::mem::take(&mut self.hasher).finalize().into());
            if got != self.expected {
                return Err(self.fail(Fault::Mismatch { got }));
            }
            self.outcome = Some(Ok(()));
            return Ok(0);
        }
        self.seen += n as u64;
        if self.seen > self.size {
            return Err(self.fail(Fault::TooLong));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
