//! Courses, classes and who is enrolled in them.

use base::{AcademicSessionId, ClassId, CourseId, Date, EnrollmentId, OrgId, PersonId};

use crate::RecordError;

/// A course in a school's catalogue, such as "七年级数学 / Grade 7 Mathematics".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub id: CourseId,
    pub sourced_id: String,
    pub title: String,
    pub code: Option<String>,
    pub org: OrgId,
    pub school_year: Option<AcademicSessionId>,
    pub grades: Vec<String>,
    pub subjects: Vec<String>,
}

/// Whether a class is a homeroom (行政班) or a scheduled teaching class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassType {
    Homeroom,
    Scheduled,
}

impl ClassType {
    /// The stable name, as in OneRoster.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassType::Homeroom => "homeroom",
            ClassType::Scheduled => "scheduled",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        match s {
            "homeroom" => Ok(ClassType::Homeroom),
            "scheduled" => Ok(ClassType::Scheduled),
            _ => Err(RecordError::UnknownValue {
                field: "class type",
                value: s.to_owned(),
                expected: "homeroom, scheduled",
            }),
        }
    }
}

/// One course taught to one group of students, in one or more terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub id: ClassId,
    pub sourced_id: String,
    pub title: String,
    pub code: Option<String>,
    pub class_type: ClassType,
    pub course: CourseId,
    pub school: OrgId,
    pub location: Option<String>,
    pub grades: Vec<String>,
    pub subjects: Vec<String>,
    pub periods: Vec<String>,
    pub terms: Vec<AcademicSessionId>,
}

/// A person's part in a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EnrollmentRole {
    Student,
    Teacher,
    Aide,
}

impl EnrollmentRole {
    /// The stable name, as in OneRoster.
    pub fn as_str(self) -> &'static str {
        match self {
            EnrollmentRole::Student => "student",
            EnrollmentRole::Teacher => "teacher",
            EnrollmentRole::Aide => "aide",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        match s {
            "student" => Ok(EnrollmentRole::Student),
            "teacher" => Ok(EnrollmentRole::Teacher),
            "aide" => Ok(EnrollmentRole::Aide),
            _ => Err(RecordError::UnknownValue {
                field: "enrollment role",
                value: s.to_owned(),
                expected: "student, teacher, aide",
            }),
        }
    }

    /// Whether this part of a class teaches it (and so may see its students' records).
    pub fn teaches(self) -> bool {
        matches!(self, EnrollmentRole::Teacher | EnrollmentRole::Aide)
    }
}

/// One person's membership of one class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub id: EnrollmentId,
    pub sourced_id: String,
    pub class: ClassId,
    pub school: OrgId,
    pub person: PersonId,
    pub role: EnrollmentRole,
    /// The class's main teacher.
    pub primary: bool,
    pub begin: Option<Date>,
    pub end: Option<Date>,
}

impl Enrollment {
    /// Whether the enrollment holds on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.begin.is_none_or(|b| b <= date) && self.end.is_none_or(|e| date <= e)
    }
}
