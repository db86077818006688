//! AI drafting tools (`/api/ai/...`) and the OpenAI-compatible model endpoint (`/v1/...`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{ApiJson, Auth};
use crate::{ApiError, AppState};

/// The AI routes with their OpenAPI description.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lesson_plan))
        .routes(routes!(feedback))
        .routes(routes!(rewrite))
        .routes(routes!(storybook))
        .routes(routes!(my_texts))
        .routes(routes!(text, edit))
        .routes(routes!(approve))
        .routes(routes!(speech))
        .routes(routes!(chat_completions))
        .routes(routes!(embeddings))
}

/// A lesson-plan draft for a class and some of a subject's knowledge points.
#[derive(Debug, Deserialize, ToSchema)]
struct LessonPlanBody {
    class: String,
    subject: String,
    /// Knowledge-point ids of the subject's graph.
    knowledge_points: Vec<String>,
    /// `zh-CN` or `en`.
    language: String,
    minutes: u32,
}

/// Feedback on a student's wrong answer to a bank item, without giving the answer away.
#[derive(Debug, Deserialize, ToSchema)]
struct FeedbackBody {
    student: String,
    item: String,
    answer: String,
    /// `zh-CN` or `en`.
    language: String,
}

/// A text rewritten for a reading level.
#[derive(Debug, Deserialize, ToSchema)]
struct RewriteBody {
    text: String,
    /// School grade 1–12.
    grade: u8,
    /// `zh-CN` or `en`.
    language: String,
}

/// A short illustrated storybook around a theme and some words to practise.
#[derive(Debug, Deserialize, ToSchema)]
struct StorybookBody {
    theme: String,
    words: Vec<String>,
    pages: u8,
    /// School grade 1–12.
    grade: u8,
    /// `zh-CN` or `en`.
    language: String,
}

/// A story page.
#[derive(Debug, Serialize, ToSchema)]
struct PageDto {
    number: u32,
    text: String,
    picture: Option<String>,
}

/// A machine-written text: marked as such until a teacher approves it.
#[derive(Debug, Serialize, ToSchema)]
struct AiTextDto {
    id: String,
    kind: &'static str,
    language: &'static str,
    body: String,
    pages: Vec<PageDto>,
    model: String,
    endpoint: &'static str,
    generated_at: String,
    edited: bool,
    machine_written: bool,
    approved_by: Option<String>,
    approved_at: Option<String>,
    label: &'static str,
    warnings: Vec<String>,
}

impl From<app::ai::AiText> for AiTextDto {
    fn from(t: app::ai::AiText) -> Self {
        use app::ai::AiTextKind;
        AiTextDto {
            id: t.id,
            kind: match t.kind {
                AiTextKind::LessonPlan => "lesson-plan",
                AiTextKind::Feedback => "feedback",
                AiTextKind::Rewrite => "rewrite",
                AiTextKind::Storybook => "storybook",
            },
            language: match t.language {
                guardrails::Language::ZhCn => "zh-CN",
                guardrails::Language::En => "en",
            },
            body: t.body,
            pages: t
                .pages
                .into_iter()
                .map(|p| PageDto { number: p.number, text: p.text, picture: p.picture })
                .collect(),
            model: t.model,
            endpoint: match t.endpoint {
                app::ai::Endpoint::Local => "local",
                app::ai::Endpoint::Remote => "remote",
            },
            generated_at: t.generated_at.to_rfc3339(),
            edited: t.edited,
            machine_written: t.approved_by.is_none(),
            approved_by: t.approved_by,
            approved_at: t.approved_at.map(|a| a.to_rfc3339()),
            label: t.label,
            warnings: t.warnings,
        }
    }
}

/// Drafts a lesson plan (objectives, 45-minute activities, bank items, differentiation).
#[utoipa::path(post, path = "/api/ai/lesson-plans", tag = "ai", request_body = LessonPlanBody,
    responses((status = 200, body = AiTextDto), (status = 403), (status = 422), (status = 503, description = "unavailable: no model")))]
async fn lesson_plan(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<LessonPlanBody>,
) -> Result<Json<AiTextDto>, ApiError> {
    let request = app::ai::LessonPlanRequest {
        class: b.class,
        subject: b.subject,
        knowledge_points: b.knowledge_points,
        language: b.language,
        minutes: b.minutes,
    };
    Ok(Json(s.app.draft_lesson_plan(&auth.caller(), &request).await?.into()))
}

/// Drafts feedback on a wrong answer that explains the misconception.
#[utoipa::path(post, path = "/api/ai/feedback", tag = "ai", request_body = FeedbackBody,
    responses((status = 200, body = AiTextDto), (status = 403), (status = 404), (status = 503, description = "unavailable: no model")))]
async fn feedback(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<FeedbackBody>,
) -> Result<Json<AiTextDto>, ApiError> {
    let request = app::ai::FeedbackRequest { student: b.student, item: b.item, answer: b.answer, language: b.language };
    Ok(Json(s.app.draft_feedback(&auth.caller(), &request).await?.into()))
}

/// Rewrites a text for a reading level.
#[utoipa::path(post, path = "/api/ai/rewrites", tag = "ai", request_body = RewriteBody,
    responses((status = 200, body = AiTextDto), (status = 403), (status = 422), (status = 503, description = "unavailable: no model")))]
async fn rewrite(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RewriteBody>,
) -> Result<Json<AiTextDto>, ApiError> {
    let request = app::ai::RewriteRequest { text: b.text, grade: b.grade, language: b.language };
    Ok(Json(s.app.rewrite_for_grade(&auth.caller(), &request).await?.into()))
}

/// Drafts a storybook.
#[utoipa::path(post, path = "/api/ai/storybooks", tag = "ai", request_body = StorybookBody,
    responses((status = 200, body = AiTextDto), (status = 403), (status = 422), (status = 503, description = "unavailable: no model")))]
async fn storybook(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<StorybookBody>,
) -> Result<Json<AiTextDto>, ApiError> {
    let request = app::ai::StorybookRequest {
        theme: b.theme,
        words: b.words,
        pages: b.pages,
        grade: b.grade,
        language: b.language,
    };
    Ok(Json(s.app.draft_storybook(&auth.caller(), &request).await?.into()))
}

/// The caller's latest machine-written texts.
#[utoipa::path(get, path = "/api/ai/texts", tag = "ai", responses((status = 200, body = Vec<AiTextDto>)))]
async fn my_texts(State(s): State<AppState>, auth: Auth) -> Result<Json<Vec<AiTextDto>>, ApiError> {
    Ok(Json(s.app.my_ai_texts(&auth.caller(), 50).await?.into_iter().map(Into::into).collect()))
}

/// One machine-written text.
#[utoipa::path(get, path = "/api/ai/texts/{id}", tag = "ai", params(("id" = String, Path)),
    responses((status = 200, body = AiTextDto), (status = 404)))]
async fn text(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.ai_text(&auth.caller(), &id).await?.into()))
}

/// A teacher's edit.
#[derive(Debug, Deserialize, ToSchema)]
struct EditBody {
    body: String,
}

/// Replaces a draft's text with the teacher's edit (it stays unapproved).
#[utoipa::path(put, path = "/api/ai/texts/{id}", tag = "ai", params(("id" = String, Path)), request_body = EditBody,
    responses((status = 200, body = AiTextDto), (status = 403), (status = 404)))]
async fn edit(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.edit_ai_text(&auth.caller(), &id, &body.body).await?.into()))
}

/// A teacher approves a draft: it is no longer marked machine-written.
#[utoipa::path(post, path = "/api/ai/texts/{id}/approve", tag = "ai", params(("id" = String, Path)),
    responses((status = 200, body = AiTextDto), (status = 403), (status = 404)))]
async fn approve(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.approve_ai_text(&auth.caller(), &id).await?.into()))
}

/// Text to read aloud.
#[derive(Debug, Deserialize, ToSchema)]
struct SpeechBody {
    text: String,
    /// `zh-CN` or `en`; detected from the script when absent.
    language: Option<String>,
}

/// Reads a text aloud (Mandarin or English), as a WAV file; repeated texts come from the cache.
#[utoipa::path(post, path = "/api/ai/speech", tag = "ai", request_body = SpeechBody,
    responses((status = 200, content_type = "audio/wav", description = "the spoken text"), (status = 422), (status = 503, description = "unavailable: no voice")))]
async fn speech(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<SpeechBody>,
) -> Result<Response, ApiError> {
    let audio = s.app.read_aloud(&auth.caller(), &body.text, body.language.as_deref()).await?;
    let mut response = (StatusCode::OK, audio.wav).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    response.headers_mut().insert("x-inkstone-voice", HeaderValue::from_static(audio.voice));
    response
        .headers_mut()
        .insert("x-inkstone-cached", HeaderValue::from_static(if audio.cached { "true" } else { "false" }));
    Ok(response)
}

/// Limits of the model endpoint.
const LIMITS: inference::openai::handler::HandlerLimits = inference::openai::handler::HandlerLimits {
    default_max_tokens: 256,
    max_tokens_cap: 1024,
    max_embedding_inputs: 64,
};

fn openai_error(e: inference::openai::handler::ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(e.body)).into_response()
}

fn unavailable(what: &str) -> Response {
    openai_error(inference::openai::handler::ApiError {
        status: 503,
        body: inference::openai::ErrorBody {
            error: inference::openai::ErrorDetail {
                message: format!("no local {what} is configured on this server"),
                kind: "server_error".into(),
                code: Some("model_unavailable".into()),
            },
        },
    })
}

/// `POST /v1/chat/completions` on the local model, for staff holding an API token or session.
#[utoipa::path(post, path = "/v1/chat/completions", tag = "openai-compatible",
    request_body(content = Object, description = "an OpenAI chat completion request (model, messages, max_tokens, temperature, seed)"),
    responses((status = 200, body = Object, description = "an OpenAI chat completion"), (status = 503, description = "model_unavailable")))]
async fn chat_completions(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<inference::openai::ChatCompletionRequest>,
) -> Result<Response, ApiError> {
    let engines = s.app.model_endpoint(&auth.caller(), "chat completion").await?;
    let Some(generator) = engines.local else { return Ok(unavailable("language model")) };
    let id = format!("chatcmpl-{}", uuid::Uuid::now_v7().simple());
    let created = u64::try_from(s.app.now().millis() / 1000).unwrap_or(0);
    let result = tokio::task::spawn_blocking(move || {
        inference::openai::handler::chat_completions(&*generator, &LIMITS, body, id, created)
    })
    .await
    .map_err(|e| ApiError::App(app::Error::internal(e)))?;
    Ok(match result {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => openai_error(e),
    })
}

/// `POST /v1/embeddings` on the local embedder.
#[utoipa::path(post, path = "/v1/embeddings", tag = "openai-compatible",
    request_body(content = Object, description = "an OpenAI embeddings request (model, input: a string or strings)"),
    responses((status = 200, body = Object, description = "an OpenAI embeddings list"), (status = 503, description = "model_unavailable")))]
async fn embeddings(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<inference::openai::EmbeddingsRequest>,
) -> Result<Response, ApiError> {
    let engines = s.app.model_endpoint(&auth.caller(), "embeddings").await?;
    let Some(embedder) = engines.embedder else { return Ok(unavailable("embedding model")) };
    let name = engines.embedder_name;
    let result =
        tokio::task::spawn_blocking(move || inference::openai::handler::embeddings(&*embedder, &name, &LIMITS, body))
            .await
            .map_err(|e| ApiError::App(app::Error::internal(e)))?;
    Ok(match result {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => openai_error(e),
    })
}
