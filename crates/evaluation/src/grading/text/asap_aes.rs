//! ASAP-AES on the NEA folds: per-prompt essay models, QWK per prompt on `domain1_score`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use scoring::metrics::quadratic_weighted_kappa;
use scoring::{EssayConfig, EssayModel, GradedEssay, ScoreScale};

use super::protocol::Metrics;

/// One essay from a fold file.
#[derive(Debug, Clone)]
pub(super) struct Essay {
    pub(super) prompt: String,
    pub(super) text: String,
    pub(super) score: f64,
}

/// Reads a fold file in the NEA-preprocessed `training_set_rel3.tsv` layout.
pub(super) fn load_fold(path: &Path) -> anyhow::Result<Vec<Essay>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.split('\n');
    let header: Vec<String> =
        lines.next().unwrap_or("").trim_end_matches('\r').split('\t').map(|h| h.trim().to_lowercase()).collect();
    let column = |name: &str| {
        header.iter().position(|h| h == name).with_context(|| format!("{}: no column {name}", path.display()))
    };
    let (set, essay, score) = (column("essay_set")?, column("essay")?, column("domain1_score")?);
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let line_no = i + 2;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let field = |c: usize| {
            fields.get(c).copied().with_context(|| format!("{}:{line_no}: missing field {c}", path.display()))
        };
        let raw = field(essay)?;
        let unquoted = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw).replace("\"\"", "\"");
        let value: f64 = field(score)?
            .trim()
            .parse()
            .with_context(|| format!("{}:{line_no}: domain1_score is not a number", path.display()))?;
        out.push(Essay { prompt: field(set)?.trim().to_owned(), text: unquoted, score: value });
    }
    Ok(out)
}

/// Counts of machine scores sent to the teacher and of agreement with the teacher (exact, or
/// within a tenth of the range on wide scales), over every split run.
#[derive(Debug, Default)]
struct Review {
    scored: usize,
    flagged: usize,
    agreed: usize,
    final_agreed: usize,
}

/// Trains one model per prompt on `train` and returns QWK per prompt on `test`.
fn run_split(
    train: &[&Essay],
    test: &[&Essay],
    scales: &BTreeMap<String, ScoreScale>,
    seconds: &mut (f64, f64, usize),
    review: &mut Review,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    for (prompt, scale) in scales {
        let graded: Vec<GradedEssay> = train
            .iter()
            .filter(|e| &e.prompt == prompt)
            .map(|e| GradedEssay { text: e.text.clone(), score: e.score })
            .collect();
        let tests: Vec<&&Essay> = test.iter().filter(|e| &e.prompt == prompt).collect();
        if tests.is_empty() || graded.is_empty() {
            continue;
        }
        let started = Instant::now();
        let model = EssayModel::train(None, *scale, graded, &EssayConfig::recommended())?;
        seconds.0 += started.elapsed().as_secs_f64();
        let started = Instant::now();
        let texts: Vec<&str> = tests.iter().map(|e| e.text.as_str()).collect();
        let scores = model.score_many(&texts);
        seconds.1 += started.elapsed().as_secs_f64();
        seconds.2 += texts.len();
        for (e, score) in tests.iter().zip(&scores) {
            // Agreement as the confidence model defines it: exact on scales of up to 10 levels,
            // then within one level per tenth of the range.
            let tolerance = ((scale.n_levels() - 1) / 10) as f64 * scale.step();
            let agreed = (e.score - score.score).abs() <= tolerance + scale.step() / 2.0 - 1e-9;
            review.scored += 1;
            review.agreed += usize::from(agreed);
            if score.needs_review {
                review.flagged += 1;
            } else {
                review.final_agreed += usize::from(agreed);
            }
        }
        let level = |v: f64| ((v - scale.min()) / scale.step()).round() as i64;
        let truth: Vec<i64> = tests.iter().map(|e| level(e.score)).collect();
        let predicted: Vec<i64> = scores.iter().map(|s| level(s.score)).collect();
        let kappa = quadratic_weighted_kappa(&truth, &predicted, 0, level(scale.max()));
        progress(&format!("    prompt {prompt}: qwk {kappa:.3} ({} essays)", tests.len()));
        out.insert(prompt.clone(), kappa);
    }
    Ok(out)
}

fn insert_kappas(metrics: &mut Metrics, prefix: &str, kappas: &BTreeMap<String, f64>) {
    for (prompt, k) in kappas {
        metrics.insert(format!("{prefix}qwk.{prompt}"), *k);
    }
    if !kappas.is_empty() {
        metrics.insert(format!("{prefix}qwk_mean"), kappas.values().sum::<f64>() / kappas.len() as f64);
    }
}

pub(super) fn run(root: &Path, progress: &mut dyn FnMut(&str)) -> anyhow::Result<(Metrics, Vec<String>)> {
    let mut folds: BTreeMap<usize, Vec<Essay>> = BTreeMap::new();
    for k in 0..5 {
        let path = root.join(format!("folds/fold_{k}_test.tsv"));
        if path.exists() {
            folds.insert(k, load_fold(&path)?);
        }
    }
    let visible: Vec<usize> = folds.keys().copied().filter(|&k| k != 0).collect();
    if visible.len() < 2 {
        bail!("{}: need at least two of folds/fold_{{1..4}}_test.tsv", root.display());
    }
    // Each prompt's scale is its observed integer range over the visible folds.
    let mut ranges: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for k in &visible {
        for e in &folds[k] {
            let r = ranges.entry(e.prompt.clone()).or_insert((e.score, e.score));
            r.0 = r.0.min(e.score);
            r.1 = r.1.max(e.score);
        }
    }
    let scales: BTreeMap<String, ScoreScale> = ranges
        .into_iter()
        .map(|(p, (lo, hi))| Ok((p, ScoreScale::parse(lo.floor(), hi.ceil().max(lo.floor() + 1.0), 1.0)?)))
        .collect::<anyhow::Result<_>>()?;
    let mut metrics = Metrics::new();
    let mut notes = Vec::new();
    let mut seconds = (0.0, 0.0, 0usize);
    let mut review = Review::default();

    // Visible self-check: k-fold CV over the visible test folds.
    let mut per_prompt: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for &held in &visible {
        progress(&format!("asap-aes: cv, held-out fold {held}"));
        let train: Vec<&Essay> = visible.iter().filter(|&&k| k != held).flat_map(|k| folds[k].iter()).collect();
        let test: Vec<&Essay> = folds[&held].iter().collect();
        let kappas = run_split(&train, &test, &scales, &mut seconds, &mut review, progress)?;
        if held == *visible.last().expect("at least two visible folds") {
            insert_kappas(&mut metrics, "dev_last_fold.", &kappas);
        }
        for (p, k) in kappas {
            per_prompt.entry(p).or_default().push(k);
        }
    }
    let cv: BTreeMap<String, f64> =
        per_prompt.into_iter().map(|(p, ks)| (p, ks.iter().sum::<f64>() / ks.len() as f64)).collect();
    insert_kappas(&mut metrics, "cv.", &cv);
    notes.push(format!("cv.* is {}-fold CV over the visible folds {visible:?} (QWK per prompt averaged over folds); dev_last_fold.* trains on the other visible folds and tests on the last (NEA fold-0 style: train T1-T3, dev T4)", visible.len()));

    if let Some(t0) = folds.get(&0) {
        progress("asap-aes: NEA fold 0 (train on T1-T3, test on T0)");
        let train: Vec<&Essay> = [1, 2, 3].iter().filter_map(|k| folds.get(k)).flatten().collect();
        let test: Vec<&Essay> = t0.iter().collect();
        let kappas = run_split(&train, &test, &scales, &mut seconds, &mut review, progress)?;
        insert_kappas(&mut metrics, "nea_fold0.", &kappas);
        insert_kappas(&mut metrics, "", &kappas);
        notes.push("qwk_mean is NEA fold 0: trained on T1-T3 only (T4 is NEA's dev set and is not used for training), tested on T0".to_owned());
    } else {
        insert_kappas(&mut metrics, "", &cv);
        notes.push("no folds/fold_0_test.tsv: qwk_mean is the visible cross-validation figure".to_owned());
    }
    metrics.insert("train_seconds".to_owned(), seconds.0);
    if review.scored > 0 {
        metrics.insert("agreement".to_owned(), review.agreed as f64 / review.scored as f64);
        metrics.insert("review_share".to_owned(), review.flagged as f64 / review.scored as f64);
        let finals = review.scored - review.flagged;
        if finals > 0 {
            metrics.insert("final_agreement".to_owned(), review.final_agreed as f64 / finals as f64);
        }
    }
    if seconds.2 > 0 {
        metrics.insert("score_ms_per_essay".to_owned(), 1000.0 * seconds.1 / seconds.2 as f64);
    }
    Ok((metrics, notes))
}
