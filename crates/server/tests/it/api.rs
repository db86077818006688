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

store_test!(a_student_practises_and_the_teacher_sees_the_heat_map, |db| {
    let mut c = Client::demo(&db).await;
    // Find a student whose family agreed to adaptive learning (the demo asks about 60 % of them).
    let mut chosen = None;
    for i in 1..=10 {
        let username = format!("student{i:04}");
        let id = c.id_of(&username).await;
        c.sign_in(&username).await;
        let next = c.get(&format!("/api/students/{id}/practice?subject=maths-junior-secondary&n=2")).await;
        if next.status == StatusCode::OK {
            chosen = Some((id, next.json()));
            break;
        }
        assert_eq!(next.problem(), "consent-required");
        assert_eq!(next.json()["ask"], "guardian");
    }
    let (id, next) = chosen.expect("some demo student practises");
    let item = next[0]["item_id"].as_str().unwrap().to_owned();
    assert!(next[0]["reason"]["text_zh"].as_str().unwrap().chars().count() > 2);
    let answered = c
        .post_json(&format!("/api/students/{id}/practice/answers"), json!({ "item_id": item, "response": "42" }))
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answered.body));
    assert!(answered.json()["next"].as_array().is_some_and(|n| !n.is_empty()));
    let map = c.get(&format!("/api/students/{id}/mastery?subject=maths-junior-secondary")).await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.json().as_array().unwrap().len() > 100);
    assert_eq!(c.get("/api/subjects").await.json()[0]["id"], "maths-junior-secondary");

    c.sign_in("teacher01").await;
    let class = c.get("/api/classes").await.json()[0]["id"].as_str().unwrap().to_owned();
    let heat = c.get(&format!("/api/classes/{class}/heatmap?subject=maths-junior-secondary")).await;
    assert_eq!(heat.status, StatusCode::OK);
    assert_eq!(
        heat.json()["students_included"].as_u64().unwrap() + heat.json()["students_without_consent"].as_u64().unwrap(),
        10
    );
    let plan = c
        .send(
            Request::put(format!("/api/classes/{class}/plan?subject=maths-junior-secondary"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"skipped_kps": ["not-a-kp"]}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(plan.problem(), "invalid");
    assert_eq!(c.get(&format!("/api/students/{id}/practice?subject=no-such-subject")).await.problem(), "not-found");
});
