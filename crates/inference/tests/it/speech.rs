//! espeak-ng for Mandarin and English, with the cache.

use std::path::PathBuf;
use std::time::Duration;

use inference::{Error, Espeak, Speaker, SpeechLanguage};

fn espeak(cache: Option<PathBuf>) -> Espeak {
    Espeak {
        program: "espeak-ng".into(),
        cache_dir: cache,
        words_per_minute: 140,
        timeout: Duration::from_secs(30),
    }
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
    let first = tts
        .speak(text, SpeechLanguage::detect(text).unwrap())
        .unwrap();
    assert_eq!(first.voice, "cmn-latn-pinyin");
    assert!(!first.cached);
    let seconds = pcm_seconds(&first.wav);
    assert!(
        (1.0..6.0).contains(&seconds),
        "{seconds} s for nine characters"
    );
    let again = tts.speak(text, SpeechLanguage::Mandarin).unwrap();
    assert!(again.cached);
    assert_eq!(again.wav, first.wav);
    assert!(
        tts.cache_path(text, SpeechLanguage::Mandarin)
            .unwrap()
            .exists()
    );

    let english = tts
        .speak("The cat is sleeping on the sofa.", SpeechLanguage::English)
        .unwrap();
    assert_eq!(english.voice, "en-us");
    assert!(pcm_seconds(&english.wav) > 1.0);
}

#[test]
fn empty_text_and_a_missing_program_are_clear_errors() {
    assert!(matches!(
        espeak(None).speak("  ", SpeechLanguage::English),
        Err(Error::InvalidRequest(_))
    ));
    let mut missing = espeak(None);
    missing.program = "/nonexistent/espeak-ng".into();
    let err = missing.speak("hello", SpeechLanguage::English).unwrap_err();
    assert!(
        err.to_string()
            .contains("install the Debian package espeak-ng"),
        "{err}"
    );
}
