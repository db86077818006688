//! Bad input: each gets a clear problem and the right status, and nothing leaks.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use test_support::store_test;

use crate::Client;

store_test!(wrong_passwords_are_401_and_repeated_failures_429, |db| {
    let mut c = Client::demo(&db).await;
    for _ in 0..5 {
        let a = c.post_json("/api/session", json!({ "username": "admin", "password": "guess" })).await;
        assert_eq!((a.status, a.problem()), (StatusCode::UNAUTHORIZED, "bad-credentials".to_owned()));
    }
    let a = c.post_json("/api/session", json!({ "username": "admin", "password": app::demo::DEMO_PASSWORD })).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.headers[header::RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(a.problem(), "rate-limited");
});

store_test!(malformed_json_wrong_types_and_oversized_bodies_are_refused_clearly, |db| {
    let mut c = Client::demo(&db).await;
    let raw = |body: &str, ct: &str| {
        Request::post("/api/session").header(header::CONTENT_TYPE, ct).body(Body::from(body.to_owned())).unwrap()
    };
    assert_eq!(c.send(raw("{not json", "application/json")).await.problem(), "bad-request");
    let wrong_type = c.send(raw(r#"{"username": 5, "password": []}"#, "application/json")).await;
    assert_eq!((wrong_type.status, wrong_type.problem()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid".to_owned()));
    let text = c.send(raw("username=a&password=b", "application/x-www-form-urlencoded")).await;
    assert_eq!(
        (text.status, text.problem()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type".to_owned())
    );
    let huge = format!(r#"{{"username": "{}", "password": "x"}}"#, "a".repeat(3 << 20));
    let big = c.send(raw(&huge, "application/json")).await;
    assert_eq!((big.status, big.problem()), (StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large".to_owned()));
});

store_test!(forged_and_expired_sessions_are_401, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("student0001").await;
    c.clock.advance_seconds(9 * 3600);
    assert_eq!(c.get("/api/me").await.problem(), "unauthenticated");
    let forged = Request::get("/api/me")
        .header(header::COOKIE, "inkstone_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .body(Body::empty())
        .unwrap();
    c.sign_out_locally();
    let a = c.send(forged).await;
    assert_eq!((a.status, a.problem()), (StatusCode::UNAUTHORIZED, "unauthenticated".to_owned()));
    assert!(a.headers.contains_key(header::WWW_AUTHENTICATE));
});

store_test!(a_guardian_asking_for_someone_elses_child_learns_nothing, |db| {
    let mut c = Client::demo(&db).await;
    let own = c.id_of("student0001").await;
    let other = c.id_of("student0040").await;
    c.sign_in("guardian0001").await;
    assert_eq!(c.get(&format!("/api/students/{own}")).await.status, StatusCode::OK);
    let a = c.get(&format!("/api/students/{other}")).await;
    let b = c.get("/api/students/0000-no-such-student").await;
    // Someone else's child and a student who does not exist look exactly alike.
    assert_eq!((a.status, a.problem()), (StatusCode::NOT_FOUND, "not-found".to_owned()));
    assert_eq!(a.json()["detail"], b.json()["detail"]);
    assert!(!String::from_utf8_lossy(&a.body).contains(&other));
    // And the refusal is in the audit log.
    let audit = c.app.audit_recent(&app::Caller::Operator { user: "t".into() }, None, 20).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "denied" && e.subject == format!("person:{other}")));
});

store_test!(another_schools_class_id_is_not_found, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("teacher01").await;
    assert_eq!(c.get("/api/classes/some-other-schools-class/summary").await.problem(), "not-found");
    assert_eq!(c.get("/api/nothing/here").await.problem(), "not-found");
});

store_test!(internal_errors_do_not_leak_details, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("admin").await;
    // Breaking the database under the server makes the next read fail internally.
    db.raw("DROP TABLE placements").await;
    let me = c.id_of("student0001").await;
    let a = c.get(&format!("/api/students/{me}")).await;
    assert_eq!((a.status, a.problem()), (StatusCode::INTERNAL_SERVER_ERROR, "internal".to_owned()));
    let body = String::from_utf8_lossy(&a.body);
    assert!(!body.contains("placements") && !body.contains("SQL") && !body.contains("sqlx"), "{body}");
    assert!(a.json()["reference"].is_string());
});
