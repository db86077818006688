//! Which model answers a prompt, and how its failures reach the caller.

use std::sync::Arc;

use guardrails::pii::{self, KnownPersonalData};
use guardrails::prompts::Prompt;
use inference::{ChatMessage, Embedder, GenerationRequest, Generator, Role, Speaker};

use crate::{App, Error, Result, UserError};

/// The engines a server has. Any of them may be absent.
#[derive(Clone)]
pub struct AiEngines {
    /// The school's own model (in its worker process).
    pub local: Option<Arc<dyn Generator>>,
    /// A remote OpenAI-compatible endpoint, used only when there is no local model and the
    /// school's policy allows prompts to leave the box.
    pub remote: Option<Arc<dyn Generator>>,
    /// Sentence embeddings for `/v1/embeddings`.
    pub embedder: Option<Arc<dyn Embedder>>,
    /// The name `/v1/embeddings` reports.
    pub embedder_name: String,
    /// Text-to-speech.
    pub speaker: Option<Arc<dyn Speaker>>,
}

impl std::fmt::Debug for AiEngines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AiEngines")
            .field("local", &self.local.as_ref().map(|g| g.model_name()))
            .field("remote", &self.remote.as_ref().map(|g| g.model_name()))
            .field("embedder", &self.embedder.as_ref().map(|_| &self.embedder_name))
            .field("speaker", &self.speaker.is_some())
            .finish()
    }
}

impl AiEngines {
    /// No engines.
    pub fn none() -> AiEngines {
        AiEngines { local: None, remote: None, embedder: None, embedder_name: String::new(), speaker: None }
    }
}

/// Where a text was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Local,
    Remote,
}

impl Endpoint {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Endpoint::Local => "local",
            Endpoint::Remote => "remote",
        }
    }

    pub(crate) fn parse(s: &str) -> Endpoint {
        if s == "remote" { Endpoint::Remote } else { Endpoint::Local }
    }
}

/// A reply with the placeholders restored.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub(crate) text: String,
    pub(crate) model: String,
    pub(crate) endpoint: Endpoint,
}

/// Maps an engine failure to what the caller can do about it.
pub(crate) fn inference_error(e: inference::Error) -> Error {
    use inference::Error as E;
    match e {
        E::PromptTooLong { .. } => UserError::invalid("text", e.to_string()).into(),
        E::InvalidRequest(message) => UserError::invalid("request", message).into(),
        E::UnsupportedLanguage(_) => UserError::invalid("language", e.to_string()).into(),
        E::GenerationNotBuilt | E::UnsupportedCpu { .. } | E::ModelMissing { .. } | E::ChecksumMismatch { .. } => {
            tracing::warn!(error = %e, "local model unavailable");
            UserError::Unavailable(format!("the local model is unavailable: {e}")).into()
        }
        E::WorkerTimeout(_) | E::WorkerBusy(_) | E::WorkerFailed { .. } => {
            tracing::warn!(error = %e, "local model failed");
            UserError::Unavailable("the local model failed or timed out and is being restarted; try again".into())
                .into()
        }
        E::Speech(_) => {
            tracing::warn!(error = %e, "speech failed");
            UserError::Unavailable("speech synthesis is unavailable on this server (is espeak-ng installed?)".into())
                .into()
        }
        E::EndpointUnreachable { .. } | E::EndpointStatus { .. } | E::EndpointGarbage { .. } => {
            // The URL and the endpoint's words stay in the log.
            tracing::warn!(error = %e, "remote endpoint failed");
            UserError::Unavailable("the remote AI endpoint failed or timed out; try again later".into()).into()
        }
        other => Error::internal(other),
    }
}

impl App {
    /// The engine for a prompt: the local model, else the remote endpoint if the school allows.
    fn pick_generator(&self) -> Result<(Arc<dyn Generator>, Endpoint)> {
        let engines = self.ai.engines();
        if let Some(local) = &engines.local {
            return Ok((local.clone(), Endpoint::Local));
        }
        match &engines.remote {
            Some(remote) => {
                self.ai.settings().policy.check_remote().map_err(super::guard_error)?;
                Ok((remote.clone(), Endpoint::Remote))
            }
            None => Err(UserError::Unavailable(
                "no local model configured (set --ai-model, and build with the `llama` feature) and no remote endpoint allowed"
                    .into(),
            )
            .into()),
        }
    }

    pub(crate) async fn generate(
        &self,
        prompt: Prompt,
        known: &KnownPersonalData,
        max_tokens: u32,
    ) -> Result<Generated> {
        self.generate_with(prompt, known, max_tokens, 0.0, 0).await
    }

    /// Redacts, generates off the async runtime, restores.
    pub(crate) async fn generate_with(
        &self,
        prompt: Prompt,
        known: &KnownPersonalData,
        max_tokens: u32,
        temperature: f32,
        seed: u32,
    ) -> Result<Generated> {
        let (generator, endpoint) = self.pick_generator()?;
        // Redact for the local model too: its worker is another process, and what it sees may
        // end up in its logs.
        let (parts, table) = pii::redact_many(&[&prompt.system, &prompt.user], known);
        let [system, user] =
            <[String; 2]>::try_from(parts).map_err(|_| Error::internal(anyhow::anyhow!("redaction split")))?;
        let request = GenerationRequest {
            messages: vec![ChatMessage::new(Role::System, system), ChatMessage::new(Role::User, user)],
            max_tokens,
            temperature,
            seed,
            grammar: None,
        };
        let (generation, model) = tokio::task::spawn_blocking(move || {
            let generation = generator.generate(&request);
            (generation, generator.model_name())
        })
        .await
        .map_err(Error::internal)?;
        let generation = generation.map_err(inference_error)?;
        let text = table.restore(generation.text.trim());
        if text.trim().is_empty() {
            return Err(UserError::Unavailable("the model returned an empty text; try again".into()).into());
        }
        Ok(Generated { text, model, endpoint })
    }
}
