//! Benchmark protocols: read public datasets from disk, run the domain models on them exactly as
//! the published protocols say, and report the figures.
//!
//! This crate does I/O (it reads dataset files and measures time and memory); the models it
//! measures live in the pure domain crates. It never special-cases a dataset: a dataset is
//! recognised by the files present, so any dataset in the same formats works unchanged.

pub mod grading;
pub mod kt;
