//! Command: the teacher features end to end on a local model, through the guard rails.
//!
//! `cargo run -p inference --features llama --example teacher_drafts -- MODEL.gguf [THREADS]`
//! Prints each draft with its provenance label, filter verdict and checks. A smoke check of
//! quality, not an evaluation.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use base::Timestamp;
use guardrails::Language;
use guardrails::marking::MarkedText;
use guardrails::pii::{KnownPersonalData, redact_many};
use guardrails::policy::{GenerationPolicy, Stage, StageRules};
use guardrails::prompts::{self, LessonPlanInput, MisconceptionInput, Prompt, StorybookInput};
use inference::worker::{WorkerCommand, WorkerConfig};
use inference::{ChatMessage, GenerationRequest, Generator, Role, WorkerGenerator};

fn run(
    generator: &WorkerGenerator,
    known: &KnownPersonalData,
    prompt: &Prompt,
    max_tokens: u32,
) -> anyhow::Result<String> {
    let (parts, redacted) = redact_many(&[&prompt.system, &prompt.user], known);
    let request = GenerationRequest {
        messages: vec![
            ChatMessage::new(Role::System, parts[0].clone()),
            ChatMessage::new(Role::User, parts[1].clone()),
        ],
        max_tokens,
        temperature: 0.0,
        seed: 1,
        grammar: None,
    };
    let started = Instant::now();
    let generation = generator.generate(&request)?;
    println!(
        "[{} prompt tok, {} generated tok, {:.1} s]",
        generation.prompt_tokens,
        generation.completion_tokens,
        started.elapsed().as_secs_f64()
    );
    Ok(redacted.restore(&generation.text))
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let model = args.next().ok_or_else(|| anyhow::anyhow!("usage: teacher_drafts MODEL.gguf [THREADS]"))?;
    let threads: u32 = args.next().map_or(Ok(1), |t| t.parse())?;
    let worker = std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("inkstone-inference-worker"))
        .ok_or_else(|| anyhow::anyhow!("no exe dir"))?;
    let generator = WorkerGenerator::new(WorkerConfig {
        command: WorkerCommand { program: worker, args: vec![] },
        model_path: model.into(),
        n_ctx: 4096,
        n_threads: threads,
        startup_timeout: Duration::from_secs(120),
        request_timeout: Duration::from_secs(600),
    });
    let policy = GenerationPolicy {
        remote_endpoint_allowed: false,
        primary: StageRules::recommended(Stage::Primary),
        junior_secondary: StageRules::recommended(Stage::JuniorSecondary),
        senior_secondary: StageRules::recommended(Stage::SeniorSecondary),
    };
    let known = KnownPersonalData { names: vec!["王小明".into()], ids: vec![] };
    let now = Timestamp::from_millis(0);

    let plan = prompts::lesson_plan(
        Language::ZhCn,
        &LessonPlanInput {
            subject: "数学".into(),
            grade: "三年级".into(),
            knowledge_points: vec!["分数的初步认识".into(), "比较同分母分数的大小".into()],
            practice_items: vec!["把一个蛋糕平均分成4份，每份是它的几分之几？".into()],
            minutes: 45,
            class_notes: "王小明等几位同学对“平均分”理解不牢。".into(),
        },
    )?;
    println!("== lesson plan (zh)");
    let text = MarkedText::machine_written(run(&generator, &known, &plan, 400)?, generator.model_name(), now);
    println!("{}\n{}\n", text.label(Language::ZhCn), text.text());

    for (language, question, expected, answer) in [
        (Language::En, "What is 3/4 + 1/4?", "1", "4/8"),
        (Language::ZhCn, "植物进行光合作用需要什么能量？", "光能", "水"),
    ] {
        let prompt = prompts::misconception_feedback(
            language,
            &MisconceptionInput {
                question: question.into(),
                expected_answer: expected.into(),
                pupil_answer: answer.into(),
                stage: Stage::Primary,
            },
        )?;
        let feedback = run(&generator, &known, &prompt, 120)?;
        println!(
            "== feedback ({language:?}): reveals answer: {}\n{feedback}\n",
            prompts::reveals_answer(&feedback, expected)
        );
    }

    let rewrite = prompts::reading_level_rewrite(
        Language::En,
        "Photosynthesis is the biochemical process through which chlorophyll-containing organisms convert electromagnetic radiation into chemical energy stored in carbohydrates.",
        3,
    )?;
    println!("== rewrite (en, grade 3)\n{}\n", run(&generator, &known, &rewrite, 120)?);

    let words = vec!["花".to_owned(), "小鸟".to_owned(), "彩虹".to_owned()];
    let story = prompts::storybook(
        Language::ZhCn,
        &StorybookInput { theme: "春天".into(), words: words.clone(), pages: 3, grade: 2 },
    )?;
    let reply = run(&generator, &known, &story, 300)?;
    let pages = prompts::parse_storybook(&reply);
    println!(
        "== storybook (zh): {} pages parsed, missing words {:?}, filter for primary: {:?}\n{reply}",
        pages.len(),
        prompts::missing_words(&pages, &words),
        policy.check_for_pupil(Stage::Primary, &reply).map(|_| "ok")
    );
    Ok(())
}
