//! Spaced review of knowledge points with FSRS-6 (the `fsrs` crate's scheduler).
//!
//! Every answer on an item is a review of each of its knowledge points: a correct answer is
//! rated "Good", a wrong one "Again". The scheduler keeps a memory state (stability,
//! difficulty) per knowledge point and says when recall is predicted to fall to the desired
//! retention; that moment is the point's review due date.

use base::Timestamp;
use fsrs::{FSRS, MemoryState};
use serde::{Deserialize, Serialize};

use crate::error::LearningError;

const MS_PER_DAY: i64 = 86_400_000;

/// One knowledge point's memory as FSRS models it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    /// Days until recall probability falls to 90 %.
    pub stability: f32,
    /// FSRS difficulty, 1 (easy) to 10 (hard).
    pub difficulty: f32,
    /// When the point was last practised (milliseconds since the epoch).
    pub last_review_ms: i64,
    /// Number of reviews so far.
    pub reviews: u32,
}

impl ReviewState {
    /// When the point was last practised.
    pub fn last_review(&self) -> Timestamp {
        Timestamp::from_millis(self.last_review_ms)
    }
}

/// FSRS with a desired retention.
#[derive(Debug, Clone)]
pub struct ReviewScheduler {
    fsrs: FSRS,
    decay: f32,
    desired_retention: f32,
}

impl ReviewScheduler {
    /// FSRS-6 with its published default parameters, aiming at `desired_retention` (clamped to
    /// 0.7–0.97, the range FSRS is meant for).
    pub fn with_default_parameters(desired_retention: f32) -> Self {
        Self {
            fsrs: FSRS::default(),
            decay: fsrs::DEFAULT_PARAMETERS[20],
            desired_retention: desired_retention.clamp(0.7, 0.97),
        }
    }

    /// FSRS with fitted parameters (21 values, as the FSRS optimiser produces).
    pub fn with_parameters(parameters: &[f32], desired_retention: f32) -> Result<Self, LearningError> {
        let fsrs = FSRS::new(parameters)
            .map_err(|e| LearningError::BadState { what: "review parameters", reason: e.to_string() })?;
        // Older 17- and 19-value parameter sets are filled in by the crate (decay 0.5).
        let filled = fsrs::check_and_fill_parameters(parameters)
            .map_err(|e| LearningError::BadState { what: "review parameters", reason: e.to_string() })?;
        let decay = filled[20];
        Ok(Self { fsrs, decay, desired_retention: desired_retention.clamp(0.7, 0.97) })
    }

    /// The memory state after practising at `now` (`correct` rates it Good, otherwise Again).
    /// A review dated before the last one counts as the same day.
    pub fn review(&self, state: Option<ReviewState>, correct: bool, now: Timestamp) -> ReviewState {
        let days = state.map_or(0, |s| whole_days(s.last_review_ms, now.millis()));
        let memory = state.map(|s| MemoryState { stability: s.stability, difficulty: s.difficulty });
        let next = self.fsrs.next_states(memory, self.desired_retention, days);
        let (stability, difficulty) = match next {
            Ok(next) => {
                let chosen = if correct { next.good } else { next.again };
                (chosen.memory.stability, chosen.memory.difficulty)
            }
            // The scheduler rejects only non-finite states, which a stored blob could hold if
            // edited by hand: start the point afresh rather than fail the answer.
            Err(_) => {
                let fresh = self.fsrs.next_states(None, self.desired_retention, 0).ok();
                fresh.map_or((1.0, 5.0), |n| {
                    let chosen = if correct { n.good } else { n.again };
                    (chosen.memory.stability, chosen.memory.difficulty)
                })
            }
        };
        ReviewState {
            stability,
            difficulty,
            last_review_ms: state.map_or(now.millis(), |s| s.last_review_ms.max(now.millis())),
            reviews: state.map_or(1, |s| s.reviews.saturating_add(1)),
        }
    }

    /// Predicted probability of recall at `now`.
    pub fn retrievability(&self, state: &ReviewState, now: Timestamp) -> f32 {
        let days = (now.millis() - state.last_review_ms).max(0) as f32 / MS_PER_DAY as f32;
        let memory = MemoryState { stability: state.stability.max(0.001), difficulty: state.difficulty };
        let r = fsrs::current_retrievability(memory, days, self.decay);
        if r.is_finite() { r.clamp(0.0, 1.0) } else { 0.0 }
    }

    /// When recall is predicted to fall to the desired retention.
    pub fn due(&self, state: &ReviewState) -> Timestamp {
        let interval_days = self.fsrs.next_interval(Some(state.stability.max(0.001)), self.desired_retention, 3);
        let ms = if interval_days.is_finite() { (interval_days * MS_PER_DAY as f32) as i64 } else { MS_PER_DAY };
        Timestamp::from_millis(state.last_review_ms).plus_millis(ms.max(0))
    }

    /// The retention the schedule aims at.
    pub fn desired_retention(&self) -> f32 {
        self.desired_retention
    }
}

/// Whole days from `from_ms` to `to_ms` (0 when `to` is earlier).
pub(crate) fn whole_days(from_ms: i64, to_ms: i64) -> u32 {
    u32::try_from((to_ms - from_ms).max(0) / MS_PER_DAY).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
