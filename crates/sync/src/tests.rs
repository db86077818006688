use ed25519_dalek::SigningKey;
use expect_test::{Expect, expect};

use crate::batch::{self, BatchBuilder, Value};
use crate::budget::{Allowance, Budget, month_of};
use crate::rules::{self, Admission, Deidentify, Resolution};
use crate::schema::{self, Direction};
use crate::seal::{self, Freshness};
use crate::{SyncError, key_text, receipt};

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn fresh(n: u8) -> Freshness {
    Freshness { ephemeral_secret: [n; 32], nonce: [n.wrapping_add(1); 24] }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// A small batch from key 1 to key 2: two results and a deleted learner state.
fn sample_batch() -> batch::Batch {
    let results = schema::table("results").unwrap();
    let states = schema::table("learner_states").unwrap();
    let mut b = BatchBuilder::new(
        &key_text(&key(1).verifying_key()),
        &key_text(&key(2).verifying_key()),
        Direction::Up,
        5,
        1 << 20,
    );
    b.begin_table(results, 10);
    for (seq, id) in [(11, "r1"), (14, "r2")] {
        let row = vec![
            text(id),
            text("li"),
            text("s1"),
            Value::Real(7.5),
            Value::Null,
            Value::Null,
            Value::Int(100),
            Value::Null,
        ];
        assert!(b.push_row(results, seq, row));
    }
    b.begin_table(states, 0);
    assert!(b.push_delete(states, 15, vec![text("s1"), text("math")]));
    b.finish()
}

fn sealed() -> Vec<u8> {
    seal::seal(&batch::encode(&sample_batch()), &key(1), &key(2).verifying_key(), &fresh(9))
}

fn open(envelope: &[u8], recipient: &SigningKey) -> Result<batch::CheckedBatch, SyncError> {
    let (_, plain) = seal::open(envelope, recipient)?;
    batch::decode(&plain)
}

#[test]
fn a_sealed_batch_opens_for_its_recipient_with_every_change() {
    let checked = open(&sealed(), &key(2)).unwrap();
    assert_eq!(checked.batch, sample_batch());
    assert_eq!(checked.n_changes(), 3);
    let parts: Vec<_> = checked.tables().map(|(t, c)| (t.name, c.after, c.upto)).collect();
    assert_eq!(parts, [("results", 10, 14), ("learner_states", 0, 15)]);
}

#[test]
fn a_batch_for_another_server_is_refused() {
    assert!(matches!(open(&sealed(), &key(3)), Err(SyncError::NotForUs)));
}

#[test]
fn every_single_byte_change_is_caught_by_the_signature() {
    let envelope = sealed();
    for i in 72..envelope.len() {
        let mut bad = envelope.clone();
        bad[i] ^= 0x01;
        let err = open(&bad, &key(2)).unwrap_err();
        assert!(matches!(err, SyncError::BadSignature), "byte {i}: {err}");
    }
}

#[test]
fn truncated_and_extended_envelopes_are_refused() {
    let envelope = sealed();
    for len in [0, 10, 150, envelope.len() - 1] {
        let err = open(&envelope[..len], &key(2)).unwrap_err();
        assert!(matches!(err, SyncError::Truncated { .. } | SyncError::BadSignature), "{len}: {err}");
    }
    let mut longer = envelope.clone();
    longer.push(0);
    assert!(matches!(open(&longer, &key(2)), Err(SyncError::BadSignature)));
}

#[test]
fn a_batch_re_signed_by_an_impostor_names_the_impostor() {
    // The signature covers the sender key: swapping the key and re-signing yields a batch that
    // says who really sent it, which the receiver then checks against its trusted peers.
    let envelope = seal::seal(&batch::encode(&sample_batch()), &key(7), &key(2).verifying_key(), &fresh(9));
    let header = seal::header(&envelope).unwrap();
    assert_eq!(header.sender, key(7).verifying_key());
}

#[test]
fn the_ciphertext_does_not_show_the_rows() {
    let envelope = sealed();
    let plain = batch::encode(&sample_batch());
    assert!(!envelope.windows(plain.len().min(16)).any(|w| w == &plain[..plain.len().min(16)]));
}

fn check_decode(json: &str, expect: Expect) {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(json.as_bytes()).unwrap();
    let got = match batch::decode(&z.finish().unwrap()) {
        Ok(b) => format!("ok: {} changes", b.n_changes()),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&got);
}

const HEAD: &str = r#""format":"inkstone-sync-batch/1","from":"a","to":"b","created_at":0"#;

#[test]
fn malformed_batches_get_a_clear_error() {
    check_decode(
        "{",
        expect![[
            r#"error: the batch is damaged: the batch is not valid JSON at line 1, column 1: EOF while parsing an object at line 1 column 1"#
        ]],
    );
    check_decode(
        r#"{"format":"inkstone-sync-batch/9","from":"a","to":"b","direction":"up","created_at":0,"tables":[]}"#,
        expect![[
            r#"error: the batch has format "inkstone-sync-batch/9"; this server reads "inkstone-sync-batch/1" (upgrade the older server)"#
        ]],
    );
    check_decode(
        &format!(
            r#"{{{HEAD},"direction":"up","tables":[{{"table":"audit_log","after":0,"upto":1,"columns":[],"rows":[],"deleted":[]}}]}}"#
        ),
        expect![[r#"error: the batch is damaged: table audit_log: is not a replicated table"#]],
    );
    check_decode(
        &format!(
            r#"{{{HEAD},"direction":"down","tables":[{{"table":"results","after":0,"upto":1,"columns":[],"rows":[],"deleted":[]}}]}}"#
        ),
        expect![[r#"error: the batch is damaged: table results: does not flow down from a hub"#]],
    );
    check_decode(
        &format!(
            r#"{{{HEAD},"direction":"up","tables":[{{"table":"class_terms","after":0,"upto":1,"columns":["class_id"],"rows":[],"deleted":[]}}]}}"#
        ),
        expect![[
            r#"error: table class_terms: the sender's columns differ from this server's; bring both to the same version"#
        ]],
    );
    check_decode(
        &format!(
            r#"{{{HEAD},"direction":"up","tables":[{{"table":"class_terms","after":0,"upto":1,"columns":["class_id","session_id"],"rows":[["c",5]],"deleted":[]}}]}}"#
        ),
        expect![[r#"error: the batch is damaged: table class_terms: row 1: column session_id holds Int(5)"#]],
    );
    check_decode(
        &format!(
            r#"{{{HEAD},"direction":"up","tables":[{{"table":"class_terms","after":3,"upto":1,"columns":["class_id","session_id"],"rows":[],"deleted":[]}}]}}"#
        ),
        expect![[r#"error: the batch is damaged: table class_terms: ends at 1 before it starts at 3"#]],
    );
    check_decode(
        &format!(
            r#"{{{HEAD},"direction":"up","tables":[{{"table":"people","after":0,"upto":1,"columns":[],"rows":[],"deleted":[]}},{{"table":"orgs","after":0,"upto":1,"columns":[],"rows":[],"deleted":[]}}]}}"#
        ),
        expect![[
            r#"error: table people: the sender's columns differ from this server's; bring both to the same version"#
        ]],
    );
}

#[test]
fn garbage_that_inflates_to_nothing_useful_is_an_error_not_a_panic() {
    for bytes in [&b""[..], b"\x00\x01\x02", b"not deflate at all"] {
        assert!(batch::decode(bytes).is_err());
    }
}

#[test]
fn replays_are_no_ops_overlaps_apply_and_gaps_are_refused() {
    let cases = [(0, 10, 0), (0, 10, 10), (0, 10, 20), (5, 15, 10), (12, 20, 10)];
    let got: Vec<String> =
        cases.iter().map(|&(a, u, h)| format!("({a},{u}] on {h}: {:?}", rules::admit(a, u, h))).collect();
    expect![[r#"
        (0,10] on 0: Apply
        (0,10] on 10: AlreadyHeld
        (0,10] on 20: AlreadyHeld
        (5,15] on 10: Apply
        (12,20] on 10: Gap { held: 10 }"#]]
    .assert_eq(&got.join("\n"));
    assert_eq!(rules::admit(12, 20, 10), Admission::Gap { held: 10 });
}

#[test]
fn the_newer_version_wins_and_ties_keep_the_local_row() {
    let people = schema::table("people").unwrap();
    let row = |updated: i64, deleted: Option<i64>| {
        let mut r = vec![Value::Null; people.columns.len()];
        r[people.column("updated_at").unwrap()] = Value::Int(updated);
        r[people.column("deleted_at").unwrap()] = deleted.map_or(Value::Null, Value::Int);
        r
    };
    assert_eq!(rules::resolve(people, None, &row(1, None)), Resolution::Insert);
    assert_eq!(rules::resolve(people, Some(&row(1, None)), &row(2, None)), Resolution::Replace);
    assert_eq!(rules::resolve(people, Some(&row(2, None)), &row(1, None)), Resolution::KeepLocal);
    assert_eq!(rules::resolve(people, Some(&row(2, None)), &row(2, None)), Resolution::KeepLocal);
    // A deletion stamped later than the local edit wins.
    assert_eq!(rules::resolve(people, Some(&row(5, None)), &row(3, Some(6))), Resolution::Replace);
    let terms = schema::table("class_terms").unwrap();
    let t = [text("c"), text("s")];
    assert_eq!(rules::resolve(terms, Some(&t), &t), Resolution::KeepLocal);
}

#[test]
fn pseudonymised_people_keep_no_name_contact_or_full_birth_date() {
    let people = schema::table("people").unwrap();
    let mut row: Vec<Value> = people.columns.iter().map(|(c, _)| text(&format!("{c}-value"))).collect();
    row[people.column("birth_date").unwrap()] = text("2012-05-17");
    let original = row.clone();
    rules::deidentify(Deidentify::Off, people, &mut row);
    assert_eq!(row, original);
    rules::deidentify(Deidentify::Pseudonymise, people, &mut row);
    let shown: Vec<String> = people.columns.iter().zip(&row).map(|((c, _), v)| format!("{c}={v:?}")).collect();
    expect![[r#"
        id=Text("id-value")
        sourced_id=Text("sourced_id-value")
        username=Null
        given_name=Text("S-908ccaff")
        family_name=Text("")
        middle_name=Null
        preferred_name=Null
        identifier=Null
        email=Null
        phone=Null
        sms=Null
        user_ids=Text("")
        birth_date=Text("2012-01-01")
        sex=Text("sex-value")
        grades=Text("grades-value")
        enabled=Text("enabled-value")
        primary_org_id=Text("primary_org_id-value")
        locale=Text("locale-value")
        source=Text("source-value")
        updated_at=Text("updated_at-value")
        deleted_at=Text("deleted_at-value")"#]]
    .assert_eq(&shown.join("\n"));
}

#[test]
fn a_full_builder_refuses_rows_but_never_splits_a_self_referencing_table() {
    let orgs = schema::table("orgs").unwrap();
    let results = schema::table("results").unwrap();
    let mut b = BatchBuilder::new("a", "b", Direction::Up, 0, 600);
    b.begin_table(orgs, 0);
    let org = |id: &str| {
        vec![
            text(id),
            text(id),
            text("n"),
            text("school"),
            Value::Null,
            Value::Null,
            text("s"),
            Value::Int(1),
            Value::Null,
        ]
    };
    for i in 0..20 {
        assert!(b.push_row(orgs, i + 1, org(&format!("org-{i}"))), "org {i}");
    }
    b.begin_table(results, 0);
    assert!(!b.push_row(results, 30, vec![Value::Null; 8]));
    assert!(b.is_full());
    let batch = b.finish();
    assert_eq!(batch.tables.len(), 1, "the empty results part is dropped");
    assert_eq!((batch.tables[0].after, batch.tables[0].upto), (0, 20));
}

#[test]
fn the_first_row_always_fits_so_every_batch_makes_progress() {
    let results = schema::table("results").unwrap();
    let mut b = BatchBuilder::new("a", "b", Direction::Up, 0, 1);
    b.begin_table(results, 0);
    assert!(b.push_row(results, 1, vec![Value::Null; 8]));
    assert!(!b.push_row(results, 2, vec![Value::Null; 8]));
}

#[test]
fn receipts_verify_and_tampering_is_caught() {
    let r = receipt::Receipt {
        format: receipt::RECEIPT_FORMAT.to_owned(),
        from: key_text(&key(2).verifying_key()),
        to: key_text(&key(1).verifying_key()),
        direction: "up".to_owned(),
        created_at: 1,
        watermarks: [("results".to_owned(), 14)].into(),
    };
    let signed = receipt::sign(&r, &key(2));
    assert!(receipt::is_receipt(&signed));
    assert!(!receipt::is_receipt(&sealed()));
    let (back, signer) = receipt::verify(&signed).unwrap();
    assert_eq!((back, signer), (r.clone(), key(2).verifying_key()));
    // Claiming another signer fails the signature.
    let forged = receipt::sign(&receipt::Receipt { from: key_text(&key(5).verifying_key()), ..r }, &key(2));
    assert!(matches!(receipt::verify(&forged), Err(SyncError::BadSignature)));
    assert!(receipt::verify(b"{}").is_err());
}

#[test]
fn the_budget_lets_nothing_through_once_spent() {
    let unmetered = Budget { monthly_bytes: None, used_this_month: 1 << 40 };
    assert_eq!(unmetered.allowance(1000), Allowance::Send(1000));
    let metered = Budget { monthly_bytes: Some(100_000), used_this_month: 90_000 };
    assert_eq!(metered.allowance(1 << 20), Allowance::Send(10_000));
    let spent = Budget { monthly_bytes: Some(100_000), used_this_month: 99_000 };
    assert_eq!(spent.allowance(1 << 20), Allowance::Exhausted { monthly_bytes: 100_000, used: 99_000 });
    assert_eq!(month_of(base::Timestamp::from_millis(1_795_000_000_000)), "2026-11");
}

#[test]
fn tables_are_listed_parents_first_and_down_tables_are_filtered_per_school_where_needed() {
    let up: Vec<_> = Direction::Up.tables().map(|t| t.name).collect();
    let down: Vec<_> = Direction::Down
        .tables()
        .map(|t| format!("{}{}", t.name, if t.down_filter.is_some() { "*" } else { "" }))
        .collect();
    expect![[r#"
        up: orgs academic_sessions courses classes class_terms people roles guardianships enrollments line_items results attendance admin_records placements consents subjects items learner_states answers
        down: orgs academic_sessions courses classes* class_terms* people* roles* guardianships* enrollments* subjects items"#]]
    .assert_eq(&format!("up: {}\ndown: {}", up.join(" "), down.join(" ")));
    for t in schema::TABLES {
        for k in t.key {
            assert!(t.column(k).is_some(), "{}.{k}", t.name);
        }
        for v in t.version {
            assert!(t.column(v).is_some(), "{}.{v}", t.name);
        }
    }
}
