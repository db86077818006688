//! AI settings: local model files, the optional remote endpoint, the school's policy and the
//! per-stage rules; resolved from flags, environment and the `[ai]` table of the settings file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

/// AI flags of `serve` (all optional; the file and the defaults fill the rest).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct RawAiSettings {
    /// The GGUF language model for drafting (default: the packaged Qwen2.5 0.5B in the models
    /// directory, if installed). Needs a build with the `llama` feature.
    #[arg(long, env = "INKSTONE_AI_MODEL", value_name = "FILE")]
    pub ai_model: Option<PathBuf>,
    /// The sentence-embedding model (default: the packaged e5-small in the models directory).
    #[arg(long, env = "INKSTONE_AI_EMBEDDING_MODEL", value_name = "FILE")]
    pub ai_embedding_model: Option<PathBuf>,
    /// An OpenAI-compatible endpoint (up to /v1) used when there is no local model, e.g. a
    /// county's server. Used only if --ai-remote-allowed is true.
    #[arg(long, env = "INKSTONE_AI_REMOTE_URL", value_name = "URL")]
    pub ai_remote_url: Option<String>,
    /// The model name sent to the remote endpoint.
    #[arg(long, env = "INKSTONE_AI_REMOTE_MODEL", value_name = "NAME")]
    pub ai_remote_model: Option<String>,
    /// Read the remote endpoint's API key from this file.
    #[arg(long, env = "INKSTONE_AI_REMOTE_KEY_FILE", value_name = "FILE")]
    pub ai_remote_key_file: Option<PathBuf>,
    /// The school's policy: may prompts (with personal data replaced) go to the remote endpoint?
    #[arg(long, env = "INKSTONE_AI_REMOTE_ALLOWED", value_name = "BOOL")]
    pub ai_remote_allowed: Option<bool>,
    /// May primary pupils start open-ended generation (storybooks) themselves? (default false)
    #[arg(long, env = "INKSTONE_AI_OPEN_ENDED_PRIMARY", value_name = "BOOL")]
    pub ai_open_ended_primary: Option<bool>,
    /// May junior-secondary pupils? (default true)
    #[arg(long, env = "INKSTONE_AI_OPEN_ENDED_JUNIOR", value_name = "BOOL")]
    pub ai_open_ended_junior: Option<bool>,
    /// May senior-secondary pupils? (default true)
    #[arg(long, env = "INKSTONE_AI_OPEN_ENDED_SENIOR", value_name = "BOOL")]
    pub ai_open_ended_senior: Option<bool>,
    /// Context window of the local model, in tokens.
    #[arg(long, env = "INKSTONE_AI_CONTEXT", value_name = "TOKENS")]
    pub ai_context: Option<u32>,
    /// Longest a generation may take before the worker is killed (and restarted on next use).
    #[arg(long, env = "INKSTONE_AI_TIMEOUT_SECONDS", value_name = "SECONDS")]
    pub ai_timeout_seconds: Option<u64>,
}

/// The settings file's `[ai]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileAiSettings {
    model: Option<PathBuf>,
    embedding_model: Option<PathBuf>,
    remote_url: Option<String>,
    remote_model: Option<String>,
    remote_key_file: Option<PathBuf>,
    remote_allowed: Option<bool>,
    open_ended_primary: Option<bool>,
    open_ended_junior: Option<bool>,
    open_ended_senior: Option<bool>,
    context: Option<u32>,
    timeout_seconds: Option<u64>,
}

/// A remote endpoint, resolved.
#[derive(Clone)]
pub(crate) struct RemoteEndpoint {
    pub url: String,
    pub model: String,
    pub api_key: Option<String>,
}

impl std::fmt::Debug for RemoteEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteEndpoint")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "(hidden)"))
            .finish()
    }
}

/// Resolved AI settings.
#[derive(Debug, Clone)]
pub(crate) struct AiSettings {
    pub models_dir: PathBuf,
    /// The GGUF for generation, if any.
    pub model: Option<PathBuf>,
    pub embedding_model: Option<PathBuf>,
    pub remote: Option<RemoteEndpoint>,
    pub remote_allowed: bool,
    pub open_ended: [bool; 3],
    pub context: u32,
    pub timeout: Duration,
    pub speech_cache: PathBuf,
}

impl AiSettings {
    pub(crate) fn resolve(
        raw: &RawAiSettings,
        file: FileAiSettings,
        models_dir: PathBuf,
        data_dir: &Path,
    ) -> anyhow::Result<AiSettings> {
        let default_in_dir = |model: &inference::models::PackagedModel| {
            let path = model.path(&models_dir);
            path.exists().then_some(path)
        };
        let model =
            raw.ai_model.clone().or(file.model).or_else(|| default_in_dir(&inference::models::QWEN25_CODER_05B));
        let embedding_model = raw
            .ai_embedding_model
            .clone()
            .or(file.embedding_model)
            .or_else(|| default_in_dir(&inference::models::E5_SMALL));
        let remote = match raw.ai_remote_url.clone().or(file.remote_url) {
            None => None,
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!("--ai-remote-url must be an http:// or https:// URL up to /v1, got {url:?}");
                }
                let key_file = raw.ai_remote_key_file.clone().or(file.remote_key_file);
                let api_key = match key_file {
                    Some(path) => Some(
                        std::fs::read_to_string(&path)
                            .with_context(|| format!("reading the remote endpoint's key in {}", path.display()))?
                            .trim()
                            .to_owned(),
                    ),
                    None => None,
                };
                let model = raw.ai_remote_model.clone().or(file.remote_model).unwrap_or_else(|| "default".to_owned());
                Some(RemoteEndpoint { url, model, api_key })
            }
        };
        let context = raw.ai_context.or(file.context).unwrap_or(4096);
        if !(512..=32_768).contains(&context) {
            bail!("--ai-context {context} is outside 512..=32768");
        }
        let timeout_seconds = raw.ai_timeout_seconds.or(file.timeout_seconds).unwrap_or(90);
        if !(5..=110).contains(&timeout_seconds) {
            // The HTTP layer gives up on a request after 120 s.
            bail!("--ai-timeout-seconds {timeout_seconds} is outside 5..=110");
        }
        Ok(AiSettings {
            models_dir,
            model,
            embedding_model,
            remote,
            remote_allowed: raw.ai_remote_allowed.or(file.remote_allowed).unwrap_or(false),
            open_ended: [
                raw.ai_open_ended_primary.or(file.open_ended_primary).unwrap_or(false),
                raw.ai_open_ended_junior.or(file.open_ended_junior).unwrap_or(true),
                raw.ai_open_ended_senior.or(file.open_ended_senior).unwrap_or(true),
            ],
            context,
            timeout: Duration::from_secs(timeout_seconds),
            speech_cache: data_dir.join("speech-cache"),
        })
    }

    /// The app's settings: recommended stage rules with this school's open-ended switches.
    pub(crate) fn app_settings(&self) -> app::ai::AiSettings {
        let mut settings = app::ai::AiSettings::recommended();
        settings.policy.remote_endpoint_allowed = self.remote_allowed;
        settings.policy.primary.open_ended_for_pupils = self.open_ended[0];
        settings.policy.junior_secondary.open_ended_for_pupils = self.open_ended[1];
        settings.policy.senior_secondary.open_ended_for_pupils = self.open_ended[2];
        settings
    }
}
