//! Content: installed channels, search, recommendations, and the library served to peers.

use axum::Json;
use axum::extract::{Path, State};
use base::{ClassId, PersonId};

use crate::dto::*;
use crate::extract::{ApiQuery, Auth, path_id};
use crate::routes::json;
use crate::{ApiError, AppState};

/// Installed content channels.
#[utoipa::path(get, path = "/api/content/channels", tag = "content",
    responses((status = 200, body = Vec<ChannelDto>), (status = 401)))]
pub(crate) async fn channels(State(s): State<AppState>, _auth: Auth) -> Result<Json<Vec<ChannelDto>>, ApiError> {
    Ok(json(s.app.content_channels()?.iter().map(Into::into).collect()))
}

fn list(s: &Option<String>) -> Vec<String> {
    s.as_deref().unwrap_or("").split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

/// Searches installed resources in Chinese and English, with filters.
#[utoipa::path(get, path = "/api/search", tag = "content", params(SearchParams),
    responses((status = 200, body = SearchResultsDto), (status = 401), (status = 422)))]
pub(crate) async fn search(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResultsDto>, ApiError> {
    let grades = list(&p.grade)
        .iter()
        .map(|g| g.parse::<u8>().map_err(|_| app::UserError::invalid("grade", format!("{g:?} is not a grade 1–12"))))
        .collect::<Result<Vec<_>, _>>()?;
    let kinds = list(&p.kind).iter().map(|k| app::content::parse_kind(k)).collect::<Result<Vec<_>, _>>()?;
    let query = search::SearchQuery {
        text: p.q,
        subjects: list(&p.subject),
        grades,
        kps: list(&p.kp),
        kinds,
        channels: list(&p.channel),
        hidden_courses: Vec::new(),
        offset: p.offset.unwrap_or(0),
        limit: p.limit.unwrap_or(20).clamp(1, 100),
    };
    let (hits, more) = s.app.content_search(&auth.caller(), query).await?;
    Ok(json(SearchResultsDto { hits: hits.iter().map(Into::into).collect(), more }))
}

/// Resources that close a student's knowledge-point gaps, with the reasons.
#[utoipa::path(get, path = "/api/students/{id}/recommendations", tag = "content", params(("id" = String, Path), RecommendQuery),
    responses((status = 200, body = Vec<RecommendationDto>), (status = 403), (status = 404)))]
pub(crate) async fn student_recommendations(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RecommendQuery>,
) -> Result<Json<Vec<RecommendationDto>>, ApiError> {
    let student: PersonId = path_id(&id, "student")?;
    let n = q.n.unwrap_or(10).clamp(1, 50);
    let found = s.app.student_recommendations(&auth.caller(), &student, &q.subject, n).await?;
    Ok(json(found.iter().map(Into::into).collect()))
}

/// Resources that close a class's knowledge-point gaps (students with consent only).
#[utoipa::path(get, path = "/api/classes/{id}/recommendations", tag = "content", params(("id" = String, Path), RecommendQuery),
    responses((status = 200, body = ClassRecommendationsDto), (status = 403), (status = 404)))]
pub(crate) async fn class_recommendations(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RecommendQuery>,
) -> Result<Json<ClassRecommendationsDto>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    let n = q.n.unwrap_or(10).clamp(1, 50);
    let found = s.app.class_recommendations(&auth.caller(), &class, &q.subject, n).await?;
    Ok(json(ClassRecommendationsDto {
        resources: found.resources.iter().map(Into::into).collect(),
        students_included: found.students_included,
        students_without_consent: found.students_without_consent,
    }))
}
