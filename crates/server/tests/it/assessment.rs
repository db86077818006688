//! Assessment over HTTP: a teacher assigns bank items, a student submits, the teacher reviews
//! and releases, the student sees released grades only; errors are problem+json.

use axum::http::StatusCode;
use serde_json::{Value, json};
use test_support::store_test;

use crate::Client;

/// Bank item ids by their title's start (`水的沸点`, …).
async fn bank(c: &mut Client) -> Vec<(String, String, String)> {
    let page = c.get("/api/bank/items?limit=100").await;
    assert_eq!(page.status, StatusCode::OK);
    page.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["item_id"].as_str().unwrap().to_owned(),
                i["kind"].as_str().unwrap().to_owned(),
                i["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn id_of_kind(items: &[(String, String, String)], kind: &str) -> String {
    items.iter().find(|(_, k, _)| k == kind).unwrap().0.clone()
}

store_test!(a_teacher_assigns_a_student_submits_and_sees_only_released_grades, |db| {
    let mut c = Client::demo(&db).await;
    let me = c.id_of("student0001").await;
    c.sign_in("student0001").await;
    let classes = c.get(&format!("/api/students/{me}/classes")).await.json();
    let class = classes[0]["class_id"].as_str().unwrap().to_owned();
    assert_eq!(c.get("/api/bank/items").await.problem(), "forbidden");

    c.sign_in("teacher01").await;
    let items = bank(&mut c).await;
    let (single, numeric, free) =
        (id_of_kind(&items, "single_choice"), id_of_kind(&items, "numeric"), id_of_kind(&items, "free_text"));
    let detail = c.get(&format!("/api/bank/items/{single}")).await.json();
    assert!(detail["qti"].as_str().unwrap().contains("qti-correct-response"), "teachers see the key");
    let made = c
        .post_json(
            &format!("/api/classes/{class}/assignments"),
            json!({ "title": "周测 / weekly quiz", "item_ids": [single, numeric, free], "due": "2026-11-29T09:00:00Z" }),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", String::from_utf8_lossy(&made.body));
    let made = made.json();
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!((made["n_items"].as_u64(), made["max_points"].as_f64()), (Some(3), Some(6.0)));
    let listed = c.get(&format!("/api/classes/{class}/assignments")).await.json();
    assert!(listed.as_array().unwrap().iter().any(|a| a["id"] == id.as_str()));

    // The student sees the questions, not the answers, and submits once.
    c.sign_in("student0001").await;
    let mine = c.get(&format!("/api/students/{me}/assignments")).await.json();
    assert!(mine.as_array().unwrap().iter().any(|a| a["id"] == id.as_str()));
    let view = c.get(&format!("/api/assignments/{id}/students/{me}")).await;
    assert_eq!(view.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&view.body).to_string();
    assert!(!text.contains("correct") && !text.contains("qti-assessment-item"), "{text}");
    let view = view.json();
    assert_eq!(view["items"][0]["content"]["options"].as_array().unwrap().len(), 4);
    let answers = json!({ "answers": [
        { "item_id": single, "response": { "type": "choice", "selected": ["B"] } },
        { "item_id": numeric, "response": { "type": "text", "text": "75 km/h" } },
        { "item_id": free, "response": { "type": "text", "text": "植物用阳光进行光合作用，制造有机物。" } },
    ]});
    let path = format!("/api/assignments/{id}/students/{me}/submission");
    let first = c.post_json(&path, answers.clone()).await.json();
    assert_eq!(first["stored"].as_array().unwrap().len(), 3);
    let again = c.post_json(&path, answers).await.json();
    assert_eq!((again["stored"].as_array().unwrap().len(), again["unchanged"].as_array().unwrap().len()), (0, 3));
    assert_eq!(c.get(&format!("/api/assignments/{id}/grading")).await.problem(), "not-found");
    let view = c.get(&format!("/api/assignments/{id}/students/{me}")).await.json();
    assert!(view["items"].as_array().unwrap().iter().all(|i| i["submission"]["released_points"].is_null()));

    // The teacher reviews: objective grades are confident, free text is flagged.
    c.sign_in("teacher01").await;
    let queue = c.get(&format!("/api/assignments/{id}/grading")).await.json();
    let rows = queue["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["kind"], "free_text");
    assert_eq!(rows[0]["machine"]["needs_teacher"], true);
    let flagged = c.get(&format!("/api/assignments/{id}/grading?flagged=true")).await.json();
    assert_eq!(flagged["rows"].as_array().unwrap().len(), 1);
    let accepted = c.post_json(&format!("/api/assignments/{id}/grading/accept"), json!({})).await.json();
    assert_eq!(accepted["accepted"], 2);
    let sub = rows[0]["submission_id"].as_str().unwrap();
    let over = c
        .post_json(
            &format!("/api/assignments/{id}/grading/{sub}/override"),
            json!({ "points": 2.5, "note": "缺少产物" }),
        )
        .await;
    assert_eq!(over.status, StatusCode::NO_CONTENT);
    let too_many = c.post_json(&format!("/api/assignments/{id}/grading/{sub}/override"), json!({ "points": 7 })).await;
    assert_eq!(too_many.problem(), "invalid");
    let released = c.post_json(&format!("/api/assignments/{id}/release"), json!({})).await.json();
    assert_eq!((released["released"].as_u64(), released["students"].as_u64()), (Some(3), Some(1)));
    let analysis = c.get(&format!("/api/assignments/{id}/analysis")).await.json();
    assert_eq!(analysis["n_students"], 1);
    assert_eq!(analysis["items"].as_array().unwrap().len(), 3);

    // Released: the student sees points and the total.
    c.sign_in("student0001").await;
    let view = c.get(&format!("/api/assignments/{id}/students/{me}")).await.json();
    assert_eq!(view["released_total"].as_f64(), Some(1.0 + 2.0 + 2.5));
    assert_eq!(c.post_json(&format!("/api/assignments/{id}/release"), json!({})).await.problem(), "not-found");
});

store_test!(assessment_errors_are_problem_json, |db| {
    let mut c = Client::demo(&db).await;
    let me = c.id_of("student0001").await;
    c.sign_in("teacher01").await;
    let items = bank(&mut c).await;
    let class = c.get("/api/classes").await.json()[0]["id"].as_str().unwrap().to_owned();
    let bad_due = c
        .post_json(
            &format!("/api/classes/{class}/assignments"),
            json!({ "title": "x", "item_ids": [items[0].0], "due": "soon" }),
        )
        .await;
    assert_eq!(bad_due.problem(), "invalid");
    let no_items =
        c.post_json(&format!("/api/classes/{class}/assignments"), json!({ "title": "x", "item_ids": [] })).await;
    assert_eq!(no_items.problem(), "invalid");
    assert_eq!(c.get("/api/assignments/nope/grading").await.problem(), "not-found");
    let rejected = c
        .post_json("/api/bank/qti", json!({ "subject": "science", "files": [{ "name": "a.xml", "xml": "<nope" }] }))
        .await
        .json();
    assert_eq!(rejected["code"], "invalid", "{rejected}");
    assert!(rejected["detail"].as_str().unwrap_or_default().contains("a.xml"), "{rejected}");
    let list = c.get(&format!("/api/classes/{class}/assignments")).await.json();
    let id = list[0]["id"].as_str().unwrap().to_owned();
    c.sign_in("student0001").await;
    let path = format!("/api/assignments/{id}/students/{me}/submission");
    let wrong_type =
        c.post_json(&path, json!({ "answers": [{ "item_id": items[0].0, "response": { "type": "drawing" } }] })).await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_type.headers["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    let empty: Value = c
        .post_json(&path, json!({ "answers": [{ "item_id": items[0].0, "response": { "type": "text", "text": "" } }] }))
        .await
        .json();
    assert_eq!(empty["code"], "invalid", "{empty}");
});

store_test!(the_openapi_document_lists_the_assessment_routes, |db| {
    let mut c = Client::demo(&db).await;
    let doc = c.get("/api/openapi.json").await.json();
    for path in [
        "/api/bank/items",
        "/api/bank/qti",
        "/api/classes/{id}/assignments",
        "/api/assignments/{id}/students/{student}/submission",
        "/api/assignments/{id}/grading/accept",
        "/api/assignments/{id}/grading/{submission}/override",
        "/api/assignments/{id}/release",
        "/api/assignments/{id}/analysis",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
});
