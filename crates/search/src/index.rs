//! The index: its schema, opening it on disk or in RAM, and writing resources into it.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, EN, ZH};
use crate::doc::ResourceDoc;
use crate::error::SearchError;

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `channel/resource`, stored: what a hit returns.
    pub(crate) key: Field,
    pub(crate) channel: Field,
    /// `channel/course`, to hide courses a school may not see.
    pub(crate) course: Field,
    pub(crate) kind: Field,
    pub(crate) subject: Field,
    pub(crate) grade: Field,
    pub(crate) kp: Field,
    /// All Chinese text of a resource, titles weighted (see [`TITLE_WEIGHT`]).
    pub(crate) zh: Field,
    /// All English text of a resource, weighted the same way.
    pub(crate) en: Field,
}

/// How many times a title counts in its language's text field, and a description. Repeating a
/// field's text is BM25F with integer field weights: term frequencies and lengths are summed
/// with the weights before BM25 saturates them. One field per language instead of one per part
/// keeps every query a plain set of term queries, which tantivy answers with block-max WAND.
pub(crate) const TITLE_WEIGHT: usize = 3;
pub(crate) const DESCRIPTION_WEIGHT: usize = 2;

const FIELD_NAMES: [&str; 9] = ["key", "channel", "course", "kind", "subject", "grade", "kp", "zh", "en"];

fn schema() -> Schema {
    let mut builder = Schema::builder();
    let indexed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    builder.add_text_field("key", STRING | STORED);
    // Filter fields keep (always-1) frequencies so a filter is a term scorer like the words, and
    // a filtered search stays a pure term intersection.
    for name in ["channel", "course", "kind", "subject", "grade", "kp"] {
        builder.add_text_field(name, indexed("raw"));
    }
    // Term frequencies but no positions: queries are bags of words, and positions would roughly
    // double the index on disk.
    builder.add_text_field("zh", indexed(ZH));
    builder.add_text_field("en", indexed(EN));
    builder.build()
}

fn fields(schema: &Schema, path: &Path) -> Result<Fields, SearchError> {
    let mut found = [Field::from_field_id(0); FIELD_NAMES.len()];
    for (slot, name) in found.iter_mut().zip(FIELD_NAMES) {
        *slot = schema
            .get_field(name)
            .map_err(|_| SearchError::SchemaMismatch { path: path.to_path_buf(), field: name })?;
    }
    let [key, channel, course, kind, subject, grade, kp, zh, en] = found;
    Ok(Fields { key, channel, course, kind, subject, grade, kp, zh, en })
}

/// A search index over resources, on disk or in memory. Searching takes `&self` and may run
/// on many threads at once; writing goes through one [`Indexer`] at a time.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("docs", &self.num_docs()).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the folder and an empty index if there is none.
    pub fn open_or_create(dir: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::CreateDir { path: dir.to_path_buf(), source })?;
        let open_err = |source| SearchError::Open { path: dir.to_path_buf(), source };
        let directory = MmapDirectory::open(dir).map_err(|e| open_err(e.into()))?;
        let index = if Index::exists(&directory).map_err(|e| open_err(e.into()))? {
            Index::open(directory).map_err(open_err)?
        } else {
            Index::create(directory, schema(), IndexSettings::default()).map_err(open_err)?
        };
        Self::wrap(index, dir.to_path_buf())
    }

    /// An empty index in memory (tests, small tools).
    pub fn in_memory() -> Result<Self, SearchError> {
        Self::wrap(Index::create_in_ram(schema()), PathBuf::from("(memory)"))
    }

    fn wrap(index: Index, path: PathBuf) -> Result<Self, SearchError> {
        let fields = fields(&index.schema(), &path)?;
        index.tokenizers().register(ZH, analysis::zh_analyzer());
        index.tokenizers().register(EN, analysis::en_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source| SearchError::Open { path, source })?;
        Ok(Self { index, reader, fields })
    }

    /// Documents in the index, as of the last commit.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Starts writing with `threads` indexing threads sharing `memory_bytes` of buffer (at least
    /// 15 MB per thread). Only one indexer may exist at a time.
    pub fn indexer(&self, threads: usize, memory_bytes: usize) -> Result<Indexer<'_>, SearchError> {
        let writer = self
            .index
            .writer_with_num_threads(threads, memory_bytes)
            .map_err(|source| SearchError::Index { action: "start writing", source })?;
        Ok(Indexer { index: self, writer })
    }
}

/// Writes to a [`SearchIndex`]. Changes become visible to searches at [`Indexer::commit`];
/// dropping an indexer without committing discards them.
pub struct Indexer<'a> {
    index: &'a SearchIndex,
    writer: IndexWriter,
}

impl std::fmt::Debug for Indexer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").finish_non_exhaustive()
    }
}

impl Indexer<'_> {
    /// Adds a resource (after a [`Indexer::remove_channel`] of its channel, to avoid duplicates).
    pub fn add(&self, doc: &ResourceDoc) -> Result<(), SearchError> {
        if doc.channel.is_empty() || doc.channel.contains('/') || doc.resource.is_empty() {
            // Hits are read back from `channel/resource`.
            return Err(SearchError::InvalidDoc { channel: doc.channel.clone(), resource: doc.resource.clone() });
        }
        let f = &self.index.fields;
        let mut d = TantivyDocument::new();
        d.add_text(f.key, format!("{}/{}", doc.channel, doc.resource));
        d.add_text(f.channel, &doc.channel);
        d.add_text(f.course, format!("{}/{}", doc.channel, doc.course));
        d.add_text(f.kind, doc.kind.as_str());
        d.add_text(f.subject, &doc.subject);
        for &grade in &doc.grades {
            d.add_text(f.grade, grade.to_string());
        }
        for kp in &doc.kps {
            d.add_text(f.kp, kp);
        }
        for (field, title, description, transcript) in [
            (f.zh, &doc.title_zh, &doc.description_zh, &doc.transcript_zh),
            (f.en, &doc.title_en, &doc.description_en, &doc.transcript_en),
        ] {
            let weighted = [(title, TITLE_WEIGHT), (description, DESCRIPTION_WEIGHT), (transcript, 1)];
            for (text, weight) in weighted {
                if !text.is_empty() {
                    for _ in 0..weight {
                        d.add_text(field, text);
                    }
                }
            }
        }
        self.writer.add_document(d).map_err(|source| SearchError::Index { action: "add a document", source })?;
        Ok(())
    }

    /// Removes every resource of a channel (before re-adding its new version, or when it is
    /// uninstalled).
    pub fn remove_channel(&self, channel: &str) {
        self.writer.delete_term(Term::from_field_text(self.index.fields.channel, channel));
    }

    /// Replaces a channel's resources with `docs`.
    pub fn replace_channel<'d>(
        &self,
        channel: &str,
        docs: impl IntoIterator<Item = &'d ResourceDoc>,
    ) -> Result<(), SearchError> {
        self.remove_channel(channel);
        docs.into_iter().try_for_each(|d| self.add(d))
    }

    /// Makes every change so far durable and visible to searches, all at once.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit().map_err(|source| SearchError::Index { action: "commit", source })?;
        self.index.reader.reload().map_err(|source| SearchError::Index { action: "reload after commit", source })
    }

    /// Commits, merges every segment into one and waits for the merge (after a bulk load, so
    /// that searches visit one segment instead of dozens).
    pub fn commit_and_merge(mut self) -> Result<(), SearchError> {
        self.commit()?;
        let segments = self
            .index
            .index
            .searchable_segment_ids()
            .map_err(|source| SearchError::Index { action: "list segments", source })?;
        if segments.len() > 1 {
            self.writer
                .merge(&segments)
                .wait()
                .map_err(|source| SearchError::Index { action: "merge segments", source })?;
        }
        self.writer.wait_merging_threads().map_err(|source| SearchError::Index { action: "merge segments", source })?;
        self.index.reader.reload().map_err(|source| SearchError::Index { action: "reload after merging", source })
    }
}
