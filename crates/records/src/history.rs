//! What follows a student beyond coursework: administrative records and placements.

use base::{Date, OrgId, PersonId, RecordId};

use crate::RecordError;

/// What an administrative record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminRecordKind {
    /// Enrolled at the school (入学).
    Admission,
    /// Status changed: suspension of studies, resumption, repeat of a grade (学籍异动).
    StatusChange,
    /// Left for another school, with a transfer bundle.
    TransferOut,
    /// Arrived from another school, with a verified transfer bundle.
    TransferIn,
    /// An award or honour.
    Award,
    /// Graduated.
    Graduation,
    /// Left without transferring or graduating.
    Withdrawal,
}

impl AdminRecordKind {
    /// Every kind.
    pub const ALL: [AdminRecordKind; 7] = [
        AdminRecordKind::Admission,
        AdminRecordKind::StatusChange,
        AdminRecordKind::TransferOut,
        AdminRecordKind::TransferIn,
        AdminRecordKind::Award,
        AdminRecordKind::Graduation,
        AdminRecordKind::Withdrawal,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AdminRecordKind::Admission => "admission",
            AdminRecordKind::StatusChange => "status_change",
            AdminRecordKind::TransferOut => "transfer_out",
            AdminRecordKind::TransferIn => "transfer_in",
            AdminRecordKind::Award => "award",
            AdminRecordKind::Graduation => "graduation",
            AdminRecordKind::Withdrawal => "withdrawal",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| RecordError::UnknownValue {
            field: "administrative record kind",
            value: s.to_owned(),
            expected: "admission, status_change, transfer_out, transfer_in, award, graduation, withdrawal",
        })
    }
}

/// An administrative record in a student's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRecord {
    pub id: RecordId,
    pub student: PersonId,
    pub kind: AdminRecordKind,
    pub date: Date,
    /// The school that made the record.
    pub org: Option<OrgId>,
    /// What happened, in the school's words.
    pub detail: String,
}

/// Where a student went after school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlacementKind {
    /// Senior secondary school (普通高中).
    SeniorSecondary,
    /// Vocational school (中职).
    Vocational,
    /// University or college.
    College,
    /// Work.
    Employment,
    /// Anything else, described in the programme field.
    Other,
}

impl PlacementKind {
    /// Every kind.
    pub const ALL: [PlacementKind; 5] = [
        PlacementKind::SeniorSecondary,
        PlacementKind::Vocational,
        PlacementKind::College,
        PlacementKind::Employment,
        PlacementKind::Other,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlacementKind::SeniorSecondary => "senior_secondary",
            PlacementKind::Vocational => "vocational",
            PlacementKind::College => "college",
            PlacementKind::Employment => "employment",
            PlacementKind::Other => "other",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| RecordError::UnknownValue {
            field: "placement kind",
            value: s.to_owned(),
            expected: "senior_secondary, vocational, college, employment, other",
        })
    }
}

/// A college or career placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub id: RecordId,
    pub student: PersonId,
    pub kind: PlacementKind,
    /// The school, college or employer.
    pub destination: String,
    /// The programme or job.
    pub programme: Option<String>,
    pub year: i32,
}
