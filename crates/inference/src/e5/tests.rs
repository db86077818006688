#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::Path;

use super::tokenizer::Tokenizer;
use super::{E5Embedder, dequantize_q4_0};
use crate::Error;

#[test]
fn q4_0_block_puts_low_nibbles_first_and_subtracts_eight() {
    // Scale 0.5 as f16 is 0x3800; byte j = (hi << 4) | lo.
    let mut block = vec![0x00, 0x38];
    block.extend((0..16u8).map(|j| (15 - j) << 4 | j));
    let mut out = Vec::new();
    dequantize_q4_0(&block, &mut out);
    assert_eq!(out.len(), 32);
    assert_eq!(out[0], -4.0);
    assert_eq!(out[8], 0.0);
    assert_eq!(out[15], 3.5);
    assert_eq!(out[16], 3.5);
    assert_eq!(out[31], -4.0);
}

fn tiny_tokenizer() -> Tokenizer {
    let pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u{2581}", "\u{2581}ca", "t", "\u{2581}cat", "s", "小", "猫"];
    let scores = vec![0.0, 0.0, 0.0, 0.0, -3.0, -2.0, -2.5, -1.0, -2.0, -4.0, -4.0];
    let normalisation = HashMap::from([('Ｃ', vec!['c'])]);
    Tokenizer::new(pieces.iter().map(|p| p.as_bytes().to_vec()).collect(), scores, normalisation, 0, 2, 3)
}

#[test]
fn tokenizer_prefers_the_highest_scoring_segmentation() {
    assert_eq!(tiny_tokenizer().content_ids("cats"), vec![7, 8]);
}

#[test]
fn tokenizer_normalises_collapses_spaces_and_marks_unknown_characters() {
    let tokenizer = tiny_tokenizer();
    assert_eq!(tokenizer.content_ids("Ｃat  小猫!"), vec![7, 4, 9, 10, 3]);
    assert_eq!(tokenizer.content_ids(""), vec![4]);
}

#[test]
fn loading_a_file_that_is_not_e5s1_is_a_format_error() {
    let err = E5Embedder::from_bytes(b"GGUF\0\0\0\0", Path::new("x.bin")).unwrap_err();
    assert!(matches!(err, Error::ModelFormat { ref reason, .. } if reason.contains("bad magic")), "{err}");
}

#[test]
fn loading_a_truncated_header_is_a_format_error_not_a_panic() {
    let err = E5Embedder::from_bytes(b"E5S1\x01\0\0\0\x80\x01", Path::new("x.bin")).unwrap_err();
    assert!(matches!(err, Error::ModelFormat { ref reason, .. } if reason.contains("truncated")), "{err}");
}
