//! Transfers between two schools: signed at one, verified at the other, recorded at both.

use app::UserError;
use records::AdminRecordKind;
use test_support::{TestDb, store_test};

use crate::{demo_app, operator, person_id, sign_in};

fn code(e: app::Error) -> &'static str {
    e.as_user().map_or("internal", UserError::code)
}

store_test!(a_student_moves_with_a_signed_bundle_and_both_schools_record_it, |db| {
    let (from, _) = demo_app(&db).await;
    let to_db = TestDb::sqlite();
    let (to, _) = receiving_school(&to_db).await;
    let student = person_id(&from, "student0003").await;
    let admin = sign_in(&from, "admin").await;
    let teacher = sign_in(&from, "teacher01").await;
    let leaving = from.today();
    assert_eq!(
        code(from.export_transfer(&teacher, &student, "示范县第二初级中学", leaving).await.unwrap_err()),
        "forbidden"
    );
    let bundle = from.export_transfer(&admin, &student, "示范县第二初级中学", leaving).await.unwrap();

    // The sender records the departure.
    let record = from.student_record(&operator(), &student).await.unwrap();
    assert!(record.admin_records.iter().any(|a| a.kind == AdminRecordKind::TransferOut));
    assert!(record.enrollments.iter().all(|(e, _)| e.end == Some(leaving)));
    assert!(
        from.login(app::LoginRequest {
            username: "student0003".into(),
            password: app::demo::DEMO_PASSWORD.into(),
            client: "x".into()
        })
        .await
        .is_err()
    );

    // The receiver refuses an unknown sender, then admits once it trusts the key.
    let school = to.orgs().await.unwrap().into_iter().find(|o| o.kind == records::OrgKind::School).unwrap().id;
    assert_eq!(code(to.import_transfer(&operator(), &bundle, &school).await.unwrap_err()), "bad-bundle");
    to.trust_peer(&operator(), &from.public_key().await.unwrap(), "示范县第一初级中学").await.unwrap();
    let arrived = to.import_transfer(&operator(), &bundle, &school).await.unwrap();
    assert!(arrived.results > 0 && arrived.attendance > 0, "{arrived:?}");
    let record = to.student_record(&operator(), &arrived.student).await.unwrap();
    assert!(record.admin_records.iter().any(|a| a.kind == AdminRecordKind::TransferIn));
    assert!(record.national_student_id_masked.is_some());
    let prior = to.prior_records(&operator(), &arrived.student).await.unwrap();
    assert_eq!(prior[0].1.results.len(), arrived.results);
    // A replay of the same bundle is refused.
    assert_eq!(code(to.import_transfer(&operator(), &bundle, &school).await.unwrap_err()), "conflict");
});

store_test!(a_tampered_or_garbled_bundle_is_refused_and_nothing_is_written, |db| {
    let (from, _) = demo_app(&db).await;
    let student = person_id(&from, "student0004").await;
    let bundle = from.export_transfer(&operator(), &student, "elsewhere", from.today()).await.unwrap();
    let to_db = TestDb::sqlite();
    let (to, _) = receiving_school(&to_db).await;
    to.trust_peer(&operator(), &from.public_key().await.unwrap(), "first school").await.unwrap();
    let school = to.orgs().await.unwrap().into_iter().find(|o| o.kind == records::OrgKind::School).unwrap().id;

    let mut signed: app::transfer::SignedBundle = serde_json::from_slice(&bundle).unwrap();
    let mut payload: app::transfer::BundlePayload = serde_json::from_slice(&base64_decode(&signed.payload)).unwrap();
    payload.student.family_name = "假".into();
    signed.payload = base64_encode(&serde_json::to_vec(&payload).unwrap());
    let tampered = serde_json::to_vec(&signed).unwrap();
    let err = to.import_transfer(&operator(), &tampered, &school).await.unwrap_err();
    assert_eq!(code(err), "bad-bundle");
    assert_eq!(
        code(to.import_transfer(&operator(), &bundle[..bundle.len() / 2], &school).await.unwrap_err()),
        "bad-bundle"
    );
    assert_eq!(code(to.import_transfer(&operator(), b"not json at all", &school).await.unwrap_err()), "bad-bundle");
    assert!(to.audit_recent(&operator(), None, 20).await.unwrap().iter().all(|e| e.action != "transfer-in"));
});

/// Another school, rostered from a generated OneRoster set (its people differ from the demo's).
async fn receiving_school(db: &TestDb) -> (app::App, std::sync::Arc<app::FixedClock>) {
    let (app, clock) = crate::app(db).await;
    let set = app::demo::oneroster_set(app::demo::RosterSize {
        schools: 1,
        students: 10,
        teachers: 1,
        classes: 2,
        classes_per_student: 1,
    });
    let mut files = oneroster::RosterFiles::new();
    for (name, bytes) in set.files() {
        files.insert(&name, bytes);
    }
    app.import_roster(&operator(), &files, app::roster::ImportOptions::default(), &mut |_| {}).await.unwrap();
    (app, clock)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}
