//! Bad input: wrong encodings, malformed XML, hostile documents, items that cannot grade.

use proptest::prelude::*;
use qti::QtiError;

#[test]
fn non_utf8_bytes_are_reported_with_their_offset() {
    let mut bytes = b"<qti-assessment-item>".to_vec();
    bytes.extend_from_slice(b"\xC4\xE3\xBA\xC3");
    assert_eq!(qti::import_bytes(&bytes), Err(QtiError::NotUtf8 { offset: 21 }));
}

#[test]
fn malformed_xml_is_reported_with_its_line() {
    let xml = "<qti-assessment-item xmlns=\"http://www.imsglobal.org/xsd/imsqtiasi_v3p0\">\n  <qti-item-body>\n</qti-assessment-item>";
    match qti::import(xml) {
        Err(QtiError::Xml { line, .. }) => assert_eq!(line, 3),
        other => panic!("expected an XML error, got {other:?}"),
    }
    assert!(matches!(qti::import(""), Err(QtiError::Xml { .. })));
}

#[test]
fn documents_with_a_dtd_are_refused() {
    let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0">&lol2;</qti-assessment-item>"#;
    assert!(matches!(qti::import(xml), Err(QtiError::Xml { .. })));
}

#[test]
fn other_documents_and_unknown_namespaces_are_named() {
    assert_eq!(qti::import("<html/>"), Err(QtiError::NotAnItem { root: "html".into() }));
    assert_eq!(
        qti::import(r#"<assessmentItem xmlns="http://example.com/qti9"/>"#),
        Err(QtiError::UnknownNamespace("http://example.com/qti9".into()))
    );
}

#[test]
fn a_choice_item_whose_key_is_not_an_option_is_rejected() {
    let xml = r#"<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x" title="x">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>Z</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>1</qti-value></qti-default-value></qti-outcome-declaration>
  <qti-item-body><qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
    <qti-simple-choice identifier="A">a</qti-simple-choice></qti-choice-interaction></qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
</qti-assessment-item>"#;
    let err = qti::import(xml).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the item is not gradable: item x: option \"Z\" is listed as correct but is not one of the options"
    );
}

/// A small valid item whose text is mutated by the property test below.
const SEED: &str = r#"<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="p" title="p"><qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"><qti-correct-response><qti-value>A</qti-value></qti-correct-response></qti-response-declaration><qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>1</qti-value></qti-default-value></qti-outcome-declaration><qti-item-body><qti-choice-interaction response-identifier="RESPONSE" max-choices="1"><qti-simple-choice identifier="A">a</qti-simple-choice></qti-choice-interaction></qti-item-body><qti-response-processing template="t"/></qti-assessment-item>"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn import_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = qti::import_bytes(&bytes);
    }

    #[test]
    fn import_never_panics_on_a_damaged_item(cut in 0usize..SEED.len(), insert in "[<>/=\"a-z -]{0,8}") {
        let mut text = SEED.to_string();
        let at = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &insert);
        let _ = qti::import(&text);
        let _ = qti::import(&SEED[..at]);
    }
}
