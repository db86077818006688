//! Adaptive learning for Inkstone: knowledge-point graphs, learner models that estimate what a
//! student knows from their answers, spaced review and the choice of what to practise next.
//!
//! This crate is pure and synchronous: no I/O, no clock, no environment. Time arrives as an
//! argument, files arrive as `&str`, and model state leaves as bytes the caller stores.
//! Invariant: no prediction, mastery estimate or aggregate is ever NaN, whatever the data.
//!
//! - [`graph`]: knowledge points with prerequisites (a DAG) and tagged items; TOML file format
//!   v1; the built-in junior-secondary maths graph. [`items`] generates its practice items.
//! - [`model`]: learner models behind one [`model::Tracer`] interface, each with a batch fit
//!   and an answer-by-answer update: BKT (EM, restarts, forgetting), IRT 1PL/2PL, Elo, PFA and
//!   a richer logistic model, a GRU sequence model, and a stacked ensemble.
//! - [`review`]: FSRS-6 spaced review per knowledge point; [`next_step`]: recommendations
//!   with structured reasons and the teacher's pins and overrides.
//! - [`learner`]: what the server calls. A [`learner::SubjectModel`] blob per subject, a
//!   [`learner::LearnerState`] blob per (learner, subject); `record_answer` per answer,
//!   `mastery_map`, `next_steps`, `class_heat_map`.
//!
//! Deliberately not here: reading files, the clock, storage, HTTP, and dataset protocols
//! (the `evaluation` crate runs those).

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
