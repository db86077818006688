//! Bulk operations behind OneRoster import and export: sourced-id maps, batched upserts that
//! work on both databases, soft deletion, and export readers with references as sourced ids.

use std::collections::HashMap;

use base::Timestamp;

use crate::{Connection, Result};

/// A table that rostering files write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Orgs,
    AcademicSessions,
    Courses,
    Classes,
    People,
    Roles,
    Enrollments,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Orgs => "orgs",
            Table::AcademicSessions => "academic_sessions",
            Table::Courses => "courses",
            Table::Classes => "classes",
            Table::People => "people",
            Table::Roles => "roles",
            Table::Enrollments => "enrollments",
        }
    }
}

/// What the database already holds under a sourced id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: String,
    pub live: bool,
    /// Extra per-table facts: the org kind for orgs, the username for people.
    pub extra: Option<String>,
    /// Whether the row came from a OneRoster import (only those may a bulk file delete).
    pub imported: bool,
}

/// Every sourced id of a table (deleted rows included, so a re-import revives the same record).
pub async fn known(conn: &mut impl Connection, table: Table) -> Result<HashMap<String, Known>> {
    let extra = match table {
        Table::Orgs => "kind",
        Table::People => "username",
        _ => "NULL",
    };
    let sql = format!("SELECT sourced_id, id, deleted_at IS NULL, {extra}, source = 'oneroster' FROM {}", table.name());
    let rows: Vec<(String, String, bool, Option<String>, bool)> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(s, id, live, extra, imported)| (s, Known { id, live, extra, imported })).collect())
}

/// One value to bind in a batched statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(bool),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(Some(s))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(Some(s.to_owned()))
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// How to upsert rows of one table.
#[derive(Debug, Clone, Copy)]
pub struct Upsert {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// The unique column(s) a conflict is detected on.
    pub conflict: &'static str,
    /// Columns replaced on conflict; `deleted_at` is always cleared (a row sent again is live).
    pub update: &'static [&'static str],
    /// Whether the table has a `deleted_at` column to clear.
    pub revives: bool,
}

/// The people columns that OneRoster owns (never the password, locale or anything set locally).
pub const PEOPLE: Upsert = Upsert {
    table: "people",
    columns: &[
        "id",
        "sourced_id",
        "username",
        "given_name",
        "family_name",
        "middle_name",
        "preferred_name",
        "identifier",
        "email",
        "phone",
        "sms",
        "user_ids",
        "birth_date",
        "sex",
        "grades",
        "enabled",
        "primary_org_id",
        "source",
        "updated_at",
    ],
    conflict: "sourced_id",
    update: &[
        "username",
        "given_name",
        "family_name",
        "middle_name",
        "preferred_name",
        "identifier",
        "email",
        "phone",
        "sms",
        "user_ids",
        "birth_date",
        "sex",
        "grades",
        "enabled",
        "primary_org_id",
        "source",
        "updated_at",
    ],
    revives: true,
};

/// Orgs.
pub const ORGS: Upsert = Upsert {
    table: "orgs",
    columns: &["id", "sourced_id", "name", "kind", "identifier", "parent_id", "source", "updated_at"],
    conflict: "sourced_id",
    update: &["name", "kind", "identifier", "parent_id", "source", "updated_at"],
    revives: true,
};

/// Academic sessions.
pub const SESSIONS: Upsert = Upsert {
    table: "academic_sessions",
    columns: &[
        "id",
        "sourced_id",
        "title",
        "kind",
        "start_date",
        "end_date",
        "parent_id",
        "school_year",
        "source",
        "updated_at",
    ],
    conflict: "sourced_id",
    update: &["title", "kind", "start_date", "end_date", "parent_id", "school_year", "source", "updated_at"],
    revives: true,
};

/// Courses.
pub const COURSES: Upsert = Upsert {
    table: "courses",
    columns: &[
        "id",
        "sourced_id",
        "title",
        "code",
        "org_id",
        "school_year_id",
        "grades",
        "subjects",
        "subject_codes",
        "source",
        "updated_at",
    ],
    conflict: "sourced_id",
    update: &[
        "title",
        "code",
        "org_id",
        "school_year_id",
        "grades",
        "subjects",
        "subject_codes",
        "source",
        "updated_at",
    ],
    revives: true,
};

/// Classes.
pub const CLASSES: Upsert = Upsert {
    table: "classes",
    columns: &[
        "id",
        "sourced_id",
        "title",
        "code",
        "class_type",
        "course_id",
        "school_id",
        "location",
        "grades",
        "subjects",
        "subject_codes",
        "periods",
        "source",
        "updated_at",
    ],
    conflict: "sourced_id",
    update: &[
        "title",
        "code",
        "class_type",
        "course_id",
        "school_id",
        "location",
        "grades",
        "subjects",
        "subject_codes",
        "periods",
        "source",
        "updated_at",
    ],
    revives: true,
};

/// Class terms (replaced wholesale per class, so no update on conflict).
pub const CLASS_TERMS: Upsert = Upsert {
    table: "class_terms",
    columns: &["class_id", "session_id"],
    conflict: "class_id, session_id",
    update: &[],
    revives: false,
};

/// Role assignments.
pub const ROLES: Upsert = Upsert {
    table: "roles",
    columns: &[
        "id",
        "sourced_id",
        "person_id",
        "role",
        "org_id",
        "is_primary",
        "begin_date",
        "end_date",
        "source",
        "updated_at",
    ],
    conflict: "sourced_id",
    update: &["person_id", "role", "org_id", "is_primary", "begin_date", "end_date", "source", "updated_at"],
    revives: true,
};

/// Enrollments.
pub const ENROLLMENTS: Upsert = Upsert {
    table: "enrollments",
    columns: &[
        "id",
        "sourced_id",
        "class_id",
        "school_id",
        "person_id",
        "role",
        "is_primary",
        "begin_date",
        "end_date",
        "source",
        "updated_at",
    ],
    conflict: "sourced_id",
    update: &[
        "class_id",
        "school_id",
        "person_id",
        "role",
        "is_primary",
        "begin_date",
        "end_date",
        "source",
        "updated_at",
    ],
    revives: true,
};

/// Guardianships.
pub const GUARDIANSHIPS: Upsert = Upsert {
    table: "guardianships",
    columns: &["guardian_id", "student_id", "relation", "source", "updated_at"],
    conflict: "guardian_id, student_id",
    update: &["source", "updated_at"],
    revives: true,
};

/// National student ids.
pub const SENSITIVE: Upsert = Upsert {
    table: "person_sensitive",
    columns: &["person_id", "national_student_id", "updated_at"],
    conflict: "person_id",
    update: &["national_student_id", "updated_at"],
    revives: false,
};

/// Largest number of bound parameters per statement (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_PARAMS: usize = 30_000;

/// Upserts `rows` (each with one value per column of `spec`) in as few statements as fit.
pub async fn upsert(conn: &mut impl Connection, spec: &Upsert, rows: &[Vec<Value>]) -> Result<()> {
    let width = spec.columns.len();
    let per_statement = (MAX_PARAMS / width).clamp(1, 2_000);
    let mut updates: Vec<String> = spec.update.iter().map(|c| format!("{c} = excluded.{c}")).collect();
    if spec.revives {
        updates.push("deleted_at = NULL".to_owned());
    }
    let on_conflict = if updates.is_empty() {
        format!("ON CONFLICT ({}) DO NOTHING", spec.conflict)
    } else {
        format!("ON CONFLICT ({}) DO UPDATE SET {}", spec.conflict, updates.join(", "))
    };
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", spec.table, spec.columns.join(", "));
        for (r, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), width, "a row must have one value per column");
            sql.push_str(if r == 0 { "(" } else { ",(" });
            for k in 0..width {
                if k > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", r * width + k + 1));
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(&on_conflict);
        exec!(conn, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for v in chunk.iter().flatten() {
                q = match v {
                    Value::Text(s) => q.bind(s.as_deref()),
                    Value::Int(i) => q.bind(*i),
                    Value::Real(f) => q.bind(*f),
                    Value::Bool(b) => q.bind(*b),
                };
            }
            q.execute(&mut *c).await
        })?;
    }
    Ok(())
}

/// Removes the terms of these classes (before their new terms are upserted).
pub async fn clear_class_terms(conn: &mut impl Connection, class_ids: &[String]) -> Result<()> {
    for chunk in class_ids.chunks(1000) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
        let sql = format!("DELETE FROM class_terms WHERE class_id IN ({marks})");
        exec!(conn, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.execute(&mut *c).await
        })?;
    }
    Ok(())
}

/// Soft-deletes rows by sourced id (a delta's `tobedeleted` rows), returning how many were live.
pub async fn delete_sourced(
    conn: &mut impl Connection,
    table: Table,
    sourced_ids: &[String],
    now: Timestamp,
) -> Result<u64> {
    let mut n = 0;
    for chunk in sourced_ids.chunks(1000) {
        let marks = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
        let sql = format!(
            "UPDATE {} SET deleted_at = $1, updated_at = $1 WHERE deleted_at IS NULL AND sourced_id IN ({marks})",
            table.name()
        );
        let done = exec!(conn, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now.millis());
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.execute(&mut *c).await
        })?;
        n += done;
    }
    if table == Table::People {
        end_sessions_of_deleted(conn).await?;
    }
    Ok(n)
}

/// Every live guardianship that a OneRoster import brought, as (guardian id, student id).
pub async fn imported_guardianships(conn: &mut impl Connection) -> Result<Vec<(String, String)>> {
    let rows = on!(conn, c => sqlx::query_as(
        "SELECT guardian_id, student_id FROM guardianships WHERE deleted_at IS NULL AND source = 'oneroster'")
        .fetch_all(&mut *c).await)?;
    Ok(rows)
}

/// Soft-deletes guardianships, returning how many were live.
pub async fn delete_guardianships(
    conn: &mut impl Connection,
    pairs: &[(String, String)],
    now: Timestamp,
) -> Result<u64> {
    let mut n = 0;
    for (guardian, student) in pairs {
        n += exec!(conn, c => sqlx::query(
            "UPDATE guardianships SET deleted_at = $1, updated_at = $1 WHERE guardian_id = $2 AND student_id = $3 AND deleted_at IS NULL")
            .bind(now.millis()).bind(guardian).bind(student).execute(&mut *c).await)?;
    }
    Ok(n)
}

async fn end_sessions_of_deleted(conn: &mut impl Connection) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "DELETE FROM login_sessions WHERE person_id IN (SELECT id FROM people WHERE deleted_at IS NOT NULL)")
        .execute(&mut *c).await)?;
    Ok(())
}

/// Sets birth date and sex for people (demographics sent without their users).
pub async fn update_demographics(
    conn: &mut impl Connection,
    person_id: &str,
    birth_date: Option<String>,
    sex: &str,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query("UPDATE people SET birth_date = $1, sex = $2, updated_at = $3 WHERE id = $4")
        .bind(birth_date).bind(sex).bind(now.millis()).bind(person_id).execute(&mut *c).await)?;
    Ok(())
}

/// One row to export: column values already as text, keyed by OneRoster column names chosen by
/// the caller's SQL aliases. `deleted` rows export as `tobedeleted` in a delta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub values: Vec<(String, Option<String>)>,
    pub deleted: bool,
    pub updated_at: Timestamp,
}

impl ExportRow {
    /// The value of a column.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.values.iter().find(|(c, _)| c == column).and_then(|(_, v)| v.as_deref())
    }
}

/// Which rows an export reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// Every live row (bulk).
    Live,
    /// Rows written after this time, deleted ones included (delta).
    ChangedSince(Timestamp),
}

/// The export query of each file: text columns aliased as the caller wants them.
fn export_sql(table: Table) -> &'static str {
    match table {
        Table::Orgs => {
            "SELECT o.sourced_id AS sourced, o.name AS name, o.kind AS kind, o.identifier AS identifier, \
             p.sourced_id AS parent, o.deleted_at IS NOT NULL AS deleted, o.updated_at AS updated_at \
             FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id"
        }
        Table::AcademicSessions => {
            "SELECT o.sourced_id AS sourced, o.title AS title, o.kind AS kind, o.start_date AS start_date, o.end_date AS end_date, \
             p.sourced_id AS parent, CAST(o.school_year AS TEXT) AS school_year, o.deleted_at IS NOT NULL AS deleted, o.updated_at AS updated_at \
             FROM academic_sessions o LEFT JOIN academic_sessions p ON p.id = o.parent_id"
        }
        Table::Courses => {
            "SELECT o.sourced_id AS sourced, y.sourced_id AS school_year, o.title AS title, o.code AS code, o.grades AS grades, \
             g.sourced_id AS org, o.subjects AS subjects, o.subject_codes AS subject_codes, o.deleted_at IS NOT NULL AS deleted, \
             o.updated_at AS updated_at FROM courses o JOIN orgs g ON g.id = o.org_id \
             LEFT JOIN academic_sessions y ON y.id = o.school_year_id"
        }
        Table::Classes => {
            "SELECT o.sourced_id AS sourced, o.title AS title, o.grades AS grades, co.sourced_id AS course, o.code AS code, \
             o.class_type AS class_type, o.location AS location, s.sourced_id AS school, o.subjects AS subjects, \
             o.subject_codes AS subject_codes, o.periods AS periods, o.id AS id, o.deleted_at IS NOT NULL AS deleted, \
             o.updated_at AS updated_at FROM classes o JOIN courses co ON co.id = o.course_id JOIN orgs s ON s.id = o.school_id"
        }
        Table::People => {
            "SELECT o.sourced_id AS sourced, CASE WHEN o.enabled THEN 'true' ELSE 'false' END AS enabled, o.username AS username, \
             o.user_ids AS user_ids, o.given_name AS given_name, o.family_name AS family_name, o.middle_name AS middle_name, \
             o.identifier AS identifier, o.email AS email, o.sms AS sms, o.phone AS phone, o.grades AS grades, \
             g.sourced_id AS primary_org, o.birth_date AS birth_date, o.sex AS sex, o.id AS id, \
             s.national_student_id AS national_student_id, o.deleted_at IS NOT NULL AS deleted, o.updated_at AS updated_at \
             FROM people o LEFT JOIN orgs g ON g.id = o.primary_org_id LEFT JOIN person_sensitive s ON s.person_id = o.id"
        }
        Table::Roles => {
            "SELECT o.sourced_id AS sourced, u.sourced_id AS person, CASE WHEN o.is_primary THEN 'primary' ELSE 'secondary' END AS role_type, \
             o.role AS role, o.begin_date AS begin_date, o.end_date AS end_date, g.sourced_id AS org, o.deleted_at IS NOT NULL AS deleted, \
             o.updated_at AS updated_at FROM roles o JOIN people u ON u.id = o.person_id JOIN orgs g ON g.id = o.org_id"
        }
        Table::Enrollments => {
            "SELECT o.sourced_id AS sourced, k.sourced_id AS class, s.sourced_id AS school, u.sourced_id AS person, o.role AS role, \
             CASE WHEN o.is_primary THEN 'true' ELSE 'false' END AS is_primary, o.begin_date AS begin_date, o.end_date AS end_date, \
             o.deleted_at IS NOT NULL AS deleted, o.updated_at AS updated_at FROM enrollments o JOIN classes k ON k.id = o.class_id \
             JOIN orgs s ON s.id = o.school_id JOIN people u ON u.id = o.person_id"
        }
    }
}

/// Reads every row of a table for export, ordered by sourced id.
pub async fn export(conn: &mut impl Connection, table: Table, scope: ExportScope) -> Result<Vec<ExportRow>> {
    use sqlx::{Column, Row};
    let (filter, since) = match scope {
        ExportScope::Live => ("o.deleted_at IS NULL", 0),
        ExportScope::ChangedSince(t) => ("o.updated_at > $1", t.millis()),
    };
    let sql = format!("{} WHERE {filter} ORDER BY o.sourced_id", export_sql(table));
    macro_rules! read_rows {
        ($rows:expr) => {
            $rows
                .into_iter()
                .map(|row| {
                    let mut values = Vec::new();
                    let mut deleted = false;
                    let mut updated_at = 0i64;
                    for (i, col) in row.columns().iter().enumerate() {
                        match col.name() {
                            "deleted" => deleted = row.try_get::<bool, _>(i)?,
                            "updated_at" => updated_at = row.try_get::<i64, _>(i)?,
                            name => values.push((name.to_owned(), row.try_get::<Option<String>, _>(i)?)),
                        }
                    }
                    Ok(ExportRow { values, deleted, updated_at: Timestamp::from_millis(updated_at) })
                })
                .collect::<Result<Vec<_>>>()
        };
    }
    match conn.db() {
        crate::Db::Sqlite(c) => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if since > 0 {
                q = q.bind(since);
            }
            let rows = q.fetch_all(&mut *c).await?;
            read_rows!(rows)
        }
        crate::Db::Postgres(c) => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if since > 0 {
                q = q.bind(since);
            }
            let rows = q.fetch_all(&mut *c).await?;
            read_rows!(rows)
        }
    }
}

/// The terms of every class, as sourced ids, keyed by class id.
pub async fn class_terms(conn: &mut impl Connection) -> Result<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = on!(conn, c => sqlx::query_as(
        "SELECT t.class_id, s.sourced_id FROM class_terms t JOIN academic_sessions s ON s.id = t.session_id ORDER BY s.sourced_id")
        .fetch_all(&mut *c).await)?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (class, term) in rows {
        out.entry(class).or_default().push(term);
    }
    Ok(out)
}

/// Every live guardianship as (guardian sourced id, student sourced id, guardian id, student id).
pub async fn guardianship_pairs(conn: &mut impl Connection) -> Result<Vec<(String, String, String, String)>> {
    let rows = on!(conn, c => sqlx::query_as(
        "SELECT g.sourced_id, s.sourced_id, g.id, s.id FROM guardianships x JOIN people g ON g.id = x.guardian_id \
         JOIN people s ON s.id = x.student_id WHERE x.deleted_at IS NULL ORDER BY g.sourced_id, s.sourced_id")
        .fetch_all(&mut *c).await)?;
    Ok(rows)
}
