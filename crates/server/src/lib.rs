//! Inkstone's HTTP JSON API.
//!
//! This crate is the only one that knows HTTP: it turns requests into calls on [`app::App`] and
//! answers into JSON. Errors leave through exactly one `IntoResponse` ([`ApiError`]) as
//! `application/problem+json` with a stable `code`; internal details are logged with a reference
//! and never sent. The OpenAPI document at `/api/openapi.json` is generated from the handlers'
//! own annotations, so it cannot drift from the routes.
//!
//! Invariants:
//! - a request that changes anything and is authenticated by the session cookie must carry the
//!   session's CSRF token (`X-CSRF-Token`); bearer-token requests need none;
//! - cookies are `HttpOnly` and `SameSite=Lax`, and `Secure` when the server is told it sits
//!   behind HTTPS.

mod dto;
mod error;
mod extract;
mod openapi;
mod routes;
mod web;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use crate::error::ApiError;

/// HTTP settings the CLI resolves.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Mark cookies `Secure` (only when clients reach the server over HTTPS).
    pub secure_cookies: bool,
    /// Trust the first `X-Forwarded-For` address (only behind a reverse proxy you run).
    pub trust_forwarded_for: bool,
    /// Largest JSON body, in bytes.
    pub max_json_bytes: usize,
    /// Largest roster or transfer upload, in bytes.
    pub max_upload_bytes: usize,
}

impl ServerSettings {
    /// Settings for a school LAN over plain HTTP.
    pub fn lan() -> Self {
        Self { secure_cookies: false, trust_forwarded_for: false, max_json_bytes: 2 << 20, max_upload_bytes: 512 << 20 }
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: app::App,
    pub settings: ServerSettings,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP surface: the JSON API under `/api` with its OpenAPI document, and the web pages.
pub fn router(app: app::App, settings: ServerSettings) -> Router {
    let (max_json, max_upload) = (settings.max_json_bytes, settings.max_upload_bytes);
    let state = AppState { app, settings };
    let (api, mut doc) = routes::api().split_for_parts();
    let (uploads, upload_doc) = routes::uploads().split_for_parts();
    doc.merge(upload_doc);
    let (ai, ai_doc) = routes::ai::router().split_for_parts();
    doc.merge(ai_doc);
    let doc = openapi::finish(doc);
    Router::new()
        .merge(api.layer(DefaultBodyLimit::max(max_json)))
        .merge(uploads.layer(DefaultBodyLimit::max(max_upload)))
        .merge(ai.layer(DefaultBodyLimit::max(max_json)))
        .merge(routes::content_library(&state.app))
        .route("/api/openapi.json", axum::routing::get(move || async move { axum::Json(doc) }))
        // The people-facing pages (server-rendered HTML); unknown paths outside /api get an HTML page.
        .merge(web::router(&state.settings))
        .fallback(web::not_found)
        .with_state(state)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            // Only the method and the path: never the query (it may carry a search for a
            // student's name) nor cookies or tokens.
            tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
}
