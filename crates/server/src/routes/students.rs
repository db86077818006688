//! A student's record, progress, consents, history and transfer.

use access::consent::Purpose;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use base::PersonId;
use records::{AdminRecordKind, PlacementKind};

use crate::dto::*;
use crate::extract::{ApiJson, ApiQuery, Auth, path_id};
use crate::routes::{date, json, no_content};
use crate::{ApiError, AppState};

fn student(id: &str) -> Result<PersonId, ApiError> {
    path_id(id, "student")
}

fn invalid(field: &str, e: impl std::fmt::Display) -> ApiError {
    app::UserError::invalid(field, e.to_string()).into()
}

/// A student's whole record (national id masked).
#[utoipa::path(get, path = "/api/students/{id}", tag = "students", params(("id" = String, Path)),
    responses((status = 200, body = StudentRecordDto), (status = 403), (status = 404)))]
pub(crate) async fn record(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<StudentRecordDto>, ApiError> {
    Ok(json((&s.app.student_record(&auth.caller(), &student(&id)?).await?).into()))
}

/// The student's full national student id (audited).
#[utoipa::path(get, path = "/api/students/{id}/national-id", tag = "students", params(("id" = String, Path)),
    responses((status = 200, body = NationalIdDto), (status = 403), (status = 404)))]
pub(crate) async fn national_id(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<NationalIdDto>, ApiError> {
    let national_student_id = s.app.reveal_national_student_id(&auth.caller(), &student(&id)?).await?;
    Ok(json(NationalIdDto { national_student_id }))
}

/// The student's classes with their own progress ("my classes").
#[utoipa::path(get, path = "/api/students/{id}/classes", tag = "students", params(("id" = String, Path)),
    responses((status = 200, body = Vec<LearnerClassDto>), (status = 404)))]
pub(crate) async fn classes(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<LearnerClassDto>>, ApiError> {
    Ok(json(s.app.learner_classes(&auth.caller(), &student(&id)?).await?.iter().map(Into::into).collect()))
}

/// Who read or changed the student's record: for the student, their guardians and staff.
#[utoipa::path(get, path = "/api/students/{id}/audit", tag = "students", params(("id" = String, Path), AuditQuery),
    responses((status = 200, body = Vec<AuditEntryDto>), (status = 404)))]
pub(crate) async fn audit(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntryDto>>, ApiError> {
    let entries = s.app.audit_about_student(&auth.caller(), &student(&id)?, q.before, q.limit.unwrap_or(50)).await?;
    Ok(json(entries.iter().map(Into::into).collect()))
}

/// The student's consents, and whom to ask for new ones.
#[utoipa::path(get, path = "/api/students/{id}/consents", tag = "consent", params(("id" = String, Path)),
    responses((status = 200, body = ConsentsDto), (status = 404)))]
pub(crate) async fn consents(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ConsentsDto>, ApiError> {
    let (consents, ask) = s.app.consents(&auth.caller(), &student(&id)?).await?;
    Ok(json(ConsentsDto { ask: ask.as_str(), consents: consents.iter().map(Into::into).collect() }))
}

fn purpose(s: &str) -> Result<Purpose, ApiError> {
    Purpose::parse(s).ok_or_else(|| {
        invalid("purpose", "one of adaptive_learning, ai_assistance, wellbeing_screening, research_sharing")
    })
}

/// Gives consent for a purpose (a guardian; the student from 14; an administrator recording a paper form).
#[utoipa::path(post, path = "/api/students/{id}/consents", tag = "consent", params(("id" = String, Path)), request_body = ConsentBody,
    responses((status = 200, body = ConsentDto), (status = 403), (status = 404)))]
pub(crate) async fn give_consent(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConsentBody>,
) -> Result<Json<ConsentDto>, ApiError> {
    let consent = s.app.give_consent(&auth.caller(), &student(&id)?, purpose(&body.purpose)?).await?;
    Ok(json((&consent).into()))
}

/// Withdraws consent for a purpose.
#[utoipa::path(delete, path = "/api/students/{id}/consents/{purpose}", tag = "consent",
    params(("id" = String, Path), ("purpose" = String, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn withdraw_consent(
    State(s): State<AppState>,
    auth: Auth,
    Path((id, p)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    s.app.withdraw_consent(&auth.caller(), &student(&id)?, purpose(&p)?).await?;
    Ok(no_content())
}

/// Adds an administrative record.
#[utoipa::path(post, path = "/api/students/{id}/admin-records", tag = "students", params(("id" = String, Path)),
    request_body = AdminRecordBody, responses((status = 200, body = AdminRecordDto), (status = 403), (status = 422)))]
pub(crate) async fn add_admin_record(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AdminRecordBody>,
) -> Result<Json<AdminRecordDto>, ApiError> {
    let kind = AdminRecordKind::parse(&body.kind).map_err(|e| invalid("kind", e))?;
    let record =
        s.app.add_admin_record(&auth.caller(), &student(&id)?, kind, date("date", &body.date)?, &body.detail).await?;
    Ok(json((&record).into()))
}

/// Records a placement.
#[utoipa::path(post, path = "/api/students/{id}/placements", tag = "students", params(("id" = String, Path)),
    request_body = PlacementBody, responses((status = 200, body = PlacementDto), (status = 403), (status = 422)))]
pub(crate) async fn add_placement(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlacementBody>,
) -> Result<Json<PlacementDto>, ApiError> {
    let kind = PlacementKind::parse(&body.kind).map_err(|e| invalid("kind", e))?;
    let placement = s
        .app
        .add_placement(&auth.caller(), &student(&id)?, kind, &body.destination, body.programme.as_deref(), body.year)
        .await?;
    Ok(json((&placement).into()))
}

/// The earlier schooling of a student who transferred in (as the sending school signed it).
#[utoipa::path(get, path = "/api/students/{id}/prior-records", tag = "students", params(("id" = String, Path)),
    responses((status = 200, description = "the signed payloads of earlier schools, as JSON"), (status = 404)))]
pub(crate) async fn prior_records(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let prior = s.app.prior_records(&auth.caller(), &student(&id)?).await?;
    let items: Vec<serde_json::Value> = prior
        .into_iter()
        .map(|(at, payload)| serde_json::json!({ "received_at": at.to_rfc3339(), "record": payload }))
        .collect();
    Ok(json(serde_json::Value::Array(items)))
}

/// Transfers the student out: returns the signed bundle for the receiving school and records the
/// departure here.
#[utoipa::path(post, path = "/api/students/{id}/transfer", tag = "transfers", params(("id" = String, Path)),
    request_body = TransferBody, responses((status = 200, content_type = "application/json", description = "the signed transfer bundle"), (status = 403)))]
pub(crate) async fn transfer(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferBody>,
) -> Result<impl IntoResponse, ApiError> {
    let leaving = match body.leaving_date.as_deref() {
        Some(d) => date("leaving_date", d)?,
        None => s.app.today(),
    };
    let student = student(&id)?;
    let bundle = s.app.export_transfer(&auth.caller(), &student, &body.to_school, leaving).await?;
    let disposition = format!("attachment; filename=\"transfer-{student}.json\"");
    Ok(([(header::CONTENT_TYPE, "application/json".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bundle))
}
