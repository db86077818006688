//! Bench command: prompt and generation speed and worker memory of a GGUF model.
//!
//! `cargo run --release -p inference --features llama --example measure_generation -- MODEL.gguf [THREADS]`
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use inference::worker::{WorkerCommand, WorkerConfig};
use inference::{ChatMessage, GenerationRequest, Generator, Role, WorkerGenerator};

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of a process (Linux clock ticks are 1/100 s).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // After the command name: state is field 0, utime field 11, stime field 12.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let model = args.next().ok_or_else(|| anyhow::anyhow!("usage: measure_generation MODEL.gguf [THREADS]"))?;
    let threads: u32 = args.next().map_or(Ok(2), |t| t.parse())?;
    let worker = std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("inkstone-inference-worker"))
        .ok_or_else(|| anyhow::anyhow!("no exe dir"))?;
    let generator = WorkerGenerator::new(WorkerConfig {
        command: WorkerCommand { program: worker, args: vec![] },
        model_path: model.into(),
        n_ctx: 2048,
        n_threads: threads,
        startup_timeout: Duration::from_secs(120),
        request_timeout: Duration::from_secs(600),
    });
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}", load.trim());
    let started = Instant::now();
    let (name, n_ctx) = generator.start()?;
    println!("model {name}, n_ctx {n_ctx}, threads {threads}, load {:.2} s", started.elapsed().as_secs_f64());
    let long_prompt =
        "请根据下面的知识点为三年级数学课写一份教案草稿：分数的初步认识，把一个整体平均分成若干份。".repeat(8);
    let cases = [
        ("short prompt, 128 tokens", "Explain photosynthesis to a ten-year-old.".to_owned(), 128),
        ("long zh prompt, 64 tokens", long_prompt, 64),
    ];
    for (label, prompt, max_tokens) in cases {
        let request = GenerationRequest {
            messages: vec![ChatMessage::new(Role::User, prompt)],
            max_tokens,
            temperature: 0.0,
            seed: 1,
            grammar: None,
        };
        let n_prompt = generator.count_prompt_tokens(&request)?;
        // Prefill alone: one generated token.
        let t = Instant::now();
        generator.generate(&GenerationRequest { max_tokens: 1, ..request.clone() })?;
        let prefill = t.elapsed().as_secs_f64();
        let pid = generator.pid().unwrap_or(0);
        let cpu_before = cpu_seconds(pid);
        let t = Instant::now();
        let generation = generator.generate(&request)?;
        let total = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds(pid) - cpu_before;
        let decode_tps = f64::from(generation.completion_tokens.saturating_sub(1)) / (total - prefill).max(1e-9);
        println!(
            "{label}: prompt {n_prompt} tok in {prefill:.2} s ({:.0} tok/s); generated {} tok in {total:.2} s, decode {decode_tps:.1} tok/s; worker CPU {cpu:.2} s ({:.1} tok per CPU-second incl. prefill)",
            f64::from(n_prompt) / prefill,
            generation.completion_tokens,
            f64::from(generation.completion_tokens) / cpu.max(1e-9)
        );
        assert!(generation.completion_tokens > 0);
    }
    if let Some(pid) = generator.pid() {
        println!("worker peak RSS {:.0} MiB", vm_hwm_kib(pid).unwrap_or(0) as f64 / 1024.0);
    }
    Ok(())
}
