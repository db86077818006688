//! Reading and writing a school's records on behalf of a caller: authorised, then audited.

mod classes;
mod orgs;
mod students;

pub use classes::{AttendanceEntry, NewLineItem, ResultEntry};
pub use orgs::{DutyRequest, MIN_GROUP, NewPerson};
pub(crate) use students::bounded_text;
pub use students::{Me, StudentRecord};

use access::{Access, Basis};
use base::{ClassId, PersonId};

use crate::{App, Caller, Error, Result, UserError};

impl App {
    /// Decides whether the caller may do `access` to a student's record. The operator always may
    /// (`None` basis). Denials are audited too, so probing shows up in the log.
    pub(crate) async fn authorize_student(
        &self,
        caller: &Caller,
        access: Access,
        student: &PersonId,
    ) -> Result<Option<Basis>> {
        let Caller::Person(actor) = caller else { return Ok(None) };
        let now = self.now();
        let mut conn = self.store.read().await?;
        let facts = store::facts::student_facts(&mut conn, student, now.date_utc()).await?;
        drop(conn);
        match access::authorize_student(&actor.principal, access, &facts, now) {
            Ok(basis) => Ok(Some(basis)),
            Err(denied) => {
                let entry = self.audit_entry(
                    caller,
                    "denied",
                    &format!("person:{student}"),
                    None,
                    &format!("{access:?}: {denied:?}"),
                );
                self.audit_now(vec![entry]).await?;
                Err(Error::from(denied))
            }
        }
    }

    /// Decides whether the caller may read a class (`Access::Read`) or record its coursework.
    pub(crate) async fn authorize_class(
        &self,
        caller: &Caller,
        access: Access,
        class: &ClassId,
    ) -> Result<Option<Basis>> {
        let Caller::Person(actor) = caller else { return Ok(None) };
        let mut conn = self.store.read().await?;
        let facts = store::facts::class_facts(&mut conn, class, self.today())
            .await?
            .ok_or(UserError::NotFound { what: "class" })?;
        drop(conn);
        match access::authorize_class(&actor.principal, access, &facts) {
            Ok(basis) => Ok(Some(basis)),
            Err(denied) => {
                let entry = self.audit_entry(
                    caller,
                    "denied",
                    &format!("class:{class}"),
                    None,
                    &format!("{access:?}: {denied:?}"),
                );
                self.audit_now(vec![entry]).await?;
                Err(Error::from(denied))
            }
        }
    }
}
