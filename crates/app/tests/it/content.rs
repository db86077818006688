//! Content channels through the app: import, export, search, recommendations, bad input.

use std::path::Path;

use access::consent::Purpose;
use app::content::demo::DEMO_CHANNEL;
use app::content::{ContentLibrary, Folder, ImportRequest};
use app::learning::DEMO_SUBJECT;
use app::{App, UserError};
use test_support::store_test;

use crate::{app, demo_app, operator, sign_in};

fn library(dir: &Path, quota: u64) -> ContentLibrary {
    ContentLibrary::open(dir, quota).unwrap()
}

fn code(e: &app::Error) -> &'static str {
    e.as_user().map_or("internal", UserError::code)
}

/// An app with the demo channel installed, exported to `usb`; returns the exported folder.
async fn exported(app: &App, usb: &Path) {
    app.install_demo_channel(&operator()).await.unwrap();
    let report = app.content_export(&operator(), DEMO_CHANNEL, &[], usb).await.unwrap();
    assert!(report.blobs_written > 100, "{report:?}");
}

async fn import(app: &App, dir: &Path, units: &[&str]) -> Result<Vec<content::import::ImportReport>, app::Error> {
    let request = ImportRequest { channels: Vec::new(), units: units.iter().map(|u| (*u).to_owned()).collect() };
    app.content_import(&operator(), Folder::new(dir), request, Box::new(|_| {})).await
}

async fn trust_demo(from: &App, to: &App) {
    for (key, name) in from.content_trusted().unwrap() {
        to.content_trust(&operator(), &key, &name).await.unwrap();
    }
}

fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).map(|p| if p.is_dir() { files_under(&p) } else { 1 }).sum())
        .unwrap_or(0)
}

store_test!(a_channel_exported_to_a_usb_disk_imports_into_another_school_and_is_searchable, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let (base, _) = app(&db).await;
    let county = base.clone().with_content(library(&tmp.path().join("county"), 1 << 30));
    exported(&county, &tmp.path().join("usb")).await;

    let school = base.clone().with_content(library(&tmp.path().join("school"), 1 << 30));
    // Not trusted yet: refused, naming the key to trust.
    let err = import(&school, &tmp.path().join("usb"), &[]).await.unwrap_err();
    assert!(err.to_string().contains("does not trust"), "{err}");
    trust_demo(&county, &school).await;
    let reports = import(&school, &tmp.path().join("usb"), &[]).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].kind, content::import::ImportKind::New);
    let listed = school.content_channels().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].units_installed, listed[0].units_total);

    // Searchable at once, in Chinese and English, with filters.
    let query = |text: &str| search::SearchQuery { text: text.into(), limit: 10, ..Default::default() };
    let (hits, _) = school.content_search(&operator(), query("有理数")).await.unwrap();
    assert!(!hits.is_empty());
    assert!(hits[0].title.zh.as_deref().unwrap().contains("有理数"), "{:?}", hits[0]);
    let (hits, _) = school.content_search(&operator(), query("number line")).await.unwrap();
    assert!(hits.iter().any(|h| h.kps.contains(&"rational.number-line".to_owned())), "{hits:?}");
    let exercises = search::SearchQuery {
        kinds: vec![content::manifest::ResourceKind::Exercise],
        kps: vec!["rational.number-line".into()],
        limit: 10,
        ..Default::default()
    };
    let (hits, _) = school.content_search(&operator(), exercises).await.unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h.kind == "exercise"), "{hits:?}");

    // Importing again copies nothing.
    let again = import(&school, &tmp.path().join("usb"), &[]).await.unwrap();
    assert_eq!(again[0].kind, content::import::ImportKind::UpToDate);
    assert_eq!(again[0].bytes_fetched, 0);

    // The index is rebuilt from the installed channels when its folder is lost.
    drop(school);
    std::fs::remove_dir_all(tmp.path().join("school/index")).unwrap();
    let reopened = base.clone().with_content(library(&tmp.path().join("school"), 1 << 30));
    let (hits, _) = reopened.content_search(&operator(), query("有理数")).await.unwrap();
    assert!(!hits.is_empty());
});

store_test!(a_partial_import_installs_only_the_chosen_units_and_can_be_extended, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let (base, _) = app(&db).await;
    let county = base.clone().with_content(library(&tmp.path().join("county"), 1 << 30));
    exported(&county, &tmp.path().join("usb")).await;
    let school = base.clone().with_content(library(&tmp.path().join("school"), 1 << 30));
    trust_demo(&county, &school).await;
    let reports = import(&school, &tmp.path().join("usb"), &["unit-rational"]).await.unwrap();
    assert_eq!(reports[0].units, 1);
    let (hits, _) = school
        .content_search(&operator(), search::SearchQuery { text: "方程".into(), limit: 50, ..Default::default() })
        .await
        .unwrap();
    assert!(hits.iter().all(|h| h.unit == "unit-rational"), "only installed units are searchable: {hits:?}");
    let extended = import(&school, &tmp.path().join("usb"), &["unit-lineq"]).await.unwrap();
    let units = school.content_channels().unwrap()[0].units_installed;
    assert_eq!((extended[0].kind, units), (content::import::ImportKind::Extend, 2));
    // A unit no channel has is an error naming it, whether or not the channel is named.
    let err = import(&school, &tmp.path().join("usb"), &["unit-nope"]).await.unwrap_err();
    assert!(err.to_string().contains("unit-nope"), "{err}");
    // A unit no channel has is an error naming it.
    let err = school
        .content_import(
            &operator(),
            Folder::new(&tmp.path().join("usb")),
            ImportRequest { channels: vec![DEMO_CHANNEL.into()], units: vec!["unit-nope".into()] },
            Box::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unit-nope"), "{err}");
});

store_test!(a_tampered_or_truncated_channel_is_rejected_with_nothing_applied, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let (base, _) = app(&db).await;
    let county = base.clone().with_content(library(&tmp.path().join("county"), 1 << 30));
    let usb = tmp.path().join("usb");
    exported(&county, &usb).await;
    let school_dir = tmp.path().join("school");
    let school = base.clone().with_content(library(&school_dir, 1 << 30));
    trust_demo(&county, &school).await;
    let installed_nothing = |school: &App| {
        assert!(school.content_channels().unwrap().is_empty());
        assert_eq!(files_under(&school_dir.join("library/blobs")), 0);
        assert_eq!(files_under(&school_dir.join("staging")), 0);
    };

    // Pick the largest blob and cut it short: refused before copying, naming the file.
    let mut blobs: Vec<_> = walk(&usb.join("blobs"));
    blobs.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
    let victim = blobs.last().unwrap().clone();
    let original = std::fs::read(&victim).unwrap();
    std::fs::write(&victim, &original[..original.len() / 2]).unwrap();
    let err = import(&school, &usb, &[]).await.unwrap_err();
    let name = victim.file_name().unwrap().to_string_lossy().into_owned();
    assert!(err.to_string().contains(&name) && err.to_string().contains("truncated"), "{err}");
    installed_nothing(&school);

    // Same length, altered bytes: found while copying, staged files thrown away.
    let mut altered = original.clone();
    altered[0] ^= 0x55;
    std::fs::write(&victim, &altered).unwrap();
    let err = import(&school, &usb, &[]).await.unwrap_err();
    assert!(err.to_string().contains(&name) && err.to_string().contains("altered"), "{err}");
    installed_nothing(&school);

    // An edited envelope fails its signature.
    std::fs::write(&victim, &original).unwrap();
    let envelope_path = usb.join(format!("channels/{DEMO_CHANNEL}.json"));
    let envelope = std::fs::read_to_string(&envelope_path).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&envelope).unwrap();
    let manifest = value["manifest"].as_str().unwrap().to_owned();
    value["manifest"] = serde_json::Value::String(format!("{}AAAA", &manifest[..manifest.len() - 4]));
    std::fs::write(&envelope_path, value.to_string()).unwrap();
    let err = import(&school, &usb, &[]).await.unwrap_err();
    assert_eq!(code(&err), "bad-bundle");
    installed_nothing(&school);

    // Restored: it imports.
    std::fs::write(&envelope_path, envelope).unwrap();
    import(&school, &usb, &[]).await.unwrap();
    assert_eq!(school.content_channels().unwrap().len(), 1);
});

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

store_test!(an_import_past_the_storage_quota_is_refused_with_a_clear_message, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let (base, _) = app(&db).await;
    let county = base.clone().with_content(library(&tmp.path().join("county"), 1 << 30));
    exported(&county, &tmp.path().join("usb")).await;
    let school_dir = tmp.path().join("school");
    let school = base.clone().with_content(library(&school_dir, 20_000));
    trust_demo(&county, &school).await;
    let err = import(&school, &tmp.path().join("usb"), &[]).await.unwrap_err();
    assert_eq!(code(&err), "bad-bundle");
    let message = err.to_string();
    assert!(message.contains("free some space, raise the quota or import fewer units"), "{message}");
    assert!(school.content_channels().unwrap().is_empty());
    assert_eq!(files_under(&school_dir.join("library/blobs")), 0);
});

store_test!(recommendations_close_a_students_and_a_class_gaps_with_reasons_and_are_audited, |db| {
    let tmp = tempfile::tempdir().unwrap();
    let (base, _) = demo_app(&db).await;
    let app = base.with_content(library(&tmp.path().join("content"), 1 << 30));
    app.install_demo_channel(&operator()).await.unwrap();

    let mut student = None;
    let mut refused = None;
    for i in 1..=60 {
        let id = crate::person_id(&app, &format!("student{i:04}")).await;
        let consent = app.require_consent(&id, Purpose::AdaptiveLearning).await.is_ok();
        let mut c = app.store().read().await.unwrap();
        let practised = store::learning::learner_state(&mut c, &id, DEMO_SUBJECT).await.unwrap().is_some();
        drop(c);
        if consent && practised && student.is_none() {
            student = Some((id, format!("student{i:04}")));
        } else if !consent && refused.is_none() {
            refused = Some(id);
        }
    }
    let (student, username) = student.unwrap();
    let me = sign_in(&app, &username).await;
    let found = app.student_recommendations(&me, &student, DEMO_SUBJECT, 5).await.unwrap();
    assert!(!found.is_empty());
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        found.iter().all(|r| r.reasons[0].starts_with("closes gap") || r.reasons[0].starts_with("next step")),
        "{found:?}"
    );
    assert!(found.iter().all(|r| r.channel == DEMO_CHANNEL && r.title.zh.is_some()));
    let audit = app.audit_recent(&operator(), None, 20).await.unwrap();
    assert!(audit.iter().any(|e| e.detail == format!("recommendations {DEMO_SUBJECT}")), "{audit:?}");

    // Another student may not read them; without consent, nobody may compute them.
    let other = sign_in(&app, "student0002").await;
    if crate::person_id(&app, "student0002").await != student {
        let err = app.student_recommendations(&other, &student, DEMO_SUBJECT, 5).await.unwrap_err();
        assert_eq!(code(&err), "not-found", "refused without saying whether the student exists");
    }
    let err = app.student_recommendations(&operator(), &refused.unwrap(), DEMO_SUBJECT, 5).await.unwrap_err();
    assert_eq!(code(&err), "consent-required");

    let teacher = sign_in(&app, "teacher01").await;
    let class = app.visible_classes(&teacher).await.unwrap()[0].id.clone();
    let for_class = app.class_recommendations(&teacher, &class, DEMO_SUBJECT, 5).await.unwrap();
    assert_eq!(for_class.students_included + for_class.students_without_consent, 10);
    assert!(!for_class.resources.is_empty());
    let err = app.class_recommendations(&me, &class, DEMO_SUBJECT, 5).await.unwrap_err();
    assert!(matches!(code(&err), "not-found" | "forbidden"), "{err}");
});
