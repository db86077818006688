//! Full-text search over content channels' resources, in Chinese and English, with filters by
//! subject, grade, knowledge point, resource type and channel.
//!
//! What it does: keeps a tantivy index (on disk, memory-mapped, or in RAM) of [`ResourceDoc`]s
//! built from installed channels; Chinese text is segmented with jieba (search mode), English
//! text is stemmed; [`SearchIndex::search`] ranks by BM25 with titles weighted above
//! descriptions above transcripts, requires every query word first and falls back to some
//! words, then to English matches with a typo or two.
//!
//! What it does not: it stores no content (hits are channel and resource ids; the caller reads
//! the manifest), knows nothing of who may see what beyond the filters it is given (the caller
//! passes hidden premium courses), and does not decide when to reindex.
//!
//! Invariants: the index holds at most one document per (channel, resource) when written
//! through [`Indexer::replace_channel`]; changes are invisible until [`Indexer::commit`], which
//! applies them all at once; tokenizer offsets always fall on UTF-8 character boundaries.

pub mod analysis;
pub mod doc;
pub mod error;
pub mod index;
pub mod query;

pub use crate::doc::ResourceDoc;
pub use crate::error::SearchError;
pub use crate::index::{Indexer, SearchIndex};
pub use crate::query::{Hit, Match, SearchQuery, SearchResults};
