//! Content over HTTP: search, recommendations, the library served to peers.

use axum::http::StatusCode;
use test_support::store_test;

use crate::Client;

/// The demo client with the demo channel in a library under `dir`.
async fn with_content(db: &test_support::TestDb, dir: &std::path::Path) -> Client {
    let mut c = Client::demo(db).await;
    let app = c.app.clone().with_content(app::content::ContentLibrary::open(dir, 1 << 30).unwrap());
    app.install_demo_channel(&app::Caller::Operator { user: "t".into() }).await.unwrap();
    c.router = server::router(app.clone(), server::ServerSettings::lan());
    c.app = app;
    c
}

store_test!(search_needs_sign_in_and_finds_resources_with_filters, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = with_content(&db, tmp.path()).await;
    assert_eq!(c.get("/api/search?q=%E6%9C%89%E7%90%86%E6%95%B0").await.problem(), "unauthenticated");
    c.sign_in("student0001").await;
    let found = c.get("/api/search?q=%E6%9C%89%E7%90%86%E6%95%B0&kind=exercise&subject=maths&grade=7").await;
    assert_eq!(found.status, StatusCode::OK);
    let hits = found.json()["hits"].as_array().unwrap().clone();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["kind"] == "exercise" && h["subject"] == "maths"), "{hits:?}");
    let by_kp = c.get("/api/search?kp=rational.number-line").await.json();
    assert!(by_kp["hits"].as_array().unwrap().iter().all(|h| h["kps"][0] == "rational.number-line"));
    assert_eq!(c.get("/api/search?q=x&kind=film").await.problem(), "invalid");
    assert_eq!(c.get("/api/search?q=x&grade=seven").await.problem(), "invalid");
    let channels = c.get("/api/content/channels").await.json();
    assert_eq!(channels[0]["id"], "inkstone-demo-maths");
});

store_test!(a_teacher_gets_class_recommendations_and_a_student_only_their_own, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = with_content(&db, tmp.path()).await;
    c.sign_in("teacher01").await;
    let classes = c.get("/api/classes").await.json();
    let class = classes[0]["id"].as_str().unwrap().to_owned();
    let subject = app::learning::DEMO_SUBJECT;
    let recs = c.get(&format!("/api/classes/{class}/recommendations?subject={subject}&n=3")).await;
    assert_eq!(recs.status, StatusCode::OK, "{}", String::from_utf8_lossy(&recs.body));
    let recs = recs.json();
    assert!(recs["resources"].as_array().unwrap().len() <= 3);
    assert!(!recs["resources"].as_array().unwrap().is_empty());
    assert!(recs["resources"][0]["reasons"][0].as_str().unwrap().contains(':'));
    let other = c.id_of("student0002").await;
    c.sign_in("student0001").await;
    let refused = c.get(&format!("/api/students/{other}/recommendations?subject={subject}")).await;
    assert_eq!(refused.problem(), "not-found");
});

store_test!(the_library_is_served_to_peers_in_the_export_layout_with_ranges, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = with_content(&db, tmp.path()).await;
    let catalog = c.get("/content/catalog.json").await;
    assert_eq!(catalog.status, StatusCode::OK);
    let catalog = catalog.json();
    assert_eq!(catalog["channels"][0]["id"], "inkstone-demo-maths");
    let envelope = c.get("/content/channels/inkstone-demo-maths.json").await;
    assert_eq!(envelope.status, StatusCode::OK);
    // The private parts of the content folder are not under /content.
    assert_eq!(c.get("/content/../installed/inkstone-demo-maths.json").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/content/trusted-publishers.json").await.status, StatusCode::NOT_FOUND);
});
