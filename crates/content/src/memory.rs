//! In-memory implementations of the storage traits, for tests and for callers' own tests.

use std::collections::BTreeMap;
use std::io::{self, Read};

use crate::hash::ContentHash;
use crate::id::ChannelId;
use crate::installed::InstalledChannel;
use crate::layout;
use crate::store::{ChannelSource, Commit, ContentStore, ExportTarget};

/// A content store in memory with a byte quota covering blobs (staged ones too) and envelopes.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    quota: u64,
    blobs: BTreeMap<ContentHash, Vec<u8>>,
    staged: BTreeMap<ContentHash, Vec<u8>>,
    channels: BTreeMap<ChannelId, InstalledChannel>,
    fail_next_commit: bool,
}

impl MemoryStore {
    /// An empty store that may hold `quota` bytes.
    pub fn with_quota(quota: u64) -> Self {
        Self {
            quota,
            blobs: BTreeMap::new(),
            staged: BTreeMap::new(),
            channels: BTreeMap::new(),
            fail_next_commit: false,
        }
    }

    /// Makes the next commit fail (as a crash or a full disk at the last moment would).
    pub fn fail_next_commit(&mut self) {
        self.fail_next_commit = true;
    }

    /// Committed blobs.
    pub fn blobs(&self) -> &BTreeMap<ContentHash, Vec<u8>> {
        &self.blobs
    }

    /// Staged blobs (empty after every import, failed or not).
    pub fn staged(&self) -> &BTreeMap<ContentHash, Vec<u8>> {
        &self.staged
    }

    /// Installed channels.
    pub fn channels(&self) -> &BTreeMap<ChannelId, InstalledChannel> {
        &self.channels
    }

    /// Deletes a committed blob (to reclaim space, or to simulate loss).
    pub fn remove_blob(&mut self, hash: &ContentHash) -> Option<Vec<u8>> {
        self.blobs.remove(hash)
    }

    /// Mutable access to a committed blob (to simulate bit rot).
    pub fn blob_mut(&mut self, hash: &ContentHash) -> Option<&mut Vec<u8>> {
        self.blobs.get_mut(hash)
    }

    /// Bytes in use.
    pub fn used_bytes(&self) -> u64 {
        let blobs: usize = self.blobs.values().chain(self.staged.values()).map(Vec::len).sum();
        let envelopes: usize = self.channels.values().map(|c| c.channel().envelope().len()).sum();
        (blobs + envelopes) as u64
    }
}

impl ContentStore for MemoryStore {
    fn has_blob(&self, hash: &ContentHash) -> io::Result<bool> {
        Ok(self.blobs.contains_key(hash))
    }

    fn open_blob(&self, hash: &ContentHash) -> io::Result<Box<dyn Read + '_>> {
        match self.blobs.get(hash) {
            Some(bytes) => Ok(Box::new(&bytes[..])),
            None => Err(io::Error::new(io::ErrorKind::NotFound, format!("no blob {hash}"))),
        }
    }

    fn available_bytes(&self) -> io::Result<u64> {
        Ok(self.quota.saturating_sub(self.used_bytes()))
    }

    fn installed(&self, channel: &ChannelId) -> io::Result<Option<InstalledChannel>> {
        Ok(self.channels.get(channel).cloned())
    }

    fn stage_blob(&mut self, hash: &ContentHash, bytes: &mut dyn Read) -> io::Result<()> {
        let room = self.available_bytes()?;
        let mut buf = Vec::new();
        // Like a disk, refuse to grow past the quota rather than fail after the fact.
        Read::take(&mut *bytes, room.saturating_add(1)).read_to_end(&mut buf)?;
        if buf.len() as u64 > room {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "the content quota is full"));
        }
        self.staged.insert(*hash, buf);
        Ok(())
    }

    fn discard_staged(&mut self) -> io::Result<()> {
        self.staged.clear();
        Ok(())
    }

    fn commit(&mut self, commit: &Commit) -> io::Result<()> {
        if std::mem::take(&mut self.fail_next_commit) {
            return Err(io::Error::other("simulated failure at commit"));
        }
        let id = commit.installed.id();
        if self.channels.get(id) != commit.replaces.as_ref() {
            return Err(io::Error::other(format!("channel {id} changed while this import ran")));
        }
        if let Some(hash) = commit.blobs.iter().find(|h| !self.staged.contains_key(*h) && !self.blobs.contains_key(*h))
        {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("blob {hash} was not staged")));
        }
        for hash in &commit.blobs {
            if let Some(bytes) = self.staged.remove(hash) {
                self.blobs.insert(*hash, bytes);
            }
        }
        self.staged.clear();
        self.channels.insert(id.clone(), commit.installed.clone());
        Ok(())
    }
}

/// A folder in the export layout, in memory: path → bytes. Reads as an import source and
/// writes as an export target.
#[derive(Debug, Clone, Default)]
pub struct MemoryFolder {
    files: BTreeMap<String, Vec<u8>>,
    capacity: Option<u64>,
}

impl MemoryFolder {
    /// An empty folder with no size limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty folder that can hold `capacity` bytes (a small USB disk).
    pub fn with_capacity(capacity: u64) -> Self {
        Self { files: BTreeMap::new(), capacity: Some(capacity) }
    }

    /// Every file.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// Mutable access to a file (to simulate tampering or truncation).
    pub fn file_mut(&mut self, path: &str) -> Option<&mut Vec<u8>> {
        self.files.get_mut(path)
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(path.into(), bytes);
    }

    /// Deletes a file.
    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.remove(path)
    }

    /// Adds a blob under its layout path.
    pub fn insert_blob(&mut self, bytes: Vec<u8>) -> ContentHash {
        let hash = ContentHash::of(&bytes);
        self.files.insert(layout::blob_path(&hash), bytes);
        hash
    }

    fn used(&self) -> u64 {
        self.files.values().map(|f| f.len() as u64).sum()
    }
}

fn too_long(path: &str, max_len: usize) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{path} is longer than {max_len} bytes"))
}

impl ChannelSource for MemoryFolder {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        match self.files.get(path) {
            Some(bytes) if bytes.len() > max_len => Err(too_long(path, max_len)),
            other => Ok(other.cloned()),
        }
    }

    fn file_len(&mut self, path: &str) -> io::Result<Option<u64>> {
        Ok(self.files.get(path).map(|f| f.len() as u64))
    }

    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        match self.files.get(path) {
            Some(bytes) => Ok(Box::new(&bytes[..])),
            None => Err(io::Error::new(io::ErrorKind::NotFound, format!("no {path}"))),
        }
    }
}

impl ExportTarget for MemoryFolder {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        ChannelSource::read_file(self, path, max_len)
    }

    fn has_file(&mut self, path: &str) -> io::Result<bool> {
        Ok(self.files.contains_key(path))
    }

    fn available_bytes(&mut self) -> io::Result<Option<u64>> {
        Ok(self.capacity.map(|c| c.saturating_sub(self.used())))
    }

    fn write_file(&mut self, path: &str, bytes: &mut dyn Read) -> io::Result<()> {
        let mut buf = Vec::new();
        bytes.read_to_end(&mut buf)?;
        let replaced = self.files.get(path).map_or(0, |f| f.len() as u64);
        if let Some(capacity) = self.capacity
            && self.used() - replaced + buf.len() as u64 > capacity
        {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "the folder is full"));
        }
        self.files.insert(path.to_owned(), buf);
        Ok(())
    }
}
