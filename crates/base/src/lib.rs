//! Shared vocabulary for every Inkstone crate: entity ids, timestamps, calendar dates and pages.
//!
//! This crate has no I/O and reads no clock: "now" is always passed in by the caller.
//! Invariant: every id newtype holds a non-empty string of at most [`MAX_ID_LEN`] bytes with no
//! control characters, so ids can be put in URLs, CSV cells and log lines without escaping.

mod id;
mod page;
mod time;

pub use crate::id::{
    AcademicSessionId, ClassId, ConsentId, CourseId, EnrollmentId, IdError, LineItemId, MAX_ID_LEN, OrgId, PersonId,
    RecordId,
};
pub use crate::page::{Page, PageRequest};
pub use crate::time::{Date, DateError, Timestamp};
