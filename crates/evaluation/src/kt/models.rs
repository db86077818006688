//! The models the evaluation runs, and how each is fitted on one fold.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Instant;

use anyhow::bail;

use crate::kt::KtOptions;
use learning::corpus::Corpus;
use learning::model::bkt::{Bkt, BktOptions};
use learning::model::ensemble::{Ensemble, Member};
use learning::model::gru::{Gru, GruOptions};
use learning::model::irt::{Elo, Irt, IrtKind};
use learning::model::logistic::{FeatureSet, Logistic, LogisticOptions};
use learning::model::predict_corpus;

/// A model the evaluation can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KtModel {
    /// Per-knowledge-point BKT, EM with 5 restarts.
    Bkt,
    /// Per-knowledge-point BKT with forgetting, EM with 5 restarts.
    BktForget,
    /// Rasch model with a Gaussian ability filter.
    Irt1pl,
    /// Two-parameter IRT with a Gaussian ability filter.
    Irt2pl,
    /// Elo ratings for learners and items.
    Elo,
    /// Performance Factors Analysis.
    Pfa,
    /// Logistic regression over item, knowledge-point and history features.
    Logistic,
    /// A GRU sequence model (DKT family).
    Gru,
    /// Stacked ensemble of BKT, IRT (1PL and 2PL), Elo, the logistic model and the GRU,
    /// weighted on the validation file.
    Ensemble,
}

impl KtModel {
    /// Every model, in report order.
    pub const ALL: &'static [KtModel] = &[
        KtModel::Bkt,
        KtModel::BktForget,
        KtModel::Irt1pl,
        KtModel::Irt2pl,
        KtModel::Elo,
        KtModel::Pfa,
        KtModel::Logistic,
        KtModel::Gru,
        KtModel::Ensemble,
    ];

    /// The members of [`KtModel::Ensemble`].
    const ENSEMBLE_MEMBERS: &'static [KtModel] =
        &[KtModel::Bkt, KtModel::Irt1pl, KtModel::Irt2pl, KtModel::Elo, KtModel::Logistic, KtModel::Gru];

    /// The models this one is built from (the ensemble's members; empty for the others).
    pub fn components(self) -> &'static [KtModel] {
        if self == KtModel::Ensemble { KtModel::ENSEMBLE_MEMBERS } else { &[] }
    }

    /// The model's name in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            KtModel::Bkt => "bkt",
            KtModel::BktForget => "bkt-forget",
            KtModel::Irt1pl => "irt-1pl",
            KtModel::Irt2pl => "irt-2pl",
            KtModel::Elo => "elo",
            KtModel::Pfa => "pfa",
            KtModel::Logistic => "logistic",
            KtModel::Gru => "gru",
            KtModel::Ensemble => "ensemble",
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
    /// Seconds spent fitting, including component models fitted earlier in the fold.
    pub train_seconds: f64,
}

/// Models fitted earlier in the fold, so an ensemble reuses members already fitted.
#[derive(Debug, Default)]
pub struct FoldCache {
    fitted: HashMap<KtModel, (Member, Predictions)>,
}

/// Fits `model` on `train` (selecting on `valid`) and predicts `valid` and `test`.
pub fn fit_predict(
    model: KtModel,
    train: &Corpus,
    valid: &Corpus,
    test: &Corpus,
    options: &KtOptions,
    cache: &mut FoldCache,
    progress: &mut dyn FnMut(String),
) -> anyhow::Result<Predictions> {
    if model != KtModel::Ensemble {
        return Ok(fit_member(model, train, valid, test, options, cache, progress).1);
    }
    let mut members = Vec::new();
    let mut member_valid = Vec::new();
    let mut train_seconds = 0.0;
    for &member_model in KtModel::ENSEMBLE_MEMBERS {
        progress(format!("member {member_model}"));
        let (member, predictions) = fit_member(member_model, train, valid, test, options, cache, progress);
        train_seconds += predictions.train_seconds;
        members.push(member);
        member_valid.push(predictions.valid);
    }
    let started = Instant::now();
    let ensemble = Ensemble::fit(members, &member_valid, valid);
    train_seconds += started.elapsed().as_secs_f64();
    let test = predict_corpus(&ensemble, test);
    Ok(Predictions { valid: Vec::new(), test, train_seconds })
}

fn fit_member(
    model: KtModel,
    train: &Corpus,
    valid: &Corpus,
    test: &Corpus,
    options: &KtOptions,
    cache: &mut FoldCache,
    progress: &mut dyn FnMut(String),
) -> (Member, Predictions) {
    let seed = options.seed;
    if let Some((member, predictions)) = cache.fitted.get(&model) {
        return (member.clone(), predictions.clone());
    }
    let started = Instant::now();
    let member = match model {
        KtModel::Bkt => Member::Bkt(Bkt::fit(train, &BktOptions::classic(5, seed))),
        KtModel::BktForget => {
            let options = BktOptions { forgetting: true, ..BktOptions::classic(5, seed) };
            Member::Bkt(Bkt::fit(train, &options))
        }
        KtModel::Irt1pl => Member::Irt(Irt::fit(train, IrtKind::OnePl, 1.0, 500)),
        KtModel::Irt2pl => Member::Irt(Irt::fit(train, IrtKind::TwoPl, 1.0, 500)),
        KtModel::Elo => Member::Elo(Elo::fit(train)),
        KtModel::Pfa => Member::Logistic(Logistic::fit(train, &LogisticOptions::standard(FeatureSet::PFA))),
        KtModel::Logistic => Member::Logistic(Logistic::fit(train, &LogisticOptions::standard(FeatureSet::RICH))),
        KtModel::Gru => {
            let gru_options =
                GruOptions { max_epochs: options.max_epochs, threads: options.threads, ..GruOptions::standard(seed) };
            Member::Gru(Gru::fit(train, valid, &gru_options, &mut |e| {
                progress(format!(
                    "epoch {} loss {:.4} valid AUC {:.4} ({:.0}s)",
                    e.epoch,
                    e.train_loss,
                    e.valid_auc,
                    started.elapsed().as_secs_f64()
                ));
                started.elapsed().as_secs_f64() < options.gru_budget_seconds
            }))
        }
        KtModel::Ensemble => unreachable!("the ensemble is not a member of itself"),
    };
    let train_seconds = started.elapsed().as_secs_f64();
    let predictions =
        Predictions { valid: predict_corpus(&member, valid), test: predict_corpus(&member, test), train_seconds };
    cache.fitted.insert(model, (member.clone(), predictions.clone()));
    (member, predictions)
}
