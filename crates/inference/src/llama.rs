//! The GGUF backend on llama.cpp (`llama-cpp-2`), used inside the worker process only.
//!
//! Why llama.cpp over candle: measured on the 2-core reference box it decodes 1.6–2× faster,
//! prefills up to 3.5× faster, needs half the memory, supports every GGUF architecture with the
//! chat template stored in the file, and offers GBNF grammar sampling (always-valid JSON).
//! It aborts the process on misuse, hence the worker.

use std::num::NonZeroU32;
use std::path::Path;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;

use crate::{Error, FinishReason, Generation, GenerationRequest, Role};

/// Recent tokens the repetition penalty looks at.
const REPEAT_WINDOW: i32 = 64;
/// Logit divisor for recently generated tokens (llama.cpp's classic 1.1).
const REPEAT_PENALTY: f32 = 1.1;

/// Prompt tokens decoded per batch.
const BATCH: usize = 512;

/// A loaded model; each request gets a fresh context (KV cache) of `n_ctx` tokens.
pub struct LlamaRunner {
    backend: LlamaBackend,
    model: LlamaModel,
    template: Option<LlamaChatTemplate>,
    name: String,
    n_ctx: u32,
    n_threads: i32,
}

impl std::fmt::Debug for LlamaRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlamaRunner").field("name", &self.name).field("n_ctx", &self.n_ctx).finish_non_exhaustive()
    }
}

fn backend_error(what: &str) -> impl Fn(&dyn std::fmt::Display) -> Error + '_ {
    move |e| Error::Backend { what: what.to_owned(), reason: e.to_string() }
}

impl LlamaRunner {
    /// Loads a GGUF file after checking the CPU and the file's magic bytes.
    pub fn load(path: &Path, n_ctx: u32, n_threads: u32) -> Result<LlamaRunner, Error> {
        let missing = crate::worker::missing_cpu_features();
        if !missing.is_empty() {
            return Err(Error::UnsupportedCpu { missing });
        }
        let mut magic = [0u8; 4];
        match std::fs::File::open(path) {
            Ok(mut file) => {
                use std::io::Read;
                if file.read_exact(&mut magic).is_err() || &magic != b"GGUF" {
                    return Err(Error::ModelFormat { path: path.to_path_buf(), reason: "not a GGUF file".into() });
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::ModelMissing { path: path.to_path_buf() });
            }
            Err(source) => {
                return Err(Error::Io { path: path.to_path_buf(), source });
            }
        }
        let n_ctx_nonzero =
            NonZeroU32::new(n_ctx).ok_or_else(|| Error::InvalidRequest("context size must be positive".into()))?;
        let n_threads =
            i32::try_from(n_threads.max(1)).map_err(|_| Error::InvalidRequest("too many threads".into()))?;
        let mut backend = LlamaBackend::init().map_err(|e| backend_error("starting llama.cpp")(&e))?;
        backend.void_logs();
        let model = LlamaModel::load_from_file(&backend, path, &LlamaModelParams::default()).map_err(|e| {
            Error::ModelFormat { path: path.to_path_buf(), reason: format!("llama.cpp could not load it: {e}") }
        })?;
        let template = model.chat_template(None).ok();
        let name = model.meta_val_str("general.name").unwrap_or_else(|_| {
            path.file_stem().map_or_else(|| "local".to_owned(), |s| s.to_string_lossy().into_owned())
        });
        let n_ctx = n_ctx_nonzero.get().min(model.n_ctx_train());
        Ok(LlamaRunner { backend, model, template, name, n_ctx, n_threads })
    }

    /// `general.name` from the file.
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// The context window in use.
    pub fn n_ctx(&self) -> u32 {
        self.n_ctx
    }

    fn render(&self, request: &GenerationRequest) -> Result<String, Error> {
        let role = |r: Role| match r {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        if let Some(template) = &self.template {
            let messages = request
                .messages
                .iter()
                .map(|m| LlamaChatMessage::new(role(m.role).to_owned(), m.content.clone()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Error::InvalidRequest(format!("message contains a NUL byte: {e}")))?;
            if let Ok(prompt) = self.model.apply_chat_template(template, &messages, true) {
                return Ok(prompt);
            }
        }
        // A GGUF without a usable template gets ChatML, which most small instruct models know.
        let mut prompt = String::new();
        for m in &request.messages {
            prompt.push_str(&format!("<|im_start|>{}\n{}<|im_end|>\n", role(m.role), m.content));
        }
        prompt.push_str("<|im_start|>assistant\n");
        Ok(prompt)
    }

    fn prompt_tokens(&self, request: &GenerationRequest) -> Result<Vec<LlamaToken>, Error> {
        let prompt = self.render(request)?;
        Ok(self.model.vocab().tokenize(prompt.as_bytes(), true, true))
    }

    /// Tokens of the rendered prompt.
    pub fn count_prompt_tokens(&mut self, request: &GenerationRequest) -> Result<u32, Error> {
        Ok(u32::try_from(self.prompt_tokens(request)?.len()).unwrap_or(u32::MAX))
    }

    /// Generates a reply; a prompt that leaves no room for `max_tokens` is refused up front.
    pub fn generate(&mut self, request: &GenerationRequest) -> Result<Generation, Error> {
        let tokens = self.prompt_tokens(request)?;
        let n_prompt = u32::try_from(tokens.len()).unwrap_or(u32::MAX);
        if tokens.is_empty() || n_prompt.saturating_add(request.max_tokens) > self.n_ctx {
            return Err(Error::PromptTooLong { n_prompt, n_ctx: self.n_ctx, max_tokens: request.max_tokens });
        }
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(self.n_ctx))
            .with_n_batch(u32::try_from(BATCH).expect("small constant"))
            .with_n_threads(self.n_threads)
            .with_n_threads_batch(self.n_threads);
        let mut ctx = self
            .model
            .new_context(&self.backend, params)
            .map_err(|e| backend_error("creating a llama.cpp context")(&e))?;

        let mut sampler = {
            let mut chain = Vec::new();
            if let Some(grammar) = &request.grammar {
                chain.push(
                    LlamaSampler::grammar(&self.model, grammar, "root")
                        .map_err(|e| Error::InvalidRequest(format!("grammar rejected: {e}")))?,
                );
            }
            // A mild repetition penalty: greedy decoding of small models otherwise loops
            // (measured: a 0.5B storybook repeated one sentence until max_tokens).
            chain.push(LlamaSampler::penalties(self.model.n_vocab(), REPEAT_WINDOW, REPEAT_PENALTY, 0.0, 0.0));
            if request.temperature <= 0.0 {
                chain.push(LlamaSampler::greedy());
            } else {
                chain.push(LlamaSampler::top_p(0.95, 1));
                chain.push(LlamaSampler::temp(request.temperature));
                chain.push(LlamaSampler::dist(request.seed));
            }
            LlamaSampler::chain_simple(chain)
        };

        let mut batch = LlamaBatch::new(BATCH, 1);
        let decode = backend_error("llama.cpp decode");
        for (chunk_idx, chunk) in tokens.chunks(BATCH).enumerate() {
            batch.clear();
            let last_chunk = (chunk_idx + 1) * BATCH >= tokens.len();
            for (i, &token) in chunk.iter().enumerate() {
                let pos = i32::try_from(chunk_idx * BATCH + i).expect("bounded by n_ctx");
                batch.add(token, pos, &[0], last_chunk && i == chunk.len() - 1).map_err(|e| decode(&e))?;
            }
            ctx.decode(&mut batch).map_err(|e| decode(&e))?;
        }

        let vocab = self.model.vocab();
        let mut bytes = Vec::new();
        let mut n_generated = 0u32;
        let mut pos = i32::try_from(tokens.len()).expect("bounded by n_ctx");
        let mut finish_reason = FinishReason::Length;
        while n_generated < request.max_tokens {
            let token = sampler.sample(&ctx, batch.n_tokens() - 1);
            if vocab.is_eog(token) {
                finish_reason = FinishReason::Stop;
                break;
            }
            n_generated += 1;
            bytes.extend(vocab.token_to_piece(token, false, None));
            batch.clear();
            batch.add(token, pos, &[0], true).map_err(|e| decode(&e))?;
            pos += 1;
            ctx.decode(&mut batch).map_err(|e| decode(&e))?;
        }
        Ok(Generation {
            text: String::from_utf8_lossy(&bytes).trim().to_owned(),
            prompt_tokens: n_prompt,
            completion_tokens: n_generated,
            finish_reason,
        })
    }
}
