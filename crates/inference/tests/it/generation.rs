//! Text generation with SmolLM2-135M in the supervised worker process.

use std::path::PathBuf;
use std::time::Duration;

use inference::models::SMOLLM2_135M;
use inference::worker::{WorkerCommand, WorkerConfig};
use inference::{ChatMessage, Error, FinishReason, GenerationRequest, Generator, Role, WorkerGenerator};

use crate::support;

pub(crate) fn config(model_path: PathBuf, n_ctx: u32, request_timeout: Duration) -> WorkerConfig {
    WorkerConfig {
        command: WorkerCommand { program: env!("CARGO_BIN_EXE_inkstone-inference-worker").into(), args: vec![] },
        model_path,
        n_ctx,
        n_threads: 1,
        startup_timeout: Duration::from_secs(60),
        request_timeout,
    }
}

pub(crate) fn ask(text: &str, max_tokens: u32) -> GenerationRequest {
    GenerationRequest {
        messages: vec![ChatMessage::new(Role::User, text)],
        max_tokens,
        temperature: 0.0,
        seed: 7,
        grammar: None,
    }
}

#[test]
fn smollm2_answers_deterministically_when_greedy() {
    let generator = WorkerGenerator::new(config(support::model(&SMOLLM2_135M), 512, Duration::from_secs(60)));
    let request = ask("What is the capital of France? Answer in one word.", 16);
    let first = generator.generate(&request).unwrap();
    assert!(first.text.contains("Paris"), "{first:?}");
    assert!(first.prompt_tokens > 5 && first.completion_tokens >= 1);
    assert_eq!(generator.generate(&request).unwrap(), first);
    assert!(generator.model_name().to_lowercase().contains("smollm2"), "{}", generator.model_name());
}

#[test]
fn sampling_with_a_temperature_is_reproducible_for_a_seed() {
    let generator = WorkerGenerator::new(config(support::model(&SMOLLM2_135M), 512, Duration::from_secs(60)));
    let mut request = ask("Write one sentence about the sea.", 24);
    request.temperature = 0.8;
    request.seed = 42;
    let first = generator.generate(&request).unwrap();
    assert!(!first.text.is_empty());
    assert_eq!(generator.generate(&request).unwrap().text, first.text);
}

#[test]
fn a_grammar_forces_valid_json() {
    let generator = WorkerGenerator::new(config(support::model(&SMOLLM2_135M), 512, Duration::from_secs(60)));
    let mut request = ask("Score this answer from 0 to 3: 'Plants make food from sunlight.'", 32);
    request.grammar = Some(r#"root ::= "{\"score\": " [0-3] ", \"reason\": \"" [a-zA-Z ]{1,40} "\"}""#.into());
    let generation = generator.generate(&request).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&generation.text).unwrap_or_else(|e| panic!("{e}: {:?}", generation.text));
    assert!(value["score"].as_u64().unwrap() <= 3);
    assert_eq!(generation.finish_reason, FinishReason::Stop);
}

#[test]
fn a_prompt_longer_than_the_context_is_refused_up_front() {
    let generator = WorkerGenerator::new(config(support::model(&SMOLLM2_135M), 256, Duration::from_secs(60)));
    let err = generator.generate(&ask(&"the cat sat on the mat ".repeat(100), 16)).unwrap_err();
    assert!(matches!(err, Error::PromptTooLong { n_ctx: 256, max_tokens: 16, .. }), "{err}");
    // The worker survives a refused request.
    assert!(generator.generate(&ask("Hi", 4)).is_ok());
}

#[test]
fn a_killed_worker_is_replaced_on_the_next_request() {
    let generator = WorkerGenerator::new(config(support::model(&SMOLLM2_135M), 512, Duration::from_secs(60)));
    generator.start().unwrap();
    let pid = generator.pid().unwrap();
    let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(100));
    let generation = generator.generate(&ask("Say hello.", 8)).unwrap();
    assert!(generation.completion_tokens > 0);
    assert_ne!(generator.pid(), Some(pid));
}

#[test]
fn a_request_over_its_time_budget_kills_the_worker_and_the_next_one_works() {
    let generator = WorkerGenerator::new(config(support::model(&SMOLLM2_135M), 1024, Duration::from_millis(200)));
    generator.start().unwrap();
    let err = generator.generate(&ask("Write a long story about a dragon.", 800)).unwrap_err();
    assert!(matches!(err, Error::WorkerTimeout(_)), "{err}");
    assert_eq!(generator.pid(), None);
    // Counting tokens is quick: the restarted worker answers within the same budget.
    assert!(generator.count_prompt_tokens(&ask("Hello", 8)).unwrap() > 1);
}

#[test]
fn missing_and_corrupt_model_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = WorkerGenerator::new(config(dir.path().join("none.gguf"), 512, Duration::from_secs(10)));
    assert!(matches!(missing.generate(&ask("Hi", 4)), Err(Error::ModelMissing { .. })));

    let corrupt_path = dir.path().join("corrupt.gguf");
    let bytes = std::fs::read(support::model(&SMOLLM2_135M)).unwrap();
    std::fs::write(&corrupt_path, &bytes[..4 << 20]).unwrap();
    let corrupt = WorkerGenerator::new(config(corrupt_path.clone(), 512, Duration::from_secs(10)));
    let err = corrupt.generate(&ask("Hi", 4)).unwrap_err();
    assert!(matches!(err, Error::ModelFormat { .. }), "{err}");

    std::fs::write(&corrupt_path, b"not a model at all").unwrap();
    let err = corrupt.generate(&ask("Hi", 4)).unwrap_err();
    assert!(matches!(err, Error::ModelFormat { ref reason, .. } if reason.contains("not a GGUF")), "{err}");
}
