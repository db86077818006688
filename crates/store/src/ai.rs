//! Machine-written texts: drafts with their model and request, edits, and teachers' approvals.

use base::Timestamp;

use crate::rows::ts;
use crate::{Connection, Result};

/// A stored machine-written text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiText {
    pub id: String,
    /// `lesson-plan`, `feedback`, `rewrite` or `storybook`.
    pub kind: String,
    /// `zh-CN` or `en`.
    pub language: String,
    /// The audit name of whoever asked.
    pub requested_by: String,
    pub class_id: Option<String>,
    pub student_id: Option<String>,
    /// The request, JSON in the app's format.
    pub request: String,
    pub body: String,
    pub model: String,
    /// `local` or `remote`.
    pub endpoint: String,
    pub generated_at: Timestamp,
    pub edited: bool,
    /// Set only while `body` is exactly what the teacher approved.
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    bool,
    Option<String>,
    Option<i64>,
    i64,
);

const COLUMNS: &str = "id, kind, language, requested_by, class_id, student_id, request, body, model, endpoint, \
                       generated_at, edited, approved_by, approved_at, updated_at";

fn from_row(r: Row) -> AiText {
    AiText {
        id: r.0,
        kind: r.1,
        language: r.2,
        requested_by: r.3,
        class_id: r.4,
        student_id: r.5,
        request: r.6,
        body: r.7,
        model: r.8,
        endpoint: r.9,
        generated_at: ts(r.10),
        edited: r.11,
        approved_by: r.12,
        approved_at: r.13.map(ts),
        updated_at: ts(r.14),
    }
}

/// Stores a new text.
pub async fn insert(conn: &mut impl Connection, t: &AiText) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO ai_texts (id, kind, language, requested_by, class_id, student_id, request, body, model, endpoint, \
         generated_at, edited, approved_by, approved_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")
        .bind(&t.id).bind(&t.kind).bind(&t.language).bind(&t.requested_by).bind(&t.class_id).bind(&t.student_id)
        .bind(&t.request).bind(&t.body).bind(&t.model).bind(&t.endpoint).bind(t.generated_at.millis()).bind(t.edited)
        .bind(&t.approved_by).bind(t.approved_at.map(Timestamp::millis)).bind(t.updated_at.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// A text by id.
pub async fn get(conn: &mut impl Connection, id: &str) -> Result<Option<AiText>> {
    let sql = format!("SELECT {COLUMNS} FROM ai_texts WHERE id = $1");
    let row: Option<Row> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?;
    Ok(row.map(from_row))
}

/// Replaces a text's body, edit flag and approval (an edit clears the approval; an approval sets it).
pub async fn update(conn: &mut impl Connection, t: &AiText) -> Result<u64> {
    Ok(exec!(conn, c => sqlx::query(
        "UPDATE ai_texts SET body = $2, edited = $3, approved_by = $4, approved_at = $5, updated_at = $6 WHERE id = $1")
        .bind(&t.id).bind(&t.body).bind(t.edited).bind(&t.approved_by).bind(t.approved_at.map(Timestamp::millis))
        .bind(t.updated_at.millis())
        .execute(&mut *c).await)?)
}

/// The newest texts someone asked for, newest first.
pub async fn requested_by(conn: &mut impl Connection, requested_by: &str, limit: u32) -> Result<Vec<AiText>> {
    let sql = format!("SELECT {COLUMNS} FROM ai_texts WHERE requested_by = $1 ORDER BY generated_at DESC, id LIMIT $2");
    let rows: Vec<Row> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(requested_by).bind(i64::from(limit)).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(from_row).collect())
}
