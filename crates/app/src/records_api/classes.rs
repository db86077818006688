//! Classes: rosters, summaries, attendance, gradebook columns and results.

use access::Access;
use base::{ClassId, Date, LineItemId, PersonId, RecordId};
use records::{AttendanceRecord, AttendanceStatus, Class, LineItem, LineItemCategory, Person, ResultRecord, Score};
use store::views::ClassSummary;

use super::students::bounded_text;
use crate::{App, Caller, Error, Result, UserError};

/// One student's attendance to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceEntry {
    pub student: PersonId,
    pub status: AttendanceStatus,
    pub note: Option<String>,
}

/// One student's result to record.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultEntry {
    pub student: PersonId,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub comment: Option<String>,
}

/// A new gradebook column.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLineItem {
    pub title: String,
    pub category: LineItemCategory,
    pub assigned: Option<Date>,
    pub due: Option<Date>,
    pub max_score: f64,
}

impl App {
    /// The classes the caller may open: those they teach or learn in, or all of their school's
    /// for its administrators (and the operator).
    pub async fn visible_classes(&self, caller: &Caller) -> Result<Vec<Class>> {
        let mut conn = self.store.read().await?;
        let all = store::teaching::classes(&mut conn).await?;
        let Caller::Person(actor) = caller else { return Ok(all) };
        let today = self.today();
        let mine: Vec<ClassId> = store::teaching::enrollments_of_person(&mut conn, actor.person())
            .await?
            .into_iter()
            .filter(|e| e.active_on(today))
            .map(|e| e.class)
            .collect();
        let mut out = Vec::new();
        for class in all {
            let admin = if mine.contains(&class.id) {
                false
            } else {
                let ancestry = store::teaching::org_ancestry(&mut conn, &class.school).await?;
                actor.principal.grants.iter().any(|g| g.role == records::Role::SchoolAdmin && ancestry.contains(&g.org))
            };
            if admin || mine.contains(&class.id) {
                out.push(class);
            }
        }
        Ok(out)
    }

    /// A class's students, for its teachers and school administrators.
    pub async fn class_roster(&self, caller: &Caller, class: &ClassId) -> Result<Vec<Person>> {
        let basis = self.authorize_class(caller, Access::Read, class).await?;
        let today = self.today();
        let mut conn = self.store.read().await?;
        let ids: Vec<PersonId> = store::teaching::enrollments_of_class(&mut conn, class)
            .await?
            .into_iter()
            .filter(|e| e.role == records::EnrollmentRole::Student && e.active_on(today))
            .map(|e| e.person)
            .collect();
        let mut people = store::people::get_many(&mut conn, &ids).await?;
        drop(conn);
        people.sort_by(|a, b| {
            (a.family_name.as_str(), a.given_name.as_str()).cmp(&(b.family_name.as_str(), b.given_name.as_str()))
        });
        let entry = self.audit_entry(caller, "read", &format!("class:{class}"), basis.as_ref(), "roster");
        self.audit_now(vec![entry]).await?;
        Ok(people)
    }

    /// A class's summary: every student against every column ("class summary").
    pub async fn class_summary(&self, caller: &Caller, class: &ClassId) -> Result<ClassSummary> {
        let basis = self.authorize_class(caller, Access::Read, class).await?;
        let mut conn = self.store.read().await?;
        let summary = store::views::class_summary(&mut conn, class, self.today())
            .await?
            .ok_or(UserError::NotFound { what: "class" })?;
        drop(conn);
        let entry = self.audit_entry(caller, "read", &format!("class:{class}"), basis.as_ref(), "summary");
        self.audit_now(vec![entry]).await?;
        Ok(summary)
    }

    /// Records a class's attendance for a day; every student must be enrolled in the class.
    pub async fn record_attendance(
        &self,
        caller: &Caller,
        class: &ClassId,
        day: Date,
        entries: &[AttendanceEntry],
    ) -> Result<usize> {
        let basis = self.authorize_class(caller, Access::WriteCoursework, class).await?;
        if day > self.today().plus_days(1) {
            return Err(UserError::invalid("day", "attendance cannot be recorded for the future").into());
        }
        let enrolled = self.enrolled_students(class, day).await?;
        let by = caller.actor().map(|a| a.person().clone());
        let mut tx = self.store.write().await?;
        let mut audit = Vec::new();
        for e in entries {
            if !enrolled.contains(&e.student) {
                return Err(UserError::invalid(
                    "student",
                    format!("{} is not enrolled in this class on {day}", e.student),
                )
                .into());
            }
            let note = e.note.as_deref().map(|n| bounded_text("note", n, 500)).transpose()?;
            let record = AttendanceRecord {
                id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
                class: class.clone(),
                student: e.student.clone(),
                date: day,
                status: e.status,
                note,
                recorded_by: by.clone(),
            };
            store::coursework::upsert_attendance(&mut tx, &record, self.now()).await?;
            audit.push(self.audit_entry(
                caller,
                "update",
                &format!("person:{}", e.student),
                basis.as_ref(),
                &format!("attendance {day} {}", e.status.as_str()),
            ));
        }
        self.audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(entries.len())
    }

    async fn enrolled_students(&self, class: &ClassId, day: Date) -> Result<Vec<PersonId>> {
        let mut conn = self.store.read().await?;
        Ok(store::teaching::enrollments_of_class(&mut conn, class)
            .await?
            .into_iter()
            .filter(|e| e.role == records::EnrollmentRole::Student && e.active_on(day))
            .map(|e| e.person)
            .collect())
    }

    /// Adds a gradebook column to a class.
    pub async fn create_line_item(&self, caller: &Caller, class: &ClassId, new: NewLineItem) -> Result<LineItem> {
        let basis = self.authorize_class(caller, Access::WriteCoursework, class).await?;
        if !(new.max_score.is_finite() && new.max_score > 0.0 && new.max_score <= 10_000.0) {
            return Err(UserError::invalid("max_score", "must be a number above 0 and at most 10000").into());
        }
        let item = LineItem {
            id: LineItemId::parse(crate::new_id()).map_err(Error::internal)?,
            class: class.clone(),
            title: bounded_text("title", &new.title, 200)?,
            category: new.category,
            session: None,
            assigned: new.assigned,
            due: new.due,
            max_score: new.max_score,
        };
        let mut tx = self.store.write().await?;
        store::coursework::insert_line_item(&mut tx, &item, self.now()).await?;
        let entry = self.audit_entry(
            caller,
            "create",
            &format!("class:{class}"),
            basis.as_ref(),
            &format!("line item {}", item.title),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Records results in a column for students of its class.
    pub async fn record_results(
        &self,
        caller: &Caller,
        line_item: &LineItemId,
        entries: &[ResultEntry],
    ) -> Result<usize> {
        let mut conn = self.store.read().await?;
        let item = store::coursework::line_item(&mut conn, line_item)
            .await?
            .ok_or(UserError::NotFound { what: "line item" })?;
        drop(conn);
        let basis = self.authorize_class(caller, Access::WriteCoursework, &item.class).await?;
        let enrolled = self.enrolled_students(&item.class, self.today()).await?;
        let mut tx = self.store.write().await?;
        let mut audit = Vec::new();
        for e in entries {
            if !enrolled.contains(&e.student) {
                return Err(
                    UserError::invalid("student", format!("{} is not enrolled in this class", e.student)).into()
                );
            }
            let score = e
                .score
                .map(|s| Score::new(s, item.max_score))
                .transpose()
                .map_err(|err| UserError::invalid("score", err.to_string()))?;
            let result = ResultRecord {
                id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
                line_item: line_item.clone(),
                student: e.student.clone(),
                score,
                grade: e.grade.as_deref().map(|g| bounded_text("grade", g, 20)).transpose()?,
                comment: e.comment.as_deref().map(|c| bounded_text("comment", c, 2000)).transpose()?,
                recorded_at: self.now(),
                recorded_by: caller.actor().map(|a| a.person().clone()),
            };
            store::coursework::upsert_result(&mut tx, &result).await?;
            audit.push(self.audit_entry(
                caller,
                "update",
                &format!("person:{}", e.student),
                basis.as_ref(),
                &format!("result {}", item.title),
            ));
        }
        self.audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(entries.len())
    }
}
