//! Integration tests on real models: multilingual-e5-small, SmolLM2-135M (feature `llama`),
//! espeak-ng, and the OpenAI-compatible client against a real local server.
//!
//! Models come from `INKSTONE_TEST_MODELS_DIR` (default `/work/models`); missing ones are
//! fetched there with the crate's own fetcher, and a test fails with a clear message when that
//! is impossible. Nothing is skipped.

#![allow(clippy::unwrap_used)]

mod e5;
mod fetch;
#[cfg(feature = "llama")]
mod generation;
mod openai_server;
mod speech;
mod support;
