//! AI use cases: guard rails before any model runs, read-aloud with its cache, and (with the
//! `llama` feature) real drafts from SmolLM2-135M kept machine-written until approved.

use std::sync::Arc;

use app::ai::{Ai, AiEngines, AiSettings, FeedbackRequest, LessonPlanRequest, RewriteRequest, StorybookRequest};
use app::learning::DEMO_SUBJECT;
use app::{App, Caller, UserError};
use test_support::store_test;

use crate::{demo_app, sign_in};

fn code(e: &app::Error) -> &'static str {
    e.as_user().map_or("internal", UserError::code)
}

async fn lesson_request(app: &App, teacher: &Caller) -> LessonPlanRequest {
    let class = app.visible_classes(teacher).await.unwrap()[0].id.clone();
    let heat = app.class_heat_map(teacher, &class, DEMO_SUBJECT).await.unwrap();
    LessonPlanRequest {
        class: class.to_string(),
        subject: DEMO_SUBJECT.into(),
        knowledge_points: heat.rows.iter().take(2).map(|r| r.kp.kp.to_string()).collect(),
        language: "en".into(),
        minutes: 45,
    }
}

fn rewrite_request() -> RewriteRequest {
    RewriteRequest {
        text: "Photosynthesis converts light energy into chemical energy stored in glucose.".into(),
        grade: 3,
        language: "en".into(),
    }
}

/// A remote endpoint on a port nothing listens on.
fn unreachable_remote() -> Arc<dyn inference::Generator> {
    Arc::new(inference::openai::OpenAiClient::new(inference::openai::EndpointConfig {
        base_url: "http://127.0.0.1:9/v1".into(),
        api_key: Some("k".into()),
        model: "county-model".into(),
        connect_timeout: std::time::Duration::from_secs(2),
        request_timeout: std::time::Duration::from_secs(5),
    }))
}

store_test!(without_any_model_drafting_says_no_local_model_is_configured, |db| {
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let request = lesson_request(&app, &teacher).await;
    let err = app.draft_lesson_plan(&teacher, &request).await.unwrap_err();
    assert_eq!(code(&err), "unavailable");
    assert!(err.to_string().contains("no local model configured"), "{err}");
    // Bad input is refused before any model is needed.
    let bad = LessonPlanRequest { knowledge_points: vec!["no-such-kp".into()], ..request.clone() };
    assert_eq!(code(&app.draft_lesson_plan(&teacher, &bad).await.unwrap_err()), "invalid");
    let bad = LessonPlanRequest { language: "fr".into(), ..request };
    assert_eq!(code(&app.draft_lesson_plan(&teacher, &bad).await.unwrap_err()), "invalid");
});

store_test!(a_remote_endpoint_is_used_only_when_the_school_allows_it, |db| {
    let (app, _) = demo_app(&db).await;
    let engines = AiEngines { remote: Some(unreachable_remote()), ..AiEngines::none() };
    let kept_local = app.clone().with_ai(Ai::new(engines.clone(), AiSettings::recommended()));
    let teacher = sign_in(&kept_local, "teacher01").await;
    let err = kept_local.rewrite_for_grade(&teacher, &rewrite_request()).await.unwrap_err();
    assert_eq!(code(&err), "forbidden");
    assert!(err.to_string().contains("remote endpoint may not be used"), "{err}");

    let mut settings = AiSettings::recommended();
    settings.policy.remote_endpoint_allowed = true;
    let allowed = app.with_ai(Ai::new(engines, settings));
    let err = allowed.rewrite_for_grade(&teacher, &rewrite_request()).await.unwrap_err();
    assert_eq!(code(&err), "unavailable", "the endpoint was tried: {err}");
    assert!(!err.to_string().contains("127.0.0.1"), "the URL stays in the log: {err}");
});

store_test!(pupils_cannot_use_the_teacher_tools_and_storybooks_follow_the_stage_rules, |db| {
    let (app, _) = demo_app(&db).await;
    let pupil = sign_in(&app, "student0001").await;
    let me = crate::person_id(&app, "student0001").await;
    let feedback =
        FeedbackRequest { student: me.to_string(), item: "x".into(), answer: "1".into(), language: "zh-CN".into() };
    assert_eq!(code(&app.draft_feedback(&pupil, &feedback).await.unwrap_err()), "forbidden");
    assert_eq!(code(&app.rewrite_for_grade(&pupil, &rewrite_request()).await.unwrap_err()), "forbidden");

    let story = StorybookRequest {
        theme: "小猫找朋友".into(),
        words: vec!["朋友".into(), "快乐".into()],
        pages: 3,
        grade: 7,
        language: "zh-CN".into(),
    };
    // The demo pupils are junior-secondary: allowed by the recommended rules (then no model)...
    assert_eq!(code(&app.draft_storybook(&pupil, &story).await.unwrap_err()), "unavailable");
    // ...and refused where the school's rules say no.
    let mut settings = AiSettings::recommended();
    settings.policy.junior_secondary.open_ended_for_pupils = false;
    let strict = app.with_ai(Ai::new(AiEngines::none(), settings));
    let err = strict.draft_storybook(&pupil, &story).await.unwrap_err();
    assert_eq!(code(&err), "forbidden");
    assert!(err.to_string().contains("open-ended generation is not available"), "{err}");
});

store_test!(feedback_is_only_for_wrong_answers_of_students_the_teacher_teaches, |db| {
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let class = app.visible_classes(&teacher).await.unwrap()[0].id.clone();
    let student = app.class_roster(&teacher, &class).await.unwrap().into_iter().find(|p| !p.grades.is_empty()).unwrap();
    let mut c = app.store().read().await.unwrap();
    let item = store::learning::items_of_subject(&mut c, DEMO_SUBJECT).await.unwrap().remove(0);
    drop(c);
    let app::learning::AnswerKey::Math { reference } = serde_json::from_str(&item.answer_key).unwrap();
    let request = FeedbackRequest {
        student: student.id.to_string(),
        item: item.id.clone(),
        answer: reference,
        language: "zh-CN".into(),
    };
    let err = app.draft_feedback(&teacher, &request).await.unwrap_err();
    assert_eq!(code(&err), "invalid");
    assert!(err.to_string().contains("correct"), "{err}");
    let wrong = FeedbackRequest { answer: "a wrong answer".into(), ..request.clone() };
    assert_eq!(code(&app.draft_feedback(&teacher, &wrong).await.unwrap_err()), "unavailable");
    // A teacher of other classes is not told the student exists.
    let other = sign_in(&app, "teacher02").await;
    if app.class_roster(&other, &class).await.is_err() {
        assert_eq!(code(&app.draft_feedback(&other, &wrong).await.unwrap_err()), "not-found");
    }
});

store_test!(read_aloud_speaks_mandarin_and_english_and_caches_the_audio, |db| {
    let (app, _) = demo_app(&db).await;
    let cache = tempfile::tempdir().unwrap();
    let engines = AiEngines {
        speaker: Some(Arc::new(inference::Espeak {
            program: "espeak-ng".into(),
            cache_dir: Some(cache.path().to_owned()),
            words_per_minute: 140,
            timeout: std::time::Duration::from_secs(30),
        })),
        ..AiEngines::none()
    };
    let app = app.with_ai(Ai::new(engines, AiSettings::recommended()));
    let pupil = sign_in(&app, "student0001").await;
    let first = app.read_aloud(&pupil, "小猫在草地上玩。", None).await.unwrap();
    assert!(first.wav.starts_with(b"RIFF") && first.wav.len() > 10_000 && !first.cached);
    assert_eq!(first.voice, "cmn-latn-pinyin");
    let again = app.read_aloud(&pupil, "小猫在草地上玩。", None).await.unwrap();
    assert!(again.cached && again.wav == first.wav);
    assert_eq!(app.read_aloud(&pupil, "The cat plays.", Some("en")).await.unwrap().voice, "en-us");
    assert_eq!(code(&app.read_aloud(&pupil, "   ", None).await.unwrap_err()), "invalid");
    assert_eq!(code(&app.read_aloud(&pupil, "Привет", None).await.unwrap_err()), "invalid");
});

#[cfg(feature = "llama")]
mod with_a_real_model {
    use super::*;

    /// SmolLM2-135M run in this process (the worker process is the inference crate's business,
    /// tested there and started by `inkstone serve`).
    struct InProcess(std::sync::Mutex<inference::llama::LlamaRunner>);

    impl inference::Generator for InProcess {
        fn generate(&self, r: &inference::GenerationRequest) -> Result<inference::Generation, inference::Error> {
            self.0.lock().unwrap().generate(r)
        }
        fn model_name(&self) -> String {
            self.0.lock().unwrap().name()
        }
    }

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
                connect_timeout: std::time::Duration::from_secs(30),
                download_timeout: std::time::Duration::from_secs(900),
            };
            inference::models::fetch(model, &dir, &options, &mut |_| {}).unwrap()
        })
    }

    fn with_model(app: App) -> App {
        let runner = inference::llama::LlamaRunner::load(&smollm2(), 2048, 2).unwrap();
        let engines =
            AiEngines { local: Some(Arc::new(InProcess(std::sync::Mutex::new(runner)))), ..AiEngines::none() };
        let mut settings = AiSettings::recommended();
        settings.max_reply_tokens = 120;
        app.with_ai(Ai::new(engines, settings))
    }

    store_test!(a_lesson_plan_draft_stays_machine_written_until_its_teacher_approves_it, |db| {
        let (app, _) = demo_app(&db).await;
        let app = with_model(app);
        let teacher = sign_in(&app, "teacher01").await;
        let request = lesson_request(&app, &teacher).await;
        let draft = app.draft_lesson_plan(&teacher, &request).await.unwrap();
        assert!(!draft.body.trim().is_empty());
        assert_eq!(draft.endpoint, app::ai::Endpoint::Local);
        assert!(draft.model.to_lowercase().contains("smollm2"), "{}", draft.model);
        assert_eq!((draft.approved_by.as_deref(), draft.label), (None, "AI draft (awaiting teacher review)"));

        // Only its teacher sees and changes it; a pupil is not told it exists.
        let pupil = sign_in(&app, "student0001").await;
        assert_eq!(code(&app.ai_text(&pupil, &draft.id).await.unwrap_err()), "not-found");
        let other = sign_in(&app, "teacher02").await;
        assert_eq!(code(&app.approve_ai_text(&other, &draft.id).await.unwrap_err()), "not-found");

        let edited = app.edit_ai_text(&teacher, &draft.id, "1. Objectives: fractions").await.unwrap();
        assert!(edited.edited && edited.approved_by.is_none());
        let approved = app.approve_ai_text(&teacher, &draft.id).await.unwrap();
        assert_eq!(approved.label, "AI-generated, approved by a teacher");
        assert_eq!(approved.approved_by, Some(crate::person_id(&app, "teacher01").await.to_string()));
        // Editing after approval makes it a draft again: the approval was for other words.
        let again = app.edit_ai_text(&teacher, &draft.id, "1. Objectives: decimals").await.unwrap();
        assert!(again.approved_by.is_none());
        assert_eq!(app.my_ai_texts(&teacher, 10).await.unwrap()[0].id, draft.id);
        let log = app.audit_recent(&crate::operator(), None, 50).await.unwrap();
        for action in ["ai-draft", "ai-edit", "ai-approve"] {
            assert!(log.iter().any(|e| e.action == action), "{action} audited");
        }
    });

    store_test!(a_storybook_comes_back_in_pages_with_the_words_it_did_not_use_named, |db| {
        let (app, _) = demo_app(&db).await;
        let app = with_model(app);
        let teacher = sign_in(&app, "teacher01").await;
        let request = StorybookRequest {
            theme: "a cat who finds a friend".into(),
            words: vec!["friend".into(), "xylophonist".into()],
            pages: 3,
            grade: 2,
            language: "en".into(),
        };
        let book = app.draft_storybook(&teacher, &request).await.unwrap();
        assert!(book.approved_by.is_none());
        assert!(book.warnings.iter().any(|w| w.contains("xylophonist")), "{:?}\n{}", book.warnings, book.body);
    });

    store_test!(a_pupils_own_storybook_is_theirs_alone_and_reaches_them_through_their_filter, |db| {
        let (app, _) = demo_app(&db).await;
        let app = with_model(app);
        let pupil = sign_in(&app, "student0001").await;
        let request = StorybookRequest {
            theme: "a rabbit who learns to count".into(),
            words: vec!["three".into()],
            pages: 2,
            grade: 7,
            language: "en".into(),
        };
        let book = app.draft_storybook(&pupil, &request).await.unwrap();
        assert_eq!(book.label, "AI draft (awaiting teacher review)");
        let read = app.ai_text(&pupil, &book.id).await.unwrap();
        assert!(!read.body.is_empty() && read.body.chars().count() <= 3000, "the junior-secondary length limit");
        let classmate = sign_in(&app, "student0002").await;
        assert_eq!(code(&app.ai_text(&classmate, &book.id).await.unwrap_err()), "not-found");
        let teacher = sign_in(&app, "teacher01").await;
        assert_eq!(code(&app.ai_text(&teacher, &book.id).await.unwrap_err()), "not-found");
    });
}
