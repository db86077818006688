//! The audit chain as stored: appends under the head lock, and tampering found by `verify`.

use audit::{Break, NewEntry, verify};
use base::Timestamp;
use store::Store;
use test_support::{TestDb, store_test};

fn entry(i: i64) -> NewEntry {
    NewEntry {
        at: Timestamp::from_millis(i),
        actor: "t1".into(),
        action: "read".into(),
        subject: format!("person:s{i}"),
        basis: "teacher".into(),
        detail: String::new(),
    }
}

async fn append_five(store: &Store) {
    for batch in [vec![entry(1), entry(2)], vec![entry(3)], vec![entry(4), entry(5)]] {
        let mut tx = store.write().await.unwrap();
        store::audit::append(&mut tx, batch).await.unwrap();
        tx.commit().await.unwrap();
    }
}

async fn check(store: &Store) -> Result<i64, Break> {
    let mut c = store.read().await.unwrap();
    let head = store::audit::head(&mut c).await.unwrap();
    let entries = store::audit::entries_after(&mut c, 0, 1000).await.unwrap();
    verify(entries, head, None).map(|v| v.entries)
}

async fn tampered(sql: &str, db: &TestDb) -> Result<i64, Break> {
    let store = db.open().await;
    append_five(&store).await;
    assert_eq!(check(&store).await, Ok(5));
    db.raw(sql).await;
    check(&store).await
}

store_test!(an_untouched_stored_chain_verifies_and_a_rolled_back_append_leaves_no_trace, |db| {
    let store = db.open().await;
    append_five(&store).await;
    let mut tx = store.write().await.unwrap();
    store::audit::append(&mut tx, vec![entry(6)]).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(check(&store).await, Ok(5));
});

store_test!(an_edited_stored_entry_is_found, |db| {
    assert_eq!(tampered("UPDATE audit_log SET actor = 'x' WHERE seq = 3", &db).await, Err(Break::Edited { seq: 3 }));
});

store_test!(a_deleted_stored_entry_is_found, |db| {
    assert_eq!(tampered("DELETE FROM audit_log WHERE seq = 2", &db).await, Err(Break::Gap { previous: 1, found: 3 }));
});

store_test!(a_deleted_last_entry_is_found, |db| {
    assert_eq!(
        tampered("DELETE FROM audit_log WHERE seq = 5", &db).await,
        Err(Break::HeadMismatch { expected: 5, found: 4 })
    );
});

store_test!(an_inserted_stored_entry_is_found, |db| {
    let sql = "INSERT INTO audit_log (seq, at, actor, action, subject, basis, detail, prev_hash, hash) \
               SELECT 6, at, actor, action, subject, basis, detail, hash, hash FROM audit_log WHERE seq = 5";
    assert_eq!(tampered(sql, &db).await, Err(Break::Edited { seq: 6 }));
});

store_test!(concurrent_appends_keep_one_unbroken_chain, |db| {
    let store = db.open().await;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let mut tx = store.write().await.unwrap();
                store::audit::append(&mut tx, vec![entry(t * 100 + i)]).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(check(&store).await, Ok(80));
});
