//! Writing to and reading from the audit log.

use access::Basis;
use audit::{Break, Head, NewEntry, Verifier};
use base::PersonId;
use store::Tx;

use crate::{App, Caller, Result, UserError};

/// One entry as shown to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditView {
    pub seq: i64,
    pub at: base::Timestamp,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub basis: String,
    pub detail: String,
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every entry links to the one before, and the head (and anchor, if given) match.
    Intact { entries: i64, head: Head },
    /// The chain is broken; `at_seq` is where checking stopped.
    Broken { problem: Break },
}

/// Entries read per page while verifying.
const VERIFY_PAGE: u32 = 10_000;

impl App {
    /// An audit entry for `caller` doing `action` to `subject`, on `basis`.
    pub(crate) fn audit_entry(
        &self,
        caller: &Caller,
        action: &str,
        subject: &str,
        basis: Option<&Basis>,
        detail: &str,
    ) -> NewEntry {
        NewEntry {
            at: self.now(),
            actor: caller.audit_name(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            basis: match (basis, caller) {
                (Some(b), _) => b.to_string(),
                (None, Caller::Operator { .. }) => "operator".to_owned(),
                (None, Caller::Person(_)) => String::new(),
            },
            detail: detail.to_owned(),
        }
    }

    /// Appends entries inside a write transaction, so they commit (or roll back) with the change.
    pub(crate) async fn audit_in(&self, tx: &mut Tx, entries: Vec<NewEntry>) -> Result<()> {
        store::audit::append(tx, entries).await?;
        Ok(())
    }

    /// Appends entries in their own transaction (for reads, which change nothing else).
    pub(crate) async fn audit_now(&self, entries: Vec<NewEntry>) -> Result<()> {
        let mut tx = self.store.write().await?;
        store::audit::append(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks the whole chain, page by page, against its head and an optional anchor
    /// (`seq:hash`, as printed by [`App::audit_head`] earlier and kept elsewhere).
    pub async fn verify_audit(
        &self,
        anchor: Option<Head>,
        mut progress: impl FnMut(i64, i64),
    ) -> Result<AuditVerification> {
        let mut conn = self.store.read().await?;
        let head = store::audit::head(&mut conn).await?;
        let mut verifier = Verifier::new(anchor);
        loop {
            let page = store::audit::entries_after(&mut conn, verifier.last_seq(), VERIFY_PAGE).await?;
            if page.is_empty() {
                break;
            }
            for entry in &page {
                if let Err(problem) = verifier.push(entry) {
                    return Ok(AuditVerification::Broken { problem });
                }
            }
            progress(verifier.last_seq(), head.seq);
        }
        Ok(match verifier.finish(head) {
            Ok(v) => AuditVerification::Intact { entries: v.entries, head: v.head },
            Err(problem) => AuditVerification::Broken { problem },
        })
    }

    /// The chain's current head, to write down somewhere safe as an anchor.
    pub async fn audit_head(&self) -> Result<Head> {
        let mut conn = self.store.read().await?;
        Ok(store::audit::head(&mut conn).await?)
    }

    /// Recent entries, newest first: for the school's administrators (and the operator).
    pub async fn audit_recent(&self, caller: &Caller, before: Option<i64>, limit: u32) -> Result<Vec<AuditView>> {
        if let Caller::Person(actor) = caller {
            let home = self.home_org().await?;
            let mut conn = self.store.read().await?;
            let ancestry = store::teaching::org_ancestry(&mut conn, &home).await?;
            access::authorize_org(&actor.principal, &ancestry)?;
        }
        let mut conn = self.store.read().await?;
        let entries = store::audit::recent(&mut conn, before, limit.min(500)).await?;
        Ok(entries.into_iter().map(view).collect())
    }

    /// Who read or changed a student's record: shown to the student, their guardians and staff
    /// who may read the record. Seeing this list is itself audited.
    pub async fn audit_about_student(
        &self,
        caller: &Caller,
        student: &PersonId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditView>> {
        let basis = self.authorize_student(caller, access::Access::Read, student).await?;
        let subject = format!("person:{student}");
        let mut conn = self.store.read().await?;
        let entries = store::audit::entries_about(&mut conn, &subject, before, limit.min(500)).await?;
        drop(conn);
        self.audit_now(vec![self.audit_entry(caller, "read-audit", &subject, basis.as_ref(), "")]).await?;
        Ok(entries.into_iter().map(view).collect())
    }

    /// The organisation this server serves: its one school, or, on a hub holding several, the
    /// nearest organisation above all of them (the county, say). Its administrators run the server.
    pub async fn home_org(&self) -> Result<base::OrgId> {
        let mut conn = self.store.read().await?;
        let orgs = store::teaching::orgs(&mut conn).await?;
        let schools: Vec<&records::Org> = orgs.iter().filter(|o| o.kind == records::OrgKind::School).collect();
        let none = || {
            crate::Error::User(UserError::NotFound { what: "organisation (import a roster or create the demo first)" })
        };
        let Some(first) = schools.first() else {
            return orgs.iter().find(|o| o.parent.is_none()).map(|o| o.id.clone()).ok_or_else(none);
        };
        // The nearest common ancestor: the first of the first school's ancestry that every other
        // school's ancestry also holds.
        let mut common = store::teaching::org_ancestry(&mut conn, &first.id).await?;
        for school in &schools[1..] {
            let ancestry = store::teaching::org_ancestry(&mut conn, &school.id).await?;
            common.retain(|o| ancestry.contains(o));
        }
        common.into_iter().next().ok_or_else(none)
    }
}

fn view(e: audit::Entry) -> AuditView {
    AuditView {
        seq: e.seq,
        at: e.content.at,
        actor: e.content.actor,
        action: e.content.action,
        subject: e.content.subject,
        basis: e.content.basis,
        detail: e.content.detail,
    }
}
