//! Exporting installed channels to a USB disk and importing them at another school.

use content::ContentError;
use content::export::export_channel;
use content::hash::ContentHash;
use content::import::read_catalog;
use content::installed::Selection;
use content::memory::{MemoryFolder, MemoryStore};
use content::store::ContentStore;
use expect_test::expect;

use crate::fixture::*;

const BIG: u64 = 1 << 30;

fn school_with(version: u64, selection: &Selection) -> MemoryStore {
    let mut store = MemoryStore::with_quota(BIG);
    import(&mut hub_folder(&channel(version), 1), &mut store, selection).unwrap();
    store
}

#[test]
fn a_channel_carried_on_a_usb_disk_installs_the_same_at_another_school() {
    let school_a = school_with(1, &Selection::All);
    let mut usb = MemoryFolder::new();
    let installed = school_a.installed(&channel_id()).unwrap().unwrap();
    let report = export_channel(&installed, None, &school_a, &mut usb).unwrap();
    assert_eq!((report.units, report.blobs_written, report.blobs_skipped), (4, 9, 0));
    let catalog = read_catalog(&mut usb).unwrap();
    expect![[r#"[CatalogEntry { id: ChannelId(county-maths-7), version: 1, title: "七年级数学", publisher: "County hub", units: None, bytes: 4919 }]"#]]
        .assert_eq(&format!("{:?}", catalog.channels));

    let mut school_b = MemoryStore::with_quota(BIG);
    import(&mut usb, &mut school_b, &Selection::All).unwrap();
    assert_eq!(school_b.blobs(), school_a.blobs());
    assert_eq!(school_b.installed(&channel_id()).unwrap(), Some(installed));
}

#[test]
fn a_partial_export_lists_its_units_and_cannot_supply_the_others() {
    let school_a = school_with(1, &Selection::All);
    let installed = school_a.installed(&channel_id()).unwrap().unwrap();
    let mut usb = MemoryFolder::new();
    export_channel(&installed, Some(&Selection::units([unit("a1")])), &school_a, &mut usb).unwrap();
    let catalog = read_catalog(&mut usb).unwrap();
    assert_eq!(catalog.channels[0].units, Some(vec![unit("a1")]));
    let mut school_b = MemoryStore::with_quota(BIG);
    let err = import(&mut usb, &mut school_b, &Selection::units([unit("g1")])).unwrap_err();
    assert!(matches!(err, ContentError::MissingBlobs { count: 2, .. }), "{err}");
    import(&mut usb, &mut school_b, &Selection::units([unit("a1")])).unwrap();
    // Adding a unit to the same disk later widens the catalog entry.
    export_channel(&installed, Some(&Selection::units([unit("g1")])), &school_a, &mut usb).unwrap();
    assert_eq!(read_catalog(&mut usb).unwrap().channels[0].units, Some(vec![unit("a1"), unit("g1")]));
}

#[test]
fn a_newer_version_on_the_same_disk_adds_only_the_changed_files() {
    let mut usb = MemoryFolder::new();
    let v1 = school_with(1, &Selection::All);
    export_channel(&v1.installed(&channel_id()).unwrap().unwrap(), None, &v1, &mut usb).unwrap();
    let v2 = school_with(2, &Selection::All);
    let report = export_channel(&v2.installed(&channel_id()).unwrap().unwrap(), None, &v2, &mut usb).unwrap();
    assert_eq!((report.blobs_written, report.blobs_skipped), (1, 8));
    // And the older version cannot be written back over it.
    let err = export_channel(&v1.installed(&channel_id()).unwrap().unwrap(), None, &v1, &mut usb).unwrap_err();
    assert!(matches!(err, ContentError::TargetNewer { target: 2, exported: 1, .. }), "{err}");
}

#[test]
fn a_disk_too_small_is_refused_before_writing() {
    let school = school_with(1, &Selection::All);
    let mut usb = MemoryFolder::with_capacity(5000);
    let err = export_channel(&school.installed(&channel_id()).unwrap().unwrap(), None, &school, &mut usb).unwrap_err();
    assert!(matches!(err, ContentError::ExportTooLarge { .. }), "{err}");
    assert!(usb.files().is_empty());
}

#[test]
fn a_file_damaged_in_the_local_store_is_not_passed_on() {
    let mut school = school_with(1, &Selection::All);
    let hash = ContentHash::of(&blob("a2-video", 1000));
    school.blob_mut(&hash).unwrap()[10] ^= 1;
    let installed = school.installed(&channel_id()).unwrap().unwrap();
    let mut usb = MemoryFolder::new();
    let err = export_channel(&installed, None, &school, &mut usb).unwrap_err();
    assert!(matches!(err, ContentError::BlobHashMismatch { .. }), "{err}");
    assert!(!usb.files().contains_key(&content::layout::channel_path(&channel_id())), "no envelope without its files");
}

#[test]
fn only_installed_units_can_be_exported() {
    let school = school_with(1, &Selection::units([unit("a1")]));
    let installed = school.installed(&channel_id()).unwrap().unwrap();
    let err = export_channel(&installed, Some(&Selection::units([unit("g1")])), &school, &mut MemoryFolder::new())
        .unwrap_err();
    expect!["unit g1 of channel county-maths-7 is not installed here, so it cannot be exported"]
        .assert_eq(&err.to_string());
}
