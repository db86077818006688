//! Response logs in the dense form every learner model fits on and predicts over.

use std::ops::Range;

/// One answer: which item, which knowledge points it exercises, and whether it was right.
///
/// Items and knowledge points are dense indices (`0..n_items`, `0..n_kps`) chosen by whoever
/// built the [`Corpus`]; the graph and the server map their ids onto them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// Dense item index.
    pub item: u32,
    /// Dense knowledge-point indices the item is tagged with (may be empty).
    pub kps: &'a [u32],
    /// Whether the answer was correct.
    pub correct: bool,
}

/// Many learners' answer sequences, each in the order the answers were given.
///
/// Stored as flat arrays (one allocation per column) so that fitting walks memory in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corpus {
    n_items: u32,
    n_kps: u32,
    // Invariant: starts with 0, non-decreasing, ends with `items.len()`.
    seq_offsets: Vec<usize>,
    items: Vec<u32>,
    correct: Vec<bool>,
    // Invariant: `kp_offsets.len() == items.len() + 1`, non-decreasing, ends with `kps.len()`.
    kp_offsets: Vec<usize>,
    kps: Vec<u32>,
}

impl Corpus {
    /// Starts an empty corpus whose items are `0..n_items` and knowledge points `0..n_kps`.
    pub fn builder(n_items: u32, n_kps: u32) -> CorpusBuilder {
        CorpusBuilder {
            corpus: Corpus {
                n_items,
                n_kps,
                seq_offsets: vec![0],
                items: Vec::new(),
                correct: Vec::new(),
                kp_offsets: vec![0],
                kps: Vec::new(),
            },
        }
    }

    /// Size of the item index space.
    pub fn n_items(&self) -> u32 {
        self.n_items
    }

    /// Size of the knowledge-point index space.
    pub fn n_kps(&self) -> u32 {
        self.n_kps
    }

    /// Number of answer sequences (learners, or chunks of learners' histories).
    pub fn n_sequences(&self) -> usize {
        self.seq_offsets.len() - 1
    }

    /// Total number of answers over all sequences.
    pub fn n_attempts(&self) -> usize {
        self.items.len()
    }

    /// The positions (global attempt indices) of sequence `seq_idx`.
    pub fn sequence_range(&self, seq_idx: usize) -> Range<usize> {
        self.seq_offsets[seq_idx]..self.seq_offsets[seq_idx + 1]
    }

    /// The answer at global position `attempt_idx`.
    pub fn attempt(&self, attempt_idx: usize) -> Attempt<'_> {
        let kps = &self.kps[self.kp_offsets[attempt_idx]..self.kp_offsets[attempt_idx + 1]];
        Attempt { item: self.items[attempt_idx], kps, correct: self.correct[attempt_idx] }
    }

    /// The answers of sequence `seq_idx`, in order.
    pub fn sequence(&self, seq_idx: usize) -> impl ExactSizeIterator<Item = Attempt<'_>> + '_ {
        self.sequence_range(seq_idx).map(|attempt_idx| self.attempt(attempt_idx))
    }

    /// Every answer's correctness, in global order (the labels predictions are scored against).
    pub fn labels(&self) -> &[bool] {
        &self.correct
    }

    /// Every answer's item, in global order.
    pub fn items(&self) -> &[u32] {
        &self.items
    }

    /// Cuts every sequence longer than `max_len` into independent chunks of at most `max_len`
    /// answers (the last chunk holds the remainder), as the DKVMN and AKT protocols do.
    /// A `max_len` of 0 leaves the corpus unchanged.
    pub fn chunked(&self, max_len: usize) -> Corpus {
        if max_len == 0 {
            return self.clone();
        }
        let mut seq_offsets = vec![0];
        for seq_idx in 0..self.n_sequences() {
            let range = self.sequence_range(seq_idx);
            let mut start = range.start;
            while start < range.end {
                let end = (start + max_len).min(range.end);
                seq_offsets.push(end);
                start = end;
            }
        }
        Corpus { seq_offsets, ..self.clone() }
    }

    /// Concatenates corpora with the same index spaces (their sequences stay separate).
    pub fn concat(parts: &[&Corpus]) -> Corpus {
        let n_items = parts.iter().map(|c| c.n_items).max().unwrap_or(0);
        let n_kps = parts.iter().map(|c| c.n_kps).max().unwrap_or(0);
        let mut builder = Corpus::builder(n_items, n_kps);
        for part in parts {
            for seq_idx in 0..part.n_sequences() {
                for attempt in part.sequence(seq_idx) {
                    builder.push(attempt.item, attempt.kps, attempt.correct);
                }
                builder.end_sequence();
            }
        }
        builder.finish()
    }
}

/// Builds a [`Corpus`] one answer at a time.
#[derive(Debug)]
pub struct CorpusBuilder {
    corpus: Corpus,
}

impl CorpusBuilder {
    /// Appends an answer to the current sequence. Indices outside the corpus's index spaces
    /// widen them, so a builder never rejects an answer.
    pub fn push(&mut self, item: u32, kps: &[u32], correct: bool) {
        let c = &mut self.corpus;
        c.n_items = c.n_items.max(item.saturating_add(1));
        for &kp in kps {
            c.n_kps = c.n_kps.max(kp.saturating_add(1));
        }
        c.items.push(item);
        c.correct.push(correct);
        c.kps.extend_from_slice(kps);
        c.kp_offsets.push(c.kps.len());
    }

    /// Closes the current sequence; an empty sequence is skipped.
    pub fn end_sequence(&mut self) {
        let c = &mut self.corpus;
        let last = *c.seq_offsets.last().expect("seq_offsets always starts with 0");
        if c.items.len() > last {
            c.seq_offsets.push(c.items.len());
        }
    }

    /// Finishes the corpus, closing any open sequence.
    pub fn finish(mut self) -> Corpus {
        self.end_sequence();
        self.corpus
    }
}
