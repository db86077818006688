//! Adaptive learning's storage: subjects and their fitted models, the item bank, learner-model
//! states, answers and teachers' plans. The blobs are the learning crate's own versioned formats.

use base::{PersonId, Timestamp};

use crate::rows::{parse_id, split_list, ts};
use crate::{Connection, Result};

/// A subject with its graph and fitted model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// The knowledge-point graph, TOML.
    pub graph: String,
    pub model: Vec<u8>,
    pub model_revision: i64,
}

/// Every subject without its blobs: (id, name_zh, name_en, model revision).
pub async fn subjects(conn: &mut impl Connection) -> Result<Vec<(String, String, String, i64)>> {
    let rows = on!(conn, c => sqlx::query_as("SELECT id, name_zh, name_en, model_revision FROM subjects ORDER BY id").fetch_all(&mut *c).await)?;
    Ok(rows)
}

/// A subject's model revision (cheap: used to tell whether a cached model is current).
pub async fn model_revision(conn: &mut impl Connection, subject: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = on!(conn, c => sqlx::query_as("SELECT model_revision FROM subjects WHERE id = $1").bind(subject).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(r,)| r))
}

/// A subject with its graph and model.
pub async fn subject(conn: &mut impl Connection, id: &str) -> Result<Option<Subject>> {
    let row: Option<(String, String, String, String, Vec<u8>, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT id, name_zh, name_en, graph, model, model_revision FROM subjects WHERE id = $1").bind(id).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(id, name_zh, name_en, graph, model, model_revision)| Subject {
        id,
        name_zh,
        name_en,
        graph,
        model,
        model_revision,
    }))
}

/// Adds a subject or replaces its graph and model.
pub async fn upsert_subject(conn: &mut impl Connection, s: &Subject, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO subjects (id, name_zh, name_en, graph, model, model_revision, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, graph = excluded.graph, \
         model = excluded.model, model_revision = excluded.model_revision, updated_at = excluded.updated_at")
        .bind(&s.id).bind(&s.name_zh).bind(&s.name_en).bind(&s.graph).bind(&s.model).bind(s.model_revision).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// An item of the bank.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredItem {
    pub id: String,
    pub subject: Option<String>,
    pub stem_zh: Option<String>,
    pub stem_en: Option<String>,
    /// The answer key, JSON in the app's item format.
    pub answer_key: String,
    pub kps: Vec<String>,
    pub difficulty: f64,
    pub source: String,
}

type ItemRow = (String, Option<String>, Option<String>, Option<String>, String, String, f64, String);

fn item_from(r: ItemRow) -> StoredItem {
    StoredItem {
        id: r.0,
        subject: r.1,
        stem_zh: r.2,
        stem_en: r.3,
        answer_key: r.4,
        kps: split_list(&r.5),
        difficulty: r.6,
        source: r.7,
    }
}

/// Adds items (or replaces them, by id).
pub async fn upsert_items(conn: &mut impl Connection, items: &[StoredItem], now: Timestamp) -> Result<()> {
    let rows: Vec<Vec<crate::roster::Value>> = items
        .iter()
        .map(|i| {
            vec![
                i.id.clone().into(),
                i.subject.clone().into(),
                i.stem_zh.clone().into(),
                i.stem_en.clone().into(),
                i.answer_key.clone().into(),
                crate::join_list(&i.kps).into(),
                crate::roster::Value::Real(Some(i.difficulty)),
                i.source.clone().into(),
                now.millis().into(),
            ]
        })
        .collect();
    crate::roster::upsert(conn, &ITEMS, &rows).await
}

const ITEMS: crate::roster::Upsert = crate::roster::Upsert {
    table: "items",
    columns: &["id", "subject_id", "stem_zh", "stem_en", "answer_key", "kps", "difficulty", "source", "created_at"],
    conflict: "id",
    update: &["subject_id", "stem_zh", "stem_en", "answer_key", "kps", "difficulty", "source"],
    revives: true,
};

/// A live item.
pub async fn item(conn: &mut impl Connection, id: &str) -> Result<Option<StoredItem>> {
    let row: Option<ItemRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, subject_id, stem_zh, stem_en, answer_key, kps, difficulty, source FROM items WHERE id = $1 AND deleted_at IS NULL")
        .bind(id).fetch_optional(&mut *c).await)?;
    Ok(row.map(item_from))
}

/// Live items by id (unknown ids left out).
pub async fn items_by_id(conn: &mut impl Connection, ids: &[String]) -> Result<Vec<StoredItem>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT id, subject_id, stem_zh, stem_en, answer_key, kps, difficulty, source FROM items WHERE deleted_at IS NULL AND id IN ({marks})"
        );
        let rows: Vec<ItemRow> = on!(conn, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        out.extend(rows.into_iter().map(item_from));
    }
    Ok(out)
}

/// The live items of a subject, by id.
pub async fn items_of_subject(conn: &mut impl Connection, subject: &str) -> Result<Vec<StoredItem>> {
    let rows: Vec<ItemRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, subject_id, stem_zh, stem_en, answer_key, kps, difficulty, source FROM items WHERE subject_id = $1 AND deleted_at IS NULL ORDER BY id")
        .bind(subject).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(item_from).collect())
}

/// A learner's model state in a subject, if they have one.
pub async fn learner_state(conn: &mut impl Connection, student: &PersonId, subject: &str) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = on!(conn, c => sqlx::query_as(
        "SELECT state FROM learner_states WHERE student_id = $1 AND subject_id = $2").bind(student.as_str()).bind(subject).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(s,)| s))
}

/// The states of several learners in a subject, as (student, state).
pub async fn learner_states(
    conn: &mut impl Connection,
    students: &[PersonId],
    subject: &str,
) -> Result<Vec<(PersonId, Vec<u8>)>> {
    let mut out = Vec::with_capacity(students.len());
    for chunk in students.chunks(500) {
        let marks = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
        let sql =
            format!("SELECT student_id, state FROM learner_states WHERE subject_id = $1 AND student_id IN ({marks})");
        let rows: Vec<(String, Vec<u8>)> = on!(conn, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject);
            for s in chunk {
                q = q.bind(s.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        for (s, state) in rows {
            out.push((parse_id!(PersonId, s)?, state));
        }
    }
    Ok(out)
}

/// Saves a learner's state.
pub async fn save_learner_state(
    conn: &mut impl Connection,
    student: &PersonId,
    subject: &str,
    state: &[u8],
    n_answers: i64,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO learner_states (student_id, subject_id, state, n_answers, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (student_id, subject_id) DO UPDATE SET state = excluded.state, n_answers = excluded.n_answers, updated_at = excluded.updated_at")
        .bind(student.as_str()).bind(subject).bind(state).bind(n_answers).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// Forgets a learner's model state in every subject (consent withdrawn), returning how many.
pub async fn delete_learner_states(conn: &mut impl Connection, student: &PersonId) -> Result<u64> {
    exec!(conn, c => sqlx::query("DELETE FROM learner_states WHERE student_id = $1").bind(student.as_str()).execute(&mut *c).await).map_err(Into::into)
}

/// One answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub id: String,
    pub student: PersonId,
    pub item: String,
    pub subject: Option<String>,
    pub response: String,
    pub correct: bool,
    pub predicted: Option<f64>,
    /// `practice`, or `assignment:<id>`.
    pub context: String,
    pub at: Timestamp,
}

/// Records answers.
pub async fn insert_answers(conn: &mut impl Connection, answers: &[Answer]) -> Result<()> {
    let rows: Vec<Vec<crate::roster::Value>> = answers
        .iter()
        .map(|a| {
            vec![
                a.id.clone().into(),
                a.student.as_str().into(),
                a.item.clone().into(),
                a.subject.clone().into(),
                a.response.clone().into(),
                a.correct.into(),
                crate::roster::Value::Real(a.predicted),
                a.context.clone().into(),
                a.at.millis().into(),
            ]
        })
        .collect();
    crate::roster::upsert(conn, &ANSWERS, &rows).await
}

const ANSWERS: crate::roster::Upsert = crate::roster::Upsert {
    table: "answers",
    columns: &[
        "id",
        "student_id",
        "item_id",
        "subject_id",
        "response",
        "correct",
        "predicted",
        "context",
        "answered_at",
    ],
    conflict: "id",
    update: &[],
    revives: false,
};

type AnswerRow = (String, String, String, Option<String>, String, bool, Option<f64>, String, i64);

fn answer_from(r: AnswerRow) -> Result<Answer> {
    Ok(Answer {
        id: r.0,
        student: parse_id!(PersonId, r.1)?,
        item: r.2,
        subject: r.3,
        response: r.4,
        correct: r.5,
        predicted: r.6,
        context: r.7,
        at: ts(r.8),
    })
}

/// A student's answers in a subject, oldest first (for replaying a state).
pub async fn answers_of(conn: &mut impl Connection, student: &PersonId, subject: &str) -> Result<Vec<Answer>> {
    let rows: Vec<AnswerRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, student_id, item_id, subject_id, response, correct, predicted, context, answered_at FROM answers \
         WHERE student_id = $1 AND subject_id = $2 ORDER BY answered_at, id")
        .bind(student.as_str()).bind(subject).fetch_all(&mut *c).await)?;
    rows.into_iter().map(answer_from).collect()
}

/// Every answer in a subject, by student then time (for refitting the subject's model).
pub async fn answer_log(conn: &mut impl Connection, subject: &str) -> Result<Vec<Answer>> {
    let rows: Vec<AnswerRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, student_id, item_id, subject_id, response, correct, predicted, context, answered_at FROM answers \
         WHERE subject_id = $1 ORDER BY student_id, answered_at, id")
        .bind(subject).fetch_all(&mut *c).await)?;
    rows.into_iter().map(answer_from).collect()
}

/// A teacher's plan (JSON in the app's format) for a scope (`class:<id>` or `person:<id>`).
pub async fn teacher_plan(conn: &mut impl Connection, scope: &str, subject: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT plan FROM teacher_plans WHERE scope = $1 AND subject_id = $2").bind(scope).bind(subject).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(p,)| p))
}

/// Saves a teacher's plan.
pub async fn save_teacher_plan(
    conn: &mut impl Connection,
    scope: &str,
    subject: &str,
    plan: &str,
    by: &str,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO teacher_plans (scope, subject_id, plan, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (scope, subject_id) DO UPDATE SET plan = excluded.plan, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .bind(scope).bind(subject).bind(plan).bind(now.millis()).bind(by).execute(&mut *c).await)?;
    Ok(())
}
