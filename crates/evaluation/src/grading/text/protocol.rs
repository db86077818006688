//! Shared short-answer protocol: train on graded questions, score test answers, compute figures.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use scoring::metrics::{binary_report, fisher_mean, pearson, quadratic_weighted_kappa, rmse};
use scoring::{GradedAnswer, Question, ShortAnswerConfig, ShortAnswerModel, TrainingQuestion};

/// Metric map as reported.
pub(super) type Metrics = BTreeMap<String, f64>;

/// A question with a stable key (its id in the dataset) and its graded answers.
#[derive(Debug, Clone)]
pub(super) struct KeyedQuestion {
    pub(super) key: String,
    pub(super) question: Question,
    pub(super) answers: Vec<GradedAnswer>,
}

/// One scored test answer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scored {
    pub(super) truth: f64,
    pub(super) predicted: f64,
    pub(super) needs_review: bool,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) step: f64,
}

/// Trains on `train` (using each question's answers as graded examples) and scores every answer
/// of `test`. Test questions found in `train` (by key) use their graded examples; others are
/// scored from their reference answers only, unless `use_examples` is false, in which case every
/// test question is treated as new.
pub(super) fn train_and_score(
    train: &[KeyedQuestion],
    test: &[KeyedQuestion],
    use_examples: bool,
    timing: &mut Timing,
) -> anyhow::Result<Vec<(String, Scored)>> {
    let config = ShortAnswerConfig::recommended();
    let training: Vec<TrainingQuestion> =
        train.iter().map(|q| TrainingQuestion { question: q.question.clone(), examples: q.answers.clone() }).collect();
    let started = Instant::now();
    let trained = ShortAnswerModel::train(&training, &config)?;
    timing.train_seconds += started.elapsed().as_secs_f64();
    // What a teacher's override costs: refitting the question with the most graded answers.
    if let Some(largest) = train.iter().max_by_key(|q| q.answers.len()) {
        let started = Instant::now();
        trained.model.fit_question(largest.question.clone(), largest.answers.clone())?;
        timing.refit_seconds = started.elapsed().as_secs_f64();
        timing.refit_answers = largest.answers.len();
    }
    let by_key: HashMap<&str, usize> = train.iter().enumerate().map(|(i, q)| (q.key.as_str(), i)).collect();
    let started = Instant::now();
    let mut out = Vec::new();
    for q in test {
        let fitted;
        let question_model = match by_key.get(q.key.as_str()) {
            Some(&i) if use_examples => &trained.questions[i],
            _ => {
                fitted = trained.model.fit_question(q.question.clone(), Vec::new())?;
                &fitted
            }
        };
        let answers: Vec<&str> = q.answers.iter().map(|a| a.answer.as_str()).collect();
        let scores = trained.model.score_many(question_model, &answers);
        let scale = q.question.scale;
        for (a, s) in q.answers.iter().zip(scores) {
            out.push((
                q.key.clone(),
                Scored {
                    truth: a.score,
                    predicted: s.score,
                    needs_review: s.needs_review,
                    min: scale.min(),
                    max: scale.max(),
                    step: scale.step(),
                },
            ));
        }
        timing.answers_scored += q.answers.len();
    }
    timing.score_seconds += started.elapsed().as_secs_f64();
    Ok(out)
}

/// Wall-clock totals, reported as figures.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Timing {
    pub(super) train_seconds: f64,
    pub(super) score_seconds: f64,
    pub(super) answers_scored: usize,
    /// Time to refit the largest training question, and its number of graded answers.
    pub(super) refit_seconds: f64,
    pub(super) refit_answers: usize,
}

impl Timing {
    pub(super) fn report(&self, prefix: &str, metrics: &mut Metrics) {
        metrics.insert(format!("{prefix}train_seconds"), self.train_seconds);
        if self.refit_answers > 0 {
            metrics.insert(format!("{prefix}refit_seconds"), self.refit_seconds);
            metrics.insert(format!("{prefix}refit_answers"), self.refit_answers as f64);
        }
        if self.answers_scored > 0 {
            metrics.insert(
                format!("{prefix}score_ms_per_answer"),
                1000.0 * self.score_seconds / self.answers_scored as f64,
            );
        }
    }
}

/// Accuracy, macro-F1 and weighted-F1 for 0/1 scores, plus review figures, under `prefix`.
pub(super) fn binary_metrics(scored: &[(String, Scored)], prefix: &str, metrics: &mut Metrics) {
    let truth: Vec<bool> = scored.iter().map(|(_, s)| s.truth > 0.5).collect();
    let predicted: Vec<bool> = scored.iter().map(|(_, s)| s.predicted > 0.5).collect();
    let r = binary_report(&truth, &predicted);
    metrics.insert(format!("{prefix}accuracy"), r.accuracy);
    metrics.insert(format!("{prefix}macro_f1"), r.macro_f1);
    metrics.insert(format!("{prefix}weighted_f1"), r.weighted_f1);
    metrics.insert(format!("{prefix}n"), scored.len() as f64);
    review_metrics(scored, prefix, metrics);
}

/// Share of scores sent to the teacher, and exact agreement among those that were final.
pub(super) fn review_metrics(scored: &[(String, Scored)], prefix: &str, metrics: &mut Metrics) {
    if scored.is_empty() {
        return;
    }
    let review = scored.iter().filter(|(_, s)| s.needs_review).count();
    metrics.insert(format!("{prefix}review_share"), review as f64 / scored.len() as f64);
    let finals: Vec<&Scored> = scored.iter().map(|(_, s)| s).filter(|s| !s.needs_review).collect();
    if !finals.is_empty() {
        let agree = finals.iter().filter(|s| (s.truth - s.predicted).abs() < s.step / 2.0).count();
        metrics.insert(format!("{prefix}final_exact_agreement"), agree as f64 / finals.len() as f64);
    }
    let agree_all = scored.iter().filter(|(_, s)| (s.truth - s.predicted).abs() < s.step / 2.0).count();
    metrics.insert(format!("{prefix}exact_agreement"), agree_all as f64 / scored.len() as f64);
}

fn level(value: f64, s: &Scored) -> i64 {
    ((value - s.min) / s.step).round() as i64
}

/// QWK per question key, with arithmetic and Fisher-z means, under `prefix`.
pub(super) fn qwk_per_question(scored: &[(String, Scored)], prefix: &str, metrics: &mut Metrics) {
    let mut by_key: BTreeMap<&str, Vec<&Scored>> = BTreeMap::new();
    for (k, s) in scored {
        by_key.entry(k.as_str()).or_default().push(s);
    }
    let mut kappas = Vec::new();
    for (k, rows) in &by_key {
        let first = rows[0];
        let top = level(first.max, first);
        let truth: Vec<i64> = rows.iter().map(|s| level(s.truth, s)).collect();
        let predicted: Vec<i64> = rows.iter().map(|s| level(s.predicted, s)).collect();
        let kappa = quadratic_weighted_kappa(&truth, &predicted, 0, top);
        metrics.insert(format!("{prefix}qwk.{k}"), kappa);
        kappas.push(kappa);
    }
    if !kappas.is_empty() {
        metrics.insert(format!("{prefix}qwk_mean"), kappas.iter().sum::<f64>() / kappas.len() as f64);
        metrics.insert(format!("{prefix}qwk_fisher_mean"), fisher_mean(&kappas));
    }
    metrics.insert(format!("{prefix}n"), scored.len() as f64);
    review_metrics(scored, prefix, metrics);
}

/// Pearson r, RMSE and QWK on the score grid over all answers pooled, under `prefix`.
pub(super) fn regression_metrics(scored: &[(String, Scored)], prefix: &str, metrics: &mut Metrics) {
    let truth: Vec<f64> = scored.iter().map(|(_, s)| s.truth).collect();
    let predicted: Vec<f64> = scored.iter().map(|(_, s)| s.predicted).collect();
    metrics.insert(format!("{prefix}pearson"), pearson(&truth, &predicted));
    metrics.insert(format!("{prefix}rmse"), rmse(&truth, &predicted));
    if let Some((_, first)) = scored.first() {
        let top = level(first.max, first);
        let t: Vec<i64> = scored.iter().map(|(_, s)| level(s.truth, s)).collect();
        let p: Vec<i64> = scored.iter().map(|(_, s)| level(s.predicted, s)).collect();
        metrics.insert(format!("{prefix}qwk"), quadratic_weighted_kappa(&t, &p, 0, top));
    }
    metrics.insert(format!("{prefix}n"), scored.len() as f64);
    review_metrics(scored, prefix, metrics);
}

/// Deterministic fold of a key (question id or answer index) among `k`.
pub(super) fn fold_of(key: &str, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % k as u64) as usize
}

/// Leave-questions-out cross-validation: each fold's questions are scored as brand-new questions
/// by a model trained on the other folds (plus `extra_training`, questions never held out).
/// Returns every held-out answer, scored.
pub(super) fn leave_questions_out(
    questions: &[KeyedQuestion],
    extra_training: &[KeyedQuestion],
    k: usize,
    timing: &mut Timing,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<(String, Scored)>> {
    let mut out = Vec::new();
    for fold in 0..k {
        let (test, train): (Vec<KeyedQuestion>, Vec<KeyedQuestion>) =
            questions.iter().cloned().partition(|q| fold_of(&q.key, k) == fold);
        let mut train = train;
        train.extend(extra_training.iter().cloned());
        if test.is_empty() || train.is_empty() {
            continue;
        }
        progress(&format!("  leave-questions-out fold {}/{k}: {} questions held out", fold + 1, test.len()));
        out.extend(train_and_score(&train, &test, false, timing)?);
    }
    Ok(out)
}

/// Unseen-answers cross-validation: each question's answers are split into `k` folds; the model
/// trains on the other folds of every question and scores the held-out answers.
pub(super) fn unseen_answers_cv(
    questions: &[KeyedQuestion],
    k: usize,
    timing: &mut Timing,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<(String, Scored)>> {
    let mut out = Vec::new();
    for fold in 0..k {
        progress(&format!("  unseen-answers fold {}/{k}", fold + 1));
        let split = |keep: bool| -> Vec<KeyedQuestion> {
            questions
                .iter()
                .map(|q| KeyedQuestion {
                    key: q.key.clone(),
                    question: q.question.clone(),
                    answers: q
                        .answers
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| (fold_of(&format!("{}#{i}", q.key), k) == fold) != keep)
                        .map(|(_, a)| a.clone())
                        .collect(),
                })
                .collect()
        };
        let train = split(true);
        let test = split(false);
        out.extend(train_and_score(&train, &test, true, timing)?);
    }
    Ok(out)
}
