//! Answers arriving as bytes: UTF-8 check, size limit, byte-order mark.

use crate::error::GradingError;

/// Longest short answer accepted (numbers, math, fill-in blanks), in bytes.
pub const MAX_SHORT_ANSWER_BYTES: usize = 64 * 1024;

/// Longest free-text answer accepted (essays), in bytes.
pub const MAX_FREE_TEXT_BYTES: usize = 1024 * 1024;

/// Decodes an answer: it must be UTF-8 and at most `max_bytes` long. A leading byte-order
/// mark is dropped. Errors say what is wrong so the student can fix and resubmit.
pub fn decode_answer(bytes: &[u8], max_bytes: usize) -> Result<&str, GradingError> {
    if bytes.len() > max_bytes {
        return Err(GradingError::AnswerTooLong { len: bytes.len(), max: max_bytes });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| GradingError::NotUtf8 { offset: e.valid_up_to() })
}

#[cfg(test)]
mod tests;
