//! The records backbone: the facts a school keeps about its organisation and its people, from
//! enrolment through coursework and administrative records to college and career placement.
//!
//! This crate is pure: plain types, validated values and the rules between them. It does no I/O,
//! reads no clock and knows nothing about storage, HTTP or file formats.
//!
//! Invariants:
//! - a value of a validated newtype ([`NationalStudentId`], [`PersonName`], [`Score`], …) is valid;
//!   the only way to get one is its `parse`/`new` function;
//! - the organisation hierarchy only ever points upwards (school → county → province → national),
//!   see [`OrgKind::may_have_parent`].

mod coursework;
mod error;
mod history;
mod org;
mod person;
mod teaching;

pub use crate::coursework::{AttendanceRecord, AttendanceStatus, LineItem, LineItemCategory, ResultRecord, Score};
pub use crate::error::RecordError;
pub use crate::history::{AdminRecord, AdminRecordKind, Placement, PlacementKind};
pub use crate::org::{AcademicSession, Org, OrgKind, SessionKind};
pub use crate::person::{Guardianship, NationalStudentId, Person, PersonName, Role, RoleAssignment, Sex};
pub use crate::teaching::{Class, ClassType, Course, Enrollment, EnrollmentRole};
