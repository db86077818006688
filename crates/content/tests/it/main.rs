//! Integration tests of the content crate: whole channels exported, carried and imported
//! through the in-memory store and folder.
#![allow(clippy::unwrap_used)]

mod export;
mod fixture;
mod import;
mod recommend;
