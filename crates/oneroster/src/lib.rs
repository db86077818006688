//! OneRoster 1.2 CSV rostering files: reading them strictly and writing them.
//!
//! A OneRoster set is a `manifest.csv` plus one CSV file per record type, given either as a folder
//! or as a zip. This crate works on bytes already in memory ([`RosterFiles`]); reading the folder
//! or the upload is the caller's job. Rows are parsed one at a time ([`Rows`]) so that a caller can
//! stream 400,000 enrollments into a database transaction without holding them all.
//!
//! What this crate checks: the manifest, exact file names and headers, each field's syntax and
//! vocabulary, and the rules of bulk and delta files. What it cannot check alone, because it needs
//! the database, is whether a referenced `sourcedId` exists; the importer does that.
//!
//! Invariant: every error carries the file, the 1-based line and, where one field is at fault, the
//! column name and 1-based column number.

mod error;
mod files;
mod manifest;
mod rows;
mod vocab;
mod write;

pub use crate::error::{Rejection, RosterError};
pub use crate::files::{RosterFiles, ZipLimits};
pub use crate::manifest::{FileMode, Manifest, RosterFile};
pub use crate::rows::{
    ClassRow, CourseRow, DemographicRow, EnrollmentRow, Fields, Meta, OrgRow, RoleRow, Row, RowStatus, RowType, Rows,
    SessionRow, UserRow, parse_rows,
};
pub use crate::vocab::{
    ADMIN_ROLE_NAMES, NATIONAL_ID_COLUMN, admin_role_for_org, enrollment_role, org_kind, org_type_name, person_role,
    role_name,
};
pub use crate::write::{Table, WriteSet};
