//! Adaptive practice: next items, answers, mastery maps, class heat maps and teachers' plans.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use base::{ClassId, PersonId};

use crate::dto::*;
use crate::extract::{ApiJson, ApiQuery, Auth, path_id};
use crate::routes::{json, no_content};
use crate::{ApiError, AppState};

/// Names knowledge points from the recommendation's own names (the reason may name others by id).
fn kp_namer(items: &[app::learning::PracticeItem]) -> impl Fn(&learning::graph::KpId, bool) -> String + '_ {
    move |kp, zh| {
        items
            .iter()
            .find(|p| &p.kp.kp == kp)
            .map(|p| if zh { p.kp.name_zh.clone() } else { p.kp.name_en.clone() })
            .unwrap_or_else(|| kp.to_string())
    }
}

/// Subjects with learner models.
#[utoipa::path(get, path = "/api/subjects", tag = "learning", responses((status = 200, body = Vec<SubjectDto>)))]
pub(crate) async fn subjects(State(s): State<AppState>, _auth: Auth) -> Result<Json<Vec<SubjectDto>>, ApiError> {
    let subjects = s.app.subjects().await?;
    Ok(json(subjects.into_iter().map(|(id, name_zh, name_en)| SubjectDto { id, name_zh, name_en }).collect()))
}

/// What the student should practise next, best first, each with a reason.
#[utoipa::path(get, path = "/api/students/{id}/practice", tag = "learning", params(("id" = String, Path), SubjectQuery),
    responses((status = 200, body = Vec<PracticeItemDto>), (status = 403, description = "consent-required: adaptive learning needs consent"), (status = 404)))]
pub(crate) async fn next(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubjectQuery>,
) -> Result<Json<Vec<PracticeItemDto>>, ApiError> {
    let student: PersonId = path_id(&id, "student")?;
    let items = s.app.next_practice(&auth.caller(), &student, &q.subject, q.n.unwrap_or(5)).await?;
    let namer = kp_namer(&items);
    Ok(json(items.iter().map(|p| PracticeItemDto::new(p, &namer)).collect()))
}

/// Answers a practice item: graded, and folded into the learner model in one transaction.
#[utoipa::path(post, path = "/api/students/{id}/practice/answers", tag = "learning", params(("id" = String, Path)),
    request_body = AnswerBody, responses((status = 200, body = AnswerResultDto), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn answer(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<AnswerResultDto>, ApiError> {
    let student: PersonId = path_id(&id, "student")?;
    let result = s.app.answer_practice(&auth.caller(), &student, &body.item_id, &body.response).await?;
    let namer = kp_namer(&result.next);
    Ok(json(AnswerResultDto {
        correct: result.correct,
        expected: result.expected.clone(),
        feedback: result.feedback.clone(),
        mastery: result.mastery.iter().map(|(kp, m)| KpMasteryChangeDto { kp: kp.into(), mastery: *m }).collect(),
        next: result.next.iter().map(|p| PracticeItemDto::new(p, &namer)).collect(),
    }))
}

/// The student's mastery of every knowledge point of a subject, in curriculum order.
#[utoipa::path(get, path = "/api/students/{id}/mastery", tag = "learning", params(("id" = String, Path), SubjectQuery),
    responses((status = 200, body = Vec<MasteryRowDto>), (status = 403), (status = 404)))]
pub(crate) async fn mastery(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubjectQuery>,
) -> Result<Json<Vec<MasteryRowDto>>, ApiError> {
    let student: PersonId = path_id(&id, "student")?;
    Ok(json(s.app.mastery_map(&auth.caller(), &student, &q.subject).await?.iter().map(Into::into).collect()))
}

/// A class's knowledge-point heat map (students with consent only).
#[utoipa::path(get, path = "/api/classes/{id}/heatmap", tag = "learning", params(("id" = String, Path), SubjectQuery),
    responses((status = 200, body = HeatMapDto), (status = 404)))]
pub(crate) async fn heatmap(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubjectQuery>,
) -> Result<Json<HeatMapDto>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    Ok(json((&s.app.class_heat_map(&auth.caller(), &class, &q.subject).await?).into()))
}

/// Sets the teacher's plan for a class: pins, skips, overrides.
#[utoipa::path(put, path = "/api/classes/{id}/plan", tag = "learning", params(("id" = String, Path), SubjectQuery),
    request_body = PlanBody, responses((status = 204), (status = 404), (status = 422)))]
pub(crate) async fn class_plan(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubjectQuery>,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<impl IntoResponse, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    s.app.set_class_plan(&auth.caller(), &class, &q.subject, &body.into()).await?;
    Ok(no_content())
}

/// Sets the teacher's plan for one student.
#[utoipa::path(put, path = "/api/students/{id}/plan", tag = "learning", params(("id" = String, Path), SubjectQuery),
    request_body = PlanBody, responses((status = 204), (status = 404), (status = 422)))]
pub(crate) async fn student_plan(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubjectQuery>,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<impl IntoResponse, ApiError> {
    let student: PersonId = path_id(&id, "student")?;
    s.app.set_student_plan(&auth.caller(), &student, &q.subject, &body.into()).await?;
    Ok(no_content())
}
