//! Organisations, sessions, courses, classes, people and duties.

use app::records_api::{AttendanceEntry, DutyRequest, NewLineItem, NewPerson, ResultEntry};
use axum::Json;
use axum::extract::{Path, State};
use base::{ClassId, LineItemId, OrgId, PageRequest, PersonId};
use records::{AttendanceStatus, LineItemCategory, Role};

use crate::dto::*;
use crate::extract::{ApiJson, ApiQuery, Auth, path_id};
use crate::routes::{date, json};
use crate::{ApiError, AppState};

fn invalid(field: &str, e: impl std::fmt::Display) -> ApiError {
    app::UserError::invalid(field, e.to_string()).into()
}

/// Every organisation.
#[utoipa::path(get, path = "/api/orgs", tag = "records", responses((status = 200, body = Vec<OrgDto>), (status = 401)))]
pub(crate) async fn orgs(State(s): State<AppState>, _auth: Auth) -> Result<Json<Vec<OrgDto>>, ApiError> {
    Ok(json(s.app.orgs().await?.iter().map(Into::into).collect()))
}

/// Aggregates for every school under an organisation (for its administrators at any level).
#[utoipa::path(get, path = "/api/orgs/{id}/aggregates", tag = "records", params(("id" = String, Path)),
    responses((status = 200, body = Vec<SchoolAggregateDto>), (status = 404)))]
pub(crate) async fn aggregates(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<SchoolAggregateDto>>, ApiError> {
    let org: OrgId = path_id(&id, "organisation")?;
    Ok(json(s.app.school_aggregates(&auth.caller(), &org).await?.iter().map(Into::into).collect()))
}

/// Every academic session.
#[utoipa::path(get, path = "/api/academic-sessions", tag = "records", responses((status = 200, body = Vec<AcademicSessionDto>)))]
pub(crate) async fn academic_sessions(
    State(s): State<AppState>,
    _auth: Auth,
) -> Result<Json<Vec<AcademicSessionDto>>, ApiError> {
    Ok(json(s.app.academic_sessions().await?.iter().map(Into::into).collect()))
}

/// Every course.
#[utoipa::path(get, path = "/api/courses", tag = "records", responses((status = 200, body = Vec<CourseDto>)))]
pub(crate) async fn courses(State(s): State<AppState>, _auth: Auth) -> Result<Json<Vec<CourseDto>>, ApiError> {
    Ok(json(s.app.courses().await?.iter().map(Into::into).collect()))
}

/// The classes the caller may open.
#[utoipa::path(get, path = "/api/classes", tag = "classes", responses((status = 200, body = Vec<ClassDto>)))]
pub(crate) async fn classes(State(s): State<AppState>, auth: Auth) -> Result<Json<Vec<ClassDto>>, ApiError> {
    Ok(json(s.app.visible_classes(&auth.caller()).await?.iter().map(Into::into).collect()))
}

/// A class's students.
#[utoipa::path(get, path = "/api/classes/{id}/roster", tag = "classes", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PersonDto>), (status = 404)))]
pub(crate) async fn roster(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<PersonDto>>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    Ok(json(s.app.class_roster(&auth.caller(), &class).await?.iter().map(Into::into).collect()))
}

/// A class's summary: every student against every column ("class summary").
#[utoipa::path(get, path = "/api/classes/{id}/summary", tag = "classes", params(("id" = String, Path)),
    responses((status = 200, body = ClassSummaryDto), (status = 404)))]
pub(crate) async fn summary(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ClassSummaryDto>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    Ok(json((&s.app.class_summary(&auth.caller(), &class).await?).into()))
}

/// Records a class's attendance for a day.
#[utoipa::path(post, path = "/api/classes/{id}/attendance", tag = "classes", params(("id" = String, Path)),
    request_body = AttendanceBody, responses((status = 200, body = usize), (status = 404), (status = 422)))]
pub(crate) async fn attendance(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> Result<Json<usize>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    let day = date("date", &body.date)?;
    let entries = body
        .entries
        .iter()
        .map(|e| {
            Ok(AttendanceEntry {
                student: PersonId::parse(&e.student_id).map_err(|err| invalid("student_id", err))?,
                status: AttendanceStatus::parse(&e.status).map_err(|err| invalid("status", err))?,
                note: e.note.clone(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(json(s.app.record_attendance(&auth.caller(), &class, day, &entries).await?))
}

/// Adds a gradebook column to a class.
#[utoipa::path(post, path = "/api/classes/{id}/line-items", tag = "classes", params(("id" = String, Path)),
    request_body = LineItemBody, responses((status = 200, body = String, description = "the new column's id"), (status = 404), (status = 422)))]
pub(crate) async fn create_line_item(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LineItemBody>,
) -> Result<Json<String>, ApiError> {
    let class: ClassId = path_id(&id, "class")?;
    let new = NewLineItem {
        title: body.title,
        category: LineItemCategory::parse(&body.category).map_err(|e| invalid("category", e))?,
        assigned: body.assigned.as_deref().map(|d| date("assigned", d)).transpose()?,
        due: body.due.as_deref().map(|d| date("due", d)).transpose()?,
        max_score: body.max_score,
    };
    Ok(json(s.app.create_line_item(&auth.caller(), &class, new).await?.id.to_string()))
}

/// Records results in a gradebook column.
#[utoipa::path(post, path = "/api/line-items/{id}/results", tag = "classes", params(("id" = String, Path)),
    request_body = ResultsBody, responses((status = 200, body = usize), (status = 404), (status = 422)))]
pub(crate) async fn record_results(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResultsBody>,
) -> Result<Json<usize>, ApiError> {
    let item: LineItemId = path_id(&id, "line item")?;
    let entries = body
        .entries
        .into_iter()
        .map(|e| {
            Ok(ResultEntry {
                student: PersonId::parse(&e.student_id).map_err(|err| invalid("student_id", err))?,
                score: e.score,
                grade: e.grade,
                comment: e.comment,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(json(s.app.record_results(&auth.caller(), &item, &entries).await?))
}

/// A page of people in an organisation the caller administers.
#[utoipa::path(get, path = "/api/people", tag = "records", params(PeopleQuery),
    responses((status = 200, body = PeoplePageDto), (status = 403), (status = 404)))]
pub(crate) async fn people(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> Result<Json<PeoplePageDto>, ApiError> {
    let filter = store::people::PeopleFilter {
        org: q.org.as_deref().map(|o| path_id(o, "organisation")).transpose()?,
        role: q.role.as_deref().map(Role::parse).transpose().map_err(|e| invalid("role", e))?,
        search: q.q,
    };
    let page = s.app.people(&auth.caller(), &filter, &PageRequest::new(q.limit, q.cursor)).await?;
    Ok(json(PeoplePageDto { items: page.items.iter().map(Into::into).collect(), next_cursor: page.next }))
}

/// Adds a person with one role.
#[utoipa::path(post, path = "/api/people", tag = "records", request_body = NewPersonBody,
    responses((status = 200, body = PersonDto), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn create_person(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewPersonBody>,
) -> Result<Json<PersonDto>, ApiError> {
    let new = NewPerson {
        username: body.username,
        given_name: body.given_name,
        family_name: body.family_name,
        role: Role::parse(&body.role).map_err(|e| invalid("role", e))?,
        org: OrgId::parse(&body.org_id).map_err(|e| invalid("org_id", e))?,
        birth_date: body.birth_date.as_deref().map(|d| date("birth_date", d)).transpose()?,
        identifier: body.identifier,
    };
    Ok(json((&s.app.create_person(&auth.caller(), new).await?).into()))
}

/// Records a duty that lets the calling county (or higher) administrator see individual students.
#[utoipa::path(post, path = "/api/duties", tag = "records", request_body = DutyBody, responses((status = 200, body = DutyDto), (status = 403), (status = 422)))]
pub(crate) async fn record_duty(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<DutyBody>,
) -> Result<Json<DutyDto>, ApiError> {
    let scope = match (&body.student_id, &body.org_id) {
        (Some(p), None) => access::DutyScope::Student(PersonId::parse(p).map_err(|e| invalid("student_id", e))?),
        (None, Some(o)) => access::DutyScope::Org(OrgId::parse(o).map_err(|e| invalid("org_id", e))?),
        _ => return Err(invalid("scope", "give exactly one of student_id and org_id")),
    };
    let duty = s.app.record_duty(&auth.caller(), DutyRequest { scope, reason: body.reason, days: body.days }).await?;
    Ok(json(DutyDto {
        id: duty.id.to_string(),
        reason: duty.reason,
        starts: duty.starts.to_rfc3339(),
        expires: duty.expires.to_rfc3339(),
    }))
}
