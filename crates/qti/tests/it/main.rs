//! Integration tests of the QTI crate: round trips of project-authored items, the shared
//! sample items (read at run time from the shared data folder), and bad input.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod roundtrip;
mod samples;
