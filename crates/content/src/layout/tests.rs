//! Tests of export paths and the catalog.
#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn blobs_live_under_their_first_two_hex_digits() {
    let hash = ContentHash::of(b"thumb");
    assert_eq!(blob_path(&hash), "blobs/05/05eeec2d70845694d3ba89ad9e1c34b6b4d806275c3c63b84241a40ae4591ca4");
    assert_eq!(channel_path(&ChannelId::parse("county-maths-7").unwrap()), "channels/county-maths-7.json");
}

#[test]
fn a_catalog_keeps_one_entry_per_channel_sorted() {
    let entry = |id: &str, version| CatalogEntry {
        id: ChannelId::parse(id).unwrap(),
        version,
        title: "t".into(),
        publisher: "p".into(),
        units: None,
        bytes: 1,
    };
    let mut catalog = Catalog::new();
    catalog.upsert(entry("b", 1));
    catalog.upsert(entry("a", 1));
    catalog.upsert(entry("b", 2));
    let read = Catalog::from_json(&catalog.to_json()).unwrap();
    let ids: Vec<_> = read.channels.iter().map(|e| format!("{}@{}", e.id, e.version)).collect();
    assert_eq!(ids, ["a@1", "b@2"]);
}

#[test]
fn a_catalog_of_another_format_is_refused() {
    let err = Catalog::from_json(br#"{"format":"x","channels":[]}"#).unwrap_err();
    assert!(err.to_string().contains("expected format"), "{err}");
}
