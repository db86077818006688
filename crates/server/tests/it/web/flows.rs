//! The main paths: a teacher's assignment and results reach the learner and the guardian; double
//! submits, an expired session mid-form, the back button, script typed into forms, consents.

use axum::http::StatusCode;
use test_support::store_test;

use super::{Browser, SCRIPT, assert_escaped};

store_test!(a_teachers_assignment_and_results_reach_the_learner_and_the_guardian_escaped, |db| {
    let mut t = Browser::demo(&db).await;
    t.accept_language = Some("en".into());
    let (class, title, _) = t.class_of("student0001").await;
    let student = t.id_of("student0001").await;
    t.sign_in("teacher01").await;
    let dashboard = t.get(&format!("/teach/classes/{class}")).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.show());
    assert!(dashboard.body.contains(&title) && dashboard.body.contains("Who needs help now"), "{}", dashboard.show());
    assert!(dashboard.body.contains("role=\"img\""), "charts are drawn: {}", dashboard.show());

    // A new column whose name has script in it.
    let form = t.get(&format!("/teach/classes/{class}/assignments/new")).await;
    let (csrf, once) = (form.input("csrf"), form.input("once"));
    let name = format!("{SCRIPT} 单元测验");
    let created = t
        .post_form(
            &format!("/teach/classes/{class}/assignments/new"),
            &[
                ("csrf", &csrf),
                ("once", &once),
                ("title", &name),
                ("category", "assignment"),
                ("assigned", ""),
                ("due", "2026-11-20"),
                ("max_score", "20"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.show());
    let results_path = created.location().split('?').next().unwrap().to_owned();
    assert!(results_path.starts_with(&format!("/teach/classes/{class}/assignments/")), "{results_path}");
    let form = t.get(created.location()).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.show());
    assert!(form.body.contains("Assignment created."));
    assert_escaped(&form);

    // Results, with a comment that has script in it, and a score out of range first.
    let field = |name: &str| format!("{name}:{student}");
    let (csrf, once) = (form.input("csrf"), form.input("once"));
    let bad = t
        .post_form(
            &results_path,
            &[("csrf", &csrf), ("once", &once), (&field("score"), "25"), (&field("comment"), SCRIPT)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.show());
    assert!(bad.body.contains("must be a number from 0 to 20"), "{}", bad.show());
    assert_escaped(&bad);
    assert_eq!(bad.input(&field("score")), "25", "what was typed is kept");
    let saved = t
        .post_form(
            &results_path,
            &[("csrf", &csrf), ("once", &once), (&field("score"), "17"), (&field("comment"), SCRIPT)],
        )
        .await;
    assert_eq!(saved.location(), format!("/teach/classes/{class}?notice=results-saved"));
    let dashboard = t.get(saved.location()).await;
    assert!(dashboard.body.contains("Results saved."));
    assert_escaped(&dashboard);
    // The back button brings the form again, fresh, with the saved score in it.
    let back = t.get(&results_path).await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(back.input(&field("score")), "17");
    assert_ne!(back.input("once"), once);

    // Attendance with a note that has script in it.
    let form = t.get(&format!("/teach/classes/{class}/attendance")).await;
    let absent = t
        .post_form(
            &format!("/teach/classes/{class}/attendance"),
            &[
                ("csrf", &form.input("csrf")),
                ("once", &form.input("once")),
                ("date", "2026-11-16"),
                (&field("status"), "absent"),
                (&field("note"), SCRIPT),
            ],
        )
        .await;
    assert_eq!(absent.location(), format!("/teach/classes/{class}?notice=attendance-saved"));
    let profile = t.get(&format!("/teach/students/{student}")).await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.show());
    assert_escaped(&profile);
    assert!(profile.body.contains("85%"), "{}", profile.show());

    // The learner sees the column and the result.
    let mut s = t.another();
    s.accept_language = Some("en".into());
    s.sign_in("student0001").await;
    let mine = s.get("/learn").await;
    assert_escaped(&mine);
    assert!(mine.body.contains("17 / 20 (85%)"), "{}", mine.show());
    let results = s.get("/learn/results").await;
    assert!(results.body.contains("<svg class=\"chart\"") && results.body.contains("85%"), "{}", results.show());
    assert_escaped(&results);

    // And so does the guardian, with the teacher's reads of the record listed.
    let mut g = t.another();
    g.accept_language = Some("en".into());
    g.sign_in("guardian0001").await;
    let children = g.get("/family").await;
    assert!(children.body.contains(&format!("/family/children/{student}")), "{}", children.show());
    let child = g.get(&format!("/family/children/{student}")).await;
    assert_eq!(child.status, StatusCode::OK, "{}", child.show());
    assert!(child.body.contains("17 / 20 (85%)"), "{}", child.show());
    assert!(child.body.contains("A teacher of the student"), "{}", child.show());
    assert_escaped(&child);
});

store_test!(a_form_sent_twice_is_acted_on_once_and_says_so, |db| {
    let mut t = Browser::demo(&db).await;
    t.accept_language = Some("en".into());
    let (class, ..) = t.class_of("student0001").await;
    let before = t.summary(&class).await.items.len();
    t.sign_in("teacher01").await;
    let path = format!("/teach/classes/{class}/assignments/new");
    let form = t.get(&path).await;
    let fields = [
        ("csrf", form.input("csrf")),
        ("once", form.input("once")),
        ("title", "Homework 7".to_owned()),
        ("category", "assignment".to_owned()),
        ("max_score", "10".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = t.post_form(&path, &fields).await;
    assert!(first.location().contains("notice=assignment-created"), "{}", first.location());
    let second = t.post_form(&path, &fields).await;
    assert_eq!(second.location(), format!("/teach/classes/{class}?notice=already-saved"));
    let page = t.get(second.location()).await;
    assert!(page.body.contains("This form had already been sent"), "{}", page.show());
    assert_eq!(t.summary(&class).await.items.len(), before + 1);
});

store_test!(an_expired_session_keeps_the_typed_results_and_sends_them_after_signing_in, |db| {
    let mut t = Browser::demo(&db).await;
    t.accept_language = Some("en".into());
    let (class, ..) = t.class_of("student0001").await;
    let student = t.id_of("student0001").await;
    let item = t.summary(&class).await.items[0].id.to_string();
    t.sign_in("teacher01").await;
    let path = format!("/teach/classes/{class}/assignments/{item}");
    let form = t.get(&path).await;
    let score = format!("score:{student}");
    let comment = format!("comment:{student}");
    // The teacher leaves the form open past the session's idle limit.
    t.clock.advance_seconds(t.app.config().session_idle_seconds + 60);
    let late = t
        .post_form(
            &path,
            &[
                ("csrf", &form.input("csrf")),
                ("once", &form.input("once")),
                (&score, "3.5"),
                (&comment, "well done, 很好"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.show());
    assert!(late.body.contains("what you typed has been kept"), "{}", late.show());
    let pending = late.input("pending");
    assert!(pending.contains("3.5") && !pending.contains("csrf="), "{pending}");
    let signed = t
        .post_form(
            "/sign-in",
            &[
                ("username", "teacher01"),
                ("password", app::demo::DEMO_PASSWORD),
                ("next", &path),
                ("pending", &pending),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.show());
    assert!(signed.body.contains("well done, 很好"), "{}", signed.show());
    // The kept form goes out with the new session's token.
    let mut resend: Vec<(String, String)> = Vec::new();
    for field in ["csrf", "once", &score, &comment] {
        resend.push((field.to_owned(), signed.input(field)));
    }
    let resend: Vec<(&str, &str)> = resend.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = t.post_form(&path, &resend).await;
    assert_eq!(saved.location(), format!("/teach/classes/{class}?notice=results-saved"), "{}", saved.show());
    let summary = t.summary(&class).await;
    let row = summary.students.iter().find(|s| s.id.to_string() == student).unwrap();
    assert_eq!(row.scores[0], Some(3.5));
});

store_test!(a_guardian_gives_and_withdraws_consent_and_a_repeat_changes_nothing, |db| {
    let mut g = Browser::demo(&db).await;
    g.accept_language = Some("en".into());
    let student = g.id_of("student0001").await;
    g.sign_in("guardian0001").await;
    let path = format!("/family/children/{student}");
    let page = g.get(&path).await;
    assert!(
        page.body.contains("Give consent for adaptive learning")
            || page.body.contains("Withdraw consent for adaptive learning"),
        "{}",
        page.show()
    );
    let action = format!("{path}/consents");
    let csrf = page.input("csrf");
    let operator = app::Caller::Operator { user: "t".into() };
    let id: base::PersonId = student.parse().unwrap();
    let in_force = |consents: &[access::consent::Consent]| {
        consents
            .iter()
            .filter(|c| c.purpose == access::consent::Purpose::AiAssistance && c.withdrawn_at.is_none())
            .count()
    };
    let (before, _) = g.app.consents(&operator, &id).await.unwrap();
    assert_eq!(in_force(&before), 0, "the demo has no AI consent for this student");
    let give = [("csrf", csrf.as_str()), ("once", "give-1"), ("purpose", "ai_assistance"), ("change", "give")];
    assert_eq!(g.post_form(&action, &give).await.location(), format!("{path}?notice=consent-given"));
    assert_eq!(g.post_form(&action, &give).await.location(), format!("{path}?notice=already-saved"));
    // A new form asking again (another tab) finds it already given and adds nothing.
    let again = [("csrf", csrf.as_str()), ("once", "give-2"), ("purpose", "ai_assistance"), ("change", "give")];
    assert_eq!(g.post_form(&action, &again).await.location(), format!("{path}?notice=consent-given"));
    let (after, _) = g.app.consents(&operator, &id).await.unwrap();
    assert_eq!(in_force(&after), 1);
    let shown = g.get(&format!("{path}?notice=consent-given")).await;
    assert!(
        shown.body.contains("Consent given.") && shown.body.contains("Withdraw consent for AI assistance"),
        "{}",
        shown.show()
    );
    let withdraw = [("csrf", csrf.as_str()), ("once", "w-1"), ("purpose", "ai_assistance"), ("change", "withdraw")];
    assert_eq!(g.post_form(&action, &withdraw).await.location(), format!("{path}?notice=consent-withdrawn"));
    let (last, _) = g.app.consents(&operator, &id).await.unwrap();
    assert_eq!(in_force(&last), 0);
    let bad = [("csrf", csrf.as_str()), ("once", "x"), ("purpose", "selling-data"), ("change", "give")];
    assert_eq!(g.post_form(&action, &bad).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another family's child is not reachable.
    let other = g.id_of("student0030").await;
    let elsewhere = [("csrf", csrf.as_str()), ("once", "give-3"), ("purpose", "ai_assistance"), ("change", "give")];
    let refused = g.post_form(&format!("/family/children/{other}/consents"), &elsewhere).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.show());
});
