//! Text-to-speech with the `espeak-ng` program, cached on disk by (voice, text hash).
//!
//! espeak-ng runs as a child process (no linking: it is GPL-3). Mandarin uses the
//! `cmn-latn-pinyin` voice, which converts Hanzi to toned pinyin with its own dictionary; the
//! plain `cmn` voice of Debian's 1.51 reads the tone digits as English numbers. English uses
//! `en-us`. Text in other scripts is refused with [`Error::UnsupportedLanguage`]; the documented
//! fallback is to show the text without audio.

#[cfg(feature = "piper")]
pub mod piper;

#[cfg(test)]
mod tests;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::{Error, Speaker};

/// Longest text spoken in one call; longer pages are split by the caller (by paragraph).
pub const MAX_SPEECH_CHARS: usize = 20_000;

/// Languages with a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeechLanguage {
    /// Mandarin Chinese (Hanzi or toned pinyin).
    Mandarin,
    /// English.
    English,
}

impl SpeechLanguage {
    /// The espeak-ng voice.
    pub fn voice(self) -> &'static str {
        match self {
            SpeechLanguage::Mandarin => "cmn-latn-pinyin",
            SpeechLanguage::English => "en-us",
        }
    }

    /// Picks the language from the text's script: any Han character means Mandarin, otherwise
    /// Latin letters mean English. Kana, Hangul, Cyrillic, Arabic, Hebrew, Thai and Devanagari
    /// are unsupported (Japanese with kanji is not read as Chinese); Greek letters and other
    /// symbols common in school texts are ignored.
    pub fn detect(text: &str) -> Result<SpeechLanguage, Error> {
        if let Some(c) = text.chars().find(|&c| is_unsupported_script(c)) {
            return Err(Error::UnsupportedLanguage(format!(
                "text in a script other than Chinese or Latin (first: {c:?})"
            )));
        }
        if text.chars().any(is_han) {
            Ok(SpeechLanguage::Mandarin)
        } else if text.chars().any(|c| c.is_ascii_alphabetic() || is_latin_extended(c)) {
            Ok(SpeechLanguage::English)
        } else {
            Err(Error::UnsupportedLanguage("text without Chinese characters or Latin letters".into()))
        }
    }
}

fn is_unsupported_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{1100}'..='\u{11FF}' | '\u{AC00}'..='\u{D7AF}' // Hangul
        | '\u{0400}'..='\u{04FF}' // Cyrillic
        | '\u{0590}'..='\u{06FF}' // Hebrew, Arabic
        | '\u{0900}'..='\u{097F}' // Devanagari
        | '\u{0E00}'..='\u{0E7F}' // Thai
    )
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn is_latin_extended(c: char) -> bool {
    // Latin-1 letters and Latin Extended-A/B (pinyin tone marks such as ā, ǎ, ü).
    matches!(c, '\u{00C0}'..='\u{024F}')
}

/// A spoken text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audio {
    /// A complete RIFF/WAVE file (16-bit mono PCM, 22.05 kHz for espeak-ng).
    pub wav: Vec<u8>,
    /// The voice that spoke it.
    pub voice: &'static str,
    /// Whether it came from the cache.
    pub cached: bool,
}

/// The `espeak-ng` program with an optional cache directory.
#[derive(Debug, Clone)]
pub struct Espeak {
    /// The program, usually `espeak-ng` (found on `PATH`) or `/usr/bin/espeak-ng`.
    pub program: PathBuf,
    /// Where WAV files are cached (`<dir>/<voice>/<sha256>.wav`); `None` disables caching.
    pub cache_dir: Option<PathBuf>,
    /// Speaking rate in words per minute (espeak-ng's default is 175; 140 suits learners).
    pub words_per_minute: u32,
    /// How long one synthesis may take before the process is killed.
    pub timeout: Duration,
}

impl Espeak {
    /// The cache file for `text` in `language`, whether or not it exists yet.
    pub fn cache_path(&self, text: &str, language: SpeechLanguage) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        Some(cache_file(dir, language.voice(), self.words_per_minute, text.trim()))
    }

    fn synthesise(&self, text: &str, voice: &str) -> Result<Vec<u8>, Error> {
        let mut child = Command::new(&self.program)
            .args(["-v", voice, "-s", &self.words_per_minute.to_string(), "--stdout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Error::Speech(format!(
                    "cannot run {} ({e}); install the Debian package espeak-ng",
                    self.program.display()
                ))
            })?;
        let mut stdin = child.stdin.take().expect("stdin was piped");
        let mut stdout = child.stdout.take().expect("stdout was piped");
        let mut stderr = child.stderr.take().expect("stderr was piped");
        let input = text.to_owned();
        // Separate threads so that a full pipe in one direction cannot deadlock the other.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let reader = std::thread::spawn(move || {
            let mut wav = Vec::new();
            stdout.read_to_end(&mut wav).map(|_| wav)
        });
        let err_reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::Speech(format!(
                        "espeak-ng took longer than {:?} and was stopped",
                        self.timeout
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(Error::Speech(format!("waiting for espeak-ng: {e}"))),
            }
        };
        let _ = writer.join();
        let wav = reader
            .join()
            .map_err(|_| Error::Speech("espeak-ng output reader panicked".into()))?
            .map_err(|e| Error::Speech(format!("reading espeak-ng output: {e}")))?;
        let stderr = err_reader.join().unwrap_or_default();
        if !status.success() {
            return Err(Error::Speech(format!("espeak-ng exited with {status}: {}", stderr.trim())));
        }
        if wav.len() < 44 || &wav[..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
            return Err(Error::Speech(format!(
                "espeak-ng returned no WAV audio ({} bytes): {}",
                wav.len(),
                stderr.trim()
            )));
        }
        Ok(fix_streamed_wav_sizes(wav))
    }
}

/// espeak-ng writes WAV to a pipe before it knows the length, leaving 0x7fffffff-style sizes in
/// the RIFF and data headers; players and browsers need the real ones.
fn fix_streamed_wav_sizes(mut wav: Vec<u8>) -> Vec<u8> {
    let riff = u32::try_from(wav.len() - 8).unwrap_or(u32::MAX);
    wav[4..8].copy_from_slice(&riff.to_le_bytes());
    // Walk the chunks after "WAVE" to find "data".
    let mut pos = 12;
    while pos + 8 <= wav.len() {
        let id = [wav[pos], wav[pos + 1], wav[pos + 2], wav[pos + 3]];
        if &id == b"data" {
            let size = u32::try_from(wav.len() - pos - 8).unwrap_or(u32::MAX);
            wav[pos + 4..pos + 8].copy_from_slice(&size.to_le_bytes());
            break;
        }
        let size = u32::from_le_bytes([wav[pos + 4], wav[pos + 5], wav[pos + 6], wav[pos + 7]]) as usize;
        pos += 8 + size + size % 2;
    }
    wav
}

impl Speaker for Espeak {
    fn speak(&self, text: &str, language: SpeechLanguage) -> Result<Audio, Error> {
        let voice = language.voice();
        cached(self.cache_dir.as_deref(), voice, self.words_per_minute, text, || self.synthesise(text.trim(), voice))
    }
}

/// Validates `text`, then returns the cached WAV for (voice, rate, text) or synthesises and
/// stores it.
pub(crate) fn cached(
    cache_dir: Option<&Path>,
    voice: &'static str,
    words_per_minute: u32,
    text: &str,
    synthesise: impl FnOnce() -> Result<Vec<u8>, Error>,
) -> Result<Audio, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::InvalidRequest("nothing to read aloud: the text is empty".into()));
    }
    if text.chars().count() > MAX_SPEECH_CHARS {
        return Err(Error::InvalidRequest(format!(
            "text longer than {MAX_SPEECH_CHARS} characters; read it aloud paragraph by paragraph"
        )));
    }
    let cache_path = cache_dir.map(|dir| cache_file(dir, voice, words_per_minute, text));
    if let Some(path) = &cache_path
        && let Ok(wav) = std::fs::read(path)
    {
        return Ok(Audio { wav, voice, cached: true });
    }
    let wav = synthesise()?;
    if let Some(path) = &cache_path {
        write_atomically(path, &wav)?;
    }
    Ok(Audio { wav, voice, cached: false })
}

fn cache_file(dir: &Path, voice: &str, words_per_minute: u32, text: &str) -> PathBuf {
    let mut hasher = Sha256::new();
    hasher.update(words_per_minute.to_le_bytes());
    hasher.update(text.as_bytes());
    dir.join(voice).join(format!("{}.wav", hex::encode(hasher.finalize())))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
