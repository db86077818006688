//! Replication bookkeeping: reading changed rows after a watermark, applying a peer's rows, watermarks, usage.

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sync::batch::{Row, Value};
use sync::schema::{ColType, Table};

use crate::{Connection, Db, Error, ReadConn, Result};

/// A change read from this server's tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The row as it is now.
    Row(Row),
    /// The key of a row deleted.
    Deleted(Row),
}

/// Starts a read-only snapshot on a read connection, so that a batch read table by table sees
/// one consistent state (a child row never arrives without the parent it references).
pub async fn begin_snapshot(conn: &mut ReadConn) -> Result<()> {
    match conn.db() {
        Db::Sqlite(c) => sqlx::query("BEGIN").execute(&mut *c).await.map(|_| ())?,
        Db::Postgres(c) => {
            sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *c).await.map(|_| ())?
        }
    }
    Ok(())
}

/// Ends the snapshot.
pub async fn end_snapshot(conn: &mut ReadConn) -> Result<()> {
    exec!(conn, c => sqlx::query("COMMIT").execute(&mut *c).await)?;
    Ok(())
}

macro_rules! decode_row {
    ($row:expr, $table:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        let mut values = Vec::with_capacity($table.columns.len());
        for (i, (name, ty)) in $table.columns.iter().enumerate() {
            let v = match ty {
                ColType::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::Text),
                ColType::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::Int),
                ColType::Real => row.try_get::<Option<f64>, _>(i)?.map_or(Value::Null, Value::Real),
                ColType::Bool => row.try_get::<Option<bool>, _>(i)?.map_or(Value::Null, |b| Value::Int(i64::from(b))),
                ColType::Blob => {
                    row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Value::Null, |b| Value::Text(STANDARD.encode(b)))
                }
            };
            let _ = name;
            values.push(v);
        }
        let seq: Option<i64> = row.try_get($table.columns.len())?;
        (seq.unwrap_or(0), values)
    }};
}

fn column_list(table: &Table) -> String {
    table.columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

/// Up to `limit` changes of `table` after sequence number `after`, oldest first: rows written
/// (restricted to one school by the table's down filter when `school` is given) and, when
/// `with_deletions`, tombstones.
pub async fn changes(
    conn: &mut impl Connection,
    table: &Table,
    after: u64,
    school: Option<&str>,
    with_deletions: bool,
    limit: usize,
) -> Result<Vec<(u64, Change)>> {
    let after = i64::try_from(after).map_err(|_| Error::Corrupt("a watermark past i64".into()))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let filter = match (school, table.down_filter) {
        (Some(_), Some(f)) => format!(" AND ({})", f.replace("$1", "$3")),
        _ => String::new(),
    };
    let sql = format!(
        "SELECT {}, sync_seq FROM {} WHERE sync_seq > $1{filter} ORDER BY sync_seq LIMIT $2",
        column_list(table),
        table.name
    );
    let mut out: Vec<(u64, Change)> = Vec::new();
    on!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit);
        if let (Some(s), Some(_)) = (school, table.down_filter) {
            q = q.bind(s.to_owned());
        }
        for row in q.fetch_all(&mut *c).await? {
            let (seq, values) = decode_row!(&row, table);
            out.push((u64::try_from(seq).unwrap_or(0), Change::Row(values)));
        }
    });
    if with_deletions {
        let rows: Vec<(i64, String)> = on!(conn, c => sqlx::query_as(
            "SELECT seq, row_key FROM sync_tombstones WHERE tbl = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(table.name).bind(after).bind(limit).fetch_all(&mut *c).await)?;
        for (seq, key) in rows {
            let key: Row =
                serde_json::from_str(&key).map_err(|e| Error::Corrupt(format!("tombstone key {key:?}: {e}")))?;
            out.push((u64::try_from(seq).unwrap_or(0), Change::Deleted(key)));
        }
        out.sort_by_key(|(seq, _)| *seq);
        out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(out)
}

fn key_text(key: &[Value]) -> String {
    serde_json::to_string(key).expect("values are plain data")
}

/// The local rows with these keys, by their key's JSON text.
pub async fn rows_by_key(conn: &mut impl Connection, table: &Table, keys: &[Row]) -> Result<HashMap<String, Row>> {
    let key_idx = table.key_indices();
    let width = key_idx.len();
    let key_types: Vec<ColType> = key_idx.iter().map(|&i| table.columns[i].1).collect();
    let mut out = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks((MAX_PARAMS / width).min(1000)) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|r| {
                format!("({})", (0..width).map(|k| format!("${}", r * width + k + 1)).collect::<Vec<_>>().join(", "))
            })
            .collect();
        // A one-column key is looked up with a plain IN list, which SQLite answers from the primary
        // key index; a row-value IN (VALUES ...) would make it scan the table.
        let condition = if width == 1 {
            format!(
                "{} IN ({})",
                table.key[0],
                (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
            )
        } else {
            format!("({}) IN (VALUES {})", table.key.join(", "), tuples.join(", "))
        };
        let sql = format!("SELECT {}, sync_seq FROM {} WHERE {condition}", column_list(table), table.name);
        on!(conn, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for key in chunk {
                for (v, ty) in key.iter().zip(&key_types) {
                    q = bind!(q, v, *ty);
                }
            }
            for row in q.fetch_all(&mut *c).await? {
                let (_, values) = decode_row!(&row, table);
                let key: Row = key_idx.iter().map(|&i| values[i].clone()).collect();
                out.insert(key_text(&key), values);
            }
        });
    }
    Ok(out)
}

/// The JSON text of a row's key, as [`rows_by_key`] indexes it.
pub fn key_of(table: &Table, row: &[Value]) -> String {
    key_text(&sync::rules::key_of(table, row))
}

const MAX_PARAMS: usize = 30_000;

macro_rules! bind {
    ($q:expr, $v:expr, $ty:expr) => {{
        let q = $q;
        match ($v, $ty) {
            (Value::Null, ColType::Text) => q.bind(None::<String>),
            (Value::Null, ColType::Int) => q.bind(None::<i64>),
            (Value::Null, ColType::Real) => q.bind(None::<f64>),
            (Value::Null, ColType::Bool) => q.bind(None::<bool>),
            (Value::Null, ColType::Blob) => q.bind(None::<Vec<u8>>),
            (Value::Int(i), ColType::Bool) => q.bind(*i != 0),
            (Value::Int(i), ColType::Real) => q.bind(*i as f64),
            (Value::Int(i), _) => q.bind(*i),
            (Value::Real(f), _) => q.bind(*f),
            (Value::Text(s), ColType::Blob) => {
                q.bind(STANDARD.decode(s).map_err(|_| Error::Corrupt("a blob in a batch is not base64".to_owned()))?)
            }
            (Value::Text(s), _) => q.bind(s.clone()),
        }
    }};
}
use bind;

/// Inserts rows, replacing the ones with the same key (the caller has resolved conflicts).
/// Columns that do not travel keep their local values; triggers stamp this server's sequence.
pub async fn upsert(conn: &mut impl Connection, table: &Table, rows: &[Row]) -> Result<()> {
    let width = table.columns.len();
    let updates: Vec<String> = table
        .columns
        .iter()
        .filter(|(c, _)| !table.key.contains(c))
        .map(|(c, _)| format!("{c} = excluded.{c}"))
        .collect();
    let on_conflict = if updates.is_empty() {
        format!("ON CONFLICT ({}) DO NOTHING", table.key.join(", "))
    } else {
        format!("ON CONFLICT ({}) DO UPDATE SET {}", table.key.join(", "), updates.join(", "))
    };
    for chunk in rows.chunks((MAX_PARAMS / width).clamp(1, 1000)) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|r| {
                format!("({})", (0..width).map(|k| format!("${}", r * width + k + 1)).collect::<Vec<_>>().join(","))
            })
            .collect();
        let sql =
            format!("INSERT INTO {} ({}) VALUES {} {on_conflict}", table.name, column_list(table), tuples.join(","));
        exec!(conn, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                for (v, (_, ty)) in row.iter().zip(table.columns) {
                    q = bind!(q, v, *ty);
                }
            }
            q.execute(&mut *c).await
        })?;
    }
    Ok(())
}

/// Deletes rows by key.
pub async fn delete(conn: &mut impl Connection, table: &Table, keys: &[Row]) -> Result<()> {
    let key_types: Vec<ColType> = table.key_indices().into_iter().map(|i| table.columns[i].1).collect();
    for key in keys {
        let cond: Vec<String> = table.key.iter().enumerate().map(|(i, k)| format!("{k} = ${}", i + 1)).collect();
        let sql = format!("DELETE FROM {} WHERE {}", table.name, cond.join(" AND "));
        exec!(conn, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (v, ty) in key.iter().zip(&key_types) {
                q = bind!(q, v, *ty);
            }
            q.execute(&mut *c).await
        })?;
    }
    Ok(())
}

/// Which watermarks: what this server applied of a peer's changes (`In`), or what a peer
/// acknowledged of this server's (`Out`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    In,
    Out,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::In => "in",
            Side::Out => "out",
        }
    }
}

/// The watermarks per table for a peer, direction and side (tables never synced are absent: 0).
pub async fn watermarks(
    conn: &mut impl Connection,
    peer_key: &str,
    direction: &str,
    side: Side,
) -> Result<BTreeMap<String, u64>> {
    let rows: Vec<(String, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT tbl, seq FROM sync_watermarks WHERE peer_key = $1 AND direction = $2 AND side = $3")
        .bind(peer_key).bind(direction).bind(side.as_str()).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(t, s)| (t, u64::try_from(s).unwrap_or(0))).collect())
}

/// Raises a watermark (never lowers it).
pub async fn raise_watermark(
    conn: &mut impl Connection,
    peer_key: &str,
    direction: &str,
    side: Side,
    table: &str,
    seq: u64,
) -> Result<()> {
    let seq = i64::try_from(seq).map_err(|_| Error::Corrupt("a watermark past i64".into()))?;
    exec!(conn, c => sqlx::query(
        "INSERT INTO sync_watermarks (peer_key, direction, side, tbl, seq) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (peer_key, direction, side, tbl) DO UPDATE SET seq = excluded.seq WHERE sync_watermarks.seq < excluded.seq")
        .bind(peer_key).bind(direction).bind(side.as_str()).bind(table).bind(seq).execute(&mut *c).await)?;
    Ok(())
}

/// Bytes sent to a peer in a month.
pub async fn usage(conn: &mut impl Connection, peer_key: &str, month: &str) -> Result<u64> {
    let row: Option<(i64,)> = on!(conn, c => sqlx::query_as("SELECT bytes FROM sync_usage WHERE peer_key = $1 AND month = $2")
        .bind(peer_key).bind(month).fetch_optional(&mut *c).await)?;
    Ok(row.map_or(0, |(b,)| u64::try_from(b).unwrap_or(0)))
}

/// Counts bytes sent to a peer.
pub async fn add_usage(conn: &mut impl Connection, peer_key: &str, month: &str, bytes: u64) -> Result<()> {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    exec!(conn, c => sqlx::query(
        "INSERT INTO sync_usage (peer_key, month, bytes) VALUES ($1, $2, $3) \
         ON CONFLICT (peer_key, month) DO UPDATE SET bytes = sync_usage.bytes + excluded.bytes")
        .bind(peer_key).bind(month).bind(bytes).execute(&mut *c).await)?;
    Ok(())
}

/// A batch applied here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// SHA-256 of the sealed batch, hex.
    pub digest: String,
    pub peer_key: String,
    pub direction: String,
    pub n_changes: u64,
    pub n_bytes: u64,
    pub applied_at: base::Timestamp,
}

/// Records an applied batch. The same batch twice is a `Conflict`.
pub async fn record_applied(conn: &mut impl Connection, a: &Applied) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO sync_applied (digest, peer_key, direction, n_changes, n_bytes, applied_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&a.digest).bind(&a.peer_key).bind(&a.direction).bind(i64::try_from(a.n_changes).unwrap_or(i64::MAX))
        .bind(i64::try_from(a.n_bytes).unwrap_or(i64::MAX)).bind(a.applied_at.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// Whether a batch with this digest was applied here.
pub async fn was_applied(conn: &mut impl Connection, digest: &str) -> Result<bool> {
    let row: Option<(String,)> = on!(conn, c => sqlx::query_as("SELECT digest FROM sync_applied WHERE digest = $1")
        .bind(digest).fetch_optional(&mut *c).await)?;
    Ok(row.is_some())
}

/// Bytes the database uses (SQLite: pages in use; PostgreSQL: the database's size on disk).
pub async fn database_bytes(conn: &mut impl Connection) -> Result<u64> {
    let bytes: i64 = match conn.db() {
        Db::Sqlite(c) => {
            let (pages,): (i64,) =
                sqlx::query_as("SELECT page_count - freelist_count FROM pragma_page_count(), pragma_freelist_count()")
                    .fetch_one(&mut *c)
                    .await?;
            let (size,): (i64,) = sqlx::query_as("SELECT page_size FROM pragma_page_size()").fetch_one(&mut *c).await?;
            pages * size
        }
        Db::Postgres(c) => {
            let (size,): (i64,) =
                sqlx::query_as("SELECT pg_database_size(current_database())").fetch_one(&mut *c).await?;
            size
        }
    };
    Ok(u64::try_from(bytes).unwrap_or(0))
}

/// Rows in a replicated table.
pub async fn count_rows(conn: &mut impl Connection, table: &Table) -> Result<u64> {
    let sql = format!("SELECT count(*) FROM {}", table.name);
    let (n,): (i64,) = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *c).await)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The database's size and the part of it that replication bookkeeping takes: the `sync_seq`
/// column of every replicated row, its indexes, tombstones, watermarks and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    pub database_bytes: u64,
    pub bookkeeping_bytes: u64,
}

/// Measures the [`Footprint`]. On SQLite from `dbstat` pages plus each row's stored sequence
/// number (its record-header byte and the integer's bytes); on PostgreSQL from relation sizes plus
/// eight bytes per row.
pub async fn footprint(conn: &mut impl Connection, tables: &[Table]) -> Result<Footprint> {
    let database_bytes = database_bytes(conn).await?;
    let mut bookkeeping: i64 = 0;
    match conn.db() {
        Db::Sqlite(c) => {
            let (pages,): (Option<i64>,) = sqlx::query_as(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'sync\\_%' ESCAPE '\\' OR name LIKE '%\\_sync' ESCAPE '\\'",
            )
            .fetch_one(&mut *c)
            .await?;
            bookkeeping += pages.unwrap_or(0);
            for t in tables {
                let sql = format!(
                    "SELECT coalesce(sum(CASE WHEN sync_seq IS NULL THEN 1 WHEN sync_seq BETWEEN 0 AND 1 THEN 1 \
                     WHEN sync_seq < 128 THEN 2 WHEN sync_seq < 32768 THEN 3 WHEN sync_seq < 8388608 THEN 4 \
                     WHEN sync_seq < 2147483648 THEN 5 WHEN sync_seq < 140737488355328 THEN 7 ELSE 9 END), 0) FROM {}",
                    t.name
                );
                let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *c).await?;
                bookkeeping += n;
            }
        }
        Db::Postgres(c) => {
            let (rel,): (Option<i64>,) = sqlx::query_as(
                "SELECT sum(pg_relation_size(oid))::BIGINT FROM pg_class \
                 WHERE relnamespace = 'public'::regnamespace AND (relname LIKE 'sync\\_%' OR relname LIKE '%\\_sync') AND relkind IN ('r', 'i')",
            )
            .fetch_one(&mut *c)
            .await?;
            bookkeeping += rel.unwrap_or(0);
            for t in tables {
                let sql = format!("SELECT count(*) FROM {}", t.name);
                let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *c).await?;
                bookkeeping += 8 * n;
            }
        }
    }
    Ok(Footprint { database_bytes, bookkeeping_bytes: u64::try_from(bookkeeping).unwrap_or(0) })
}
