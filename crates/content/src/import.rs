//! Importing a channel: reading it from a source, planning what to fetch, applying all or nothing.

use std::collections::BTreeSet;

use crate::error::ContentError;
use crate::hash::{CheckedReader, ContentHash};
use crate::id::{ChannelId, UnitId};
use crate::installed::{InstalledChannel, Selection};
use crate::layout::{self, CATALOG_PATH, Catalog, MAX_CATALOG_BYTES};
use crate::signed::{MAX_ENVELOPE_BYTES, TrustedPublishers, VerifiedChannel};
use crate::store::{ChannelSource, Commit, ContentStore};

/// Reads an export's catalog.
pub fn read_catalog(source: &mut impl ChannelSource) -> Result<Catalog, ContentError> {
    let bytes = read_small(source, CATALOG_PATH, MAX_CATALOG_BYTES)?;
    Catalog::from_json(&bytes)
}

/// Reads a channel's envelope from a source and verifies it against the trusted publishers.
pub fn read_channel(
    source: &mut impl ChannelSource,
    channel: &ChannelId,
    trusted: &TrustedPublishers,
) -> Result<VerifiedChannel, ContentError> {
    let bytes = read_small(source, &layout::channel_path(channel), MAX_ENVELOPE_BYTES)?;
    let verified = VerifiedChannel::verify(&bytes, trusted)?;
    if &verified.manifest().id != channel {
        // A renamed envelope must not install under a name its publisher did not sign.
        return Err(ContentError::InvalidManifest {
            at: "id".into(),
            problem: format!("the file for channel {channel} holds channel {}", verified.manifest().id),
        });
    }
    Ok(verified)
}

fn read_small(source: &mut impl ChannelSource, path: &str, max: usize) -> Result<Vec<u8>, ContentError> {
    match source.read_file(path, max) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(ContentError::MissingFile { path: path.to_owned() }),
        Err(source) => Err(ContentError::Source { path: path.to_owned(), source }),
    }
}

/// How an import relates to what is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// The channel was not installed.
    New,
    /// A newer version replaces `from`.
    Upgrade { from: u64 },
    /// The same version, with more units.
    Extend,
    /// The same version and selection: nothing to do.
    UpToDate,
    /// The same version and selection, but files the store should have are missing (deleted
    /// or lost): they are copied again.
    Repair,
}

/// A blob an import must copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobNeed {
    pub hash: ContentHash,
    pub size: u64,
}

/// What an import will do, computed before anything is written.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    installed: InstalledChannel,
    replaces: Option<InstalledChannel>,
    kind: ImportKind,
    // Invariant: sorted by hash, no duplicates, none already in the store when planned.
    fetch: Vec<BlobNeed>,
    bytes_to_fetch: u64,
    bytes_reused: u64,
}

/// What an applied import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub channel: ChannelId,
    pub version: u64,
    pub kind: ImportKind,
    /// Units installed after the import.
    pub units: usize,
    pub blobs_fetched: usize,
    pub bytes_fetched: u64,
    /// Bytes of needed files the store already had (from other channels or versions).
    pub bytes_reused: u64,
}

/// Plans importing `requested` units of `channel` into `store`.
///
/// Refuses, before anything is written: a channel signed by another key than the installed
/// one; a version older than the installed one (replay); a different manifest under the
/// installed version number; courses or units the channel lacks; and new files that do not fit
/// in [`ContentStore::available_bytes`]. The new selection is the requested one plus whatever
/// was installed before. An empty selection of a new channel installs its manifest alone, so a
/// school can browse a channel before choosing units.
pub fn plan_import(
    channel: VerifiedChannel,
    requested: &Selection,
    store: &impl ContentStore,
) -> Result<ImportPlan, ContentError> {
    let manifest = channel.manifest();
    let id = manifest.id.clone();
    requested.resolve(manifest)?;
    let previous =
        store.installed(&id).map_err(|source| ContentError::Store { action: "read the installed channel", source })?;
    let (kind, selection) = match &previous {
        None => (ImportKind::New, requested.clone()),
        Some(old) => {
            if old.channel().publisher() != channel.publisher() {
                return Err(ContentError::PublisherChanged {
                    channel: id,
                    installed: old.channel().publisher(),
                    offered: channel.publisher(),
                });
            }
            let (old_version, new_version) = (old.version(), manifest.version);
            if new_version < old_version {
                return Err(ContentError::Replay { channel: id, installed: old_version, offered: new_version });
            }
            let selection = old.selection().union(requested);
            if new_version > old_version {
                (ImportKind::Upgrade { from: old_version }, selection)
            } else if old.channel().manifest_hash() != channel.manifest_hash() {
                return Err(ContentError::VersionConflict { channel: id, version: new_version });
            } else if selection.resolve_lenient(manifest) == *old.units() {
                // Same content and units: nothing to do, unless files went missing (see below).
                (ImportKind::UpToDate, old.selection().clone())
            } else {
                (ImportKind::Extend, selection)
            }
        }
    };
    let installed = InstalledChannel::new(channel, selection);
    let mut fetch = Vec::new();
    let mut bytes_reused = 0;
    for (hash, size) in installed.manifest().files_of_units(installed.units()) {
        let present =
            store.has_blob(&hash).map_err(|source| ContentError::Store { action: "look up a blob", source })?;
        if present {
            bytes_reused += size;
        } else {
            fetch.push(BlobNeed { hash, size });
        }
    }
    let kind = if kind == ImportKind::UpToDate && !fetch.is_empty() { ImportKind::Repair } else { kind };
    let bytes_to_fetch = fetch.iter().map(|b| b.size).sum();
    let plan = ImportPlan { installed, replaces: previous, kind, fetch, bytes_to_fetch, bytes_reused };
    plan.check_space(store)?;
    Ok(plan)
}

impl ImportPlan {
    /// How the import relates to what is installed.
    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    /// The channel record the import will install.
    pub fn installed(&self) -> &InstalledChannel {
        &self.installed
    }

    /// The blobs to copy, sorted by hash.
    pub fn fetch(&self) -> &[BlobNeed] {
        &self.fetch
    }

    /// Bytes to copy.
    pub fn bytes_to_fetch(&self) -> u64 {
        self.bytes_to_fetch
    }

    /// Bytes of needed files the store already has.
    pub fn bytes_reused(&self) -> u64 {
        self.bytes_reused
    }

    /// Bytes the import will add to the store: the new blobs, and the envelope less the one it
    /// replaces.
    pub fn bytes_needed(&self) -> u64 {
        let envelope = self.installed.channel().envelope().len() as u64;
        let replaced = self.replaces.as_ref().map_or(0, |r| r.channel().envelope().len() as u64);
        self.bytes_to_fetch + envelope.saturating_sub(replaced)
    }

    /// Units that the import adds.
    pub fn new_units(&self) -> BTreeSet<&UnitId> {
        let before = self.replaces.as_ref().map(InstalledChannel::units);
        self.installed.units().iter().filter(|u| before.is_none_or(|b| !b.contains(*u))).collect()
    }

    fn check_space(&self, store: &impl ContentStore) -> Result<(), ContentError> {
        if self.kind == ImportKind::UpToDate {
            return Ok(());
        }
        let available = store
            .available_bytes()
            .map_err(|source| ContentError::Store { action: "measure the free space", source })?;
        let needed = self.bytes_needed();
        if needed > available {
            let manifest = self.installed.manifest();
            return Err(ContentError::QuotaExceeded {
                channel: manifest.id.clone(),
                version: manifest.version,
                needed,
                available,
            });
        }
        Ok(())
    }

    /// Copies every planned blob from `source` into the store's staging area, checking each
    /// one's size and hash, then commits the blobs and the channel record at once.
    ///
    /// Before copying anything it checks that the source has every blob at the right length and
    /// that the space is still there. On any error the staged blobs are discarded and the store
    /// is as it was.
    pub fn apply(
        self,
        source: &mut impl ChannelSource,
        store: &mut impl ContentStore,
    ) -> Result<ImportReport, ContentError> {
        let report = ImportReport {
            channel: self.installed.id().clone(),
            version: self.installed.version(),
            kind: self.kind,
            units: self.installed.units().len(),
            blobs_fetched: self.fetch.len(),
            bytes_fetched: self.bytes_to_fetch,
            bytes_reused: self.bytes_reused,
        };
        if self.kind == ImportKind::UpToDate {
            return Ok(report);
        }
        self.check_source(source)?;
        self.check_space(store)?;
        if let Err(e) = self.stage_and_commit(source, store) {
            // The original error matters more than a failure to clean up, which leaves only
            // invisible staged files behind.
            let _ = store.discard_staged();
            return Err(e);
        }
        Ok(report)
    }

    fn check_source(&self, source: &mut impl ChannelSource) -> Result<(), ContentError> {
        let mut missing = Vec::new();
        for need in &self.fetch {
            let path = layout::blob_path(&need.hash);
            match source.file_len(&path) {
                Ok(None) => missing.push(path),
                Ok(Some(len)) if len != need.size => {
                    return Err(ContentError::BlobWrongSize { hash: need.hash, expected: need.size, got: len });
                }
                Ok(Some(_)) => {}
                Err(source) => return Err(ContentError::Source { path, source }),
            }
        }
        match missing.first() {
            None => Ok(()),
            Some(first) => Err(ContentError::MissingBlobs { count: missing.len(), first: first.clone() }),
        }
    }

    fn stage_and_commit(
        &self,
        source: &mut impl ChannelSource,
        store: &mut impl ContentStore,
    ) -> Result<(), ContentError> {
        for need in &self.fetch {
            let path = layout::blob_path(&need.hash);
            let reader = source.open(&path).map_err(|source| ContentError::Source { path: path.clone(), source })?;
            let mut checked = CheckedReader::new(reader, need.hash, need.size);
            let staged = store.stage_blob(&need.hash, &mut checked);
            match (staged, checked.verdict()) {
                (Ok(()), Ok(())) => {}
                // A bad blob makes the copy fail too: say what was wrong with the blob.
                (_, Err(e)) if !matches!(e, ContentError::BlobNotRead { .. }) => return Err(e),
                (Err(source), _) if checked.source_failed() => return Err(ContentError::Source { path, source }),
                (Err(source), _) => return Err(ContentError::Store { action: "stage a blob", source }),
                (Ok(()), Err(e)) => return Err(e),
            }
        }
        let commit = Commit {
            installed: self.installed.clone(),
            replaces: self.replaces.clone(),
            blobs: self.fetch.iter().map(|b| b.hash).collect(),
        };
        store.commit(&commit).map_err(|source| ContentError::Store { action: "commit the import", source })
    }
}
