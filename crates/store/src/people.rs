//! People, their roles, guardianships, passwords and sensitive identifiers.

use base::{Date, OrgId, Page, PageRequest, PersonId, Timestamp};
use records::{Guardianship, NationalStudentId, Person, PersonName, Role, RoleAssignment, Sex};

use crate::rows::{corrupt, join_list, opt_date, parse_id, split_list};
use crate::{Connection, Result};

const PERSON_COLUMNS: &str = "id, sourced_id, username, given_name, family_name, preferred_name, identifier, email, \
     phone, birth_date, sex, grades, enabled, primary_org_id, locale";

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    sourced_id: String,
    username: Option<String>,
    given_name: String,
    family_name: String,
    preferred_name: Option<String>,
    identifier: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    birth_date: Option<String>,
    sex: String,
    grades: String,
    enabled: bool,
    primary_org_id: Option<String>,
    locale: Option<String>,
}

impl PersonRow {
    fn into_person(self) -> Result<Person> {
        Ok(Person {
            id: parse_id!(PersonId, self.id)?,
            sourced_id: self.sourced_id,
            username: self.username,
            given_name: PersonName::parse(&self.given_name, "given name").map_err(|e| corrupt("person", e))?,
            family_name: PersonName::parse(&self.family_name, "family name").map_err(|e| corrupt("person", e))?,
            preferred_name: self.preferred_name,
            identifier: self.identifier,
            email: self.email,
            phone: self.phone,
            birth_date: opt_date(self.birth_date.as_deref())?,
            sex: Sex::parse(&self.sex).map_err(|e| corrupt("person", e))?,
            grades: split_list(&self.grades),
            enabled: self.enabled,
            primary_org: self.primary_org_id.map(|o| parse_id!(OrgId, o)).transpose()?,
            locale: self.locale,
        })
    }
}

fn persons(rows: Vec<PersonRow>) -> Result<Vec<Person>> {
    rows.into_iter().map(PersonRow::into_person).collect()
}

/// A live person by id.
pub async fn get(conn: &mut impl Connection, id: &PersonId) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<PersonRow> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(&mut *c).await)?;
    row.map(PersonRow::into_person).transpose()
}

/// Live people by id, in no particular order; unknown ids are left out.
pub async fn get_many(conn: &mut impl Connection, ids: &[PersonId]) -> Result<Vec<Person>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE deleted_at IS NULL AND id IN ({marks})");
        let rows: Vec<PersonRow> = on!(conn, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        out.extend(persons(rows)?);
    }
    Ok(out)
}

/// What signing in needs to know about a username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub person: PersonId,
    /// The PHC string of the argon2id hash, if a password was ever set.
    pub password_hash: Option<String>,
    pub enabled: bool,
}

/// The credentials of the live person with `username`.
pub async fn credentials(conn: &mut impl Connection, username: &str) -> Result<Option<Credentials>> {
    let row: Option<(String, Option<String>, bool)> = on!(conn, c => sqlx::query_as(
        "SELECT id, password_hash, enabled FROM people WHERE username = $1 AND deleted_at IS NULL"
    ).bind(username).fetch_optional(&mut *c).await)?;
    row.map(|(id, password_hash, enabled)| Ok(Credentials { person: parse_id!(PersonId, id)?, password_hash, enabled }))
        .transpose()
}

/// Stores a new password hash.
pub async fn set_password_hash(conn: &mut impl Connection, id: &PersonId, hash: &str, now: Timestamp) -> Result<bool> {
    let done = exec!(conn, c => sqlx::query("UPDATE people SET password_hash = $1, updated_at = $2 WHERE id = $3 AND deleted_at IS NULL")
        .bind(hash).bind(now.millis()).bind(id.as_str()).execute(&mut *c).await)?;
    Ok(done == 1)
}

/// Where a record came from; bulk OneRoster imports only delete what they brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Made in Inkstone (by an administrator, a teacher, or the demo generator).
    Local,
    /// Imported from a OneRoster set.
    OneRoster,
    /// Arrived in a transfer bundle.
    Transfer,
}

impl Source {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Local => "local",
            Source::OneRoster => "oneroster",
            Source::Transfer => "transfer",
        }
    }
}

/// Adds a person. Fails with `Conflict` if the id, sourced id or username is taken.
pub async fn insert(conn: &mut impl Connection, p: &Person, source: Source, now: Timestamp) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO people (id, sourced_id, username, given_name, family_name, preferred_name, identifier, email, phone, \
         user_ids, birth_date, sex, grades, enabled, primary_org_id, locale, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11, $12, $13, $14, $15, $16, $17)")
        .bind(p.id.as_str()).bind(&p.sourced_id).bind(&p.username).bind(p.given_name.as_str()).bind(p.family_name.as_str())
        .bind(&p.preferred_name).bind(&p.identifier).bind(&p.email).bind(&p.phone)
        .bind(p.birth_date.map(|d| d.to_string())).bind(p.sex.as_str()).bind(join_list(&p.grades)).bind(p.enabled)
        .bind(p.primary_org.as_ref().map(OrgId::as_str)).bind(&p.locale).bind(source.as_str()).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// Replaces a live person's profile fields (not their id, sourced id or password).
pub async fn update(conn: &mut impl Connection, p: &Person, now: Timestamp) -> Result<bool> {
    let done = exec!(conn, c => sqlx::query(
        "UPDATE people SET username = $2, given_name = $3, family_name = $4, preferred_name = $5, identifier = $6, \
         email = $7, phone = $8, birth_date = $9, sex = $10, grades = $11, enabled = $12, primary_org_id = $13, \
         locale = $14, updated_at = $15 WHERE id = $1 AND deleted_at IS NULL")
        .bind(p.id.as_str()).bind(&p.username).bind(p.given_name.as_str()).bind(p.family_name.as_str())
        .bind(&p.preferred_name).bind(&p.identifier).bind(&p.email).bind(&p.phone)
        .bind(p.birth_date.map(|d| d.to_string())).bind(p.sex.as_str()).bind(join_list(&p.grades)).bind(p.enabled)
        .bind(p.primary_org.as_ref().map(OrgId::as_str)).bind(&p.locale).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(done == 1)
}

/// The person's national student id. Callers must have authorised and audited the read.
pub async fn national_student_id(conn: &mut impl Connection, id: &PersonId) -> Result<Option<NationalStudentId>> {
    let row: Option<(Option<String>,)> = on!(conn, c => sqlx::query_as(
        "SELECT national_student_id FROM person_sensitive WHERE person_id = $1").bind(id.as_str()).fetch_optional(&mut *c).await)?;
    row.and_then(|(s,)| s)
        .map(|s| NationalStudentId::parse(&s).map_err(|e| corrupt("national student id", e)))
        .transpose()
}

/// Sets or clears the national student id. A second person with the same id is a `Conflict`.
pub async fn set_national_student_id(
    conn: &mut impl Connection,
    id: &PersonId,
    nsid: Option<&NationalStudentId>,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO person_sensitive (person_id, national_student_id, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET national_student_id = excluded.national_student_id, updated_at = excluded.updated_at")
        .bind(id.as_str()).bind(nsid.map(NationalStudentId::expose)).bind(now.millis()).execute(&mut *c).await)?;
    Ok(())
}

/// The live person holding a national student id, if any.
pub async fn find_by_national_student_id(
    conn: &mut impl Connection,
    nsid: &NationalStudentId,
) -> Result<Option<PersonId>> {
    let row: Option<(String,)> = on!(conn, c => sqlx::query_as(
        "SELECT p.id FROM person_sensitive s JOIN people p ON p.id = s.person_id \
         WHERE s.national_student_id = $1 AND p.deleted_at IS NULL").bind(nsid.expose()).fetch_optional(&mut *c).await)?;
    row.map(|(id,)| parse_id!(PersonId, id)).transpose()
}

/// Marks a person deleted: they disappear from rosters and cannot sign in; their records stay.
pub async fn soft_delete(conn: &mut impl Connection, id: &PersonId, now: Timestamp) -> Result<bool> {
    let done = exec!(conn, c => sqlx::query("UPDATE people SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL")
        .bind(now.millis()).bind(id.as_str()).execute(&mut *c).await)?;
    exec!(conn, c => sqlx::query("DELETE FROM login_sessions WHERE person_id = $1").bind(id.as_str()).execute(&mut *c).await)?;
    Ok(done == 1)
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    person_id: String,
    role: String,
    org_id: String,
    is_primary: bool,
    begin_date: Option<String>,
    end_date: Option<String>,
}

impl RoleRow {
    fn into_assignment(self) -> Result<RoleAssignment> {
        Ok(RoleAssignment {
            person: parse_id!(PersonId, self.person_id)?,
            role: Role::parse(&self.role).map_err(|e| corrupt("role", e))?,
            org: parse_id!(OrgId, self.org_id)?,
            primary: self.is_primary,
            begin: opt_date(self.begin_date.as_deref())?,
            end: opt_date(self.end_date.as_deref())?,
        })
    }
}

/// A person's live role assignments (current or not: filter with `RoleAssignment::active_on`).
pub async fn roles(conn: &mut impl Connection, id: &PersonId) -> Result<Vec<RoleAssignment>> {
    let rows: Vec<RoleRow> = on!(conn, c => sqlx::query_as(
        "SELECT person_id, role, org_id, is_primary, begin_date, end_date FROM roles WHERE person_id = $1 AND deleted_at IS NULL ORDER BY is_primary DESC, role")
        .bind(id.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(RoleRow::into_assignment).collect()
}

/// Adds a role assignment with its own sourced id.
pub async fn insert_role(
    conn: &mut impl Connection,
    id: &str,
    sourced_id: &str,
    r: &RoleAssignment,
    source: Source,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO roles (id, sourced_id, person_id, role, org_id, is_primary, begin_date, end_date, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(id).bind(sourced_id).bind(r.person.as_str()).bind(r.role.as_str()).bind(r.org.as_str()).bind(r.primary)
        .bind(r.begin.map(|d| d.to_string())).bind(r.end.map(|d| d.to_string())).bind(source.as_str()).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// Records that `g.guardian` is a guardian of `g.student` (again, if it had been deleted).
pub async fn upsert_guardianship(
    conn: &mut impl Connection,
    g: &Guardianship,
    source: Source,
    now: Timestamp,
) -> Result<()> {
    exec!(conn, c => sqlx::query(
        "INSERT INTO guardianships (guardian_id, student_id, relation, source, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (guardian_id, student_id) DO UPDATE SET relation = excluded.relation, deleted_at = NULL, updated_at = excluded.updated_at")
        .bind(g.guardian.as_str()).bind(g.student.as_str()).bind(&g.relation).bind(source.as_str()).bind(now.millis())
        .execute(&mut *c).await)?;
    Ok(())
}

/// The live guardians of a student.
pub async fn guardians_of(conn: &mut impl Connection, student: &PersonId) -> Result<Vec<(Person, String)>> {
    related(conn, "g.student_id = $1 AND p.id = g.guardian_id", student).await
}

/// The live students a guardian is responsible for.
pub async fn children_of(conn: &mut impl Connection, guardian: &PersonId) -> Result<Vec<(Person, String)>> {
    related(conn, "g.guardian_id = $1 AND p.id = g.student_id", guardian).await
}

async fn related(conn: &mut impl Connection, join: &str, id: &PersonId) -> Result<Vec<(Person, String)>> {
    #[derive(sqlx::FromRow)]
    struct Related {
        #[sqlx(flatten)]
        person: PersonRow,
        relation: String,
    }
    let cols = PERSON_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {cols}, g.relation FROM guardianships g, people p WHERE {join} AND g.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY p.family_name, p.given_name"
    );
    let rows: Vec<Related> =
        on!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_all(&mut *c).await)?;
    rows.into_iter().map(|r| Ok((r.person.into_person()?, r.relation))).collect()
}

/// Which people to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// Only people holding a live role in this organisation.
    pub org: Option<OrgId>,
    /// Only people holding this role.
    pub role: Option<Role>,
    /// Only people whose name, username or school number contains this text.
    pub search: Option<String>,
}

/// A page of live people, ordered by id.
pub async fn list(conn: &mut impl Connection, filter: &PeopleFilter, page: &PageRequest) -> Result<Page<Person>> {
    let cols = PERSON_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    let mut sql = format!("SELECT {cols} FROM people p WHERE p.deleted_at IS NULL AND p.id > $1");
    let mut n = 1;
    let mut binds: Vec<String> = vec![page.after.clone().unwrap_or_default()];
    if filter.org.is_some() || filter.role.is_some() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id AND r.deleted_at IS NULL");
        if let Some(org) = &filter.org {
            n += 1;
            sql.push_str(&format!(" AND r.org_id = ${n}"));
            binds.push(org.to_string());
        }
        if let Some(role) = filter.role {
            n += 1;
            sql.push_str(&format!(" AND r.role = ${n}"));
            binds.push(role.as_str().to_owned());
        }
        sql.push(')');
    }
    if let Some(text) = filter.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        n += 1;
        sql.push_str(&format!(
            " AND (LOWER(p.family_name || p.given_name) LIKE ${n} ESCAPE '\\' \
             OR LOWER(p.given_name || ' ' || p.family_name) LIKE ${n} ESCAPE '\\' \
             OR LOWER(COALESCE(p.username, '')) LIKE ${n} ESCAPE '\\' \
             OR LOWER(COALESCE(p.identifier, '')) LIKE ${n} ESCAPE '\\')"
        ));
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        binds.push(format!("%{escaped}%"));
    }
    sql.push_str(&format!(" ORDER BY p.id LIMIT {}", page.limit() + 1));
    let rows: Vec<PersonRow> = on!(conn, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.as_str());
        }
        q.fetch_all(&mut *c).await
    })?;
    Ok(Page::from_overfetch(persons(rows)?, page, |p| p.id.to_string()))
}

/// The birth date of a person, for consent decisions.
pub async fn birth_date(conn: &mut impl Connection, id: &PersonId) -> Result<Option<Date>> {
    let row: Option<(Option<String>,)> = on!(conn, c => sqlx::query_as("SELECT birth_date FROM people WHERE id = $1")
        .bind(id.as_str()).fetch_optional(&mut *c).await)?;
    opt_date(row.and_then(|(d,)| d).as_deref())
}

/// Every recorded national student id and its holder's id, for an importer's duplicate check.
/// Callers must be the operator or an administrator importing a roster.
pub async fn national_student_id_owners(
    conn: &mut impl Connection,
) -> Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = on!(conn, c => sqlx::query_as(
        "SELECT national_student_id, person_id FROM person_sensitive WHERE national_student_id IS NOT NULL").fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().collect())
}

/// The student and guardian roles of every live person, by person id.
pub async fn student_and_guardian_roles(
    conn: &mut impl Connection,
) -> Result<std::collections::HashMap<String, Vec<Role>>> {
    let rows: Vec<(String, String)> = on!(conn, c => sqlx::query_as(
        "SELECT person_id, role FROM roles WHERE deleted_at IS NULL AND role IN ('student', 'guardian')").fetch_all(&mut *c).await)?;
    let mut out: std::collections::HashMap<String, Vec<Role>> = std::collections::HashMap::new();
    for (person, role) in rows {
        out.entry(person).or_default().push(Role::parse(&role).map_err(|e| corrupt("role", e))?);
    }
    Ok(out)
}
