//! Knowledge-tracing evaluation (issue #3): the DKVMN and AKT protocols over sequence files.
//!
//! [`run`] reads a dataset directory, recognises its protocol from the files present
//! ([`protocol::plan`]), cuts every sequence into independent 200-answer chunks, fits each model
//! on the training file (selecting on the validation file), predicts every test answer
//! one step ahead, and scores all test answers with one pooled AUC, accuracy and RMSE. Under the
//! AKT protocol the figures are means over the folds.

pub mod dataset;
pub mod memory;
pub mod models;
pub mod peer;
pub mod protocol;

use std::fmt::Write as _;
use std::path::PathBuf;

use learning::corpus::Corpus;
use learning::metrics;

pub use crate::kt::models::KtModel;
pub use crate::kt::protocol::Protocol;

/// What to run.
#[derive(Debug, Clone)]
pub struct KtOptions {
    /// The dataset directory (one dataset's split files).
    pub data_dir: PathBuf,
    /// Use this protocol instead of the one the files suggest.
    pub protocol: Option<Protocol>,
    /// Models to evaluate, in report order.
    pub models: Vec<KtModel>,
    /// Chunk length: longer sequences become independent chunks (200 in both protocols).
    pub max_seq_len: usize,
    /// Run only these 1-based folds (all when `None`); a partial run is labelled as such.
    pub folds: Option<Vec<u32>>,
    /// Seed for every random choice (restarts, initial weights, shuffles).
    pub seed: u64,
    /// Epochs at most for models trained by gradient steps (the GRU); early stopping on the
    /// validation file usually ends training sooner.
    pub max_epochs: u32,
    /// Worker threads for models that can use them (the GRU's gradient).
    pub threads: usize,
    /// The GRU stops starting new epochs after this many seconds of training on a fold (the
    /// best epoch so far is kept), so a large dataset cannot blow the per-fold time budget.
    pub gru_budget_seconds: f64,
}

impl KtOptions {
    /// The published setup on `data_dir`: every model, detected protocol, 200-answer chunks, all
    /// folds, two threads (the target machine has two cores), at most 10 minutes of GRU training
    /// per fold.
    pub fn standard(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            protocol: None,
            models: KtModel::ALL.to_vec(),
            max_seq_len: 200,
            folds: None,
            seed: 7,
            max_epochs: 30,
            threads: 2,
            gru_budget_seconds: 600.0,
        }
    }
}

/// Where a run is, for a progress bar: `done` of `total` (fold, model) steps are finished.
#[derive(Debug, Clone, PartialEq)]
pub struct KtProgress {
    /// Finished (fold, model) steps.
    pub done: u32,
    /// All (fold, model) steps of the run.
    pub total: u32,
    /// The fold being worked on (1-based).
    pub fold: u32,
    /// What is happening now, e.g. "fold 2: fitting gru (epoch 3)".
    pub message: String,
}

/// One model's figures: means over the folds run.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelReport {
    /// The model's name.
    pub model: String,
    /// Pooled test ROC-AUC.
    pub auc: f64,
    /// Test accuracy at 0.5.
    pub acc: f64,
    /// Test RMSE.
    pub rmse: f64,
    /// Seconds to fit one fold (wall clock, mean over folds; includes any component models).
    pub train_seconds: f64,
    /// Peak resident memory while fitting, MiB (max over folds), if measurable.
    pub peak_rss_mb: Option<f64>,
    /// Per-fold test AUCs, in fold order.
    pub fold_aucs: Vec<f64>,
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq)]
pub struct KtReport {
    /// The dataset's name: the split files' shared prefix.
    pub dataset: String,
    /// The protocol followed.
    pub protocol: Protocol,
    /// Folds run (1-based).
    pub folds: Vec<u32>,
    /// All folds the protocol has.
    pub n_folds: u32,
    /// Per-model figures, in the order asked for.
    pub models: Vec<ModelReport>,
}

/// Runs the protocol on `options.data_dir` and reports per-model figures.
pub fn run(options: &KtOptions, progress: &mut dyn FnMut(KtProgress)) -> anyhow::Result<KtReport> {
    if options.models.is_empty() {
        anyhow::bail!("no models to evaluate");
    }
    let plan = protocol::plan(&options.data_dir, options.protocol)?;
    let n_folds = plan.folds.len() as u32;
    let folds: Vec<&protocol::Fold> = match &options.folds {
        None => plan.folds.iter().collect(),
        Some(wanted) => {
            for k in wanted {
                if !plan.folds.iter().any(|f| f.number == *k) {
                    anyhow::bail!("fold {k} does not exist: the dataset has folds 1..={n_folds}");
                }
            }
            plan.folds.iter().filter(|f| wanted.contains(&f.number)).collect()
        }
    };
    let total = folds.len() as u32 * options.models.len() as u32;
    let mut done = 0;
    let mut per_model: Vec<Vec<FoldResult>> = vec![Vec::new(); options.models.len()];
    for fold in &folds {
        progress(KtProgress {
            done,
            total,
            fold: fold.number,
            message: format!("fold {}: reading files", fold.number),
        });
        let split = Split::read(fold, options.max_seq_len)?;
        let mut cache = models::FoldCache::default();
        let mut fold_peaks: Vec<(KtModel, f64)> = Vec::new();
        for (model_idx, model) in options.models.iter().enumerate() {
            let mut step = |message: String| {
                progress(KtProgress {
                    done,
                    total,
                    fold: fold.number,
                    message: format!("fold {}: {}: {message}", fold.number, model.name()),
                })
            };
            step("fitting".into());
            memory::reset_peak();
            let predictions =
                models::fit_predict(*model, &split.train, &split.valid, &split.test, options, &mut cache, &mut step)?;
            // A model built from components fitted earlier in the fold peaks at least where they did.
            let peak_rss_mb = memory::peak_rss_mb().map(|own| {
                fold_peaks.iter().filter(|(m, _)| model.components().contains(m)).fold(own, |peak, &(_, p)| peak.max(p))
            });
            if let Some(peak) = peak_rss_mb {
                fold_peaks.push((*model, peak));
            }
            let scores = metrics::score(&predictions.test, split.test.labels());
            per_model[model_idx].push(FoldResult { scores, train_seconds: predictions.train_seconds, peak_rss_mb });
            done += 1;
            progress(KtProgress {
                done,
                total,
                fold: fold.number,
                message: format!("fold {}: {}: test AUC {:.4}", fold.number, model.name(), scores.auc),
            });
        }
    }
    let models = options
        .models
        .iter()
        .zip(&per_model)
        .map(|(model, results)| {
            let n = results.len() as f64;
            let mean = |f: &dyn Fn(&FoldResult) -> f64| results.iter().map(f).sum::<f64>() / n;
            ModelReport {
                model: model.name().to_owned(),
                auc: mean(&|r| r.scores.auc),
                acc: mean(&|r| r.scores.acc),
                rmse: mean(&|r| r.scores.rmse),
                train_seconds: mean(&|r| r.train_seconds),
                peak_rss_mb: results.iter().filter_map(|r| r.peak_rss_mb).reduce(f64::max),
                fold_aucs: results.iter().map(|r| r.scores.auc).collect(),
            }
        })
        .collect();
    Ok(KtReport {
        dataset: plan.prefix.clone(),
        protocol: plan.protocol,
        folds: folds.iter().map(|f| f.number).collect(),
        n_folds,
        models,
    })
}

#[derive(Debug, Clone)]
struct FoldResult {
    scores: metrics::Scores,
    train_seconds: f64,
    peak_rss_mb: Option<f64>,
}

/// One fold's three files as chunked corpora over shared index spaces.
#[derive(Debug)]
pub struct Split {
    /// Training answers.
    pub train: Corpus,
    /// Model-selection answers.
    pub valid: Corpus,
    /// Reported answers.
    pub test: Corpus,
}

impl Split {
    /// Reads a fold's files and chunks every sequence to at most `max_seq_len` answers.
    pub fn read(fold: &protocol::Fold, max_seq_len: usize) -> anyhow::Result<Split> {
        let train = dataset::read(&fold.train)?;
        let valid = dataset::read(&fold.valid)?;
        let test = dataset::read(&fold.test)?;
        if train.format != valid.format || train.format != test.format {
            anyhow::bail!(
                "{}, {} and {} do not share one layout ({}, {}, {})",
                fold.train.display(),
                fold.valid.display(),
                fold.test.display(),
                train.format.name(),
                valid.format.name(),
                test.format.name()
            );
        }
        // Index spaces cover every id in the fold so unseen test ids get the models' defaults
        // instead of falling off a table; no label is looked at.
        let (mut n_items, mut n_kps) = (0, 0);
        for file in [&train, &valid, &test] {
            let (max_item, max_kp) = file.max_ids();
            n_items = n_items.max(max_item + 1);
            n_kps = n_kps.max(max_kp + 1);
        }
        let corpus = |file: &dataset::SequenceFile| file.to_corpus(n_items, n_kps).chunked(max_seq_len);
        Ok(Split { train: corpus(&train), valid: corpus(&valid), test: corpus(&test) })
    }
}

impl KtReport {
    /// The report as the JSON the CLI prints with `--json`, keys in the documented order:
    /// `{"dataset", "protocol", "models": [{"model", "auc", "acc", "rmse", "train_seconds",
    /// "peak_rss_mb"}]}`.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct JsonModel<'a> {
            model: &'a str,
            auc: f64,
            acc: f64,
            rmse: f64,
            train_seconds: f64,
            peak_rss_mb: Option<f64>,
        }
        #[derive(serde::Serialize)]
        struct JsonReport<'a> {
            dataset: &'a str,
            protocol: &'a str,
            models: Vec<JsonModel<'a>>,
        }
        let report = JsonReport {
            dataset: &self.dataset,
            protocol: self.protocol.name(),
            models: self
                .models
                .iter()
                .map(|m| JsonModel {
                    model: &m.model,
                    auc: round(m.auc, 4),
                    acc: round(m.acc, 4),
                    rmse: round(m.rmse, 4),
                    train_seconds: round(m.train_seconds, 2),
                    peak_rss_mb: m.peak_rss_mb.map(|v| round(v, 1)),
                })
                .collect(),
        };
        serde_json::to_string(&report).expect("strings and finite numbers always serialise")
    }

    /// The report as a plain-text table.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let folds = if self.folds.len() as u32 == self.n_folds {
            format!("{} fold(s), mean", self.n_folds)
        } else {
            format!(
                "folds {} of {} (partial run)",
                self.folds.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
                self.n_folds
            )
        };
        let _ = writeln!(out, "dataset {}  protocol {}  {}", self.dataset, self.protocol, folds);
        let _ = writeln!(
            out,
            "{:<14} {:>7} {:>7} {:>7} {:>10} {:>9}  fold AUCs",
            "model", "AUC", "ACC", "RMSE", "train s", "peak MiB"
        );
        for m in &self.models {
            let peak = m.peak_rss_mb.map_or_else(|| "-".to_owned(), |v| format!("{v:.0}"));
            let fold_aucs = m.fold_aucs.iter().map(|a| format!("{a:.4}")).collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "{:<14} {:>7.4} {:>7.4} {:>7.4} {:>10.1} {:>9}  {}",
                m.model, m.auc, m.acc, m.rmse, m.train_seconds, peak, fold_aucs
            );
        }
        out
    }
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests;
