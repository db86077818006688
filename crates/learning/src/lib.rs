//! Adaptive learning for Inkstone: knowledge-point graphs, learner models that estimate what a
//! student knows from their answers, spaced review and the choice of what to practise next.
//!
//! This crate is pure and synchronous: no I/O, no clock, no environment. Time arrives as an
//! argument, files arrive as `&str`, and model state leaves as bytes the caller stores.
//! Invariant: no prediction, mastery estimate or aggregate is ever NaN, whatever the data.

// Tests may unwrap: a panic is how they fail. The non-test build still denies it.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod corpus;
pub mod error;
pub mod graph;
pub mod items;
pub mod learner;
pub mod metrics;
pub mod model;
pub mod next_step;
pub mod review;
pub mod simulate;

pub use crate::error::LearningError;
