//! Tests of `grading`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::grading::{DatasetReport, render_json, render_table, run};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Project-written cases in the math-equivalence format: three agree with their verdict
/// under our conventions, and one (percent under MATH's convention) checks the config mapping.
fn math_cases(dir: &Path) {
    write(
        dir,
        "math-equivalence/generated.jsonl",
        concat!(
            r#"{"id": "g1", "gold": "$\\frac{1}{2}$", "pred": "The answer is $0.5$.", "equivalent": true, "config": {"match_types": ["latex", "expr"]}}"#,
            "\n",
            r#"{"id": "g2", "gold": "x+1", "pred": "x+2", "equivalent": false, "config": {"match_types": ["latex", "expr"]}}"#,
            "\n",
            r#"{"id": "g3", "gold": "3, 1, 2", "pred": "1, 2, 3", "equivalent": false, "config": {"comparator": "MATH is_equiv"}}"#,
            "\n",
            r#"{"id": "g4", "gold": "50\\%", "pred": "50", "equivalent": true, "config": {"comparator": "MATH is_equiv"}}"#,
            "\n",
        ),
    );
}

fn chinese_cases(dir: &Path) {
    write(
        dir,
        "chinese-normalisation/generated.jsonl",
        concat!(
            r#"{"id": "c1", "config": "t2s", "input": "漢字", "expected": "汉字"}"#,
            "\n",
            r#"{"id": "c2", "config": "tw2s", "input": "臺灣", "expected": "台湾"}"#,
            "\n",
            r#"{"id": "c3", "config": "s2t", "input": "汉字", "expected": "漢字"}"#,
            "\n",
        ),
    );
}

fn metric(r: &DatasetReport, name: &str) -> f64 {
    *r.metrics.get(name).unwrap_or_else(|| panic!("no metric {name} in {r:?}"))
}

#[test]
fn math_equivalence_agreement_is_measured_with_each_cases_conventions() {
    let dir = tempfile::tempdir().unwrap();
    math_cases(dir.path());
    let reports = run(dir.path(), &mut |_| {}).unwrap();
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!(r.dataset, "math-equivalence");
    assert_eq!(metric(r, "n"), 4.0);
    assert_eq!(metric(r, "agreement"), 1.0, "{:?}", r.notes);
    assert_eq!(metric(r, "false_accept"), 0.0);
}

#[test]
fn a_disagreement_lowers_agreement_and_is_named_in_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "math-equivalence/wrong.jsonl",
        r#"{"id": "w1", "gold": "2", "pred": "3", "equivalent": true, "config": {}}"#,
    );
    let r = &run(dir.path(), &mut |_| {}).unwrap()[0];
    assert_eq!(metric(r, "agreement"), 0.0);
    assert_eq!(metric(r, "false_reject"), 1.0);
    assert!(r.notes.iter().any(|n| n.contains("w1")), "{:?}", r.notes);
}

#[test]
fn chinese_conversion_is_scored_only_for_to_simplified_configurations() {
    let dir = tempfile::tempdir().unwrap();
    chinese_cases(dir.path());
    let r = &run(dir.path(), &mut |_| {}).unwrap()[0];
    assert_eq!(r.dataset, "chinese-normalisation");
    assert_eq!(metric(r, "n"), 2.0);
    assert_eq!(metric(r, "exact_match"), 1.0, "{:?}", r.notes);
    assert_eq!(metric(r, "exact_match.tw2s"), 1.0);
}

#[test]
fn opencc_style_json_with_trailing_commas_is_read_when_there_is_no_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "chinese-normalisation/cases.json",
        r#"{ "cases": [ { "id": "j1", "input": "國語", "expected": { "t2s": "国语", "s2t": "國語", }, }, ], }"#,
    );
    let r = &run(dir.path(), &mut |_| {}).unwrap()[0];
    assert_eq!(metric(r, "n"), 1.0);
    assert_eq!(metric(r, "exact_match"), 1.0);
}

#[test]
fn a_malformed_line_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "math-equivalence/bad.jsonl",
        "{\"id\": \"ok\", \"gold\": \"1\", \"pred\": \"1\", \"equivalent\": true}\n{not json\n",
    );
    let err = run(dir.path(), &mut |_| {}).unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("bad.jsonl:2"), "{message}");
}

#[test]
fn only_known_dataset_folders_run_and_progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    math_cases(dir.path());
    chinese_cases(dir.path());
    write(dir.path(), "unrelated/readme.txt", "not a dataset");
    let mut seen = Vec::new();
    let reports = run(dir.path(), &mut |p| seen.push((p.dataset.to_string(), p.done, p.total))).unwrap();
    let names: Vec<&str> = reports.iter().map(|r| r.dataset.as_str()).collect();
    assert_eq!(names, ["math-equivalence", "chinese-normalisation"]);
    assert_eq!(seen.last(), Some(&("chinese-normalisation".to_string(), 2, 2)));
    assert!(run(&dir.path().join("missing"), &mut |_| {}).is_err());
}

#[test]
fn json_output_has_one_object_per_dataset_keyed_by_folder_name() {
    let dir = tempfile::tempdir().unwrap();
    math_cases(dir.path());
    chinese_cases(dir.path());
    let reports = run(dir.path(), &mut |_| {}).unwrap();
    let json = render_json(&reports);
    assert_eq!(json["math-equivalence"]["agreement"], 1.0);
    assert_eq!(json["chinese-normalisation"]["exact_match"], 1.0);
    assert!(json["math-equivalence"]["notes"].is_array());
    let table = render_table(&reports);
    assert!(table.contains("math-equivalence\n  agreement"), "{table}");
    assert!(table.contains("exact_match"), "{table}");
}
