//! Item response theory (1PL/2PL) with a Gaussian ability filter, and an online Elo variant.

use serde::{Deserialize, Serialize};

use crate::corpus::{Attempt, Corpus};
use crate::model::optim::lbfgs;
use crate::model::{Tracer, sigmoid};

/// One- or two-parameter logistic IRT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IrtKind {
    /// Rasch: P(correct) = σ(θ − b).
    OnePl,
    /// P(correct) = σ(a(θ − b)) with a discrimination `a` per item.
    TwoPl,
}

/// Item parameters fitted by joint maximum a posteriori estimation; learners' abilities are
/// then followed answer by answer with a Gaussian (Laplace) posterior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Irt {
    kind: IrtKind,
    /// Difficulty per item.
    pub difficulty: Vec<f32>,
    /// Discrimination per item (all 1 for 1PL).
    pub discrimination: Vec<f32>,
    /// Spread of abilities in the training population (the prior's standard deviation).
    pub ability_sd: f32,
}

/// A learner's ability belief: mean and variance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ability {
    /// Posterior mean.
    pub mean: f32,
    /// Posterior variance.
    pub var: f32,
}

impl Irt {
    /// Difficulty 0, discrimination 1 and ability spread 1 for every item.
    pub fn unfitted(kind: IrtKind, n_items: u32) -> Self {
        Self {
            kind,
            difficulty: vec![0.0; n_items as usize],
            discrimination: vec![1.0; n_items as usize],
            ability_sd: 1.0,
        }
    }

    /// A Rasch model with given item difficulties (e.g. authors' estimates before any data).
    pub fn from_difficulties(difficulty: Vec<f32>) -> Self {
        let n = difficulty.len();
        Self { kind: IrtKind::OnePl, difficulty, discrimination: vec![1.0; n], ability_sd: 1.0 }
    }

    /// Joint MAP fit: one ability per training sequence (prior N(0, 1)), difficulties with prior
    /// N(0, `prior_sd`²), log-discriminations with prior N(0, 0.5²).
    pub fn fit(corpus: &Corpus, kind: IrtKind, prior_sd: f64, max_iterations: u32) -> Self {
        let n_items = corpus.n_items() as usize;
        let n_seq = corpus.n_sequences();
        let two_pl = kind == IrtKind::TwoPl;
        // Layout: abilities, difficulties, then log-discriminations for 2PL.
        let n_params = n_seq + n_items + if two_pl { n_items } else { 0 };
        let mut w = vec![0.0f64; n_params];
        let mut seq_of = Vec::with_capacity(corpus.n_attempts());
        for seq_idx in 0..n_seq {
            seq_of.extend(std::iter::repeat_n(seq_idx as u32, corpus.sequence_range(seq_idx).len()));
        }
        let items = corpus.items();
        let labels = corpus.labels();
        let n_rows = labels.len().max(1) as f64;
        let b_prec = 1.0 / (prior_sd * prior_sd);
        let mut objective = |w: &[f64], grad: &mut [f64]| -> f64 {
            let mut value = 0.0;
            grad.iter_mut().for_each(|g| *g = 0.0);
            for r in 0..labels.len() {
                let s = seq_of[r] as usize;
                let i = items[r] as usize;
                let theta = w[s];
                let b = w[n_seq + i];
                let log_a = if two_pl { w[n_seq + n_items + i] } else { 0.0 };
                let a = log_a.exp();
                let z = a * (theta - b);
                let signed = if labels[r] { z } else { -z };
                value += if signed > 0.0 { (-signed).exp().ln_1p() } else { -signed + signed.exp().ln_1p() };
                let p = 1.0 / (1.0 + (-z).exp());
                let err = p - if labels[r] { 1.0 } else { 0.0 };
                grad[s] += err * a;
                grad[n_seq + i] -= err * a;
                if two_pl {
                    grad[n_seq + n_items + i] += err * z;
                }
            }
            for (j, g) in grad.iter_mut().enumerate() {
                let prec = if j < n_seq {
                    1.0
                } else if j < n_seq + n_items {
                    b_prec
                } else {
                    4.0
                };
                value += 0.5 * prec * w[j] * w[j];
                *g += prec * w[j];
                *g /= n_rows;
            }
            value / n_rows
        };
        lbfgs(&mut w, max_iterations, 1e-10, 10, &mut objective);
        let mean_theta = w[..n_seq].iter().sum::<f64>() / n_seq.max(1) as f64;
        let var_theta = w[..n_seq].iter().map(|t| (t - mean_theta).powi(2)).sum::<f64>() / n_seq.max(1) as f64;
        // Abilities are centred on the population mean so a new learner starts there.
        let difficulty = w[n_seq..n_seq + n_items].iter().map(|b| (b - mean_theta) as f32).collect();
        let discrimination =
            if two_pl { w[n_seq + n_items..].iter().map(|la| la.exp() as f32).collect() } else { vec![1.0; n_items] };
        Self { kind, difficulty, discrimination, ability_sd: (var_theta.sqrt() as f32).max(0.1) }
    }

    fn item(&self, item: u32) -> (f32, f32) {
        let i = item as usize;
        (self.difficulty.get(i).copied().unwrap_or(0.0), self.discrimination.get(i).copied().unwrap_or(1.0))
    }
}

impl Tracer for Irt {
    type State = Ability;

    fn start(&self) -> Ability {
        Ability { mean: 0.0, var: self.ability_sd * self.ability_sd }
    }

    /// The posterior predictive probability (probit approximation of the logistic–normal).
    fn predict(&self, state: &Ability, item: u32, _kps: &[u32]) -> f32 {
        let (b, a) = self.item(item);
        let spread = (1.0 + std::f32::consts::PI * a * a * state.var / 8.0).sqrt();
        sigmoid(a * (state.mean - b) / spread)
    }

    fn update(&self, state: &mut Ability, attempt: Attempt<'_>) {
        let (b, a) = self.item(attempt.item);
        let p = sigmoid(a * (state.mean - b));
        let info = a * a * p * (1.0 - p);
        let var = 1.0 / (1.0 / state.var + info);
        let y = if attempt.correct { 1.0 } else { 0.0 };
        state.mean += var * a * (y - p);
        state.var = var;
    }
}

/// Elo rating for learners and items (Pelánek 2016): both move after every answer with a step
/// that shrinks as they gather answers. Fitting runs the training answers through once; after
/// that, item ratings stay fixed while learners keep moving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elo {
    /// Difficulty rating per item.
    pub difficulty: Vec<f32>,
    /// Answers seen per item while fitting.
    pub item_answers: Vec<u32>,
    /// Step-size numerator.
    pub alpha: f32,
    /// Step-size decay per answer seen.
    pub beta: f32,
}

/// A learner's Elo rating and number of answers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EloRating {
    /// Ability rating.
    pub ability: f32,
    /// Answers folded in.
    pub n: u32,
}

impl Elo {
    /// Unrated items; `alpha` 1 and `beta` 0.05 are Pelánek's suggested step sizes.
    pub fn unfitted(n_items: u32) -> Self {
        Self {
            difficulty: vec![0.0; n_items as usize],
            item_answers: vec![0; n_items as usize],
            alpha: 1.0,
            beta: 0.05,
        }
    }

    /// Rates items by running every training answer through once, in sequence order.
    pub fn fit(corpus: &Corpus) -> Self {
        let mut elo = Self::unfitted(corpus.n_items());
        for seq_idx in 0..corpus.n_sequences() {
            let mut rating = elo.start();
            for attempt in corpus.sequence(seq_idx) {
                let i = attempt.item as usize;
                let p = sigmoid(rating.ability - elo.difficulty[i]);
                let y = if attempt.correct { 1.0 } else { 0.0 };
                let k_item = elo.alpha / (1.0 + elo.beta * elo.item_answers[i] as f32);
                elo.difficulty[i] -= k_item * (y - p);
                elo.item_answers[i] += 1;
                elo.update(&mut rating, attempt);
            }
        }
        elo
    }
}

impl Tracer for Elo {
    type State = EloRating;

    fn start(&self) -> EloRating {
        EloRating { ability: 0.0, n: 0 }
    }

    fn predict(&self, state: &EloRating, item: u32, _kps: &[u32]) -> f32 {
        sigmoid(state.ability - self.difficulty.get(item as usize).copied().unwrap_or(0.0))
    }

    fn update(&self, state: &mut EloRating, attempt: Attempt<'_>) {
        let p = self.predict(state, attempt.item, attempt.kps);
        let y = if attempt.correct { 1.0 } else { 0.0 };
        state.ability += self.alpha / (1.0 + self.beta * state.n as f32) * (y - p);
        state.n += 1;
    }
}
