//! Storing the audit chain: appending under the head lock, reading it back for verification.

use audit::{ChainHash, Entry, Head, NewEntry};
use base::Timestamp;

use crate::rows::{corrupt, ts};
use crate::{Connection, Db, Result, Tx};

fn hash(s: &str) -> Result<ChainHash> {
    ChainHash::from_hex(s).ok_or_else(|| corrupt("audit hash", s))
}

/// The stored head of the chain.
pub async fn head(conn: &mut impl Connection) -> Result<Head> {
    let (seq, h): (i64, String) =
        on!(conn, c => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *c).await)?;
    Ok(Head { seq, hash: hash(&h)? })
}

/// Appends entries to the chain inside `tx`, returning the new head. The head row is locked
/// first, so concurrent appends (from the server and a CLI command at once) queue up in order.
pub async fn append(tx: &mut Tx, entries: Vec<NewEntry>) -> Result<Head> {
    if entries.is_empty() {
        return head(tx).await;
    }
    let (seq, h): (i64, String) = match tx.db() {
        // BEGIN IMMEDIATE already holds SQLite's write lock.
        Db::Sqlite(c) => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *c).await?,
        Db::Postgres(c) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE").fetch_one(&mut *c).await?
        }
    };
    let mut head = Head { seq, hash: hash(&h)? };
    let mut sealed = Vec::with_capacity(entries.len());
    for content in entries {
        let (entry, next) = head.append(content);
        sealed.push(entry);
        head = next;
    }
    // Nine parameters per entry; 100 entries stay well inside both databases' limits.
    for chunk in sealed.chunks(100) {
        let mut sql = String::from(
            "INSERT INTO audit_log (seq, at, actor, action, subject, basis, detail, prev_hash, hash) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 9;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        exec!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in chunk {
                q = q.bind(e.seq).bind(e.content.at.millis()).bind(&e.content.actor).bind(&e.content.action)
                    .bind(&e.content.subject).bind(&e.content.basis).bind(&e.content.detail)
                    .bind(e.prev.to_hex()).bind(e.hash.to_hex());
            }
            q.execute(&mut *c).await
        })?;
    }
    exec!(tx, c => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(head.seq).bind(head.hash.to_hex()).execute(&mut *c).await)?;
    Ok(head)
}

type EntryTuple = (i64, i64, String, String, String, String, String, String, String);

fn entry(t: EntryTuple) -> Result<Entry> {
    Ok(Entry {
        seq: t.0,
        content: NewEntry { at: ts(t.1), actor: t.2, action: t.3, subject: t.4, basis: t.5, detail: t.6 },
        prev: hash(&t.7)?,
        hash: hash(&t.8)?,
    })
}

/// Up to `limit` entries with `seq > after`, in order.
pub async fn entries_after(conn: &mut impl Connection, after: i64, limit: u32) -> Result<Vec<Entry>> {
    let rows: Vec<EntryTuple> = on!(conn, c => sqlx::query_as(
        "SELECT seq, at, actor, action, subject, basis, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(after).bind(i64::from(limit)).fetch_all(&mut *c).await)?;
    rows.into_iter().map(entry).collect()
}

/// Up to `limit` entries about `subject`, newest first, older than `before` if given.
pub async fn entries_about(
    conn: &mut impl Connection,
    subject: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Entry>> {
    let rows: Vec<EntryTuple> = on!(conn, c => sqlx::query_as(
        "SELECT seq, at, actor, action, subject, basis, detail, prev_hash, hash FROM audit_log WHERE subject = $1 AND seq < $2 \
         ORDER BY seq DESC LIMIT $3")
        .bind(subject).bind(before.unwrap_or(i64::MAX)).bind(i64::from(limit)).fetch_all(&mut *c).await)?;
    rows.into_iter().map(entry).collect()
}

/// Up to `limit` entries, newest first, older than `before` if given.
pub async fn recent(conn: &mut impl Connection, before: Option<i64>, limit: u32) -> Result<Vec<Entry>> {
    let rows: Vec<EntryTuple> = on!(conn, c => sqlx::query_as(
        "SELECT seq, at, actor, action, subject, basis, detail, prev_hash, hash FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2")
        .bind(before.unwrap_or(i64::MAX)).bind(i64::from(limit)).fetch_all(&mut *c).await)?;
    rows.into_iter().map(entry).collect()
}

/// Counts entries made since `since` by `action`, for the operator's dashboard.
pub async fn count_since(conn: &mut impl Connection, action: &str, since: Timestamp) -> Result<i64> {
    let (n,): (i64,) = on!(conn, c => sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND at >= $2")
        .bind(action).bind(since.millis()).fetch_one(&mut *c).await)?;
    Ok(n)
}
