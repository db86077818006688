use super::*;

#[test]
fn flags_beat_the_file_which_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("inkstone.toml");
    std::fs::write(&file, "listen = \"0.0.0.0:9000\"\ninstance_name = \"示范县第一中学\"\n").unwrap();
    let raw = RawSettings { data_dir: Some(dir.path().to_owned()), ..RawSettings::default() };
    let s = Settings::resolve(&raw, &RawServeSettings::default()).unwrap();
    assert_eq!(s.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(s.instance_name, "示范县第一中学");
    assert_eq!(s.database, Database::Sqlite { path: dir.path().join("inkstone.db") });
    let serve = RawServeSettings { listen: Some("127.0.0.1:7000".parse().unwrap()), ..RawServeSettings::default() };
    assert_eq!(Settings::resolve(&raw, &serve).unwrap().listen.to_string(), "127.0.0.1:7000");
}

#[test]
fn the_database_url_can_come_from_a_file_and_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("db-url");
    std::fs::write(&secret, "postgres://inkstone:s3cret@db:5432/inkstone\n").unwrap();
    let raw =
        RawSettings { data_dir: Some(dir.path().to_owned()), database_file: Some(secret), ..RawSettings::default() };
    let s = Settings::resolve(&raw, &RawServeSettings::default()).unwrap();
    assert!(matches!(&s.database, Database::Postgres { url, .. } if url.ends_with("/inkstone")));
    assert!(!format!("{s:?}").contains("s3cret"));
}

#[test]
fn unknown_keys_and_bad_urls_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "lisen = \"0.0.0.0:9000\"\n").unwrap();
    let raw = RawSettings { config: Some(file), ..RawSettings::default() };
    let err = format!("{:#}", Settings::resolve(&raw, &RawServeSettings::default()).unwrap_err());
    assert!(err.contains("lisen"), "{err}");
    let raw = RawSettings { database: Some("mysql://x".into()), ..RawSettings::default() };
    assert!(Settings::resolve(&raw, &RawServeSettings::default()).is_err());
}

#[cfg(unix)]
#[test]
fn a_new_data_directory_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("inkstone-data");
    let raw = RawSettings { data_dir: Some(data.clone()), ..RawSettings::default() };
    Settings::resolve(&raw, &RawServeSettings::default()).unwrap().store_options().unwrap();
    assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
}

#[test]
fn ai_settings_come_from_flags_and_the_ai_table_and_the_remote_key_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("county-key");
    std::fs::write(&key, "sk-county-secret\n").unwrap();
    let file = dir.path().join("inkstone.toml");
    std::fs::write(
        &file,
        format!(
            "[ai]\nremote_url = \"http://county-ai.local:8080/v1\"\nremote_key_file = \"{}\"\nremote_allowed = true\nopen_ended_junior = false\n",
            key.display()
        ),
    )
    .unwrap();
    let raw = RawSettings { data_dir: Some(dir.path().to_owned()), ..RawSettings::default() };
    let s = Settings::resolve(&raw, &RawServeSettings::default()).unwrap();
    let remote = s.ai.remote.clone().unwrap();
    assert_eq!(
        (remote.url.as_str(), remote.api_key.as_deref()),
        ("http://county-ai.local:8080/v1", Some("sk-county-secret"))
    );
    assert!(!format!("{:?}", s.ai).contains("sk-county-secret"));
    assert_eq!(s.ai.models_dir, dir.path().join("models"));
    assert_eq!((s.ai.model.clone(), s.ai.embedding_model.clone()), (None, None), "no models installed");
    let policy = s.ai.app_settings().policy;
    assert!(policy.remote_endpoint_allowed);
    assert!(!policy.primary.open_ended_for_pupils && !policy.junior_secondary.open_ended_for_pupils);
    assert!(policy.senior_secondary.open_ended_for_pupils);

    // A flag beats the file; the defaults keep prompts local.
    let serve = RawServeSettings {
        ai: ai::RawAiSettings { ai_remote_allowed: Some(false), ..ai::RawAiSettings::default() },
        ..RawServeSettings::default()
    };
    assert!(!Settings::resolve(&raw, &serve).unwrap().ai.app_settings().policy.remote_endpoint_allowed);
    let bare = RawSettings { data_dir: Some(dir.path().join("elsewhere")), ..RawSettings::default() };
    let s = Settings::resolve(&bare, &RawServeSettings::default()).unwrap();
    assert!(s.ai.remote.is_none() && !s.ai.remote_allowed);
}

#[test]
fn bad_ai_settings_are_errors_that_name_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let raw = RawSettings { data_dir: Some(dir.path().to_owned()), ..RawSettings::default() };
    let with = |ai: ai::RawAiSettings| RawServeSettings { ai, ..RawServeSettings::default() };
    let err = |serve: RawServeSettings| format!("{:#}", Settings::resolve(&raw, &serve).unwrap_err());
    let e = err(with(ai::RawAiSettings { ai_remote_url: Some("county-ai:8080".into()), ..Default::default() }));
    assert!(e.contains("--ai-remote-url"), "{e}");
    let e = err(with(ai::RawAiSettings { ai_timeout_seconds: Some(600), ..Default::default() }));
    assert!(e.contains("--ai-timeout-seconds"), "{e}");
    let e = err(with(ai::RawAiSettings {
        ai_remote_url: Some("http://x/v1".into()),
        ai_remote_key_file: Some(dir.path().join("missing")),
        ..Default::default()
    }));
    assert!(e.contains("reading the remote endpoint's key"), "{e}");
}
