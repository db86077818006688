//! Consent: who may give it, and optional processing refused without it.

use access::consent::Purpose;
use app::UserError;
use test_support::store_test;

use crate::{NOW, demo_app, person_id, sign_in};

store_test!(a_child_under_14_needs_a_guardians_consent_and_the_code_asks_for_it, |db| {
    let (app, _) = demo_app(&db).await;
    // student0001 is in grade 7: 12 or 13 years old.
    let s1 = person_id(&app, "student0001").await;
    let student = sign_in(&app, "student0001").await;
    let guardian = sign_in(&app, "guardian0001").await;
    app.withdraw_consent(&guardian, &s1, Purpose::AdaptiveLearning).await.unwrap();
    let err = app.require_consent(&s1, Purpose::AdaptiveLearning).await.unwrap_err();
    let Some(UserError::ConsentRequired(needed)) = err.as_user() else { panic!("{err:?}") };
    assert_eq!(needed.ask, access::consent::AskWhom::Guardian);
    let own = app.give_consent(&student, &s1, Purpose::AdaptiveLearning).await.unwrap_err();
    assert_eq!(own.as_user().map(UserError::code), Some("forbidden"));
    let given = app.give_consent(&guardian, &s1, Purpose::AdaptiveLearning).await.unwrap();
    assert_eq!(given.given_by, access::consent::GivenBy::Guardian);
    assert!(given.given_at <= NOW);
    app.require_consent(&s1, Purpose::AdaptiveLearning).await.unwrap();
    let (history, ask) = app.consents(&guardian, &s1).await.unwrap();
    assert_eq!(ask, access::consent::AskWhom::Guardian);
    assert!(history.iter().any(|c| c.withdrawn_at.is_some()), "withdrawals stay in the history");
    // A teacher can neither give nor withdraw.
    let teacher = sign_in(&app, "teacher01").await;
    assert!(app.withdraw_consent(&teacher, &s1, Purpose::AdaptiveLearning).await.is_err());
});

store_test!(from_14_a_student_consents_for_themselves, |db| {
    let (app, clock) = demo_app(&db).await;
    // Grade 9 students are 14 or 15: student0050 is in grade 9 of the small demo.
    let s = person_id(&app, "student0050").await;
    let me = sign_in(&app, "student0050").await;
    clock.advance_seconds(400 * 86_400);
    let given = app.give_consent(&me, &s, Purpose::WellbeingScreening).await.unwrap();
    assert_eq!(given.given_by, access::consent::GivenBy::Student);
    app.require_consent(&s, Purpose::WellbeingScreening).await.unwrap();
});
