//! The OpenAI-compatible client against a real axum server built on the handler core, backed by
//! the real local models (e5 always; SmolLM2 with the `llama` feature).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use inference::models::E5_SMALL;
use inference::openai::handler::{self, ApiError, HandlerLimits};
use inference::openai::{ChatCompletionRequest, EmbeddingsRequest, EndpointConfig, OpenAiClient};
use inference::{E5Embedder, Embedder, Generator};

use crate::support;

struct Backends {
    generator: Option<Arc<dyn Generator>>,
    embedder: Arc<E5Embedder>,
}

const LIMITS: HandlerLimits = HandlerLimits { default_max_tokens: 64, max_tokens_cap: 256, max_embedding_inputs: 16 };

fn error_response(e: ApiError) -> Response {
    (StatusCode::from_u16(e.status).unwrap(), Json(e.body)).into_response()
}

async fn chat(State(backends): State<Arc<Backends>>, Json(request): Json<ChatCompletionRequest>) -> Response {
    let Some(generator) = backends.generator.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = tokio::task::spawn_blocking(move || {
        handler::chat_completions(generator.as_ref(), &LIMITS, request, "chatcmpl-test".into(), 1_700_000_000)
    })
    .await
    .unwrap();
    result.map_or_else(error_response, |r| Json(r).into_response())
}

async fn embeddings(State(backends): State<Arc<Backends>>, Json(request): Json<EmbeddingsRequest>) -> Response {
    let embedder = Arc::clone(&backends.embedder);
    let result = tokio::task::spawn_blocking(move || {
        handler::embeddings(embedder.as_ref(), "multilingual-e5-small", &LIMITS, request)
    })
    .await
    .unwrap();
    result.map_or_else(error_response, |r| Json(r).into_response())
}

/// Starts the server on a loopback port in its own runtime thread; returns the base URL.
fn serve(generator: Option<Arc<dyn Generator>>) -> String {
    let embedder = Arc::new(E5Embedder::load(&support::model(&E5_SMALL)).unwrap());
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/embeddings", post(embeddings))
        .with_state(Arc::new(Backends { generator, embedder }));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            axum::serve(tokio::net::TcpListener::from_std(listener).unwrap(), app).await.unwrap()
        });
    });
    format!("http://{addr}/v1")
}

fn client(base_url: String) -> OpenAiClient {
    OpenAiClient::new(EndpointConfig {
        base_url,
        api_key: None,
        model: "local".into(),
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(120),
    })
}

#[test]
fn embeddings_over_http_equal_local_ones() {
    let client = client(serve(None));
    let texts = ["小猫在睡觉", "A cat is sleeping"];
    let remote = client.embed(&texts).unwrap();
    let local = E5Embedder::load(&support::model(&E5_SMALL)).unwrap().embed(&texts).unwrap();
    assert_eq!(remote, local);
}

#[cfg(feature = "llama")]
#[test]
fn chat_completions_over_http_come_from_the_local_model() {
    use inference::{Error, FinishReason, WorkerGenerator};

    use crate::generation::{ask, config};

    let model = support::model(&inference::models::SMOLLM2_135M);
    let local = Arc::new(WorkerGenerator::new(config(model, 512, Duration::from_secs(60))));
    let client = client(serve(Some(local.clone())));
    let request = ask("What is the capital of France? Answer in one word.", 16);
    let over_http = client.generate(&request).unwrap();
    let direct = local.generate(&request).unwrap();
    assert_eq!(over_http.text, direct.text);
    assert_eq!(over_http.completion_tokens, direct.completion_tokens);
    assert_eq!(over_http.finish_reason, FinishReason::Stop);

    let err = client.generate(&ask(&"the cat sat on the mat ".repeat(200), 16)).unwrap_err();
    assert!(matches!(err, Error::EndpointStatus { status: 400, ref body, .. } if body.contains("prompt has")), "{err}");
    let err = client.generate(&ask("Hi", 10_000)).unwrap_err();
    assert!(matches!(err, Error::EndpointStatus { status: 400, ref body, .. } if body.contains("cap")), "{err}");
}
