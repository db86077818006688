//! Objective grading (WIP).
pub mod error;
pub mod grade;
pub mod id;
pub mod input;
pub mod math;
pub mod text;
