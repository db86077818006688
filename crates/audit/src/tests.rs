use super::*;

fn content(i: i64) -> NewEntry {
    NewEntry {
        at: Timestamp::from_millis(1_000 * i),
        actor: format!("t{i}"),
        action: "read".into(),
        subject: format!("person:s{i}"),
        basis: "teacher".into(),
        detail: String::new(),
    }
}

fn chain(n: i64) -> (Vec<Entry>, Head) {
    let mut head = Head::EMPTY;
    let mut entries = Vec::new();
    for i in 1..=n {
        let (e, h) = head.append(content(i));
        entries.push(e);
        head = h;
    }
    (entries, head)
}

#[test]
fn an_untouched_chain_verifies() {
    let (entries, head) = chain(5);
    assert_eq!(verify(entries, head, None), Ok(Verified { entries: 5, head }));
    assert_eq!(verify(vec![], Head::EMPTY, None).map(|v| v.entries), Ok(0));
}

#[test]
fn an_edited_entry_is_found() {
    let (mut entries, head) = chain(5);
    entries[2].content.subject = "person:someone-else".into();
    assert_eq!(verify(entries, head, None), Err(Break::Edited { seq: 3 }));
}

#[test]
fn an_edited_and_rehashed_entry_breaks_the_next_link() {
    let (mut entries, head) = chain(5);
    entries[2].content.detail = "covered up".into();
    entries[2].hash = seal(&entries[2].prev, 3, &entries[2].content);
    assert_eq!(verify(entries, head, None), Err(Break::Unlinked { seq: 4 }));
}

#[test]
fn a_deleted_entry_leaves_a_gap() {
    let (mut entries, head) = chain(5);
    entries.remove(1);
    assert_eq!(verify(entries, head, None), Err(Break::Gap { previous: 1, found: 3 }));
}

#[test]
fn an_inserted_and_renumbered_entry_breaks_the_link() {
    let (entries, head) = chain(4);
    let mut forged = entries[..2].to_vec();
    // Insert a fabricated entry 3 and renumber the rest, without being able to re-link them.
    let (fake, _) = Head { seq: 2, hash: entries[1].hash }.append(content(99));
    forged.push(fake);
    for e in &entries[2..] {
        let mut e = e.clone();
        e.seq += 1;
        e.hash = seal(&e.prev, e.seq, &e.content);
        forged.push(e);
    }
    assert_eq!(verify(forged, head, None), Err(Break::Unlinked { seq: 4 }));
}

#[test]
fn deleting_from_the_end_is_caught_by_the_head() {
    let (mut entries, head) = chain(5);
    entries.pop();
    assert_eq!(verify(entries, head, None), Err(Break::HeadMismatch { expected: 5, found: 4 }));
}

#[test]
fn a_rewritten_log_is_caught_by_an_anchor_taken_before() {
    let (entries, head) = chain(5);
    let anchor = Head { seq: 3, hash: entries[2].hash };
    assert!(verify(entries.clone(), head, Some(anchor)).is_ok());
    // Rewrite everything consistently from entry 2 on, head included.
    let mut rewritten = Head { seq: 1, hash: entries[0].hash };
    let mut forged = vec![entries[0].clone()];
    for i in 2..=5 {
        let mut c = content(i);
        c.actor = "nobody".into();
        let (e, h) = rewritten.append(c);
        forged.push(e);
        rewritten = h;
    }
    assert!(verify(forged.clone(), rewritten, None).is_ok(), "without an anchor a full rewrite is consistent");
    assert!(matches!(verify(forged, rewritten, Some(anchor)), Err(Break::AnchorMismatch { .. })));
    // An anchor beyond the end of the log was never part of it.
    let (entries, head) = chain(2);
    assert!(matches!(verify(entries, head, Some(anchor)), Err(Break::AnchorMismatch { .. })));
}

#[test]
fn anchors_round_trip_through_text() {
    let (_, head) = chain(3);
    assert_eq!(parse_anchor(&head.to_string()), Some(head));
    assert_eq!(parse_anchor("3:zz"), None);
}

#[test]
fn fields_are_length_prefixed_so_boundaries_matter() {
    let mut a = content(1);
    let mut b = content(1);
    a.actor = "ab".into();
    a.action = "c".into();
    b.actor = "a".into();
    b.action = "bc".into();
    assert_ne!(seal(&ChainHash::GENESIS, 1, &a), seal(&ChainHash::GENESIS, 1, &b));
}
