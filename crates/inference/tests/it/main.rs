//! Integration tests on real models: multilingual-e5-small, SmolLM2-135M (feature `llama`),
//! espeak-ng, and the OpenAI-compatible client against a real local server.
//!
//! Models come from `INKSTONE_TEST_MODELS_DIR` (default `/work/models`); missing ones are
//! fetched there with the crate's own fetcher, and a test fails with a clear message when that
//! is impossible. Nothing is skipped.

#![allow(clippy::unwrap_used)]

mod e5;
mod fetch;
#[cfg(feature = "llama")]
mod generation;
mod openai_server;
mod speech;
mod support;

/// Without the `llama` feature the worker starts and says so instead of failing obscurely.
#[cfg(not(feature = "llama"))]
#[test]
fn without_the_llama_feature_the_worker_reports_generation_not_built() {
    use inference::worker::{WorkerCommand, WorkerConfig};
    use inference::{ChatMessage, GenerationRequest, Generator, Role, WorkerGenerator};
    let generator = WorkerGenerator::new(WorkerConfig {
        command: WorkerCommand { program: env!("CARGO_BIN_EXE_inkstone-inference-worker").into(), args: vec![] },
        model_path: support::model(&inference::models::SMOLLM2_135M),
        n_ctx: 512,
        n_threads: 1,
        startup_timeout: std::time::Duration::from_secs(30),
        request_timeout: std::time::Duration::from_secs(30),
    });
    let request = GenerationRequest {
        messages: vec![ChatMessage::new(Role::User, "Hi")],
        max_tokens: 4,
        temperature: 0.0,
        seed: 0,
        grammar: None,
    };
    assert!(matches!(generator.generate(&request), Err(inference::Error::GenerationNotBuilt)));
}
