#![allow(clippy::unwrap_used)]

use super::WorkerOptions;
use super::protocol::{MAX_FRAME_BYTES, Request, Response, WireError, read_frame, write_frame};
use crate::{ChatMessage, Error, GenerationRequest, Role};

fn request() -> GenerationRequest {
    GenerationRequest {
        messages: vec![ChatMessage::new(Role::User, "你好")],
        max_tokens: 8,
        temperature: 0.0,
        seed: 1,
        grammar: None,
    }
}

#[test]
fn frames_round_trip_in_order_and_end_cleanly() {
    let mut buf = Vec::new();
    write_frame(&mut buf, &Request::Generate(request())).unwrap();
    write_frame(&mut buf, &Request::Shutdown).unwrap();
    let mut input = &buf[..];
    assert_eq!(read_frame::<Request>(&mut input).unwrap(), Some(Request::Generate(request())));
    assert_eq!(read_frame::<Request>(&mut input).unwrap(), Some(Request::Shutdown));
    assert_eq!(read_frame::<Request>(&mut input).unwrap(), None);
}

#[test]
fn an_oversized_or_garbled_frame_is_an_error_not_an_allocation() {
    let mut huge = (MAX_FRAME_BYTES + 1).to_le_bytes().to_vec();
    huge.extend(b"{}");
    assert!(read_frame::<Response>(&mut &huge[..]).is_err());
    let mut garbled = 3u32.to_le_bytes().to_vec();
    garbled.extend(b"{{{");
    assert!(read_frame::<Response>(&mut &garbled[..]).is_err());
}

#[test]
fn errors_keep_their_meaning_across_the_process_boundary() {
    let error = Error::PromptTooLong { n_prompt: 900, n_ctx: 512, max_tokens: 64 };
    let back: Error = WireError::from(&error).into();
    assert_eq!(back.to_string(), error.to_string());
    let back: Error = WireError::UnsupportedCpu(vec!["avx2".into()]).into();
    assert!(matches!(back, Error::UnsupportedCpu { ref missing } if missing == &["avx2"]));
}

#[test]
fn worker_options_need_a_model_and_reject_unknown_flags() {
    let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        WorkerOptions::parse(args("--model m.gguf --ctx 512 --threads 1")).unwrap(),
        WorkerOptions { model_path: "m.gguf".into(), n_ctx: 512, n_threads: 1 }
    );
    assert!(WorkerOptions::parse(args("--ctx 512")).unwrap_err().contains("--model"));
    assert!(WorkerOptions::parse(args("--model m --bogus 1")).unwrap_err().contains("unknown option"));
    assert!(WorkerOptions::parse(args("--model m --ctx big")).unwrap_err().contains("--ctx big"));
}

#[test]
fn requests_without_messages_or_tokens_are_invalid() {
    let mut r = request();
    r.max_tokens = 0;
    assert!(matches!(super::validate(&r), Err(Error::InvalidRequest(_))));
    let mut r = request();
    r.messages.clear();
    assert!(matches!(super::validate(&r), Err(Error::InvalidRequest(_))));
    let mut r = request();
    r.temperature = f32::NAN;
    assert!(matches!(super::validate(&r), Err(Error::InvalidRequest(_))));
}

#[test]
fn one_core_is_left_for_the_web_server() {
    assert_eq!(super::recommended_threads(1), 1);
    assert_eq!(super::recommended_threads(2), 1);
    assert_eq!(super::recommended_threads(8), 7);
}

#[test]
fn a_request_waiting_behind_a_busy_worker_gives_up_after_its_budget() {
    let generator = super::WorkerGenerator::new(super::WorkerConfig {
        command: super::WorkerCommand { program: "/nonexistent".into(), args: vec![] },
        model_path: "/nonexistent.gguf".into(),
        n_ctx: 512,
        n_threads: 1,
        startup_timeout: std::time::Duration::from_secs(1),
        request_timeout: std::time::Duration::from_millis(50),
    });
    let held = generator.running.lock().unwrap();
    let started = std::time::Instant::now();
    let err =
        std::thread::scope(|s| s.spawn(|| generator.count_prompt_tokens(&request())).join().unwrap()).unwrap_err();
    assert!(matches!(err, Error::WorkerBusy(_)), "{err}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    drop(held);
    // Free again: now the real problem (no model file) is reported.
    assert!(matches!(generator.count_prompt_tokens(&request()), Err(Error::ModelMissing { .. })));
}
