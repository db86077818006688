//! Mohler/Texas 2011: CS short answers graded 0–5; held-out files are new questions scored from their reference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use scoring::{GradedAnswer, Question, ScoreScale};

use super::protocol::{KeyedQuestion, Metrics, Timing, leave_questions_out, regression_metrics, train_and_score};

/// Reads one CSV (`id,question,desired_answer,student_answer,score_avg`, other columns ignored).
pub(super) fn load(path: &Path) -> anyhow::Result<Vec<KeyedQuestion>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let headers = reader.headers().with_context(|| format!("{}: reading the header", path.display()))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h.trim() == name).with_context(|| format!("{}: no column {name}", path.display()))
    };
    let (id, question, desired, student, score) = (
        column("id")?,
        column("question")?,
        column("desired_answer")?,
        column("student_answer")?,
        column("score_avg")?,
    );
    let scale = ScoreScale::parse(0.0, 5.0, 0.5).expect("0..=5 in steps of 0.5 is a valid scale");
    let mut by_id: BTreeMap<String, KeyedQuestion> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.with_context(|| format!("{}:{line}: malformed CSV", path.display()))?;
        let field = |c: usize| record.get(c).with_context(|| format!("{}:{line}: missing field", path.display()));
        let key = field(id)?.trim().to_owned();
        let value: f64 = field(score)?
            .trim()
            .parse()
            .with_context(|| format!("{}:{line}: score_avg is not a number", path.display()))?;
        let entry = by_id.entry(key.clone()).or_insert_with(|| KeyedQuestion {
            key,
            question: Question { prompt: String::new(), references: Vec::new(), scale },
            answers: Vec::new(),
        });
        if entry.question.prompt.is_empty() {
            entry.question.prompt = field(question)?.trim().to_owned();
            entry.question.references = vec![field(desired)?.trim().to_owned()];
        }
        entry.answers.push(GradedAnswer { answer: field(student)?.to_owned(), score: value });
    }
    Ok(by_id.into_values().collect())
}

pub(super) fn run(root: &Path, progress: &mut dyn FnMut(&str)) -> anyhow::Result<(Metrics, Vec<String>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("listing {}", root.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    let Some((train_file, test_files)) = files.split_first() else { bail!("{}: no CSV files", root.display()) };
    let train = load(train_file)?;
    progress(&format!("mohler: {} training questions from {}", train.len(), train_file.display()));
    let mut metrics = Metrics::new();
    let mut notes = vec![format!(
        "trained on the first CSV by name ({}); every later CSV is scored as new questions from its reference answer",
        train_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    )];
    let mut timing = Timing::default();
    let scored = leave_questions_out(&train, &[], 5, &mut timing, progress)?;
    regression_metrics(&scored, "cv_unseen_questions.", &mut metrics);
    for file in test_files {
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let test = load(file)?;
        progress(&format!("mohler: scoring {name} ({} questions)", test.len()));
        let mut timing = Timing::default();
        let scored = train_and_score(&train, &test, false, &mut timing)?;
        regression_metrics(&scored, &format!("{name}."), &mut metrics);
        timing.report(&format!("{name}."), &mut metrics);
        for key in ["pearson", "rmse"] {
            if let Some(v) = metrics.get(&format!("{name}.{key}")).copied() {
                metrics.insert(key.to_owned(), v);
            }
        }
    }
    if !metrics.contains_key("pearson") {
        for key in ["pearson", "rmse"] {
            if let Some(v) = metrics.get(&format!("cv_unseen_questions.{key}")).copied() {
                metrics.insert(key.to_owned(), v);
            }
        }
        notes.push("no held-out CSV found: pearson/rmse are the leave-questions-out figures".to_owned());
    }
    notes.push("cv_unseen_questions is 5-fold leave-questions-out CV on the training CSV".to_owned());
    Ok((metrics, notes))
}
