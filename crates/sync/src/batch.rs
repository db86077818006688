//! The change batch: the rows of each table changed since a watermark, as a versioned file format.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use crate::SyncError;
use crate::schema::{self, ColType, Direction, Table};

/// The format tag of version 1 batches.
pub const BATCH_FORMAT: &str = "inkstone-sync-batch/1";
/// The largest batch accepted once inflated, so a small file cannot expand without bound.
pub const MAX_BATCH_BYTES: u64 = 256 << 20;

/// A column value as it travels. Booleans travel as 0/1 and blobs as base64 text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Whether the value fits a column of this type (NULL fits any; the database decides
    /// whether the column takes it).
    fn fits(&self, ty: ColType) -> bool {
        matches!(
            (self, ty),
            (Value::Null, _)
                | (Value::Int(_), ColType::Int | ColType::Bool | ColType::Real)
                | (Value::Real(_), ColType::Real)
                | (Value::Text(_), ColType::Text | ColType::Blob)
        )
    }
}

/// A row: one value per column of its table, in the table's column order.
pub type Row = Vec<Value>;

/// One table's changes in a batch: rows written and keys deleted after `after` up to `upto`
/// (sequence numbers of the sending server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableChanges {
    pub table: String,
    /// The receiver must already hold this table's changes up to here.
    pub after: u64,
    /// Holding this batch, the receiver holds the changes up to here.
    pub upto: u64,
    /// The column names, which must be the table's columns in order.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// Keys (key columns in order) of rows deleted.
    pub deleted: Vec<Row>,
}

/// A batch of changes from one server to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub format: String,
    /// The sender's ed25519 public key, base64.
    pub from: String,
    /// The recipient's ed25519 public key, base64.
    pub to: String,
    /// `up` (school to hub) or `down`.
    pub direction: String,
    /// When the sender made it, ms since the epoch (informational).
    pub created_at: i64,
    pub tables: Vec<TableChanges>,
}

/// A batch whose structure was checked against the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedBatch {
    pub batch: Batch,
    pub direction: Direction,
}

impl CheckedBatch {
    /// The tables with their specs, in batch order.
    pub fn tables(&self) -> impl Iterator<Item = (&'static Table, &TableChanges)> {
        self.batch.tables.iter().map(|t| (schema::table(&t.table).expect("checked on decode"), t))
    }

    /// Rows written plus keys deleted.
    pub fn n_changes(&self) -> usize {
        self.batch.tables.iter().map(|t| t.rows.len() + t.deleted.len()).sum()
    }
}

/// Serialises and deflates a batch.
pub fn encode(batch: &Batch) -> Vec<u8> {
    let json = serde_json::to_vec(batch).expect("a batch is plain data");
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
    deflater.write_all(&json).expect("writing to memory");
    deflater.finish().expect("writing to memory")
}

/// Inflates and parses a batch, then checks it against the schema: known tables in schema
/// order, once each, allowed in its direction, columns as this server has them, rows and keys of
/// the right width and types, and watermarks that move forward.
pub fn decode(bytes: &[u8]) -> Result<CheckedBatch, SyncError> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(MAX_BATCH_BYTES + 1)
        .read_to_end(&mut json)
        .map_err(|e| SyncError::Corrupt(format!("the batch does not inflate: {e}")))?;
    if json.len() as u64 > MAX_BATCH_BYTES {
        return Err(SyncError::Corrupt(format!("the batch inflates past {MAX_BATCH_BYTES} bytes")));
    }
    let batch: Batch = serde_json::from_slice(&json).map_err(|e| {
        SyncError::Corrupt(format!("the batch is not valid JSON at line {}, column {}: {e}", e.line(), e.column()))
    })?;
    check(batch)
}

fn check(batch: Batch) -> Result<CheckedBatch, SyncError> {
    if batch.format != BATCH_FORMAT {
        return Err(SyncError::Format { found: batch.format, expected: BATCH_FORMAT });
    }
    let direction = Direction::parse(&batch.direction)
        .ok_or_else(|| SyncError::Corrupt(format!("unknown direction {:?}", batch.direction)))?;
    let mut last_index = None;
    for t in &batch.tables {
        let bad = |why: String| SyncError::Corrupt(format!("table {}: {why}", t.table));
        let index = schema::TABLES
            .iter()
            .position(|s| s.name == t.table)
            .ok_or_else(|| bad("is not a replicated table".to_owned()))?;
        let spec = &schema::TABLES[index];
        if last_index.is_some_and(|last| index <= last) {
            return Err(bad("is out of order or repeated".to_owned()));
        }
        last_index = Some(index);
        if direction == Direction::Down && !spec.down {
            return Err(bad("does not flow down from a hub".to_owned()));
        }
        if !t.columns.iter().map(String::as_str).eq(spec.columns.iter().map(|(c, _)| *c)) {
            return Err(SyncError::SchemaMismatch { table: t.table.clone() });
        }
        if t.upto < t.after {
            return Err(bad(format!("ends at {} before it starts at {}", t.upto, t.after)));
        }
        for (row_idx, row) in t.rows.iter().enumerate() {
            if row.len() != spec.columns.len() {
                return Err(bad(format!(
                    "row {} has {} values for {} columns",
                    row_idx + 1,
                    row.len(),
                    spec.columns.len()
                )));
            }
            for (value, (name, ty)) in row.iter().zip(spec.columns) {
                if !value.fits(*ty) {
                    return Err(bad(format!("row {}: column {name} holds {value:?}", row_idx + 1)));
                }
            }
        }
        let key_types: Vec<ColType> = spec.key_indices().into_iter().map(|i| spec.columns[i].1).collect();
        for (key_idx, key) in t.deleted.iter().enumerate() {
            if key.len() != key_types.len() || key.iter().zip(&key_types).any(|(v, ty)| !v.fits(*ty)) {
                return Err(bad(format!("deleted key {} does not match the table's key", key_idx + 1)));
            }
        }
    }
    Ok(CheckedBatch { batch, direction })
}

/// Gathers a batch table by table up to a size limit (JSON bytes before deflating), so that
/// changes past the limit wait for the next batch.
#[derive(Debug)]
pub struct BatchBuilder {
    batch: Batch,
    limit: usize,
    used: usize,
    full: bool,
}

impl BatchBuilder {
    /// A builder for a batch from `from` to `to`, holding about `limit` bytes of JSON.
    pub fn new(from: &str, to: &str, direction: Direction, created_at: i64, limit: usize) -> Self {
        let batch = Batch {
            format: BATCH_FORMAT.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            direction: direction.as_str().to_owned(),
            created_at,
            tables: Vec::new(),
        };
        Self { batch, limit, used: 256, full: false }
    }

    /// Starts a table whose receiver holds the changes up to `after`.
    pub fn begin_table(&mut self, table: &Table, after: u64) {
        self.batch.tables.push(TableChanges {
            table: table.name.to_owned(),
            after,
            upto: after,
            columns: table.columns.iter().map(|(c, _)| (*c).to_owned()).collect(),
            rows: Vec::new(),
            deleted: Vec::new(),
        });
        self.used += 64 + table.columns.iter().map(|(c, _)| c.len() + 3).sum::<usize>();
    }

    /// Adds a row written at sequence `seq` to the current table. Returns false, adding nothing,
    /// when the batch is full (a self-referencing table is never split, so it always fits; so
    /// does the first row of a batch, so every batch makes progress).
    pub fn push_row(&mut self, table: &Table, seq: u64, row: Row) -> bool {
        let size = row_size(&row);
        if !self.fits(table, size) {
            return false;
        }
        let current = self.batch.tables.last_mut().expect("begin_table comes first");
        current.rows.push(row);
        current.upto = current.upto.max(seq);
        self.used += size;
        true
    }

    /// Adds a deletion at sequence `seq`, like [`Self::push_row`].
    pub fn push_delete(&mut self, table: &Table, seq: u64, key: Row) -> bool {
        let size = row_size(&key);
        if !self.fits(table, size) {
            return false;
        }
        let current = self.batch.tables.last_mut().expect("begin_table comes first");
        current.deleted.push(key);
        current.upto = current.upto.max(seq);
        self.used += size;
        true
    }

    /// Marks the current table as holding every change up to `seq` (changes the sender scanned
    /// but does not send in this direction still count as passed).
    pub fn reach(&mut self, seq: u64) {
        let current = self.batch.tables.last_mut().expect("begin_table comes first");
        current.upto = current.upto.max(seq);
    }

    fn fits(&mut self, table: &Table, size: usize) -> bool {
        if self.full {
            return false;
        }
        let empty = self.batch.tables.iter().all(|t| t.rows.is_empty() && t.deleted.is_empty());
        if table.self_referencing || empty || self.used + size <= self.limit {
            return true;
        }
        self.full = true;
        false
    }

    /// Whether a row was refused for lack of room.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// The batch, without tables that carry nothing and move no watermark.
    pub fn finish(mut self) -> Batch {
        self.batch.tables.retain(|t| !t.rows.is_empty() || !t.deleted.is_empty() || t.upto > t.after);
        self.batch
    }
}

fn row_size(row: &Row) -> usize {
    row.iter()
        .map(|v| match v {
            Value::Null => 5,
            Value::Int(_) | Value::Real(_) => 14,
            Value::Text(s) => s.len() + 3,
        })
        .sum::<usize>()
        + 3
}
