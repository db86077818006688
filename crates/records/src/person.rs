//! People, their roles in organisations, and who is whose guardian.

use std::fmt;

use base::{Date, OrgId, PersonId};

use crate::RecordError;

/// Longest name part accepted, in characters.
const MAX_NAME_CHARS: usize = 100;

/// A non-empty, trimmed name part of at most 100 characters without control characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Validates and trims a name part; `field` names it in the error.
    pub fn parse(s: &str, field: &'static str) -> Result<Self, RecordError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(RecordError::Empty { field });
        }
        if s.chars().count() > MAX_NAME_CHARS {
            return Err(RecordError::TooLong { field, max: MAX_NAME_CHARS });
        }
        if s.chars().any(char::is_control) {
            return Err(RecordError::UnknownValue {
                field,
                value: s.escape_debug().to_string(),
                expected: "text without control characters",
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A national student id (全国中小学生学籍号): sensitive data.
///
/// The common form is `G` followed by the 18-character resident identity number, whose last
/// character is an ISO 7064 MOD 11-2 check character; `L` (no identity number yet) and `J`
/// (foreign students) forms carry 18 letters or digits. `Debug` never prints the full value, so
/// the id cannot leak through logs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalStudentId(String);

impl NationalStudentId {
    /// Validates the id, including the check character of the `G` form.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        let s = s.trim().to_ascii_uppercase();
        let bad = |why| RecordError::BadNationalStudentId(mask(&s), why);
        let mut chars = s.chars();
        let prefix = chars.next().ok_or_else(|| bad("it is empty"))?;
        let body: Vec<char> = chars.collect();
        if body.len() != 18 {
            return Err(bad("expected a letter G, L or J followed by 18 characters"));
        }
        match prefix {
            'G' => {
                let digits = &body[..17];
                if !digits.iter().all(char::is_ascii_digit) {
                    return Err(bad("the identity number must start with 17 digits"));
                }
                if body[17] != id_card_check_char(digits) {
                    return Err(bad("the check character does not match"));
                }
            }
            'L' | 'J' => {
                if !body.iter().all(char::is_ascii_alphanumeric) {
                    return Err(bad("only letters and digits may follow the prefix"));
                }
            }
            _ => return Err(bad("it must start with G, L or J")),
        }
        Ok(Self(s))
    }

    /// Builds the `G` form from the first 17 digits of an identity number, adding the check character.
    pub fn from_identity_digits(digits: &str) -> Result<Self, RecordError> {
        let chars: Vec<char> = digits.chars().collect();
        if chars.len() != 17 || !chars.iter().all(char::is_ascii_digit) {
            return Err(RecordError::BadNationalStudentId(mask(digits), "expected 17 digits"));
        }
        Self::parse(&format!("G{digits}{}", id_card_check_char(&chars)))
    }

    /// The full id. Only call this where the reader is authorised and the read is audited.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The id with its middle hidden, safe to show in lists: `G110***********12X`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for NationalStudentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalStudentId({})", self.masked())
    }
}

fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// The ISO 7064 MOD 11-2 check character of a resident identity number (GB 11643-1999).
fn id_card_check_char(digits: &[char]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d.to_digit(10).unwrap_or(0) * w).sum();
    CHECK[(sum % 11) as usize]
}

/// Recorded sex, as in OneRoster demographics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Other,
    Unspecified,
}

impl Sex {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unspecified => "unspecified",
        }
    }

    /// Parses the stable name; an empty string is `Unspecified`.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        match s {
            "female" => Ok(Sex::Female),
            "male" => Ok(Sex::Male),
            "other" => Ok(Sex::Other),
            "" | "unspecified" => Ok(Sex::Unspecified),
            _ => Err(RecordError::UnknownValue {
                field: "sex",
                value: s.to_owned(),
                expected: "female, male, other, unspecified",
            }),
        }
    }
}

/// A person known to the school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub sourced_id: String,
    /// Login name; `None` for people who never log in.
    pub username: Option<String>,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub preferred_name: Option<String>,
    /// The school's own number for the person (学号, staff number).
    pub identifier: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub birth_date: Option<Date>,
    pub sex: Sex,
    /// Grade levels, for students ("07"…).
    pub grades: Vec<String>,
    pub enabled: bool,
    /// The organisation the person mainly belongs to.
    pub primary_org: Option<OrgId>,
    /// Preferred interface language, e.g. "zh-CN" or "en".
    pub locale: Option<String>,
}

impl Person {
    /// The name as written in Chinese order, family name first with no space, which also reads
    /// naturally for Latin names stored the same way ("王芳", "Smith Anna" for `family_name` Smith).
    pub fn display_name(&self) -> String {
        if let Some(p) = self.preferred_name.as_deref().filter(|p| !p.trim().is_empty()) {
            return p.to_owned();
        }
        let (family, given) = (self.family_name.as_str(), self.given_name.as_str());
        let cjk = |s: &str| s.chars().all(|c| ('\u{3400}'..='\u{9fff}').contains(&c));
        if cjk(family) && cjk(given) { format!("{family}{given}") } else { format!("{given} {family}") }
    }

    /// Age in completed years on `today`, if the birth date is known.
    pub fn age_on(&self, today: Date) -> Option<u32> {
        self.birth_date.map(|b| b.age_on(today))
    }
}

/// What a person does in an organisation. Access rules are keyed on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Student,
    Guardian,
    Teacher,
    Aide,
    Counselor,
    SchoolAdmin,
    CountyAdmin,
    ProvinceAdmin,
    NationalAdmin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Role::Student,
        Role::Guardian,
        Role::Teacher,
        Role::Aide,
        Role::Counselor,
        Role::SchoolAdmin,
        Role::CountyAdmin,
        Role::ProvinceAdmin,
        Role::NationalAdmin,
    ];

    /// The stable name used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Guardian => "guardian",
            Role::Teacher => "teacher",
            Role::Aide => "aide",
            Role::Counselor => "counselor",
            Role::SchoolAdmin => "school_admin",
            Role::CountyAdmin => "county_admin",
            Role::ProvinceAdmin => "province_admin",
            Role::NationalAdmin => "national_admin",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, RecordError> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| RecordError::UnknownValue {
            field: "role",
            value: s.to_owned(),
            expected: "student, guardian, teacher, aide, counselor, school_admin, county_admin, province_admin, national_admin",
        })
    }

    /// Whether the role administers an organisation (and so may see it whole or in aggregate).
    pub fn is_admin(self) -> bool {
        matches!(self, Role::SchoolAdmin | Role::CountyAdmin | Role::ProvinceAdmin | Role::NationalAdmin)
    }
}

/// A role a person holds in an organisation for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    pub person: PersonId,
    pub role: Role,
    pub org: OrgId,
    /// The person's main role (OneRoster `roleType` primary).
    pub primary: bool,
    pub begin: Option<Date>,
    pub end: Option<Date>,
}

impl RoleAssignment {
    /// Whether the assignment holds on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.begin.is_none_or(|b| b <= date) && self.end.is_none_or(|e| date <= e)
    }
}

/// A guardian's responsibility for a student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guardianship {
    pub guardian: PersonId,
    pub student: PersonId,
    /// "mother", "father", "grandparent", "guardian", …
    pub relation: String,
}

#[cfg(test)]
mod tests;
