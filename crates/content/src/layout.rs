//! The layout of a channel export, the same on a county hub, a peer school and a USB disk.
//!
//! An export is a folder (or the equivalent URL prefix on a hub) holding:
//!
//! ```text
//! catalog.json                 what the export offers (advisory, unsigned): see [`Catalog`]
//! channels/<channel-id>.json   the signed envelope of each channel (see `crate::signed`)
//! blobs/<h0h1>/<hash>          every file, named by its SHA-256 in lowercase hex, in a
//!                              sub-folder named by the hash's first two hex digits
//! ```
//!
//! Paths use `/` and are relative to the export's root. Blobs are shared by every channel and
//! version in the export, so copying a second channel or a new version onto the same disk only
//! adds the files that changed. The catalog is only a table of contents: integrity comes from
//! the envelope's signature and the hashes it lists, so a wrong catalog can mislead a menu but
//! not an import. A school may keep its own content in the same layout, which makes its data
//! folder an export that peers can read directly.

use serde::{Deserialize, Serialize};

use crate::error::ContentError;
use crate::hash::ContentHash;
use crate::id::{ChannelId, UnitId};

/// Where the catalog lives.
pub const CATALOG_PATH: &str = "catalog.json";
/// The format tag of a version-1 catalog.
pub const CATALOG_FORMAT: &str = "inkstone-catalog/1";
/// Largest catalog accepted, in bytes.
pub const MAX_CATALOG_BYTES: usize = 16 << 20;

/// Where a channel's envelope lives.
pub fn channel_path(channel: &ChannelId) -> String {
    format!("channels/{channel}.json")
}

/// Where a blob lives.
pub fn blob_path(hash: &ContentHash) -> String {
    let hex = hash.to_hex();
    format!("blobs/{}/{hex}", &hex[..2])
}

/// The table of contents of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub format: String,
    // Invariant: one entry per channel id, sorted by id.
    pub channels: Vec<CatalogEntry>,
}

/// One channel in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub id: ChannelId,
    pub version: u64,
    /// Title for a menu (zh-CN if present, else English).
    pub title: String,
    pub publisher: String,
    /// The units whose files the export holds; absent when it holds them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<UnitId>>,
    /// Bytes of the distinct files of those units.
    pub bytes: u64,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self { format: CATALOG_FORMAT.to_owned(), channels: Vec::new() }
    }

    /// Reads a catalog's JSON bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ContentError> {
        if bytes.len() > MAX_CATALOG_BYTES {
            return Err(ContentError::CatalogSyntax {
                line: 0,
                column: 0,
                message: format!("the catalog is {} bytes; the limit is {MAX_CATALOG_BYTES}", bytes.len()),
            });
        }
        let mut catalog: Catalog = serde_json::from_slice(bytes).map_err(|e| ContentError::CatalogSyntax {
            line: e.line(),
            column: e.column(),
            message: crate::error::json_message(&e),
        })?;
        if catalog.format != CATALOG_FORMAT {
            return Err(ContentError::CatalogSyntax {
                line: 0,
                column: 0,
                message: format!("expected format {CATALOG_FORMAT:?}, found {:?}", catalog.format),
            });
        }
        catalog.channels.sort_by(|a, b| a.id.cmp(&b.id));
        catalog.channels.dedup_by(|a, b| a.id == b.id);
        Ok(catalog)
    }

    /// The catalog as JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a catalog has only string keys and integers");
        bytes.push(b'\n');
        bytes
    }

    /// Adds or replaces the entry for `entry.id`.
    pub fn upsert(&mut self, entry: CatalogEntry) {
        match self.channels.binary_search_by(|e| e.id.cmp(&entry.id)) {
            Ok(i) => self.channels[i] = entry,
            Err(i) => self.channels.insert(i, entry),
        }
    }
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
