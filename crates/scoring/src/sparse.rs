//! Hashed sparse n-gram vectors with TF-IDF weighting: the representation behind every text kernel.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text::{Analysed, TokenKind};

/// Hashed features live in `0..1 << DIM_BITS`; collisions are rare enough to ignore at this size.
const DIM_BITS: u32 = 22;

/// FNV-1a: stable across Rust releases and platforms, unlike `std`'s hasher, so that a
/// serialised model keeps its meaning.
pub(crate) fn hash(parts: &[&[u8]], seed: u8) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(seed);
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    ((h >> 32) ^ h) as u32 & ((1 << DIM_BITS) - 1)
}

/// A sparse vector. Invariant: `idx` is strictly increasing and `val.len() == idx.len()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SparseVec {
    pub(crate) idx: Vec<u32>,
    pub(crate) val: Vec<f32>,
}

impl SparseVec {
    pub(crate) fn from_map(map: HashMap<u32, f32>) -> Self {
        let mut pairs: Vec<(u32, f32)> = map.into_iter().collect();
        pairs.sort_unstable_by_key(|&(i, _)| i);
        let (idx, val) = pairs.into_iter().unzip();
        SparseVec { idx, val }
    }

    pub(crate) fn dot(&self, other: &SparseVec) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < self.idx.len() && j < other.idx.len() {
            match self.idx[i].cmp(&other.idx[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.val[i] * other.val[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    pub(crate) fn norm(&self) -> f32 {
        self.val.iter().map(|v| v * v).sum::<f32>().sqrt()
    }

    pub(crate) fn scaled_to_unit(mut self, weight: f32) -> Self {
        let norm = self.norm();
        if norm > 0.0 {
            for v in &mut self.val {
                *v *= weight / norm;
            }
        }
        self
    }

    /// Merges vectors with disjoint hash seeds (or adds where they collide).
    pub(crate) fn sum(parts: Vec<SparseVec>) -> SparseVec {
        let mut map: HashMap<u32, f32> = HashMap::new();
        for part in parts {
            for (i, v) in part.idx.into_iter().zip(part.val) {
                *map.entry(i).or_default() += v;
            }
        }
        SparseVec::from_map(map)
    }

    /// Cosine similarity; 0 when either side is empty.
    pub(crate) fn cosine(&self, other: &SparseVec) -> f32 {
        let denom = self.norm() * other.norm();
        if denom > 0.0 { self.dot(other) / denom } else { 0.0 }
    }
}

/// Which n-grams a vectoriser extracts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct NgramSpec {
    /// Word n-grams of length `1..=word_max` over stems.
    pub(crate) word_max: usize,
    /// Character n-grams of lengths `char_min..=char_max` over the normalised text.
    pub(crate) char_min: usize,
    pub(crate) char_max: usize,
    /// Weight of the character block relative to the word block (each block is unit length).
    pub(crate) char_weight: f32,
}

/// Raw counts of the word and character n-grams of a text, before weighting.
#[derive(Debug, Clone)]
pub(crate) struct NgramCounts {
    words: HashMap<u32, f32>,
    chars: HashMap<u32, f32>,
}

impl NgramCounts {
    pub(crate) fn new(analysed: &Analysed, spec: &NgramSpec) -> Self {
        let mut words = HashMap::new();
        let stems: Vec<&[u8]> = analysed
            .tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Number || t.stem.len() < 12)
            .map(|t| t.stem.as_bytes())
            .collect();
        for n in 1..=spec.word_max {
            for gram in stems.windows(n) {
                *words.entry(hash(gram, n as u8)).or_insert(0.0) += 1.0;
            }
        }
        let mut chars = HashMap::new();
        let cs: Vec<char> = analysed.normalised.chars().collect();
        let mut buf = [0u8; 4 * 16];
        for n in spec.char_min..=spec.char_max.min(16) {
            for gram in cs.windows(n) {
                let mut len = 0;
                for c in gram {
                    len += c.encode_utf8(&mut buf[len..]).len();
                }
                *chars.entry(hash(&[&buf[..len]], 100 + n as u8)).or_insert(0.0) += 1.0;
            }
        }
        NgramCounts { words, chars }
    }
}

/// Document frequencies of hashed n-grams, for IDF weighting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct DocFreq {
    n_docs: u32,
    df: HashMap<u32, u32>,
}

impl DocFreq {
    pub(crate) fn add<'a>(&mut self, keys: impl IntoIterator<Item = &'a u32>) {
        self.n_docs += 1;
        for k in keys {
            *self.df.entry(*k).or_insert(0) += 1;
        }
    }

    pub(crate) fn n_docs(&self) -> u32 {
        self.n_docs
    }

    pub(crate) fn df(&self, key: u32) -> u32 {
        self.df.get(&key).copied().unwrap_or(0)
    }

    /// Smoothed IDF; an unseen key gets the highest weight.
    pub(crate) fn idf(&self, key: u32) -> f32 {
        let df = self.df.get(&key).copied().unwrap_or(0);
        ((1.0 + self.n_docs as f32) / (1.0 + df as f32)).ln() + 1.0
    }
}

/// A fitted TF-IDF vectoriser: n-gram spec plus document frequencies of its training texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Vectoriser {
    spec: NgramSpec,
    words: DocFreq,
    chars: DocFreq,
}

impl Vectoriser {
    pub(crate) fn fit(spec: NgramSpec, counts: &[NgramCounts]) -> Self {
        let mut words = DocFreq::default();
        let mut chars = DocFreq::default();
        for c in counts {
            words.add(c.words.keys());
            chars.add(c.chars.keys());
        }
        Vectoriser { spec, words, chars }
    }

    pub(crate) fn spec(&self) -> &NgramSpec {
        &self.spec
    }

    /// Sublinear TF times IDF, each block scaled to unit length, then blocks weighted.
    pub(crate) fn transform(&self, counts: &NgramCounts) -> SparseVec {
        let weigh = |map: &HashMap<u32, f32>, df: &DocFreq| -> SparseVec {
            SparseVec::from_map(map.iter().map(|(&k, &tf)| (k, (1.0 + tf.ln()) * df.idf(k))).collect())
        };
        let words = weigh(&counts.words, &self.words).scaled_to_unit(1.0);
        let chars = weigh(&counts.chars, &self.chars).scaled_to_unit(self.spec.char_weight);
        SparseVec::sum(vec![words, chars]).scaled_to_unit(1.0)
    }
}
