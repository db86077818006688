use super::*;

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(&format!("{s}T12:00:00Z")).unwrap()
}

fn consent(given_by: GivenBy, given: &str, age: Option<u32>, withdrawn: Option<&str>) -> Consent {
    Consent {
        id: ConsentId::parse("c1").unwrap(),
        student: PersonId::parse("s1").unwrap(),
        purpose: Purpose::AdaptiveLearning,
        given_by,
        recorded_by: PersonId::parse("g1").unwrap(),
        given_at: at(given),
        student_age_at_grant: age,
        withdrawn_at: withdrawn.map(at),
        withdrawn_by: None,
    }
}

const BORN_2014: &str = "2014-03-05";
const BORN_2010: &str = "2010-03-05";

#[test]
fn a_child_under_14_needs_a_guardian() {
    let born = Some(day(BORN_2014));
    let now = at("2026-11-23");
    let missing = ConsentRequired { purpose: Purpose::AdaptiveLearning, ask: AskWhom::Guardian };
    assert_eq!(check(Purpose::AdaptiveLearning, born, &[], now), Err(missing.clone()));
    let own = [consent(GivenBy::Student, "2026-10-01", Some(12), None)];
    assert_eq!(
        check(Purpose::AdaptiveLearning, born, &own, now),
        Err(missing),
        "a 12-year-old's own consent does not count"
    );
    let guardian = [consent(GivenBy::Guardian, "2026-10-01", Some(12), None)];
    assert!(check(Purpose::AdaptiveLearning, born, &guardian, now).is_ok());
    let paper = [consent(GivenBy::SchoolOnBehalfOfGuardian, "2026-10-01", Some(12), None)];
    assert!(check(Purpose::AdaptiveLearning, born, &paper, now).is_ok());
    assert!(!may_give(GivenBy::Student, born, now.date_utc()));
}

#[test]
fn from_14_a_student_consents_for_themselves() {
    let born = Some(day(BORN_2010));
    let now = at("2026-11-23");
    assert_eq!(ask_whom(born, now.date_utc()), AskWhom::StudentOrGuardian);
    assert!(may_give(GivenBy::Student, born, now.date_utc()));
    let own = [consent(GivenBy::Student, "2026-10-01", Some(16), None)];
    assert!(check(Purpose::AdaptiveLearning, born, &own, now).is_ok());
}

#[test]
fn an_unknown_birth_date_is_treated_as_under_14() {
    assert_eq!(ask_whom(None, day("2026-11-23")), AskWhom::Guardian);
    let own = [consent(GivenBy::Student, "2026-10-01", None, None)];
    assert!(check(Purpose::AdaptiveLearning, None, &own, at("2026-11-23")).is_err());
}

#[test]
fn withdrawn_future_and_other_purpose_consents_do_not_count() {
    let born = Some(day(BORN_2014));
    let now = at("2026-11-23");
    let withdrawn = [consent(GivenBy::Guardian, "2026-10-01", Some(12), Some("2026-11-01"))];
    assert!(check(Purpose::AdaptiveLearning, born, &withdrawn, now).is_err());
    let future = [consent(GivenBy::Guardian, "2026-12-01", Some(12), None)];
    assert!(check(Purpose::AdaptiveLearning, born, &future, now).is_err());
    let other = [consent(GivenBy::Guardian, "2026-10-01", Some(12), None)];
    assert!(check(Purpose::WellbeingScreening, born, &other, now).is_err());
    // Withdrawn later than now: still in force now.
    let later = [consent(GivenBy::Guardian, "2026-10-01", Some(12), Some("2026-12-01"))];
    assert!(check(Purpose::AdaptiveLearning, born, &later, now).is_ok());
}
