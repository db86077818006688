//! OneRoster import and export: the standards samples, all-or-nothing, deltas, round trips.

use std::path::Path;

use app::UserError;
use app::roster::{ExportMode, ExportOptions, ImportOptions};
use oneroster::RosterFiles;
use test_support::store_test;

use crate::{app, operator};

fn read_dir(dir: &Path) -> RosterFiles {
    let mut files = RosterFiles::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            files.insert(path.file_name().unwrap().to_str().unwrap(), std::fs::read(&path).unwrap());
        }
    }
    files
}

fn from_set(set: &oneroster::WriteSet) -> RosterFiles {
    let mut files = RosterFiles::new();
    for (name, bytes) in set.files() {
        files.insert(&name, bytes);
    }
    files
}

fn rejection(result: app::Result<app::roster::ImportReport>) -> oneroster::Rejection {
    match result {
        Err(e) => match e.as_user() {
            Some(UserError::RosterRejected(r)) => r.clone(),
            other => panic!("expected a rejected roster, got {other:?}"),
        },
        Ok(report) => panic!("expected a rejected roster, got {report:?}"),
    }
}

async fn count(app: &app::App, table: &str) -> i64 {
    let mut c = app.store().read().await.unwrap();
    let known = store::roster::known(
        &mut c,
        match table {
            "orgs" => store::roster::Table::Orgs,
            "people" => store::roster::Table::People,
            "enrollments" => store::roster::Table::Enrollments,
            _ => unreachable!(),
        },
    )
    .await
    .unwrap();
    known.values().filter(|k| k.live).count() as i64
}

store_test!(the_authored_samples_import_in_bulk_then_delta, |db| {
    let Some(shared) = test_support::shared_data() else { return };
    let (app, _) = app(&db).await;
    let base = shared.join("standards/oneroster");
    let report = app
        .import_roster(
            &operator(),
            &read_dir(&base.join("authored-v1p2-bulk-minimal")),
            ImportOptions::default(),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(count(&app, "people").await, 7);
    assert_eq!(count(&app, "enrollments").await, 12);
    assert_eq!(report.guardianships, 1, "{report:?}");
    let delta = app
        .import_roster(
            &operator(),
            &read_dir(&base.join("authored-v1p2-delta-minimal")),
            ImportOptions::default(),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert!(delta.files.iter().any(|(f, _, up, del)| f == "users.csv" && *up == 1 && *del == 1), "{delta:?}");
    assert_eq!(count(&app, "people").await, 7, "one added, one removed");
    assert_eq!(count(&app, "enrollments").await, 12, "three added, three removed");
    // Importing the same delta again changes nothing.
    app.import_roster(
        &operator(),
        &read_dir(&base.join("authored-v1p2-delta-minimal")),
        ImportOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(count(&app, "people").await, 7);
});

store_test!(the_defective_samples_are_rejected_with_their_reasons, |db| {
    let Some(shared) = test_support::shared_data() else { return };
    let (app, _) = app(&db).await;
    let base = shared.join("standards/oneroster/moodle-enrol_oneroster");
    let full = rejection(
        app.import_roster(
            &operator(),
            &read_dir(&base.join("v1p2_full_dataset")),
            ImportOptions::default(),
            &mut |_| {},
        )
        .await,
    );
    let text = full.to_string();
    assert!(text.contains("userprofiles.csv") && text.contains("case-sensitive"), "{text}");
    assert!(text.contains("file.scoreScales"), "{text}");
    let test_data = rejection(
        app.import_roster(
            &operator(),
            &read_dir(&base.join("oneroster_test_data")),
            ImportOptions::default(),
            &mut |_| {},
        )
        .await,
    );
    assert!(
        test_data
            .errors
            .iter()
            .any(|e| e.file == "users.csv" && e.column.as_ref().is_some_and(|(c, _)| c == "enabledUser")),
        "{test_data}"
    );
    for old in ["Test_full_data_set", "Test_minimal_data_set"] {
        let r = rejection(
            app.import_roster(&operator(), &read_dir(&base.join(old)), ImportOptions::default(), &mut |_| {}).await,
        );
        assert!(r.to_string().contains("1.2"), "{r}");
    }
    assert_eq!(count(&app, "people").await, 0, "nothing was half-imported");
});

fn small_set() -> oneroster::WriteSet {
    app::demo::oneroster_set(app::demo::RosterSize {
        schools: 2,
        students: 30,
        teachers: 4,
        classes: 8,
        classes_per_student: 2,
    })
}

store_test!(a_problem_in_the_last_file_rolls_back_everything, |db| {
    let (app, _) = app(&db).await;
    let mut set = small_set();
    let enrollments = set.tables.iter_mut().find(|t| t.file == oneroster::RosterFile::Enrollments).unwrap();
    let last = enrollments.rows.len() - 1;
    enrollments.rows[last][3] = "no-such-class".into();
    let r = rejection(app.import_roster(&operator(), &from_set(&set), ImportOptions::default(), &mut |_| {}).await);
    let expected_line = (last + 2) as u64;
    assert_eq!(r.errors.len(), 1, "{r}");
    assert_eq!((r.errors[0].file.as_str(), r.errors[0].line), ("enrollments.csv", Some(expected_line)));
    assert_eq!(r.errors[0].column, Some(("classSourcedId".to_owned(), 4)));
    assert_eq!(count(&app, "people").await, 0);
    assert_eq!(count(&app, "orgs").await, 0);
    // The audit log has no import entry either.
    assert!(app.audit_recent(&operator(), None, 10).await.unwrap().iter().all(|e| e.action != "import"));
});

store_test!(duplicate_ids_usernames_and_national_ids_are_caught_with_their_lines, |db| {
    let (app, _) = app(&db).await;
    let mut set = small_set();
    let users = set.tables.iter_mut().find(|t| t.file == oneroster::RosterFile::Users).unwrap();
    let username = users.columns.iter().position(|c| c == "username").unwrap();
    let nsid = users.columns.iter().position(|c| c == oneroster::NATIONAL_ID_COLUMN).unwrap();
    users.rows[2][username] = users.rows[0][username].clone();
    // Rows 0-3 are teachers; students and their guardians alternate from row 4.
    users.rows[6][nsid] = users.rows[4][nsid].clone();
    let users_nsid = users.rows[4][nsid].clone();
    let dup = users.rows[1].clone();
    users.rows.push(dup);
    let r = rejection(app.import_roster(&operator(), &from_set(&set), ImportOptions::default(), &mut |_| {}).await);
    let lines: Vec<String> = r.errors.iter().map(ToString::to_string).collect();
    assert!(lines.iter().any(|l| l.starts_with("users.csv:4:5 (username)")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.starts_with("users.csv:8:23 (metadata.nationalStudentId)")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("appears twice in this file")), "{lines:#?}");
    let whole = &users_nsid;
    assert!(lines.iter().all(|l| !l.contains(whole.as_str())), "national ids are never printed whole: {lines:#?}");
});

store_test!(an_export_imports_back_identically_and_a_truncated_bulk_set_is_refused, |db| {
    let (app, _) = app(&db).await;
    app.import_roster(&operator(), &from_set(&small_set()), ImportOptions::default(), &mut |_| {}).await.unwrap();
    let exported = app
        .export_roster(&operator(), ExportOptions { mode: ExportMode::Bulk, include_national_ids: true })
        .await
        .unwrap();
    let Some(other) = test_support::TestDb::new(if db.url.is_some() {
        test_support::Kind::Postgres
    } else {
        test_support::Kind::Sqlite
    })
    .await
    else {
        return;
    };
    let (copy, _) = crate::app(&other).await;
    copy.import_roster(
        &operator(),
        &RosterFiles::from_zip(&exported.to_zip(), oneroster::ZipLimits::DEFAULT).unwrap(),
        ImportOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    let again = copy
        .export_roster(&operator(), ExportOptions { mode: ExportMode::Bulk, include_national_ids: true })
        .await
        .unwrap();
    assert_eq!(again.files(), exported.files(), "export → import → export is stable");
    assert_eq!(count(&copy, "people").await, 64);

    // A bulk enrollments file that lost most of its rows is refused unless mass deletion is allowed.
    let mut truncated = app
        .export_roster(&operator(), ExportOptions { mode: ExportMode::Bulk, include_national_ids: false })
        .await
        .unwrap();
    let enrollments = truncated.tables.iter_mut().find(|t| t.file == oneroster::RosterFile::Enrollments).unwrap();
    enrollments.rows.truncate(5);
    let r =
        rejection(app.import_roster(&operator(), &from_set(&truncated), ImportOptions::default(), &mut |_| {}).await);
    assert!(r.to_string().contains("would delete"), "{r}");
    app.import_roster(&operator(), &from_set(&truncated), ImportOptions { allow_mass_deletion: true }, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(count(&app, "enrollments").await, 5);
    // The export without national ids has no such column.
    assert!(
        truncated
            .tables
            .iter()
            .find(|t| t.file == oneroster::RosterFile::Users)
            .unwrap()
            .columns
            .iter()
            .all(|c| !c.starts_with("metadata."))
    );
});

store_test!(a_delta_export_carries_changes_and_deletions, |db| {
    let (app, clock) = app(&db).await;
    app.import_roster(&operator(), &from_set(&small_set()), ImportOptions::default(), &mut |_| {}).await.unwrap();
    let since = app.now();
    clock.advance_seconds(60);
    let mut set = small_set();
    let users = set.tables.iter_mut().find(|t| t.file == oneroster::RosterFile::Users).unwrap();
    users.rows[0][6] = "新名".into();
    app.import_roster(&operator(), &from_set(&set), ImportOptions::default(), &mut |_| {}).await.unwrap();
    let delta = app
        .export_roster(&operator(), ExportOptions { mode: ExportMode::DeltaSince(since), include_national_ids: false })
        .await
        .unwrap();
    let users = delta.tables.iter().find(|t| t.file == oneroster::RosterFile::Users).unwrap();
    // A bulk import rewrites every row it sends, so every user counts as changed; all are active.
    assert!(users.rows.iter().all(|r| r[1] == "active"));
    assert!(users.rows.iter().any(|r| r[6] == "新名"));
    let files = from_set(&delta);
    let manifest = oneroster::Manifest::parse(&files).unwrap();
    assert_eq!(manifest.mode(oneroster::RosterFile::Users), oneroster::FileMode::Delta);
});
