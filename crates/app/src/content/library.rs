//! The content library on disk: `content::store::ContentStore` over a folder, and folders in
//! the export layout as import sources and export targets.
//!
//! ```text
//! <root>/library/            the export layout (catalog.json, channels/, blobs/): peers read it
//! <root>/installed/<id>.json the installed record of each channel: the commit point
//! <root>/staging/            blobs of an import in progress (invisible until committed)
//! <root>/trusted-publishers.json
//! <root>/index/              the search index (the search crate's)
//! ```
//!
//! Every file is written under a temporary name, synced and renamed, so a crash leaves either
//! the old file or the new one. An import renames its staged blobs into `library/blobs` first
//! and writes the installed record last: a crash in between leaves only unreferenced blobs.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use content::hash::ContentHash;
use content::id::ChannelId;
use content::installed::{InstalledChannel, Selection};
use content::layout::{self, Catalog, CatalogEntry};
use content::signed::{PublisherKey, TrustedPublishers};
use content::store::{ChannelSource, Commit, ContentStore, ExportTarget};
use serde::{Deserialize, Serialize};

/// The installed record's file format.
const RECORD_FORMAT: &str = "inkstone-installed-channel/1";

/// A school's content storage in a folder, with a byte quota.
#[derive(Debug, Clone)]
pub struct FsContentStore {
    root: PathBuf,
    quota: u64,
}

/// The installed record of a channel (a versioned file format).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstalledRecord {
    format: String,
    /// The selection's own JSON (`Selection::to_json`).
    selection: String,
    /// The signed envelope's exact bytes (JSON, hence UTF-8).
    envelope: String,
}

impl FsContentStore {
    /// A store in `root` (created if missing) that may hold `quota` bytes of files and envelopes.
    pub fn open(root: &Path, quota: u64) -> io::Result<Self> {
        for sub in ["library/blobs", "library/channels", "installed", "staging"] {
            fs::create_dir_all(root.join(sub))?;
        }
        Ok(Self { root: root.to_path_buf(), quota })
    }

    /// The folder in the export layout that peers may read.
    pub fn library_dir(&self) -> PathBuf {
        self.root.join("library")
    }

    /// The search index's folder.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The quota in bytes.
    pub fn quota(&self) -> u64 {
        self.quota
    }

    fn blob_file(&self, hash: &ContentHash) -> PathBuf {
        self.library_dir().join(layout::blob_path(hash))
    }

    fn staged_file(&self, hash: &ContentHash) -> PathBuf {
        self.root.join("staging").join(hash.to_hex())
    }

    fn record_file(&self, channel: &ChannelId) -> PathBuf {
        self.root.join("installed").join(format!("{channel}.json"))
    }

    /// Bytes in use: committed and staged blobs, and installed envelopes.
    pub fn used_bytes(&self) -> io::Result<u64> {
        Ok(dir_bytes(&self.library_dir().join("blobs"))?
            + dir_bytes(&self.root.join("staging"))?
            + dir_bytes(&self.root.join("installed"))?)
    }

    /// Every installed channel, by id. A damaged record is an error naming its file.
    pub fn installed_channels(&self) -> io::Result<BTreeMap<ChannelId, InstalledChannel>> {
        let mut out = BTreeMap::new();
        for entry in fs::read_dir(self.root.join("installed"))? {
            let path = entry?.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let installed = read_record(&path)?;
            out.insert(installed.id().clone(), installed);
        }
        Ok(out)
    }

    /// The publishers whose channels this school accepts.
    pub fn trusted(&self) -> io::Result<TrustedPublishers> {
        let mut trusted = TrustedPublishers::none();
        for (key, name) in self.trusted_names()? {
            let key = PublisherKey::parse(&key).map_err(|e| invalid(&self.trusted_file(), e))?;
            trusted.trust(key, name);
        }
        Ok(trusted)
    }

    /// Trusted keys (base64) and their names.
    pub fn trusted_names(&self) -> io::Result<BTreeMap<String, String>> {
        match fs::read(self.trusted_file()) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| invalid(&self.trusted_file(), e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(e),
        }
    }

    /// Trusts a publisher's key under a name.
    pub fn trust(&self, key: PublisherKey, name: &str) -> io::Result<()> {
        let mut names = self.trusted_names()?;
        names.insert(key.to_base64(), name.to_owned());
        let bytes = serde_json::to_vec_pretty(&names).expect("a map of strings serialises");
        write_atomic(&self.trusted_file(), &mut &bytes[..])
    }

    fn trusted_file(&self) -> PathBuf {
        self.root.join("trusted-publishers.json")
    }

    /// Rewrites `library/channels` and `library/catalog.json` from the installed records, so
    /// the library is an export of exactly what is installed.
    fn publish_library(&self) -> io::Result<()> {
        let channels = self.installed_channels()?;
        let mut catalog = Catalog::new();
        for installed in channels.values() {
            let manifest = installed.manifest();
            let path = self.library_dir().join(layout::channel_path(installed.id()));
            write_atomic(&path, &mut installed.channel().envelope())?;
            let all = installed.units().len() == manifest.unit_ids().count();
            let size: u64 = manifest.files_of_units(installed.units()).values().sum();
            catalog.upsert(CatalogEntry {
                id: installed.id().clone(),
                version: installed.version(),
                title: manifest.title.zh.clone().or_else(|| manifest.title.en.clone()).unwrap_or_default(),
                publisher: manifest.publisher.clone(),
                units: (!all).then(|| installed.units().iter().cloned().collect()),
                bytes: size,
            });
        }
        write_atomic(&self.library_dir().join(layout::CATALOG_PATH), &mut &catalog.to_json()[..])
    }
}

fn invalid(path: &Path, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))
}

fn read_record(path: &Path) -> io::Result<InstalledChannel> {
    let bytes = fs::read(path)?;
    let record: InstalledRecord = serde_json::from_slice(&bytes).map_err(|e| invalid(path, e))?;
    if record.format != RECORD_FORMAT {
        return Err(invalid(path, format!("format {:?} is not {RECORD_FORMAT:?}", record.format)));
    }
    let selection = Selection::from_json(&record.selection).map_err(|e| invalid(path, e))?;
    InstalledChannel::from_stored(record.envelope.as_bytes(), selection).map_err(|e| invalid(path, e))
}

fn dir_bytes(dir: &Path) -> io::Result<u64> {
    let mut total = 0;
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() { dir_bytes(&entry.path())? } else { meta.len() };
    }
    Ok(total)
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and renamed.
pub(crate) fn write_atomic(path: &Path, bytes: &mut dyn Read) -> io::Result<()> {
    copy_atomic(path, bytes, u64::MAX)
}

/// Like [`write_atomic`], failing with `StorageFull` (and leaving nothing) past `limit` bytes.
fn copy_atomic(path: &Path, bytes: &mut dyn Read, limit: u64) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| io::Error::other(format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.partial"));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        let copied = io::copy(&mut Read::take(&mut *bytes, limit.saturating_add(1)), &mut file)?;
        if copied > limit {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "the content quota is full"));
        }
        file.flush()?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

impl ContentStore for FsContentStore {
    fn has_blob(&self, hash: &ContentHash) -> io::Result<bool> {
        Ok(self.blob_file(hash).is_file())
    }

    fn open_blob(&self, hash: &ContentHash) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(File::open(self.blob_file(hash))?))
    }

    fn available_bytes(&self) -> io::Result<u64> {
        Ok(self.quota.saturating_sub(self.used_bytes()?))
    }

    fn installed(&self, channel: &ChannelId) -> io::Result<Option<InstalledChannel>> {
        let path = self.record_file(channel);
        if !path.exists() {
            return Ok(None);
        }
        read_record(&path).map(Some)
    }

    fn stage_blob(&mut self, hash: &ContentHash, bytes: &mut dyn Read) -> io::Result<()> {
        // Like a full disk, refuse to grow past the quota rather than find out afterwards.
        let room = self.available_bytes()?;
        copy_atomic(&self.staged_file(hash), bytes, room)
    }

    fn discard_staged(&mut self) -> io::Result<()> {
        let staging = self.root.join("staging");
        for entry in fs::read_dir(&staging)? {
            fs::remove_file(entry?.path())?;
        }
        Ok(())
    }

    fn commit(&mut self, commit: &Commit) -> io::Result<()> {
        let id = commit.installed.id();
        if self.installed(id)? != commit.replaces {
            return Err(io::Error::other(format!("channel {id} changed while this import ran")));
        }
        for hash in &commit.blobs {
            let (staged, committed) = (self.staged_file(hash), self.blob_file(hash));
            if staged.is_file() {
                if let Some(dir) = committed.parent() {
                    fs::create_dir_all(dir)?;
                }
                fs::rename(&staged, &committed)?;
            } else if !committed.is_file() {
                return Err(io::Error::new(io::ErrorKind::NotFound, format!("blob {hash} was not staged")));
            }
        }
        let record = InstalledRecord {
            format: RECORD_FORMAT.to_owned(),
            selection: commit.installed.selection().to_json(),
            envelope: String::from_utf8(commit.installed.channel().envelope().to_vec())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the envelope is not UTF-8 JSON"))?,
        };
        let bytes = serde_json::to_vec(&record).expect("a record is three strings");
        // The commit point: the channel exists once this rename is done.
        write_atomic(&self.record_file(id), &mut &bytes[..])?;
        self.discard_staged()?;
        self.publish_library()
    }
}

/// A folder in the export layout (a USB disk, an exported folder): an import source and an
/// export target.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The folder at `root`.
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf() }
    }

    fn path(&self, relative: &str) -> PathBuf {
        // Layout paths are built from validated ids and hashes: no `..`, no absolute paths.
        self.root.join(relative)
    }
}

fn read_limited(path: &Path, max_len: usize) -> io::Result<Option<Vec<u8>>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(max_len as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max_len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is longer than {max_len} bytes", path.display()),
        ));
    }
    Ok(Some(bytes))
}

impl ChannelSource for Folder {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        read_limited(&self.path(path), max_len)
    }

    fn file_len(&mut self, path: &str) -> io::Result<Option<u64>> {
        match fs::metadata(self.path(path)) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(File::open(self.path(path))?))
    }
}

impl ExportTarget for Folder {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        read_limited(&self.path(path), max_len)
    }

    fn has_file(&mut self, path: &str) -> io::Result<bool> {
        Ok(self.path(path).is_file())
    }

    fn available_bytes(&mut self) -> io::Result<Option<u64>> {
        // Free space needs a platform call; the write fails cleanly (temporary file removed)
        // when the disk fills instead.
        Ok(None)
    }

    fn write_file(&mut self, path: &str, bytes: &mut dyn Read) -> io::Result<()> {
        write_atomic(&self.path(path), bytes)
    }
}
