//! Assessment: the item bank, assignments, submissions, the grading queue, release, analysis.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use base::{ClassId, PageRequest, PersonId, Timestamp};

use crate::dto::*;
use crate::extract::{ApiJson, ApiQuery, Auth, path_id};
use crate::routes::{json, no_content};
use crate::{ApiError, AppState};

fn invalid(field: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::App(app::UserError::invalid(field, e.to_string()).into())
}

/// A page of the item bank (teachers and administrators).
#[utoipa::path(get, path = "/api/bank/items", tag = "assessment", params(BankQuery),
    responses((status = 200, body = BankPageDto), (status = 403)))]
pub(crate) async fn bank(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<BankQuery>,
) -> Result<Json<BankPageDto>, ApiError> {
    let filter = app::assessment::BankFilter { subject: q.subject, kp: q.kp, kind: q.kind, text: q.q };
    let page = s.app.search_bank(&auth.caller(), &filter, &PageRequest::new(q.limit, q.cursor)).await?;
    Ok(json(BankPageDto { items: page.items.iter().map(Into::into).collect(), next_cursor: page.next }))
}

/// One bank item with its QTI 3.0 text (answer key included: staff only).
#[utoipa::path(get, path = "/api/bank/items/{id}", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = BankItemDetailDto), (status = 403), (status = 404)))]
pub(crate) async fn bank_item(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<BankItemDetailDto>, ApiError> {
    Ok(json((&s.app.bank_item(&auth.caller(), &id).await?).into()))
}

/// Imports QTI items into the bank; unreadable files are reported, not fatal.
#[utoipa::path(post, path = "/api/bank/qti", tag = "assessment", request_body = QtiImportBody,
    responses((status = 200, body = QtiImportReportDto), (status = 403), (status = 422)))]
pub(crate) async fn import_qti(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<QtiImportBody>,
) -> Result<Json<QtiImportReportDto>, ApiError> {
    let files: Vec<app::assessment::QtiFile> =
        body.files.into_iter().map(|f| app::assessment::QtiFile { name: f.name, bytes: f.xml.into_bytes() }).collect();
    Ok(json((&s.app.import_qti(&auth.caller(), &body.subject, &files).await?).into()))
}

/// A class's assignments, newest first, with grading progress.
#[utoipa::path(get, path = "/api/classes/{id}/assignments", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = Vec<AssignmentDto>), (status = 404)))]
pub(crate) async fn class_assignments(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<AssignmentDto>>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    Ok(json(s.app.class_assignments(&auth.caller(), &class).await?.iter().map(Into::into).collect()))
}

/// Makes an assignment for the class from bank items (the class's teachers).
#[utoipa::path(post, path = "/api/classes/{id}/assignments", tag = "assessment", params(("id" = String, Path)),
    request_body = NewAssignmentBody, responses((status = 200, body = AssignmentDto), (status = 404), (status = 422)))]
pub(crate) async fn create_assignment(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewAssignmentBody>,
) -> Result<Json<AssignmentDto>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    let due = body.due.as_deref().map(Timestamp::parse_rfc3339).transpose().map_err(|e| invalid("due", e))?;
    let new = app::assessment::NewAssignment { class, title: body.title, items: body.item_ids, due };
    Ok(json((&s.app.create_assignment(&auth.caller(), &new).await?).into()))
}

/// An assignment with its items, without answer keys (the class's teachers).
#[utoipa::path(get, path = "/api/assignments/{id}", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = AssignmentDetailDto), (status = 404)))]
pub(crate) async fn assignment(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<AssignmentDetailDto>, ApiError> {
    Ok(json((&s.app.assignment_detail(&auth.caller(), &id).await?).into()))
}

/// The assignments of a student's classes (the student, their guardians, their teachers).
#[utoipa::path(get, path = "/api/students/{id}/assignments", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = Vec<AssignmentDto>), (status = 404)))]
pub(crate) async fn student_assignments(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<AssignmentDto>>, ApiError> {
    let student: PersonId = path_id(&id, "student")?;
    Ok(json(s.app.student_assignments(&auth.caller(), &student).await?.iter().map(Into::into).collect()))
}

/// An assignment as the student sees it: questions, their answers, released grades only.
#[utoipa::path(get, path = "/api/assignments/{id}/students/{student}", tag = "assessment",
    params(("id" = String, Path), ("student" = String, Path)),
    responses((status = 200, body = StudentAssignmentDto), (status = 404)))]
pub(crate) async fn student_assignment(
    State(s): State<AppState>,
    auth: Auth,
    Path((id, student)): Path<(String, String)>,
) -> Result<Json<StudentAssignmentDto>, ApiError> {
    let student: PersonId = path_id(&student, "student")?;
    Ok(json((&s.app.student_assignment(&auth.caller(), &id, &student).await?).into()))
}

/// The student submits answers (theirs only). A changed answer replaces the earlier one until
/// the due time unless a teacher has decided it; the same answer again changes nothing.
#[utoipa::path(post, path = "/api/assignments/{id}/students/{student}/submission", tag = "assessment",
    params(("id" = String, Path), ("student" = String, Path)), request_body = SubmissionBody,
    responses((status = 200, body = SubmitReceiptDto), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    auth: Auth,
    Path((id, student)): Path<(String, String)>,
    ApiJson(body): ApiJson<SubmissionBody>,
) -> Result<Json<SubmitReceiptDto>, ApiError> {
    let student: PersonId = path_id(&student, "student")?;
    let answers: Vec<(String, app::assessment::StudentResponse)> =
        body.answers.into_iter().map(|a| (a.item_id, a.response.into())).collect();
    let r = s.app.submit(&auth.caller(), &id, &student, &answers).await?;
    Ok(json(SubmitReceiptDto { stored: r.stored, unchanged: r.unchanged }))
}

/// The grading queue: every submission with the machine's suggestion, flagged ones first.
#[utoipa::path(get, path = "/api/assignments/{id}/grading", tag = "assessment", params(("id" = String, Path), GradingQuery),
    responses((status = 200, body = GradingQueueDto), (status = 404)))]
pub(crate) async fn grading_queue(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<GradingQuery>,
) -> Result<Json<GradingQueueDto>, ApiError> {
    Ok(json((&s.app.grading_queue(&auth.caller(), &id, q.flagged).await?).into()))
}

/// Accepts suggestions: the listed ones, or in bulk those at least `min_confidence` sure.
#[utoipa::path(post, path = "/api/assignments/{id}/grading/accept", tag = "assessment", params(("id" = String, Path)),
    request_body = AcceptBody, responses((status = 200, body = AcceptedDto), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn accept(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> Result<Json<AcceptedDto>, ApiError> {
    let request = app::assessment::AcceptRequest {
        submissions: body.submission_ids,
        item: body.item_id,
        min_confidence: body.min_confidence.unwrap_or(0.9),
    };
    Ok(json(AcceptedDto { accepted: s.app.accept_grades(&auth.caller(), &id, &request).await? }))
}

/// The teacher sets a submission's points (kept in its history; trains free-text scoring).
#[utoipa::path(post, path = "/api/assignments/{id}/grading/{submission}/override", tag = "assessment",
    params(("id" = String, Path), ("submission" = String, Path)), request_body = OverrideBody,
    responses((status = 204), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn override_grade(
    State(s): State<AppState>,
    auth: Auth,
    Path((id, submission)): Path<(String, String)>,
    ApiJson(body): ApiJson<OverrideBody>,
) -> Result<impl IntoResponse, ApiError> {
    s.app.override_grade(&auth.caller(), &id, &submission, body.points, body.note).await?;
    Ok(no_content())
}

/// Takes a released grade back so it can be changed.
#[utoipa::path(post, path = "/api/assignments/{id}/grading/{submission}/reopen", tag = "assessment",
    params(("id" = String, Path), ("submission" = String, Path)), responses((status = 204), (status = 404), (status = 409)))]
pub(crate) async fn reopen(
    State(s): State<AppState>,
    auth: Auth,
    Path((id, submission)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    s.app.reopen_grade(&auth.caller(), &id, &submission).await?;
    Ok(no_content())
}

/// Releases grades (listed, or all): students, guardians and the gradebook see them.
#[utoipa::path(post, path = "/api/assignments/{id}/release", tag = "assessment", params(("id" = String, Path)),
    request_body = ReleaseBody, responses((status = 200, body = ReleaseOutcomeDto), (status = 404), (status = 409)))]
pub(crate) async fn release(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReleaseBody>,
) -> Result<Json<ReleaseOutcomeDto>, ApiError> {
    Ok(json((&s.app.release_grades(&auth.caller(), &id, body.submission_ids.as_deref()).await?).into()))
}

/// Item analysis: difficulty, discrimination, distractors, reliability, flags.
#[utoipa::path(get, path = "/api/assignments/{id}/analysis", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = AnalysisDto), (status = 404), (status = 409)))]
pub(crate) async fn analysis(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<AnalysisDto>, ApiError> {
    Ok(json((&s.app.item_analysis(&auth.caller(), &id).await?).into()))
}
