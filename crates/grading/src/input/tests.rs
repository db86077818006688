//! Tests of `input`.
#![allow(clippy::unwrap_used)]

use crate::error::GradingError;
use crate::input::decode_answer;

#[test]
fn utf8_answers_decode_and_lose_their_byte_order_mark() {
    assert_eq!(decode_answer("光合作用".as_bytes(), 100), Ok("光合作用"));
    assert_eq!(decode_answer(b"\xEF\xBB\xBF42", 100), Ok("42"));
}

#[test]
fn non_utf8_bytes_are_reported_with_their_offset() {
    // "ab" then a GBK-encoded character: not UTF-8.
    assert_eq!(decode_answer(b"ab\xB9\xE2", 100), Err(GradingError::NotUtf8 { offset: 2 }));
    let message = decode_answer(b"\xFF", 100).unwrap_err().to_string();
    assert!(message.contains("not valid UTF-8"), "{message}");
}

#[test]
fn oversized_answers_are_rejected_before_decoding() {
    let big = vec![b'1'; 101];
    assert_eq!(decode_answer(&big, 100), Err(GradingError::AnswerTooLong { len: 101, max: 100 }));
}
