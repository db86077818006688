//! Sign-in sessions and API tokens, stored only as hashes of their secrets.

use base::{PersonId, RecordId, Timestamp};

use crate::rows::{parse_id, ts};
use crate::{Connection, Result};

/// A live sign-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSession {
    pub person: PersonId,
    /// The synchroniser token that state-changing form posts must echo.
    pub csrf_token: String,
    pub expires_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// The language the person chose for the pages (`account_settings`), if any.
    pub language: Option<String>,
}

/// Stores a new session under the hash of its token.
pub async fn create_session(
    conn: &mut impl Connection,
    token_hash: &str,
    person: &PersonId,
    csrf_token: &str,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO login_sessions (token_hash, person_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)")
        .bind(token_hash).bind(person.as_str()).bind(csrf_token).bind(now.millis()).bind(expires_at.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// The unexpired session with this token hash, whose person is still live and enabled.
pub async fn session(conn: &mut impl Connection, token_hash: &str, now: Timestamp) -> Result<Option<LoginSession>> {
    let row: Option<(String, String, i64, i64, Option<String>)> = on!(conn, c => sqlx::query_as(
        "SELECT s.person_id, s.csrf_token, s.expires_at, s.last_seen_at, a.language FROM login_sessions s \
         JOIN people p ON p.id = s.person_id LEFT JOIN account_settings a ON a.person_id = s.person_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND p.deleted_at IS NULL AND p.enabled = TRUE")
        .bind(token_hash).bind(now.millis()).fetch_optional(&mut *c).await)?;
    row.map(|(person, csrf_token, expires, seen, language)| {
        Ok(LoginSession {
            person: parse_id!(PersonId, person)?,
            csrf_token,
            expires_at: ts(expires),
            last_seen_at: ts(seen),
            language,
        })
    })
    .transpose()
}

/// Keeps the language a person chose for the pages (replacing an earlier choice).
pub async fn set_language(conn: &mut impl Connection, person: &PersonId, language: &str, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO account_settings (person_id, language, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at")
        .bind(person.as_str()).bind(language).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// The language a person chose for the pages, if any.
pub async fn language(conn: &mut impl Connection, person: &PersonId) -> Result<Option<String>> {
    let row: Option<(String,)> = on!(conn, c => sqlx::query_as("SELECT language FROM account_settings WHERE person_id = $1")
        .bind(person.as_str()).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(l,)| l))
}

/// Slides a session's expiry forward.
pub async fn touch_session(
    conn: &mut impl Connection,
    token_hash: &str,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query("UPDATE login_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now.millis()).bind(expires_at.millis()).bind(token_hash).execute(&mut *c).await)?;
    Ok(())
}

/// Ends one session.
pub async fn delete_session(conn: &mut impl Connection, token_hash: &str) -> Result<()> {
    exec!(conn, c => sqlx::query("DELETE FROM login_sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *c).await)?;
    Ok(())
}

/// Ends every session of a person (after a password change, say), returning how many.
pub async fn delete_sessions_of(conn: &mut impl Connection, person: &PersonId) -> Result<u64> {
    let done = exec!(conn, c => sqlx::query("DELETE FROM login_sessions WHERE person_id = $1").bind(person.as_str()).execute(&mut *c).await)?;
    Ok(done)
}

/// Removes expired sessions, returning how many.
pub async fn purge_expired_sessions(conn: &mut impl Connection, now: Timestamp) -> Result<u64> {
    let done = exec!(conn, c => sqlx::query("DELETE FROM login_sessions WHERE expires_at <= $1").bind(now.millis()).execute(&mut *c).await)?;
    Ok(done)
}

/// An API token's public facts (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: RecordId,
    pub person: PersonId,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

type TokenTuple = (String, String, String, i64, Option<i64>, Option<i64>, Option<i64>);

fn token_from(t: TokenTuple) -> Result<ApiToken> {
    Ok(ApiToken {
        id: parse_id!(RecordId, t.0)?,
        person: parse_id!(PersonId, t.1)?,
        name: t.2,
        created_at: ts(t.3),
        expires_at: t.4.map(ts),
        last_used_at: t.5.map(ts),
        revoked_at: t.6.map(ts),
    })
}

/// Stores a new token under the hash of its secret.
pub async fn create_token(conn: &mut impl Connection, t: &ApiToken, token_hash: &str) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO api_tokens (id, person_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(t.id.as_str()).bind(t.person.as_str()).bind(&t.name).bind(token_hash).bind(t.created_at.millis())
        .bind(t.expires_at.map(Timestamp::millis)).execute(&mut *c).await)?;
    Ok(())
}

/// The live, unrevoked, unexpired token with this secret hash.
pub async fn token_by_hash(conn: &mut impl Connection, token_hash: &str, now: Timestamp) -> Result<Option<ApiToken>> {
    let row: Option<TokenTuple> = on!(conn, c => sqlx::query_as(
        "SELECT t.id, t.person_id, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at FROM api_tokens t \
         JOIN people p ON p.id = t.person_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
         AND (t.expires_at IS NULL OR t.expires_at > $2) AND p.deleted_at IS NULL AND p.enabled = TRUE")
        .bind(token_hash).bind(now.millis()).fetch_optional(&mut *c).await)?;
    row.map(token_from).transpose()
}

/// Notes that a token was used (callers do this at most once an hour per token).
pub async fn mark_token_used(conn: &mut impl Connection, id: &RecordId, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now.millis()).bind(id.as_str()).execute(&mut *c).await)?;
    Ok(())
}

/// A person's tokens, newest first, revoked ones included.
pub async fn tokens_of(conn: &mut impl Connection, person: &PersonId) -> Result<Vec<ApiToken>> {
    let rows: Vec<TokenTuple> = on!(conn, c => sqlx::query_as(
        "SELECT id, person_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC, id")
        .bind(person.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(token_from).collect()
}

/// Revokes a token of `person`; false if there was no such live token.
pub async fn revoke_token(
    conn: &mut impl Connection,
    id: &RecordId,
    person: &PersonId,
    now: Timestamp,
) -> Result<bool> {
    let done = exec!(conn, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL")
        .bind(now.millis()).bind(id.as_str()).bind(person.as_str()).execute(&mut *c).await)?;
    Ok(done == 1)
}
