//! The models the evaluation runs, and how each is fitted on one fold.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Instant;

use anyhow::bail;
use learning::corpus::Corpus;
use learning::model::bkt::{Bkt, BktOptions};
use learning::model::{Tracer, predict_corpus};

/// A model the evaluation can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KtModel {
    /// Per-knowledge-point BKT, EM with 5 restarts.
    Bkt,
}

impl KtModel {
    /// Every model, in report order.
    pub const ALL: &'static [KtModel] = &[KtModel::Bkt];

    /// The model's name in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            KtModel::Bkt => "bkt",
        }
    }
}

impl fmt::Display for KtModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KtModel {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match KtModel::ALL.iter().find(|m| m.name() == s) {
            Some(m) => Ok(*m),
            None => bail!(
                "unknown model {s:?}: expected one of {}",
                KtModel::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// A fitted model's predictions on one fold.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// One-step-ahead predictions for every validation answer.
    pub valid: Vec<f32>,
    /// One-step-ahead predictions for every test answer.
    pub test: Vec<f32>,
    /// Seconds spent predicting (not counted as training).
    pub predict_seconds: f64,
    /// Training seconds of component models fitted earlier in the fold and reused here.
    pub borrowed_train_seconds: f64,
}

/// Component predictions kept within one fold, so an ensemble reuses models already fitted.
#[derive(Debug, Default)]
pub struct FoldCache {
    fitted: HashMap<KtModel, (Predictions, f64)>,
}

/// Fits `model` on `train` (selecting on `valid`) and predicts `valid` and `test`.
pub fn fit_predict(
    model: KtModel,
    train: &Corpus,
    valid: &Corpus,
    test: &Corpus,
    seed: u64,
    cache: &mut FoldCache,
    progress: &mut dyn FnMut(String),
) -> anyhow::Result<Predictions> {
    let started = Instant::now();
    let predictions = match model {
        KtModel::Bkt => {
            let bkt = Bkt::fit(train, &BktOptions::classic(5, seed));
            predict_both(&bkt, valid, test)
        }
    };
    let _ = progress;
    let train_seconds = started.elapsed().as_secs_f64() - predictions.predict_seconds;
    cache.fitted.insert(model, (predictions.clone(), train_seconds));
    Ok(predictions)
}

fn predict_both<T: Tracer>(model: &T, valid: &Corpus, test: &Corpus) -> Predictions {
    let started = Instant::now();
    let valid = predict_corpus(model, valid);
    let test = predict_corpus(model, test);
    Predictions {
        valid,
        test,
        predict_seconds: started.elapsed().as_secs_f64(),
        borrowed_train_seconds: 0.0,
    }
}
