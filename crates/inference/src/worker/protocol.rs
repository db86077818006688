//! The worker's wire format: frames of a 4-byte little-endian length and a JSON body.

use std::io::{Read, Write};
use std::path::PathBuf;

use crate::{Error, Generation, GenerationRequest};

/// Largest frame accepted (prompts are bounded by the context window long before this).
pub const MAX_FRAME_BYTES: u32 = 64 << 20;

/// Supervisor → worker.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Request {
    /// Generate a reply.
    Generate(GenerationRequest),
    /// Count the tokens of the rendered prompt without generating.
    CountPromptTokens(GenerationRequest),
    /// Exit cleanly.
    Shutdown,
}

/// Worker → supervisor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Response {
    /// Sent once after the model loaded.
    Ready {
        /// The model's `general.name` or file name.
        model_name: String,
        /// Context window in tokens.
        n_ctx: u32,
    },
    /// The answer to [`Request::Generate`].
    Generated(Generation),
    /// The answer to [`Request::CountPromptTokens`].
    PromptTokens(u32),
    /// The request (or loading) failed; the worker stays usable unless it was loading.
    Failed(WireError),
}

/// [`Error`] variants that can cross the process boundary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WireError {
    /// See [`Error::ModelMissing`].
    ModelMissing(PathBuf),
    /// See [`Error::ModelFormat`].
    ModelFormat(PathBuf, String),
    /// See [`Error::PromptTooLong`].
    PromptTooLong { n_prompt: u32, n_ctx: u32, max_tokens: u32 },
    /// See [`Error::UnsupportedCpu`].
    UnsupportedCpu(Vec<String>),
    /// See [`Error::Backend`].
    Backend(String, String),
    /// See [`Error::InvalidRequest`].
    InvalidRequest(String),
    /// See [`Error::GenerationNotBuilt`].
    NotBuilt,
}

impl From<&Error> for WireError {
    fn from(error: &Error) -> WireError {
        match error {
            Error::ModelMissing { path } => WireError::ModelMissing(path.clone()),
            Error::ModelFormat { path, reason } => WireError::ModelFormat(path.clone(), reason.clone()),
            Error::PromptTooLong { n_prompt, n_ctx, max_tokens } => {
                WireError::PromptTooLong { n_prompt: *n_prompt, n_ctx: *n_ctx, max_tokens: *max_tokens }
            }
            Error::UnsupportedCpu { missing } => {
                WireError::UnsupportedCpu(missing.iter().map(|s| (*s).to_owned()).collect())
            }
            Error::InvalidRequest(reason) => WireError::InvalidRequest(reason.clone()),
            Error::GenerationNotBuilt => WireError::NotBuilt,
            Error::Backend { what, reason } => WireError::Backend(what.clone(), reason.clone()),
            other => WireError::Backend("worker".into(), other.to_string()),
        }
    }
}

impl From<WireError> for Error {
    fn from(error: WireError) -> Error {
        match error {
            WireError::ModelMissing(path) => Error::ModelMissing { path },
            WireError::ModelFormat(path, reason) => Error::ModelFormat { path, reason },
            WireError::PromptTooLong { n_prompt, n_ctx, max_tokens } => {
                Error::PromptTooLong { n_prompt, n_ctx, max_tokens }
            }
            WireError::UnsupportedCpu(missing) => Error::UnsupportedCpu {
                missing: missing.iter().map(|m| crate::worker::static_feature_name(m)).collect(),
            },
            WireError::Backend(what, reason) => Error::Backend { what, reason },
            WireError::InvalidRequest(reason) => Error::InvalidRequest(reason),
            WireError::NotBuilt => Error::GenerationNotBuilt,
        }
    }
}

/// Writes one frame and flushes.
pub fn write_frame<T: serde::Serialize>(out: &mut impl Write, message: &T) -> std::io::Result<()> {
    let body = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    let len = u32::try_from(body.len())
        .ok()
        .filter(|&l| l <= MAX_FRAME_BYTES)
        .ok_or_else(|| std::io::Error::other("frame too large"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&body)?;
    out.flush()
}

/// Reads one frame; `Ok(None)` at a clean end of stream.
pub fn read_frame<T: serde::de::DeserializeOwned>(input: &mut impl Read) -> std::io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_FRAME_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("frame of {len} bytes exceeds the limit"),
        ));
    }
    let mut body = vec![0u8; len as usize];
    input.read_exact(&mut body)?;
    serde_json::from_slice(&body).map(Some).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}
