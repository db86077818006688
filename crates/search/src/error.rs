//! The one error type of the search crate.

use std::path::PathBuf;

/// Why the index cannot be opened, written or searched.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot create the search index folder {path}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the search index in {path}; delete the folder to rebuild it from the installed channels")]
    Open {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error(
        "the search index in {path} was written by another version (missing field {field}); \
         delete the folder to rebuild it from the installed channels"
    )]
    SchemaMismatch { path: PathBuf, field: &'static str },
    #[error("the search index failed to {action}")]
    Index {
        action: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error(
        "resource {resource:?} of channel {channel:?} cannot be indexed: ids must be non-empty and a channel id has no '/'"
    )]
    InvalidDoc { channel: String, resource: String },
    #[error("the search index holds a document without a key: it is damaged; delete it to rebuild")]
    Damaged,
}
