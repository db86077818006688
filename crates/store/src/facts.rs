//! The facts the access policy decides on, gathered in a few queries.

use access::{ClassFacts, Grant, Principal, StudentFacts};
use base::{ClassId, Date, OrgId, PersonId};
use records::Role;

use crate::rows::{corrupt, parse_id};
use crate::{Connection, Result, teaching};

/// The principal for a person: their role grants active on `today`.
pub async fn principal(conn: &mut impl Connection, person: &PersonId, today: Date) -> Result<Principal> {
    let rows: Vec<(String, String)> = on!(conn, c => sqlx::query_as(
        "SELECT role, org_id FROM roles WHERE person_id = $1 AND deleted_at IS NULL \
         AND (begin_date IS NULL OR begin_date <= $2) AND (end_date IS NULL OR end_date >= $2) ORDER BY is_primary DESC, role")
        .bind(person.as_str()).bind(today.to_string()).fetch_all(&mut *c).await)?;
    let grants = rows
        .into_iter()
        .map(|(role, org)| {
            Ok(Grant { role: Role::parse(&role).map_err(|e| corrupt("role", e))?, org: parse_id!(OrgId, org)? })
        })
        .collect::<Result<_>>()?;
    Ok(Principal { person: person.clone(), grants })
}

async fn ancestry_of_all(conn: &mut impl Connection, orgs: Vec<String>) -> Result<Vec<OrgId>> {
    let mut out: Vec<OrgId> = Vec::new();
    for org in orgs {
        for id in teaching::org_ancestry(conn, &parse_id!(OrgId, org)?).await? {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// Everything the policy needs to decide about one student, as of `today`. A person who is not
/// a live student yields facts with `student: None`, which the policy denies.
pub async fn student_facts(conn: &mut impl Connection, student: &PersonId, today: Date) -> Result<StudentFacts> {
    let day = today.to_string();
    let exists: Option<(String,)> = on!(conn, c => sqlx::query_as("SELECT id FROM people WHERE id = $1 AND deleted_at IS NULL")
        .bind(student.as_str()).fetch_optional(&mut *c).await)?;
    if exists.is_none() {
        return Ok(StudentFacts::default());
    }
    // The student's schools: where they are enrolled, hold a role, or primarily belong.
    let orgs: Vec<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT school_id FROM enrollments WHERE person_id = $1 AND deleted_at IS NULL \
         UNION SELECT org_id FROM roles WHERE person_id = $1 AND deleted_at IS NULL \
         UNION SELECT primary_org_id FROM people WHERE id = $1 AND primary_org_id IS NOT NULL")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    let orgs = ancestry_of_all(conn, orgs.into_iter().map(|(o,)| o).collect()).await?;
    let teachers: Vec<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT DISTINCT t.person_id FROM enrollments s JOIN enrollments t ON t.class_id = s.class_id \
         WHERE s.person_id = $1 AND s.role = 'student' AND s.deleted_at IS NULL \
         AND (s.begin_date IS NULL OR s.begin_date <= $2) AND (s.end_date IS NULL OR s.end_date >= $2) \
         AND t.role IN ('teacher', 'aide') AND t.deleted_at IS NULL \
         AND (t.begin_date IS NULL OR t.begin_date <= $2) AND (t.end_date IS NULL OR t.end_date >= $2)")
        .bind(student.as_str()).bind(&day).fetch_all(&mut *c).await)?;
    let guardians: Vec<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT guardian_id FROM guardianships WHERE student_id = $1 AND deleted_at IS NULL")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    let duties = duties_covering(conn, student, &orgs).await?;
    Ok(StudentFacts {
        student: Some(student.clone()),
        orgs,
        teachers: teachers.into_iter().map(|(p,)| parse_id!(PersonId, p)).collect::<Result<_>>()?,
        guardians: guardians.into_iter().map(|(p,)| parse_id!(PersonId, p)).collect::<Result<_>>()?,
        duties,
    })
}

async fn duties_covering(conn: &mut impl Connection, student: &PersonId, orgs: &[OrgId]) -> Result<Vec<access::Duty>> {
    let rows: Vec<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT DISTINCT holder_id FROM duties WHERE revoked_at IS NULL AND \
         ((scope_kind = 'student' AND scope_id = $1) OR scope_kind = 'org')")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    let mut out = Vec::new();
    for (holder,) in rows {
        for duty in crate::history::duties_of(conn, &parse_id!(PersonId, holder)?).await? {
            let relevant = match &duty.scope {
                access::DutyScope::Student(s) => s == student,
                access::DutyScope::Org(o) => orgs.contains(o),
            };
            if relevant {
                out.push(duty);
            }
        }
    }
    Ok(out)
}

/// Everything the policy needs to decide about one class, as of `today`; `None` if there is no
/// such live class.
pub async fn class_facts(conn: &mut impl Connection, class: &ClassId, today: Date) -> Result<Option<ClassFacts>> {
    let school: Option<(String,)> = on!(conn, c => sqlx::query_as("SELECT school_id FROM classes WHERE id = $1 AND deleted_at IS NULL")
        .bind(class.as_str()).fetch_optional(&mut *c).await)?;
    let Some((school,)) = school else {
        return Ok(None);
    };
    let orgs = teaching::org_ancestry(conn, &parse_id!(OrgId, school)?).await?;
    let teachers: Vec<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT DISTINCT person_id FROM enrollments WHERE class_id = $1 AND role IN ('teacher', 'aide') AND deleted_at IS NULL \
         AND (begin_date IS NULL OR begin_date <= $2) AND (end_date IS NULL OR end_date >= $2)")
        .bind(class.as_str()).bind(today.to_string()).fetch_all(&mut *c).await)?;
    Ok(Some(ClassFacts {
        class: class.clone(),
        orgs,
        teachers: teachers.into_iter().map(|(p,)| parse_id!(PersonId, p)).collect::<Result<_>>()?,
    }))
}
