//! This server's identity, the peers it trusts, and the transfers it made or received.

use base::{PersonId, Timestamp};

use crate::rows::{parse_id, ts};
use crate::{Connection, Result};

/// This server's stored identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub name: String,
    /// The secret half of the signing key, base64. Never logged.
    pub signing_key: String,
    pub created_at: Timestamp,
}

/// The identity, if the server has one yet.
pub async fn get(conn: &mut impl Connection) -> Result<Option<Instance>> {
    let row: Option<(String, String, i64)> = on!(conn, c => sqlx::query_as("SELECT name, signing_key, created_at FROM instance WHERE id = 1").fetch_optional(&mut *c).await)?;
    Ok(row.map(|(name, signing_key, at)| Instance { name, signing_key, created_at: ts(at) }))
}

/// Stores the identity unless one exists; returns the one in force.
pub async fn create_if_missing(conn: &mut impl Connection, new: &Instance) -> Result<Instance> {
    exec!(conn, c => sqlx::query("INSERT INTO instance (id, name, signing_key, created_at) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING")
        .bind(&new.name).bind(&new.signing_key).bind(new.created_at.millis()).execute(&mut *c).await)?;
    Ok(get(conn).await?.unwrap_or_else(|| new.clone()))
}

/// Renames the server (its key stays).
pub async fn rename(conn: &mut impl Connection, name: &str) -> Result<()> {
    exec!(conn, c => sqlx::query("UPDATE instance SET name = $1 WHERE id = 1").bind(name).execute(&mut *c).await)?;
    Ok(())
}

/// A trusted peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// The peer's public key, base64.
    pub public_key: String,
    pub name: String,
    pub added_at: Timestamp,
    pub added_by: String,
}

/// Trusts a peer's key (again, with a new name, if already trusted).
pub async fn trust_peer(conn: &mut impl Connection, p: &Peer) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO trusted_peers (public_key, name, added_at, added_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (public_key) DO UPDATE SET name = excluded.name")
        .bind(&p.public_key).bind(&p.name).bind(p.added_at.millis()).bind(&p.added_by).execute(&mut *c).await)?;
    Ok(())
}

/// The trusted peer with this key, if any.
pub async fn peer(conn: &mut impl Connection, public_key: &str) -> Result<Option<Peer>> {
    let row: Option<(String, String, i64, String)> = on!(conn, c => sqlx::query_as(
        "SELECT public_key, name, added_at, added_by FROM trusted_peers WHERE public_key = $1").bind(public_key).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(public_key, name, at, added_by)| Peer { public_key, name, added_at: ts(at), added_by }))
}

/// Every trusted peer.
pub async fn peers(conn: &mut impl Connection) -> Result<Vec<Peer>> {
    let rows: Vec<(String, String, i64, String)> = on!(conn, c => sqlx::query_as(
        "SELECT public_key, name, added_at, added_by FROM trusted_peers ORDER BY name").fetch_all(&mut *c).await)?;
    Ok(rows
        .into_iter()
        .map(|(public_key, name, at, added_by)| Peer { public_key, name, added_at: ts(at), added_by })
        .collect())
}

/// Whether a transfer went out or came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Out,
    In,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
        }
    }
}

/// A transfer made or received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: String,
    pub direction: Direction,
    pub student: PersonId,
    /// The other school, as its bundle or the operator named it.
    pub counterpart: String,
    pub bundle_sha256: String,
    pub at: Timestamp,
    pub by: String,
    /// For transfers in: the student's earlier record as the sending school signed it (JSON).
    pub payload: Option<String>,
}

/// Whether a bundle with this digest was already received.
pub async fn received(conn: &mut impl Connection, bundle_sha256: &str) -> Result<bool> {
    let row: Option<(String,)> = on!(conn, c => sqlx::query_as("SELECT id FROM transfers WHERE direction = 'in' AND bundle_sha256 = $1")
        .bind(bundle_sha256).fetch_optional(&mut *c).await)?;
    Ok(row.is_some())
}

/// Records a transfer. Receiving the same bundle twice is a `Conflict`.
pub async fn record_transfer(conn: &mut impl Connection, t: &Transfer) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO transfers (id, direction, student_id, counterpart, bundle_sha256, at, by_actor, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&t.id).bind(t.direction.as_str()).bind(t.student.as_str()).bind(&t.counterpart).bind(&t.bundle_sha256)
        .bind(t.at.millis()).bind(&t.by).bind(&t.payload).execute(&mut *c).await)?;
    Ok(())
}

/// The transfers of a student, oldest first.
pub async fn transfers_of(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<Transfer>> {
    type TransferRow = (String, String, String, String, String, i64, String, Option<String>);
    let rows: Vec<TransferRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, direction, student_id, counterpart, bundle_sha256, at, by_actor, payload FROM transfers WHERE student_id = $1 ORDER BY at")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter()
        .map(|(id, d, s, counterpart, bundle_sha256, at, by, payload)| {
            Ok(Transfer {
                id,
                direction: if d == "in" { Direction::In } else { Direction::Out },
                student: parse_id!(PersonId, s)?,
                counterpart,
                bundle_sha256,
                at: ts(at),
                by,
                payload,
            })
        })
        .collect()
}
