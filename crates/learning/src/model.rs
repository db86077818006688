//! Learner models: the common one-answer-at-a-time interface and the models behind it.

pub mod bkt;
pub mod ensemble;
pub mod gru;
pub mod irt;
pub mod logistic;
pub(crate) mod optim;

use crate::corpus::{Attempt, Corpus};

/// A fitted model that follows one learner answer by answer.
///
/// `start` gives the state of a learner with no history; `predict` is the probability that the
/// learner answers `item` (tagged with `kps`) correctly next; `update` folds one answer in.
/// Predictions never look at the answer they predict, so running a sequence through
/// [`predict_sequence`] gives honest one-step-ahead predictions.
pub trait Tracer {
    /// What the model remembers about one learner.
    type State: Clone;
    /// The state of a learner with no answers yet.
    fn start(&self) -> Self::State;
    /// Probability of a correct answer to `item` from a learner in `state`.
    fn predict(&self, state: &Self::State, item: u32, kps: &[u32]) -> f32;
    /// Folds one answer into the learner's state.
    fn update(&self, state: &mut Self::State, attempt: Attempt<'_>);
}

/// One-step-ahead predictions for every answer of every sequence, in the corpus's global order.
pub fn predict_corpus<T: Tracer>(model: &T, corpus: &Corpus) -> Vec<f32> {
    let mut out = Vec::with_capacity(corpus.n_attempts());
    for seq_idx in 0..corpus.n_sequences() {
        predict_sequence(model, corpus.sequence(seq_idx), &mut out);
    }
    out
}

/// Appends one-step-ahead predictions for one learner's answers to `out`.
pub fn predict_sequence<'a, T: Tracer>(model: &T, attempts: impl Iterator<Item = Attempt<'a>>, out: &mut Vec<f32>) {
    let mut state = model.start();
    for attempt in attempts {
        out.push(model.predict(&state, attempt.item, attempt.kps));
        model.update(&mut state, attempt);
    }
}

/// The logistic function, computed without overflow. Log-odds are clamped to ±15 so that no
/// model ever claims certainty (the result stays strictly between 0 and 1 in `f32`).
pub(crate) fn sigmoid(x: f32) -> f32 {
    let x = x.clamp(-15.0, 15.0);
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The log-odds of `p`, with `p` kept away from 0 and 1 so the result is finite.
pub(crate) fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests;
