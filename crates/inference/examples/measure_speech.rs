//! Bench command: time to first audio (synthesis of one sentence, uncached and cached) with espeak-ng.
//!
//! `cargo run --release -p inference --example measure_speech [--features piper -- MODELS_DIR]`
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use inference::{Espeak, Speaker, SpeechLanguage};

fn main() -> anyhow::Result<()> {
    let cache = tempfile::tempdir()?;
    let tts = Espeak {
        program: "espeak-ng".into(),
        cache_dir: Some(cache.path().to_owned()),
        words_per_minute: 140,
        timeout: Duration::from_secs(30),
    };
    let sentences = [
        ("小猫在沙发上睡觉，小狗在院子里玩。", SpeechLanguage::Mandarin),
        ("光合作用是植物利用光能，把二氧化碳和水转化成有机物，并释放氧气的过程。", SpeechLanguage::Mandarin),
        ("The cat is sleeping on the sofa while the dog plays outside.", SpeechLanguage::English),
        (
            "Photosynthesis is the process by which plants use light to turn carbon dioxide and water into sugar.",
            SpeechLanguage::English,
        ),
    ];
    for (text, language) in sentences {
        let mut times = Vec::new();
        let mut seconds = 0.0;
        for round in 0..5 {
            // A fresh cache key per round: the text gets a trailing space-free variant number.
            let text = if round == 0 { text.to_owned() } else { format!("{text} {round}") };
            let started = Instant::now();
            let audio = tts.speak(&text, language)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(!audio.cached && audio.wav.len() > 44);
            seconds = (audio.wav.len() - 44) as f64 / 2.0 / 22050.0;
        }
        times.sort_by(f64::total_cmp);
        let started = Instant::now();
        let cached = tts.speak(text, language)?;
        let cached_ms = started.elapsed().as_secs_f64() * 1000.0;
        anyhow::ensure!(cached.cached);
        println!(
            "{:?} {} chars, {seconds:.1} s of audio: uncached median {:.0} ms (min {:.0}), cached {cached_ms:.2} ms",
            language,
            text.chars().count(),
            times[2],
            times[0]
        );
    }
    #[cfg(feature = "piper")]
    if let Some(models_dir) = std::env::args().nth(1).map(std::path::PathBuf::from) {
        use inference::models::{ONNXRUNTIME_LINUX_X64, PIPER_JOE_EN};
        let started = Instant::now();
        let voice = inference::speech::piper::PiperVoice::load(
            &PIPER_JOE_EN.verified_path(&models_dir)?,
            &ONNXRUNTIME_LINUX_X64.verified_path(&models_dir)?,
            "espeak-ng".into(),
            None,
        )?;
        println!("piper voice loaded in {:.2} s", started.elapsed().as_secs_f64());
        for (text, _) in sentences.iter().filter(|(_, l)| *l == SpeechLanguage::English) {
            let mut times = Vec::new();
            let mut seconds = 0.0;
            for _ in 0..5 {
                let started = Instant::now();
                let audio = voice.speak(text, SpeechLanguage::English)?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                seconds = (audio.wav.len() - 44) as f64 / 2.0 / 22050.0;
            }
            times.sort_by(f64::total_cmp);
            println!(
                "Piper English {} chars, {seconds:.1} s of audio: median {:.0} ms (min {:.0})",
                text.chars().count(),
                times[2],
                times[0]
            );
        }
    }
    Ok(())
}
