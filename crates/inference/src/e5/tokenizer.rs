//! The XLM-RoBERTa SentencePiece-unigram tokenizer stored in an `E5S1` file.

use std::collections::HashMap;

/// The SentencePiece metaspace marker that stands for a space.
const META: char = '\u{2581}';

/// Unigram vocabulary plus the per-codepoint normalisation map of the file.
#[derive(Debug)]
pub(crate) struct Tokenizer {
    pub(crate) bos: u32,
    pub(crate) eos: u32,
    unk: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    scores: Vec<f32>,
    // Invariant: maps a piece's UTF-8 bytes to its lowest id (the first one in the file).
    pieces: HashMap<Vec<u8>, u32>,
    normalisation: HashMap<char, Vec<char>>,
}

impl Tokenizer {
    pub(crate) fn new(
        pieces_in_order: Vec<Vec<u8>>,
        scores: Vec<f32>,
        normalisation: HashMap<char, Vec<char>>,
        bos: u32,
        eos: u32,
        unk: u32,
    ) -> Tokenizer {
        let unk_score = scores.iter().copied().fold(f32::INFINITY, f32::min) - 10.0;
        let max_piece_bytes = pieces_in_order.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut pieces = HashMap::with_capacity(pieces_in_order.len());
        for (id, piece) in pieces_in_order.into_iter().enumerate() {
            if piece.is_empty() {
                continue;
            }
            let id = u32::try_from(id).expect("piece count was read from a 32-bit field");
            pieces.entry(piece).or_insert(id);
        }
        Tokenizer { bos, eos, unk, unk_score, max_piece_bytes, scores, pieces, normalisation }
    }

    /// Content token ids of `text` (without `<s>`/`</s>`), exactly as the reference `e5.c` does:
    /// normalise, collapse runs of spaces, add the metaspace, then Viterbi over the pieces.
    pub(crate) fn content_ids(&self, text: &str) -> Vec<u32> {
        let mut chars: Vec<char> = Vec::with_capacity(text.len() + 1);
        for c in text.chars() {
            match self.normalisation.get(&c) {
                Some(replacement) => chars.extend_from_slice(replacement),
                None => chars.push(c),
            }
        }
        chars.dedup_by(|next, prev| *next == ' ' && *prev == ' ');

        let mut normalised = String::with_capacity(chars.len() * 3 + 3);
        // Invariant: char_starts[i] is the byte offset of char i; the last entry is the length.
        let mut char_starts = Vec::with_capacity(chars.len() + 2);
        if chars.first() != Some(&' ') {
            char_starts.push(0);
            normalised.push(META);
        }
        for &c in &chars {
            char_starts.push(normalised.len());
            normalised.push(if c == ' ' { META } else { c });
        }
        char_starts.push(normalised.len());
        let bytes = normalised.as_bytes();

        let n_chars = char_starts.len() - 1;
        let mut best = vec![f32::NEG_INFINITY; n_chars + 1];
        // (piece id or None for unknown, start char) of the best path ending at each char.
        let mut back: Vec<(Option<u32>, usize)> = vec![(None, 0); n_chars + 1];
        best[0] = 0.0;
        for start in 0..n_chars {
            if best[start] == f32::NEG_INFINITY {
                continue;
            }
            let byte_start = char_starts[start];
            for end in start + 1..=n_chars {
                let len = char_starts[end] - byte_start;
                if len > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.pieces.get(&bytes[byte_start..char_starts[end]])
                    && id != self.unk
                {
                    let score = best[start] + self.scores[id as usize];
                    if score > best[end] {
                        best[end] = score;
                        back[end] = (Some(id), start);
                    }
                }
            }
            let unknown = best[start] + self.unk_score;
            if unknown > best[start + 1] {
                best[start + 1] = unknown;
                back[start + 1] = (None, start);
            }
        }

        let mut ids = Vec::new();
        let mut end = n_chars;
        while end > 0 {
            let (id, start) = back[end];
            ids.push(id.unwrap_or(self.unk));
            end = start;
        }
        ids.reverse();
        ids
    }
}
