//! A student's record: reading it whole, the sensitive id, and additions to their history.

use access::consent::Consent;
use access::{Access, Grant};
use base::{Date, PersonId, RecordId};
use records::{
    AdminRecord, AdminRecordKind, AttendanceRecord, Class, Enrollment, Person, Placement, PlacementKind, ResultRecord,
};
use store::views::LearnerClass;

use crate::{App, Caller, Error, Result, UserError};

/// The signed-in person's own page: who they are and whom they may see.
#[derive(Debug, Clone, PartialEq)]
pub struct Me {
    pub person: Person,
    pub grants: Vec<Grant>,
    /// For guardians: their students.
    pub children: Vec<(Person, String)>,
    /// Classes the person teaches or assists in.
    pub teaching: Vec<Class>,
    /// Classes the person is enrolled in as a student.
    pub learning: Vec<Class>,
}

/// Everything the school keeps about a student (the national id only masked).
#[derive(Debug, Clone, PartialEq)]
pub struct StudentRecord {
    pub person: Person,
    /// The national student id with its middle hidden, if recorded.
    pub national_student_id_masked: Option<String>,
    pub guardians: Vec<(Person, String)>,
    pub enrollments: Vec<(Enrollment, Option<Class>)>,
    pub results: Vec<ResultRecord>,
    pub attendance: Vec<AttendanceRecord>,
    pub admin_records: Vec<AdminRecord>,
    pub placements: Vec<Placement>,
    pub consents: Vec<Consent>,
}

impl App {
    /// The caller's own profile, roles, children and classes. Reading one's own record is audited
    /// like any other read.
    pub async fn me(&self, caller: &Caller) -> Result<Me> {
        let actor = caller.actor().ok_or(UserError::Unauthenticated)?;
        let mut conn = self.store.read().await?;
        let person = store::people::get(&mut conn, actor.person()).await?.ok_or(UserError::Unauthenticated)?;
        let children = store::people::children_of(&mut conn, actor.person()).await?;
        let today = self.today();
        let mut teaching = Vec::new();
        let mut learning = Vec::new();
        for e in store::teaching::enrollments_of_person(&mut conn, actor.person()).await? {
            if !e.active_on(today) {
                continue;
            }
            if let Some(class) = store::teaching::class(&mut conn, &e.class).await? {
                if e.role.teaches() { teaching.push(class) } else { learning.push(class) }
            }
        }
        drop(conn);
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("person:{}", actor.person()),
            Some(&access::Basis::Own),
            "profile",
        );
        self.audit_now(vec![entry]).await?;
        Ok(Me { person, grants: actor.principal.grants.clone(), children, teaching, learning })
    }

    /// A student's whole record, for those the policy allows.
    pub async fn student_record(&self, caller: &Caller, student: &PersonId) -> Result<StudentRecord> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        let mut conn = self.store.read().await?;
        let person = store::people::get(&mut conn, student).await?.ok_or(UserError::NotFound { what: "student" })?;
        let nsid = store::people::national_student_id(&mut conn, student).await?;
        let mut enrollments = Vec::new();
        for e in store::teaching::enrollments_of_person(&mut conn, student).await? {
            let class = store::teaching::class(&mut conn, &e.class).await?;
            enrollments.push((e, class));
        }
        let record = StudentRecord {
            national_student_id_masked: nsid.map(|n| n.masked()),
            guardians: store::people::guardians_of(&mut conn, student).await?,
            enrollments,
            results: store::coursework::results_of_student(&mut conn, student).await?,
            attendance: store::coursework::attendance_of_student(&mut conn, student).await?,
            admin_records: store::history::admin_records(&mut conn, student).await?,
            placements: store::history::placements(&mut conn, student).await?,
            consents: store::history::consents(&mut conn, student).await?,
            person,
        };
        drop(conn);
        let entry = self.audit_entry(caller, "read", &format!("person:{student}"), basis.as_ref(), "record");
        self.audit_now(vec![entry]).await?;
        Ok(record)
    }

    /// The full national student id, for those allowed to see it; the reveal is audited.
    pub async fn reveal_national_student_id(&self, caller: &Caller, student: &PersonId) -> Result<Option<String>> {
        let basis = self.authorize_student(caller, Access::ReadSensitive, student).await?;
        let mut conn = self.store.read().await?;
        let nsid = store::people::national_student_id(&mut conn, student).await?;
        drop(conn);
        let entry = self.audit_entry(
            caller,
            "read-sensitive",
            &format!("person:{student}"),
            basis.as_ref(),
            "national student id",
        );
        self.audit_now(vec![entry]).await?;
        Ok(nsid.map(|n| n.expose().to_owned()))
    }

    /// A learner's classes with their own progress ("my classes").
    pub async fn learner_classes(&self, caller: &Caller, student: &PersonId) -> Result<Vec<LearnerClass>> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        let mut conn = self.store.read().await?;
        let classes = store::views::learner_classes(&mut conn, student, self.today()).await?;
        drop(conn);
        let entry =
            self.audit_entry(caller, "read", &format!("person:{student}"), basis.as_ref(), "classes and progress");
        self.audit_now(vec![entry]).await?;
        Ok(classes)
    }

    /// Adds an administrative record (status change, award, …) to a student's file.
    pub async fn add_admin_record(
        &self,
        caller: &Caller,
        student: &PersonId,
        kind: AdminRecordKind,
        date: Date,
        detail: &str,
    ) -> Result<AdminRecord> {
        if matches!(kind, AdminRecordKind::TransferIn | AdminRecordKind::TransferOut) {
            return Err(UserError::invalid(
                "kind",
                "transfers are recorded by exporting and importing a transfer bundle",
            )
            .into());
        }
        let detail = bounded_text("detail", detail, 2000)?;
        let basis = self.authorize_student(caller, Access::WriteRecord, student).await?;
        let record = AdminRecord {
            id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
            student: student.clone(),
            kind,
            date,
            org: self.home_org().await.ok(),
            detail,
        };
        let mut tx = self.store.write().await?;
        store::history::insert_admin_record(&mut tx, &record, &caller.audit_name(), self.now()).await?;
        let entry = self.audit_entry(
            caller,
            "create",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("admin record {}", kind.as_str()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Records where a student went after school.
    pub async fn add_placement(
        &self,
        caller: &Caller,
        student: &PersonId,
        kind: PlacementKind,
        destination: &str,
        programme: Option<&str>,
        year: i32,
    ) -> Result<Placement> {
        let destination = bounded_text("destination", destination, 200)?;
        if !(1950..=2100).contains(&year) {
            return Err(UserError::invalid("year", "must be a year between 1950 and 2100").into());
        }
        let basis = self.authorize_student(caller, Access::WriteRecord, student).await?;
        let placement = Placement {
            id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
            student: student.clone(),
            kind,
            destination,
            programme: programme.map(|p| bounded_text("programme", p, 200)).transpose()?,
            year,
        };
        let mut tx = self.store.write().await?;
        store::history::insert_placement(&mut tx, &placement, &caller.audit_name(), self.now()).await?;
        let entry = self.audit_entry(
            caller,
            "create",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("placement {}", kind.as_str()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(placement)
    }
}

/// Trims `s` and checks it is non-empty and at most `max` characters.
pub(crate) fn bounded_text(field: &str, s: &str, max: usize) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(UserError::invalid(field, "must not be empty").into());
    }
    if s.chars().count() > max {
        return Err(UserError::invalid(field, format!("must be at most {max} characters")).into());
    }
    Ok(s.to_owned())
}
