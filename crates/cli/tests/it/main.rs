//! End-to-end tests of the `inkstone` binary.

#![allow(clippy::unwrap_used, unreachable_pub)]

mod content;
mod sync;
mod worker;
