#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use super::handler::ApiError;
use super::{ChatCompletionRequest, ChatCompletionResponse, EndpointConfig, OpenAiClient};
use crate::{ChatMessage, Error, GenerationRequest, Generator, Role};

#[test]
fn a_llama_server_style_response_parses() {
    let body = r#"{"id":"x","object":"chat.completion","created":1,"model":"m","system_fingerprint":"b1",
        "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4},"timings":{}}"#;
    let response: ChatCompletionResponse = serde_json::from_str(body).unwrap();
    assert_eq!(response.choices[0].message.content, "hi");
}

#[test]
fn a_request_with_only_messages_parses_with_defaults() {
    let request: ChatCompletionRequest =
        serde_json::from_str(r#"{"messages":[{"role":"user","content":"x"}]}"#).unwrap();
    assert_eq!(request.max_tokens, None);
    assert_eq!(request.model, "");
}

#[test]
fn errors_map_to_statuses_a_client_can_act_on() {
    let status = |e: Error| ApiError::from(e).status;
    assert_eq!(status(Error::PromptTooLong { n_prompt: 1, n_ctx: 1, max_tokens: 1 }), 400);
    assert_eq!(status(Error::WorkerTimeout(Duration::from_secs(1))), 504);
    assert_eq!(status(Error::GenerationNotBuilt), 503);
    let internal = ApiError::from(Error::WorkerFailed { detail: "/secret/path stderr".into() });
    assert_eq!(internal.status, 500);
    assert!(!internal.body.error.message.contains("secret"));
}

/// Serves one canned HTTP answer per connection (after an optional delay), on loopback.
fn canned_server(answer: &'static str, delay: Duration, connections: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            std::thread::sleep(delay);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{addr}/v1")
}

fn client(base_url: String, timeout: Duration) -> OpenAiClient {
    OpenAiClient::new(EndpointConfig {
        base_url,
        api_key: Some("k".into()),
        model: "m".into(),
        connect_timeout: timeout,
        request_timeout: timeout,
    })
}

fn ask(client: &OpenAiClient) -> Result<crate::Generation, Error> {
    client.generate(&GenerationRequest {
        messages: vec![ChatMessage::new(Role::User, "hi")],
        max_tokens: 4,
        temperature: 0.0,
        seed: 0,
        grammar: None,
    })
}

#[test]
fn an_endpoint_that_returns_html_is_garbage_not_a_panic() {
    let url = canned_server(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>",
        Duration::ZERO,
        1,
    );
    let err = ask(&client(url, Duration::from_secs(5))).unwrap_err();
    assert!(matches!(err, Error::EndpointGarbage { .. }), "{err}");
}

#[test]
fn an_endpoint_with_no_choices_is_garbage() {
    let body = r#"{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[]}"#;
    let answer: &'static str =
        Box::leak(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_boxed_str());
    let err = ask(&client(canned_server(answer, Duration::ZERO, 1), Duration::from_secs(5))).unwrap_err();
    assert!(matches!(err, Error::EndpointGarbage { ref reason, .. } if reason.contains("no choices")), "{err}");
}

#[test]
fn an_error_status_carries_the_endpoint_message() {
    let body = r#"{"error":{"message":"model overloaded","type":"server_error"}}"#;
    let answer: &'static str = Box::leak(
        format!("HTTP/1.1 503 Service Unavailable\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_boxed_str(),
    );
    let err = ask(&client(canned_server(answer, Duration::ZERO, 1), Duration::from_secs(5))).unwrap_err();
    assert!(matches!(err, Error::EndpointStatus { status: 503, ref body, .. } if body == "model overloaded"), "{err}");
}

#[test]
fn an_endpoint_that_never_answers_times_out() {
    let url = canned_server("HTTP/1.1 200 OK\r\n\r\n", Duration::from_secs(30), 1);
    let started = std::time::Instant::now();
    let err = ask(&client(url, Duration::from_millis(300))).unwrap_err();
    assert!(matches!(err, Error::EndpointUnreachable { ref reason, .. } if reason.contains("timed out")), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_closed_port_is_unreachable() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = ask(&client(format!("http://127.0.0.1:{port}/v1"), Duration::from_secs(2))).unwrap_err();
    assert!(matches!(err, Error::EndpointUnreachable { .. }), "{err}");
}

#[test]
fn embeddings_with_the_wrong_count_are_garbage() {
    let body = r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"m"}"#;
    let answer: &'static str =
        Box::leak(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_boxed_str());
    let err =
        client(canned_server(answer, Duration::ZERO, 1), Duration::from_secs(5)).embeddings(&["a", "b"]).unwrap_err();
    assert!(matches!(err, Error::EndpointGarbage { ref reason, .. } if reason.contains("2 texts")), "{err}");
}
