//! Tests of `review`.
#![allow(clippy::unwrap_used)]

use base::{PersonId, Timestamp};

use crate::error::GradingError;
use crate::grade::{Confidence, Feedback, Grade, Outcome};
use crate::id::{ItemId, ResponseId};
use crate::review::{BulkAccept, Event, Gradebook, Status};

fn r(s: &str) -> ResponseId {
    ResponseId::parse(s).unwrap()
}

fn teacher() -> PersonId {
    PersonId::parse("t-wang").unwrap()
}

fn at(s: i64) -> Timestamp {
    Timestamp::from_millis(s * 1000)
}

fn scored(points: f64, confidence: f64) -> Grade {
    Grade {
        outcome: Outcome::Scored { points, max_points: 2.0 },
        feedback: vec![],
        confidence: Confidence::new(confidence),
    }
}

fn free_text() -> Grade {
    Grade { outcome: Outcome::NeedsScorer, feedback: vec![Feedback::NeedsScorer], confidence: Confidence::NONE }
}

/// Three responses to q1 (two confident, one not) and one free-text response to q2.
fn book() -> Gradebook {
    let mut book = Gradebook::new();
    let q1 = ItemId::parse("q1").unwrap();
    for (id, g) in [("r1", scored(2.0, 1.0)), ("r2", scored(0.0, 1.0)), ("r3", scored(2.0, 0.5))] {
        book.suggest(r(id), q1.clone(), PersonId::parse(format!("s-{id}")).unwrap(), g);
    }
    book.suggest(r("r4"), ItemId::parse("q2").unwrap(), PersonId::parse("s-r4").unwrap(), free_text());
    book
}

#[test]
fn machine_grades_stay_invisible_until_released() {
    let mut book = book();
    assert_eq!(book.entry(&r("r1")).unwrap().released_points(), None);
    assert_eq!(book.entry(&r("r1")).unwrap().current_points(), Some(2.0));
    let report = book.release(Some(&[r("r1")]), &teacher(), at(10)).unwrap();
    assert_eq!(report.released, vec![r("r1")]);
    assert_eq!(book.entry(&r("r1")).unwrap().released_points(), Some(2.0));
    assert_eq!(book.entry(&r("r2")).unwrap().released_points(), None);
}

#[test]
fn bulk_accept_takes_only_confident_scored_suggestions() {
    let mut book = book();
    let n = book.accept_all(&BulkAccept { min_confidence: Confidence::new(0.9), item: None }, &teacher(), at(5));
    assert_eq!(n, 2);
    assert_eq!(book.entry(&r("r3")).unwrap().status, Status::Suggested { points: Some(2.0) });
    assert_eq!(book.needing_attention(), vec![&r("r3"), &r("r4")]);
}

#[test]
fn an_override_is_one_call_and_is_kept_in_history() {
    let mut book = book();
    book.override_points(&r("r3"), 1.0, Some("half the working".into()), &teacher(), at(7)).unwrap();
    let entry = book.entry(&r("r3")).unwrap();
    assert_eq!(entry.status, Status::Overridden { points: 1.0 });
    assert_eq!(
        entry.history.last(),
        Some(&Event::Overridden {
            by: teacher(),
            at: at(7),
            from: Some(2.0),
            to: 1.0,
            note: Some("half the working".into())
        })
    );
    assert!(matches!(
        book.override_points(&r("r3"), 3.0, None, &teacher(), at(8)),
        Err(GradingError::InvalidPoints { .. })
    ));
    assert!(matches!(
        book.override_points(&r("r9"), 1.0, None, &teacher(), at(8)),
        Err(GradingError::UnknownResponse(_))
    ));
}

#[test]
fn release_blocks_responses_that_have_no_points_yet() {
    let mut book = book();
    let report = book.release(None, &teacher(), at(20)).unwrap();
    assert_eq!(report.released, vec![r("r1"), r("r2"), r("r3")]);
    assert_eq!(report.blocked, vec![r("r4")]);
    assert_eq!(book.accept(&r("r4"), &teacher(), at(21)), Err(GradingError::NeedsTeacherGrade("r4".into())));
    book.set_max_points(&r("r4"), 5.0).unwrap();
    book.override_points(&r("r4"), 4.0, None, &teacher(), at(22)).unwrap();
    let report = book.release(None, &teacher(), at(23)).unwrap();
    assert_eq!(report.released, vec![r("r4")]);
}

#[test]
fn a_released_grade_must_be_reopened_before_it_changes() {
    let mut book = book();
    book.release(Some(&[r("r2")]), &teacher(), at(30)).unwrap();
    assert_eq!(
        book.override_points(&r("r2"), 1.0, None, &teacher(), at(31)),
        Err(GradingError::AlreadyReleased("r2".into()))
    );
    book.reopen(&r("r2"), &teacher(), at(32)).unwrap();
    book.override_points(&r("r2"), 1.0, None, &teacher(), at(33)).unwrap();
    assert_eq!(book.entry(&r("r2")).unwrap().released_points(), None);
    assert_eq!(book.reopen(&r("r2"), &teacher(), at(34)), Err(GradingError::NotReleased("r2".into())));
}

#[test]
fn teacher_decisions_become_training_labels_for_the_item() {
    let mut book = book();
    book.accept(&r("r1"), &teacher(), at(40)).unwrap();
    book.override_points(&r("r3"), 0.5, None, &teacher(), at(41)).unwrap();
    let labels = book.training_labels(&ItemId::parse("q1").unwrap());
    let summary: Vec<(String, Option<f64>, f64, bool)> =
        labels.iter().map(|l| (l.response.to_string(), l.machine_points, l.teacher_points, l.overridden)).collect();
    assert_eq!(summary, vec![("r1".into(), Some(2.0), 2.0, false), ("r3".into(), Some(2.0), 0.5, true)]);
    assert!(book.training_labels(&ItemId::parse("q2").unwrap()).is_empty());
}

#[test]
fn a_new_machine_grade_does_not_undo_a_teacher_decision() {
    let mut book = book();
    book.override_points(&r("r2"), 1.0, None, &teacher(), at(50)).unwrap();
    book.suggest(r("r2"), ItemId::parse("q1").unwrap(), PersonId::parse("s-r2").unwrap(), scored(2.0, 1.0));
    let entry = book.entry(&r("r2")).unwrap();
    assert_eq!(entry.status, Status::Overridden { points: 1.0 });
    assert_eq!(entry.history.len(), 3);
}
