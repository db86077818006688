//! Objective grading: item types and their checkers, math equivalence, Chinese text
//! normalisation, the teacher-in-charge gradebook, and item analysis of a test.
//!
//! What it does: an [`item::Item`] (choice, true/false, numeric with tolerance, significant
//! figures and units, math by equivalence, fill-in-the-blank, ordering, matching, free text)
//! is compiled once into a [`item::CompiledItem`], which grades [`item::Response`]s into
//! [`grade::Grade`]s: points, structured feedback saying why, and a confidence. Machine grades
//! are suggestions kept in a [`review::Gradebook`] until a teacher releases them; every
//! teacher decision is kept and exposed as a training label. [`analysis::analyse`] computes
//! classical item statistics of a score matrix.
//!
//! What it does not: no I/O, no clock (times are arguments), no storage, no free-text scoring
//! (free text gets `Outcome::NeedsScorer`; the `scoring` crate plugs in there).
//!
//! Invariants: grading never panics on any input; bad input gives a clear [`GradingError`]
//! or a defined grade with the reason in its feedback. Statistics are never NaN: undefined
//! ones say why.

pub mod analysis;
pub mod choice;
pub mod error;
pub mod grade;
pub mod id;
pub mod input;
pub mod item;
pub mod math;
pub mod numeric;
pub mod review;
pub mod sequence;
pub mod text;
pub mod units;

pub use crate::error::GradingError;
