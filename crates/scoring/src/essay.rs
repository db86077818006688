//! Rubric-based essay scoring: interpretable writing features plus an n-gram model of graded essays, combined by boosted trees.

mod features;

use serde::{Deserialize, Serialize};

use crate::examples::ExampleModel;
use crate::gbm::{Gbm, GbmConfig, Loss};
use crate::scale::{ConfidenceModel, Cutoffs, ScoreScale};
use crate::short_answer::InputWarning;
use crate::sparse::{DocFreq, NgramSpec};
use crate::text::{Analysed, Analyser};
use crate::{Evidence, ScoringError};
use features::{ESSAY_FEATURES, EssayFeatures};

/// Version of the serialised [`EssayModel`] state.
pub const ESSAY_FORMAT: u32 = 1;

/// Rubric traits that essay evidence is grouped under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trait {
    /// Ideas and content: how the essay compares with graded essays and the prompt.
    Content,
    /// Development: length and elaboration.
    Development,
    /// Organisation: paragraphs and discourse markers.
    Organisation,
    /// Word choice: vocabulary range and sophistication.
    Vocabulary,
    /// Sentence fluency: sentence length and variety.
    SentenceStructure,
    /// Conventions: spelling-like and capitalisation signals.
    Conventions,
}

/// One trait's share of a score and the features behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct TraitEvidence {
    pub rubric_trait: Trait,
    /// How far this trait moved the estimate from the average graded essay (fraction of the scale).
    pub contribution: f64,
    /// The features of this trait that moved it most.
    pub evidence: Vec<Evidence>,
}

/// An essay with its teacher's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradedEssay {
    pub text: String,
    pub score: f64,
}

/// Essay training and decision settings; [`EssayConfig::recommended`] is a documented start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EssayConfig {
    /// Scores whose confidence is below this go to the teacher instead of being final.
    pub review_below: f64,
    /// Seed for the deterministic row subsampling of the boosted trees.
    pub seed: u64,
}

impl EssayConfig {
    /// Settings tuned on public benchmark training data (see the evaluation crate).
    pub fn recommended() -> Self {
        EssayConfig { review_below: 0.65, seed: 17 }
    }
}

/// A machine score for one essay: a suggestion until the teacher releases it.
#[derive(Debug, Clone, PartialEq)]
pub struct EssayScore {
    /// Score on the rubric's grid.
    pub score: f64,
    /// Continuous estimate in `[0, 1]` of the scale, before cut-offs.
    pub estimate: f64,
    /// Calibrated probability that the teacher's score is within the scale's tolerance of this one.
    pub confidence: f64,
    pub needs_review: bool,
    /// Every trait with its contribution, largest magnitude first.
    pub traits: Vec<TraitEvidence>,
    pub warnings: Vec<InputWarning>,
}

fn essay_spec() -> NgramSpec {
    NgramSpec { word_max: 2, char_min: 3, char_max: 5, char_weight: 1.0 }
}

fn gbm_config(seed: u64) -> GbmConfig {
    GbmConfig { n_trees: 300, max_depth: 3, learning_rate: 0.05, min_leaf: 10, l2: 1.0, subsample: 0.8, seed }
}

/// A prompt's essay model. Serialisable; derived vectors are rebuilt from the essays on load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "EssayState", into = "EssayState")]
pub struct EssayModel {
    state: EssayState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct EssayState {
    format: u32,
    config: EssayConfig,
    prompt: Option<String>,
    scale: ScoreScale,
    examples: Vec<GradedEssay>,
    vocabulary: DocFreq,
    learned: ExampleModel,
    gbm: Gbm,
    cutoffs: Cutoffs,
    confidence: ConfidenceModel,
}

impl From<EssayState> for EssayModel {
    fn from(mut state: EssayState) -> Self {
        let analyser = Analyser::new();
        let analysed: Vec<Analysed> = state.examples.iter().map(|e| analyser.analyse(&e.text)).collect();
        state.learned.restore(&analysed.iter().collect::<Vec<_>>());
        EssayModel { state }
    }
}

impl From<EssayModel> for EssayState {
    fn from(model: EssayModel) -> Self {
        model.state
    }
}

fn confidence_signals(margin: f64, disagreement: f64, familiarity: f64, estimate: f64) -> Vec<f64> {
    vec![margin, disagreement, familiarity, estimate.min(1.0 - estimate)]
}

impl EssayModel {
    /// Trains on one prompt's graded essays. The prompt text, when given, feeds a relevance feature.
    pub fn train(
        prompt: Option<&str>,
        scale: ScoreScale,
        essays: Vec<GradedEssay>,
        config: &EssayConfig,
    ) -> Result<Self, ScoringError> {
        if essays.len() < 10 {
            return Err(ScoringError::TooFewExamples { needed: 10, got: essays.len() });
        }
        for e in &essays {
            if !e.score.is_finite() || e.score < scale.min() - 1e-9 || e.score > scale.max() + 1e-9 {
                return Err(ScoringError::ScoreOffScale { score: e.score, min: scale.min(), max: scale.max() });
            }
        }
        let analyser = Analyser::new();
        let analysed: Vec<Analysed> = essays.iter().map(|e| analyser.analyse(&e.text)).collect();
        let prompt_analysed = prompt.map(|p| analyser.analyse(p));
        let levels: Vec<usize> = essays.iter().map(|e| scale.level_of(e.score)).collect();
        let targets: Vec<f64> = levels.iter().map(|&l| scale.normalise(scale.value(l))).collect();
        let vocabulary = EssayFeatures::vocabulary(&analysed);
        let refs: Vec<&Analysed> = analysed.iter().collect();
        let (learned, signals) = ExampleModel::fit(&refs, &targets, essay_spec());
        let featuriser = EssayFeatures { vocabulary: &vocabulary, prompt: prompt_analysed.as_ref() };
        let rows: Vec<Vec<f64>> =
            essays.iter().zip(&analysed).zip(&signals).map(|((e, a), s)| featuriser.row(&e.text, a, s, true)).collect();
        let gbm_cfg = gbm_config(config.seed);
        const K: usize = 5;
        let mut oof = vec![0.0; rows.len()];
        for fold in 0..K {
            let train: Vec<usize> = (0..rows.len()).filter(|&i| i % K != fold).collect();
            let tx: Vec<Vec<f64>> = train.iter().map(|&i| rows[i].clone()).collect();
            let ty: Vec<f64> = train.iter().map(|&i| targets[i]).collect();
            let model = Gbm::fit(&tx, &ty, Loss::Squared, &gbm_cfg);
            for i in (0..rows.len()).filter(|&i| i % K == fold) {
                oof[i] = model.predict(&rows[i]);
            }
        }
        let cutoffs = Cutoffs::fit(&oof, &levels, scale.n_levels(), 40);
        let tolerance = scale.tolerance_levels();
        let conf_rows: Vec<Vec<f64>> = (0..rows.len())
            .map(|i| {
                confidence_signals(
                    cutoffs.margin(oof[i]),
                    (signals[i].ridge - oof[i]).abs(),
                    signals[i].top_similarity,
                    oof[i],
                )
            })
            .collect();
        let agreed: Vec<bool> =
            (0..rows.len()).map(|i| cutoffs.level(oof[i]).abs_diff(levels[i]) <= tolerance).collect();
        let confidence = ConfidenceModel::fit(&conf_rows, &agreed);
        let gbm = Gbm::fit(&rows, &targets, Loss::Squared, &gbm_cfg);
        Ok(EssayModel {
            state: EssayState {
                format: ESSAY_FORMAT,
                config: *config,
                prompt: prompt.map(str::to_owned),
                scale,
                examples: essays,
                vocabulary,
                learned,
                gbm,
                cutoffs,
                confidence,
            },
        })
    }

    pub fn scale(&self) -> ScoreScale {
        self.state.scale
    }

    /// The graded essays this model has learned from.
    pub fn examples(&self) -> &[GradedEssay] {
        &self.state.examples
    }

    /// Records a teacher's score (a new essay or an override) and retrains the model.
    pub fn add_example(&mut self, essay: GradedEssay) -> Result<(), ScoringError> {
        let mut essays = self.state.examples.clone();
        essays.push(essay);
        *self = EssayModel::train(self.state.prompt.as_deref(), self.state.scale, essays, &self.state.config)?;
        Ok(())
    }

    pub fn score(&self, text: &str) -> EssayScore {
        self.score_many(&[text]).pop().expect("one essay in, one score out")
    }

    pub fn score_many(&self, texts: &[&str]) -> Vec<EssayScore> {
        let analyser = Analyser::new();
        let state = &self.state;
        let prompt = state.prompt.as_deref().map(|p| analyser.analyse(p));
        let featuriser = EssayFeatures { vocabulary: &state.vocabulary, prompt: prompt.as_ref() };
        texts
            .iter()
            .map(|text| {
                let analysed = analyser.analyse(text);
                let mut warnings = Vec::new();
                if analysed.truncated {
                    warnings.push(InputWarning::Truncated { chars: analysed.original_chars });
                }
                if analysed.tokens.is_empty() {
                    warnings.push(InputWarning::Empty);
                    return EssayScore {
                        score: state.scale.min(),
                        estimate: 0.0,
                        confidence: 1.0,
                        needs_review: analysed.truncated,
                        traits: Vec::new(),
                        warnings,
                    };
                }
                if let Some(p) = &prompt
                    && p.normalised == analysed.normalised
                {
                    warnings.push(InputWarning::RepeatsQuestion);
                }
                let signals = state.learned.signals(&analysed);
                let row = featuriser.row(text, &analysed, &signals, false);
                let (estimate, contributions) = state.gbm.explain(&row);
                let estimate = estimate.clamp(0.0, 1.0);
                let level = state.cutoffs.level(estimate);
                let confidence = state.confidence.confidence(&confidence_signals(
                    state.cutoffs.margin(estimate),
                    (signals.ridge - estimate).abs(),
                    signals.top_similarity,
                    estimate,
                ));
                EssayScore {
                    score: state.scale.value(level),
                    estimate,
                    confidence,
                    needs_review: confidence < state.config.review_below || !warnings.is_empty(),
                    traits: trait_evidence(&contributions),
                    warnings,
                }
            })
            .collect()
    }
}

fn trait_evidence(contributions: &[f64]) -> Vec<TraitEvidence> {
    let mut traits: Vec<TraitEvidence> = Vec::new();
    for t in [
        Trait::Content,
        Trait::Development,
        Trait::Organisation,
        Trait::Vocabulary,
        Trait::SentenceStructure,
        Trait::Conventions,
    ] {
        let idx: Vec<usize> = (0..ESSAY_FEATURES.len()).filter(|&i| ESSAY_FEATURES[i].1 == t).collect();
        let names: Vec<&'static str> = idx.iter().map(|&i| ESSAY_FEATURES[i].0).collect();
        let values: Vec<f64> = idx.iter().map(|&i| contributions[i]).collect();
        traits.push(TraitEvidence {
            rubric_trait: t,
            contribution: values.iter().sum(),
            evidence: Evidence::top(&names, &values, 3),
        });
    }
    traits.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    traits
}
