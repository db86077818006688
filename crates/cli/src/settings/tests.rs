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
