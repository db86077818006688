//! Entity ids: one newtype per entity, all holding validated strings.

use std::fmt;

/// Longest id accepted, in bytes. OneRoster `sourcedId`s are GUIDs in practice; 128 leaves room.
pub const MAX_ID_LEN: usize = 128;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id is empty")]
    Empty,
    #[error("id is longer than {MAX_ID_LEN} bytes")]
    TooLong,
    #[error("id contains a control character")]
    ControlCharacter,
}

fn validate(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    if s.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    if s.chars().any(char::is_control) {
        return Err(IdError::ControlCharacter);
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks that `s` is a usable id.
            pub fn parse(s: impl Into<String>) -> Result<Self, IdError> {
                let s = s.into();
                validate(&s)?;
                Ok(Self(s))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as owned text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
    )*};
}

id_type! {
    /// An organisation: school, county, province or the national level.
    OrgId,
    /// A school year, term or grading period.
    AcademicSessionId,
    /// A course in a school's catalogue.
    CourseId,
    /// A class: one course taught to one group of students in one or more terms.
    ClassId,
    /// A person: student, teacher, guardian, counselor or administrator.
    PersonId,
    /// One person's membership of one class.
    EnrollmentId,
    /// A gradebook column: an assignment or a term grade.
    LineItemId,
    /// A consent record.
    ConsentId,
    /// Any other record: attendance, result, administrative record, placement, duty.
    RecordId,
}

#[cfg(test)]
mod tests;
