//! Interpretable essay features, each filed under the rubric trait it informs.

use std::collections::HashSet;

use super::Trait;
use crate::examples::ExampleSignals;
use crate::sparse::{DocFreq, hash};
use crate::text::{Analysed, TokenKind, is_stopword};

/// Feature names and traits, in row order.
pub(super) const ESSAY_FEATURES: [(&str, Trait); 31] = [
    ("n-gram model of graded essays", Trait::Content),
    ("scores of the most similar graded essays", Trait::Content),
    ("similarity to the nearest graded essay", Trait::Content),
    ("score of the nearest graded essay", Trait::Content),
    ("closer to high- than to low-scored essays", Trait::Content),
    ("coverage of the prompt's terms", Trait::Content),
    ("number of words", Trait::Development),
    ("number of characters", Trait::Development),
    ("number of sentences", Trait::Development),
    ("number of distinct content words", Trait::Development),
    ("number of paragraphs", Trait::Organisation),
    ("discourse markers per sentence", Trait::Organisation),
    ("distinct discourse markers", Trait::Organisation),
    ("has a concluding marker", Trait::Organisation),
    ("type-token ratio", Trait::Vocabulary),
    ("distinct words per square root of words", Trait::Vocabulary),
    ("mean word length", Trait::Vocabulary),
    ("share of long words", Trait::Vocabulary),
    ("mean rarity of words", Trait::Vocabulary),
    ("mean sentence length", Trait::SentenceStructure),
    ("spread of sentence lengths", Trait::SentenceStructure),
    ("longest sentence", Trait::SentenceStructure),
    ("share of very long sentences", Trait::SentenceStructure),
    ("share of very short sentences", Trait::SentenceStructure),
    ("commas per sentence", Trait::SentenceStructure),
    ("share of words unknown to the graded essays", Trait::Conventions),
    ("sentences starting in lower case", Trait::Conventions),
    ("lower-case 'i' as a word", Trait::Conventions),
    ("contractions without apostrophes", Trait::Conventions),
    ("repeated punctuation", Trait::Conventions),
    ("share of words in capitals", Trait::Conventions),
];

const MARKERS_EN: &[&str] = &[
    "however",
    "therefore",
    "moreover",
    "furthermore",
    "in addition",
    "additionally",
    "for example",
    "for instance",
    "first",
    "firstly",
    "second",
    "secondly",
    "third",
    "finally",
    "in conclusion",
    "to conclude",
    "to sum up",
    "overall",
    "because",
    "although",
    "though",
    "on the other hand",
    "as a result",
    "consequently",
    "thus",
    "hence",
    "also",
    "besides",
    "in fact",
    "instead",
    "meanwhile",
    "nevertheless",
    "similarly",
    "likewise",
    "unless",
    "whereas",
    "since",
];
const MARKERS_ZH: &[&str] = &[
    "但是",
    "然而",
    "因此",
    "所以",
    "而且",
    "并且",
    "此外",
    "另外",
    "例如",
    "比如",
    "首先",
    "其次",
    "再次",
    "最后",
    "总之",
    "综上所述",
    "总而言之",
    "因为",
    "虽然",
    "尽管",
    "不过",
    "同时",
    "于是",
];
const CONCLUDING: &[&str] =
    &["in conclusion", "to conclude", "to sum up", "overall", "in summary", "总之", "综上所述", "总而言之"];
const BARE_CONTRACTIONS: &[&str] = &[
    "dont", "cant", "wont", "didnt", "doesnt", "isnt", "im", "ive", "wasnt", "arent", "couldnt", "wouldnt", "shouldnt",
    "thats", "theyre", "youre",
];

fn word_key(surface: &str) -> u32 {
    hash(&[surface.as_bytes()], 9)
}

/// Counts non-overlapping occurrences of `needle` in `haystack` at word boundaries (for Latin
/// markers) or anywhere (for Chinese ones).
fn count_marker(haystack: &str, needle: &str) -> usize {
    let latin = needle.is_ascii();
    haystack
        .match_indices(needle)
        .filter(|(at, _)| {
            !latin || {
                let before = haystack[..*at].chars().next_back();
                let after = haystack[at + needle.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
            }
        })
        .count()
}

/// Computes essay feature rows against a vocabulary of graded essays.
#[derive(Debug)]
pub(super) struct EssayFeatures<'a> {
    pub(super) vocabulary: &'a DocFreq,
    pub(super) prompt: Option<&'a Analysed>,
}

impl EssayFeatures<'_> {
    /// Document frequencies of surface words over the graded essays.
    pub(super) fn vocabulary(essays: &[Analysed]) -> DocFreq {
        let mut df = DocFreq::default();
        for e in essays {
            let keys: HashSet<u32> =
                e.tokens.iter().filter(|t| t.kind == TokenKind::Word).map(|t| word_key(&t.surface)).collect();
            df.add(keys.iter());
        }
        df
    }

    /// The feature row of one essay. `in_vocabulary` says the essay itself was counted in the
    /// vocabulary (training), so its own words are discounted once.
    pub(super) fn row(&self, raw: &str, a: &Analysed, s: &ExampleSignals, in_vocabulary: bool) -> Vec<f64> {
        let words: Vec<&str> =
            a.tokens.iter().filter(|t| t.kind != TokenKind::Number).map(|t| t.surface.as_str()).collect();
        let n_words = words.len() as f64;
        let distinct: HashSet<&str> = words.iter().copied().collect();
        let content: HashSet<&str> = a.tokens.iter().filter(|t| !is_stopword(t)).map(|t| t.stem.as_str()).collect();
        let sentences: Vec<f64> = a.sentence_lengths.iter().map(|&l| l as f64).collect();
        let n_sent = sentences.len().max(1) as f64;
        let mean_sent = sentences.iter().sum::<f64>() / n_sent;
        let spread = (sentences.iter().map(|l| (l - mean_sent).powi(2)).sum::<f64>() / n_sent).sqrt();
        let paragraphs = raw.split('\n').filter(|p| !p.trim().is_empty()).count().max(1) as f64;

        let markers: Vec<usize> = MARKERS_EN.iter().chain(MARKERS_ZH).map(|m| count_marker(&a.normalised, m)).collect();
        let concluding = CONCLUDING.iter().any(|m| count_marker(&a.normalised, m) > 0);

        let own = u32::from(in_vocabulary);
        let n_docs = f64::from(self.vocabulary.n_docs().saturating_sub(own).max(1));
        let mut unknown = 0usize;
        let mut rarity = 0.0;
        let mut counted = 0usize;
        for t in a.tokens.iter().filter(|t| t.kind == TokenKind::Word) {
            let df = self.vocabulary.df(word_key(&t.surface)).saturating_sub(own);
            if df < 2 {
                unknown += 1;
            }
            rarity += (n_docs / (1.0 + f64::from(df))).ln();
            counted += 1;
        }
        let lower_starts = lower_case_sentence_starts(raw);
        let caps_words = raw
            .split_whitespace()
            .filter(|w| w.len() > 1 && w.chars().all(|c| !c.is_lowercase()) && w.chars().any(char::is_uppercase))
            .count();
        let repeated_punct =
            raw.as_bytes().windows(2).filter(|w| w[0] == w[1] && matches!(w[0], b'!' | b'?' | b'.')).count();

        let prompt_coverage = self.prompt.map_or(0.0, |p| {
            let terms: HashSet<&str> = p.tokens.iter().filter(|t| !is_stopword(t)).map(|t| t.stem.as_str()).collect();
            if terms.is_empty() {
                0.0
            } else {
                terms.iter().filter(|t| content.contains(**t)).count() as f64 / terms.len() as f64
            }
        });
        let per_word = |x: usize| {
            if n_words > 0.0 { x as f64 / n_words } else { 0.0 }
        };
        let long_words = words.iter().filter(|w| w.chars().count() >= 7).count();
        let mean_len =
            if n_words > 0.0 { words.iter().map(|w| w.chars().count()).sum::<usize>() as f64 / n_words } else { 0.0 };
        vec![
            s.ridge,
            s.knn_mean,
            s.top_similarity,
            s.nearest_score,
            s.high_minus_low,
            prompt_coverage,
            n_words,
            a.normalised.chars().count() as f64,
            sentences.len() as f64,
            content.len() as f64,
            paragraphs,
            markers.iter().sum::<usize>() as f64 / n_sent,
            markers.iter().filter(|&&c| c > 0).count() as f64,
            f64::from(u8::from(concluding)),
            if n_words > 0.0 { distinct.len() as f64 / n_words } else { 0.0 },
            if n_words > 0.0 { distinct.len() as f64 / n_words.sqrt() } else { 0.0 },
            mean_len,
            per_word(long_words),
            if counted > 0 { rarity / counted as f64 } else { 0.0 },
            mean_sent,
            spread,
            sentences.iter().copied().fold(0.0, f64::max),
            sentences.iter().filter(|&&l| l > 35.0).count() as f64 / n_sent,
            sentences.iter().filter(|&&l| l < 5.0).count() as f64 / n_sent,
            raw.chars().filter(|&c| c == ',' || c == '，' || c == '、').count() as f64 / n_sent,
            per_word(unknown),
            lower_starts as f64 / n_sent,
            per_word(count_marker(raw, "i")),
            per_word(words.iter().filter(|w| BARE_CONTRACTIONS.contains(w)).count()),
            repeated_punct as f64 / n_sent,
            per_word(caps_words),
        ]
    }
}

/// Sentences (after `.`, `!`, `?`) whose first letter is lower case.
fn lower_case_sentence_starts(raw: &str) -> usize {
    let mut count = 0;
    let mut at_start = true;
    for c in raw.chars() {
        if matches!(c, '.' | '!' | '?') {
            at_start = true;
        } else if c.is_alphabetic() {
            if at_start && c.is_lowercase() {
                count += 1;
            }
            at_start = false;
        } else if c.is_ascii_digit() {
            at_start = false;
        }
    }
    count
}
