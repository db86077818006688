//! Importing channels: full, partial, upgrades, and every way a channel can be refused.

use std::io::{self, Read};

use content::ContentError;
use content::import::{ImportKind, plan_import, read_channel};
use content::installed::{InstalledChannel, Selection, unreferenced_blobs};
use content::layout;
use content::memory::{MemoryFolder, MemoryStore};
use content::store::{ChannelSource, ContentStore};
use expect_test::expect;

use crate::fixture::*;

const BIG: u64 = 1 << 30;

#[test]
fn a_whole_channel_imports_with_every_file_once() {
    let ch = channel(1);
    let mut hub = hub_folder(&ch, 1);
    let mut store = MemoryStore::with_quota(BIG);
    let report = import(&mut hub, &mut store, &Selection::All).unwrap();
    assert_eq!(report.kind, ImportKind::New);
    assert_eq!(report.units, 4);
    // 4 videos + 4 item files + 1 shared thumbnail.
    assert_eq!(report.blobs_fetched, 9);
    assert_eq!(store.blobs().len(), 9);
    for b in &ch.blobs {
        assert_eq!(store.blobs().get(&content::hash::ContentHash::of(b)), Some(b));
    }
    expect![[
        r#"blobs=9 staged=0 channels=["county-maths-7@1 units=[\"a1\", \"a2\", \"g1\", \"g2\"]"] available=1073731344"#
    ]]
    .assert_eq(&snapshot(&store));
}

#[test]
fn a_partial_import_fetches_only_the_selected_units_files_and_can_be_extended() {
    let ch = channel(1);
    let mut hub = hub_folder(&ch, 1);
    let mut store = MemoryStore::with_quota(BIG);
    let first = import(&mut hub, &mut store, &Selection::units([unit("a1")])).unwrap();
    assert_eq!((first.kind, first.units, first.blobs_fetched), (ImportKind::New, 1, 3));
    let more = import(&mut hub, &mut store, &Selection::courses([course("geometry")])).unwrap();
    // The thumbnail is already there: only the two geometry units' own files travel.
    assert_eq!((more.kind, more.units, more.blobs_fetched), (ImportKind::Extend, 3, 4));
    // Reused: everything unit a1 already had, the shared thumbnail included.
    assert_eq!(more.bytes_reused, 1008 + 208 + 55);
    let again = import(&mut hub, &mut store, &Selection::units([unit("g2")])).unwrap();
    assert_eq!((again.kind, again.blobs_fetched), (ImportKind::UpToDate, 0));
}

#[test]
fn an_upgrade_fetches_only_changed_files_and_keeps_the_selection() {
    let mut store = MemoryStore::with_quota(BIG);
    let mut hub = hub_folder(&channel(1), 1);
    import(&mut hub, &mut store, &Selection::Only { courses: [course("algebra")].into(), units: [unit("g1")].into() })
        .unwrap();
    let mut hub2 = hub_folder(&channel(2), 1);
    let up = import(&mut hub2, &mut store, &Selection::nothing()).unwrap();
    assert_eq!(up.kind, ImportKind::Upgrade { from: 1 });
    assert_eq!(up.blobs_fetched, 1, "only a1's re-encoded video is new");
    let mut hub3 = hub_folder(&channel(3), 1);
    let up3 = import(&mut hub3, &mut store, &Selection::nothing()).unwrap();
    // Unit a3 is new in version 3 and belongs to the selected course, so it comes along.
    assert_eq!((up3.units, up3.blobs_fetched), (4, 2));
    let installed = store.channels().values().next().unwrap();
    let old_video = content::hash::ContentHash::of(&blob("a1-video", 1000));
    assert_eq!(unreferenced_blobs([installed], store.blobs().keys().copied()), vec![old_video]);
}

#[test]
fn an_import_that_does_not_fit_says_how_much_is_needed_and_writes_nothing() {
    let mut hub = hub_folder(&channel(1), 1);
    let mut store = MemoryStore::with_quota(10_000);
    import(&mut hub, &mut store, &Selection::units([unit("a1")])).unwrap();
    let before = snapshot(&store);
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    expect!["importing channel county-maths-7 version 1 needs 3.6 KiB of new files but only 3.1 KiB is free in the content storage; free some space, raise the quota or import fewer units"]
        .assert_eq(&err.to_string());
    assert!(matches!(err, ContentError::QuotaExceeded { needed: 3648, available: 3168, .. }), "{err:?}");
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_tampered_file_is_refused_and_nothing_is_installed() {
    let ch = channel(1);
    let mut hub = hub_folder(&ch, 1);
    let path = layout::blob_path(&content::hash::ContentHash::of(&blob("g2-video", 1000)));
    hub.file_mut(&path).unwrap()[500] ^= 0x20;
    let mut store = MemoryStore::with_quota(BIG);
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::BlobHashMismatch { .. }), "{err}");
    assert!(err.to_string().contains("altered or damaged"));
    expect![[r#"blobs=0 staged=0 channels=[] available=1073741824"#]].assert_eq(&snapshot(&store));
}

#[test]
fn a_truncated_file_is_found_before_anything_is_copied() {
    let mut hub = hub_folder(&channel(1), 1);
    let path = layout::blob_path(&content::hash::ContentHash::of(&blob("a2-items", 200)));
    hub.file_mut(&path).unwrap().truncate(100);
    let mut store = MemoryStore::with_quota(BIG);
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::BlobWrongSize { expected: 208, got: 100, .. }), "{err}");
    expect![[r#"blobs=0 staged=0 channels=[] available=1073741824"#]].assert_eq(&snapshot(&store));
}

#[test]
fn a_missing_file_is_reported_with_a_hint_about_partial_exports() {
    let mut hub = hub_folder(&channel(1), 1);
    hub.remove(&layout::blob_path(&content::hash::ContentHash::of(&blob("g1-video", 1000))));
    let mut store = MemoryStore::with_quota(BIG);
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::MissingBlobs { count: 1, .. }), "{err}");
    // The units that are complete still import.
    import(&mut hub, &mut store, &Selection::courses([course("algebra")])).unwrap();
}

#[test]
fn a_truncated_channel_file_is_refused() {
    let mut hub = hub_folder(&channel(1), 1);
    let path = layout::channel_path(&channel_id());
    let len = hub.files()[&path].len();
    hub.file_mut(&path).unwrap().truncate(len - 40);
    let mut store = MemoryStore::with_quota(BIG);
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::EnvelopeSyntax { .. }), "{err}");
}

#[test]
fn a_channel_signed_with_an_unknown_key_is_refused() {
    let mut hub = hub_folder(&channel(1), 9);
    let mut store = MemoryStore::with_quota(BIG);
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::UntrustedPublisher { .. }), "{err}");
}

#[test]
fn another_trusted_publisher_cannot_take_over_an_installed_channel() {
    let mut store = MemoryStore::with_quota(BIG);
    import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::All).unwrap();
    let mut trusted = trusting(1);
    trusted.trust(content::signed::PublisherKey::of(&key(2)), "another county");
    let mut rogue = hub_folder(&channel(5), 2);
    let verified = read_channel(&mut rogue, &channel_id(), &trusted).unwrap();
    let err = plan_import(verified, &Selection::All, &store).unwrap_err();
    assert!(matches!(err, ContentError::PublisherChanged { .. }), "{err}");
}

#[test]
fn an_older_version_cannot_replace_a_newer_one() {
    let mut store = MemoryStore::with_quota(BIG);
    import(&mut hub_folder(&channel(2), 1), &mut store, &Selection::All).unwrap();
    let before = snapshot(&store);
    let err = import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::All).unwrap_err();
    expect![
        "channel county-maths-7 version 1 is older than the installed version 2; an old copy cannot replace a newer one"
    ]
    .assert_eq(&err.to_string());
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_different_channel_under_the_installed_version_number_is_refused() {
    let mut store = MemoryStore::with_quota(BIG);
    import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::All).unwrap();
    let mut changed = channel(1);
    changed.manifest.title = content::manifest::Text::en("Edited without a new version");
    let err = import(&mut hub_folder(&changed, 1), &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::VersionConflict { version: 1, .. }), "{err}");
}

#[test]
fn an_envelope_saved_under_another_channels_name_is_refused() {
    let mut hub = hub_folder(&channel(1), 1);
    let bytes = hub.remove(&layout::channel_path(&channel_id())).unwrap();
    let other = content::id::ChannelId::parse("other").unwrap();
    hub.insert(layout::channel_path(&other), bytes);
    let err = read_channel(&mut hub, &other, &trusting(1)).unwrap_err();
    assert!(err.to_string().contains("holds channel county-maths-7"), "{err}");
}

#[test]
fn selecting_a_unit_the_channel_lacks_is_an_error() {
    let mut store = MemoryStore::with_quota(BIG);
    let err = import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::units([unit("a3")])).unwrap_err();
    expect!["channel county-maths-7 has no unit a3"].assert_eq(&err.to_string());
}

#[test]
fn a_failed_commit_leaves_nothing_behind_and_a_retry_succeeds() {
    let mut hub = hub_folder(&channel(1), 1);
    let mut store = MemoryStore::with_quota(BIG);
    store.fail_next_commit();
    let err = import(&mut hub, &mut store, &Selection::All).unwrap_err();
    assert!(matches!(err, ContentError::Store { action: "commit the import", .. }), "{err}");
    expect![[r#"blobs=0 staged=0 channels=[] available=1073741824"#]].assert_eq(&snapshot(&store));
    import(&mut hub, &mut store, &Selection::All).unwrap();
}

#[test]
fn two_imports_planned_from_the_same_state_cannot_both_commit() {
    let mut hub = hub_folder(&channel(1), 1);
    let mut store = MemoryStore::with_quota(BIG);
    let plan = |hub: &mut MemoryFolder, store: &MemoryStore, sel: Selection| {
        plan_import(read_channel(hub, &channel_id(), &trusting(1)).unwrap(), &sel, store).unwrap()
    };
    let first = plan(&mut hub, &store, Selection::units([unit("a1")]));
    let second = plan(&mut hub, &store, Selection::units([unit("g1")]));
    first.apply(&mut hub, &mut store).unwrap();
    let err = second.apply(&mut hub, &mut store).unwrap_err();
    assert!(err.to_string().contains("commit"), "{err}");
    let installed: &InstalledChannel = store.channels().values().next().unwrap();
    assert_eq!(installed.units().len(), 1);
    assert!(store.staged().is_empty());
}

#[test]
fn space_taken_between_planning_and_applying_is_noticed_before_copying() {
    let mut hub = hub_folder(&channel(1), 1);
    let mut store = MemoryStore::with_quota(9000);
    let verified = read_channel(&mut hub, &channel_id(), &trusting(1)).unwrap();
    let plan = plan_import(verified, &Selection::courses([course("algebra")]), &store).unwrap();
    import(&mut hub, &mut store, &Selection::courses([course("geometry")])).unwrap();
    let err = plan.apply(&mut hub, &mut store).unwrap_err();
    assert!(matches!(err, ContentError::QuotaExceeded { .. }), "{err}");
}

/// A source whose blob reads fail half way, like a USB disk pulled out.
struct Unplugged(MemoryFolder);

impl ChannelSource for Unplugged {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        self.0.read_file(path, max_len)
    }
    fn file_len(&mut self, path: &str) -> io::Result<Option<u64>> {
        self.0.file_len(path)
    }
    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        let half = self.0.files()[path].len() / 2;
        Ok(Box::new(self.0.open(path)?.take(half as u64).chain(FailingRead)))
    }
}

struct FailingRead;

impl Read for FailingRead {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("device removed"))
    }
}

#[test]
fn a_source_that_fails_mid_copy_is_reported_as_such_and_nothing_is_applied() {
    let mut source = Unplugged(hub_folder(&channel(1), 1));
    let mut store = MemoryStore::with_quota(BIG);
    let verified = read_channel(&mut source, &channel_id(), &trusting(1)).unwrap();
    let plan = plan_import(verified, &Selection::All, &store).unwrap();
    let err = plan.apply(&mut source, &mut store).unwrap_err();
    assert!(matches!(err, ContentError::Source { .. }), "{err:?}");
    expect![[r#"blobs=0 staged=0 channels=[] available=1073741824"#]].assert_eq(&snapshot(&store));
}

#[test]
fn an_installed_record_rebuilds_from_what_the_server_stored() {
    let mut store = MemoryStore::with_quota(BIG);
    import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::units([unit("a2")])).unwrap();
    let installed = store.installed(&channel_id()).unwrap().unwrap();
    let stored_selection = installed.selection().to_json();
    expect![[r#"{"select":"only","courses":[],"units":["a2"]}"#]].assert_eq(&stored_selection);
    let rebuilt =
        InstalledChannel::from_stored(installed.channel().envelope(), Selection::from_json(&stored_selection).unwrap())
            .unwrap();
    assert_eq!(rebuilt, installed);
    assert_eq!(rebuilt.blobs(), installed.blobs());
}

#[test]
fn importing_again_restores_files_the_store_lost() {
    let mut hub = hub_folder(&channel(1), 1);
    let mut store = MemoryStore::with_quota(BIG);
    import(&mut hub, &mut store, &Selection::All).unwrap();
    let lost = content::hash::ContentHash::of(&blob("g2-items", 200));
    store.remove_blob(&lost).unwrap();
    let report = import(&mut hub, &mut store, &Selection::All).unwrap();
    assert_eq!((report.kind, report.blobs_fetched), (ImportKind::Repair, 1));
    assert!(store.has_blob(&lost).unwrap());
}
