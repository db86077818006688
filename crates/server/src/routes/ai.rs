//! AI drafting tools (`/api/ai/...`) and the OpenAI-compatible model endpoint (`/v1/...`).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::extract::{ApiJson, Auth};
use crate::{ApiError, AppState};

/// The AI routes (plain axum routes; not yet in the OpenAPI document).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/ai/lesson-plans", post(lesson_plan))
        .route("/api/ai/feedback", post(feedback))
        .route("/api/ai/rewrites", post(rewrite))
        .route("/api/ai/storybooks", post(storybook))
        .route("/api/ai/texts", get(my_texts))
        .route("/api/ai/texts/{id}", get(text).put(edit))
        .route("/api/ai/texts/{id}/approve", post(approve))
        .route("/api/ai/speech", post(speech))
        .route("/v1/chat/completions", post(chat_completions))
        .route("/v1/embeddings", post(embeddings))
}

/// A story page.
#[derive(Debug, Serialize)]
struct PageDto {
    number: u32,
    text: String,
    picture: Option<String>,
}

/// A machine-written text.
#[derive(Debug, Serialize)]
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

async fn lesson_plan(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<app::ai::LessonPlanRequest>,
) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.draft_lesson_plan(&auth.caller(), &body).await?.into()))
}

async fn feedback(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<app::ai::FeedbackRequest>,
) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.draft_feedback(&auth.caller(), &body).await?.into()))
}

async fn rewrite(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<app::ai::RewriteRequest>,
) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.rewrite_for_grade(&auth.caller(), &body).await?.into()))
}

async fn storybook(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<app::ai::StorybookRequest>,
) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.draft_storybook(&auth.caller(), &body).await?.into()))
}

async fn my_texts(State(s): State<AppState>, auth: Auth) -> Result<Json<Vec<AiTextDto>>, ApiError> {
    Ok(Json(s.app.my_ai_texts(&auth.caller(), 50).await?.into_iter().map(Into::into).collect()))
}

async fn text(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.ai_text(&auth.caller(), &id).await?.into()))
}

/// A teacher's edit.
#[derive(Debug, Deserialize)]
struct EditBody {
    body: String,
}

async fn edit(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.edit_ai_text(&auth.caller(), &id, &body.body).await?.into()))
}

async fn approve(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<AiTextDto>, ApiError> {
    Ok(Json(s.app.approve_ai_text(&auth.caller(), &id).await?.into()))
}

/// Text to read aloud.
#[derive(Debug, Deserialize)]
struct SpeechBody {
    text: String,
    /// `zh-CN` or `en`; detected from the script when absent.
    language: Option<String>,
}

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
