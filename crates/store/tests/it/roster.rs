//! Bulk upserts, the bulk rule (what is not sent is deleted), and export readers.

use store::roster::{self, ExportScope, Table, Value};
use test_support::store_test;

use crate::fixtures::{self, NOW};

fn org_row(id: &str, sourced: &str, name: &str, at: base::Timestamp) -> Vec<Value> {
    vec![
        id.into(),
        sourced.into(),
        name.into(),
        "school".into(),
        Value::Text(None),
        Value::Text(Some("county".into())),
        "oneroster".into(),
        at.millis().into(),
    ]
}

store_test!(upserts_update_in_place_and_deletions_are_soft, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let t1 = NOW;
    let mut tx = store.write().await.unwrap();
    let rows: Vec<_> = (0..2500).map(|i| org_row(&format!("o{i}"), &format!("src-o{i}"), "学校", t1)).collect();
    roster::upsert(&mut tx, &roster::ORGS, &rows).await.unwrap();
    tx.commit().await.unwrap();

    let t2 = NOW.plus_seconds(10);
    let mut tx = store.write().await.unwrap();
    let rows: Vec<_> = (0..10).map(|i| org_row(&format!("o{i}"), &format!("src-o{i}"), "新名字", t2)).collect();
    roster::upsert(&mut tx, &roster::ORGS, &rows).await.unwrap();
    let gone: Vec<String> = (10..2500).map(|i| format!("src-o{i}")).collect();
    assert_eq!(roster::delete_sourced(&mut tx, Table::Orgs, &gone, t2).await.unwrap(), 2490);
    assert_eq!(roster::delete_sourced(&mut tx, Table::Orgs, &gone, t2).await.unwrap(), 0, "already deleted");
    tx.commit().await.unwrap();

    let mut c = store.read().await.unwrap();
    let known = roster::known(&mut c, Table::Orgs).await.unwrap();
    assert!(known["src-o1"].live && !known["src-o11"].live);
    assert!(known["src-o1"].imported && !known["src-school"].imported, "records made in Inkstone are told apart");
    let exported = roster::export(&mut c, Table::Orgs, ExportScope::Live).await.unwrap();
    let o1 = exported.iter().find(|r| r.get("sourced") == Some("src-o1")).unwrap();
    assert_eq!((o1.get("name"), o1.get("parent")), (Some("新名字"), Some("src-county")));
    let changed = roster::export(&mut c, Table::Orgs, ExportScope::ChangedSince(t1)).await.unwrap();
    assert_eq!(changed.len(), 2500, "10 renamed and 2490 deleted");
    assert_eq!(changed.iter().filter(|r| r.deleted).count(), 2490);
    drop(c);

    // Sending a deleted row again revives it with the same id.
    let mut tx = store.write().await.unwrap();
    roster::upsert(&mut tx, &roster::ORGS, &[org_row("ignored", "src-o11", "回来", t2.plus_seconds(1))]).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    let known = roster::known(&mut c, Table::Orgs).await.unwrap();
    assert!(known["src-o11"].live);
    assert_eq!(known["src-o11"].id, "o11");
});
