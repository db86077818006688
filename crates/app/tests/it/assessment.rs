//! Assessment through the app: assignments from the bank, submissions, suggestions, review,
//! release, item analysis, on both databases.

use app::assessment::{
    AcceptRequest, BankFilter, DEMO_ASSIGNMENT, GradeStatus, MachineBasis, NewAssignment, QtiFile, StudentResponse,
};
use app::{App, Caller, UserError};
use base::{ClassId, PageRequest, PersonId, Timestamp};
use test_support::store_test;

use crate::{NOW, demo_app, operator, person_id, sign_in};

fn code<T>(r: Result<T, app::Error>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.as_user().map_or("internal", UserError::code),
    }
}

/// The first demo class (taught by teacher01) and its students.
async fn class_of_teacher(app: &App) -> (ClassId, Vec<PersonId>) {
    let teacher = person_id(app, "teacher01").await;
    let mut c = app.store().read().await.unwrap();
    let class = store::teaching::enrollments_of_person(&mut c, &teacher)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.role == records::EnrollmentRole::Teacher)
        .unwrap()
        .class;
    let students = store::teaching::enrollments_of_class(&mut c, &class)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.role == records::EnrollmentRole::Student)
        .map(|e| e.person)
        .collect();
    (class, students)
}

async fn username(app: &App, person: &PersonId) -> String {
    let mut c = app.store().read().await.unwrap();
    store::people::get(&mut c, person).await.unwrap().unwrap().username.unwrap()
}

/// Bank item ids by their QTI identifier (`demo-water`, …).
async fn bank(app: &App, teacher: &Caller) -> std::collections::HashMap<String, String> {
    let page = app.search_bank(teacher, &BankFilter::default(), &PageRequest::new(Some(500), None)).await.unwrap();
    let mut c = app.store().read().await.unwrap();
    let mut out = std::collections::HashMap::new();
    for s in page.items {
        if let Some(b) = store::assessment::bank_item(&mut c, &s.item_id).await.unwrap() {
            out.insert(b.qti_identifier, b.item_id);
        }
    }
    out
}

fn text(s: &str) -> StudentResponse {
    StudentResponse::Text { text: s.into() }
}

fn choice(s: &str) -> StudentResponse {
    StudentResponse::Choice { selected: vec![s.into()] }
}

async fn demo_assignment(app: &App, teacher: &Caller, class: &ClassId) -> String {
    let list = app.class_assignments(teacher, class).await.unwrap();
    list.iter().find(|a| a.title == DEMO_ASSIGNMENT).unwrap().id.clone()
}

store_test!(the_demo_class_has_an_assignment_with_suggestions_waiting, |db| {
    let (app, _) = demo_app(&db).await;
    let (class, _) = class_of_teacher(&app).await;
    let teacher = sign_in(&app, "teacher01").await;
    let id = demo_assignment(&app, &teacher, &class).await;
    let queue = app.grading_queue(&teacher, &id, false).await.unwrap();
    assert_eq!(queue.summary.n_items, 9);
    assert!(queue.summary.counts.students >= 5, "{:?}", queue.summary.counts);
    // Objective items are graded at once; free text waits for the teacher (no model yet).
    assert!(
        queue.rows.iter().filter(|r| r.machine.basis == MachineBasis::Objective).all(|r| r.machine.points.is_some())
    );
    let free: Vec<_> = queue.rows.iter().filter(|r| r.machine.basis == MachineBasis::None).collect();
    assert!(!free.is_empty() && free.iter().all(|r| r.machine.needs_teacher && r.points.is_none()));
    // Flagged rows come first.
    let first_unflagged = queue.rows.iter().position(|r| !r.machine.needs_teacher).unwrap();
    assert!(queue.rows[first_unflagged..].iter().all(|r| !r.machine.needs_teacher));
    assert!(queue.rows.iter().all(|r| r.status == GradeStatus::Suggested));
});

store_test!(a_student_submits_once_resubmits_before_the_due_time_and_a_repeat_changes_nothing, |db| {
    let (app, clock) = demo_app(&db).await;
    let (class, students) = class_of_teacher(&app).await;
    let teacher = sign_in(&app, "teacher01").await;
    let items = bank(&app, &teacher).await;
    let due = Timestamp::from_millis(NOW.millis() + 3_600_000);
    let new = NewAssignment {
        class: class.clone(),
        title: "Quick check".into(),
        items: vec![items["demo-water"].clone(), items["demo-expand"].clone()],
        due: Some(due),
    };
    let a = app.create_assignment(&teacher, &new).await.unwrap();
    assert_eq!((a.n_items, a.max_points), (2, 3.0));
    let student = &students[0];
    let me = sign_in(&app, &username(&app, student).await).await;
    let answers = vec![(items["demo-water"].clone(), choice("A")), (items["demo-expand"].clone(), text("(x+1)(x+1)"))];
    let r = app.submit(&me, &a.id, student, &answers).await.unwrap();
    assert_eq!((r.stored.len(), r.unchanged.len()), (2, 0));
    // The same answers again: idempotent.
    let r = app.submit(&me, &a.id, student, &answers).await.unwrap();
    assert_eq!((r.stored.len(), r.unchanged.len()), (0, 2));
    // A changed answer replaces the old one.
    let r = app.submit(&me, &a.id, student, &[(items["demo-water"].clone(), choice("B"))]).await.unwrap();
    assert_eq!(r.stored, vec![items["demo-water"].clone()]);
    let view = app.student_assignment(&me, &a.id, student).await.unwrap();
    let water = view.items.iter().find(|i| i.item_id == items["demo-water"]).unwrap();
    let sub = water.submission.as_ref().unwrap();
    assert_eq!((sub.revision, &sub.response, sub.released_points), (2, &choice("B"), None));
    assert!(sub.feedback.is_empty(), "no feedback before release");
    assert!(view.open);
    let queue = app.grading_queue(&teacher, &a.id, false).await.unwrap();
    let row = queue.rows.iter().find(|r| r.item_id == items["demo-water"]).unwrap();
    assert_eq!(row.points, Some(1.0));
    assert_eq!(row.history.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(), ["suggested", "suggested"]);
    let expand = queue.rows.iter().find(|r| r.item_id == items["demo-expand"]).unwrap();
    assert_eq!(expand.points, Some(2.0), "(x+1)(x+1) is equivalent to x^2+2x+1");

    // Someone else cannot submit for the student; a student of another class cannot submit.
    let other = sign_in(&app, "student0030").await;
    let other_id = person_id(&app, "student0030").await;
    let guardian = sign_in(&app, "guardian0001").await;
    assert_eq!(code(app.submit(&other, &a.id, student, &answers).await), "not-found");
    assert_eq!(code(app.submit(&teacher, &a.id, student, &answers).await), "forbidden");
    assert_eq!(code(app.submit(&guardian, &a.id, student, &answers).await), "forbidden");
    assert_eq!(code(app.submit(&other, &a.id, &other_id, &answers).await), "forbidden");

    // After the teacher decided, a change is refused; after the due time too.
    app.accept_grades(
        &teacher,
        &a.id,
        &AcceptRequest { submissions: Some(vec![row.submission_id.clone()]), item: None, min_confidence: 0.0 },
    )
    .await
    .unwrap();
    assert_eq!(code(app.submit(&me, &a.id, student, &[(items["demo-water"].clone(), choice("C"))]).await), "conflict");
    clock.set(Timestamp::from_millis(due.millis() + 1));
    assert_eq!(code(app.submit(&me, &a.id, student, &[(items["demo-expand"].clone(), text("x"))]).await), "conflict");
    // Repeating an unchanged answer after the due time is still fine.
    assert_eq!(code(app.submit(&me, &a.id, student, &answers[1..]).await), "ok");
});

store_test!(bad_answers_are_clear_errors, |db| {
    let (app, _) = demo_app(&db).await;
    let (class, students) = class_of_teacher(&app).await;
    let teacher = sign_in(&app, "teacher01").await;
    let items = bank(&app, &teacher).await;
    let new = NewAssignment {
        class,
        title: "Errors".into(),
        items: vec![items["demo-water"].clone(), items["demo-why-leaves"].clone()],
        due: None,
    };
    let a = app.create_assignment(&teacher, &new).await.unwrap();
    let student = &students[0];
    let me = sign_in(&app, &username(&app, student).await).await;
    let water = items["demo-water"].clone();
    let essay = items["demo-why-leaves"].clone();
    let cases = [
        ("empty text", vec![(essay.clone(), text("   "))]),
        ("huge paste", vec![(essay.clone(), text(&"光".repeat(40_000)))]),
        ("wrong shape", vec![(water.clone(), text("B"))]),
        ("no selection", vec![(water.clone(), StudentResponse::Choice { selected: vec![] })]),
        ("unknown item", vec![("nope".to_owned(), choice("A"))]),
        ("twice", vec![(water.clone(), choice("A")), (water.clone(), choice("B"))]),
        ("nothing", vec![]),
    ];
    let mut out = String::new();
    for (name, answers) in cases {
        let r = app.submit(&me, &a.id, student, &answers).await;
        let msg = match r {
            Ok(_) => "ok".to_owned(),
            Err(e) => format!("{}: {e}", e.as_user().map_or("internal", UserError::code)),
        };
        out.push_str(&format!("{name}: {msg}\n"));
    }
    expect_test::expect![[r#"
        empty text: invalid: response: the answer is empty; leave the item out to skip it
        huge paste: invalid: response: the answer is 120000 bytes long; the limit is 100000 bytes (about 33333 Chinese characters)
        wrong shape: invalid: response: a single_choice item takes selected options
        no selection: invalid: response: the answer is empty; leave the item out to skip it
        unknown item: invalid: answers: nope is not an item of this assignment
        twice: invalid: answers: item qti-d29dbd1b4b1aff02e448 is answered twice
        nothing: invalid: answers: give at least one answer
    "#]].assert_eq(&out);
    // An option that is not on the item is a defined grade (0 points), not an error.
    app.submit(&me, &a.id, student, &[(water.clone(), choice("Z"))]).await.unwrap();
    let queue = app.grading_queue(&teacher, &a.id, false).await.unwrap();
    assert_eq!(queue.rows[0].points, Some(0.0));
    // Making assignments: bad input too.
    let (class, _) = class_of_teacher(&app).await;
    let bad = NewAssignment { class: class.clone(), title: "x".into(), items: vec!["missing".into()], due: None };
    assert_eq!(code(app.create_assignment(&teacher, &bad).await), "invalid");
    let past = NewAssignment { class, title: "x".into(), items: vec![water], due: Some(Timestamp::from_millis(0)) };
    assert_eq!(code(app.create_assignment(&teacher, &past).await), "invalid");
});

store_test!(only_released_grades_reach_students_guardians_and_the_gradebook, |db| {
    let (app, _) = demo_app(&db).await;
    let (class, _) = class_of_teacher(&app).await;
    let teacher = sign_in(&app, "teacher01").await;
    let id = demo_assignment(&app, &teacher, &class).await;
    let s1 = person_id(&app, "student0001").await;
    let me = sign_in(&app, "student0001").await;
    let guardian = sign_in(&app, "guardian0001").await;
    let before = app.student_assignment(&me, &id, &s1).await.unwrap();
    assert!(before.items.iter().all(|i| i.submission.as_ref().is_none_or(|s| s.released_points.is_none())));
    assert_eq!(before.released_total, None);

    // Accept confident suggestions in bulk, override the free text, release.
    let n = app
        .accept_grades(&teacher, &id, &AcceptRequest { submissions: None, item: None, min_confidence: 0.9 })
        .await
        .unwrap();
    assert!(n > 0);
    let queue = app.grading_queue(&teacher, &id, true).await.unwrap();
    assert!(queue.rows.iter().all(|r| r.machine.needs_teacher && r.status == GradeStatus::Suggested));
    let mine = queue.rows.iter().find(|r| r.student == s1 && r.machine.points.is_none()).unwrap();
    app.override_grade(&teacher, &id, &mine.submission_id, 2.0, Some("两个要点".into())).await.unwrap();
    assert_eq!(code(app.override_grade(&teacher, &id, &mine.submission_id, 9.0, None).await), "invalid");
    let outcome = app.release_grades(&teacher, &id, None).await.unwrap();
    assert!(outcome.released > 0);
    assert!(!outcome.blocked.is_empty(), "other students' free text has no points yet");

    let after = app.student_assignment(&me, &id, &s1).await.unwrap();
    let total: f64 = after.items.iter().filter_map(|i| i.submission.as_ref()?.released_points).sum();
    assert_eq!(after.released_total, Some(total));
    let free = after.items.iter().find(|i| i.item_id == mine.item_id).unwrap();
    assert_eq!(free.submission.as_ref().unwrap().released_points, Some(2.0));
    let theirs = app.student_assignment(&guardian, &id, &s1).await.unwrap();
    assert_eq!(theirs.released_total, Some(total));
    // The gradebook column holds the released total.
    let mut c = app.store().read().await.unwrap();
    let results = store::coursework::results_of_student(&mut c, &s1).await.unwrap();
    drop(c);
    assert!(
        results.iter().any(|r| r.line_item == after.summary.line_item && r.score.map(|s| s.value()) == Some(total))
    );
    // Released grades cannot be overridden without reopening; the override history is kept.
    assert_eq!(code(app.override_grade(&teacher, &id, &mine.submission_id, 1.0, None).await), "conflict");
    app.reopen_grade(&teacher, &id, &mine.submission_id).await.unwrap();
    app.override_grade(&teacher, &id, &mine.submission_id, 1.0, None).await.unwrap();
    let queue = app.grading_queue(&teacher, &id, false).await.unwrap();
    let row = queue.rows.iter().find(|r| r.submission_id == mine.submission_id).unwrap();
    let kinds: Vec<&str> = row.history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(kinds, ["suggested", "overridden", "released", "reopened", "overridden"]);
    assert_eq!(row.history[4].from_points, Some(2.0));
    let reopened = app.student_assignment(&me, &id, &s1).await.unwrap();
    assert_eq!(
        reopened.items.iter().find(|i| i.item_id == mine.item_id).unwrap().submission.as_ref().unwrap().released_points,
        None
    );

    // Who may do what.
    let other_teacher = sign_in(&app, "teacher03").await;
    let other_student = sign_in(&app, "student0030").await;
    let other_guardian = sign_in(&app, "guardian0030").await;
    let checks = [
        ("other teacher queue", code(app.grading_queue(&other_teacher, &id, false).await)),
        ("other teacher release", code(app.release_grades(&other_teacher, &id, None).await)),
        ("student queue", code(app.grading_queue(&me, &id, false).await)),
        ("student analysis", code(app.item_analysis(&me, &id).await)),
        ("student bank", code(app.search_bank(&me, &BankFilter::default(), &PageRequest::first()).await)),
        ("other student view", code(app.student_assignment(&other_student, &id, &s1).await)),
        ("other guardian view", code(app.student_assignment(&other_guardian, &id, &s1).await)),
        ("teacher view of student", code(app.student_assignment(&teacher, &id, &s1).await)),
    ];
    let out: String = checks.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    expect_test::expect![[r#"
        other teacher queue: not-found
        other teacher release: not-found
        student queue: not-found
        student analysis: not-found
        student bank: forbidden
        other student view: not-found
        other guardian view: not-found
        teacher view of student: ok
    "#]]
    .assert_eq(&out);
    // Every decision is audited.
    let mut c = app.store().read().await.unwrap();
    let audit = store::audit::entries_after(&mut c, 0, 100_000).await.unwrap();
    for needle in ["accepted", "override", "released", "reopened", "grading queue"] {
        assert!(audit.iter().any(|e| e.content.detail.contains(needle)), "no audit entry for {needle}");
    }
});

store_test!(teacher_grades_train_the_short_answer_model_and_later_answers_get_suggestions, |db| {
    let (app, _) = demo_app(&db).await;
    let (class, students) = class_of_teacher(&app).await;
    let teacher = sign_in(&app, "teacher01").await;
    let items = bank(&app, &teacher).await;
    let free = items["demo-why-leaves"].clone();
    // Four rounds of the short-answer item, every student answering, the teacher grading all.
    let good = "植物需要阳光进行光合作用，把二氧化碳和水变成有机物，放出氧气。";
    let weak = "植物喜欢温暖的地方。";
    let mut n_graded = 0;
    for round in 0..4 {
        let new = NewAssignment {
            class: class.clone(),
            title: format!("Round {round}"),
            items: vec![free.clone()],
            due: None,
        };
        let id = app.create_assignment(&teacher, &new).await.unwrap().id;
        for (k, s) in students.iter().enumerate() {
            let answer = if (k + round) % 2 == 0 { good } else { weak };
            app.submit(&operator(), &id, s, &[(free.clone(), text(&format!("{answer} ({round}{k})")))]).await.unwrap();
        }
        let queue = app.grading_queue(&teacher, &id, false).await.unwrap();
        for r in &queue.rows {
            let good = r.response.text().unwrap().starts_with("植物需要");
            app.override_grade(&teacher, &id, &r.submission_id, if good { 3.0 } else { 0.0 }, None).await.unwrap();
            n_graded += 1;
        }
    }
    assert!(n_graded >= 40, "{n_graded} graded answers");
    let mut c = app.store().read().await.unwrap();
    let pool = store::assessment::scoring_model(&mut c, "pool").await.unwrap().expect("the pooled model is trained");
    drop(c);
    assert!(pool.n_examples >= 10, "{}", pool.n_examples);

    // A new assignment with the same question: answers get a model suggestion with a confidence.
    let a = app
        .create_assignment(
            &teacher,
            &NewAssignment { class, title: "Again".into(), items: vec![free.clone()], due: None },
        )
        .await
        .unwrap();
    app.submit(&operator(), &a.id, &students[0], &[(free.clone(), text(good))]).await.unwrap();
    app.submit(&operator(), &a.id, &students[1], &[(free.clone(), text(weak))]).await.unwrap();
    let queue = app.grading_queue(&teacher, &a.id, false).await.unwrap();
    let by_student = |s: &PersonId| queue.rows.iter().find(|r| &r.student == s).unwrap();
    let (hi, lo) = (by_student(&students[0]), by_student(&students[1]));
    assert_eq!(hi.machine.basis, MachineBasis::Model);
    assert!(hi.machine.confidence > 0.0 && hi.machine.confidence <= 1.0);
    for r in [hi, lo] {
        let points = r.machine.points.unwrap();
        assert!((0.0..=3.0).contains(&points) && points.fract() == 0.0, "{points} is a whole point of 0..=3");
        // With a few dozen graded answers the model is unsure, and says so: flagged for the teacher.
        assert_eq!(r.machine.needs_teacher, r.machine.confidence < 0.9, "{:?}", r.machine);
    }
    assert!(hi.machine.feedback.iter().any(|f| f.contains("graded answers")), "{:?}", hi.machine.feedback);
});

store_test!(item_analysis_reports_each_items_statistics_and_flags, |db| {
    let (app, _) = demo_app(&db).await;
    let (class, _) = class_of_teacher(&app).await;
    let teacher = sign_in(&app, "teacher01").await;
    let id = demo_assignment(&app, &teacher, &class).await;
    let analysis = app.item_analysis(&teacher, &id).await.unwrap();
    assert!(analysis.n_students >= 5);
    assert_eq!(analysis.items.len(), 9);
    assert!(analysis.n_unscored > 0, "free text without a grade counts as unscored");
    assert!(analysis.cronbach_alpha.is_some());
    assert_eq!(analysis.kr20, None, "partial-credit items make KR-20 undefined");
    for item in &analysis.items {
        let p = item.difficulty.unwrap();
        assert!((0.0..=1.0).contains(&p), "{p}");
        // The reasons as data say what the words say, one for one.
        assert_eq!(item.reasons.len(), item.flags.len(), "{:?} vs {:?}", item.reasons, item.flags);
    }
    assert!(analysis.items.iter().any(|i| !i.reasons.is_empty()), "the demo's answers flag some item");
    let water = &analysis.items[0];
    assert_eq!(water.options.len(), 4);
    assert_eq!(water.options.iter().filter(|o| o.is_key).count(), 1);
    assert_eq!(water.options.iter().map(|o| o.count).sum::<usize>(), analysis.n_students - water.n_blank);
    let empty = app
        .create_assignment(
            &teacher,
            &NewAssignment { class, title: "Empty".into(), items: vec![water.item_id.clone()], due: None },
        )
        .await
        .unwrap();
    assert_eq!(code(app.item_analysis(&teacher, &empty.id).await), "conflict");
});

store_test!(a_qti_import_with_a_bad_file_imports_nothing_and_finds_items_already_in_the_bank, |db| {
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let good = r#"<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="tf1" title="Sky">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>B</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float">
    <qti-default-value><qti-value>1</qti-value></qti-default-value>
  </qti-outcome-declaration>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-prompt>天空是什么颜色？</qti-prompt>
      <qti-simple-choice identifier="A">绿色</qti-simple-choice>
      <qti-simple-choice identifier="B">蓝色</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
</qti-assessment-item>"#;
    let files = vec![
        QtiFile { name: "sky.xml".into(), bytes: good.as_bytes().to_vec() },
        QtiFile { name: "broken.xml".into(), bytes: b"<qti-assessment-item>".to_vec() },
        QtiFile { name: "latin1.xml".into(), bytes: vec![0x3c, 0xff, 0xfe, 0x00] },
    ];
    // All or nothing: two unreadable files reject the import, each named with its reason.
    let result = app.import_qti(&teacher, "science", &files).await;
    let message = result.as_ref().map_or_else(ToString::to_string, |r| format!("{r:?}"));
    assert_eq!(code(result), "invalid");
    assert!(message.contains("2 of 3 files") && message.contains("nothing was imported"), "{message}");
    assert!(
        message.contains("broken.xml: line 1") && message.contains("latin1.xml: the file is not valid UTF-8"),
        "{message}"
    );
    let none = app.search_bank(&teacher, &BankFilter::default(), &PageRequest::first()).await.unwrap();
    assert!(none.items.iter().all(|i| i.subject != "science"), "nothing was imported");
    let report = app.import_qti(&teacher, "science", &files[..1]).await.unwrap();
    assert_eq!(report.added.len(), 1, "{report:?}");
    let again = app.import_qti(&teacher, "science", &files[..1]).await.unwrap();
    assert_eq!((again.added.len(), again.existing.clone()), (0, report.added.clone()));
    let found = app
        .search_bank(
            &teacher,
            &BankFilter { text: Some("蓝色".into()), ..BankFilter::default() },
            &PageRequest::first(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.iter().map(|i| i.item_id.clone()).collect::<Vec<_>>(), report.added);
    let detail = app.bank_item(&teacher, &report.added[0]).await.unwrap();
    assert_eq!(detail.content.options, vec![("A".to_owned(), "绿色".to_owned()), ("B".to_owned(), "蓝色".to_owned())]);
    assert!(detail.qti.contains("qti-correct-response"));
    let student = sign_in(&app, "student0001").await;
    assert_eq!(code(app.import_qti(&student, "science", &files).await), "forbidden");
    assert_eq!(code(app.import_qti(&teacher, " ", &files).await), "invalid");
});
