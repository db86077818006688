//! Exporting installed channels to a folder in the export layout (USB disk, hub, peer).

use std::collections::BTreeSet;

use crate::error::ContentError;
use crate::hash::CheckedReader;
use crate::id::UnitId;
use crate::installed::{InstalledChannel, Selection};
use crate::layout::{self, CATALOG_PATH, Catalog, CatalogEntry, MAX_CATALOG_BYTES};
use crate::signed::{MAX_ENVELOPE_BYTES, VerifiedChannel};
use crate::store::{ContentStore, ExportTarget};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub units: usize,
    pub blobs_written: usize,
    pub bytes_written: u64,
    /// Blobs the target already had (from another channel or an earlier export).
    pub blobs_skipped: usize,
}

/// Writes `channel` (only the units in `only`, if given) to `target`: blobs first, each checked
/// against its hash as it is read from the store, then the envelope, then the catalog entry.
///
/// A target missing the envelope shows no channel, so an export cut short is invisible to
/// importers rather than broken. Refuses units that are not installed here, and an export that
/// does not fit in the target's free space (checked before writing).
pub fn export_channel(
    channel: &InstalledChannel,
    only: Option<&Selection>,
    store: &impl ContentStore,
    target: &mut impl ExportTarget,
) -> Result<ExportReport, ContentError> {
    let manifest = channel.manifest();
    let units: BTreeSet<UnitId> = match only {
        None => channel.units().clone(),
        Some(selection) => {
            let wanted = selection.resolve(manifest)?;
            if let Some(unit) = wanted.iter().find(|u| !channel.units().contains(*u)) {
                return Err(ContentError::UnitNotInstalled { channel: manifest.id.clone(), unit: unit.clone() });
            }
            wanted
        }
    };
    let target_err = |path: &str| {
        let path = path.to_owned();
        move |source| ContentError::Target { path, source }
    };
    let mut to_write = Vec::new();
    let mut blobs_skipped = 0;
    let files = manifest.files_of_units(&units);
    for (&hash, &size) in &files {
        let path = layout::blob_path(&hash);
        if target.has_file(&path).map_err(target_err(&path))? {
            blobs_skipped += 1;
        } else {
            to_write.push((hash, size, path));
        }
    }
    let channel_path = layout::channel_path(&manifest.id);
    // What the target already holds of this channel: a newer version must not be overwritten,
    // and the same version keeps the units it already has.
    let mut units_there = BTreeSet::new();
    let there = target.read_file(&channel_path, MAX_ENVELOPE_BYTES).map_err(target_err(&channel_path))?;
    // An unreadable envelope on the target is simply overwritten.
    if let Some(there) = there.and_then(|bytes| VerifiedChannel::reopen_installed(&bytes).ok()) {
        let version_there = there.manifest().version;
        if version_there > manifest.version {
            return Err(ContentError::TargetNewer {
                channel: manifest.id.clone(),
                target: version_there,
                exported: manifest.version,
            });
        }
        if there.manifest_hash() == channel.channel().manifest_hash() {
            let catalog = read_target_catalog(target)?;
            if let Some(entry) = catalog.channels.iter().find(|e| e.id == manifest.id) {
                units_there = match &entry.units {
                    None => manifest.unit_ids().cloned().collect(),
                    Some(units) => units.iter().cloned().collect(),
                };
            }
        }
    }
    let envelope = channel.channel().envelope();
    let bytes_written: u64 = to_write.iter().map(|(_, size, _)| size).sum::<u64>() + envelope.len() as u64;
    if let Some(available) = target.available_bytes().map_err(target_err("."))? {
        // The catalog is small; a little headroom keeps it from failing last.
        let needed = bytes_written + 64 * 1024;
        if needed > available {
            return Err(ContentError::ExportTooLarge { needed, available });
        }
    }
    for (hash, size, path) in &to_write {
        let reader = store.open_blob(hash).map_err(|source| ContentError::Store { action: "read a blob", source })?;
        let mut checked = CheckedReader::new(reader, *hash, *size);
        let written = target.write_file(path, &mut checked);
        match (written, checked.verdict()) {
            (Ok(()), Ok(())) => {}
            (_, Err(e)) if !matches!(e, ContentError::BlobNotRead { .. }) => return Err(e),
            (Err(source), _) if checked.source_failed() => {
                return Err(ContentError::Store { action: "read a blob", source });
            }
            (Err(source), _) => return Err(ContentError::Target { path: path.clone(), source }),
            (Ok(()), Err(e)) => return Err(e),
        }
    }
    target.write_file(&channel_path, &mut &envelope[..]).map_err(target_err(&channel_path))?;

    let mut catalog = read_target_catalog(target)?;
    let units_now: BTreeSet<UnitId> = units.union(&units_there).cloned().collect();
    let all_units = manifest.unit_ids().count() == units_now.len();
    catalog.upsert(CatalogEntry {
        id: manifest.id.clone(),
        version: manifest.version,
        title: manifest.title.zh.clone().or_else(|| manifest.title.en.clone()).unwrap_or_default(),
        publisher: manifest.publisher.clone(),
        units: (!all_units).then(|| units_now.iter().cloned().collect()),
        bytes: manifest.files_of_units(&units_now).values().sum(),
    });
    target.write_file(CATALOG_PATH, &mut &catalog.to_json()[..]).map_err(target_err(CATALOG_PATH))?;
    Ok(ExportReport { units: units.len(), blobs_written: to_write.len(), bytes_written, blobs_skipped })
}

fn read_target_catalog(target: &mut impl ExportTarget) -> Result<Catalog, ContentError> {
    match target.read_file(CATALOG_PATH, MAX_CATALOG_BYTES) {
        Ok(Some(bytes)) => Catalog::from_json(&bytes),
        Ok(None) => Ok(Catalog::new()),
        Err(source) => Err(ContentError::Target { path: CATALOG_PATH.to_owned(), source }),
    }
}
