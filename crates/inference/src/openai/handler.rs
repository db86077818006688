//! Server-side core of `/v1/chat/completions` and `/v1/embeddings`: validation and mapping onto
//! a local [`Generator`] / [`Embedder`]. No HTTP here: the server mounts these in handlers
//! (run them in `spawn_blocking`) and turns [`ApiError`] into a response with its status.

use super::{
    ChatCompletionRequest, ChatCompletionResponse, Choice, EmbeddingData, EmbeddingInput, EmbeddingsRequest,
    EmbeddingsResponse, ErrorBody, ErrorDetail, Usage, WireMessage,
};
use crate::{ChatMessage, Embedder, Error, FinishReason, GenerationRequest, Generator, Role};

/// Limits the server applies. No `Default`: the server's settings decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlerLimits {
    /// Reply length when the request names none.
    pub default_max_tokens: u32,
    /// Largest reply length accepted.
    pub max_tokens_cap: u32,
    /// Most texts in one embeddings request.
    pub max_embedding_inputs: usize,
}

/// An error as an HTTP status plus an OpenAI-style body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// JSON body.
    pub body: ErrorBody,
}

impl ApiError {
    fn new(status: u16, kind: &str, code: Option<&str>, message: String) -> ApiError {
        ApiError {
            status,
            body: ErrorBody { error: ErrorDetail { message, kind: kind.to_owned(), code: code.map(str::to_owned) } },
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match &error {
            Error::InvalidRequest(_) => ApiError::new(400, "invalid_request_error", None, error.to_string()),
            Error::PromptTooLong { .. } => {
                ApiError::new(400, "invalid_request_error", Some("context_length_exceeded"), error.to_string())
            }
            Error::WorkerTimeout(_) => ApiError::new(504, "server_error", Some("timeout"), error.to_string()),
            Error::WorkerBusy(_) => ApiError::new(503, "server_error", Some("busy"), error.to_string()),
            Error::UnsupportedCpu { .. }
            | Error::GenerationNotBuilt
            | Error::ModelMissing { .. }
            | Error::ChecksumMismatch { .. } => {
                ApiError::new(503, "server_error", Some("model_unavailable"), error.to_string())
            }
            _ => {
                // Internal details (paths, stderr) stay in the log.
                tracing::error!(%error, "local model failed");
                ApiError::new(500, "server_error", None, "the local model failed; see the server log".to_owned())
            }
        }
    }
}

fn parse_role(role: &str) -> Result<Role, ApiError> {
    match role {
        "system" | "developer" => Ok(Role::System),
        "user" => Ok(Role::User),
        "assistant" => Ok(Role::Assistant),
        other => Err(ApiError::new(400, "invalid_request_error", None, format!("unsupported message role {other:?}"))),
    }
}

/// Maps a chat-completions request to `generator`. `id` and `created` (Unix seconds) come from
/// the caller, which owns the clock.
pub fn chat_completions(
    generator: &dyn Generator,
    limits: &HandlerLimits,
    request: ChatCompletionRequest,
    id: String,
    created: u64,
) -> Result<ChatCompletionResponse, ApiError> {
    if request.stream == Some(true) {
        return Err(ApiError::new(
            400,
            "invalid_request_error",
            Some("stream_unsupported"),
            "streaming is not supported; send stream=false".into(),
        ));
    }
    let max_tokens = request.max_completion_tokens.or(request.max_tokens).unwrap_or(limits.default_max_tokens);
    if max_tokens > limits.max_tokens_cap {
        return Err(ApiError::new(
            400,
            "invalid_request_error",
            None,
            format!("max_tokens {max_tokens} exceeds this server's cap of {}", limits.max_tokens_cap),
        ));
    }
    let messages = request
        .messages
        .into_iter()
        .map(|m| Ok(ChatMessage { role: parse_role(&m.role)?, content: m.content }))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let generation_request = GenerationRequest {
        messages,
        max_tokens,
        temperature: request.temperature.unwrap_or(0.0),
        seed: request.seed.unwrap_or(0),
        grammar: request.grammar,
    };
    crate::worker::validate(&generation_request)?;
    let generation = generator.generate(&generation_request)?;
    Ok(ChatCompletionResponse {
        id,
        object: "chat.completion".into(),
        created,
        model: generator.model_name(),
        choices: vec![Choice {
            index: 0,
            message: WireMessage { role: "assistant".into(), content: generation.text },
            finish_reason: Some(match generation.finish_reason {
                FinishReason::Stop => "stop".into(),
                FinishReason::Length => "length".into(),
            }),
        }],
        usage: Some(Usage {
            prompt_tokens: generation.prompt_tokens,
            completion_tokens: generation.completion_tokens,
            total_tokens: generation.prompt_tokens + generation.completion_tokens,
        }),
    })
}

/// Maps an embeddings request to `embedder`.
pub fn embeddings(
    embedder: &dyn Embedder,
    model_name: &str,
    limits: &HandlerLimits,
    request: EmbeddingsRequest,
) -> Result<EmbeddingsResponse, ApiError> {
    let texts = match request.input {
        EmbeddingInput::One(text) => vec![text],
        EmbeddingInput::Many(texts) => texts,
    };
    if texts.is_empty() || texts.len() > limits.max_embedding_inputs {
        return Err(ApiError::new(
            400,
            "invalid_request_error",
            None,
            format!("input must hold 1 to {} texts", limits.max_embedding_inputs),
        ));
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = embedder.embed(&refs)?;
    Ok(EmbeddingsResponse {
        object: "list".into(),
        data: vectors
            .into_iter()
            .enumerate()
            .map(|(i, embedding)| EmbeddingData {
                object: "embedding".into(),
                index: u32::try_from(i).unwrap_or(u32::MAX),
                embedding,
            })
            .collect(),
        model: model_name.to_owned(),
        usage: None,
    })
}
