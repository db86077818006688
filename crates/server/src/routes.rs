//! The API's routes, one module per resource.

mod admin;
pub(crate) mod ai;
mod assessment;
mod classes;
mod content;
mod learning;
mod session;
mod students;
mod sync;

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, AppState};

/// The JSON API with its OpenAPI description.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session::health))
        .routes(routes!(session::login, session::logout, session::current))
        .routes(routes!(session::me))
        .routes(routes!(session::change_password))
        .routes(routes!(session::tokens, session::create_token))
        .routes(routes!(session::revoke_token))
        .routes(routes!(classes::orgs))
        .routes(routes!(classes::aggregates))
        .routes(routes!(classes::academic_sessions))
        .routes(routes!(classes::courses))
        .routes(routes!(classes::classes))
        .routes(routes!(classes::roster))
        .routes(routes!(classes::summary))
        .routes(routes!(classes::attendance))
        .routes(routes!(classes::create_line_item))
        .routes(routes!(classes::record_results))
        .routes(routes!(classes::people, classes::create_person))
        .routes(routes!(classes::record_duty))
        .routes(routes!(students::record))
        .routes(routes!(students::national_id))
        .routes(routes!(students::classes))
        .routes(routes!(students::audit))
        .routes(routes!(students::consents, students::give_consent))
        .routes(routes!(students::withdraw_consent))
        .routes(routes!(students::add_admin_record))
        .routes(routes!(students::add_placement))
        .routes(routes!(students::prior_records))
        .routes(routes!(students::transfer))
        .routes(routes!(admin::export_roster))
        .routes(routes!(admin::audit_recent))
        .routes(routes!(admin::audit_verify))
        .routes(routes!(admin::public_key))
        .routes(routes!(content::channels))
        .routes(routes!(content::search))
        .routes(routes!(content::student_recommendations))
        .routes(routes!(content::class_recommendations))
        .routes(routes!(learning::subjects))
        .routes(routes!(learning::next))
        .routes(routes!(learning::answer))
        .routes(routes!(learning::mastery))
        .routes(routes!(learning::heatmap))
        .routes(routes!(learning::class_plan))
        .routes(routes!(learning::student_plan))
        .routes(routes!(assessment::bank))
        .routes(routes!(assessment::bank_item))
        .routes(routes!(assessment::class_assignments, assessment::create_assignment))
        .routes(routes!(assessment::assignment))
        .routes(routes!(assessment::student_assignments))
        .routes(routes!(assessment::student_assignment))
        .routes(routes!(assessment::submit))
        .routes(routes!(assessment::grading_queue))
        .routes(routes!(assessment::accept))
        .routes(routes!(assessment::override_grade))
        .routes(routes!(assessment::reopen))
        .routes(routes!(assessment::release))
        .routes(routes!(assessment::analysis))
}

/// Upload endpoints, which take larger bodies.
pub(crate) fn uploads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin::import_roster))
        .routes(routes!(admin::import_transfer))
        .routes(routes!(assessment::import_qti))
        .routes(routes!(sync::receipt))
        .routes(routes!(sync::push))
}

/// Unknown paths answer with problem+json too.
pub(crate) async fn not_found() -> impl IntoResponse {
    ApiError::App(app::UserError::NotFound { what: "page" }.into()).into_response()
}

/// An empty success.
pub(crate) fn no_content() -> impl IntoResponse {
    StatusCode::NO_CONTENT
}

/// Wraps a value as JSON.
pub(crate) fn json<T>(v: T) -> Json<T> {
    Json(v)
}

/// Parses a YYYY-MM-DD date field.
pub(crate) fn date(field: &str, s: &str) -> Result<base::Date, ApiError> {
    base::Date::parse(s).map_err(|e| app::UserError::invalid(field, e.to_string()).into())
}

/// The content library in the export layout under `/content/` (catalog.json, channels/,
/// blobs/), so that peers run `inkstone content import --from URL` against this server. Served
/// as static files with HEAD and Range support; integrity comes from the channels' signatures.
pub(crate) fn content_library(app: &app::App) -> axum::Router<AppState> {
    match app.content() {
        Ok(library) => {
            axum::Router::new().nest_service("/content", tower_http::services::ServeDir::new(library.library_dir()))
        }
        Err(_) => axum::Router::new(),
    }
}
