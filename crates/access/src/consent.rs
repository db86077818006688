//! Consent for optional processing: who may give it, and whether it is in force.
//!
//! Keeping records, attendance and grades is the school's duty and needs no consent. Anything
//! beyond that (adaptive learning models, AI assistance, wellbeing screening, sharing for research)
//! is optional processing and needs consent in force for that purpose. Under China's PIPL the
//! personal information of a child under 14 is processed only with a guardian's consent, so for a
//! student under 14, or whose birth date is unknown, only a guardian's consent counts.

use base::{ConsentId, Date, PersonId, Timestamp};

/// The age from which a student consents for themselves.
pub const AGE_OF_SELF_CONSENT: u32 = 14;

/// An optional purpose for processing a student's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// Learner models, spaced review and recommendations built from the student's answers.
    AdaptiveLearning,
    /// Generated feedback, rewrites and read-aloud from the school's AI models.
    AiAssistance,
    /// Validated wellbeing questionnaires reviewed by a trained person.
    WellbeingScreening,
    /// De-identified data shared beyond the school for research or county statistics.
    ResearchSharing,
}

impl Purpose {
    /// Every purpose.
    pub const ALL: [Purpose; 4] =
        [Purpose::AdaptiveLearning, Purpose::AiAssistance, Purpose::WellbeingScreening, Purpose::ResearchSharing];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::AdaptiveLearning => "adaptive_learning",
            Purpose::AiAssistance => "ai_assistance",
            Purpose::WellbeingScreening => "wellbeing_screening",
            Purpose::ResearchSharing => "research_sharing",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Who gave a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GivenBy {
    /// The student themselves.
    Student,
    /// A guardian of the student.
    Guardian,
    /// The school, recording a consent a guardian gave on paper.
    SchoolOnBehalfOfGuardian,
}

impl GivenBy {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            GivenBy::Student => "student",
            GivenBy::Guardian => "guardian",
            GivenBy::SchoolOnBehalfOfGuardian => "school_on_behalf_of_guardian",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [GivenBy::Student, GivenBy::Guardian, GivenBy::SchoolOnBehalfOfGuardian].into_iter().find(|g| g.as_str() == s)
    }

    fn is_guardian(self) -> bool {
        matches!(self, GivenBy::Guardian | GivenBy::SchoolOnBehalfOfGuardian)
    }
}

/// A consent record: who agreed to what, when, and when it was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub student: PersonId,
    pub purpose: Purpose,
    pub given_by: GivenBy,
    /// The person who gave it (the student, a guardian, or the staff member recording paper consent).
    pub recorded_by: PersonId,
    pub given_at: Timestamp,
    /// The student's age when it was given, if the birth date was known.
    pub student_age_at_grant: Option<u32>,
    pub withdrawn_at: Option<Timestamp>,
    pub withdrawn_by: Option<PersonId>,
}

/// Who must be asked for consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AskWhom {
    /// A guardian: the student is under 14 or their age is unknown.
    Guardian,
    /// The student (a guardian's consent also counts).
    StudentOrGuardian,
}

impl AskWhom {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AskWhom::Guardian => "guardian",
            AskWhom::StudentOrGuardian => "student_or_guardian",
        }
    }
}

/// Consent is needed and not in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("consent for {} is needed from the {}", purpose.as_str(), ask.as_str())]
pub struct ConsentRequired {
    pub purpose: Purpose,
    pub ask: AskWhom,
}

/// Who may consent for a student born on `birth_date`, on `today`.
pub fn ask_whom(birth_date: Option<Date>, today: Date) -> AskWhom {
    match birth_date.map(|b| b.age_on(today)) {
        Some(age) if age >= AGE_OF_SELF_CONSENT => AskWhom::StudentOrGuardian,
        _ => AskWhom::Guardian,
    }
}

/// Whether a new consent given by `given_by` would be valid for a student born on `birth_date`.
pub fn may_give(given_by: GivenBy, birth_date: Option<Date>, today: Date) -> bool {
    given_by.is_guardian() || ask_whom(birth_date, today) == AskWhom::StudentOrGuardian
}

/// Checks that consent for `purpose` is in force at `now` for a student born on `birth_date`,
/// returning the consent it rests on.
///
/// A consent counts if it is for `purpose`, was given at or before `now`, is not withdrawn, and was
/// given by a guardian or by the student at 14 or older.
pub fn check(
    purpose: Purpose,
    birth_date: Option<Date>,
    consents: &[Consent],
    now: Timestamp,
) -> Result<&Consent, ConsentRequired> {
    consents
        .iter()
        .filter(|c| c.purpose == purpose && c.given_at <= now)
        .filter(|c| c.withdrawn_at.is_none_or(|w| w > now))
        .find(|c| c.given_by.is_guardian() || c.student_age_at_grant.is_some_and(|age| age >= AGE_OF_SELF_CONSENT))
        .ok_or(ConsentRequired { purpose, ask: ask_whom(birth_date, now.date_utc()) })
}

#[cfg(test)]
mod tests;
