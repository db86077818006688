//! Question-independent features comparing an answer with the reference answers and the question.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::sparse::{DocFreq, NgramCounts, NgramSpec, SparseVec, Vectoriser, hash};
use crate::text::{Analysed, TokenKind, is_negation, is_stopword};

/// Names of the reference features, in vector order.
pub(crate) const REFERENCE_FEATURES: [&str; 17] = [
    "reference term recall",
    "reference term precision",
    "recall of reference terms not in the question",
    "fuzzy recall of reference terms",
    "reference bigram recall",
    "character n-gram similarity to a reference",
    "word similarity to a reference",
    "length relative to the reference",
    "answer length",
    "negation differs from the reference",
    "share of terms taken from the question",
    "share of terms in neither question nor reference",
    "character similarity to the question",
    "reference numbers present",
    "empty answer",
    "number of reference answers",
    "reference length",
];

/// Corpus statistics the reference features weigh terms with; learned from training texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReferenceContext {
    stems: DocFreq,
    chars: Vectoriser,
}

pub(crate) const CHAR_SPEC: NgramSpec = NgramSpec { word_max: 1, char_min: 2, char_max: 4, char_weight: 1.0 };

fn stem_key(stem: &str) -> u32 {
    hash(&[stem.as_bytes()], 7)
}

fn content_stems(text: &Analysed) -> Vec<&str> {
    text.tokens.iter().filter(|t| !is_stopword(t) && !is_negation(t)).map(|t| t.stem.as_str()).collect()
}

impl ReferenceContext {
    pub(crate) fn fit(texts: &[&Analysed]) -> Self {
        let mut stems = DocFreq::default();
        let mut counts = Vec::with_capacity(texts.len());
        for t in texts {
            let keys: HashSet<u32> = t.tokens.iter().map(|tok| stem_key(&tok.stem)).collect();
            stems.add(keys.iter());
            counts.push(NgramCounts::new(t, &CHAR_SPEC));
        }
        ReferenceContext { stems, chars: Vectoriser::fit(CHAR_SPEC, &counts) }
    }

    fn idf(&self, stem: &str) -> f64 {
        f64::from(self.stems.idf(stem_key(stem)))
    }

    fn char_vector(&self, text: &Analysed) -> SparseVec {
        self.chars.transform(&NgramCounts::new(text, &CHAR_SPEC))
    }

    fn word_vector(&self, stems: &[&str]) -> SparseVec {
        let mut map: HashMap<u32, f32> = HashMap::new();
        for s in stems {
            *map.entry(stem_key(s)).or_default() += 1.0;
        }
        let weighted = map.into_iter().map(|(k, tf)| (k, (1.0 + tf.ln()) * self.stems.idf(k))).collect();
        SparseVec::from_map(weighted)
    }
}

/// One reference answer, analysed once.
#[derive(Debug, Clone)]
struct PreparedReference {
    stems: Vec<String>,
    new_stems: Vec<String>,
    bigrams: HashSet<(String, String)>,
    numbers: HashSet<String>,
    negations: usize,
    chars: SparseVec,
    words: SparseVec,
    n_content: usize,
}

/// A question's prompt and references, analysed once for scoring many answers.
#[derive(Debug, Clone)]
pub(crate) struct PreparedQuestion {
    prompt_stems: HashSet<String>,
    prompt_chars: SparseVec,
    references: Vec<PreparedReference>,
}

fn dedup(stems: Vec<&str>) -> Vec<String> {
    let mut seen = HashSet::new();
    stems.into_iter().filter(|s| seen.insert(*s)).map(str::to_owned).collect()
}

fn bigrams(text: &Analysed) -> HashSet<(String, String)> {
    let stems = content_stems(text);
    stems.windows(2).map(|w| (w[0].to_owned(), w[1].to_owned())).collect()
}

fn trigram_set(s: &str) -> HashSet<[char; 3]> {
    let cs: Vec<char> = std::iter::once('^').chain(s.chars()).chain(std::iter::once('$')).collect();
    cs.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

impl PreparedQuestion {
    pub(crate) fn new(context: &ReferenceContext, prompt: &Analysed, references: &[Analysed]) -> Self {
        let prompt_stems: HashSet<String> = content_stems(prompt).into_iter().map(str::to_owned).collect();
        let references = references
            .iter()
            .filter(|r| !r.tokens.is_empty())
            .map(|r| {
                let content = content_stems(r);
                let stems = dedup(content.clone());
                let new_stems = stems.iter().filter(|s| !prompt_stems.contains(*s)).cloned().collect();
                PreparedReference {
                    numbers: r.tokens.iter().filter(|t| t.kind == TokenKind::Number).map(|t| t.stem.clone()).collect(),
                    negations: r.tokens.iter().filter(|t| is_negation(t)).count(),
                    chars: context.char_vector(r),
                    words: context.word_vector(&content),
                    n_content: content.len(),
                    bigrams: bigrams(r),
                    stems,
                    new_stems,
                }
            })
            .collect();
        PreparedQuestion { prompt_chars: context.char_vector(prompt), prompt_stems, references }
    }

    /// The features of `answer`, in `REFERENCE_FEATURES` order.
    pub(crate) fn features(&self, context: &ReferenceContext, answer: &Analysed) -> Vec<f64> {
        let content = content_stems(answer);
        let answer_stems: HashSet<&str> = content.iter().copied().collect();
        let answer_chars = context.char_vector(answer);
        let answer_words = context.word_vector(&content);
        let answer_bigrams = bigrams(answer);
        let answer_numbers: HashSet<&str> =
            answer.tokens.iter().filter(|t| t.kind == TokenKind::Number).map(|t| t.stem.as_str()).collect();
        let answer_negations = answer.tokens.iter().filter(|t| is_negation(t)).count();
        let answer_trigrams: Vec<HashSet<[char; 3]>> = dedup(content.clone()).iter().map(|s| trigram_set(s)).collect();

        let weighted_recall = |stems: &[String]| -> f64 {
            let total: f64 = stems.iter().map(|s| context.idf(s)).sum();
            if total == 0.0 {
                return 0.0;
            }
            stems.iter().filter(|s| answer_stems.contains(s.as_str())).map(|s| context.idf(s)).sum::<f64>() / total
        };
        let mut f = [0.0f64; REFERENCE_FEATURES.len()];
        let mut best_recall = -1.0;
        for r in &self.references {
            let recall = weighted_recall(&r.stems);
            f[0] = f[0].max(recall);
            let ref_set: HashSet<&str> = r.stems.iter().map(String::as_str).collect();
            let a_total: f64 = answer_stems.iter().map(|s| context.idf(s)).sum();
            if a_total > 0.0 {
                let hit: f64 = answer_stems.iter().filter(|s| ref_set.contains(*s)).map(|s| context.idf(s)).sum();
                f[1] = f[1].max(hit / a_total);
            }
            f[2] = f[2].max(if r.new_stems.is_empty() { recall } else { weighted_recall(&r.new_stems) });
            // Fuzzy recall: a reference term counts by its best character-trigram Dice match.
            let total: f64 = r.stems.iter().map(|s| context.idf(s)).sum();
            if total > 0.0 {
                let mut hit = 0.0;
                for s in &r.stems {
                    let match_score = if answer_stems.contains(s.as_str()) {
                        1.0
                    } else {
                        let t = trigram_set(s);
                        answer_trigrams
                            .iter()
                            .map(|a| 2.0 * a.intersection(&t).count() as f64 / (a.len() + t.len()) as f64)
                            .fold(0.0, f64::max)
                    };
                    if match_score >= 0.5 {
                        hit += match_score * context.idf(s);
                    }
                }
                f[3] = f[3].max(hit / total);
            }
            if !r.bigrams.is_empty() {
                let hits = r.bigrams.iter().filter(|b| answer_bigrams.contains(*b)).count();
                f[4] = f[4].max(hits as f64 / r.bigrams.len() as f64);
            }
            f[5] = f[5].max(f64::from(answer_chars.cosine(&r.chars)));
            f[6] = f[6].max(f64::from(answer_words.cosine(&r.words)));
            if recall > best_recall {
                best_recall = recall;
                f[7] = ((content.len() as f64 + 1.0) / (r.n_content as f64 + 1.0)).ln();
                f[9] = f64::from(u8::from((answer_negations % 2) != (r.negations % 2)));
                f[13] = if r.numbers.is_empty() {
                    1.0
                } else {
                    r.numbers.iter().filter(|n| answer_numbers.contains(n.as_str())).count() as f64
                        / r.numbers.len() as f64
                };
            }
        }
        if self.references.is_empty() {
            f[13] = 1.0;
        }
        f[8] = (1.0 + content.len() as f64).ln();
        if !content.is_empty() {
            let in_prompt = content.iter().filter(|s| self.prompt_stems.contains(**s)).count();
            f[10] = in_prompt as f64 / content.len() as f64;
            let novel = content
                .iter()
                .filter(|s| {
                    !self.prompt_stems.contains(**s) && !self.references.iter().any(|r| r.stems.iter().any(|x| x == *s))
                })
                .count();
            f[11] = novel as f64 / content.len() as f64;
        }
        f[12] = f64::from(answer_chars.cosine(&self.prompt_chars));
        f[14] = f64::from(u8::from(answer.tokens.is_empty()));
        f[15] = (1.0 + self.references.len() as f64).ln();
        let n_ref =
            self.references.iter().map(|r| r.n_content).sum::<usize>() as f64 / self.references.len().max(1) as f64;
        f[16] = (1.0 + n_ref).ln();
        f.to_vec()
    }
}
