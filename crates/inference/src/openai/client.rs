//! A blocking client for OpenAI-compatible endpoints (a county's DeepSeek/Qwen server, another
//! school's `inkstone serve`). Call it from `spawn_blocking` in async code.

use std::time::Duration;

use super::{
    ChatCompletionRequest, ChatCompletionResponse, EmbeddingInput, EmbeddingsRequest, EmbeddingsResponse, ErrorBody,
    WireMessage,
};
use crate::{Embedder, Error, FinishReason, Generation, GenerationRequest, Generator, Role};

/// Largest response body read.
const MAX_BODY_BYTES: u64 = 16 << 20;

/// Where the endpoint is. Plain data: the server's settings decide the values.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// Base URL up to and including `/v1`, e.g. `http://county-ai.local:8080/v1`.
    pub base_url: String,
    /// Bearer token, if the endpoint wants one.
    pub api_key: Option<String>,
    /// Model name sent in requests.
    pub model: String,
    /// Budget for connecting.
    pub connect_timeout: Duration,
    /// Budget for a whole request, answer included.
    pub request_timeout: Duration,
}

/// The client. Cheap to clone; connections are pooled.
#[derive(Debug, Clone)]
pub struct OpenAiClient {
    config: EndpointConfig,
    agent: ureq::Agent,
}

impl OpenAiClient {
    /// A client for `config`.
    pub fn new(config: EndpointConfig) -> OpenAiClient {
        let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.request_timeout))
            .http_status_as_error(false)
            .build()
            .into();
        OpenAiClient { config, agent }
    }

    fn post<Req: serde::Serialize, Resp: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
    ) -> Result<Resp, Error> {
        let url = format!("{}/{path}", self.config.base_url.trim_end_matches('/'));
        let mut request = self.agent.post(&url).header("Content-Type", "application/json");
        if let Some(key) = &self.config.api_key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        let body =
            serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("cannot encode request: {e}")))?;
        let mut response = request.send(&body[..]).map_err(|e| unreachable_error(&url, &e))?;
        let status = response.status().as_u16();
        let text = response.body_mut().with_config().limit(MAX_BODY_BYTES).read_to_string().map_err(|e| match e {
            ureq::Error::Timeout(_) => unreachable_error(&url, &e),
            other => Error::EndpointGarbage { url: url.clone(), reason: format!("unreadable body: {other}") },
        })?;
        if !(200..300).contains(&status) {
            let message = serde_json::from_str::<ErrorBody>(&text)
                .map(|b| b.error.message)
                .unwrap_or_else(|_| text.chars().take(300).collect());
            return Err(Error::EndpointStatus { url, status, body: message });
        }
        serde_json::from_str(&text).map_err(|e| Error::EndpointGarbage {
            url,
            reason: format!("{e}; body starts {:?}", text.chars().take(120).collect::<String>()),
        })
    }

    /// Sends a chat completion and checks the answer has a choice.
    pub fn chat(&self, request: &ChatCompletionRequest) -> Result<ChatCompletionResponse, Error> {
        let response: ChatCompletionResponse = self.post("chat/completions", request)?;
        if response.choices.is_empty() {
            return Err(Error::EndpointGarbage {
                url: self.config.base_url.clone(),
                reason: "the completion has no choices".into(),
            });
        }
        Ok(response)
    }

    /// Embeds texts and checks the answer: one finite vector per text, all the same length.
    pub fn embeddings(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        let request = EmbeddingsRequest {
            model: self.config.model.clone(),
            input: EmbeddingInput::Many(texts.iter().map(|t| (*t).to_owned()).collect()),
        };
        let response: EmbeddingsResponse = self.post("embeddings", &request)?;
        let garbage = |reason: String| Error::EndpointGarbage { url: self.config.base_url.clone(), reason };
        if response.data.len() != texts.len() {
            return Err(garbage(format!("{} vectors for {} texts", response.data.len(), texts.len())));
        }
        let mut vectors = vec![Vec::new(); texts.len()];
        for item in response.data {
            let slot = vectors
                .get_mut(item.index as usize)
                .ok_or_else(|| garbage(format!("vector index {} out of range", item.index)))?;
            *slot = item.embedding;
        }
        let dim = vectors[0].len();
        if dim == 0 || vectors.iter().any(|v| v.len() != dim || v.iter().any(|x| !x.is_finite())) {
            return Err(garbage("vectors are empty, of different lengths or not finite".into()));
        }
        Ok(vectors)
    }
}

fn unreachable_error(url: &str, error: &ureq::Error) -> Error {
    let reason = match error {
        ureq::Error::Timeout(which) => format!("timed out ({which})"),
        other => other.to_string(),
    };
    Error::EndpointUnreachable { url: url.to_owned(), reason }
}

impl Generator for OpenAiClient {
    fn generate(&self, request: &GenerationRequest) -> Result<Generation, Error> {
        crate::worker::validate(request)?;
        let role = |r: Role| match r {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        let wire = ChatCompletionRequest {
            model: self.config.model.clone(),
            messages: request
                .messages
                .iter()
                .map(|m| WireMessage { role: role(m.role).to_owned(), content: m.content.clone() })
                .collect(),
            max_tokens: Some(request.max_tokens),
            max_completion_tokens: None,
            temperature: Some(request.temperature),
            seed: Some(request.seed),
            stream: Some(false),
            grammar: request.grammar.clone(),
        };
        let response = self.chat(&wire)?;
        let choice = response.choices.into_iter().next().expect("chat() checked there is a choice");
        let usage = response.usage.unwrap_or(super::Usage { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
        Ok(Generation {
            text: choice.message.content,
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            finish_reason: if choice.finish_reason.as_deref() == Some("length") {
                FinishReason::Length
            } else {
                FinishReason::Stop
            },
        })
    }

    fn model_name(&self) -> String {
        self.config.model.clone()
    }
}

impl Embedder for OpenAiClient {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        self.embeddings(texts)
    }
}
