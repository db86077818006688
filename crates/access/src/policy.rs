//! The access policy: principals, the facts about a target, and the decision.

use std::fmt;

use base::{ClassId, OrgId, PersonId, RecordId, Timestamp};
use records::Role;

/// A role held in an organisation, as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub org: OrgId,
}

/// Who is asking: a signed-in person and their current role grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub person: PersonId,
    pub grants: Vec<Grant>,
}

impl Principal {
    /// Whether the principal holds `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The first administrative grant whose organisation is one of `orgs`, if any.
    fn admin_grant_over<'a>(&'a self, orgs: &[OrgId], roles: &[Role]) -> Option<&'a Grant> {
        self.grants.iter().find(|g| roles.contains(&g.role) && orgs.contains(&g.org))
    }
}

/// What the principal wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read a student's record (profile, enrollments, coursework, attendance, history).
    Read,
    /// Read the student's national student id in full.
    ReadSensitive,
    /// Record coursework results or attendance.
    WriteCoursework,
    /// Change the student's profile, administrative records or placements; transfer them.
    WriteRecord,
    /// Give or withdraw consent on the student's behalf.
    ManageConsent,
}

/// Why access was allowed; written to the audit log with every read and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The student's own record.
    Own,
    /// A guardian of the student.
    Guardian,
    /// Teaches (or assists in) a class the student is enrolled in.
    Teacher,
    /// A counselor at the student's school.
    Counselor,
    /// An administrator of the organisation or one above it.
    Admin { role: Role, org: OrgId },
    /// A county-or-higher administrator with a recorded duty.
    Duty(RecordId),
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::Own => f.write_str("own"),
            Basis::Guardian => f.write_str("guardian"),
            Basis::Teacher => f.write_str("teacher"),
            Basis::Counselor => f.write_str("counselor"),
            Basis::Admin { role, org } => write!(f, "{}:{org}", role.as_str()),
            Basis::Duty(id) => write!(f, "duty:{id}"),
        }
    }
}

/// Why access was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("you have no relationship with this record that allows this")]
    NotRelated,
    #[error("administrators at this level see aggregates; record a duty to see individual students")]
    AggregateOnly,
    #[error("your role does not allow this action on this record")]
    RoleCannot,
}

/// Where a recorded duty applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DutyScope {
    /// One student.
    Student(PersonId),
    /// Every student of an organisation (a school, usually).
    Org(OrgId),
}

/// A recorded reason for a higher-level administrator to see individual students, for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    pub id: RecordId,
    pub holder: PersonId,
    pub scope: DutyScope,
    pub reason: String,
    pub starts: Timestamp,
    pub expires: Timestamp,
    pub revoked: bool,
}

impl Duty {
    fn covers(&self, holder: &PersonId, student: &PersonId, orgs: &[OrgId], now: Timestamp) -> bool {
        let in_scope = match &self.scope {
            DutyScope::Student(s) => s == student,
            DutyScope::Org(o) => orgs.contains(o),
        };
        !self.revoked && &self.holder == holder && in_scope && self.starts <= now && now < self.expires
    }
}

/// The facts about a student that the policy needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentFacts {
    pub student: Option<PersonId>,
    /// The student's schools and every organisation above them.
    pub orgs: Vec<OrgId>,
    /// People who currently teach or assist in a class the student is enrolled in.
    pub teachers: Vec<PersonId>,
    pub guardians: Vec<PersonId>,
    /// Duties recorded for the student or their organisations.
    pub duties: Vec<Duty>,
}

/// The facts about a class that the policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassFacts {
    pub class: ClassId,
    /// The class's school and every organisation above it.
    pub orgs: Vec<OrgId>,
    /// People who currently teach or assist in the class.
    pub teachers: Vec<PersonId>,
}

const SCHOOL_STAFF_ADMIN: [Role; 1] = [Role::SchoolAdmin];
const HIGHER_ADMIN: [Role; 3] = [Role::CountyAdmin, Role::ProvinceAdmin, Role::NationalAdmin];

/// Decides whether `principal` may do `access` to the student described by `facts` at `now`.
pub fn authorize_student(
    principal: &Principal,
    access: Access,
    facts: &StudentFacts,
    now: Timestamp,
) -> Result<Basis, Denied> {
    let Some(student) = &facts.student else {
        return Err(Denied::NotRelated);
    };
    let me = &principal.person;
    if let Some(g) = principal.admin_grant_over(&facts.orgs, &SCHOOL_STAFF_ADMIN) {
        return Ok(Basis::Admin { role: g.role, org: g.org.clone() });
    }
    if me == student {
        // A student reads their own record and decides their own consents from 14 (checked
        // by the consent rules), but never writes coursework or administrative records.
        return match access {
            Access::Read | Access::ReadSensitive | Access::ManageConsent => Ok(Basis::Own),
            Access::WriteCoursework | Access::WriteRecord => Err(Denied::RoleCannot),
        };
    }
    if facts.guardians.contains(me) {
        return match access {
            Access::Read | Access::ReadSensitive | Access::ManageConsent => Ok(Basis::Guardian),
            Access::WriteCoursework | Access::WriteRecord => Err(Denied::RoleCannot),
        };
    }
    if facts.teachers.contains(me) {
        return match access {
            Access::Read | Access::WriteCoursework => Ok(Basis::Teacher),
            Access::ReadSensitive | Access::WriteRecord | Access::ManageConsent => Err(Denied::RoleCannot),
        };
    }
    if principal.grants.iter().any(|g| g.role == Role::Counselor && facts.orgs.contains(&g.org)) {
        return match access {
            Access::Read => Ok(Basis::Counselor),
            _ => Err(Denied::RoleCannot),
        };
    }
    if principal.admin_grant_over(&facts.orgs, &HIGHER_ADMIN).is_some() {
        if let Some(duty) = facts.duties.iter().find(|d| d.covers(me, student, &facts.orgs, now)) {
            return match access {
                Access::Read | Access::ReadSensitive => Ok(Basis::Duty(duty.id.clone())),
                _ => Err(Denied::RoleCannot),
            };
        }
        return Err(Denied::AggregateOnly);
    }
    Err(Denied::NotRelated)
}

/// Decides whether `principal` may see a class roster (`Access::Read`) or record coursework and
/// attendance for it (`Access::WriteCoursework`).
pub fn authorize_class(principal: &Principal, access: Access, facts: &ClassFacts) -> Result<Basis, Denied> {
    if let Some(g) = principal.admin_grant_over(&facts.orgs, &SCHOOL_STAFF_ADMIN) {
        return Ok(Basis::Admin { role: g.role, org: g.org.clone() });
    }
    if facts.teachers.contains(&principal.person) {
        return match access {
            Access::Read | Access::WriteCoursework => Ok(Basis::Teacher),
            _ => Err(Denied::RoleCannot),
        };
    }
    if principal.admin_grant_over(&facts.orgs, &HIGHER_ADMIN).is_some() {
        return Err(Denied::AggregateOnly);
    }
    Err(Denied::NotRelated)
}

/// Decides whether `principal` administers the organisation whose ancestry (itself first, then
/// every organisation above it) is `orgs`: they may see its aggregates and manage it.
pub fn authorize_org(principal: &Principal, orgs: &[OrgId]) -> Result<Basis, Denied> {
    principal
        .grants
        .iter()
        .find(|g| g.role.is_admin() && orgs.contains(&g.org))
        .map(|g| Basis::Admin { role: g.role, org: g.org.clone() })
        .ok_or(Denied::NotRelated)
}

#[cfg(test)]
mod tests;
