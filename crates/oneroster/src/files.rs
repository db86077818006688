//! The files of a OneRoster set, in memory, from a folder's contents or a zip.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::RosterError;

/// Limits that protect the server from hostile zips (zip bombs, huge file counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Largest total uncompressed size, in bytes.
    pub max_total_bytes: u64,
    /// Most entries in the archive.
    pub max_entries: usize,
}

impl ZipLimits {
    /// Enough for a county of a few hundred thousand students.
    pub const DEFAULT: ZipLimits = ZipLimits { max_total_bytes: 2 << 30, max_entries: 64 };
}

/// The files of a set, by file name (`users.csv`, …), without folders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterFiles {
    files: BTreeMap<String, Vec<u8>>,
}

impl RosterFiles {
    /// An empty set of files.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file by name (only the last path component is kept).
    pub fn insert(&mut self, name: &str, bytes: Vec<u8>) {
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        self.files.insert(name.to_owned(), bytes);
    }

    /// A file's bytes.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    /// All file names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Reads a zip's `.csv` entries (at its root or in one folder), within `limits`.
    pub fn from_zip(bytes: &[u8], limits: ZipLimits) -> Result<Self, RosterError> {
        let bad = |reason: String| RosterError::file("(zip)", reason);
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(format!("not a readable zip file: {e}")))?;
        if archive.len() > limits.max_entries {
            return Err(bad(format!(
                "the zip has {} entries; at most {} are accepted",
                archive.len(),
                limits.max_entries
            )));
        }
        let mut files = Self::new();
        let mut total = 0u64;
        for i in 0..archive.len() {
            let entry = archive.by_index(i).map_err(|e| bad(format!("entry {i} cannot be read: {e}")))?;
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().map_err(|e| bad(format!("entry {i} has an unreadable name: {e}")))?.into_owned();
            let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
            if !base.ends_with(".csv") || base.starts_with("._") || name.contains("__MACOSX") {
                continue;
            }
            if files.get(&base).is_some() {
                return Err(bad(format!("{base} appears twice in the zip")));
            }
            // The declared size can lie, so the read itself is bounded too.
            let remaining = limits.max_total_bytes.saturating_sub(total);
            let mut data = Vec::new();
            entry
                .take(remaining + 1)
                .read_to_end(&mut data)
                .map_err(|e| bad(format!("{name} cannot be decompressed: {e}")))?;
            total += data.len() as u64;
            if total > limits.max_total_bytes {
                return Err(bad(format!(
                    "the zip unpacks to more than {} MiB; split the set or raise the limit",
                    limits.max_total_bytes >> 20
                )));
            }
            files.insert(&base, data);
        }
        Ok(files)
    }
}
