//! Replication: a school on SQLite sends its records up to a hub on PostgreSQL; faults are refused whole.

use std::collections::BTreeMap;

use app::App;
use app::replication::{Deidentify, Direction, NextBatch, OutgoingBatch, SyncOptions};
use test_support::TestDb;

use crate::{app, demo_app, operator};

fn code(e: app::Error) -> &'static str {
    e.as_user().map_or("internal", app::UserError::code)
}

/// The hub's database: PostgreSQL, or SQLite on a knowingly SQLite-only run.
async fn hub_db() -> TestDb {
    match TestDb::postgres().await {
        Some(db) => db,
        None => TestDb::sqlite(),
    }
}

async fn pair(school: &App, hub: &App) -> (String, String) {
    let (school_key, hub_key) = (school.public_key().await.unwrap(), hub.public_key().await.unwrap());
    school.trust_peer(&operator(), &hub_key, "county hub").await.unwrap();
    hub.trust_peer(&operator(), &school_key, "school").await.unwrap();
    (school_key, hub_key)
}

/// (username, given name) of everyone, read the way batches are.
async fn names(app: &App) -> Vec<(Option<String>, String)> {
    let people = sync::schema::table("people").unwrap();
    let (u, g) = (people.column("username").unwrap(), people.column("given_name").unwrap());
    let mut conn = app.store().read().await.unwrap();
    let rows = store::replication::changes(&mut conn, people, 0, None, false, usize::MAX).await.unwrap();
    let text = |v: &sync::batch::Value| match v {
        sync::batch::Value::Text(s) => Some(s.clone()),
        _ => None,
    };
    rows.into_iter()
        .map(|(_, c)| match c {
            store::replication::Change::Row(r) => (text(&r[u]), text(&r[g]).unwrap()),
            store::replication::Change::Deleted(_) => unreachable!("no deletions were asked for"),
        })
        .collect()
}

/// Row counts of every replicated table.
async fn counts(app: &App) -> BTreeMap<&'static str, u64> {
    let mut conn = app.store().read().await.unwrap();
    let mut out = BTreeMap::new();
    for t in sync::schema::TABLES {
        out.insert(t.name, store::replication::count_rows(&mut conn, t).await.unwrap());
    }
    out
}

async fn next(
    school: &App,
    hub_key: &str,
    from: &BTreeMap<String, u64>,
    options: &SyncOptions,
) -> Option<OutgoingBatch> {
    match school.sync_next_batch(&operator(), hub_key, from, options).await.unwrap() {
        NextBatch::Batch(b) => Some(b),
        NextBatch::UpToDate => None,
        other => panic!("unexpected {other:?}"),
    }
}

/// Sends batches until the hub is up to date, the way `sync run` does; returns (batches, changes).
async fn sync_up(school: &App, hub: &App, hub_key: &str, options: &SyncOptions) -> (usize, usize) {
    let (mut n_batches, mut n_changes) = (0, 0);
    loop {
        let from = school.sync_acknowledged(hub_key, options.direction).await.unwrap();
        let Some(batch) = next(school, hub_key, &from, options).await else { break };
        let applied = hub.sync_apply(&operator(), &batch.sealed).await.unwrap();
        school.sync_accept_receipt(&operator(), &applied.receipt).await.unwrap();
        n_batches += 1;
        n_changes += batch.n_changes;
    }
    (n_batches, n_changes)
}

fn small_batches() -> SyncOptions {
    SyncOptions { batch_json_bytes: 64 << 10, ..SyncOptions::up() }
}

#[tokio::test]
async fn a_school_replicates_to_a_hub_on_postgresql_and_then_sends_only_what_changed() {
    let school_db = TestDb::sqlite();
    let (school, _) = demo_app(&school_db).await;
    let hub_db = hub_db().await;
    let (hub, _) = app(&hub_db).await;
    let (_, hub_key) = pair(&school, &hub).await;

    let (n_batches, n_changes) = sync_up(&school, &hub, &hub_key, &small_batches()).await;
    let expected = counts(&school).await;
    assert!(n_batches > 3, "small batches: {n_batches}");
    assert_eq!(n_changes as u64, expected.values().sum::<u64>());
    assert_eq!(counts(&hub).await, expected);
    assert!(expected["answers"] > 0 && expected["results"] > 0 && expected["attendance"] > 0, "{expected:?}");

    // Nothing changed: nothing to send.
    assert_eq!(sync_up(&school, &hub, &hub_key, &small_batches()).await, (0, 0));

    // One edit at the school travels alone and wins at the hub (it is newer).
    school_db
        .raw("UPDATE people SET given_name = '新名', updated_at = updated_at + 1 WHERE username = 'student0001'")
        .await;
    assert_eq!(sync_up(&school, &hub, &hub_key, &small_batches()).await, (1, 1));
    assert!(names(&hub).await.contains(&(Some("student0001".to_owned()), "新名".to_owned())));

    // A national id never leaves the school.
    let mut conn = hub.store().read().await.unwrap();
    let person = store::people::credentials(&mut conn, "student0001").await.unwrap().unwrap().person;
    assert_eq!(store::people::national_student_id(&mut conn, &person).await.unwrap(), None);
}

#[tokio::test]
async fn replays_tampering_truncation_strangers_and_gaps_are_refused_and_nothing_is_applied() {
    let school_db = TestDb::sqlite();
    let (school, _) = demo_app(&school_db).await;
    let hub_db = hub_db().await;
    let (hub, _) = app(&hub_db).await;
    let hub_key = hub.public_key().await.unwrap();
    school.trust_peer(&operator(), &hub_key, "county hub").await.unwrap();
    let empty = counts(&hub).await;

    let first = next(&school, &hub_key, &BTreeMap::new(), &small_batches()).await.unwrap();
    let second = next(&school, &hub_key, &first.upto, &small_batches()).await.unwrap();

    // The hub does not trust the school yet.
    assert_eq!(code(hub.sync_apply(&operator(), &first.sealed).await.unwrap_err()), "forbidden");
    hub.trust_peer(&operator(), &school.public_key().await.unwrap(), "school").await.unwrap();

    // Damaged in the middle, truncated, or extended: the signature fails.
    let mut tampered = first.sealed.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x20;
    for bad in [tampered, first.sealed[..first.sealed.len() - 10].to_vec(), [first.sealed.clone(), vec![0]].concat()] {
        let err = hub.sync_apply(&operator(), &bad).await.unwrap_err();
        assert_eq!(code(err), "bad-bundle");
    }
    // A batch sealed for another server.
    let stranger_db = TestDb::sqlite();
    let (stranger, _) = app(&stranger_db).await;
    let stranger_key = stranger.public_key().await.unwrap();
    school.trust_peer(&operator(), &stranger_key, "stranger").await.unwrap();
    let elsewhere = next(&school, &stranger_key, &BTreeMap::new(), &small_batches()).await.unwrap();
    let err = hub.sync_apply(&operator(), &elsewhere.sealed).await.unwrap_err();
    assert!(err.to_string().contains("addressed to another server"), "{err}");

    // The second batch before the first: a gap.
    let err = hub.sync_apply(&operator(), &second.sealed).await.unwrap_err();
    assert!(err.to_string().contains("apply the earlier batches"), "{err}");
    assert_eq!(counts(&hub).await, empty, "nothing was applied");

    // In order they apply; a replay of either is a no-op.
    let applied = hub.sync_apply(&operator(), &first.sealed).await.unwrap();
    assert!(!applied.already_held && applied.inserted > 0);
    hub.sync_apply(&operator(), &second.sealed).await.unwrap();
    let after = counts(&hub).await;
    for batch in [&first, &second] {
        let again = hub.sync_apply(&operator(), &batch.sealed).await.unwrap();
        assert!(again.already_held);
        assert_eq!((again.inserted, again.replaced), (0, 0));
    }
    assert_eq!(counts(&hub).await, after);
}

#[tokio::test]
async fn a_short_budget_sends_records_before_learning_events_and_then_stops() {
    let school_db = TestDb::sqlite();
    let (school, _) = demo_app(&school_db).await;
    let hub_db = TestDb::sqlite();
    let (hub, _) = app(&hub_db).await;
    let (_, hub_key) = pair(&school, &hub).await;
    let options = SyncOptions { monthly_budget: Some(40_000), ..small_batches() };
    let mut spent = false;
    for _ in 0..20 {
        let from = school.sync_acknowledged(&hub_key, Direction::Up).await.unwrap();
        match school.sync_next_batch(&operator(), &hub_key, &from, &options).await.unwrap() {
            NextBatch::Batch(b) => {
                assert!(b.sealed.len() <= 40_000);
                let applied = hub.sync_apply(&operator(), &b.sealed).await.unwrap();
                school.sync_accept_receipt(&operator(), &applied.receipt).await.unwrap();
            }
            NextBatch::BudgetSpent { monthly_bytes, used } => {
                assert_eq!(monthly_bytes, 40_000);
                assert!(used <= 40_000);
                spent = true;
                break;
            }
            NextBatch::UpToDate => panic!("the whole school does not fit in 40 kB"),
        }
    }
    assert!(spent);
    let at_hub = counts(&hub).await;
    assert!(at_hub["people"] > 0, "{at_hub:?}");
    assert_eq!(at_hub["answers"], 0, "learning events wait for the records: {at_hub:?}");
}

#[tokio::test]
async fn a_deidentified_link_sends_pseudonyms_and_the_roster_coming_back_down_changes_nothing() {
    let school_db = TestDb::sqlite();
    let (school, _) = demo_app(&school_db).await;
    let hub_db = hub_db().await;
    let (hub, _) = app(&hub_db).await;
    let (school_key, hub_key) = pair(&school, &hub).await;
    let options = SyncOptions { deidentify: Deidentify::Pseudonymise, ..SyncOptions::up() };
    sync_up(&school, &hub, &hub_key, &options).await;
    let at_hub = names(&hub).await;
    assert!(!at_hub.is_empty());
    assert!(at_hub.iter().all(|(username, given)| username.is_none() && given.starts_with("S-")), "{:?}", at_hub[0]);

    // The hub sends the school its roster; every row is as old as the school's own, so the
    // school keeps its named rows.
    let school_org = school.home_org().await.unwrap().to_string();
    let down = SyncOptions { direction: Direction::Down, school: Some(school_org), ..SyncOptions::up() };
    let before = counts(&school).await;
    let batch = next(&hub, &school_key, &BTreeMap::new(), &down).await.unwrap();
    let applied = school.sync_apply(&operator(), &batch.sealed).await.unwrap();
    assert_eq!((applied.inserted, applied.replaced), (0, 0), "{applied:?}");
    assert!(applied.kept > 0);
    assert_eq!(counts(&school).await, before);
    assert!(names(&school).await.iter().all(|(_, given)| !given.starts_with("S-")));
}
