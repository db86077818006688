//! The Piper neural English voice (VITS, ONNX) run by ONNX Runtime loaded at run time.
//!
//! Phonemes come from the `espeak-ng` program (`--ipa`), as Piper's own phonemizer uses
//! espeak-ng; they are mapped to ids with the voice's `phoneme_id_map`. English only: no
//! packaged Mandarin Piper voice exists, so Mandarin stays on [`super::Espeak`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use ort::session::Session;
use ort::value::Tensor;

use super::{Audio, SpeechLanguage, cached};
use crate::{Error, Speaker};

/// The ONNX Runtime environment: the shared library can be loaded once per process.
static ENVIRONMENT: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

#[derive(serde::Deserialize)]
struct VoiceFile {
    audio: AudioConfig,
    inference: InferenceConfig,
    phoneme_id_map: HashMap<String, Vec<i64>>,
}

#[derive(serde::Deserialize)]
struct AudioConfig {
    sample_rate: u32,
}

#[derive(serde::Deserialize)]
struct InferenceConfig {
    noise_scale: f32,
    length_scale: f32,
    noise_w: f32,
}

/// A loaded Piper voice.
pub struct PiperVoice {
    session: Mutex<Session>,
    ids: HashMap<char, Vec<i64>>,
    scales: [f32; 3],
    sample_rate: u32,
    espeak_program: PathBuf,
    cache_dir: Option<PathBuf>,
}

impl std::fmt::Debug for PiperVoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiperVoice").field("sample_rate", &self.sample_rate).finish_non_exhaustive()
    }
}

fn piper_error(what: &str) -> impl Fn(&dyn std::fmt::Display) -> Error + '_ {
    move |e| Error::Speech(format!("piper {what}: {e}"))
}

impl PiperVoice {
    /// Loads `voice.onnx` (with `voice.onnx.json` beside it) using the ONNX Runtime library
    /// at `onnxruntime` (e.g. `libonnxruntime.so.1.31.1` from the PyPI wheel).
    pub fn load(
        voice: &Path,
        onnxruntime: &Path,
        espeak_program: PathBuf,
        cache_dir: Option<PathBuf>,
    ) -> Result<PiperVoice, Error> {
        for path in [voice, onnxruntime] {
            if !path.exists() {
                return Err(Error::ModelMissing { path: path.to_path_buf() });
            }
        }
        let config_path = voice.with_extension("onnx.json");
        let config_text =
            std::fs::read_to_string(&config_path).map_err(|source| Error::Io { path: config_path.clone(), source })?;
        let config: VoiceFile = serde_json::from_str(&config_text)
            .map_err(|e| Error::ModelFormat { path: config_path.clone(), reason: e.to_string() })?;
        let mut ids = HashMap::new();
        for (phoneme, id) in config.phoneme_id_map {
            let mut chars = phoneme.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                ids.insert(c, id);
            }
        }
        for required in ['^', '$', '_'] {
            if !ids.contains_key(&required) {
                return Err(Error::ModelFormat {
                    path: config_path,
                    reason: format!("phoneme_id_map lacks {required:?}"),
                });
            }
        }
        let library = onnxruntime.to_path_buf();
        let environment = ENVIRONMENT
            .get_or_init(|| ort::init_from(&library).map_err(|e| e.to_string())?.build().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Speech(format!("cannot load ONNX Runtime from {}: {e}", onnxruntime.display())))?;
        let session = Session::builder(environment)
            .map_err(|e| piper_error("session")(&e))?
            .with_intra_threads(1)
            .map_err(|e| piper_error("session")(&e))?
            .commit_from_file(voice)
            .map_err(|e| Error::ModelFormat { path: voice.to_path_buf(), reason: e.to_string() })?;
        Ok(PiperVoice {
            session: Mutex::new(session),
            ids,
            scales: [config.inference.noise_scale, config.inference.length_scale, config.inference.noise_w],
            sample_rate: config.audio.sample_rate,
            espeak_program,
            cache_dir,
        })
    }

    /// IPA phonemes of each clause, from espeak-ng.
    fn phonemize(&self, text: &str) -> Result<Vec<String>, Error> {
        use std::io::Write;
        let mut child = Command::new(&self.espeak_program)
            .args(["-q", "--ipa", "-v", "en-us"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                Error::Speech(format!(
                    "cannot run {} ({e}); install the Debian package espeak-ng",
                    self.espeak_program.display()
                ))
            })?;
        let mut stdin = child.stdin.take().expect("stdin was piped");
        let input = text.to_owned();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output().map_err(|e| Error::Speech(format!("espeak-ng: {e}")))?;
        let _ = writer.join();
        if !output.status.success() {
            return Err(Error::Speech(format!("espeak-ng exited with {}", output.status)));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect())
    }

    fn phoneme_ids(&self, clauses: &[String]) -> Vec<i64> {
        let pad = &self.ids[&'_'];
        let mut out = self.ids[&'^'].clone();
        out.extend(pad);
        for (idx, clause) in clauses.iter().enumerate() {
            // espeak-ng drops punctuation on its IPA output; a full stop between clauses gives
            // the voice its pause back.
            let chars = clause
                .chars()
                .chain(if idx + 1 < clauses.len() { Some('.') } else { None })
                .chain(if idx + 1 < clauses.len() { Some(' ') } else { None });
            for c in chars {
                if let Some(id) = self.ids.get(&c) {
                    out.extend(id);
                    out.extend(pad);
                }
            }
        }
        out.extend(&self.ids[&'$']);
        out
    }

    fn synthesise(&self, text: &str) -> Result<Vec<u8>, Error> {
        let ids = self.phoneme_ids(&self.phonemize(text)?);
        let n = i64::try_from(ids.len()).map_err(|_| Error::InvalidRequest("text too long".into()))?;
        let run = piper_error("inference");
        let input = Tensor::from_array((vec![1, n], ids)).map_err(|e| run(&e))?;
        let lengths = Tensor::from_array((vec![1], vec![n])).map_err(|e| run(&e))?;
        let scales = Tensor::from_array((vec![3], self.scales.to_vec())).map_err(|e| run(&e))?;
        let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let outputs = session
            .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => scales])
            .map_err(|e| run(&e))?;
        let (_, samples) = outputs[0].try_extract_tensor::<f32>().map_err(|e| run(&e))?;
        let peak = samples.iter().fold(0.01f32, |m, s| m.max(s.abs()));
        let pcm: Vec<i16> = samples.iter().map(|s| (s / peak * 32767.0).clamp(-32768.0, 32767.0) as i16).collect();
        Ok(wav_bytes(&pcm, self.sample_rate))
    }
}

/// A 16-bit mono PCM WAV file.
fn wav_bytes(pcm: &[i16], sample_rate: u32) -> Vec<u8> {
    let data_len = u32::try_from(pcm.len() * 2).unwrap_or(u32::MAX);
    let mut wav = Vec::with_capacity(44 + pcm.len() * 2);
    wav.extend(b"RIFF");
    wav.extend((36 + data_len).to_le_bytes());
    wav.extend(b"WAVEfmt ");
    wav.extend(16u32.to_le_bytes());
    wav.extend(1u16.to_le_bytes());
    wav.extend(1u16.to_le_bytes());
    wav.extend(sample_rate.to_le_bytes());
    wav.extend((sample_rate * 2).to_le_bytes());
    wav.extend(2u16.to_le_bytes());
    wav.extend(16u16.to_le_bytes());
    wav.extend(b"data");
    wav.extend(data_len.to_le_bytes());
    for sample in pcm {
        wav.extend(sample.to_le_bytes());
    }
    wav
}

impl Speaker for PiperVoice {
    fn speak(&self, text: &str, language: SpeechLanguage) -> Result<Audio, Error> {
        if language != SpeechLanguage::English {
            return Err(Error::UnsupportedLanguage(
                "Mandarin with the Piper voice (use espeak-ng for Mandarin)".into(),
            ));
        }
        cached(self.cache_dir.as_deref(), "piper-en_US-joe-medium", 0, text, || self.synthesise(text.trim()))
    }
}
