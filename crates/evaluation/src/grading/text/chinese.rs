//! Chinese short answers: LE (0–1 in tenths, TSV) and ADS (0–10, JSON lines); unseen answers to seen questions.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use scoring::{GradedAnswer, Question, ScoreScale};

use super::protocol::{
    KeyedQuestion, Metrics, Timing, leave_questions_out, regression_metrics, train_and_score, unseen_answers_cv,
};

fn read_lines(path: &Path) -> anyhow::Result<Vec<(usize, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').to_owned()))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect())
}

/// LE: `qa.csv` (qid, question, reference) and answer files (qid, reference, answer, score).
fn load_le(qa: &HashMap<String, (String, String)>, path: &Path) -> anyhow::Result<Vec<KeyedQuestion>> {
    let scale = ScoreScale::parse(0.0, 1.0, 0.1).expect("0..=1 in tenths is a valid scale");
    let mut by_id: BTreeMap<String, KeyedQuestion> = BTreeMap::new();
    for (line, text) in read_lines(path)? {
        let fields: Vec<&str> = text.split('\t').collect();
        let [qid, reference, answer, score] = fields[..] else {
            bail!("{}:{line}: expected 4 tab-separated fields, found {}", path.display(), fields.len());
        };
        let score: f64 =
            score.trim().parse().with_context(|| format!("{}:{line}: score is not a number", path.display()))?;
        let (prompt, qa_reference) = qa.get(qid.trim()).cloned().unwrap_or_default();
        let mut references = vec![reference.trim().to_owned()];
        if !qa_reference.is_empty() && qa_reference != references[0] {
            references.push(qa_reference);
        }
        let entry = by_id.entry(qid.trim().to_owned()).or_insert_with(|| KeyedQuestion {
            key: qid.trim().to_owned(),
            question: Question { prompt, references, scale },
            answers: Vec::new(),
        });
        entry.answers.push(GradedAnswer { answer: answer.to_owned(), score });
    }
    Ok(by_id.into_values().collect())
}

#[derive(serde::Deserialize)]
struct AdsRow {
    score: serde_json::Value,
    answer: String,
    q_id: String,
    question: String,
    #[serde(default)]
    reference1: String,
    #[serde(default)]
    reference2: String,
    #[serde(default)]
    reference3: String,
}

fn load_ads(path: &Path) -> anyhow::Result<Vec<KeyedQuestion>> {
    let scale = ScoreScale::parse(0.0, 10.0, 1.0).expect("0..=10 in steps of 1 is a valid scale");
    let mut by_id: BTreeMap<String, KeyedQuestion> = BTreeMap::new();
    for (line, text) in read_lines(path)? {
        let row: AdsRow =
            serde_json::from_str(&text).with_context(|| format!("{}:{line}: malformed JSON line", path.display()))?;
        let score = match &row.score {
            serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
            serde_json::Value::Number(n) => n.as_f64(),
            _ => None,
        }
        .with_context(|| format!("{}:{line}: score is not a number", path.display()))?;
        let entry = by_id.entry(row.q_id.clone()).or_insert_with(|| KeyedQuestion {
            key: row.q_id.clone(),
            question: Question {
                prompt: row.question.clone(),
                references: [&row.reference1, &row.reference2, &row.reference3]
                    .into_iter()
                    .filter(|r| !r.trim().is_empty())
                    .cloned()
                    .collect(),
                scale,
            },
            answers: Vec::new(),
        });
        entry.answers.push(GradedAnswer { answer: row.answer, score });
    }
    Ok(by_id.into_values().collect())
}

fn evaluate(
    name: &str,
    train: &[KeyedQuestion],
    tests: Vec<(String, Vec<KeyedQuestion>)>,
    metrics: &mut Metrics,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    progress(&format!(
        "{name}: {} questions, {} training answers",
        train.len(),
        train.iter().map(|q| q.answers.len()).sum::<usize>()
    ));
    let mut timing = Timing::default();
    let scored = unseen_answers_cv(train, 5, &mut timing, progress)?;
    regression_metrics(&scored, &format!("{name}.cv."), metrics);
    let mut timing = Timing::default();
    let scored = leave_questions_out(train, &[], 5, &mut timing, progress)?;
    regression_metrics(&scored, &format!("{name}.cv_unseen_questions."), metrics);
    let had_test = !tests.is_empty();
    for (test_name, test) in tests {
        progress(&format!("{name}: scoring {test_name}"));
        let mut timing = Timing::default();
        let scored = train_and_score(train, &test, true, &mut timing)?;
        let prefix = format!("{name}.{test_name}.");
        regression_metrics(&scored, &prefix, metrics);
        timing.report(&prefix, metrics);
        for key in ["pearson", "rmse", "qwk"] {
            if let Some(v) = metrics.get(&format!("{prefix}{key}")).copied() {
                metrics.insert(format!("{name}.{key}"), v);
            }
        }
    }
    if !had_test {
        for key in ["pearson", "rmse", "qwk"] {
            if let Some(v) = metrics.get(&format!("{name}.cv.{key}")).copied() {
                metrics.insert(format!("{name}.{key}"), v);
            }
        }
    }
    Ok(())
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn files_with(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == extension))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

pub(super) fn run(root: &Path, progress: &mut dyn FnMut(&str)) -> anyhow::Result<(Metrics, Vec<String>)> {
    let mut metrics = Metrics::new();
    let mut notes = Vec::new();
    let le = root.join("LE");
    if le.join("qa.csv").exists() {
        let mut qa = HashMap::new();
        for (line, text) in read_lines(&le.join("qa.csv"))? {
            let fields: Vec<&str> = text.split('\t').collect();
            let [qid, question, reference] = fields[..] else {
                bail!("{}:{line}: expected 3 tab-separated fields", le.join("qa.csv").display());
            };
            qa.insert(qid.trim().to_owned(), (question.to_owned(), reference.to_owned()));
        }
        let answer_files: Vec<PathBuf> = files_with(&le, "csv").into_iter().filter(|p| stem(p) != "qa").collect();
        let (train_files, test_files): (Vec<_>, Vec<_>) =
            answer_files.into_iter().partition(|p| stem(p).contains("train"));
        let Some(train_file) = train_files.first() else { bail!("{}: no training answer file", le.display()) };
        let train = load_le(&qa, train_file)?;
        let tests = test_files.iter().map(|p| Ok((stem(p), load_le(&qa, p)?))).collect::<anyhow::Result<Vec<_>>>()?;
        evaluate("le", &train, tests, &mut metrics, progress)?;
    }
    let ads = root.join("ADS");
    if ads.join("train.jsonl").exists() {
        let train = load_ads(&ads.join("train.jsonl"))?;
        let tests = files_with(&ads, "jsonl")
            .into_iter()
            .filter(|p| stem(p) != "train" && stem(p) != "all")
            .map(|p| Ok((stem(&p), load_ads(&p)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        evaluate("ads", &train, tests, &mut metrics, progress)?;
    }
    notes.push("<set>.cv is 5-fold unseen-answers CV on the training file; <set>.cv_unseen_questions is 5-fold leave-questions-out; <set>.pearson/rmse/qwk come from a test file when one is present, else from <set>.cv; qwk is on the score grid, pooled over questions".to_owned());
    Ok((metrics, notes))
}
