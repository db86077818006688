//! Organisations, academic sessions, courses, classes and enrollments.

use base::{AcademicSessionId, ClassId, CourseId, EnrollmentId, OrgId, PersonId, Timestamp};
use records::{AcademicSession, Class, ClassType, Course, Enrollment, EnrollmentRole, Org, OrgKind, SessionKind};

use crate::people::Source;
use crate::rows::{corrupt, date, join_list, opt_date, parse_id, split_list};
use crate::{Connection, Result};

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: String,
    sourced_id: String,
    name: String,
    kind: String,
    identifier: Option<String>,
    parent_id: Option<String>,
}

impl OrgRow {
    fn into_org(self) -> Result<Org> {
        Ok(Org {
            id: parse_id!(OrgId, self.id)?,
            sourced_id: self.sourced_id,
            name: self.name,
            kind: OrgKind::parse(&self.kind).map_err(|e| corrupt("org", e))?,
            identifier: self.identifier,
            parent: self.parent_id.map(|p| parse_id!(OrgId, p)).transpose()?,
        })
    }
}

const ORG_COLUMNS: &str = "id, sourced_id, name, kind, identifier, parent_id";

/// A live organisation.
pub async fn org(conn: &mut impl Connection, id: &OrgId) -> Result<Option<Org>> {
    let sql = format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<OrgRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(&mut *c).await)?;
    row.map(OrgRow::into_org).transpose()
}

/// Every live organisation, parents before children where possible (by kind, then name).
pub async fn orgs(conn: &mut impl Connection) -> Result<Vec<Org>> {
    let sql = format!("SELECT {ORG_COLUMNS} FROM orgs WHERE deleted_at IS NULL ORDER BY name, id");
    let rows: Vec<OrgRow> = on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?;
    let mut orgs = rows.into_iter().map(OrgRow::into_org).collect::<Result<Vec<_>>>()?;
    orgs.sort_by_key(|o| o.kind);
    Ok(orgs)
}

/// The organisation and every organisation above it, nearest first.
pub async fn org_ancestry(conn: &mut impl Connection, id: &OrgId) -> Result<Vec<OrgId>> {
    let rows: Vec<(String, i64)> = on!(conn, c => sqlx::query_as(
        "WITH RECURSIVE up(id, parent_id, depth) AS ( \
           SELECT id, parent_id, CAST(0 AS BIGINT) FROM orgs WHERE id = $1 \
           UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM orgs o JOIN up ON o.id = up.parent_id WHERE up.depth < 16) \
         SELECT id, depth FROM up ORDER BY depth").bind(id.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(|(id, _)| parse_id!(OrgId, id)).collect()
}

/// The organisation and every organisation below it.
pub async fn org_subtree(conn: &mut impl Connection, id: &OrgId) -> Result<Vec<OrgId>> {
    let rows: Vec<(String,)> = on!(conn, c => sqlx::query_as(
        "WITH RECURSIVE down(id, depth) AS ( \
           SELECT id, CAST(0 AS BIGINT) FROM orgs WHERE id = $1 \
           UNION ALL SELECT o.id, down.depth + 1 FROM orgs o JOIN down ON o.parent_id = down.id WHERE o.deleted_at IS NULL AND down.depth < 16) \
         SELECT id FROM down").bind(id.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(|(id,)| parse_id!(OrgId, id)).collect()
}

/// Adds an organisation.
pub async fn insert_org(conn: &mut impl Connection, o: &Org, source: Source, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO orgs (id, sourced_id, name, kind, identifier, parent_id, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(o.id.as_str()).bind(&o.sourced_id).bind(&o.name).bind(o.kind.as_str()).bind(&o.identifier)
        .bind(o.parent.as_ref().map(OrgId::as_str)).bind(source.as_str()).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    sourced_id: String,
    title: String,
    kind: String,
    start_date: String,
    end_date: String,
    parent_id: Option<String>,
    school_year: i64,
    org_id: Option<String>,
}

impl SessionRow {
    fn into_session(self) -> Result<AcademicSession> {
        Ok(AcademicSession {
            id: parse_id!(AcademicSessionId, self.id)?,
            sourced_id: self.sourced_id,
            title: self.title,
            kind: SessionKind::parse(&self.kind).map_err(|e| corrupt("session", e))?,
            start: date(&self.start_date)?,
            end: date(&self.end_date)?,
            parent: self.parent_id.map(|p| parse_id!(AcademicSessionId, p)).transpose()?,
            school_year: i32::try_from(self.school_year).map_err(|e| corrupt("school year", e))?,
            org: self.org_id.map(|o| parse_id!(OrgId, o)).transpose()?,
        })
    }
}

/// Every live academic session, by start date.
pub async fn sessions(conn: &mut impl Connection) -> Result<Vec<AcademicSession>> {
    let rows: Vec<SessionRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, sourced_id, title, kind, start_date, end_date, parent_id, school_year, org_id FROM academic_sessions \
         WHERE deleted_at IS NULL ORDER BY start_date, end_date DESC, id").fetch_all(&mut *c).await)?;
    rows.into_iter().map(SessionRow::into_session).collect()
}

/// Adds an academic session.
pub async fn insert_session(
    conn: &mut impl Connection,
    s: &AcademicSession,
    source: Source,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO academic_sessions (id, sourced_id, title, kind, start_date, end_date, parent_id, school_year, org_id, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(s.id.as_str()).bind(&s.sourced_id).bind(&s.title).bind(s.kind.as_str()).bind(s.start.to_string())
        .bind(s.end.to_string()).bind(s.parent.as_ref().map(AcademicSessionId::as_str)).bind(i64::from(s.school_year))
        .bind(s.org.as_ref().map(OrgId::as_str)).bind(source.as_str()).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: String,
    sourced_id: String,
    title: String,
    code: Option<String>,
    org_id: String,
    school_year_id: Option<String>,
    grades: String,
    subjects: String,
}

impl CourseRow {
    fn into_course(self) -> Result<Course> {
        Ok(Course {
            id: parse_id!(CourseId, self.id)?,
            sourced_id: self.sourced_id,
            title: self.title,
            code: self.code,
            org: parse_id!(OrgId, self.org_id)?,
            school_year: self.school_year_id.map(|s| parse_id!(AcademicSessionId, s)).transpose()?,
            grades: split_list(&self.grades),
            subjects: split_list(&self.subjects),
        })
    }
}

/// Every live course, by title.
pub async fn courses(conn: &mut impl Connection) -> Result<Vec<Course>> {
    let rows: Vec<CourseRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, sourced_id, title, code, org_id, school_year_id, grades, subjects FROM courses WHERE deleted_at IS NULL ORDER BY title, id")
        .fetch_all(&mut *c).await)?;
    rows.into_iter().map(CourseRow::into_course).collect()
}

/// Adds a course.
pub async fn insert_course(conn: &mut impl Connection, course: &Course, source: Source, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO courses (id, sourced_id, title, code, org_id, school_year_id, grades, subjects, subject_codes, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10)")
        .bind(course.id.as_str()).bind(&course.sourced_id).bind(&course.title).bind(&course.code).bind(course.org.as_str())
        .bind(course.school_year.as_ref().map(AcademicSessionId::as_str)).bind(join_list(&course.grades))
        .bind(join_list(&course.subjects)).bind(source.as_str()).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ClassRow {
    id: String,
    sourced_id: String,
    title: String,
    code: Option<String>,
    class_type: String,
    course_id: String,
    school_id: String,
    location: Option<String>,
    grades: String,
    subjects: String,
    periods: String,
    terms: Option<String>,
}

impl ClassRow {
    fn into_class(self) -> Result<Class> {
        Ok(Class {
            id: parse_id!(ClassId, self.id)?,
            sourced_id: self.sourced_id,
            title: self.title,
            code: self.code,
            class_type: ClassType::parse(&self.class_type).map_err(|e| corrupt("class", e))?,
            course: parse_id!(CourseId, self.course_id)?,
            school: parse_id!(OrgId, self.school_id)?,
            location: self.location,
            grades: split_list(&self.grades),
            subjects: split_list(&self.subjects),
            periods: split_list(&self.periods),
            terms: split_list(self.terms.as_deref().unwrap_or(""))
                .into_iter()
                .map(|t| parse_id!(AcademicSessionId, t))
                .collect::<Result<_>>()?,
        })
    }
}

fn class_select(filter: &str) -> String {
    // Terms are gathered with a correlated subquery joined by commas; string_agg and group_concat
    // are the two dialects' names for the same aggregate, so the query is built per backend.
    format!(
        "SELECT k.id, k.sourced_id, k.title, k.code, k.class_type, k.course_id, k.school_id, k.location, k.grades, \
         k.subjects, k.periods, (SELECT {{agg}} FROM class_terms t WHERE t.class_id = k.id) AS terms \
         FROM classes k WHERE k.deleted_at IS NULL {filter} ORDER BY k.title, k.id"
    )
}

async fn classes_where(conn: &mut impl Connection, filter: &str, bind: Option<&str>) -> Result<Vec<Class>> {
    let template = class_select(filter);
    let rows: Vec<ClassRow> = match conn.db() {
        crate::Db::Sqlite(c) => {
            let sql = template.replace("{agg}", "group_concat(t.session_id, ',')");
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            if let Some(b) = bind {
                q = q.bind(b);
            }
            q.fetch_all(&mut *c).await?
        }
        crate::Db::Postgres(c) => {
            let sql = template.replace("{agg}", "string_agg(t.session_id, ',')");
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            if let Some(b) = bind {
                q = q.bind(b);
            }
            q.fetch_all(&mut *c).await?
        }
    };
    rows.into_iter().map(ClassRow::into_class).collect()
}

/// A live class.
pub async fn class(conn: &mut impl Connection, id: &ClassId) -> Result<Option<Class>> {
    Ok(classes_where(conn, "AND k.id = $1", Some(id.as_str())).await?.pop())
}

/// The live classes of a school.
pub async fn classes_of_school(conn: &mut impl Connection, school: &OrgId) -> Result<Vec<Class>> {
    classes_where(conn, "AND k.school_id = $1", Some(school.as_str())).await
}

/// Every live class.
pub async fn classes(conn: &mut impl Connection) -> Result<Vec<Class>> {
    classes_where(conn, "", None).await
}

/// Adds a class and its terms.
pub async fn insert_class(conn: &mut impl Connection, k: &Class, source: Source, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO classes (id, sourced_id, title, code, class_type, course_id, school_id, location, grades, subjects, \
         subject_codes, periods, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12, $13)")
        .bind(k.id.as_str()).bind(&k.sourced_id).bind(&k.title).bind(&k.code).bind(k.class_type.as_str())
        .bind(k.course.as_str()).bind(k.school.as_str()).bind(&k.location).bind(join_list(&k.grades))
        .bind(join_list(&k.subjects)).bind(join_list(&k.periods)).bind(source.as_str()).bind(now.millis())
        .execute(&mut *c).await)?;
    for term in &k.terms {
        exec!(conn, c => sqlx::query("INSERT INTO class_terms (class_id, session_id) VALUES ($1, $2)")
            .bind(k.id.as_str()).bind(term.as_str()).execute(&mut *c).await)?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EnrollmentRow {
    id: String,
    sourced_id: String,
    class_id: String,
    school_id: String,
    person_id: String,
    role: String,
    is_primary: bool,
    begin_date: Option<String>,
    end_date: Option<String>,
}

impl EnrollmentRow {
    fn into_enrollment(self) -> Result<Enrollment> {
        Ok(Enrollment {
            id: parse_id!(EnrollmentId, self.id)?,
            sourced_id: self.sourced_id,
            class: parse_id!(ClassId, self.class_id)?,
            school: parse_id!(OrgId, self.school_id)?,
            person: parse_id!(PersonId, self.person_id)?,
            role: EnrollmentRole::parse(&self.role).map_err(|e| corrupt("enrollment", e))?,
            primary: self.is_primary,
            begin: opt_date(self.begin_date.as_deref())?,
            end: opt_date(self.end_date.as_deref())?,
        })
    }
}

const ENROLLMENT_COLUMNS: &str =
    "id, sourced_id, class_id, school_id, person_id, role, is_primary, begin_date, end_date";

/// A person's live enrollments.
pub async fn enrollments_of_person(conn: &mut impl Connection, person: &PersonId) -> Result<Vec<Enrollment>> {
    let sql = format!(
        "SELECT {ENROLLMENT_COLUMNS} FROM enrollments WHERE person_id = $1 AND deleted_at IS NULL ORDER BY class_id"
    );
    let rows: Vec<EnrollmentRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(EnrollmentRow::into_enrollment).collect()
}

/// A class's live enrollments.
pub async fn enrollments_of_class(conn: &mut impl Connection, class: &ClassId) -> Result<Vec<Enrollment>> {
    let sql = format!(
        "SELECT {ENROLLMENT_COLUMNS} FROM enrollments WHERE class_id = $1 AND deleted_at IS NULL ORDER BY role, person_id"
    );
    let rows: Vec<EnrollmentRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(class.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(EnrollmentRow::into_enrollment).collect()
}

/// Adds an enrollment.
pub async fn insert_enrollment(
    conn: &mut impl Connection,
    e: &Enrollment,
    source: Source,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO enrollments (id, sourced_id, class_id, school_id, person_id, role, is_primary, begin_date, end_date, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(e.id.as_str()).bind(&e.sourced_id).bind(e.class.as_str()).bind(e.school.as_str()).bind(e.person.as_str())
        .bind(e.role.as_str()).bind(e.primary).bind(e.begin.map(|d| d.to_string())).bind(e.end.map(|d| d.to_string()))
        .bind(source.as_str()).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// Ends a person's open enrollments on `day` (a transfer or withdrawal), returning how many.
pub async fn end_enrollments(
    conn: &mut impl Connection,
    person: &PersonId,
    day: base::Date,
    now: Timestamp,
) -> Result<u64> {
    let done = exec!(conn, c => sqlx::query(
        "UPDATE enrollments SET end_date = $1, updated_at = $2 WHERE person_id = $3 AND deleted_at IS NULL \
         AND (end_date IS NULL OR end_date > $1)")
        .bind(day.to_string()).bind(now.millis()).bind(person.as_str()).execute(&mut *c).await)?;
    Ok(done)
}
