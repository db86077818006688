//! The one error type of the sync crate.

/// Why a batch or receipt is refused. Nothing is applied when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the batch is {len} bytes, too short to be a sealed batch: it was truncated; copy or send it again")]
    Truncated { len: usize },
    #[error("this is not an Inkstone sync batch (wrong magic bytes)")]
    NotABatch,
    #[error("the batch is addressed to another server; check which peer it was exported for")]
    NotForUs,
    #[error("the signature does not verify: the file was damaged, truncated or tampered with; export it again")]
    BadSignature,
    #[error("the batch does not decrypt with this server's key")]
    Undecryptable,
    #[error("the batch is damaged: {0}")]
    Corrupt(String),
    #[error("the batch has format {found:?}; this server reads {expected:?} (upgrade the older server)")]
    Format { found: String, expected: &'static str },
    #[error("table {table}: the sender's columns differ from this server's; bring both to the same version")]
    SchemaMismatch { table: String },
    #[error("{0:?} is not a base64 ed25519 public key")]
    BadKey(String),
    #[error("the receipt is invalid: {0}")]
    BadReceipt(String),
}
