//! Administrative records, placements, consents and duties.

use access::consent::{Consent, GivenBy, Purpose};
use access::{Duty, DutyScope};
use base::{ConsentId, OrgId, PersonId, RecordId, Timestamp};
use records::{AdminRecord, AdminRecordKind, Placement, PlacementKind};

use crate::rows::{corrupt, date, parse_id, ts};
use crate::{Connection, Result};

#[derive(sqlx::FromRow)]
struct AdminRow {
    id: String,
    student_id: String,
    kind: String,
    day: String,
    org_id: Option<String>,
    detail: String,
}

/// A student's administrative records, oldest first.
pub async fn admin_records(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<AdminRecord>> {
    let rows: Vec<AdminRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, student_id, kind, day, org_id, detail FROM admin_records WHERE student_id = $1 ORDER BY day, created_at, id")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(AdminRecord {
                id: parse_id!(RecordId, r.id)?,
                student: parse_id!(PersonId, r.student_id)?,
                kind: AdminRecordKind::parse(&r.kind).map_err(|e| corrupt("admin record", e))?,
                date: date(&r.day)?,
                org: r.org_id.map(|o| parse_id!(OrgId, o)).transpose()?,
                detail: r.detail,
            })
        })
        .collect()
}

/// Adds an administrative record.
pub async fn insert_admin_record(conn: &mut impl Connection, a: &AdminRecord, by: &str, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO admin_records (id, student_id, kind, day, org_id, detail, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(a.id.as_str()).bind(a.student.as_str()).bind(a.kind.as_str()).bind(a.date.to_string())
        .bind(a.org.as_ref().map(OrgId::as_str)).bind(&a.detail).bind(now.millis()).bind(by).execute(&mut *c).await)?;
    Ok(())
}

/// A student's placements, by year.
pub async fn placements(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<Placement>> {
    let rows: Vec<(String, String, String, String, Option<String>, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT id, student_id, kind, destination, programme, year FROM placements WHERE student_id = $1 ORDER BY year, id")
        .bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter()
        .map(|(id, student, kind, destination, programme, year)| {
            Ok(Placement {
                id: parse_id!(RecordId, id)?,
                student: parse_id!(PersonId, student)?,
                kind: PlacementKind::parse(&kind).map_err(|e| corrupt("placement", e))?,
                destination,
                programme,
                year: i32::try_from(year).map_err(|e| corrupt("placement year", e))?,
            })
        })
        .collect()
}

/// Adds a placement.
pub async fn insert_placement(conn: &mut impl Connection, p: &Placement, by: &str, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO placements (id, student_id, kind, destination, programme, year, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(p.id.as_str()).bind(p.student.as_str()).bind(p.kind.as_str()).bind(&p.destination).bind(&p.programme)
        .bind(i64::from(p.year)).bind(now.millis()).bind(by).execute(&mut *c).await)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    id: String,
    student_id: String,
    purpose: String,
    given_by: String,
    recorded_by: String,
    given_at: i64,
    student_age_at_grant: Option<i64>,
    withdrawn_at: Option<i64>,
    withdrawn_by: Option<String>,
}

impl ConsentRow {
    fn into_consent(self) -> Result<Consent> {
        Ok(Consent {
            id: parse_id!(ConsentId, self.id)?,
            student: parse_id!(PersonId, self.student_id)?,
            purpose: Purpose::parse(&self.purpose).ok_or_else(|| corrupt("consent purpose", &self.purpose))?,
            given_by: GivenBy::parse(&self.given_by).ok_or_else(|| corrupt("consent given by", &self.given_by))?,
            recorded_by: parse_id!(PersonId, self.recorded_by)?,
            given_at: ts(self.given_at),
            student_age_at_grant: self.student_age_at_grant.and_then(|a| u32::try_from(a).ok()),
            withdrawn_at: self.withdrawn_at.map(ts),
            withdrawn_by: self.withdrawn_by.map(|p| parse_id!(PersonId, p)).transpose()?,
        })
    }
}

/// Every consent record of a student, newest first (withdrawn ones included: they are history).
pub async fn consents(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<Consent>> {
    let rows: Vec<ConsentRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, student_id, purpose, given_by, recorded_by, given_at, student_age_at_grant, withdrawn_at, withdrawn_by \
         FROM consents WHERE student_id = $1 ORDER BY given_at DESC, id").bind(student.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(ConsentRow::into_consent).collect()
}

/// Records a consent.
pub async fn insert_consent(conn: &mut impl Connection, k: &Consent) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO consents (id, student_id, purpose, given_by, recorded_by, given_at, student_age_at_grant) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(k.id.as_str()).bind(k.student.as_str()).bind(k.purpose.as_str()).bind(k.given_by.as_str())
        .bind(k.recorded_by.as_str()).bind(k.given_at.millis()).bind(k.student_age_at_grant.map(i64::from))
        .execute(&mut *c).await)?;
    Ok(())
}

/// Withdraws every consent in force for `purpose`, returning how many.
pub async fn withdraw_consent(
    conn: &mut impl Connection,
    student: &PersonId,
    purpose: Purpose,
    by: &PersonId,
    now: Timestamp,
) -> Result<u64> {
    let done = exec!(conn, c => sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2 WHERE student_id = $3 AND purpose = $4 AND withdrawn_at IS NULL")
        .bind(now.millis()).bind(by.as_str()).bind(student.as_str()).bind(purpose.as_str()).execute(&mut *c).await)?;
    Ok(done)
}

/// Records a duty.
pub async fn insert_duty(conn: &mut impl Connection, d: &Duty, recorded_by: &PersonId) -> Result<()> {
    let (kind, scope) = match &d.scope {
        DutyScope::Student(p) => ("student", p.as_str()),
        DutyScope::Org(o) => ("org", o.as_str()),
    };
    exec!(conn, c => sqlx::query(
        "INSERT INTO duties (id, holder_id, scope_kind, scope_id, reason, starts_at, expires_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(d.id.as_str()).bind(d.holder.as_str()).bind(kind).bind(scope).bind(&d.reason).bind(d.starts.millis())
        .bind(d.expires.millis()).bind(recorded_by.as_str()).execute(&mut *c).await)?;
    Ok(())
}

/// Revokes a duty early.
pub async fn revoke_duty(conn: &mut impl Connection, id: &RecordId, now: Timestamp) -> Result<bool> {
    let done = exec!(conn, c => sqlx::query("UPDATE duties SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now.millis()).bind(id.as_str()).execute(&mut *c).await)?;
    Ok(done == 1)
}

/// The duties held by `holder` (all of them; the policy checks time and scope).
pub async fn duties_of(conn: &mut impl Connection, holder: &PersonId) -> Result<Vec<Duty>> {
    type DutyRow = (String, String, String, String, String, i64, i64, Option<i64>);
    let rows: Vec<DutyRow> = on!(conn, c => sqlx::query_as(
        "SELECT id, holder_id, scope_kind, scope_id, reason, starts_at, expires_at, revoked_at FROM duties WHERE holder_id = $1 ORDER BY starts_at DESC")
        .bind(holder.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter()
        .map(|(id, holder, kind, scope, reason, starts, expires, revoked)| {
            Ok(Duty {
                id: parse_id!(RecordId, id)?,
                holder: parse_id!(PersonId, holder)?,
                scope: match kind.as_str() {
                    "student" => DutyScope::Student(parse_id!(PersonId, scope)?),
                    "org" => DutyScope::Org(parse_id!(OrgId, scope)?),
                    other => return Err(corrupt("duty scope", other)),
                },
                reason,
                starts: ts(starts),
                expires: ts(expires),
                revoked: revoked.is_some(),
            })
        })
        .collect()
}
