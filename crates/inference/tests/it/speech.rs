//! espeak-ng for Mandarin and English, with the cache.

use std::path::PathBuf;
use std::time::Duration;

use inference::{Error, Espeak, Speaker, SpeechLanguage};

fn espeak(cache: Option<PathBuf>) -> Espeak {
    Espeak { program: "espeak-ng".into(), cache_dir: cache, words_per_minute: 140, timeout: Duration::from_secs(30) }
}

fn pcm_seconds(wav: &[u8]) -> f64 {
    assert_eq!(&wav[..4], b"RIFF");
    let rate = u32::from_le_bytes(wav[24..28].try_into().unwrap());
    let data = u32::from_le_bytes(wav[40..44].try_into().unwrap());
    assert_eq!(data as usize, wav.len() - 44, "the data size is fixed up");
    f64::from(data) / 2.0 / f64::from(rate)
}

#[test]
fn mandarin_and_english_are_spoken_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    let tts = espeak(Some(dir.path().to_owned()));
    let text = "小猫在沙发上睡觉。";
    let first = tts.speak(text, SpeechLanguage::detect(text).unwrap()).unwrap();
    assert_eq!(first.voice, "cmn-latn-pinyin");
    assert!(!first.cached);
    let seconds = pcm_seconds(&first.wav);
    assert!((1.0..6.0).contains(&seconds), "{seconds} s for nine characters");
    let again = tts.speak(text, SpeechLanguage::Mandarin).unwrap();
    assert!(again.cached);
    assert_eq!(again.wav, first.wav);
    assert!(tts.cache_path(text, SpeechLanguage::Mandarin).unwrap().exists());

    let english = tts.speak("The cat is sleeping on the sofa.", SpeechLanguage::English).unwrap();
    assert_eq!(english.voice, "en-us");
    assert!(pcm_seconds(&english.wav) > 1.0);
}

#[test]
fn empty_text_and_a_missing_program_are_clear_errors() {
    assert!(matches!(espeak(None).speak("  ", SpeechLanguage::English), Err(Error::InvalidRequest(_))));
    let mut missing = espeak(None);
    missing.program = "/nonexistent/espeak-ng".into();
    let err = missing.speak("hello", SpeechLanguage::English).unwrap_err();
    assert!(err.to_string().contains("install the Debian package espeak-ng"), "{err}");
}

/// The Piper English voice through ONNX Runtime (feature `piper`).
#[cfg(feature = "piper")]
#[test]
fn the_piper_voice_speaks_english_and_refuses_mandarin() {
    use inference::models::{ONNXRUNTIME_LINUX_X64, PIPER_JOE_EN, PIPER_JOE_EN_CONFIG};
    use inference::speech::piper::PiperVoice;

    use crate::support;

    let voice_path = support::model(&PIPER_JOE_EN);
    support::model(&PIPER_JOE_EN_CONFIG);
    let library = support::model(&ONNXRUNTIME_LINUX_X64);
    let dir = tempfile::tempdir().unwrap();
    let voice = PiperVoice::load(&voice_path, &library, "espeak-ng".into(), Some(dir.path().to_owned())).unwrap();
    let audio = voice.speak("The cat is sleeping on the sofa.", SpeechLanguage::English).unwrap();
    let seconds = pcm_seconds(&audio.wav);
    assert!((1.0..5.0).contains(&seconds), "{seconds} s");
    // Speech, not silence: a good share of samples is loud.
    let loud =
        audio.wav[44..].chunks_exact(2).filter(|s| i16::from_le_bytes([s[0], s[1]]).unsigned_abs() > 3000).count();
    assert!(loud * 20 > (audio.wav.len() - 44) / 2, "{loud} loud samples");
    assert!(voice.speak("The cat is sleeping on the sofa.", SpeechLanguage::English).unwrap().cached);
    assert!(matches!(voice.speak("小猫", SpeechLanguage::Mandarin), Err(Error::UnsupportedLanguage(_))));
}
