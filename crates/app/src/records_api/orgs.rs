//! Organisations, people administration, duties and aggregates.

use access::{Duty, DutyScope};
use base::{OrgId, Page, PageRequest, PersonId, RecordId};
use records::{AcademicSession, Course, Org, Person, PersonName, Role, RoleAssignment, Sex};
use store::people::{PeopleFilter, Source};
use store::views::SchoolAggregate;

use super::students::bounded_text;
use crate::{App, Caller, Error, Result, UserError};

/// A person an administrator adds by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub username: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub role: Role,
    pub org: OrgId,
    pub birth_date: Option<base::Date>,
    pub identifier: Option<String>,
}

/// A county (or higher) administrator's request to see individual students for a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyRequest {
    pub scope: DutyScope,
    pub reason: String,
    /// How long the duty lasts, 1 to 30 days.
    pub days: i64,
}

impl App {
    /// Checks that the caller administers `org` (or is the operator), returning the audit basis.
    pub(crate) async fn authorize_admin_of(&self, caller: &Caller, org: &OrgId) -> Result<Option<access::Basis>> {
        let Caller::Person(actor) = caller else { return Ok(None) };
        let mut conn = self.store.read().await?;
        let ancestry = store::teaching::org_ancestry(&mut conn, org).await?;
        if ancestry.is_empty() {
            return Err(UserError::NotFound { what: "organisation" }.into());
        }
        Ok(Some(access::authorize_org(&actor.principal, &ancestry)?))
    }

    /// Every organisation (names and places are not personal data: any signed-in person may list them).
    pub async fn orgs(&self) -> Result<Vec<Org>> {
        let mut conn = self.store.read().await?;
        Ok(store::teaching::orgs(&mut conn).await?)
    }

    /// Every academic session.
    pub async fn academic_sessions(&self) -> Result<Vec<AcademicSession>> {
        let mut conn = self.store.read().await?;
        Ok(store::teaching::sessions(&mut conn).await?)
    }

    /// Every course.
    pub async fn courses(&self) -> Result<Vec<Course>> {
        let mut conn = self.store.read().await?;
        Ok(store::teaching::courses(&mut conn).await?)
    }

    /// A page of people in an organisation the caller administers.
    pub async fn people(&self, caller: &Caller, filter: &PeopleFilter, page: &PageRequest) -> Result<Page<Person>> {
        let org = match &filter.org {
            Some(o) => o.clone(),
            None => self.home_org().await?,
        };
        let basis = self.authorize_admin_of(caller, &org).await?;
        // Higher-level administrators see aggregates, not lists of students.
        if let Some(access::Basis::Admin { role, .. }) = &basis
            && *role != Role::SchoolAdmin
            && filter.role.is_none_or(|r| r == Role::Student || r == Role::Guardian)
        {
            return Err(access::Denied::AggregateOnly.into());
        }
        let filter = PeopleFilter { org: Some(org.clone()), ..filter.clone() };
        let mut conn = self.store.read().await?;
        let page = store::people::list(&mut conn, &filter, page).await?;
        drop(conn);
        let entry = self.audit_entry(
            caller,
            "list",
            &format!("org:{org}"),
            basis.as_ref(),
            &format!("{} people", page.items.len()),
        );
        self.audit_now(vec![entry]).await?;
        Ok(page)
    }

    /// Adds a person with one role in an organisation the caller administers.
    pub async fn create_person(&self, caller: &Caller, new: NewPerson) -> Result<Person> {
        let basis = self.authorize_admin_of(caller, &new.org).await?;
        let invalid = |field: &str, e: records::RecordError| Error::User(UserError::invalid(field, e.to_string()));
        let id = crate::new_id();
        let person = Person {
            id: PersonId::parse(&id).map_err(Error::internal)?,
            sourced_id: id.clone(),
            username: new.username.map(|u| bounded_text("username", &u, 100)).transpose()?,
            given_name: PersonName::parse(&new.given_name, "given name").map_err(|e| invalid("given_name", e))?,
            family_name: PersonName::parse(&new.family_name, "family name").map_err(|e| invalid("family_name", e))?,
            preferred_name: None,
            identifier: new.identifier.map(|i| bounded_text("identifier", &i, 100)).transpose()?,
            email: None,
            phone: None,
            birth_date: new.birth_date,
            sex: Sex::Unspecified,
            grades: vec![],
            enabled: true,
            primary_org: Some(new.org.clone()),
            locale: None,
        };
        let role = RoleAssignment {
            person: person.id.clone(),
            role: new.role,
            org: new.org,
            primary: true,
            begin: None,
            end: None,
        };
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::people::insert(&mut tx, &person, Source::Local, now).await?;
        let role_id = crate::new_id();
        store::people::insert_role(&mut tx, &role_id, &role_id, &role, Source::Local, now).await?;
        let entry =
            self.audit_entry(caller, "create", &format!("person:{}", person.id), basis.as_ref(), new.role.as_str());
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(person)
    }

    /// Records a duty for the calling county, province or national administrator, letting them
    /// see the individual students in its scope until it expires. The reason is audited and shown
    /// to the school.
    pub async fn record_duty(&self, caller: &Caller, request: DutyRequest) -> Result<Duty> {
        let actor =
            caller.actor().ok_or(UserError::Forbidden("duties are recorded by signed-in administrators".into()))?;
        if !actor
            .principal
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::CountyAdmin | Role::ProvinceAdmin | Role::NationalAdmin))
        {
            return Err(
                UserError::Forbidden("only county, province and national administrators record duties".into()).into()
            );
        }
        let reason = bounded_text("reason", &request.reason, 500)?;
        if !(1..=30).contains(&request.days) {
            return Err(UserError::invalid("days", "a duty lasts 1 to 30 days").into());
        }
        let now = self.now();
        let duty = Duty {
            id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
            holder: actor.person().clone(),
            scope: request.scope,
            reason: reason.clone(),
            starts: now,
            expires: now.plus_seconds(request.days * 86_400),
            revoked: false,
        };
        let subject = match &duty.scope {
            DutyScope::Student(p) => format!("person:{p}"),
            DutyScope::Org(o) => format!("org:{o}"),
        };
        let mut tx = self.store.write().await?;
        store::history::insert_duty(&mut tx, &duty, actor.person()).await?;
        let entry =
            self.audit_entry(caller, "record-duty", &subject, None, &format!("{} days: {reason}", request.days));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(duty)
    }

    /// Aggregates for every school under `org`, for its administrators at any level.
    pub async fn school_aggregates(&self, caller: &Caller, org: &OrgId) -> Result<Vec<SchoolAggregate>> {
        let basis = self.authorize_admin_of(caller, org).await?;
        let mut conn = self.store.read().await?;
        let schools = store::teaching::org_subtree(&mut conn, org).await?;
        let mut aggregates = store::views::school_aggregates(&mut conn, &schools, self.today()).await?;
        drop(conn);
        // Small groups are suppressed so that an average cannot reveal one student's results.
        for a in &mut aggregates {
            if a.students < MIN_GROUP {
                a.mean_score_fraction = None;
            }
        }
        let entry =
            self.audit_entry(caller, "read-aggregate", &format!("org:{org}"), basis.as_ref(), "school aggregates");
        self.audit_now(vec![entry]).await?;
        Ok(aggregates)
    }
}

/// The smallest group whose averages are reported.
pub const MIN_GROUP: i64 = 5;
