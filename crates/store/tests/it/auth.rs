//! Sessions and tokens: found by hash while valid, gone when expired, revoked or their person is.

use base::RecordId;
use store::auth::{self, ApiToken};
use test_support::store_test;

use crate::fixtures::{self, NOW, pid};

store_test!(sessions_expire_and_die_with_their_person, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let mut tx = store.write().await.unwrap();
    auth::create_session(&mut tx, "hash-1", &pid("t1"), "csrf", NOW, NOW.plus_seconds(60)).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    assert_eq!(auth::session(&mut c, "hash-1", NOW).await.unwrap().unwrap().person, pid("t1"));
    assert!(auth::session(&mut c, "hash-1", NOW.plus_seconds(60)).await.unwrap().is_none(), "expired");
    assert!(auth::session(&mut c, "other", NOW).await.unwrap().is_none(), "unknown token");
    drop(c);
    let mut tx = store.write().await.unwrap();
    store::people::soft_delete(&mut tx, &pid("t1"), NOW).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    assert!(auth::session(&mut c, "hash-1", NOW).await.unwrap().is_none(), "deleted person");
});

store_test!(a_chosen_language_is_kept_per_account_and_read_with_the_session, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let mut tx = store.write().await.unwrap();
    auth::create_session(&mut tx, "hash-1", &pid("t1"), "csrf", NOW, NOW.plus_seconds(60)).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    assert_eq!(auth::session(&mut c, "hash-1", NOW).await.unwrap().unwrap().language, None, "nothing chosen yet");
    drop(c);
    for chosen in ["zh-CN", "en"] {
        let mut tx = store.write().await.unwrap();
        auth::set_language(&mut tx, &pid("t1"), chosen, NOW).await.unwrap();
        tx.commit().await.unwrap();
        let mut c = store.read().await.unwrap();
        assert_eq!(auth::session(&mut c, "hash-1", NOW).await.unwrap().unwrap().language.as_deref(), Some(chosen));
        assert_eq!(auth::language(&mut c, &pid("t1")).await.unwrap().as_deref(), Some(chosen));
    }
    let mut c = store.read().await.unwrap();
    assert_eq!(auth::language(&mut c, &pid("s1")).await.unwrap(), None, "another account is untouched");
});

store_test!(revoked_and_expired_tokens_stop_working, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let token = |id: &str, expires| ApiToken {
        id: RecordId::parse(id).unwrap(),
        person: pid("a1"),
        name: "nightly export".into(),
        created_at: NOW,
        expires_at: expires,
        last_used_at: None,
        revoked_at: None,
    };
    let mut tx = store.write().await.unwrap();
    auth::create_token(&mut tx, &token("k1", None), "h1").await.unwrap();
    auth::create_token(&mut tx, &token("k2", Some(NOW.plus_seconds(1))), "h2").await.unwrap();
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    assert!(auth::token_by_hash(&mut c, "h1", NOW).await.unwrap().is_some());
    assert!(auth::token_by_hash(&mut c, "h2", NOW.plus_seconds(2)).await.unwrap().is_none());
    drop(c);
    let mut tx = store.write().await.unwrap();
    assert!(
        !auth::revoke_token(&mut tx, &RecordId::parse("k1").unwrap(), &pid("t1"), NOW).await.unwrap(),
        "not t1's token"
    );
    assert!(auth::revoke_token(&mut tx, &RecordId::parse("k1").unwrap(), &pid("a1"), NOW).await.unwrap());
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    assert!(auth::token_by_hash(&mut c, "h1", NOW).await.unwrap().is_none());
    assert_eq!(auth::tokens_of(&mut c, &pid("a1")).await.unwrap().len(), 2);
});
