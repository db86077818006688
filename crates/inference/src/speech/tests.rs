#![allow(clippy::unwrap_used)]

use super::{SpeechLanguage, fix_streamed_wav_sizes};
use crate::Error;

#[test]
fn han_characters_pick_mandarin_even_in_mixed_text() {
    assert_eq!(SpeechLanguage::detect("我有 3 apples").unwrap(), SpeechLanguage::Mandarin);
    assert_eq!(SpeechLanguage::detect("The cat sat.").unwrap(), SpeechLanguage::English);
    assert_eq!(SpeechLanguage::detect("Lǜ sè, ü").unwrap(), SpeechLanguage::English);
}

#[test]
fn other_scripts_and_empty_text_are_unsupported() {
    for text in ["こんにちは", "日本語の文章です", "Привет", "مرحبا", "안녕하세요", "123 !!"]
    {
        assert!(matches!(SpeechLanguage::detect(text), Err(Error::UnsupportedLanguage(_))), "{text}");
    }
}

#[test]
fn streamed_wav_headers_get_their_real_sizes() {
    let mut wav = b"RIFF\xff\xff\xff\x7fWAVEfmt \x10\0\0\0".to_vec();
    wav.extend([0u8; 16]);
    wav.extend(b"data\xff\xff\xff\x7f");
    wav.extend([1u8; 10]);
    let fixed = fix_streamed_wav_sizes(wav);
    assert_eq!(u32::from_le_bytes(fixed[4..8].try_into().unwrap()), 46);
    assert_eq!(u32::from_le_bytes(fixed[40..44].try_into().unwrap()), 10);
}
