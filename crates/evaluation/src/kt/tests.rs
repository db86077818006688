#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// A seeded learner simulator: abilities, item difficulties, one skill per item (two for some
/// items, written as two rows like the AKT "pid" files), and learning with practice.
struct Simulated {
    students: Vec<Vec<(u32, u32, bool)>>,
}

fn simulate(n_students: usize, max_len: usize, seed: u64) -> Simulated {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n_items = 60;
    let n_skills = 8;
    let difficulty: Vec<f32> = (0..n_items).map(|_| rng.random_range(-1.5f32..1.5)).collect();
    let skill_of: Vec<u32> = (0..n_items).map(|i| (i % n_skills) as u32 + 1).collect();
    let mut students = Vec::new();
    for _ in 0..n_students {
        let ability: f32 = rng.random_range(-1.2f32..1.2);
        let mut practice = vec![0.0f32; n_skills + 1];
        let len = rng.random_range(1..=max_len);
        let mut answers = Vec::new();
        while answers.len() < len {
            let item = rng.random_range(0..n_items);
            let skill = skill_of[item];
            let z = ability - difficulty[item] + 0.25 * practice[skill as usize];
            let correct = rng.random_range(0.0f32..1.0) < 1.0 / (1.0 + (-z).exp());
            practice[skill as usize] += 1.0;
            answers.push((item as u32 + 1, skill, correct));
            if item % 7 == 0 {
                // A two-skill item: the same answer again under its second skill.
                answers.push((item as u32 + 1, (skill % n_skills as u32) + 1, correct));
            }
        }
        students.push(answers);
    }
    Simulated { students }
}

fn write_three_line(path: &Path, students: &[Vec<(u32, u32, bool)>]) {
    let mut out = String::new();
    for s in students {
        let _ = writeln!(out, "{}", s.len());
        let _ = writeln!(out, "{},", s.iter().map(|a| a.1.to_string()).collect::<Vec<_>>().join(","));
        let _ = writeln!(out, "{}", s.iter().map(|a| u8::from(a.2).to_string()).collect::<Vec<_>>().join(","));
    }
    std::fs::write(path, out).unwrap();
}

fn write_four_line(path: &Path, students: &[Vec<(u32, u32, bool)>]) {
    let mut out = String::new();
    for (idx, s) in students.iter().enumerate() {
        let _ = writeln!(out, "{idx},{}", 1000 + idx);
        let _ = writeln!(out, "{}", s.iter().map(|a| a.0.to_string()).collect::<Vec<_>>().join(","));
        let _ = writeln!(out, "{}", s.iter().map(|a| a.1.to_string()).collect::<Vec<_>>().join(","));
        let _ = writeln!(out, "{}", s.iter().map(|a| u8::from(a.2).to_string()).collect::<Vec<_>>().join(","));
    }
    std::fs::write(path, out).unwrap();
}

/// Five AKT-style folds over the simulated students, in 4-line files.
fn akt_dir(sim: &Simulated) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let folds: Vec<Vec<Vec<(u32, u32, bool)>>> =
        (0..5).map(|k| sim.students.iter().skip(k).step_by(5).cloned().collect()).collect();
    for k in 0..5 {
        let valid = (k + 1) % 5;
        let train: Vec<_> = (0..5).filter(|&j| j != k && j != valid).flat_map(|j| folds[j].clone()).collect();
        write_four_line(&dir.path().join(format!("sim_train{}.csv", k + 1)), &train);
        write_four_line(&dir.path().join(format!("sim_valid{}.csv", k + 1)), &folds[valid]);
        write_four_line(&dir.path().join(format!("sim_test{}.csv", k + 1)), &folds[k]);
    }
    dir
}

fn dkvmn_dir(sim: &Simulated) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let n = sim.students.len();
    let (train, test) = sim.students.split_at(n * 7 / 10);
    let (train1, valid1) = train.split_at(train.len() * 4 / 5);
    write_three_line(&dir.path().join("sim_train.csv"), train);
    write_three_line(&dir.path().join("sim_test.csv"), test);
    write_three_line(&dir.path().join("sim_train1.csv"), train1);
    write_three_line(&dir.path().join("sim_valid1.csv"), valid1);
    dir
}

fn quick_options(dir: &Path, models: &[KtModel]) -> KtOptions {
    KtOptions { models: models.to_vec(), max_epochs: 2, ..KtOptions::standard(dir) }
}

#[test]
fn the_akt_protocol_is_recognised_and_averaged_over_five_folds() {
    let sim = simulate(60, 80, 1);
    let dir = akt_dir(&sim);
    let mut steps = Vec::new();
    let report =
        run(&quick_options(dir.path(), &[KtModel::Irt1pl, KtModel::Logistic]), &mut |p| steps.push(p)).unwrap();
    assert_eq!(report.protocol, Protocol::Akt);
    assert_eq!(report.dataset, "sim");
    assert_eq!(report.folds, vec![1, 2, 3, 4, 5]);
    for m in &report.models {
        assert_eq!(m.fold_aucs.len(), 5);
        let mean = m.fold_aucs.iter().sum::<f64>() / 5.0;
        assert!((mean - m.auc).abs() < 1e-12, "the reported AUC is the fold mean");
        // The simulator has real signal (ability and item difficulty), so models beat chance.
        assert!(m.auc > 0.6 && m.auc < 1.0, "{} AUC {}", m.model, m.auc);
        assert!(m.rmse.is_finite() && m.acc.is_finite() && m.train_seconds >= 0.0);
    }
    let last = steps.last().unwrap();
    assert_eq!((last.done, last.total), (10, 10));
}

#[test]
fn the_dkvmn_protocol_runs_every_model_on_three_line_files() {
    let sim = simulate(50, 60, 2);
    let dir = dkvmn_dir(&sim);
    let report = run(&quick_options(dir.path(), KtModel::ALL), &mut |_| {}).unwrap();
    assert_eq!(report.protocol, Protocol::Dkvmn);
    assert_eq!(report.folds, vec![1]);
    let names: Vec<&str> = report.models.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, KtModel::ALL.iter().map(|m| m.name()).collect::<Vec<_>>());
    for m in &report.models {
        assert!(m.auc.is_finite() && m.auc > 0.5, "{} AUC {}", m.model, m.auc);
    }
    let table = report.to_table();
    assert!(table.starts_with("dataset sim  protocol dkvmn  1 fold(s), mean\n"), "{table}");
}

#[test]
fn the_json_report_has_exactly_the_documented_fields() {
    let report = KtReport {
        dataset: "sim".into(),
        protocol: Protocol::Akt,
        folds: vec![1],
        n_folds: 5,
        models: vec![ModelReport {
            model: "bkt".into(),
            auc: 0.712_34,
            acc: 0.7,
            rmse: 0.44,
            train_seconds: 1.234,
            peak_rss_mb: Some(14.06),
            fold_aucs: vec![0.712_34],
        }],
    };
    assert_eq!(
        report.to_json(),
        r#"{"dataset":"sim","protocol":"akt","models":[{"model":"bkt","auc":0.7123,"acc":0.7,"rmse":0.44,"train_seconds":1.23,"peak_rss_mb":14.1}]}"#
    );
}

#[test]
fn the_protocol_can_be_overridden_but_needs_its_files() {
    let sim = simulate(30, 20, 3);
    let dir = akt_dir(&sim);
    let err = protocol::plan(dir.path(), Some(Protocol::Dkvmn)).unwrap_err().to_string();
    assert!(err.ends_with("the dkvmn protocol needs sim_test.csv, which is missing"), "{err}");
    let dir = dkvmn_dir(&sim);
    let err = protocol::plan(dir.path(), Some(Protocol::Akt)).unwrap_err().to_string();
    assert!(err.ends_with("the akt protocol needs sim_test1.csv, which is missing"), "{err}");
    std::fs::write(dir.path().join("other_train1.csv"), "1\n1\n1\n").unwrap();
    let err = protocol::plan(dir.path(), None).unwrap_err().to_string();
    assert!(err.contains("several datasets share the directory"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    assert!(protocol::plan(empty.path(), None).unwrap_err().to_string().contains("no *_train1.csv file"));
}

#[test]
fn malformed_lines_are_reported_with_file_and_line() {
    let cases = [
        ("3\n1,2,3\n1,0\n", "f.csv:3: expected 3 responses, found 2"),
        ("2\n1,2\n1,2\n", "f.csv:3: field 2 is not a response (0 or 1): \"2\""),
        ("\n2\n1,x\n1,0\n", "f.csv:3: field 2 is not an id: \"x\""),
        (
            "2\n1,2\n1,0\n2\n1,2\n",
            "f.csv:4: incomplete student block: the file's layout is 3-line (ids, responses) but only 2 line(s) remain",
        ),
        ("1,7\n5,6\n1,-\n1,0\n", "f.csv:3: field 2 is not an id: \"-\""),
        (
            "two\n1,2\n0,1\n",
            "f.csv:1: expected a student block to start with the number of responses (3-line files) or a student index (4-line files), found \"two\"",
        ),
        ("1,7\n5,6\n1,2,3\n1,0\n", "f.csv:3: expected 2 skill ids, found 3"),
        ("", "f.csv: the file has no student blocks"),
    ];
    for (text, expected) in cases {
        let err = dataset::parse(text, "f.csv").unwrap_err().to_string();
        assert_eq!(err, expected, "for {text:?}");
    }
}

#[test]
fn a_malformed_file_in_a_run_names_the_file() {
    let sim = simulate(30, 20, 4);
    let dir = dkvmn_dir(&sim);
    std::fs::write(dir.path().join("sim_valid1.csv"), "2\n3,4\n1,1\n2\n3,4\n1\n").unwrap();
    let err = run(&quick_options(dir.path(), &[KtModel::Bkt]), &mut |_| {}).unwrap_err().to_string();
    assert!(err.ends_with("sim_valid1.csv:6: expected 2 responses, found 1"), "{err}");
}
