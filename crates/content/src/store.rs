//! The three traits through which the caller moves bytes: an import source, the school's
//! content store, and an export target. The crate itself does no I/O.

use std::io::{self, Read};

use crate::hash::ContentHash;
use crate::installed::InstalledChannel;

/// Where an import reads from: a folder in the [`crate::layout`] (USB disk, mounted share),
/// a county hub over HTTP, or a peer school. Paths are the layout's relative paths.
pub trait ChannelSource {
    /// The bytes of a small file (the catalog, an envelope), or `None` if the source lacks it.
    /// Implementations should refuse files longer than `max_len` with an error.
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>>;

    /// The length of a file, or `None` if the source lacks it. Used to find missing and
    /// truncated files before anything is copied.
    fn file_len(&mut self, path: &str) -> io::Result<Option<u64>>;

    /// Opens a file for reading from its start.
    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>>;
}

/// A school's content storage: blobs by hash, a staging area, and the installed channels.
///
/// An import stages every new blob, then calls [`ContentStore::commit`] once. Implementations
/// over a data folder typically stage into a temporary folder on the same file system, and
/// commit by renaming staged blobs into place and then writing the channel record in one
/// database transaction (or one atomic rename): the record is the commit point, so a crash
/// before it leaves at most unreferenced blobs, never a channel with missing files.
pub trait ContentStore {
    /// Whether a committed blob with this hash exists.
    fn has_blob(&self, hash: &ContentHash) -> io::Result<bool>;

    /// Opens a committed blob (to export it to a peer or a USB disk).
    fn open_blob(&self, hash: &ContentHash) -> io::Result<Box<dyn Read + '_>>;

    /// Bytes this store may still use: the quota left, or the free disk space if smaller.
    fn available_bytes(&self) -> io::Result<u64>;

    /// The installed record of a channel, if any.
    fn installed(&self, channel: &crate::id::ChannelId) -> io::Result<Option<InstalledChannel>>;

    /// Copies `bytes` to the end into the staging area as blob `hash`. The reader fails rather
    /// than end when the blob is wrong, so an implementation must not keep a blob whose copy
    /// failed. A staged blob is invisible until committed.
    fn stage_blob(&mut self, hash: &ContentHash, bytes: &mut dyn Read) -> io::Result<()>;

    /// Forgets every staged blob.
    fn discard_staged(&mut self) -> io::Result<()>;

    /// Makes the staged blobs `commit.blobs` visible and installs `commit.installed`, all or
    /// nothing. Must fail, changing nothing, if the channel's current record is no longer
    /// `commit.replaces` (another import got there first).
    fn commit(&mut self, commit: &Commit) -> io::Result<()>;
}

/// What [`ContentStore::commit`] must make true.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The new record of the channel.
    pub installed: InstalledChannel,
    /// The record the import was planned against (`None`: the channel was not installed).
    pub replaces: Option<InstalledChannel>,
    /// Staged blobs to make visible.
    pub blobs: Vec<ContentHash>,
}

/// Where an export writes: a folder in the [`crate::layout`], such as a USB disk.
pub trait ExportTarget {
    /// The bytes of a small file already there (the catalog), or `None`.
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>>;

    /// Whether a file exists. A file that exists is complete: see [`ExportTarget::write_file`].
    fn has_file(&mut self, path: &str) -> io::Result<bool>;

    /// Free space, if the target can tell.
    fn available_bytes(&mut self) -> io::Result<Option<u64>>;

    /// Writes a file whole, replacing any earlier one; a folder implementation writes a
    /// temporary file and renames it, so a crash never leaves a partial file under the name.
    fn write_file(&mut self, path: &str, bytes: &mut dyn Read) -> io::Result<()>;
}
