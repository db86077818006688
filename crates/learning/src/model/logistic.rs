//! Logistic learner models over item, knowledge-point and history features: PFA and a
//! Best-LR/DAS3H-style feature set, fitted by L2-regularised L-BFGS.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::corpus::{Attempt, Corpus};
use crate::model::irt::{Ability, Irt, IrtKind};
use crate::model::optim::lbfgs;
use crate::model::{Tracer, logit, sigmoid};

/// Which feature families the model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSet {
    /// One weight per item (its easiness).
    pub item: bool,
    /// One weight per knowledge point (its easiness).
    pub kp: bool,
    /// Per-knowledge-point weights on log(1 + prior successes) and log(1 + prior failures),
    /// as in Performance Factors Analysis.
    pub pfa: bool,
    /// Shared weights on history summaries: prior successes and failures overall, on the item
    /// and on its knowledge points, the last answers, and recent success rates.
    pub history: bool,
    /// Features from a Rasch model fitted first: the learner's ability estimate, the Rasch
    /// log-odds for the item, and recent answers' surprise (answer minus Rasch prediction).
    #[serde(default)]
    pub ability: bool,
}

impl FeatureSet {
    /// Performance Factors Analysis (Pavlik et al. 2009).
    pub const PFA: FeatureSet = FeatureSet { item: false, kp: true, pfa: true, history: false, ability: false };
    /// Item and knowledge-point easiness, per-point PFA counts and history summaries
    /// (after Gervet et al.'s Best-LR and DAS3H).
    pub const RICH: FeatureSet = FeatureSet { item: true, kp: true, pfa: true, history: true, ability: true };
}

/// Number of dense history features; see [`LogisticState::history_features`].
const N_HISTORY: usize = 16;
/// Number of ability features; see [`Logistic::ability_features`].
const N_ABILITY: usize = 3;
/// Weight of the newest surprise in the running surprise average.
const SURPRISE_RATE: f32 = 0.3;
// Outcomes remembered for the recent-rate features.
const RECENT: u32 = 10;
const KP_RECENT: u32 = 5;

/// How [`Logistic::fit`] optimises.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticOptions {
    /// The feature families.
    pub features: FeatureSet,
    /// L2 penalty per answer on the one-hot (item, knowledge-point, PFA) weights.
    pub l2_sparse: f64,
    /// L2 penalty per answer on the bias and shared history weights.
    pub l2_dense: f64,
    /// L-BFGS iterations at most.
    pub max_iterations: u32,
}

impl LogisticOptions {
    /// Settings that work on the benchmark datasets' training splits without tuning.
    pub fn standard(features: FeatureSet) -> Self {
        Self { features, l2_sparse: 1e-5, l2_dense: 1e-7, max_iterations: 300 }
    }
}

/// A fitted logistic model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    features: FeatureSet,
    n_items: u32,
    n_kps: u32,
    // Layout: bias, history block, ability block, item block, kp block, pfa block (wins then
    // fails per KP).
    weights: Vec<f32>,
    /// The Rasch model behind the ability features.
    #[serde(default)]
    ability: Option<Irt>,
}

/// What the logistic model remembers per learner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogisticState {
    wins: u32,
    fails: u32,
    // Last outcomes, newest in bit 0; `n_recent` of them are valid.
    recent: u32,
    n_recent: u32,
    prev_item: Option<u32>,
    prev_correct: bool,
    kps: HashMap<u32, Counts>,
    items: HashMap<u32, (u32, u32)>,
    /// Rasch ability belief, once the learner has answered.
    #[serde(default)]
    theta: Option<Ability>,
    /// Running average of answer minus Rasch prediction.
    #[serde(default)]
    surprise: f32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct Counts {
    wins: u32,
    fails: u32,
    recent: u32,
    n_recent: u32,
}

impl Logistic {
    /// A model whose weights are all zero (every prediction 0.5), for a subject without data.
    pub fn unfitted(features: FeatureSet, n_items: u32, n_kps: u32) -> Self {
        let mut model = Self { features, n_items, n_kps, weights: Vec::new(), ability: None };
        model.weights = vec![0.0; model.n_weights()];
        model
    }

    /// Fits the weights on every answer of `corpus` (each predicted from its own history).
    pub fn fit(corpus: &Corpus, options: &LogisticOptions) -> Self {
        let mut model = Self::unfitted(options.features, corpus.n_items(), corpus.n_kps());
        if options.features.ability {
            model.ability = Some(Irt::fit(corpus, IrtKind::OnePl, 1.0, 300));
        }
        let n_weights = model.n_weights();
        // Sparse design matrix, one row per answer.
        let mut row_offsets = vec![0usize];
        let mut cols: Vec<u32> = Vec::new();
        let mut vals: Vec<f32> = Vec::new();
        let mut row = Vec::new();
        for seq_idx in 0..corpus.n_sequences() {
            let mut state = LogisticState::default();
            for attempt in corpus.sequence(seq_idx) {
                row.clear();
                model.features_into(&state, attempt.item, attempt.kps, &mut |c, v| row.push((c, v)));
                for &(col, val) in &row {
                    cols.push(col);
                    vals.push(val);
                }
                row_offsets.push(cols.len());
                model.update(&mut state, attempt);
            }
        }
        let labels = corpus.labels();
        let n_rows = labels.len().max(1) as f64;
        let dense_end = 1 + N_HISTORY + N_ABILITY;
        let penalty: Vec<f64> =
            (0..n_weights).map(|j| if j < dense_end { options.l2_dense } else { options.l2_sparse }).collect();
        let mut w = vec![0.0f64; n_weights];
        let mut objective = |w: &[f64], grad: &mut [f64]| -> f64 {
            grad.iter_mut().zip(w).zip(&penalty).for_each(|((g, &x), &l)| *g = l * x);
            let mut value: f64 = w.iter().zip(&penalty).map(|(x, l)| 0.5 * l * x * x).sum();
            for (r, &y) in labels.iter().enumerate() {
                let span = row_offsets[r]..row_offsets[r + 1];
                let z: f64 = cols[span.clone()]
                    .iter()
                    .zip(&vals[span.clone()])
                    .map(|(&c, &v)| w[c as usize] * f64::from(v))
                    .sum();
                let p = 1.0 / (1.0 + (-z).exp());
                // log(1 + e^-z) for y = 1 and log(1 + e^z) for y = 0, computed stably.
                let signed = if y { z } else { -z };
                value += (if signed > 0.0 { (-signed).exp().ln_1p() } else { -signed + signed.exp().ln_1p() }) / n_rows;
                let err = (p - if y { 1.0 } else { 0.0 }) / n_rows;
                for (&c, &v) in cols[span.clone()].iter().zip(&vals[span]) {
                    grad[c as usize] += err * f64::from(v);
                }
            }
            value
        };
        lbfgs(&mut w, options.max_iterations, 1e-9, 10, &mut objective);
        model.weights = w.iter().map(|&x| x as f32).collect();
        model
    }

    fn n_weights(&self) -> usize {
        let f = self.features;
        1 + N_HISTORY
            + N_ABILITY
            + if f.item { self.n_items as usize } else { 0 }
            + if f.kp { self.n_kps as usize } else { 0 }
            + if f.pfa { 2 * self.n_kps as usize } else { 0 }
    }

    /// Emits (weight index, value) pairs for predicting `item` from `state`.
    fn features_into(&self, state: &LogisticState, item: u32, kps: &[u32], emit: &mut dyn FnMut(u32, f32)) {
        let f = self.features;
        emit(0, 1.0);
        if f.history {
            for (idx, value) in state.history_features(item, kps).into_iter().enumerate() {
                if value != 0.0 {
                    emit(1 + idx as u32, value);
                }
            }
        }
        if let Some(irt) = &self.ability {
            for (idx, value) in Self::ability_features(irt, state, item, kps).into_iter().enumerate() {
                if value != 0.0 {
                    emit(1 + N_HISTORY as u32 + idx as u32, value);
                }
            }
        }
        let mut base = 1 + (N_HISTORY + N_ABILITY) as u32;
        if f.item {
            if item < self.n_items {
                emit(base + item, 1.0);
            }
            base += self.n_items;
        }
        if f.kp {
            for &kp in kps {
                if kp < self.n_kps {
                    emit(base + kp, 1.0);
                }
            }
            base += self.n_kps;
        }
        if f.pfa {
            for &kp in kps {
                if kp < self.n_kps {
                    let counts = state.kps.get(&kp).copied().unwrap_or_default();
                    emit(base + kp, (counts.wins as f32).ln_1p());
                    emit(base + self.n_kps + kp, (counts.fails as f32).ln_1p());
                }
            }
        }
    }

    /// The learner's ability estimate, the Rasch log-odds of `item`, and the running surprise.
    fn ability_features(irt: &Irt, state: &LogisticState, item: u32, kps: &[u32]) -> [f32; N_ABILITY] {
        let theta = state.theta.unwrap_or_else(|| irt.start());
        [theta.mean, logit(irt.predict(&theta, item, kps)), state.surprise]
    }

    /// The log-odds of a correct answer.
    pub fn log_odds(&self, state: &LogisticState, item: u32, kps: &[u32]) -> f32 {
        let mut z = 0.0;
        self.features_into(state, item, kps, &mut |c, v| z += self.weights[c as usize] * v);
        z
    }
}

impl LogisticState {
    /// Records one answer.
    pub fn record(&mut self, attempt: Attempt<'_>) {
        let y = attempt.correct;
        if y {
            self.wins += 1;
        } else {
            self.fails += 1;
        }
        self.recent = (self.recent << 1) | u32::from(y);
        self.n_recent = (self.n_recent + 1).min(RECENT);
        self.prev_item = Some(attempt.item);
        self.prev_correct = y;
        for &kp in attempt.kps {
            let c = self.kps.entry(kp).or_default();
            if y {
                c.wins += 1;
            } else {
                c.fails += 1;
            }
            c.recent = (c.recent << 1) | u32::from(y);
            c.n_recent = (c.n_recent + 1).min(KP_RECENT);
        }
        let item = self.items.entry(attempt.item).or_default();
        if y {
            item.0 += 1;
        } else {
            item.1 += 1;
        }
    }

    /// The shared history features for answering `item` next.
    fn history_features(&self, item: u32, kps: &[u32]) -> [f32; N_HISTORY] {
        let mut x = [0.0f32; N_HISTORY];
        let ln1p = |n: u32| (n as f32).ln_1p();
        let smoothed = |w: u32, n: u32| logit((w as f32 + 1.0) / (n as f32 + 2.0));
        x[0] = ln1p(self.wins);
        x[1] = ln1p(self.fails);
        x[2] = smoothed(self.wins, self.wins + self.fails);
        let (iw, if_) = self.items.get(&item).copied().unwrap_or((0, 0));
        x[3] = ln1p(iw);
        x[4] = ln1p(if_);
        if let Some(prev) = self.prev_item {
            let same = prev == item;
            match (same, self.prev_correct) {
                (true, true) => x[5] = 1.0,
                (true, false) => x[6] = 1.0,
                (false, true) => x[7] = 1.0,
                (false, false) => x[8] = 1.0,
            }
        }
        let recent_mask = (1u32 << self.n_recent) - 1;
        let recent_wins = (self.recent & recent_mask).count_ones();
        x[9] = smoothed(recent_wins, self.n_recent);
        if !kps.is_empty() {
            let n = kps.len() as f32;
            for &kp in kps {
                let c = self.kps.get(&kp).copied().unwrap_or_default();
                x[10] += ln1p(c.wins) / n;
                x[11] += ln1p(c.fails) / n;
                x[12] += smoothed(c.wins, c.wins + c.fails) / n;
                let mask = (1u32 << c.n_recent) - 1;
                x[13] += smoothed((c.recent & mask).count_ones(), c.n_recent) / n;
                if c.n_recent > 0 {
                    if c.recent & 1 == 1 {
                        x[14] += 1.0 / n;
                    } else {
                        x[15] += 1.0 / n;
                    }
                }
            }
        }
        x
    }
}

impl Tracer for Logistic {
    type State = LogisticState;

    fn start(&self) -> LogisticState {
        LogisticState::default()
    }

    fn predict(&self, state: &LogisticState, item: u32, kps: &[u32]) -> f32 {
        sigmoid(self.log_odds(state, item, kps))
    }

    fn update(&self, state: &mut LogisticState, attempt: Attempt<'_>) {
        if let Some(irt) = &self.ability {
            let mut theta = state.theta.unwrap_or_else(|| irt.start());
            let p = irt.predict(&theta, attempt.item, attempt.kps);
            let y = if attempt.correct { 1.0 } else { 0.0 };
            state.surprise = (1.0 - SURPRISE_RATE) * state.surprise + SURPRISE_RATE * (y - p);
            irt.update(&mut theta, attempt);
            state.theta = Some(theta);
        }
        state.record(attempt);
    }
}
