//! Backups taken while the server writes, and restores that check what they restore.

use test_support::TestDb;

use crate::{demo_app, operator, sign_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_is_consistent_and_restores() {
    let db = TestDb::sqlite();
    let (app, _) = demo_app(&db).await;
    let teacher = sign_in(&app, "teacher01").await;
    let class = app.visible_classes(&teacher).await.unwrap()[0].id.clone();
    // Keep writing (each read appends to the audit chain) while the backup runs.
    let writer = {
        let (app, teacher, class) = (app.clone(), teacher.clone(), class.clone());
        tokio::spawn(async move {
            for _ in 0..200 {
                app.class_summary(&teacher, &class).await.unwrap();
            }
        })
    };
    let dest = db.dir.as_ref().unwrap().path().join("backup.db");
    let report = app.backup_sqlite(&operator(), &dest).await.unwrap();
    writer.await.unwrap();
    assert!(report.bytes > 0);
    assert!(report.audit_entries.unwrap() > 0);
    assert!(app.backup_sqlite(&operator(), &dest).await.is_err(), "never overwrites");
    assert!(
        app.backup_sqlite(&teacher, &db.dir.as_ref().unwrap().path().join("other.db")).await.is_err(),
        "operator only"
    );

    // Restore into a fresh data directory and find the same people.
    let target = TestDb::sqlite();
    let live = target.sqlite_path().unwrap();
    let restored = app::backup::restore_sqlite(&dest, &live).await.unwrap();
    assert_eq!(restored.audit_entries, report.audit_entries);
    let (copy, _) = crate::app(&target).await;
    assert!(copy.has_school().await.unwrap());

    // A file that is not a database is refused, and the live database is untouched.
    let junk = db.dir.as_ref().unwrap().path().join("junk.db");
    std::fs::write(&junk, b"this is not sqlite").unwrap();
    assert!(app::backup::restore_sqlite(&junk, &live).await.is_err());
    assert!(copy.has_school().await.unwrap());
}
