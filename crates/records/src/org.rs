//! Organisations and academic sessions.

use base::{AcademicSessionId, Date, OrgId};

use crate::RecordError;

/// Where an organisation sits in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgKind {
    /// The national level (Ministry of Education).
    National,
    /// A province or municipality.
    Province,
    /// A county or district education bureau.
    County,
    /// A school.
    School,
    /// A department inside a school (a grade office, a subject group).
    Department,
}

impl OrgKind {
    /// Every kind, from the top of the hierarchy down.
    pub const ALL: [OrgKind; 5] =
        [OrgKind::National, OrgKind::Province, OrgKind::County, OrgKind::School, OrgKind::Department];

    /// The stable name used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::National => "national",
            OrgKind::Province => "province",
            OrgKind::County => "county",
            OrgKind::School => "school",
            OrgKind::Department => "department",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| RecordError::UnknownValue {
            field: "org kind",
            value: s.to_owned(),
            expected: "national, province, county, school, department",
        })
    }

    /// Depth in the hierarchy: the national level is 0.
    fn level(self) -> u8 {
        match self {
            OrgKind::National => 0,
            OrgKind::Province => 1,
            OrgKind::County => 2,
            OrgKind::School => 3,
            OrgKind::Department => 4,
        }
    }

    /// Whether an organisation of this kind may sit directly under one of `parent` kind.
    /// Levels may be skipped (a school directly under a province) but never climbed.
    pub fn may_have_parent(self, parent: OrgKind) -> bool {
        parent.level() < self.level()
    }

    /// Checks [`Self::may_have_parent`], as an error that names both kinds.
    pub fn check_parent(self, parent: OrgKind) -> Result<(), RecordError> {
        if self.may_have_parent(parent) {
            Ok(())
        } else {
            Err(RecordError::BadOrgParent { child: self.as_str(), parent: parent.as_str() })
        }
    }
}

/// An organisation: the national level, a province, a county, a school or a department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: OrgId,
    /// The id in the system that sent the record (OneRoster `sourcedId`).
    pub sourced_id: String,
    pub name: String,
    pub kind: OrgKind,
    /// An official code, such as the school's national code.
    pub identifier: Option<String>,
    pub parent: Option<OrgId>,
}

/// What an academic session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    SchoolYear,
    Semester,
    Term,
    GradingPeriod,
}

impl SessionKind {
    /// The stable name, as in OneRoster.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::SchoolYear => "schoolYear",
            SessionKind::Semester => "semester",
            SessionKind::Term => "term",
            SessionKind::GradingPeriod => "gradingPeriod",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        [SessionKind::SchoolYear, SessionKind::Semester, SessionKind::Term, SessionKind::GradingPeriod]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| RecordError::UnknownValue {
                field: "session type",
                value: s.to_owned(),
                expected: "schoolYear, semester, term, gradingPeriod",
            })
    }
}

/// A school year, semester, term or grading period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcademicSession {
    pub id: AcademicSessionId,
    pub sourced_id: String,
    pub title: String,
    pub kind: SessionKind,
    // Invariant: start <= end (checked by `AcademicSession::check_dates`).
    pub start: Date,
    pub end: Date,
    pub parent: Option<AcademicSessionId>,
    /// The school year the session belongs to, named by the calendar year it ends in.
    pub school_year: i32,
    pub org: Option<OrgId>,
}

impl AcademicSession {
    /// Checks that the session does not end before it starts.
    pub fn check_dates(start: Date, end: Date) -> Result<(), RecordError> {
        if end < start {
            return Err(RecordError::EndsBeforeStart { start: start.to_string(), end: end.to_string() });
        }
        Ok(())
    }

    /// Whether `date` falls inside the session.
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }
}
