//! Score grids, cut-offs from continuous predictions to grid levels, and calibrated confidence.

use serde::{Deserialize, Serialize};

use crate::ScoringError;
use crate::linalg::Logistic;
use crate::metrics::quadratic_weighted_kappa;

/// The grid a score lives on: `min, min + step, …, max`. Holding one is the proof it is valid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreScale {
    min: f64,
    max: f64,
    step: f64,
}

/// Largest number of levels a scale may have.
const MAX_LEVELS: usize = 1001;

impl ScoreScale {
    /// Validates a grid: finite, `max > min`, `step > 0`, `(max - min) / step` a whole number of at most 1000 steps.
    pub fn parse(min: f64, max: f64, step: f64) -> Result<Self, ScoringError> {
        let bad = |why: &'static str| ScoringError::InvalidScale { min, max, step, why };
        if !(min.is_finite() && max.is_finite() && step.is_finite()) {
            return Err(bad("bounds and step must be finite numbers"));
        }
        if max <= min {
            return Err(bad("the maximum must exceed the minimum"));
        }
        if step <= 0.0 {
            return Err(bad("the step must be positive"));
        }
        let steps = (max - min) / step;
        if (steps - steps.round()).abs() > 1e-6 {
            return Err(bad("the range must be a whole number of steps"));
        }
        if steps.round() as usize + 1 > MAX_LEVELS {
            return Err(bad("a scale has at most 1000 steps"));
        }
        Ok(ScoreScale { min, max, step })
    }

    pub fn min(&self) -> f64 {
        self.min
    }

    pub fn max(&self) -> f64 {
        self.max
    }

    pub fn step(&self) -> f64 {
        self.step
    }

    /// Number of grid points.
    pub fn n_levels(&self) -> usize {
        ((self.max - self.min) / self.step).round() as usize + 1
    }

    /// Index of the grid point nearest to `score` (clamped to the scale).
    pub fn level_of(&self, score: f64) -> usize {
        let level = ((score - self.min) / self.step).round();
        if level.is_nan() { 0 } else { (level.max(0.0) as usize).min(self.n_levels() - 1) }
    }

    /// Score of grid point `level`.
    pub fn value(&self, level: usize) -> f64 {
        self.min + self.step * level.min(self.n_levels() - 1) as f64
    }

    /// Maps a score to `[0, 1]`.
    pub fn normalise(&self, score: f64) -> f64 {
        ((score - self.min) / (self.max - self.min)).clamp(0.0, 1.0)
    }

    /// Largest error, in levels, still counted as agreeing with a teacher: exact on scales of up
    /// to 10 levels, then one level per tenth of the range.
    pub(crate) fn tolerance_levels(&self) -> usize {
        (self.n_levels() - 1) / 10
    }
}

/// Cut-offs between consecutive levels, in normalised units. Invariant: non-decreasing, `n_levels - 1` long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cutoffs {
    values: Vec<f64>,
}

impl Cutoffs {
    /// Cut-offs halfway between grid points: plain rounding.
    pub(crate) fn midpoints(n_levels: usize) -> Self {
        let span = (n_levels.max(2) - 1) as f64;
        Cutoffs { values: (0..n_levels.saturating_sub(1)).map(|i| (i as f64 + 0.5) / span).collect() }
    }

    pub(crate) fn level(&self, normalised: f64) -> usize {
        self.values.partition_point(|&c| c < normalised)
    }

    /// Distance from `normalised` to the nearest cut-off, in units of one level (capped at 1).
    pub(crate) fn margin(&self, normalised: f64) -> f64 {
        let span = self.values.len().max(1) as f64;
        self.values.iter().map(|c| (c - normalised).abs() * span).fold(1.0, f64::min)
    }

    /// Cut-offs that maximise QWK of `predictions` (normalised) against `levels`, by coordinate
    /// ascent from the midpoints. Falls back to the midpoints when fewer than `min_examples` are given.
    pub(crate) fn fit(predictions: &[f64], levels: &[usize], n_levels: usize, min_examples: usize) -> Self {
        let mut cutoffs = Cutoffs::midpoints(n_levels);
        if predictions.len() < min_examples || n_levels < 2 {
            return cutoffs;
        }
        let truth: Vec<i64> = levels.iter().map(|&l| l as i64).collect();
        let top = n_levels as i64 - 1;
        let score = |c: &Cutoffs| {
            let predicted: Vec<i64> = predictions.iter().map(|&p| c.level(p) as i64).collect();
            quadratic_weighted_kappa(&truth, &predicted, 0, top)
        };
        let mut best = score(&cutoffs);
        let mut sorted = predictions.to_vec();
        sorted.sort_by(f64::total_cmp);
        for _ in 0..3 {
            for i in 0..cutoffs.values.len() {
                let lo = if i == 0 { f64::NEG_INFINITY } else { cutoffs.values[i - 1] };
                let hi = cutoffs.values.get(i + 1).copied().unwrap_or(f64::INFINITY);
                let original = cutoffs.values[i];
                let mut best_value = original;
                // Candidates: midpoints between consecutive distinct predictions in the allowed interval.
                let start = sorted.partition_point(|&p| p < lo);
                let end = sorted.partition_point(|&p| p <= hi);
                let window = &sorted[start..end];
                let stride = (window.len() / 40).max(1);
                for pair in window.windows(2).step_by(stride) {
                    let candidate = (pair[0] + pair[1]) / 2.0;
                    cutoffs.values[i] = candidate;
                    let s = score(&cutoffs);
                    if s > best + 1e-9 {
                        best = s;
                        best_value = candidate;
                    }
                }
                cutoffs.values[i] = best_value;
            }
        }
        cutoffs
    }
}

/// Calibrated probability that a machine score agrees with the teacher (within the scale's
/// tolerance), from signals such as the distance to a cut-off and how much the components disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ConfidenceModel {
    logistic: Logistic,
}

impl ConfidenceModel {
    pub(crate) fn fit(signals: &[Vec<f64>], agreed: &[bool]) -> Self {
        ConfidenceModel { logistic: Logistic::fit(signals, agreed, 1.0) }
    }

    pub(crate) fn confidence(&self, signals: &[f64]) -> f64 {
        self.logistic.probability(signals)
    }
}
