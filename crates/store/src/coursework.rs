//! Gradebook columns, results and attendance.

use base::{AcademicSessionId, ClassId, Date, LineItemId, PersonId, RecordId, Timestamp};
use records::{AttendanceRecord, AttendanceStatus, LineItem, LineItemCategory, ResultRecord, Score};

use crate::rows::{corrupt, date, opt_date, parse_id, ts};
use crate::{Connection, Result};

#[derive(sqlx::FromRow)]
struct LineItemRow {
    id: String,
    class_id: String,
    title: String,
    category: String,
    session_id: Option<String>,
    assigned_date: Option<String>,
    due_date: Option<String>,
    max_score: f64,
}

impl LineItemRow {
    fn into_line_item(self) -> Result<LineItem> {
        Ok(LineItem {
            id: parse_id!(LineItemId, self.id)?,
            class: parse_id!(ClassId, self.class_id)?,
            title: self.title,
            category: LineItemCategory::parse(&self.category).map_err(|e| corrupt("line item", e))?,
            session: self.session_id.map(|s| parse_id!(AcademicSessionId, s)).transpose()?,
            assigned: opt_date(self.assigned_date.as_deref())?,
            due: opt_date(self.due_date.as_deref())?,
            max_score: self.max_score,
        })
    }
}

/// A class's live gradebook columns, by due date.
pub async fn line_items(conn: &mut impl Connection, class: &ClassId) -> Result<Vec<LineItem>> {
    let rows: Vec<LineItemRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, class_id, title, category, session_id, assigned_date, due_date, max_score FROM line_items \
         WHERE class_id = $1 AND deleted_at IS NULL ORDER BY due_date, title, id").bind(class.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(LineItemRow::into_line_item).collect()
}

/// A live gradebook column.
pub async fn line_item(conn: &mut impl Connection, id: &LineItemId) -> Result<Option<LineItem>> {
    let row: Option<LineItemRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, class_id, title, category, session_id, assigned_date, due_date, max_score FROM line_items \
         WHERE id = $1 AND deleted_at IS NULL").bind(id.as_str()).fetch_optional(&mut *c).await)?;
    row.map(LineItemRow::into_line_item).transpose()
}

/// Adds a gradebook column.
pub async fn insert_line_item(conn: &mut impl Connection, li: &LineItem, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO line_items (id, class_id, title, category, session_id, assigned_date, due_date, max_score, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(li.id.as_str()).bind(li.class.as_str()).bind(&li.title).bind(li.category.as_str())
        .bind(li.session.as_ref().map(AcademicSessionId::as_str)).bind(li.assigned.map(|d| d.to_string()))
        .bind(li.due.map(|d| d.to_string())).bind(li.max_score).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    id: String,
    line_item_id: String,
    student_id: String,
    score: Option<f64>,
    max_score: f64,
    grade: Option<String>,
    comment: Option<String>,
    recorded_at: i64,
    recorded_by: Option<String>,
}

impl ResultRow {
    fn into_result(self) -> Result<ResultRecord> {
        Ok(ResultRecord {
            id: parse_id!(RecordId, self.id)?,
            line_item: parse_id!(LineItemId, self.line_item_id)?,
            student: parse_id!(PersonId, self.student_id)?,
            score: self.score.map(|s| Score::new(s, self.max_score).map_err(|e| corrupt("result", e))).transpose()?,
            grade: self.grade,
            comment: self.comment,
            recorded_at: ts(self.recorded_at),
            recorded_by: self.recorded_by.map(|p| parse_id!(PersonId, p)).transpose()?,
        })
    }
}

const RESULT_SELECT: &str = "SELECT r.id, r.line_item_id, r.student_id, r.score, l.max_score, r.grade, r.comment, \
     r.recorded_at, r.recorded_by FROM results r JOIN line_items l ON l.id = r.line_item_id";

/// A student's results in live columns.
pub async fn results_of_student(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<ResultRecord>> {
    let sql =
        format!("{RESULT_SELECT} WHERE r.student_id = $1 AND l.deleted_at IS NULL ORDER BY l.due_date, r.line_item_id");
    let rows: Vec<ResultRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(ResultRow::into_result).collect()
}

/// Every result in a class's live columns.
pub async fn results_of_class(conn: &mut impl Connection, class: &ClassId) -> Result<Vec<ResultRecord>> {
    let sql =
        format!("{RESULT_SELECT} WHERE l.class_id = $1 AND l.deleted_at IS NULL ORDER BY r.line_item_id, r.student_id");
    let rows: Vec<ResultRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(class.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(ResultRow::into_result).collect()
}

/// Records (or replaces) a student's result in a column.
pub async fn upsert_result(conn: &mut impl Connection, r: &ResultRecord) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO results (id, line_item_id, student_id, score, grade, comment, recorded_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (line_item_id, student_id) DO UPDATE SET \
         score = excluded.score, grade = excluded.grade, comment = excluded.comment, recorded_at = excluded.recorded_at, \
         recorded_by = excluded.recorded_by")
        .bind(r.id.as_str()).bind(r.line_item.as_str()).bind(r.student.as_str()).bind(r.score.map(Score::value))
        .bind(&r.grade).bind(&r.comment).bind(r.recorded_at.millis()).bind(r.recorded_by.as_ref().map(PersonId::as_str))
        .execute(&mut *c).await)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AttendanceRow {
    id: String,
    class_id: String,
    student_id: String,
    day: String,
    status: String,
    note: Option<String>,
    recorded_by: Option<String>,
}

impl AttendanceRow {
    fn into_record(self) -> Result<AttendanceRecord> {
        Ok(AttendanceRecord {
            id: parse_id!(RecordId, self.id)?,
            class: parse_id!(ClassId, self.class_id)?,
            student: parse_id!(PersonId, self.student_id)?,
            date: date(&self.day)?,
            status: AttendanceStatus::parse(&self.status).map_err(|e| corrupt("attendance", e))?,
            note: self.note,
            recorded_by: self.recorded_by.map(|p| parse_id!(PersonId, p)).transpose()?,
        })
    }
}

/// A student's attendance, newest first.
pub async fn attendance_of_student(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<AttendanceRecord>> {
    let rows: Vec<AttendanceRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, class_id, student_id, day, status, note, recorded_by FROM attendance WHERE student_id = $1 ORDER BY day DESC, class_id")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(AttendanceRow::into_record).collect()
}

/// A class's attendance on one day.
pub async fn attendance_of_class(
    conn: &mut impl Connection,
    class: &ClassId,
    day: Date,
) -> Result<Vec<AttendanceRecord>> {
    let rows: Vec<AttendanceRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, class_id, student_id, day, status, note, recorded_by FROM attendance WHERE class_id = $1 AND day = $2 ORDER BY student_id")
        .bind(class.as_str()).bind(day.to_string()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(AttendanceRow::into_record).collect()
}

/// Records (or corrects) a student's attendance for a class on a day.
pub async fn upsert_attendance(conn: &mut impl Connection, a: &AttendanceRecord, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO attendance (id, class_id, student_id, day, status, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (class_id, student_id, day) DO UPDATE SET \
         status = excluded.status, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at")
        .bind(a.id.as_str()).bind(a.class.as_str()).bind(a.student.as_str()).bind(a.date.to_string())
        .bind(a.status.as_str()).bind(&a.note).bind(a.recorded_by.as_ref().map(PersonId::as_str)).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(())
}
