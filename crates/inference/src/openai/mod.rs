//! The OpenAI-compatible wire format (chat completions, embeddings), a blocking client for
//! remote endpoints, and the server-side [`handler`] core that maps requests onto local models.

pub mod client;
pub mod handler;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use client::{EndpointConfig, OpenAiClient};

/// One message as it travels on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text (string content only; multimodal parts are not supported).
    pub content: String,
}

/// `POST /v1/chat/completions` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletionRequest {
    /// Model name (the local server ignores it and uses its loaded model).
    #[serde(default)]
    pub model: String,
    /// The conversation.
    pub messages: Vec<WireMessage>,
    /// Reply length cap (legacy name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Reply length cap (current name; wins over `max_tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// Sampling temperature; 0 is greedy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Sampling seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u32>,
    /// Streaming is not supported; `true` is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// GBNF grammar (llama.cpp server extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grammar: Option<String>,
}

/// One choice of a completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Position in `choices`.
    pub index: u32,
    /// The reply.
    pub message: WireMessage,
    /// `stop` or `length` (other servers may send more values).
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// Token accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Generated tokens (absent for embeddings).
    #[serde(default)]
    pub completion_tokens: u32,
    /// Sum.
    pub total_tokens: u32,
}

/// `POST /v1/chat/completions` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletionResponse {
    /// Completion id.
    pub id: String,
    /// Always `chat.completion`.
    pub object: String,
    /// Unix seconds.
    pub created: u64,
    /// The model that answered.
    pub model: String,
    /// At least one choice.
    pub choices: Vec<Choice>,
    /// Token accounting (some servers omit it).
    #[serde(default)]
    pub usage: Option<Usage>,
}

/// Input of an embeddings request: one text or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EmbeddingInput {
    /// One text.
    One(String),
    /// Several texts.
    Many(Vec<String>),
}

/// `POST /v1/embeddings` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddingsRequest {
    /// Model name.
    #[serde(default)]
    pub model: String,
    /// Texts to embed.
    pub input: EmbeddingInput,
}

/// One vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingData {
    /// Always `embedding`.
    #[serde(default)]
    pub object: String,
    /// Position of the input text.
    pub index: u32,
    /// The vector.
    pub embedding: Vec<f32>,
}

/// `POST /v1/embeddings` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingsResponse {
    /// Always `list`.
    #[serde(default)]
    pub object: String,
    /// One entry per input.
    pub data: Vec<EmbeddingData>,
    /// The model.
    #[serde(default)]
    pub model: String,
    /// Token accounting.
    #[serde(default)]
    pub usage: Option<Usage>,
}

/// The body of an error response: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, for the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Human-readable message.
    pub message: String,
    /// `invalid_request_error`, `server_error`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Machine-readable code, e.g. `context_length_exceeded`.
    #[serde(default)]
    pub code: Option<String>,
}
