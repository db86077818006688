//! Bayesian Knowledge Tracing per knowledge point, fitted by EM with random restarts.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::corpus::{Attempt, Corpus};
use crate::model::Tracer;

/// The four (five with forgetting) probabilities of one knowledge point's hidden Markov model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BktParams {
    /// P(known) before the first answer.
    pub prior: f32,
    /// P(unknown → known) after each answer.
    pub learn: f32,
    /// P(known → unknown) after each answer; 0 in classic BKT.
    pub forget: f32,
    /// P(correct | unknown).
    pub guess: f32,
    /// P(wrong | known).
    pub slip: f32,
}

impl BktParams {
    /// Textbook values used for a knowledge point without data.
    pub const UNFITTED: BktParams = BktParams { prior: 0.3, learn: 0.15, forget: 0.0, guess: 0.2, slip: 0.1 };

    /// P(correct) for a learner whose P(known) is `known`.
    pub fn p_correct(&self, known: f32) -> f32 {
        known * (1.0 - self.slip) + (1.0 - known) * self.guess
    }

    /// P(known) after observing one answer and then one learning opportunity.
    pub fn posterior(&self, known: f32, correct: bool) -> f32 {
        let (on_known, on_unknown) =
            if correct { (1.0 - self.slip, self.guess) } else { (self.slip, 1.0 - self.guess) };
        let joint_known = known * on_known;
        let evidence = joint_known + (1.0 - known) * on_unknown;
        // Parameters are clamped away from 0 and 1 when fitted, but hand-written ones may not
        // be; an impossible observation keeps the prior instead of dividing by zero.
        let given = if evidence > 0.0 { joint_known / evidence } else { known };
        given * (1.0 - self.forget) + (1.0 - given) * self.learn
    }
}

/// How [`Bkt::fit`] runs EM.
#[derive(Debug, Clone, PartialEq)]
pub struct BktOptions {
    /// Random restarts per knowledge point; the fit with the best likelihood wins (at least 1).
    pub restarts: u32,
    /// EM iterations at most per restart.
    pub max_iterations: u32,
    /// Stop when the log-likelihood improves by no more than this.
    pub tolerance: f64,
    /// Fit a forgetting probability too.
    pub forgetting: bool,
    /// Seed for the restarts' starting points.
    pub seed: u64,
}

impl BktOptions {
    /// pyBKT's defaults: 100 iterations, tolerance 1e-3, no forgetting.
    pub fn classic(restarts: u32, seed: u64) -> Self {
        Self { restarts, max_iterations: 100, tolerance: 1e-3, forgetting: false, seed }
    }
}

/// Fitted per-knowledge-point BKT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bkt {
    /// Parameters per knowledge point; a point without data keeps [`BktParams::UNFITTED`].
    pub params: Vec<BktParams>,
}

/// What BKT remembers per learner: P(known) per knowledge point.
pub type BktState = Vec<f32>;

// Fitted probabilities stay inside this margin so that no likelihood is ever exactly 0.
const EPS: f64 = 1e-6;

impl Bkt {
    /// Unfitted BKT over `n_kps` knowledge points.
    pub fn unfitted(n_kps: u32) -> Self {
        Self { params: vec![BktParams::UNFITTED; n_kps as usize] }
    }

    /// Fits every knowledge point independently by EM (Baum–Welch) on `corpus`.
    ///
    /// Each answer is an observation for every knowledge point its item is tagged with.
    pub fn fit(corpus: &Corpus, options: &BktOptions) -> Self {
        let n_kps = corpus.n_kps() as usize;
        // Gather each knowledge point's observation subsequences (one per learner sequence).
        let mut obs: Vec<Vec<bool>> = vec![Vec::new(); n_kps];
        let mut starts: Vec<Vec<u32>> = vec![Vec::new(); n_kps];
        let mut last_seq: Vec<usize> = vec![usize::MAX; n_kps];
        for seq_idx in 0..corpus.n_sequences() {
            for attempt in corpus.sequence(seq_idx) {
                for &kp in attempt.kps {
                    let kp = kp as usize;
                    if last_seq[kp] != seq_idx {
                        last_seq[kp] = seq_idx;
                        starts[kp].push(obs[kp].len() as u32);
                    }
                    obs[kp].push(attempt.correct);
                }
            }
        }
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let mut scratch = Vec::new();
        let params = (0..n_kps)
            .map(|kp| {
                if obs[kp].is_empty() {
                    return BktParams::UNFITTED;
                }
                let mut best: Option<(f64, Params64)> = None;
                for _ in 0..options.restarts.max(1) {
                    let init = Params64::random(&mut rng, options.forgetting);
                    let (ll, fitted) = em(&obs[kp], &starts[kp], init, options, &mut scratch);
                    if best.as_ref().is_none_or(|(best_ll, _)| ll > *best_ll) {
                        best = Some((ll, fitted));
                    }
                }
                best.expect("at least one restart ran").1.to_params()
            })
            .collect();
        Self { params }
    }

    fn params_of(&self, kp: u32) -> &BktParams {
        self.params.get(kp as usize).unwrap_or(&BktParams::UNFITTED)
    }
}

impl Tracer for Bkt {
    type State = BktState;

    fn start(&self) -> BktState {
        self.params.iter().map(|p| p.prior).collect()
    }

    /// The mean over the item's knowledge points of P(correct); 0.5 for an untagged item.
    fn predict(&self, state: &BktState, _item: u32, kps: &[u32]) -> f32 {
        if kps.is_empty() {
            return 0.5;
        }
        let sum: f32 = kps
            .iter()
            .map(|&kp| {
                let params = self.params_of(kp);
                let known = state.get(kp as usize).copied().unwrap_or(params.prior);
                params.p_correct(known)
            })
            .sum();
        sum / kps.len() as f32
    }

    fn update(&self, state: &mut BktState, attempt: Attempt<'_>) {
        for &kp in attempt.kps {
            let params = *self.params_of(kp);
            if let Some(known) = state.get_mut(kp as usize) {
                *known = params.posterior(*known, attempt.correct);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Params64 {
    prior: f64,
    learn: f64,
    forget: f64,
    guess: f64,
    slip: f64,
}

impl Params64 {
    /// pyBKT's random starting point: learn and guess in [0, 0.4), slip in [0, 0.3).
    fn random(rng: &mut ChaCha8Rng, forgetting: bool) -> Self {
        let forget = if forgetting { rng.random_range(0.0..0.1) } else { 0.0 };
        Params64 {
            prior: rng.random_range(0.0..1.0),
            learn: rng.random_range(0.0..0.4),
            forget,
            guess: rng.random_range(0.0..0.4),
            slip: rng.random_range(0.0..0.3),
        }
        .clamped()
    }

    fn clamped(mut self) -> Self {
        for p in [&mut self.prior, &mut self.learn, &mut self.guess, &mut self.slip] {
            *p = p.clamp(EPS, 1.0 - EPS);
        }
        if self.forget > 0.0 {
            self.forget = self.forget.clamp(EPS, 1.0 - EPS);
        }
        self
    }

    fn to_params(self) -> BktParams {
        BktParams {
            prior: self.prior as f32,
            learn: self.learn as f32,
            forget: self.forget as f32,
            guess: self.guess as f32,
            slip: self.slip as f32,
        }
    }
}

/// Runs EM from `init`; returns the final log-likelihood and parameters.
fn em(
    obs: &[bool],
    starts: &[u32],
    init: Params64,
    options: &BktOptions,
    alpha: &mut Vec<[f64; 2]>,
) -> (f64, Params64) {
    let mut params = init;
    let mut last_ll = f64::NEG_INFINITY;
    let mut ll = f64::NEG_INFINITY;
    for _ in 0..options.max_iterations.max(1) {
        let (new_ll, sums) = e_step(obs, starts, &params, alpha);
        ll = new_ll;
        let next = sums.m_step(&params, options.forgetting);
        if (ll - last_ll).abs() <= options.tolerance {
            break;
        }
        last_ll = ll;
        params = next;
    }
    (ll, params)
}

#[derive(Debug, Default)]
struct Sums {
    prior: f64,
    n_seq: f64,
    learn_num: f64,
    learn_den: f64,
    forget_num: f64,
    forget_den: f64,
    guess_num: f64,
    guess_den: f64,
    slip_num: f64,
    slip_den: f64,
}

impl Sums {
    fn m_step(&self, old: &Params64, forgetting: bool) -> Params64 {
        let ratio = |num: f64, den: f64, fallback: f64| if den > 0.0 { num / den } else { fallback };
        Params64 {
            prior: ratio(self.prior, self.n_seq, old.prior),
            learn: ratio(self.learn_num, self.learn_den, old.learn),
            forget: if forgetting { ratio(self.forget_num, self.forget_den, old.forget) } else { 0.0 },
            guess: ratio(self.guess_num, self.guess_den, old.guess),
            slip: ratio(self.slip_num, self.slip_den, old.slip),
        }
        .clamped()
    }
}

/// Scaled forward–backward over every subsequence; index 0 = unknown, 1 = known.
fn e_step(obs: &[bool], starts: &[u32], p: &Params64, alpha: &mut Vec<[f64; 2]>) -> (f64, Sums) {
    let trans = [[1.0 - p.learn, p.learn], [p.forget, 1.0 - p.forget]];
    let emit = |correct: bool| -> [f64; 2] { if correct { [p.guess, 1.0 - p.slip] } else { [1.0 - p.guess, p.slip] } };
    let mut sums = Sums::default();
    let mut ll = 0.0;
    for (s_idx, &start) in starts.iter().enumerate() {
        let start = start as usize;
        let end = starts.get(s_idx + 1).map_or(obs.len(), |&e| e as usize);
        let seq = &obs[start..end];
        alpha.clear();
        // Forward pass, normalised at each step; the normalisers multiply to the likelihood.
        let mut prev = [1.0 - p.prior, p.prior];
        for (t, &o) in seq.iter().enumerate() {
            let e = emit(o);
            let pred = if t == 0 {
                prev
            } else {
                [prev[0] * trans[0][0] + prev[1] * trans[1][0], prev[0] * trans[0][1] + prev[1] * trans[1][1]]
            };
            let a = [pred[0] * e[0], pred[1] * e[1]];
            let c = a[0] + a[1];
            ll += c.ln();
            prev = [a[0] / c, a[1] / c];
            alpha.push(prev);
        }
        // Backward pass: beta is kept normalised; gamma and xi come out as proper posteriors.
        let n = seq.len();
        let mut beta = [1.0, 1.0];
        for t in (0..n).rev() {
            let a = alpha[t];
            let g0 = a[0] * beta[0];
            let g1 = a[1] * beta[1];
            let gs = g0 + g1;
            let gamma = [g0 / gs, g1 / gs];
            if t == 0 {
                sums.prior += gamma[1];
                sums.n_seq += 1.0;
            }
            let y = if seq[t] { 1.0 } else { 0.0 };
            sums.guess_num += gamma[0] * y;
            sums.guess_den += gamma[0];
            sums.slip_num += gamma[1] * (1.0 - y);
            sums.slip_den += gamma[1];
            if t > 0 {
                // xi(t-1 → t) ∝ alpha[t-1](i) A(i,j) e_j(o_t) beta_t(j).
                let ap = alpha[t - 1];
                let e = emit(seq[t]);
                let w0 = e[0] * beta[0];
                let w1 = e[1] * beta[1];
                let x00 = ap[0] * trans[0][0] * w0;
                let x01 = ap[0] * trans[0][1] * w1;
                let x10 = ap[1] * trans[1][0] * w0;
                let x11 = ap[1] * trans[1][1] * w1;
                let xs = x00 + x01 + x10 + x11;
                sums.learn_num += x01 / xs;
                sums.learn_den += (x00 + x01) / xs;
                sums.forget_num += x10 / xs;
                sums.forget_den += (x10 + x11) / xs;
                let b = [trans[0][0] * w0 + trans[0][1] * w1, trans[1][0] * w0 + trans[1][1] * w1];
                let bs = b[0] + b[1];
                beta = [b[0] / bs, b[1] / bs];
            }
        }
    }
    (ll, sums)
}
