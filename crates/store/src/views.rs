//! Read models for the pages people open most: a learner's classes, a teacher's class summary,
//! and an administrator's aggregates. Each is a handful of set-based queries, never one per row.

use std::collections::HashMap;

use base::{ClassId, Date, LineItemId, OrgId, PersonId};
use records::LineItemCategory;

use crate::rows::{corrupt, opt_date, parse_id};
use crate::{Connection, Result};

/// One gradebook column as a learner sees it, with their own result.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerItem {
    pub id: LineItemId,
    pub title: String,
    pub category: LineItemCategory,
    pub due: Option<Date>,
    pub max_score: f64,
    pub score: Option<f64>,
    pub grade: Option<String>,
    /// Whether a result has been recorded.
    pub done: bool,
}

/// One class on a learner's home page.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerClass {
    pub class: ClassId,
    pub title: String,
    pub course_title: String,
    pub subjects: Vec<String>,
    pub teachers: Vec<String>,
    pub items: Vec<LearnerItem>,
    pub attendance_days: i64,
    pub attended_days: i64,
}

const ACTIVE_ENROLLMENT: &str = "e.deleted_at IS NULL AND (e.begin_date IS NULL OR e.begin_date <= $2) AND (e.end_date IS NULL OR e.end_date >= $2)";

fn display_name(given: &str, family: &str, preferred: Option<&str>) -> String {
    if let Some(p) = preferred.filter(|p| !p.trim().is_empty()) {
        return p.to_owned();
    }
    let cjk = |s: &str| s.chars().all(|c| ('\u{3400}'..='\u{9fff}').contains(&c));
    if cjk(family) && cjk(given) { format!("{family}{given}") } else { format!("{given} {family}") }
}

/// The classes a student is enrolled in on `today`, each with its columns and the student's own
/// results and attendance ("my classes with progress").
pub async fn learner_classes(conn: &mut impl Connection, student: &PersonId, today: Date) -> Result<Vec<LearnerClass>> {
    let day = today.to_string();
    let sql = format!(
        "SELECT k.id, k.title, co.title, k.subjects FROM enrollments e JOIN classes k ON k.id = e.class_id \
         JOIN courses co ON co.id = k.course_id WHERE e.person_id = $1 AND e.role = 'student' AND {ACTIVE_ENROLLMENT} \
         AND k.deleted_at IS NULL ORDER BY k.title, k.id"
    );
    let classes: Vec<(String, String, String, String)> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(student.as_str()).bind(&day).fetch_all(&mut *c).await)?;
    let mut out: Vec<LearnerClass> = classes
        .into_iter()
        .map(|(id, title, course_title, subjects)| {
            Ok(LearnerClass {
                class: parse_id!(ClassId, id)?,
                title,
                course_title,
                subjects: crate::split_list(&subjects),
                teachers: Vec::new(),
                items: Vec::new(),
                attendance_days: 0,
                attended_days: 0,
            })
        })
        .collect::<Result<_>>()?;
    if out.is_empty() {
        return Ok(out);
    }
    let index: HashMap<String, usize> = out.iter().enumerate().map(|(i, c)| (c.class.to_string(), i)).collect();

    let sql = format!(
        "SELECT e.class_id, p.given_name, p.family_name, p.preferred_name FROM enrollments s \
         JOIN enrollments e ON e.class_id = s.class_id JOIN people p ON p.id = e.person_id \
         WHERE s.person_id = $1 AND s.role = 'student' AND s.deleted_at IS NULL AND e.role = 'teacher' AND {ACTIVE_ENROLLMENT} \
         AND p.deleted_at IS NULL ORDER BY e.is_primary DESC, p.family_name"
    );
    let teachers: Vec<(String, String, String, Option<String>)> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(student.as_str()).bind(&day).fetch_all(&mut *c).await)?;
    for (class, given, family, preferred) in teachers {
        if let Some(&i) = index.get(&class) {
            let name = display_name(&given, &family, preferred.as_deref());
            if !out[i].teachers.contains(&name) {
                out[i].teachers.push(name);
            }
        }
    }

    type ItemRow = (String, String, String, String, Option<String>, f64, Option<f64>, Option<String>, Option<String>);
    let items: Vec<ItemRow> = on!(conn, c => sqlx::query_as(
        "SELECT l.class_id, l.id, l.title, l.category, l.due_date, l.max_score, r.score, r.grade, r.id FROM enrollments s \
         JOIN line_items l ON l.class_id = s.class_id LEFT JOIN results r ON r.line_item_id = l.id AND r.student_id = s.person_id \
         WHERE s.person_id = $1 AND s.role = 'student' AND s.deleted_at IS NULL AND l.deleted_at IS NULL \
         ORDER BY l.due_date, l.title, l.id")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    for (class, id, title, category, due, max_score, score, grade, result_id) in items {
        if let Some(&i) = index.get(&class) {
            out[i].items.push(LearnerItem {
                id: parse_id!(LineItemId, id)?,
                title,
                category: LineItemCategory::parse(&category).map_err(|e| corrupt("line item", e))?,
                due: opt_date(due.as_deref())?,
                max_score,
                score,
                grade,
                done: result_id.is_some(),
            });
        }
    }

    let attendance: Vec<(String, i64, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT class_id, COUNT(*), SUM(CASE WHEN status IN ('present', 'late') THEN 1 ELSE 0 END) FROM attendance \
         WHERE student_id = $1 GROUP BY class_id")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    for (class, days, attended) in attendance {
        if let Some(&i) = index.get(&class) {
            out[i].attendance_days = days;
            out[i].attended_days = attended;
        }
    }
    Ok(out)
}

/// A column of a class summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryItem {
    pub id: LineItemId,
    pub title: String,
    pub category: LineItemCategory,
    pub due: Option<Date>,
    pub max_score: f64,
}

/// A student's row of a class summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryStudent {
    pub id: PersonId,
    pub name: String,
    pub identifier: Option<String>,
    /// One entry per column, in column order: the score, or `None` if nothing is recorded.
    pub scores: Vec<Option<f64>>,
    /// Columns with a recorded result (a result may have a grade but no score).
    pub done: Vec<bool>,
    pub attendance_days: i64,
    pub attended_days: i64,
}

/// A teacher's view of a class: every enrolled student against every column.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassSummary {
    pub class: ClassId,
    pub title: String,
    pub items: Vec<SummaryItem>,
    pub students: Vec<SummaryStudent>,
}

/// The summary of a class as of `today`, or `None` if there is no such live class.
pub async fn class_summary(conn: &mut impl Connection, class: &ClassId, today: Date) -> Result<Option<ClassSummary>> {
    let title: Option<(String,)> = on!(conn, c => sqlx::query_as("SELECT title FROM classes WHERE id = $1 AND deleted_at IS NULL")
        .bind(class.as_str()).fetch_optional(&mut *c).await)?;
    let Some((title,)) = title else {
        return Ok(None);
    };
    let items: Vec<(String, String, String, Option<String>, f64)> = on!(conn, c => sqlx::query_as(
        "SELECT id, title, category, due_date, max_score FROM line_items WHERE class_id = $1 AND deleted_at IS NULL ORDER BY due_date, title, id")
        .bind(class.as_str()).fetch_all(&mut *c).await)?;
    let items: Vec<SummaryItem> = items
        .into_iter()
        .map(|(id, title, category, due, max_score)| {
            Ok(SummaryItem {
                id: parse_id!(LineItemId, id)?,
                title,
                category: LineItemCategory::parse(&category).map_err(|e| corrupt("line item", e))?,
                due: opt_date(due.as_deref())?,
                max_score,
            })
        })
        .collect::<Result<_>>()?;
    let item_index: HashMap<String, usize> = items.iter().enumerate().map(|(i, it)| (it.id.to_string(), i)).collect();

    let sql = format!(
        "SELECT p.id, p.given_name, p.family_name, p.preferred_name, p.identifier FROM enrollments e JOIN people p ON p.id = e.person_id \
         WHERE e.class_id = $1 AND e.role = 'student' AND {ACTIVE_ENROLLMENT} AND p.deleted_at IS NULL ORDER BY p.family_name, p.given_name, p.id"
    );
    type StudentRow = (String, String, String, Option<String>, Option<String>);
    let students: Vec<StudentRow> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(class.as_str()).bind(today.to_string()).fetch_all(&mut *c).await)?;
    let mut rows: Vec<SummaryStudent> = students
        .into_iter()
        .map(|(id, given, family, preferred, identifier)| {
            Ok(SummaryStudent {
                id: parse_id!(PersonId, id)?,
                name: display_name(&given, &family, preferred.as_deref()),
                identifier,
                scores: vec![None; items.len()],
                done: vec![false; items.len()],
                attendance_days: 0,
                attended_days: 0,
            })
        })
        .collect::<Result<_>>()?;
    let student_index: HashMap<String, usize> = rows.iter().enumerate().map(|(i, s)| (s.id.to_string(), i)).collect();

    let results: Vec<(String, String, Option<f64>)> = on!(conn, c => sqlx::query_as(
        "SELECT r.line_item_id, r.student_id, r.score FROM results r JOIN line_items l ON l.id = r.line_item_id \
         WHERE l.class_id = $1 AND l.deleted_at IS NULL").bind(class.as_str()).fetch_all(&mut *c).await)?;
    for (item, student, score) in results {
        if let (Some(&i), Some(&s)) = (item_index.get(&item), student_index.get(&student)) {
            rows[s].scores[i] = score;
            rows[s].done[i] = true;
        }
    }
    let attendance: Vec<(String, i64, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT student_id, COUNT(*), SUM(CASE WHEN status IN ('present', 'late') THEN 1 ELSE 0 END) FROM attendance \
         WHERE class_id = $1 GROUP BY student_id").bind(class.as_str()).fetch_all(&mut *c).await)?;
    for (student, days, attended) in attendance {
        if let Some(&s) = student_index.get(&student) {
            rows[s].attendance_days = days;
            rows[s].attended_days = attended;
        }
    }
    Ok(Some(ClassSummary { class: class.clone(), title, items, students: rows }))
}

/// Aggregates for one school, as county and province administrators see them.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolAggregate {
    pub school: OrgId,
    pub name: String,
    pub students: i64,
    pub teachers: i64,
    pub classes: i64,
    pub attendance_records: i64,
    pub attended: i64,
    pub results: i64,
    /// Mean of score / max score over recorded scores.
    pub mean_score_fraction: Option<f64>,
}

/// Aggregates for every school in `schools` as of `today`.
pub async fn school_aggregates(
    conn: &mut impl Connection,
    schools: &[OrgId],
    today: Date,
) -> Result<Vec<SchoolAggregate>> {
    let mut out = Vec::new();
    let day = today.to_string();
    for school in schools {
        let row: Option<(String, String)> = on!(conn, c => sqlx::query_as(
            "SELECT id, name FROM orgs WHERE id = $1 AND kind = 'school' AND deleted_at IS NULL").bind(school.as_str()).fetch_optional(&mut *c).await)?;
        let Some((_, name)) = row else { continue };
        let sql = format!(
            "SELECT \
               (SELECT COUNT(DISTINCT e.person_id) FROM enrollments e WHERE e.school_id = $1 AND e.role = 'student' AND {ACTIVE_ENROLLMENT}), \
               (SELECT COUNT(DISTINCT e.person_id) FROM enrollments e WHERE e.school_id = $1 AND e.role = 'teacher' AND {ACTIVE_ENROLLMENT}), \
               (SELECT COUNT(*) FROM classes k WHERE k.school_id = $1 AND k.deleted_at IS NULL), \
               (SELECT COUNT(*) FROM attendance a JOIN classes k ON k.id = a.class_id WHERE k.school_id = $1), \
               (SELECT COUNT(*) FROM attendance a JOIN classes k ON k.id = a.class_id WHERE k.school_id = $1 AND a.status IN ('present', 'late')), \
               (SELECT COUNT(*) FROM results r JOIN line_items l ON l.id = r.line_item_id JOIN classes k ON k.id = l.class_id WHERE k.school_id = $1 AND r.score IS NOT NULL), \
               (SELECT CAST(AVG(r.score / l.max_score) AS DOUBLE PRECISION) FROM results r JOIN line_items l ON l.id = r.line_item_id JOIN classes k ON k.id = l.class_id WHERE k.school_id = $1 AND r.score IS NOT NULL)"
        );
        let (students, teachers, classes, attendance_records, attended, results, mean): (
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            Option<f64>,
        ) = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(school.as_str()).bind(&day).fetch_one(&mut *c).await)?;
        out.push(SchoolAggregate {
            school: school.clone(),
            name,
            students,
            teachers,
            classes,
            attendance_records,
            attended,
            results,
            mean_score_fraction: mean,
        });
    }
    Ok(out)
}
