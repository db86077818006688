//! What goes over the wire: compressed pages within the learner budget, cached assets, headers.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use test_support::store_test;

use super::Browser;

/// The budget for a learner page on first load, compressed, assets included.
const LEARNER_PAGE_BUDGET: usize = 60 * 1024;

async fn gz(b: &mut Browser, path: &str) -> super::Page {
    b.send(Request::get(path).header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap()).await
}

/// The `/static/...` URLs a page links to.
fn assets(html: &str) -> Vec<String> {
    html.split("\"/static/").skip(1).map(|rest| format!("/static/{}", rest.split('"').next().unwrap())).collect()
}

store_test!(learner_pages_fit_the_budget_compressed_and_assets_are_cached_for_a_year, |db| {
    let mut b = Browser::demo(&db).await;
    b.sign_in("student0001").await;
    let plain = b.get("/learn").await;
    let links = {
        let mut l = assets(&plain.body);
        l.sort();
        l.dedup();
        l
    };
    assert_eq!(links.len(), 3, "{links:?}");
    let mut assets_bytes = 0;
    for link in &links {
        let a = gz(&mut b, link).await;
        assert_eq!(a.status, StatusCode::OK, "{link}");
        assert_eq!(a.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "{link}");
        assets_bytes += a.bytes.len();
        // Revalidation costs nothing.
        let etag = a.headers[header::ETAG].to_str().unwrap().to_owned();
        let again = b.send(Request::get(link).header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap()).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    }
    for path in ["/learn", "/learn/results", "/learn/practice", "/learn/mastery", "/learn/reviews"] {
        let page = gz(&mut b, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.headers[header::CONTENT_ENCODING], "gzip", "{path}");
        assert_eq!(&page.bytes[..2], &[0x1f, 0x8b], "{path}");
        let total = page.bytes.len() + assets_bytes;
        assert!(total <= LEARNER_PAGE_BUDGET, "{path}: {total} bytes");
    }
    // Content-hashed names change with the content; an unknown name is simply missing.
    assert_eq!(b.get("/static/app.0000.css").await.status, StatusCode::NOT_FOUND);
    let plain_name = b.get("/static/app.css").await;
    assert_eq!(plain_name.headers[header::CACHE_CONTROL], "public, no-cache");
});

store_test!(pages_send_a_strict_content_security_policy_and_no_caching, |db| {
    let mut b = Browser::demo(&db).await;
    let page = b.get("/sign-in").await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    // No inline script or style anywhere: the policy would block it.
    assert!(!page.body.contains("<script>") && !page.body.contains("style="), "{}", page.show());
    // Every external reference is on this server.
    assert!(
        !page.body.contains("http://") && !page.body.contains("https://")
            || page.body.contains("xmlns=\"http://www.w3.org/2000/svg\"")
    );
});
