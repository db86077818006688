//! Tests of content hashes and the streaming blob check.
#![allow(clippy::unwrap_used)]

use std::io::{self, Read};

use super::*;

fn copy_checked(bytes: &[u8], expected: ContentHash, size: u64) -> (io::Result<Vec<u8>>, Result<(), ContentError>) {
    let mut reader = CheckedReader::new(bytes, expected, size);
    let mut out = Vec::new();
    let copied = io::copy(&mut reader, &mut out).map(|_| out);
    (copied, reader.verdict())
}

#[test]
fn a_hash_prints_as_lowercase_hex_and_reads_back() {
    let hash = ContentHash::of(b"thumb");
    assert_eq!(hash.to_hex(), "05eeec2d70845694d3ba89ad9e1c34b6b4d806275c3c63b84241a40ae4591ca4");
    assert_eq!(ContentHash::parse(&hash.to_hex().to_uppercase()).unwrap(), hash);
}

#[test]
fn a_hash_of_the_wrong_length_or_alphabet_is_refused() {
    for bad in ["", "abc", &"g".repeat(64), &"a".repeat(65)] {
        assert!(matches!(ContentHash::parse(bad), Err(ContentError::InvalidHash(_))), "{bad:?}");
    }
}

#[test]
fn the_right_blob_passes_through_unchanged() {
    let data = vec![7u8; 100_000];
    let (copied, verdict) = copy_checked(&data, ContentHash::of(&data), data.len() as u64);
    assert_eq!(copied.unwrap(), data);
    verdict.unwrap();
}

#[test]
fn an_empty_blob_can_be_checked() {
    let (copied, verdict) = copy_checked(b"", ContentHash::of(b""), 0);
    assert_eq!(copied.unwrap(), b"");
    verdict.unwrap();
}

#[test]
fn a_truncated_blob_fails_the_copy_and_says_how_much_arrived() {
    let data = b"0123456789";
    let (copied, verdict) = copy_checked(&data[..6], ContentHash::of(data), 10);
    assert_eq!(copied.unwrap_err().kind(), io::ErrorKind::InvalidData);
    assert!(matches!(verdict, Err(ContentError::BlobTruncated { expected: 10, got: 6, .. })), "{verdict:?}");
}

#[test]
fn a_longer_blob_fails_without_reading_it_all() {
    let expected = ContentHash::of(b"short");
    // An endless source: the check must stop one byte past the expected size.
    let mut reader = CheckedReader::new(io::repeat(1), expected, 5);
    let mut out = Vec::new();
    assert!(io::copy(&mut reader, &mut out).is_err());
    assert!(out.len() <= 5, "{} bytes passed through", out.len());
    assert!(matches!(reader.verdict(), Err(ContentError::BlobTooLong { expected: 5, .. })));
}

#[test]
fn a_changed_byte_fails_the_copy_at_the_end() {
    let data = b"unit-1 video".to_vec();
    let mut tampered = data.clone();
    tampered[3] ^= 1;
    let (copied, verdict) = copy_checked(&tampered, ContentHash::of(&data), data.len() as u64);
    assert!(copied.is_err());
    assert!(matches!(verdict, Err(ContentError::BlobHashMismatch { .. })), "{verdict:?}");
}

#[test]
fn a_blob_not_read_to_its_end_has_no_verdict() {
    let data = b"unit-1 video";
    let mut reader = CheckedReader::new(&data[..], ContentHash::of(data), data.len() as u64);
    let mut first = [0u8; 4];
    reader.read_exact(&mut first).unwrap();
    assert!(matches!(reader.verdict(), Err(ContentError::BlobNotRead { .. })));
}

#[test]
fn a_failing_source_is_told_apart_from_a_bad_blob() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("cable pulled"))
        }
    }
    let mut reader = CheckedReader::new(Broken, ContentHash::of(b"x"), 1);
    assert!(io::copy(&mut reader, &mut io::sink()).is_err());
    assert!(reader.source_failed());
    assert!(matches!(reader.verdict(), Err(ContentError::BlobNotRead { .. })));
}
