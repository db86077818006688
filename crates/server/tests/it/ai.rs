//! The AI routes and the OpenAI-compatible endpoint, called by the project's own client over a
//! real socket: real e5 embeddings, espeak-ng speech and (feature `llama`) SmolLM2 generation.

use std::sync::Arc;

use axum::http::StatusCode;
use inference::openai::{EndpointConfig, OpenAiClient};
use serde_json::json;
use test_support::store_test;

use crate::Client;

#[allow(clippy::disallowed_methods, reason = "tests choose where their model cache lives")]
pub(crate) fn test_model(model: &inference::models::PackagedModel) -> std::path::PathBuf {
    let dir = std::env::var_os("INKSTONE_TEST_MODELS_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-models"),
        std::path::PathBuf::from,
    );
    model.verified_path(&dir).unwrap_or_else(|_| {
        let options = inference::models::FetchOptions {
            index_url: "https://pypi.org/simple".into(),
            connect_timeout: std::time::Duration::from_secs(30),
            download_timeout: std::time::Duration::from_secs(900),
        };
        inference::models::fetch(model, &dir, &options, &mut |_| {}).unwrap()
    })
}

/// Serves `app` on a free local port; returns the endpoint's base URL.
async fn serve(app: app::App) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::router(app, server::ServerSettings::lan());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    format!("http://{addr}/v1")
}

async fn token_of(c: &Client, username: &str) -> String {
    let signed = c
        .app
        .login(app::LoginRequest {
            username: username.into(),
            password: app::demo::DEMO_PASSWORD.into(),
            client: "10.0.0.8".into(),
        })
        .await
        .unwrap();
    let actor = c.app.authenticate_session(&signed.token).await.unwrap();
    c.app.create_api_token(&actor, "model endpoint", Some(1)).await.unwrap().secret
}

fn client(base_url: &str, key: Option<String>) -> OpenAiClient {
    OpenAiClient::new(EndpointConfig {
        base_url: base_url.into(),
        api_key: key,
        model: "local".into(),
        connect_timeout: std::time::Duration::from_secs(5),
        request_timeout: std::time::Duration::from_secs(60),
    })
}

fn e5_engines() -> app::ai::AiEngines {
    let e5 = inference::E5Embedder::load(&test_model(&inference::models::E5_SMALL)).unwrap();
    app::ai::AiEngines {
        embedder: Some(Arc::new(e5)),
        embedder_name: "multilingual-e5-small".into(),
        ..app::ai::AiEngines::none()
    }
}

store_test!(the_model_endpoint_serves_staff_tokens_only_and_the_client_reads_its_answers, |db| {
    let c = Client::demo(&db).await;
    let app = c.app.clone().with_ai(app::ai::Ai::new(e5_engines(), app::ai::AiSettings::recommended()));
    let url = serve(app).await;
    let teacher = token_of(&c, "teacher01").await;
    let pupil = token_of(&c, "student0001").await;
    let (url2, url3) = (url.clone(), url.clone());
    let (vectors, no_model, anonymous, as_pupil) = tokio::task::spawn_blocking(move || {
        let staff = client(&url, Some(teacher));
        let vectors = staff.embeddings(&["小猫在睡觉", "A kitten is sleeping", "二次函数的顶点"]).unwrap();
        let request = inference::GenerationRequest {
            messages: vec![inference::ChatMessage::new(inference::Role::User, "Hello")],
            max_tokens: 8,
            temperature: 0.0,
            seed: 0,
            grammar: None,
        };
        let no_model = inference::Generator::generate(&staff, &request).unwrap_err();
        let anonymous = client(&url2, None).embeddings(&["x"]).unwrap_err();
        let as_pupil = client(&url3, Some(pupil)).embeddings(&["x"]).unwrap_err();
        (vectors, no_model, anonymous, as_pupil)
    })
    .await
    .unwrap();
    assert_eq!(vectors.len(), 3);
    assert!(vectors.iter().all(|v| v.len() == 384));
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    assert!(
        dot(&vectors[0], &vectors[1]) > dot(&vectors[0], &vectors[2]),
        "the Chinese and English kitten are closer than the kitten and the quadratic"
    );
    assert!(
        matches!(no_model, inference::Error::EndpointStatus { status: 503, ref body, .. } if body.contains("no local language model")),
        "{no_model}"
    );
    assert!(matches!(anonymous, inference::Error::EndpointStatus { status: 401, .. }), "{anonymous}");
    assert!(matches!(as_pupil, inference::Error::EndpointStatus { status: 403, .. }), "{as_pupil}");
});

store_test!(ai_routes_answer_with_problems_when_no_model_is_configured_and_speak_aloud, |db| {
    let mut c = Client::demo(&db).await;
    let cache = tempfile::tempdir().unwrap();
    let engines = app::ai::AiEngines {
        speaker: Some(Arc::new(inference::Espeak {
            program: "espeak-ng".into(),
            cache_dir: Some(cache.path().to_owned()),
            words_per_minute: 140,
            timeout: std::time::Duration::from_secs(30),
        })),
        ..app::ai::AiEngines::none()
    };
    c.app = c.app.clone().with_ai(app::ai::Ai::new(engines, app::ai::AiSettings::recommended()));
    c.router = server::router(c.app.clone(), server::ServerSettings::lan());
    c.sign_in("teacher01").await;
    let a = c
        .post_json("/api/ai/rewrites", json!({ "text": "Plants make food from light.", "grade": 2, "language": "en" }))
        .await;
    assert_eq!((a.status, a.problem()), (StatusCode::SERVICE_UNAVAILABLE, "unavailable".to_owned()));
    let a = c.post_json("/api/ai/rewrites", json!({ "text": "x", "grade": 2 })).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = c.get("/api/ai/texts/nope").await;
    assert_eq!((a.status, a.problem()), (StatusCode::NOT_FOUND, "not-found".to_owned()));

    let a = c.post_json("/api/ai/speech", json!({ "text": "一二三，我们去爬山。" })).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "audio/wav");
    assert_eq!(
        (&a.headers["x-inkstone-voice"], &a.headers["x-inkstone-cached"]),
        (&"cmn-latn-pinyin".parse().unwrap(), &"false".parse().unwrap())
    );
    assert!(a.body.starts_with(b"RIFF"));
    let again = c.post_json("/api/ai/speech", json!({ "text": "一二三，我们去爬山。" })).await;
    assert_eq!(again.headers["x-inkstone-cached"], "true");
    c.sign_out_locally();
    assert_eq!(c.post_json("/api/ai/speech", json!({ "text": "hi" })).await.status, StatusCode::UNAUTHORIZED);
});

#[cfg(feature = "llama")]
mod with_a_real_model {
    use std::sync::Mutex;

    use super::*;

    /// SmolLM2-135M in this process, remembering the prompts it was sent.
    struct Recording {
        runner: Mutex<inference::llama::LlamaRunner>,
        prompts: Arc<Mutex<Vec<String>>>,
    }

    impl inference::Generator for Recording {
        fn generate(&self, r: &inference::GenerationRequest) -> Result<inference::Generation, inference::Error> {
            self.prompts.lock().unwrap().extend(r.messages.iter().map(|m| m.content.clone()));
            self.runner.lock().unwrap().generate(r)
        }
        fn model_name(&self) -> String {
            self.runner.lock().unwrap().name()
        }
    }

    store_test!(a_school_without_a_model_drafts_on_another_inkstone_with_personal_data_replaced, |db| {
        // The county's server: a local model behind /v1.
        let county = Client::demo(&db).await;
        let runner =
            inference::llama::LlamaRunner::load(&test_model(&inference::models::SMOLLM2_135M), 2048, 2).unwrap();
        let prompts = Arc::new(Mutex::new(Vec::new()));
        let engines = app::ai::AiEngines {
            local: Some(Arc::new(Recording { runner: Mutex::new(runner), prompts: prompts.clone() })),
            ..app::ai::AiEngines::none()
        };
        let url =
            serve(county.app.clone().with_ai(app::ai::Ai::new(engines, app::ai::AiSettings::recommended()))).await;
        let key = token_of(&county, "teacher01").await;

        // The school: no model, the county's endpoint allowed by its policy.
        let mut settings = app::ai::AiSettings::recommended();
        settings.policy.remote_endpoint_allowed = true;
        settings.max_reply_tokens = 80;
        let remote = client(&url, Some(key));
        let engines = app::ai::AiEngines { remote: Some(Arc::new(remote)), ..app::ai::AiEngines::none() };
        // The same database serves as the school's (a second demo school cannot be created in it).
        let mut school = county;
        school.app = school.app.clone().with_ai(app::ai::Ai::new(engines, settings));
        school.router = server::router(school.app.clone(), server::ServerSettings::lan());
        school.sign_in("teacher01").await;
        let a = school
            .post_json(
                "/api/ai/rewrites",
                json!({ "text": "Ring 13812345678 or write to li.lei@example.com to join the science club, which studies how plants turn light into food.", "grade": 3, "language": "en" }),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
        let text = a.json();
        assert_eq!((text["endpoint"].as_str(), text["machine_written"].as_bool()), (Some("remote"), Some(true)));
        assert!(!text["body"].as_str().unwrap().trim().is_empty());
        let seen = prompts.lock().unwrap().join("\n");
        assert!(seen.contains("[PHONE_1]") && seen.contains("[EMAIL_1]"), "{seen}");
        assert!(!seen.contains("13812345678") && !seen.contains("li.lei@example.com"), "{seen}");
    });
}

store_test!(the_openapi_document_lists_the_ai_routes, |db| {
    let mut c = Client::demo(&db).await;
    let doc = c.get("/api/openapi.json").await.json();
    for path in [
        "/api/ai/lesson-plans",
        "/api/ai/feedback",
        "/api/ai/rewrites",
        "/api/ai/storybooks",
        "/api/ai/texts",
        "/api/ai/texts/{id}",
        "/api/ai/texts/{id}/approve",
        "/api/ai/speech",
        "/v1/chat/completions",
        "/v1/embeddings",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    let lesson = &doc["components"]["schemas"]["LessonPlanBody"]["properties"];
    assert!(lesson["knowledge_points"].is_object(), "{lesson}");
});
