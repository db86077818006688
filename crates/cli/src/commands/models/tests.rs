use super::*;

#[test]
fn the_list_tells_missing_corrupt_and_foreign_files_apart() {
    let dir = tempfile::tempdir().unwrap();
    // A truncated copy of a catalogue file, and an admin's own GGUF.
    std::fs::write(dir.path().join(inference::models::SMOLLM2_135M.file_name), b"GGUF truncated").unwrap();
    std::fs::write(dir.path().join("qwen2.5-1.5b-instruct-official.gguf"), b"GGUF").unwrap();
    let lines = list(dir.path()).unwrap();
    let line = |name: &str| lines.iter().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name}: {lines:#?}"));
    assert!(line("smollm2-135m").contains("CORRUPT"), "{lines:#?}");
    assert!(line("e5-small").contains("missing (run `inkstone models fetch`)"));
    assert!(line("qwen2.5-coder-1.5b").contains("not installed (optional)"));
    assert!(line("qwen2.5-1.5b-instruct-official.gguf").contains("unverified"));
}

#[test]
fn a_corrupt_catalogue_model_is_refused_before_the_server_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(inference::models::E5_SMALL.file_name);
    std::fs::write(&path, b"not the model").unwrap();
    let e = format!("{:#}", checked(&path).unwrap_err());
    assert!(e.contains("is corrupt") && e.contains("inkstone models fetch"), "{e}");
    assert!(checked(&dir.path().join("absent.gguf")).is_err());
}
