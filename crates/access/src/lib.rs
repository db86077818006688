//! Who may see and change what.
//!
//! The policy is a pure function of a [`Principal`] (who asks, with which role grants), an
//! [`Access`] (what they want to do) and the facts about the target (a student's organisations,
//! teachers, guardians and recorded duties). The caller gathers the facts from storage; this crate
//! decides, and says on what [`Basis`] so that the decision can be written to the audit log.
//!
//! Invariants:
//! - the default is to deny: a principal with no matching relationship gets [`Denied`];
//! - county, province and national administrators see individual students only through a recorded,
//!   unexpired [`Duty`]; otherwise they get aggregates ([`Denied::AggregateOnly`]);
//! - optional processing of a student's data needs consent ([`consent`]); under 14 (or with an
//!   unknown birth date) only a guardian can give it.

pub mod consent;
mod policy;

pub use crate::policy::{
    Access, Basis, ClassFacts, Denied, Duty, DutyScope, Grant, Principal, StudentFacts, authorize_class, authorize_org,
    authorize_student,
};
