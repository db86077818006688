//! Who may read what, and that every read and denial lands in an intact audit chain.

use access::DutyScope;
use app::records_api::DutyRequest;
use app::{AuditVerification, Caller, UserError};
use test_support::store_test;

use crate::{demo_app, operator, person_id, sign_in};

fn code<T: std::fmt::Debug>(r: app::Result<T>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.as_user().map_or("internal", UserError::code),
    }
}

store_test!(each_role_reads_exactly_the_records_it_should, |db| {
    let (app, _) = demo_app(&db).await;
    let s1 = person_id(&app, "student0001").await;
    let s2 = person_id(&app, "student0002").await;
    let s30 = person_id(&app, "student0030").await;
    let student = sign_in(&app, "student0001").await;
    let guardian = sign_in(&app, "guardian0001").await;
    let teacher = sign_in(&app, "teacher01").await;
    let admin = sign_in(&app, "admin").await;
    let county = sign_in(&app, "county").await;
    let counselor = sign_in(&app, "counselor").await;

    let table = [
        ("student own", code(app.student_record(&student, &s1).await)),
        ("student other", code(app.student_record(&student, &s2).await)),
        ("guardian child", code(app.student_record(&guardian, &s1).await)),
        ("guardian other", code(app.student_record(&guardian, &s30).await)),
        ("teacher own class", code(app.student_record(&teacher, &s2).await)),
        ("teacher other class", code(app.student_record(&teacher, &s30).await)),
        ("counselor", code(app.student_record(&counselor, &s30).await)),
        ("admin", code(app.student_record(&admin, &s30).await)),
        ("county", code(app.student_record(&county, &s30).await)),
        ("teacher national id", code(app.reveal_national_student_id(&teacher, &s2).await)),
        ("guardian national id", code(app.reveal_national_student_id(&guardian, &s1).await)),
        ("unknown student", code(app.student_record(&admin, &base::PersonId::parse("no-such-id").unwrap()).await)),
    ]
    .map(|(who, c)| format!("{who}: {c}"))
    .join("\n");
    expect_test::expect![[r#"
        student own: ok
        student other: not-found
        guardian child: ok
        guardian other: not-found
        teacher own class: ok
        teacher other class: not-found
        counselor: ok
        admin: ok
        county: forbidden
        teacher national id: forbidden
        guardian national id: ok
        unknown student: not-found"#]]
    .assert_eq(&table);

    // A student's record masks the national id; revealing it is a separate, audited read.
    let record = app.student_record(&admin, &s1).await.unwrap();
    let masked = record.national_student_id_masked.unwrap();
    assert!(masked.contains('*'));
    let full = app.reveal_national_student_id(&admin, &s1).await.unwrap().unwrap();
    assert_eq!(full.len(), 19);
    assert!(!full.contains('*'));
    assert!(!record.guardians.is_empty());
});

store_test!(a_county_admin_sees_aggregates_and_individuals_only_with_a_duty, |db| {
    let (app, _) = demo_app(&db).await;
    let county = sign_in(&app, "county").await;
    let s5 = person_id(&app, "student0005").await;
    let orgs = app.orgs().await.unwrap();
    let county_org = orgs.iter().find(|o| o.kind == records::OrgKind::County).unwrap().id.clone();
    let aggregates = app.school_aggregates(&county, &county_org).await.unwrap();
    assert_eq!(aggregates.len(), 1);
    assert_eq!(aggregates[0].students, 60);
    assert!(aggregates[0].mean_score_fraction.is_some());
    assert_eq!(code(app.student_record(&county, &s5).await), "forbidden");
    let teacher = sign_in(&app, "teacher01").await;
    assert_eq!(
        code(
            app.record_duty(
                &teacher,
                DutyRequest { scope: DutyScope::Student(s5.clone()), reason: "x".into(), days: 1 }
            )
            .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(
            app.record_duty(
                &county,
                DutyRequest { scope: DutyScope::Student(s5.clone()), reason: " ".into(), days: 1 }
            )
            .await
        ),
        "invalid"
    );
    app.record_duty(
        &county,
        DutyRequest { scope: DutyScope::Student(s5.clone()), reason: "transfer appeal #12".into(), days: 3 },
    )
    .await
    .unwrap();
    assert_eq!(code(app.student_record(&county, &s5).await), "ok");
    let entries = app.audit_about_student(&operator(), &s5, None, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "read" && e.basis.starts_with("duty:")), "{entries:#?}");
});

store_test!(teachers_record_coursework_only_for_their_own_classes, |db| {
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let mine = app.visible_classes(&teacher).await.unwrap();
    assert_eq!(mine.len(), 2);
    let admin = sign_in(&app, "admin").await;
    let all = app.visible_classes(&admin).await.unwrap();
    assert_eq!(all.len(), 6);
    let other = all.iter().find(|c| !mine.iter().any(|m| m.id == c.id)).unwrap();
    let summary = app.class_summary(&teacher, &mine[0].id).await.unwrap();
    assert_eq!(summary.students.len(), 10);
    assert_eq!(code(app.class_summary(&teacher, &other.id).await), "not-found");
    let new = app::records_api::NewLineItem {
        title: "小测验 / Quiz".into(),
        category: records::LineItemCategory::Assignment,
        assigned: None,
        due: None,
        max_score: 10.0,
    };
    assert_eq!(code(app.create_line_item(&teacher, &other.id, new.clone()).await), "not-found");
    let item = app.create_line_item(&teacher, &mine[0].id, new).await.unwrap();
    let s1 = summary.students[0].id.clone();
    let entry =
        |score| app::records_api::ResultEntry { student: s1.clone(), score: Some(score), grade: None, comment: None };
    assert_eq!(code(app.record_results(&teacher, &item.id, &[entry(11.0)]).await), "invalid", "above the maximum");
    assert_eq!(code(app.record_results(&teacher, &item.id, &[entry(f64::NAN)]).await), "invalid");
    assert_eq!(app.record_results(&teacher, &item.id, &[entry(9.5)]).await.unwrap(), 1);
    let outsider = app.class_summary(&admin, &other.id).await.unwrap().students[0].id.clone();
    let stranger = app::records_api::ResultEntry { student: outsider, score: Some(1.0), grade: None, comment: None };
    assert_eq!(code(app.record_results(&teacher, &item.id, &[stranger]).await), "invalid", "not in this class");
});

store_test!(every_read_is_audited_and_tampering_is_found, |db| {
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let s2 = person_id(&app, "student0002").await;
    app.student_record(&teacher, &s2).await.unwrap();
    let guardian = sign_in(&app, "guardian0002").await;
    let Caller::Person(g) = &guardian else { unreachable!() };
    let about = app.audit_about_student(&guardian, &s2, None, 20).await.unwrap();
    let teacher_id = person_id(&app, "teacher01").await.to_string();
    assert!(
        about.iter().any(|e| e.actor == teacher_id && e.action == "read"),
        "a guardian sees who read their child's record"
    );
    assert!(matches!(app.verify_audit(None, |_, _| {}).await.unwrap(), AuditVerification::Intact { .. }));
    let head = app.audit_head().await.unwrap();
    // An edit in the middle of the chain is found.
    db.raw("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3").await;
    let verdict = app.verify_audit(None, |_, _| {}).await.unwrap();
    assert!(matches!(verdict, AuditVerification::Broken { problem: audit::Break::Edited { seq: 3 } }), "{verdict:?}");
    let _ = (head, g);
});
