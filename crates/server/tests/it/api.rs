//! The API's main paths: sign-in, reads by role, writes, pagination, uploads, OpenAPI.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use test_support::store_test;

use crate::Client;

store_test!(sign_in_sets_a_safe_cookie_and_changes_need_the_csrf_token, |db| {
    let mut c = Client::demo(&db).await;
    let a = c.post_json("/api/session", json!({ "username": "teacher01", "password": app::demo::DEMO_PASSWORD })).await;
    assert_eq!(a.status, StatusCode::OK);
    let cookie = a.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP on a school LAN");
    let csrf = a.json()["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(c.get("/api/me").await.status, StatusCode::OK);
    // A change without the token is refused, with the token accepted.
    let token = json!({ "name": "script" });
    assert_eq!(c.post_json("/api/me/tokens", token.clone()).await.problem(), "csrf-failed");
    c.csrf = Some("wrong".into());
    assert_eq!(c.post_json("/api/me/tokens", token.clone()).await.problem(), "csrf-failed");
    c.csrf = Some(csrf);
    let created = c.post_json("/api/me/tokens", token).await;
    assert_eq!(created.status, StatusCode::OK);
    let secret = created.json()["secret"].as_str().unwrap().to_owned();
    // The bearer token works without cookie or CSRF.
    c.sign_out_locally();
    assert_eq!(c.get("/api/me").await.problem(), "unauthenticated");
    c.bearer = Some(secret);
    assert_eq!(c.get("/api/me").await.status, StatusCode::OK);
    assert_eq!(c.post_json("/api/me/tokens", json!({ "name": "another" })).await.status, StatusCode::OK);
    c.bearer = Some("ink_forged".into());
    assert_eq!(c.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
});

store_test!(signing_out_ends_the_session, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("student0001").await;
    let saved = c.csrf.clone();
    assert_eq!(c.delete("/api/session").await.status, StatusCode::NO_CONTENT);
    c.csrf = saved;
    assert_eq!(c.get("/api/me").await.problem(), "unauthenticated");
});

store_test!(a_learner_sees_their_classes_and_nobody_elses, |db| {
    let mut c = Client::demo(&db).await;
    let me = c.id_of("student0001").await;
    let other = c.id_of("student0030").await;
    c.sign_in("student0001").await;
    let mine = c.get(&format!("/api/students/{me}/classes")).await;
    assert_eq!(mine.status, StatusCode::OK);
    let classes = mine.json();
    assert_eq!(classes.as_array().unwrap().len(), 1);
    assert!(classes[0]["progress"]["total"].as_u64().unwrap() > 0);
    assert_eq!(c.get(&format!("/api/students/{other}/classes")).await.problem(), "not-found");
    assert_eq!(c.get(&format!("/api/students/{other}")).await.problem(), "not-found");
    assert_eq!(c.get("/api/students/..%2F..%2Fetc/classes").await.status, StatusCode::NOT_FOUND);
});

store_test!(a_teacher_gets_the_class_summary_and_records_coursework, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("teacher01").await;
    let classes = c.get("/api/classes").await.json();
    let class = classes[0]["id"].as_str().unwrap().to_owned();
    let summary = c.get(&format!("/api/classes/{class}/summary")).await;
    assert_eq!(summary.status, StatusCode::OK);
    let summary = summary.json();
    assert_eq!(summary["students"].as_array().unwrap().len(), 10);
    let student = summary["students"][0]["id"].as_str().unwrap().to_owned();
    let item = c
        .post_json(
            &format!("/api/classes/{class}/line-items"),
            json!({ "title": "小测 / quiz", "category": "assignment", "max_score": 10 }),
        )
        .await;
    assert_eq!(item.status, StatusCode::OK);
    let item = item.json().as_str().unwrap().to_owned();
    let ok = c
        .post_json(
            &format!("/api/line-items/{item}/results"),
            json!({ "entries": [{ "student_id": student, "score": 8.5 }] }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let bad = c
        .post_json(
            &format!("/api/line-items/{item}/results"),
            json!({ "entries": [{ "student_id": student, "score": 11 }] }),
        )
        .await;
    assert_eq!((bad.status, bad.problem()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid".to_owned()));
    let today = c.app.today().to_string();
    let att = c
        .post_json(
            &format!("/api/classes/{class}/attendance"),
            json!({ "date": today, "entries": [{ "student_id": student, "status": "late" }] }),
        )
        .await;
    assert_eq!(att.status, StatusCode::OK);
    let wrong = c
        .post_json(
            &format!("/api/classes/{class}/attendance"),
            json!({ "date": today, "entries": [{ "student_id": student, "status": "asleep" }] }),
        )
        .await;
    assert_eq!(wrong.problem(), "invalid");
    assert_eq!(wrong.json()["field"], "status");
});

store_test!(people_are_paged_with_a_cursor_for_administrators_only, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("admin").await;
    let first = c.get("/api/people?role=student&limit=25").await.json();
    assert!(first["items"].is_array(), "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 25);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = c.get(&format!("/api/people?role=student&limit=25&cursor={cursor}")).await.json();
    let third = c
        .get(&format!("/api/people?role=student&limit=25&cursor={}", second["next_cursor"].as_str().unwrap()))
        .await
        .json();
    // 60 students and 2 alumni (former students keep their records and role).
    assert_eq!(third["items"].as_array().unwrap().len(), 12);
    assert!(third["next_cursor"].is_null());
    assert_eq!(c.get("/api/people?limit=banana").await.problem(), "bad-request");
    c.sign_in("teacher01").await;
    assert_eq!(c.get("/api/people?role=student").await.problem(), "not-found");
    c.sign_in("county").await;
    assert_eq!(c.get("/api/people?role=student").await.problem(), "forbidden");
});

store_test!(the_openapi_document_describes_the_api, |db| {
    let mut c = Client::demo(&db).await;
    let doc = c.get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/session",
        "/api/students/{id}/classes",
        "/api/classes/{id}/summary",
        "/api/roster/import",
        "/api/audit/verify",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["ClassSummaryDto"].is_object());
});

store_test!(a_roster_zip_imports_and_a_bad_one_reports_every_problem, |db| {
    let mut c = Client::demo(&db).await;
    c.sign_in("admin").await;
    let exported = c.get("/api/roster/export").await;
    assert_eq!(
        exported.headers[header::CONTENT_TYPE],
        "application/zip",
        "{}",
        String::from_utf8_lossy(&exported.body)
    );
    let upload = |body: Vec<u8>| {
        Request::post("/api/roster/import")
            .header(header::CONTENT_TYPE, "application/zip")
            .body(Body::from(body))
            .unwrap()
    };
    let again = c.send(upload(exported.body.clone())).await;
    assert_eq!(again.status, StatusCode::OK, "{}", String::from_utf8_lossy(&again.body));
    // Break one user row: the whole set is rejected with file, line and column.
    let mut files = oneroster::RosterFiles::from_zip(&exported.body, oneroster::ZipLimits::DEFAULT).unwrap();
    let users = String::from_utf8(files.get("users.csv").unwrap().to_vec()).unwrap().replacen(",true,", ",TRUE,", 1);
    files.insert("users.csv", users.into_bytes());
    let mut set = oneroster::WriteSet { mode: oneroster::FileMode::Bulk, tables: vec![], system_name: "x".into() };
    set.tables.clear();
    let mut zip_bytes = Vec::new();
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
        for name in files.names().map(str::to_owned).collect::<Vec<_>>() {
            zip.start_file(&name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(files.get(&name).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    let rejected = c.send(upload(zip_bytes)).await;
    assert_eq!(rejected.problem(), "roster-rejected");
    let errors = rejected.json()["errors"].clone();
    assert_eq!(errors[0]["file"], "users.csv");
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(errors[0]["column"], "enabledUser");
    let junk = c.send(upload(b"not a zip".to_vec())).await;
    assert_eq!(junk.problem(), "roster-rejected");
    let _ = set;
});
