//! Adaptive practice through the app: consent first, answers folded in one transaction.

use access::consent::Purpose;
use app::learning::{DEMO_SUBJECT, PlanFile};
use app::{App, Caller, UserError};
use base::PersonId;
use test_support::store_test;

use crate::{demo_app, operator, sign_in};

/// (student id, username) of the first demo student with and without adaptive-learning consent.
async fn students(app: &App) -> ((PersonId, String), (PersonId, String)) {
    let (mut with, mut without) = (None, None);
    for i in 1..=60 {
        let username = format!("student{i:04}");
        let id = crate::person_id(app, &username).await;
        let ok = app.require_consent(&id, Purpose::AdaptiveLearning).await.is_ok();
        match ok {
            true if with.is_none() => with = Some((id, username)),
            false if without.is_none() => without = Some((id, username)),
            _ => {}
        }
    }
    (with.unwrap(), without.unwrap())
}

fn code(e: app::Error) -> &'static str {
    e.as_user().map_or("internal", UserError::code)
}

async fn correct_answer(app: &App, item: &str) -> String {
    let mut c = app.store().read().await.unwrap();
    let stored = store::learning::item(&mut c, item).await.unwrap().unwrap();
    match serde_json::from_str::<app::learning::AnswerKey>(&stored.answer_key).unwrap() {
        app::learning::AnswerKey::Math { reference } => reference,
    }
}

async fn n_answers(app: &App, student: &PersonId) -> usize {
    let mut c = app.store().read().await.unwrap();
    store::learning::answers_of(&mut c, student, DEMO_SUBJECT).await.unwrap().len()
}

store_test!(practice_needs_consent_and_answers_update_the_learner_model, |db| {
    let (app, _) = demo_app(&db).await;
    let ((student, username), (other, other_name)) = students(&app).await;
    let me = sign_in(&app, &username).await;
    let next = app.next_practice(&me, &student, DEMO_SUBJECT, 3).await.unwrap();
    assert_eq!(next.len(), 3);
    assert!(next.iter().all(|p| p.stem_zh.is_some() && p.stem_en.is_some() && p.predicted_success > 0.0));

    // Without consent: refused, saying whom to ask.
    let them = sign_in(&app, &other_name).await;
    let err = app.next_practice(&them, &other, DEMO_SUBJECT, 3).await.unwrap_err();
    assert!(matches!(err.as_user(), Some(UserError::ConsentRequired(c)) if c.purpose == Purpose::AdaptiveLearning));

    let before = n_answers(&app, &student).await;
    let item = next[0].item.to_string();
    let right = correct_answer(&app, &item).await;
    let result = app.answer_practice(&me, &student, &item, &right).await.unwrap();
    assert!(result.correct, "{result:?}");
    assert!(!result.next.is_empty());
    let wrong = app.answer_practice(&me, &student, &item, "a wrong answer").await.unwrap();
    assert!(!wrong.correct);
    assert_eq!(wrong.expected, right, "the expected answer is shown after answering");
    assert_eq!(n_answers(&app, &student).await, before + 2);
    // Unparseable input is a defined wrong answer, not an error; empty and huge inputs are refused clearly.
    assert!(!app.answer_practice(&me, &student, &item, "¯\\_(ツ)_/¯ ((((").await.unwrap().correct);
    assert_eq!(code(app.answer_practice(&me, &student, &item, &"9".repeat(20_000)).await.unwrap_err()), "invalid");
    assert_eq!(code(app.answer_practice(&me, &student, "no-such-item", "1").await.unwrap_err()), "not-found");

    // Only the student answers for themselves; a teacher reads the mastery map.
    let teacher = sign_in(&app, "teacher01").await;
    assert_eq!(code(app.answer_practice(&teacher, &student, &item, &right).await.unwrap_err()), "forbidden");
    let map = app.mastery_map(&teacher, &student, DEMO_SUBJECT).await.unwrap();
    assert!(map.iter().any(|r| r.entry.answers > 0));
});

store_test!(withdrawing_consent_erases_the_learner_model, |db| {
    let (app, _) = demo_app(&db).await;
    let ((student, _), _) = students(&app).await;
    let mut c = app.store().read().await.unwrap();
    assert!(store::learning::learner_state(&mut c, &student, DEMO_SUBJECT).await.unwrap().is_some(), "demo history");
    drop(c);
    let guardian = guardian_of(&app, &student).await;
    app.withdraw_consent(&guardian, &student, Purpose::AdaptiveLearning).await.unwrap();
    let mut c = app.store().read().await.unwrap();
    assert!(store::learning::learner_state(&mut c, &student, DEMO_SUBJECT).await.unwrap().is_none());
    drop(c);
    assert_eq!(code(app.mastery_map(&operator(), &student, DEMO_SUBJECT).await.unwrap_err()), "consent-required");
});

async fn guardian_of(app: &App, student: &PersonId) -> Caller {
    let mut c = app.store().read().await.unwrap();
    let (guardian, _) = store::people::guardians_of(&mut c, student).await.unwrap().remove(0);
    drop(c);
    sign_in(app, guardian.username.as_deref().unwrap()).await
}

store_test!(a_class_heat_map_covers_only_students_with_consent, |db| {
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let class = app.visible_classes(&teacher).await.unwrap()[0].id.clone();
    let heat = app.class_heat_map(&teacher, &class, DEMO_SUBJECT).await.unwrap();
    assert_eq!(heat.students_included + heat.students_without_consent, 10);
    assert!(
        heat.students_included > 0 && heat.students_without_consent > 0,
        "{} / {}",
        heat.students_included,
        heat.students_without_consent
    );
    assert!(heat.rows.iter().any(|r| r.heat.mastered + r.heat.learning + r.heat.struggling > 0));
    let student = sign_in(&app, "student0001").await;
    assert_eq!(code(app.class_heat_map(&student, &class, DEMO_SUBJECT).await.unwrap_err()), "not-found");
});

store_test!(a_teachers_pin_comes_first_and_bad_plans_are_refused, |db| {
    let (app, _) = demo_app(&db).await;
    let ((student, username), _) = students(&app).await;
    let teacher = teacher_of(&app, &student).await;
    let me = sign_in(&app, &username).await;
    // Pin the point of the third recommendation: it must move to the front.
    let before = app.next_practice(&me, &student, DEMO_SUBJECT, 3).await.unwrap();
    let kp = before[2].kp.kp.to_string();
    let bad = PlanFile { pinned_kps: vec![("no-such-kp".into(), None)], ..PlanFile::default() };
    assert_eq!(code(app.set_student_plan(&teacher, &student, DEMO_SUBJECT, &bad).await.unwrap_err()), "invalid");
    let plan = PlanFile { pinned_kps: vec![(kp.clone(), Some("复习 / revise".into()))], ..PlanFile::default() };
    assert_eq!(code(app.set_student_plan(&me, &student, DEMO_SUBJECT, &plan).await.unwrap_err()), "forbidden");
    app.set_student_plan(&teacher, &student, DEMO_SUBJECT, &plan).await.unwrap();
    let after = app.next_practice(&me, &student, DEMO_SUBJECT, 3).await.unwrap();
    assert_eq!(after[0].kp.kp.as_str(), kp);
    assert!(matches!(&after[0].reason, learning::next_step::Reason::Pinned { note: Some(n) } if n.contains("revise")));
});

async fn teacher_of(app: &App, student: &PersonId) -> Caller {
    let facts = {
        let mut c = app.store().read().await.unwrap();
        store::facts::student_facts(&mut c, student, app.today()).await.unwrap()
    };
    let mut c = app.store().read().await.unwrap();
    let t = store::people::get(&mut c, &facts.teachers[0]).await.unwrap().unwrap();
    drop(c);
    sign_in(app, t.username.as_deref().unwrap()).await
}

store_test!(answers_at_the_same_time_are_both_kept, |db| {
    let (app, _) = demo_app(&db).await;
    let ((student, username), _) = students(&app).await;
    let me = sign_in(&app, &username).await;
    let next = app.next_practice(&me, &student, DEMO_SUBJECT, 2).await.unwrap();
    let state_answers = async || {
        let mut c = app.store().read().await.unwrap();
        let blob = store::learning::learner_state(&mut c, &student, DEMO_SUBJECT).await.unwrap().unwrap();
        learning::learner::LearnerState::from_blob(&blob).unwrap().n_answers()
    };
    let before = state_answers().await;
    let (a, b) = tokio::join!(
        app.answer_practice(&me, &student, next[0].item.as_str(), "1"),
        app.answer_practice(&me, &student, next[1].item.as_str(), "2")
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(state_answers().await, before + 2, "neither update overwrote the other");
});

store_test!(the_operator_refits_a_subject_from_its_answers, |db| {
    let (app, _) = demo_app(&db).await;
    let (answers, students) = app.refit_subject(&operator(), DEMO_SUBJECT, false).await.unwrap();
    assert!(answers > 100 && students > 5, "{answers} answers, {students} students");
    let teacher = sign_in(&app, "teacher01").await;
    assert_eq!(code(app.refit_subject(&teacher, DEMO_SUBJECT, false).await.unwrap_err()), "forbidden");
});
