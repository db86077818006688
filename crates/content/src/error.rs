//! The one error type of the content crate.

use std::fmt;
use std::io;

use crate::hash::ContentHash;
use crate::id::{ChannelId, CourseId, UnitId};
use crate::signed::PublisherKey;

/// Why a channel cannot be read, trusted, imported or exported as asked. Nothing is applied
/// when an import or export returns one of these.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("invalid {what} id {id:?}: {problem}")]
    InvalidId { what: &'static str, id: String, problem: &'static str },
    #[error("{0:?} is not a SHA-256 hash (64 hex digits)")]
    InvalidHash(String),
    #[error("the channel manifest cannot be read at line {line}, column {column}: {message}")]
    ManifestSyntax { line: usize, column: usize, message: String },
    #[error("the channel manifest is invalid at {at}: {problem}")]
    InvalidManifest { at: String, problem: String },
    #[error("the channel file is not a signed channel envelope (line {line}, column {column}): {message}")]
    EnvelopeSyntax { line: usize, column: usize, message: String },
    #[error("the channel file has format {0:?}; this server reads \"inkstone-channel-envelope/1\"")]
    EnvelopeFormat(String),
    #[error("the channel file's {field} {problem}")]
    EnvelopeField { field: &'static str, problem: &'static str },
    #[error("the channel file is {len} bytes; the limit is {max}")]
    EnvelopeTooLarge { len: usize, max: usize },
    #[error("{0:?} is not a base64 ed25519 public key")]
    InvalidPublisherKey(String),
    #[error("the channel's signature does not match its content for key {key}: the file was altered or damaged")]
    BadSignature { key: PublisherKey },
    #[error("the channel is signed by key {key}, which this server does not trust; add the publisher's key first")]
    UntrustedPublisher { key: PublisherKey },
    #[error("the export's catalog is unreadable (line {line}, column {column}): {message}")]
    CatalogSyntax { line: usize, column: usize, message: String },
    #[error("the selection is unreadable: {0}")]
    SelectionSyntax(String),
    #[error(
        "channel {channel} is installed from publisher key {installed} but this copy is signed by {offered}; \
         remove the installed channel first if the publisher really changed keys"
    )]
    PublisherChanged { channel: ChannelId, installed: PublisherKey, offered: PublisherKey },
    #[error(
        "channel {channel} version {offered} is older than the installed version {installed}; \
         an old copy cannot replace a newer one"
    )]
    Replay { channel: ChannelId, installed: u64, offered: u64 },
    #[error(
        "channel {channel} version {version} differs from the installed copy of the same version; \
         the publisher must release a new version number"
    )]
    VersionConflict { channel: ChannelId, version: u64 },
    #[error("channel {channel} has no course {course}")]
    UnknownCourse { channel: ChannelId, course: CourseId },
    #[error("channel {channel} has no unit {unit}")]
    UnknownUnit { channel: ChannelId, unit: UnitId },
    #[error(
        "importing channel {channel} version {version} needs {} of new files but only {} is free in the \
         content storage; free some space, raise the quota or import fewer units",
        Bytes(*needed), Bytes(*available)
    )]
    QuotaExceeded { channel: ChannelId, version: u64, needed: u64, available: u64 },
    #[error("the source has no {path}")]
    MissingFile { path: String },
    #[error(
        "the source lacks {count} file(s) the selected units need (first: {first}); it may be a partial \
         export: select fewer units or use a complete copy"
    )]
    MissingBlobs { count: usize, first: String },
    #[error("file {hash} is {got} bytes in the source but {expected} in the manifest: truncated or replaced")]
    BlobWrongSize { hash: ContentHash, expected: u64, got: u64 },
    #[error("file {hash} ended after {got} of {expected} bytes: truncated")]
    BlobTruncated { hash: ContentHash, expected: u64, got: u64 },
    #[error("file {hash} is longer than the {expected} bytes the manifest says")]
    BlobTooLong { hash: ContentHash, expected: u64 },
    #[error("file {expected} has the wrong content (its SHA-256 is {got}): altered or damaged")]
    BlobHashMismatch { expected: ContentHash, got: ContentHash },
    #[error("file {hash} was not read to its end")]
    BlobNotRead { hash: ContentHash },
    #[error("reading {path} from the source failed")]
    Source {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("the content store failed to {action}")]
    Store {
        action: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("writing {path} to the export failed")]
    Target {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("channel {0} is not installed")]
    NotInstalled(ChannelId),
    #[error("unit {unit} of channel {channel} is not installed here, so it cannot be exported")]
    UnitNotInstalled { channel: ChannelId, unit: UnitId },
    #[error(
        "the target already holds channel {channel} version {target}, newer than the version {exported} \
         being exported; use another folder or install the newer version first"
    )]
    TargetNewer { channel: ChannelId, target: u64, exported: u64 },
    #[error("mastery of knowledge point {kp} is {value}; it must be a probability from 0 to 1")]
    InvalidMastery { kp: crate::id::KpId, value: f32 },
    #[error("the export needs {} but the target has only {} free", Bytes(*needed), Bytes(*available))]
    ExportTooLarge { needed: u64, available: u64 },
}

/// A byte count for people: `1.5 GiB`, `312 KiB`, `17 B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
        if self.0 < 1024 {
            return write!(f, "{} B", self.0);
        }
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if value < 10.0 { write!(f, "{value:.1} {}", UNITS[unit]) } else { write!(f, "{value:.0} {}", UNITS[unit]) }
    }
}

/// serde_json's message without the " at line L column C" it appends, which the error
/// variants state themselves.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    message.strip_suffix(&suffix).map_or(message.clone(), str::to_owned)
}
