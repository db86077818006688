//! ASAP-SAS: ten questions with graded training answers; QWK per question on `Score1`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, bail};
use scoring::{GradedAnswer, Question, ScoreScale};

use super::protocol::{KeyedQuestion, Metrics, Timing, qwk_per_question, train_and_score, unseen_answers_cv};

/// A header-indexed tab-separated table.
struct Table {
    columns: HashMap<String, usize>,
    rows: Vec<(usize, Vec<String>)>,
}

fn read_table(path: &Path, separator: char) -> anyhow::Result<Table> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().with_context(|| format!("{}: empty file", path.display()))?;
    let columns =
        header.trim_end_matches('\r').split(separator).enumerate().map(|(i, c)| (c.trim().to_lowercase(), i)).collect();
    let rows = lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').split(separator).map(str::to_owned).collect()))
        .collect();
    Ok(Table { columns, rows })
}

impl Table {
    fn get<'a>(&self, row: &'a [String], column: &str, path: &Path, line: usize) -> anyhow::Result<&'a str> {
        let &i = self.columns.get(column).with_context(|| format!("{}: no column {column}", path.display()))?;
        row.get(i).map(String::as_str).with_context(|| format!("{}:{line}: missing {column}", path.display()))
    }
}

/// Answers grouped by question set: set → (id, text, score).
type Answers = BTreeMap<String, Vec<(String, String, f64)>>;

fn load_scored_tsv(path: &Path, scores: Option<&HashMap<String, f64>>) -> anyhow::Result<Answers> {
    let table = read_table(path, '\t')?;
    let mut out = Answers::new();
    for (line, row) in &table.rows {
        let id = table.get(row, "id", path, *line)?.to_owned();
        let set = table.get(row, "essayset", path, *line)?.trim().to_owned();
        let text = table.get(row, "essaytext", path, *line)?.to_owned();
        let score = match scores {
            Some(map) => match map.get(&id) {
                Some(s) => *s,
                None => continue,
            },
            None => table
                .get(row, "score1", path, *line)?
                .trim()
                .parse::<f64>()
                .with_context(|| format!("{}:{line}: Score1 is not a number", path.display()))?,
        };
        out.entry(set).or_default().push((id, text, score));
    }
    Ok(out)
}

/// Scores from a solution CSV with `Id` and `Score1` (or `essay_score`) columns.
fn load_solution(path: &Path) -> anyhow::Result<HashMap<String, f64>> {
    let table = read_table(path, ',')?;
    let score_column = if table.columns.contains_key("score1") { "score1" } else { "essay_score" };
    let mut out = HashMap::new();
    for (line, row) in &table.rows {
        let id = table.get(row, "id", path, *line)?.trim().to_owned();
        let score = table
            .get(row, score_column, path, *line)?
            .trim()
            .parse::<f64>()
            .with_context(|| format!("{}:{line}: score is not a number", path.display()))?;
        out.insert(id, score);
    }
    Ok(out)
}

/// The question prompt and any answer key for set `set` from `descriptions/`.
fn question_for(root: &Path, set: &str, scores: &[f64]) -> anyhow::Result<Question> {
    let read = |name: String| std::fs::read_to_string(root.join("descriptions").join(name)).ok();
    let prompt = read(format!("essay_{set}_description.txt")).unwrap_or_default();
    let references = read(format!("essay_{set}_key.txt")).into_iter().collect();
    let max = scores.iter().copied().fold(0.0, f64::max).max(1.0);
    let min = scores.iter().copied().fold(max, f64::min).min(0.0);
    Ok(Question { prompt, references, scale: ScoreScale::parse(min, max, 1.0)? })
}

fn keyed(root: &Path, answers: &Answers, scales_from: &Answers) -> anyhow::Result<Vec<KeyedQuestion>> {
    answers
        .iter()
        .map(|(set, rows)| {
            let scores: Vec<f64> = scales_from.get(set).unwrap_or(rows).iter().map(|r| r.2).collect();
            Ok(KeyedQuestion {
                key: set.clone(),
                question: question_for(root, set, &scores)?,
                answers: rows
                    .iter()
                    .map(|(_, text, score)| GradedAnswer { answer: text.clone(), score: *score })
                    .collect(),
            })
        })
        .collect()
}

/// Test files: any other `.tsv` with an `EssayText` column; scores from its `Score1` column or
/// from a solution `.csv` beside it.
fn find_tests(root: &Path) -> anyhow::Result<Vec<(String, Answers)>> {
    let mut entries: Vec<_> = std::fs::read_dir(root)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    let solutions: Vec<_> = entries.iter().filter(|p| p.extension().is_some_and(|e| e == "csv")).collect();
    let mut out = Vec::new();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "tsv")) {
        if path.file_name().is_some_and(|n| n == "train.tsv") {
            continue;
        }
        let table = read_table(path, '\t')?;
        if !table.columns.contains_key("essaytext") {
            continue;
        }
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if table.columns.contains_key("score1") {
            out.push((name, load_scored_tsv(path, None)?));
        } else if let Some(solution) = solutions.first() {
            let scores = load_solution(solution)?;
            out.push((name, load_scored_tsv(path, Some(&scores))?));
        }
    }
    Ok(out)
}

pub(super) fn run(root: &Path, progress: &mut dyn FnMut(&str)) -> anyhow::Result<(Metrics, Vec<String>)> {
    let train_path = root.join("train.tsv");
    if !train_path.exists() {
        bail!("{}: no train.tsv", root.display());
    }
    let train_answers = load_scored_tsv(&train_path, None)?;
    let train = keyed(root, &train_answers, &train_answers)?;
    progress(&format!(
        "asap-sas: {} questions, {} training answers",
        train.len(),
        train.iter().map(|q| q.answers.len()).sum::<usize>()
    ));
    let mut metrics = Metrics::new();
    let mut notes = Vec::new();
    let mut timing = Timing::default();
    let scored = unseen_answers_cv(&train, 5, &mut timing, progress)?;
    qwk_per_question(&scored, "cv.", &mut metrics);
    timing.report("cv.", &mut metrics);
    notes.push(
        "cv.* is 5-fold cross-validation over train.tsv answers (unseen answers, every question seen)".to_owned(),
    );
    for (name, answers) in find_tests(root)? {
        progress(&format!("asap-sas: scoring {name}"));
        let test = keyed(root, &answers, &train_answers)?;
        let mut timing = Timing::default();
        let scored = train_and_score(&train, &test, true, &mut timing)?;
        qwk_per_question(&scored, &format!("{name}."), &mut metrics);
        timing.report(&format!("{name}."), &mut metrics);
        for key in ["qwk_mean", "qwk_fisher_mean"] {
            if let Some(v) = metrics.get(&format!("{name}.{key}")).copied() {
                metrics.insert(key.to_owned(), v);
            }
        }
        notes.push(format!("qwk_mean/qwk_fisher_mean are from test file {name} (trained on all of train.tsv)"));
    }
    if !metrics.contains_key("qwk_mean") {
        for key in ["qwk_mean", "qwk_fisher_mean"] {
            if let Some(v) = metrics.get(&format!("cv.{key}")).copied() {
                metrics.insert(key.to_owned(), v);
            }
        }
        notes.push("no test file found: qwk_mean/qwk_fisher_mean are the cross-validation figures".to_owned());
    }
    Ok((metrics, notes))
}
