//! A stacked ensemble: a logistic combination of member models' log-odds, weighted by how long
//! the learner's history is, fitted on held-out (validation) predictions.

use serde::{Deserialize, Serialize};

use crate::corpus::{Attempt, Corpus};
use crate::model::bkt::{Bkt, BktState};
use crate::model::gru::{Gru, GruState};
use crate::model::irt::{Ability, Elo, EloRating, Irt};
use crate::model::logistic::{Logistic, LogisticState};
use crate::model::optim::lbfgs;
use crate::model::{Tracer, logit, sigmoid};

/// Any fitted learner model, so that heterogeneous models can be stored and combined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Member {
    /// Bayesian Knowledge Tracing.
    Bkt(Bkt),
    /// Item response theory.
    Irt(Irt),
    /// Elo ratings.
    Elo(Elo),
    /// Logistic regression (PFA or richer features).
    Logistic(Logistic),
    /// GRU sequence model.
    Gru(Gru),
}

/// The state a [`Member`] keeps per learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", content = "state", rename_all = "snake_case")]
pub enum MemberState {
    /// P(known) per knowledge point.
    Bkt(BktState),
    /// Ability belief.
    Irt(Ability),
    /// Elo rating.
    Elo(EloRating),
    /// Answer counts and recent outcomes.
    Logistic(LogisticState),
    /// Hidden state.
    Gru(GruState),
}

impl Tracer for Member {
    type State = MemberState;

    fn start(&self) -> MemberState {
        match self {
            Member::Bkt(m) => MemberState::Bkt(m.start()),
            Member::Irt(m) => MemberState::Irt(m.start()),
            Member::Elo(m) => MemberState::Elo(m.start()),
            Member::Logistic(m) => MemberState::Logistic(m.start()),
            Member::Gru(m) => MemberState::Gru(m.start()),
        }
    }

    /// A state that does not belong to the member (a stored blob from another model
    /// version) predicts from a fresh start instead of failing.
    fn predict(&self, state: &MemberState, item: u32, kps: &[u32]) -> f32 {
        match (self, state) {
            (Member::Bkt(m), MemberState::Bkt(s)) => m.predict(s, item, kps),
            (Member::Irt(m), MemberState::Irt(s)) => m.predict(s, item, kps),
            (Member::Elo(m), MemberState::Elo(s)) => m.predict(s, item, kps),
            (Member::Logistic(m), MemberState::Logistic(s)) => m.predict(s, item, kps),
            (Member::Gru(m), MemberState::Gru(s)) if s.len() == m.hidden() => m.predict(s, item, kps),
            _ => self.predict(&self.start(), item, kps),
        }
    }

    fn update(&self, state: &mut MemberState, attempt: Attempt<'_>) {
        let fits = matches!(
            (self, &*state),
            (Member::Bkt(_), MemberState::Bkt(_))
                | (Member::Irt(_), MemberState::Irt(_))
                | (Member::Elo(_), MemberState::Elo(_))
                | (Member::Logistic(_), MemberState::Logistic(_))
        ) || matches!((self, &*state), (Member::Gru(m), MemberState::Gru(s)) if s.len() == m.hidden());
        if !fits {
            *state = self.start();
        }
        match (self, state) {
            (Member::Bkt(m), MemberState::Bkt(s)) => m.update(s, attempt),
            (Member::Irt(m), MemberState::Irt(s)) => m.update(s, attempt),
            (Member::Elo(m), MemberState::Elo(s)) => m.update(s, attempt),
            (Member::Logistic(m), MemberState::Logistic(s)) => m.update(s, attempt),
            (Member::Gru(m), MemberState::Gru(s)) => m.update(s, attempt),
            _ => unreachable!("the state was reset to the member's own kind above"),
        }
    }
}

/// Member models plus the stacking weights that combine them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ensemble {
    members: Vec<Member>,
    // Layout: bias, history length, then per member: log-odds, log-odds × history length.
    weights: Vec<f32>,
}

/// Per-learner state of an [`Ensemble`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleState {
    /// Answers seen.
    pub n: u32,
    /// One state per member, in member order.
    pub members: Vec<MemberState>,
}

// History length enters as ln(1 + n) / 5, about 1 after 150 answers.
fn history_feature(n: u32) -> f32 {
    (n as f32).ln_1p() / 5.0
}

impl Ensemble {
    /// Fits the stacking weights on `valid`, given each member's one-step-ahead predictions
    /// for every answer of `valid` (in the corpus's order).
    pub fn fit(members: Vec<Member>, member_predictions: &[Vec<f32>], valid: &Corpus) -> Self {
        let n_members = members.len();
        let n_weights = 2 + 2 * n_members;
        let labels = valid.labels();
        let mut rows: Vec<Vec<f32>> = Vec::with_capacity(labels.len());
        for seq_idx in 0..valid.n_sequences() {
            for (n, global) in valid.sequence_range(seq_idx).enumerate() {
                let h = history_feature(n as u32);
                let mut row = vec![1.0, h];
                for preds in member_predictions {
                    let l = logit(preds[global]);
                    row.push(l);
                    row.push(l * h);
                }
                rows.push(row);
            }
        }
        let n_rows = rows.len().max(1) as f64;
        let mut w = vec![0.0f64; n_weights];
        if n_members > 0 {
            // Start from the plain average of the members' log-odds.
            for m in 0..n_members {
                w[2 + 2 * m] = 1.0 / n_members as f64;
            }
        }
        let mut objective = |w: &[f64], grad: &mut [f64]| -> f64 {
            let l2 = 1e-4;
            let mut value: f64 = w.iter().map(|x| 0.5 * l2 * x * x).sum::<f64>() * n_rows;
            grad.iter_mut().zip(w).for_each(|(g, x)| *g = l2 * x * n_rows);
            for (row, &y) in rows.iter().zip(labels) {
                let z: f64 = row.iter().zip(w).map(|(&x, w)| f64::from(x) * w).sum();
                let signed = if y { z } else { -z };
                value += if signed > 0.0 { (-signed).exp().ln_1p() } else { -signed + signed.exp().ln_1p() };
                let err = 1.0 / (1.0 + (-z).exp()) - if y { 1.0 } else { 0.0 };
                grad.iter_mut().zip(row).for_each(|(g, &x)| *g += err * f64::from(x));
            }
            grad.iter_mut().for_each(|g| *g /= n_rows);
            value / n_rows
        };
        lbfgs(&mut w, 200, 1e-10, 10, &mut objective);
        Self { members, weights: w.iter().map(|&x| x as f32).collect() }
    }

    /// Combines `members` by averaging their log-odds, for a subject with too little data to
    /// fit stacking weights.
    pub fn averaging(members: Vec<Member>) -> Self {
        let n = members.len().max(1) as f32;
        let mut weights = vec![0.0; 2 + 2 * members.len()];
        for m in 0..members.len() {
            weights[2 + 2 * m] = 1.0 / n;
        }
        Self { members, weights }
    }

    /// The member models.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The combined log-odds, given each member's probability.
    fn combine(&self, n: u32, member_p: impl Iterator<Item = f32>) -> f32 {
        let h = history_feature(n);
        let mut z = self.weights[0] + self.weights[1] * h;
        for (m, p) in member_p.enumerate() {
            let l = logit(p);
            z += self.weights[2 + 2 * m] * l + self.weights[3 + 2 * m] * l * h;
        }
        z
    }
}

impl Tracer for Ensemble {
    type State = EnsembleState;

    fn start(&self) -> EnsembleState {
        EnsembleState { n: 0, members: self.members.iter().map(Member::start).collect() }
    }

    fn predict(&self, state: &EnsembleState, item: u32, kps: &[u32]) -> f32 {
        let fresh;
        let states = if state.members.len() == self.members.len() {
            &state.members
        } else {
            fresh = self.start().members;
            &fresh
        };
        let member_p = self.members.iter().zip(states).map(|(m, s)| m.predict(s, item, kps));
        sigmoid(self.combine(state.n, member_p))
    }

    fn update(&self, state: &mut EnsembleState, attempt: Attempt<'_>) {
        if state.members.len() != self.members.len() {
            *state = self.start();
        }
        for (m, s) in self.members.iter().zip(&mut state.members) {
            m.update(s, attempt);
        }
        state.n += 1;
    }
}
