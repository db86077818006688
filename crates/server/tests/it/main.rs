//! Server tests: requests through the real router, in-process, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, unreachable_pub, missing_debug_implementations)]

mod ai;
mod api;
mod assessment;
mod bad_input;
mod content;
mod web;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use test_support::TestDb;
use tower::ServiceExt;

/// Sunday 22 November 2026, 09:00 UTC.
pub const NOW: base::Timestamp = base::Timestamp::from_millis(1_795_338_000_000);

/// A router over a small demo school, with a cookie jar of one.
pub struct Client {
    pub router: axum::Router,
    pub app: app::App,
    pub clock: Arc<app::FixedClock>,
    cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The problem's code, checking the content type.
    pub fn problem(&self) -> String {
        assert_eq!(
            self.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()["code"].as_str().unwrap().to_owned()
    }
}

impl Client {
    pub async fn demo(db: &TestDb) -> Client {
        let clock = Arc::new(app::FixedClock::new(NOW));
        let app = app::App::new(
            db.open().await,
            clock.clone(),
            app::AppConfig::school("test").with_cheap_passwords_for_tests(),
        );
        app.create_demo(&app::Caller::Operator { user: "t".into() }, app::demo::DemoSize::SMALL, &mut |_| {})
            .await
            .unwrap();
        let router = server::router(app.clone(), server::ServerSettings::lan());
        Client { router, app, clock, cookie: None, csrf: None, bearer: None }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Answer {
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        if let Some(t) = &self.csrf {
            req.headers_mut().insert("x-csrf-token", t.parse().unwrap());
        }
        if let Some(b) = &self.bearer {
            req.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {b}").parse().unwrap());
        }
        let res: Response<Body> = self.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let body = body.collect().await.unwrap().to_bytes().to_vec();
        if let Some(set) = parts.headers.get(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap().to_owned();
            self.cookie = if pair.ends_with('=') { None } else { Some(pair) };
        }
        Answer { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&mut self, path: &str, body: Value) -> Answer {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn delete(&mut self, path: &str) -> Answer {
        self.send(Request::delete(path).body(Body::empty()).unwrap()).await
    }

    /// Signs in as a demo user, keeping the cookie and CSRF token.
    pub async fn sign_in(&mut self, username: &str) -> Value {
        let a = self
            .post_json(
                "/api/session",
                serde_json::json!({ "username": username, "password": app::demo::DEMO_PASSWORD }),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
        let v = a.json();
        self.csrf = v["csrf_token"].as_str().map(str::to_owned);
        v
    }

    pub fn sign_out_locally(&mut self) {
        self.cookie = None;
        self.csrf = None;
        self.bearer = None;
    }

    pub async fn id_of(&self, username: &str) -> String {
        let mut c = self.app.store().read().await.unwrap();
        store::people::credentials(&mut c, username).await.unwrap().unwrap().person.to_string()
    }
}
