//! The adaptive pages: today's practice with feedback, double submits and expired sessions while
//! answering, mastery maps, reviews, and the class heat map on the teacher's dashboard.

use axum::http::StatusCode;
use test_support::store_test;

use super::{Browser, SCRIPT, assert_escaped};

const SUBJECT: &str = app::learning::DEMO_SUBJECT;

/// The first demo student whose practice page offers a question (adaptive-learning consent in
/// force) or, with `consenting = false`, the first whose page explains that consent is missing.
async fn student(b: &Browser, consenting: bool) -> (Browser, String) {
    for n in 1..=60 {
        let username = format!("student{n:04}");
        let mut s = b.another();
        s.accept_language = Some("en".into());
        s.sign_in(&username).await;
        let page = s.get("/learn/practice").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.show());
        if page.body.contains("name=\"answer\"") == consenting {
            return (s, username);
        }
    }
    panic!("no demo student with consenting = {consenting}");
}

/// Answers recorded for a student, over every knowledge point.
async fn n_answers(b: &Browser, username: &str) -> u32 {
    let operator = app::Caller::Operator { user: "t".into() };
    let id: base::PersonId = b.id_of(username).await.parse().unwrap();
    b.app.mastery_map(&operator, &id, SUBJECT).await.unwrap().iter().map(|r| r.entry.answers).sum()
}

store_test!(a_learner_answers_the_recommended_question_and_sees_feedback_once_even_if_sent_twice, |db| {
    let b = Browser::demo(&db).await;
    let (mut s, username) = student(&b, true).await;
    let page = s.get("/learn/practice").await;
    assert!(page.body.contains("Why this one:") && page.body.contains("Check my answer"), "{}", page.show());
    let before = n_answers(&b, &username).await;
    let (csrf, once, item) = (page.input("csrf"), page.input("once"), page.input("item"));
    let fields = [("csrf", csrf.as_str()), ("once", &once), ("subject", SUBJECT), ("item", &item), ("answer", SCRIPT)];
    let first = s.post_form("/learn/practice", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.show());
    assert_eq!(first.location(), format!("/learn/practice?subject={SUBJECT}&answered={once}"));
    let feedback = s.get(first.location()).await;
    assert!(feedback.body.contains("id=\"h-feedback\"") && feedback.body.contains("Not quite."), "{}", feedback.show());
    assert!(feedback.body.contains("Expected:") && feedback.body.contains("Hint: this question practises"));
    assert!(feedback.body.contains("mastery now"), "{}", feedback.show());
    assert_escaped(&feedback);
    assert_eq!(n_answers(&b, &username).await, before + 1);
    // The same form again (a double click that got through): the first answer's feedback, nothing recorded twice.
    let second = s.post_form("/learn/practice", &fields).await;
    assert_eq!(second.location(), format!("{}&notice=already-saved", first.location()));
    let again = s.get(second.location()).await;
    assert!(again.body.contains("This form had already been sent") && again.body.contains("Not quite."));
    assert_eq!(n_answers(&b, &username).await, before + 1);
    // Another learner cannot read this learner's feedback by its key.
    let (mut other, _) = student(&b, false).await;
    let theirs = other.get(first.location()).await;
    assert!(!theirs.body.contains("id=\"h-feedback\""), "{}", theirs.show());
});

store_test!(an_empty_answer_is_refused_in_words_and_records_nothing, |db| {
    let b = Browser::demo(&db).await;
    let (mut s, username) = student(&b, true).await;
    let page = s.get("/learn/practice").await;
    let before = n_answers(&b, &username).await;
    let fields = [
        ("csrf", page.input("csrf")),
        ("once", page.input("once")),
        ("subject", SUBJECT.to_owned()),
        ("item", page.input("item")),
        ("answer", "   ".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = s.post_form("/learn/practice", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.show());
    assert!(refused.body.contains("Write an answer first.") && refused.body.contains("aria-invalid=\"true\""));
    assert_eq!(n_answers(&b, &username).await, before);
});

store_test!(an_answer_typed_while_the_session_ended_is_kept_and_sent_after_signing_in, |db| {
    let b = Browser::demo(&db).await;
    let (mut s, username) = student(&b, true).await;
    let page = s.get("/learn/practice").await;
    let before = n_answers(&b, &username).await;
    s.clock.advance_seconds(s.app.config().session_idle_seconds + 60);
    let late = s
        .post_form(
            "/learn/practice",
            &[
                ("csrf", &page.input("csrf")),
                ("once", &page.input("once")),
                ("subject", SUBJECT),
                ("item", &page.input("item")),
                ("answer", "3/4"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.show());
    let pending = late.input("pending");
    assert!(pending.contains("answer=3%2F4"), "{pending}");
    let signed = s
        .post_form(
            "/sign-in",
            &[
                ("username", &username),
                ("password", app::demo::DEMO_PASSWORD),
                ("next", "/learn/practice"),
                ("pending", &pending),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.show());
    assert!(signed.body.contains("3/4"), "{}", signed.show());
    let resend: Vec<(String, String)> =
        ["csrf", "once", "subject", "item", "answer"].iter().map(|f| ((*f).to_owned(), signed.input(f))).collect();
    let resend: Vec<(&str, &str)> = resend.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sent = s.post_form("/learn/practice", &resend).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.show());
    assert!(s.get(sent.location()).await.body.contains("Your answer: 3/4"));
    assert_eq!(n_answers(&b, &username).await, before + 1);
});

store_test!(without_consent_the_practice_pages_say_who_can_give_it_instead_of_failing, |db| {
    let b = Browser::demo(&db).await;
    let (mut s, _) = student(&b, false).await;
    for path in ["/learn/practice", "/learn/mastery", "/learn/reviews"] {
        let page = s.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.show());
        assert!(page.body.contains("needs consent first"), "{path}: {}", page.show());
    }
});

store_test!(mastery_and_reviews_pages_draw_the_map_and_list_what_is_due, |db| {
    let b = Browser::demo(&db).await;
    let (mut s, username) = student(&b, true).await;
    let mastery = s.get("/learn/mastery").await;
    assert_eq!(mastery.status, StatusCode::OK, "{}", mastery.show());
    assert!(mastery.body.contains("<svg class=\"chart\"") && mastery.body.contains("knowledge points:"));
    let operator = app::Caller::Operator { user: "t".into() };
    let id: base::PersonId = b.id_of(&username).await.parse().unwrap();
    let rows = b.app.mastery_map(&operator, &id, SUBJECT).await.unwrap();
    // One tile per knowledge point, and the table lists them all.
    assert_eq!(mastery.body.matches("<rect ").count(), rows.len());
    assert_eq!(mastery.body.matches("<tr><td>").count(), rows.len());
    let reviews = s.get("/learn/reviews").await;
    assert_eq!(reviews.status, StatusCode::OK, "{}", reviews.show());
    let due = rows.iter().filter(|r| r.entry.review_due.is_some_and(|d| d.date_utc() <= crate::NOW.date_utc())).count();
    let heading = if due == 1 { "1 review due today".to_owned() } else { format!("{due} reviews due today") };
    assert!(reviews.body.contains(&heading), "{heading}: {}", reviews.show());
});

store_test!(the_class_dashboard_shows_the_heat_map_and_where_the_class_is_stuck, |db| {
    let mut t = Browser::demo(&db).await;
    t.accept_language = Some("en".into());
    let (class, ..) = t.class_of("student0001").await;
    t.sign_in("teacher01").await;
    let page = t.get(&format!("/teach/classes/{class}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.show());
    let operator = app::Caller::Operator { user: "t".into() };
    let map = t.app.class_heat_map(&operator, &class.parse().unwrap(), SUBJECT).await.unwrap();
    let included = format!("{} students with consent are included", map.students_included);
    assert!(page.body.contains(&included) && page.body.contains("Where the class is stuck"), "{}", page.show());
    assert!(page.body.contains("aria-labelledby=\"heat-t heat-d\""), "{}", page.show());
    assert_eq!(page.body.matches("class=\"mark\"").count(), map.rows.iter().filter(|r| r.heat.struggling > 0).count());
    // The student's profile carries their mastery map too (or says consent is missing).
    let student = t.id_of("student0001").await;
    let profile = t.get(&format!("/teach/students/{student}")).await;
    assert!(profile.body.contains("Mastery of knowledge points"), "{}", profile.show());
});
