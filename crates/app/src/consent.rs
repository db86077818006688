//! Consent for optional processing: giving, withdrawing, and requiring it.

use access::Access;
use access::consent::{self, AskWhom, Consent, ConsentRequired, GivenBy, Purpose};
use base::{ConsentId, PersonId};

use crate::{App, Caller, Error, Result, UserError};

impl App {
    /// A student's consent history, for those who may read the record.
    pub async fn consents(&self, caller: &Caller, student: &PersonId) -> Result<(Vec<Consent>, AskWhom)> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        let mut conn = self.store.read().await?;
        let consents = store::history::consents(&mut conn, student).await?;
        let birth = store::people::birth_date(&mut conn, student).await?;
        drop(conn);
        let entry = self.audit_entry(caller, "read", &format!("person:{student}"), basis.as_ref(), "consents");
        self.audit_now(vec![entry]).await?;
        Ok((consents, consent::ask_whom(birth, self.today())))
    }

    /// Gives consent for `purpose`. Who gives it follows from the caller: the student themselves
    /// (only from 14), a guardian, or a school administrator recording a guardian's paper form.
    pub async fn give_consent(&self, caller: &Caller, student: &PersonId, purpose: Purpose) -> Result<Consent> {
        let basis = self.authorize_student(caller, Access::ManageConsent, student).await?;
        let given_by = match &basis {
            Some(access::Basis::Own) => GivenBy::Student,
            Some(access::Basis::Guardian) => GivenBy::Guardian,
            Some(access::Basis::Admin { .. }) | None => GivenBy::SchoolOnBehalfOfGuardian,
            Some(_) => return Err(UserError::Forbidden("you cannot give consent for this student".into()).into()),
        };
        let now = self.now();
        let mut conn = self.store.read().await?;
        let birth = store::people::birth_date(&mut conn, student).await?;
        drop(conn);
        if !consent::may_give(given_by, birth, now.date_utc()) {
            return Err(UserError::Forbidden(
                "students under 14 (or whose birth date is not recorded) need a guardian's consent".into(),
            )
            .into());
        }
        let recorded_by = match caller.actor() {
            Some(a) => a.person().clone(),
            None => student.clone(),
        };
        let record = Consent {
            id: ConsentId::parse(crate::new_id()).map_err(Error::internal)?,
            student: student.clone(),
            purpose,
            given_by,
            recorded_by,
            given_at: now,
            student_age_at_grant: birth.map(|b| b.age_on(now.date_utc())),
            withdrawn_at: None,
            withdrawn_by: None,
        };
        let mut tx = self.store.write().await?;
        store::history::insert_consent(&mut tx, &record).await?;
        let entry =
            self.audit_entry(caller, "give-consent", &format!("person:{student}"), basis.as_ref(), purpose.as_str());
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Withdraws consent for `purpose`: processing for it stops from now on.
    pub async fn withdraw_consent(&self, caller: &Caller, student: &PersonId, purpose: Purpose) -> Result<u64> {
        let basis = self.authorize_student(caller, Access::ManageConsent, student).await?;
        let by = caller.actor().map_or_else(|| student.clone(), |a| a.person().clone());
        let mut tx = self.store.write().await?;
        let n = store::history::withdraw_consent(&mut tx, student, purpose, &by, self.now()).await?;
        if purpose == Purpose::AdaptiveLearning {
            // Processing stops: the learner model built from the student's answers is erased.
            store::learning::delete_learner_states(&mut tx, student).await?;
        }
        let entry = self.audit_entry(
            caller,
            "withdraw-consent",
            &format!("person:{student}"),
            basis.as_ref(),
            purpose.as_str(),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Fails with `ConsentRequired` (saying whom to ask) unless consent for `purpose` is in force.
    /// Every optional processing of a student's data calls this first.
    pub async fn require_consent(&self, student: &PersonId, purpose: Purpose) -> Result<()> {
        let mut conn = self.store.read().await?;
        let consents = store::history::consents(&mut conn, student).await?;
        let birth = store::people::birth_date(&mut conn, student).await?;
        consent::check(purpose, birth, &consents, self.now())
            .map(|_| ())
            .map_err(|e: ConsentRequired| Error::User(UserError::ConsentRequired(e)))
    }
}
