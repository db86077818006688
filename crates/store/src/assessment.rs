//! Assessment's storage: the item bank's catalogue, assignments, submissions with their grades,
//! the grading history, and serialised scoring models.
//!
//! A bank item is a row of `items` (its answer key, knowledge points) plus a `bank_items` row
//! (kind, subject, title, what search looks at). Each submission carries its workflow status
//! as columns for queries, and its full history as `grade_events`; both change in the same
//! transaction.

use base::{ClassId, LineItemId, Page, PageRequest, PersonId, Timestamp};

use crate::roster::{Upsert, Value};
use crate::rows::{parse_id, split_list, ts};
use crate::{Connection, Db, Result, Tx};

/// A bank item's catalogue row, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct BankEntry {
    /// The `items` row this describes.
    pub item_id: String,
    /// The identifier the item has in its QTI.
    pub qti_identifier: String,
    /// The item type (`single_choice`, `math`, `free_text`, …).
    pub kind: String,
    /// A subject label (a learning subject's id, or a name such as `english`).
    pub subject: String,
    pub title: String,
    pub prompt: Option<String>,
    pub max_points: f64,
    /// Lower-cased text that search matches against.
    pub search_text: String,
    /// SHA-256 (hex) of the item's QTI 3.0 text.
    pub content_hash: String,
    /// Who added it, as the audit log names them.
    pub created_by: String,
}

/// A bank item as read: the catalogue row with its answer key and knowledge points.
#[derive(Debug, Clone, PartialEq)]
pub struct BankItem {
    pub item_id: String,
    pub qti_identifier: String,
    pub kind: String,
    pub subject: String,
    pub title: String,
    pub prompt: Option<String>,
    pub max_points: f64,
    pub kps: Vec<String>,
    /// The answer key JSON, in the app's item format.
    pub answer_key: String,
    pub source: String,
    pub content_hash: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

type BankRow =
    (String, String, String, String, String, Option<String>, f64, String, String, String, String, String, i64);

const BANK_SELECT: &str = "SELECT b.item_id, b.qti_identifier, b.kind, b.subject, b.title, b.prompt, b.max_points, i.kps, \
     i.answer_key, i.source, b.content_hash, b.created_by, b.created_at FROM bank_items b JOIN items i ON i.id = b.item_id";

fn bank_item_from(r: BankRow) -> BankItem {
    BankItem {
        item_id: r.0,
        qti_identifier: r.1,
        kind: r.2,
        subject: r.3,
        title: r.4,
        prompt: r.5,
        max_points: r.6,
        kps: split_list(&r.7),
        answer_key: r.8,
        source: r.9,
        content_hash: r.10,
        created_by: r.11,
        created_at: ts(r.12),
    }
}

/// Adds an item to the bank's catalogue (its `items` row must exist).
pub async fn insert_bank_entry(conn: &mut impl Connection, e: &BankEntry, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO bank_items (item_id, qti_identifier, kind, subject, title, prompt, max_points, search_text, \
         content_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(&e.item_id).bind(&e.qti_identifier).bind(&e.kind).bind(&e.subject).bind(&e.title).bind(&e.prompt)
        .bind(e.max_points).bind(&e.search_text).bind(&e.content_hash).bind(&e.created_by).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// A live bank item.
pub async fn bank_item(conn: &mut impl Connection, item_id: &str) -> Result<Option<BankItem>> {
    let sql = format!("{BANK_SELECT} WHERE b.item_id = $1 AND i.deleted_at IS NULL");
    let row: Option<BankRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(item_id).fetch_optional(&mut *c).await)?;
    Ok(row.map(bank_item_from))
}

/// Live bank items by id (unknown ids left out).
pub async fn bank_items_by_id(conn: &mut impl Connection, ids: &[String]) -> Result<Vec<BankItem>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
        let sql = format!("{BANK_SELECT} WHERE i.deleted_at IS NULL AND b.item_id IN ({marks})");
        let rows: Vec<BankRow> = on!(conn, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        out.extend(rows.into_iter().map(bank_item_from));
    }
    Ok(out)
}

/// The bank item whose QTI has this hash, if any.
pub async fn bank_item_by_hash(conn: &mut impl Connection, content_hash: &str) -> Result<Option<BankItem>> {
    let sql = format!("{BANK_SELECT} WHERE b.content_hash = $1");
    let row: Option<BankRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(content_hash).fetch_optional(&mut *c).await)?;
    Ok(row.map(bank_item_from))
}

/// Which bank items to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankFilter {
    pub subject: Option<String>,
    /// Only items of this knowledge point.
    pub kp: Option<String>,
    pub kind: Option<String>,
    /// Only items whose title, prompt, options or knowledge points contain this text.
    pub text: Option<String>,
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A page of live bank items, ordered by id.
pub async fn search_bank(
    conn: &mut impl Connection,
    filter: &BankFilter,
    page: &PageRequest,
) -> Result<Page<BankItem>> {
    let mut sql = format!("{BANK_SELECT} WHERE i.deleted_at IS NULL AND b.item_id > $1");
    let mut binds: Vec<String> = vec![page.after.clone().unwrap_or_default()];
    let mut push = |clause: &str, value: String, sql: &mut String| {
        binds.push(value);
        sql.push_str(&clause.replace("$n", &format!("${}", binds.len())));
    };
    if let Some(subject) = &filter.subject {
        push(" AND b.subject = $n", subject.clone(), &mut sql);
    }
    if let Some(kind) = &filter.kind {
        push(" AND b.kind = $n", kind.clone(), &mut sql);
    }
    if let Some(kp) = &filter.kp {
        push(" AND (',' || i.kps || ',') LIKE $n ESCAPE '\\'", format!("%,{},%", escape_like(kp)), &mut sql);
    }
    if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        push(" AND b.search_text LIKE $n ESCAPE '\\'", format!("%{}%", escape_like(&text.to_lowercase())), &mut sql);
    }
    sql.push_str(&format!(" ORDER BY b.item_id LIMIT {}", page.limit() + 1));
    let rows: Vec<BankRow> = on!(conn, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.as_str());
        }
        q.fetch_all(&mut *c).await
    })?;
    Ok(Page::from_overfetch(rows.into_iter().map(bank_item_from).collect(), page, |i| i.item_id.clone()))
}

/// An assignment: bank items given to a class, with its gradebook column.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub id: String,
    pub class: ClassId,
    pub line_item: LineItemId,
    pub title: String,
    /// Submissions are accepted until then (none: until graded).
    pub due: Option<Timestamp>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// One item of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentItem {
    pub item_id: String,
    /// Position in the assignment, from 0.
    pub index: i64,
    pub max_points: f64,
}

type AssignmentRow = (String, String, String, String, Option<i64>, String, i64);

const ASSIGNMENT_SELECT: &str =
    "SELECT id, class_id, line_item_id, title, due_at, created_by, created_at FROM assignments";

fn assignment_from(r: AssignmentRow) -> Result<Assignment> {
    Ok(Assignment {
        id: r.0,
        class: parse_id!(ClassId, r.1)?,
        line_item: parse_id!(LineItemId, r.2)?,
        title: r.3,
        due: r.4.map(ts),
        created_by: r.5,
        created_at: ts(r.6),
    })
}

/// Adds an assignment with its items.
pub async fn insert_assignment(conn: &mut impl Connection, a: &Assignment, items: &[AssignmentItem]) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO assignments (id, class_id, line_item_id, title, due_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&a.id).bind(a.class.as_str()).bind(a.line_item.as_str()).bind(&a.title).bind(a.due.map(Timestamp::millis))
        .bind(&a.created_by).bind(a.created_at.millis()).execute(&mut *c).await)?;
    let rows: Vec<Vec<Value>> = items
        .iter()
        .map(|i| vec![a.id.clone().into(), i.index.into(), i.item_id.clone().into(), Value::Real(Some(i.max_points))])
        .collect();
    crate::roster::upsert(conn, &ASSIGNMENT_ITEMS, &rows).await
}

const ASSIGNMENT_ITEMS: Upsert = Upsert {
    table: "assignment_items",
    columns: &["assignment_id", "item_index", "item_id", "max_points"],
    conflict: "assignment_id, item_index",
    update: &[],
    revives: false,
};

/// A live assignment.
pub async fn assignment(conn: &mut impl Connection, id: &str) -> Result<Option<Assignment>> {
    let sql = format!("{ASSIGNMENT_SELECT} WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<AssignmentRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?;
    row.map(assignment_from).transpose()
}

/// Locks an assignment for the rest of the transaction, so that submissions and grading
/// decisions on it happen one after another. False if there is no such live assignment.
pub async fn lock_assignment(tx: &mut Tx, id: &str) -> Result<bool> {
    let row: Option<(String,)> = match tx.db() {
        // BEGIN IMMEDIATE already holds SQLite's write lock.
        Db::Sqlite(c) => {
            sqlx::query_as("SELECT id FROM assignments WHERE id = $1 AND deleted_at IS NULL")
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        }
        Db::Postgres(c) => {
            sqlx::query_as("SELECT id FROM assignments WHERE id = $1 AND deleted_at IS NULL FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        }
    };
    Ok(row.is_some())
}

/// An assignment's items, in order.
pub async fn assignment_items(conn: &mut impl Connection, assignment: &str) -> Result<Vec<AssignmentItem>> {
    let rows: Vec<(String, i64, f64)> = on!(conn, c => sqlx::query_as(
        "SELECT item_id, item_index, max_points FROM assignment_items WHERE assignment_id = $1 ORDER BY item_index")
        .bind(assignment).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(item_id, index, max_points)| AssignmentItem { item_id, index, max_points }).collect())
}

/// A class's live assignments, newest first.
pub async fn assignments_of_class(conn: &mut impl Connection, class: &ClassId) -> Result<Vec<Assignment>> {
    let sql = format!("{ASSIGNMENT_SELECT} WHERE class_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id");
    let rows: Vec<AssignmentRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(class.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(assignment_from).collect()
}

/// How far an assignment's grading has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GradingCounts {
    /// Students with at least one submission.
    pub students: i64,
    pub submissions: i64,
    /// Machine suggestions a teacher has to look at (unscored or uncertain).
    pub needs_teacher: i64,
    pub released: i64,
}

/// Grading counts of an assignment.
pub async fn grading_counts(conn: &mut impl Connection, assignment: &str) -> Result<GradingCounts> {
    let (students, submissions, needs_teacher, released): (i64, i64, Option<i64>, Option<i64>) = on!(conn, c => sqlx::query_as(
        "SELECT COUNT(DISTINCT student_id), COUNT(*), \
         SUM(CASE WHEN status = 'suggested' AND needs_teacher THEN 1 ELSE 0 END), \
         SUM(CASE WHEN status = 'released' THEN 1 ELSE 0 END) FROM submissions WHERE assignment_id = $1")
        .bind(assignment).fetch_one(&mut *c).await)?;
    Ok(GradingCounts {
        students,
        submissions,
        needs_teacher: needs_teacher.unwrap_or(0),
        released: released.unwrap_or(0),
    })
}

/// The machine's grade of a response.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineGrade {
    /// `None` when the machine could not score it.
    pub points: Option<f64>,
    pub confidence: f64,
    /// `objective`, `model` or `none`.
    pub basis: String,
    /// The reasons, JSON in the app's format.
    pub feedback: String,
    /// Whether a teacher must look at it before it can be released.
    pub needs_teacher: bool,
}

/// A student's response to one item of an assignment, with its grade.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub id: String,
    pub assignment: String,
    pub item: String,
    pub student: PersonId,
    /// The response, JSON in the app's response format.
    pub response: String,
    /// 1 for the first submission, then one more per changed resubmission.
    pub revision: i64,
    pub submitted_at: Timestamp,
    pub machine: MachineGrade,
    /// `suggested`, `accepted`, `overridden` or `released`.
    pub status: String,
    /// The teacher's points, or the machine's while only suggested.
    pub points: Option<f64>,
    pub updated_at: Timestamp,
}

type SubmissionRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<f64>,
    f64,
    String,
    String,
    bool,
    String,
    Option<f64>,
    i64,
);

const SUBMISSION_SELECT: &str = "SELECT id, assignment_id, item_id, student_id, response, revision, submitted_at, \
     machine_points, machine_confidence, machine_basis, feedback, needs_teacher, status, points, updated_at FROM submissions";

fn submission_from(r: SubmissionRow) -> Result<Submission> {
    Ok(Submission {
        id: r.0,
        assignment: r.1,
        item: r.2,
        student: parse_id!(PersonId, r.3)?,
        response: r.4,
        revision: r.5,
        submitted_at: ts(r.6),
        machine: MachineGrade { points: r.7, confidence: r.8, basis: r.9, feedback: r.10, needs_teacher: r.11 },
        status: r.12,
        points: r.13,
        updated_at: ts(r.14),
    })
}

/// A student's submission to one item of an assignment.
pub async fn submission(
    conn: &mut impl Connection,
    assignment: &str,
    student: &PersonId,
    item: &str,
) -> Result<Option<Submission>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE assignment_id = $1 AND student_id = $2 AND item_id = $3");
    let row: Option<SubmissionRow> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(assignment).bind(student.as_str()).bind(item).fetch_optional(&mut *c).await)?;
    row.map(submission_from).transpose()
}

/// A submission by id.
pub async fn submission_by_id(conn: &mut impl Connection, id: &str) -> Result<Option<Submission>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE id = $1");
    let row: Option<SubmissionRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?;
    row.map(submission_from).transpose()
}

/// Every submission to an assignment, by student then item.
pub async fn submissions_of_assignment(conn: &mut impl Connection, assignment: &str) -> Result<Vec<Submission>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE assignment_id = $1 ORDER BY student_id, item_id");
    let rows: Vec<SubmissionRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(assignment).fetch_all(&mut *c).await)?;
    rows.into_iter().map(submission_from).collect()
}

/// A student's submissions to an assignment.
pub async fn submissions_of_student(
    conn: &mut impl Connection,
    assignment: &str,
    student: &PersonId,
) -> Result<Vec<Submission>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE assignment_id = $1 AND student_id = $2 ORDER BY item_id");
    let rows: Vec<SubmissionRow> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(assignment).bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(submission_from).collect()
}

/// Adds a submission unless the student already has one for the item; true if added.
pub async fn insert_submission(conn: &mut impl Connection, s: &Submission) -> Result<bool> {
    let n = exec!(conn, c => sqlx::query(
        "INSERT INTO submissions (id, assignment_id, item_id, student_id, response, revision, submitted_at, machine_points, \
         machine_confidence, machine_basis, feedback, needs_teacher, status, points, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (assignment_id, student_id, item_id) DO NOTHING")
        .bind(&s.id).bind(&s.assignment).bind(&s.item).bind(s.student.as_str()).bind(&s.response).bind(s.revision)
        .bind(s.submitted_at.millis()).bind(s.machine.points).bind(s.machine.confidence).bind(&s.machine.basis)
        .bind(&s.machine.feedback).bind(s.machine.needs_teacher).bind(&s.status).bind(s.points).bind(s.updated_at.millis())
        .execute(&mut *c).await)?;
    Ok(n == 1)
}

/// Replaces a submission's response, machine grade and status (a resubmission or a rescoring).
pub async fn update_submission(conn: &mut impl Connection, s: &Submission) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "UPDATE submissions SET response = $2, revision = $3, submitted_at = $4, machine_points = $5, machine_confidence = $6, \
         machine_basis = $7, feedback = $8, needs_teacher = $9, status = $10, points = $11, updated_at = $12 WHERE id = $1")
        .bind(&s.id).bind(&s.response).bind(s.revision).bind(s.submitted_at.millis()).bind(s.machine.points)
        .bind(s.machine.confidence).bind(&s.machine.basis).bind(&s.machine.feedback).bind(s.machine.needs_teacher)
        .bind(&s.status).bind(s.points).bind(s.updated_at.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// Sets where a submission's grading stands.
pub async fn set_status(
    conn: &mut impl Connection,
    id: &str,
    status: &str,
    points: Option<f64>,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query("UPDATE submissions SET status = $2, points = $3, updated_at = $4 WHERE id = $1")
        .bind(id).bind(status).bind(points).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// One step of a submission's grading history.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeEvent {
    pub submission: String,
    /// Position in the submission's history, from 0.
    pub seq: i64,
    /// `suggested`, `accepted`, `overridden`, `released` or `reopened`.
    pub kind: String,
    pub points: Option<f64>,
    /// Overrides: the points before.
    pub from_points: Option<f64>,
    /// Suggestions: the machine's confidence.
    pub confidence: Option<f64>,
    /// Why (an override's note, a resubmission's revision).
    pub note: Option<String>,
    /// Who, as the audit log names them (none for the machine).
    pub actor: Option<String>,
    pub at: Timestamp,
}

const GRADE_EVENTS: Upsert = Upsert {
    table: "grade_events",
    columns: &["submission_id", "seq", "kind", "points", "from_points", "confidence", "note", "actor", "at"],
    conflict: "submission_id, seq",
    update: &[],
    revives: false,
};

/// Appends history events.
pub async fn insert_grade_events(conn: &mut impl Connection, events: &[GradeEvent]) -> Result<()> {
    let rows: Vec<Vec<Value>> = events
        .iter()
        .map(|e| {
            vec![
                e.submission.clone().into(),
                e.seq.into(),
                e.kind.clone().into(),
                Value::Real(e.points),
                Value::Real(e.from_points),
                Value::Real(e.confidence),
                e.note.clone().into(),
                e.actor.clone().into(),
                e.at.millis().into(),
            ]
        })
        .collect();
    crate::roster::upsert(conn, &GRADE_EVENTS, &rows).await
}

type EventRow = (String, i64, String, Option<f64>, Option<f64>, Option<f64>, Option<String>, Option<String>, i64);

fn event_from(r: EventRow) -> GradeEvent {
    GradeEvent {
        submission: r.0,
        seq: r.1,
        kind: r.2,
        points: r.3,
        from_points: r.4,
        confidence: r.5,
        note: r.6,
        actor: r.7,
        at: ts(r.8),
    }
}

/// Every history event of an assignment's submissions, by submission then order.
pub async fn grade_events_of_assignment(conn: &mut impl Connection, assignment: &str) -> Result<Vec<GradeEvent>> {
    let rows: Vec<EventRow> = on!(conn, c => sqlx::query_as(
        "SELECT e.submission_id, e.seq, e.kind, e.points, e.from_points, e.confidence, e.note, e.actor, e.at \
         FROM grade_events e JOIN submissions s ON s.id = e.submission_id WHERE s.assignment_id = $1 \
         ORDER BY e.submission_id, e.seq")
        .bind(assignment).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(event_from).collect())
}

/// A submission's history, in order.
pub async fn grade_events_of_submission(conn: &mut impl Connection, submission: &str) -> Result<Vec<GradeEvent>> {
    let rows: Vec<EventRow> = on!(conn, c => sqlx::query_as(
        "SELECT submission_id, seq, kind, points, from_points, confidence, note, actor, at FROM grade_events \
         WHERE submission_id = $1 ORDER BY seq")
        .bind(submission).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(event_from).collect())
}

/// A teacher-graded answer to a free-text item: training data for that item's scorer.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherGraded {
    pub item: String,
    /// The response JSON.
    pub response: String,
    pub points: f64,
}

/// Every free-text answer a teacher has decided (accepted, overridden or released), by item
/// then time; only for `item` if given.
pub async fn teacher_graded_free_text(conn: &mut impl Connection, item: Option<&str>) -> Result<Vec<TeacherGraded>> {
    let rows: Vec<(String, String, f64)> = on!(conn, c => sqlx::query_as(
        "SELECT s.item_id, s.response, s.points FROM submissions s JOIN bank_items b ON b.item_id = s.item_id \
         WHERE b.kind = 'free_text' AND s.status IN ('accepted', 'overridden', 'released') AND s.points IS NOT NULL \
         AND ($1 = '' OR s.item_id = $1) ORDER BY s.item_id, s.updated_at, s.id")
        .bind(item.unwrap_or("")).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(item, response, points)| TeacherGraded { item, response, points }).collect())
}

/// A serialised scoring model.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringModel {
    /// `pool`, `question:<item>` or `essay:<item>`.
    pub scope: String,
    pub kind: String,
    /// The model state, JSON in the scoring crate's format.
    pub model: String,
    /// Graded answers it was trained on.
    pub n_examples: i64,
    pub trained_at: Timestamp,
}

/// A stored scoring model.
pub async fn scoring_model(conn: &mut impl Connection, scope: &str) -> Result<Option<ScoringModel>> {
    let row: Option<(String, String, String, i64, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT scope, kind, model, n_examples, trained_at FROM scoring_models WHERE scope = $1")
        .bind(scope).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(scope, kind, model, n_examples, trained_at)| ScoringModel {
        scope,
        kind,
        model,
        n_examples,
        trained_at: ts(trained_at),
    }))
}

/// Saves (or replaces) a scoring model.
pub async fn save_scoring_model(conn: &mut impl Connection, m: &ScoringModel) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO scoring_models (scope, kind, model, n_examples, trained_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (scope) DO UPDATE SET kind = excluded.kind, model = excluded.model, n_examples = excluded.n_examples, \
         trained_at = excluded.trained_at")
        .bind(&m.scope).bind(&m.kind).bind(&m.model).bind(m.n_examples).bind(m.trained_at.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// Removes a student's result from a gradebook column (a released grade taken back).
pub async fn delete_result(conn: &mut impl Connection, line_item: &LineItemId, student: &PersonId) -> Result<bool> {
    let n = exec!(conn, c => sqlx::query("DELETE FROM results WHERE line_item_id = $1 AND student_id = $2")
        .bind(line_item.as_str()).bind(student.as_str()).execute(&mut *c).await)?;
    Ok(n > 0)
}
