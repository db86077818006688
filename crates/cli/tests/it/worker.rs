//! The `inkstone` binary as the inference worker: `serve` starts `inkstone __inference-worker`
//! as a child process, so a crash in llama.cpp cannot take the server down.

use std::time::Duration;

use inference::worker::{WorkerCommand, WorkerConfig};
use inference::{ChatMessage, GenerationRequest, Generator, Role, WorkerGenerator};

#[allow(clippy::disallowed_methods, reason = "tests choose where their model cache lives")]
fn smollm2() -> std::path::PathBuf {
    let dir = std::env::var_os("INKSTONE_TEST_MODELS_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-models"),
        std::path::PathBuf::from,
    );
    let model = &inference::models::SMOLLM2_135M;
    model.verified_path(&dir).unwrap_or_else(|_| {
        let options = inference::models::FetchOptions {
            index_url: "https://pypi.org/simple".into(),
            connect_timeout: Duration::from_secs(30),
            download_timeout: Duration::from_secs(900),
        };
        inference::models::fetch(model, &dir, &options, &mut |_| {}).unwrap()
    })
}

fn worker() -> WorkerGenerator {
    WorkerGenerator::new(WorkerConfig {
        command: WorkerCommand {
            program: env!("CARGO_BIN_EXE_inkstone").into(),
            args: vec!["__inference-worker".into()],
        },
        model_path: smollm2(),
        n_ctx: 512,
        n_threads: 1,
        startup_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(60),
    })
}

fn hello() -> GenerationRequest {
    GenerationRequest {
        messages: vec![ChatMessage::new(Role::User, "Say hello.")],
        max_tokens: 8,
        temperature: 0.0,
        seed: 0,
        grammar: None,
    }
}

#[cfg(not(feature = "llama"))]
#[test]
fn without_the_llama_feature_the_binarys_worker_says_generation_is_not_built() {
    assert!(matches!(worker().generate(&hello()), Err(inference::Error::GenerationNotBuilt)));
}

#[cfg(feature = "llama")]
#[test]
fn the_binarys_worker_generates_and_a_killed_worker_is_replaced_on_the_next_request() {
    let generator = worker();
    let first = generator.generate(&hello()).unwrap();
    assert!(first.completion_tokens > 0 && !first.text.trim().is_empty(), "{first:?}");
    let pid = generator.pid().unwrap();
    std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let second = generator.generate(&hello()).unwrap();
    assert_eq!(second.text, first.text, "greedy decoding gives the same text after the restart");
    assert_ne!(generator.pid(), Some(pid));
}
