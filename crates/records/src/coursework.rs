//! Coursework: gradebook columns (assignments, term grades), results and attendance.

use std::fmt;

use base::{AcademicSessionId, ClassId, Date, LineItemId, PersonId, RecordId, Timestamp};

use crate::RecordError;

/// A score: a finite, non-negative number no larger than its maximum.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
pub struct Score(f64);

impl Score {
    /// Validates `value` against the column's maximum `max` (itself finite and positive).
    pub fn new(value: f64, max: f64) -> Result<Self, RecordError> {
        if !(value.is_finite() && max.is_finite() && max > 0.0 && (0.0..=max).contains(&value)) {
            return Err(RecordError::ScoreOutOfRange { score: value.to_string(), max: max.to_string() });
        }
        Ok(Self(value))
    }

    /// The score.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Debug for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Score({})", self.0)
    }
}

/// What a gradebook column records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineItemCategory {
    /// Homework, a quiz, a project: one piece of coursework.
    Assignment,
    /// A test or examination.
    Exam,
    /// The grade for a whole term, as it goes into the school record.
    TermGrade,
}

impl LineItemCategory {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            LineItemCategory::Assignment => "assignment",
            LineItemCategory::Exam => "exam",
            LineItemCategory::TermGrade => "term_grade",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        match s {
            "assignment" => Ok(LineItemCategory::Assignment),
            "exam" => Ok(LineItemCategory::Exam),
            "term_grade" => Ok(LineItemCategory::TermGrade),
            _ => Err(RecordError::UnknownValue {
                field: "line item category",
                value: s.to_owned(),
                expected: "assignment, exam, term_grade",
            }),
        }
    }
}

/// A gradebook column of a class.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    pub id: LineItemId,
    pub class: ClassId,
    pub title: String,
    pub category: LineItemCategory,
    pub session: Option<AcademicSessionId>,
    pub assigned: Option<Date>,
    pub due: Option<Date>,
    // Invariant: finite and positive.
    pub max_score: f64,
}

/// One student's result in one gradebook column.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRecord {
    pub id: RecordId,
    pub line_item: LineItemId,
    pub student: PersonId,
    pub score: Option<Score>,
    /// A letter or level grade ("A", "优秀") where the school uses them.
    pub grade: Option<String>,
    pub comment: Option<String>,
    pub recorded_at: Timestamp,
    pub recorded_by: Option<PersonId>,
}

/// Whether a student was in class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttendanceStatus {
    Present,
    Late,
    Absent,
    Excused,
}

impl AttendanceStatus {
    /// Every status.
    pub const ALL: [AttendanceStatus; 4] =
        [AttendanceStatus::Present, AttendanceStatus::Late, AttendanceStatus::Absent, AttendanceStatus::Excused];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Late => "late",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Excused => "excused",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        Self::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| RecordError::UnknownValue {
            field: "attendance status",
            value: s.to_owned(),
            expected: "present, late, absent, excused",
        })
    }

    /// Whether the student was there (late counts as there).
    pub fn attended(self) -> bool {
        matches!(self, AttendanceStatus::Present | AttendanceStatus::Late)
    }
}

/// A student's attendance in a class on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    pub id: RecordId,
    pub class: ClassId,
    pub student: PersonId,
    pub date: Date,
    pub status: AttendanceStatus,
    pub note: Option<String>,
    pub recorded_by: Option<PersonId>,
}
