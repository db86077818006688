//! Objective grading (WIP).
pub mod error;
pub mod grade;
pub mod math;
pub mod text;
