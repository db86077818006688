//! The people-facing pages: server-rendered HTML over the same use cases as the JSON API.
//!
//! Pages are askama templates compiled into the binary (escaped by default) with every string
//! from the Fluent catalogs in `i18n/`. Browsers sign in with the same session cookie as the API;
//! forms carry the session's CSRF token in a hidden field (browsers cannot set headers on a form
//! post) and a one-time `once` token that turns a double submit into a redirect, and every post
//! answers with a redirect (post/redirect/get), so the back button never re-posts. Assets are
//! embedded, served under content-hashed names and cached for a year; HTML is never cached (shared
//! classroom devices) and is compressed on the wire.
//!
//! Learners practise on the adaptive-learning use cases (`practice`); assignments from the item
//! bank, their grading queue and the students' answer sheets are on the assessment use cases (`assess`),
//! and so is the item analysis of an assignment (`analysis`).

// Handlers return early with a whole page (`Result<_, Response>`): the error *is* the response
// the visitor sees, so boxing it would only add an allocation on the error path.
#![allow(clippy::result_large_err)]

mod admin;
mod analysis;
mod assess;
mod assets;
mod charts;
mod family;
mod forms;
mod i18n;
mod learner;
mod page;
mod practice;
mod session;
mod teacher;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::{AppState, ServerSettings};

/// The pages' own state: one-time form tokens and recent import outcomes.
#[derive(Debug, Default)]
pub(crate) struct WebState {
    pub(crate) once: forms::OnceTokens,
    pub(crate) imports: admin::ImportOutcomes,
    pub(crate) answers: practice::AnswerOutcomes,
}

/// What the browser may load: only this server's own files, no inline script.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The web pages' routes, with their compression and security headers.
pub(crate) fn router(settings: &ServerSettings) -> Router<AppState> {
    let web = Arc::new(WebState::default());
    let uploads = Router::new()
        .route("/admin/roster", get(admin::roster_form).post(admin::roster_upload))
        .layer(DefaultBodyLimit::max(settings.max_upload_bytes));
    let pages = Router::new()
        .route("/", get(session::home))
        .route("/sign-in", get(session::sign_in_form).post(session::sign_in))
        .route("/sign-out", post(session::sign_out))
        .route("/lang/{tag}", get(session::switch_language))
        .route("/learn", get(learner::classes))
        .route("/learn/results", get(learner::results))
        .route("/learn/practice", get(practice::practice).post(practice::answer))
        .route("/learn/mastery", get(practice::mastery))
        .route("/learn/reviews", get(practice::reviews))
        .route("/teach", get(teacher::classes))
        .route("/teach/classes/{class}", get(teacher::dashboard))
        .route("/teach/classes/{class}/attendance", get(teacher::attendance_form).post(teacher::record_attendance))
        .route("/teach/classes/{class}/assignments/new", get(teacher::new_assignment).post(teacher::create_assignment))
        .route("/teach/classes/{class}/assignments/{item}", get(teacher::results_form).post(teacher::record_results))
        .route("/teach/classes/{class}/grading", get(assess::grading_list))
        .route("/teach/classes/{class}/quizzes/new", get(assess::builder).post(assess::create))
        .route("/teach/quizzes/{quiz}", get(assess::queue).post(assess::decide))
        .route("/teach/quizzes/{quiz}/analysis", get(analysis::analysis))
        .route("/learn/quizzes/{quiz}", get(assess::sheet).post(assess::hand_in))
        .route("/teach/students/{student}", get(teacher::student_profile))
        .route("/family", get(family::children))
        .route("/family/children/{student}", get(family::child))
        .route("/family/children/{student}/consents", post(family::change_consent))
        .route("/admin", get(admin::overview))
        .route("/admin/people", get(admin::people))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/backup", get(admin::backup))
        .layer(DefaultBodyLimit::max(settings.max_json_bytes));
    Router::new()
        .merge(pages)
        .merge(uploads)
        .route("/static/{file}", get(assets::serve))
        .layer(axum::Extension(web))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(CompressionLayer::new().gzip(true))
}

/// Unknown paths: problem+json under `/api`, a page in the visitor's language elsewhere.
pub(crate) async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") || req.uri().path() == "/api" {
        return crate::routes::not_found().await.into_response();
    }
    let (parts, _) = req.into_parts();
    let visitor = page::Visitor::from_headers(&parts.headers, parts.uri.path());
    let mut response = page::error_page(&visitor, &app::UserError::NotFound { what: "page" }.into());
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}
