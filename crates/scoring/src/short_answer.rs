//! Short answers scored against reference answers, and against a question's graded examples when a teacher has some.
//!
//! Two pooled meta-models (gradient-boosted trees) are trained across many questions:
//! *reference-only* sees only question-independent features comparing an answer with the
//! references, so it transfers to a brand-new question; *with-examples* also sees what the
//! question's own graded examples say (n-gram kernel ridge and nearest neighbours, computed
//! leave-one-out during training). A [`QuestionModel`] holds one question's examples and
//! cut-offs; teacher overrides are added to it with [`ShortAnswerModel::add_example`].

mod features;

use serde::{Deserialize, Serialize};

use crate::examples::{ExampleModel, ExampleSignals};
use crate::gbm::{Gbm, GbmConfig, Loss};
use crate::scale::{ConfidenceModel, Cutoffs, ScoreScale};
use crate::sparse::NgramSpec;
use crate::text::{Analysed, Analyser};
use crate::{Evidence, ScoringError};
use features::{PreparedQuestion, REFERENCE_FEATURES, ReferenceContext};

/// Version of the serialised [`ShortAnswerModel`] and [`QuestionModel`] state.
pub const SHORT_ANSWER_FORMAT: u32 = 1;

/// A question as the teacher wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub prompt: String,
    /// Model answers; may be empty when the teacher has only graded examples.
    pub references: Vec<String>,
    pub scale: ScoreScale,
}

/// An answer with the teacher's score (on the question's scale).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradedAnswer {
    pub answer: String,
    pub score: f64,
}

/// A question with the graded answers to learn from.
#[derive(Debug, Clone)]
pub struct TrainingQuestion {
    pub question: Question,
    pub examples: Vec<GradedAnswer>,
}

/// Training and decision settings. There is no `Default`: [`ShortAnswerConfig::recommended`] is a
/// documented starting point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShortAnswerConfig {
    /// A question needs at least this many graded examples before its own examples are used.
    pub min_examples: usize,
    /// Per-question cut-offs are tuned for QWK once a question has this many graded examples.
    pub min_examples_for_cutoffs: usize,
    /// Scores whose confidence is below this go to the teacher instead of being final.
    pub review_below: f64,
    /// Seed for the deterministic row subsampling of the boosted trees.
    pub seed: u64,
}

impl ShortAnswerConfig {
    /// Settings tuned on public benchmark training data (see the evaluation crate).
    pub fn recommended() -> Self {
        ShortAnswerConfig { min_examples: 3, min_examples_for_cutoffs: 40, review_below: 0.6, seed: 17 }
    }
}

/// What a score was based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoringBasis {
    /// Only the reference answers (a new question, or too few graded examples).
    ReferenceAnswers,
    /// The question's own graded examples as well, this many of them.
    GradedExamples(usize),
}

/// Something unusual about the input that the teacher should know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputWarning {
    /// The answer has no words: it gets the scale minimum.
    Empty,
    /// The answer was longer than [`crate::MAX_TEXT_CHARS`] characters and only its start was read.
    Truncated { chars: usize },
    /// The answer repeats the question rather than answering it.
    RepeatsQuestion,
}

/// A machine score for one answer: a suggestion until the teacher releases it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortAnswerScore {
    /// Score on the question's grid.
    pub score: f64,
    /// The model's continuous estimate in `[0, 1]` of the scale (before cut-offs).
    pub estimate: f64,
    /// Calibrated probability that the teacher would give the same score.
    pub confidence: f64,
    /// True when the score should go to the teacher rather than count as final.
    pub needs_review: bool,
    pub basis: ScoringBasis,
    /// The features that moved the score most, largest first.
    pub evidence: Vec<Evidence>,
    pub warnings: Vec<InputWarning>,
}

const EXAMPLE_FEATURES: [&str; 7] = [
    "n-gram model of graded answers",
    "scores of the most similar graded answers",
    "similarity to the nearest graded answer",
    "score of the nearest graded answer",
    "closer to high- than to low-scored answers",
    "mean score of graded answers",
    "number of graded answers",
];

/// Similarity above which an answer counts as one the teacher has already graded.
const SAME_ANSWER: f64 = 0.98;

fn example_spec() -> NgramSpec {
    NgramSpec { word_max: 2, char_min: 2, char_max: 5, char_weight: 1.0 }
}

fn meta_config(seed: u64) -> GbmConfig {
    GbmConfig { n_trees: 250, max_depth: 4, learning_rate: 0.05, min_leaf: 20, l2: 1.0, subsample: 0.8, seed }
}

fn example_row(reference: &[f64], signals: &ExampleSignals, mean: f64, n: usize) -> Vec<f64> {
    let mut row = reference.to_vec();
    row.extend([
        signals.ridge,
        signals.knn_mean,
        signals.top_similarity,
        signals.nearest_score,
        signals.high_minus_low,
        mean,
        (1.0 + n as f64).ln(),
    ]);
    row
}

/// Inputs of the confidence model.
fn confidence_signals(margin: f64, disagreement: f64, familiarity: f64, n_examples: usize, estimate: f64) -> Vec<f64> {
    vec![margin, disagreement, familiarity, (1.0 + n_examples as f64).ln(), estimate.min(1.0 - estimate)]
}

/// The pooled, question-independent part of the scorer. Serialisable model state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortAnswerModel {
    format: u32,
    config: ShortAnswerConfig,
    context: ReferenceContext,
    reference_only: Gbm,
    with_examples: Gbm,
    confidence: ConfidenceModel,
}

/// One question's model: its examples, what was learned from them, and its cut-offs.
/// Serialisable; derived vectors are rebuilt from the example texts on load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "QuestionModelState", into = "QuestionModelState")]
pub struct QuestionModel {
    state: QuestionModelState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct QuestionModelState {
    format: u32,
    question: Question,
    examples: Vec<GradedAnswer>,
    learned: Option<ExampleModel>,
    cutoffs: Cutoffs,
}

impl From<QuestionModelState> for QuestionModel {
    fn from(mut state: QuestionModelState) -> Self {
        if let Some(learned) = &mut state.learned {
            let analyser = Analyser::new();
            let analysed: Vec<Analysed> = state.examples.iter().map(|e| analyser.analyse(&e.answer)).collect();
            learned.restore(&analysed.iter().collect::<Vec<_>>());
        }
        QuestionModel { state }
    }
}

impl From<QuestionModel> for QuestionModelState {
    fn from(model: QuestionModel) -> Self {
        model.state
    }
}

impl QuestionModel {
    pub fn question(&self) -> &Question {
        &self.state.question
    }

    /// The teacher-graded answers this model has learned from, in the order they were added.
    pub fn examples(&self) -> &[GradedAnswer] {
        &self.state.examples
    }
}

/// A trained model together with the question models of the questions it was trained on.
#[derive(Debug, Clone)]
pub struct TrainedShortAnswer {
    pub model: ShortAnswerModel,
    /// One per training question, in input order, with cut-offs tuned on out-of-fold predictions.
    pub questions: Vec<QuestionModel>,
}

fn validate_examples(question: &Question, examples: &[GradedAnswer]) -> Result<(), ScoringError> {
    for e in examples {
        let s = question.scale;
        if !e.score.is_finite() || e.score < s.min() - 1e-9 || e.score > s.max() + 1e-9 {
            return Err(ScoringError::ScoreOffScale { score: e.score, min: s.min(), max: s.max() });
        }
    }
    Ok(())
}

/// Row-wise k-fold assignment that is deterministic and balanced.
fn fold_of(i: usize, k: usize) -> usize {
    (i.wrapping_mul(2_654_435_761) >> 7) % k
}

/// Out-of-fold predictions of a GBM, with folds given per row.
fn out_of_fold(x: &[Vec<f64>], y: &[f64], folds: &[usize], k: usize, config: &GbmConfig) -> Vec<f64> {
    let mut oof = vec![0.0; y.len()];
    for fold in 0..k {
        let train: Vec<usize> = (0..y.len()).filter(|&i| folds[i] != fold).collect();
        if train.len() == y.len() {
            continue;
        }
        let tx: Vec<Vec<f64>> = train.iter().map(|&i| x[i].clone()).collect();
        let ty: Vec<f64> = train.iter().map(|&i| y[i]).collect();
        let model = Gbm::fit(&tx, &ty, Loss::Squared, config);
        for i in (0..y.len()).filter(|&i| folds[i] == fold) {
            oof[i] = model.predict(&x[i]);
        }
    }
    oof
}

struct PreparedExamples {
    analysed: Vec<Analysed>,
    targets: Vec<f64>,
    levels: Vec<usize>,
}

fn prepare_examples(analyser: &Analyser, question: &Question, examples: &[GradedAnswer]) -> PreparedExamples {
    let scale = question.scale;
    PreparedExamples {
        analysed: examples.iter().map(|e| analyser.analyse(&e.answer)).collect(),
        targets: examples.iter().map(|e| scale.normalise(scale.value(scale.level_of(e.score)))).collect(),
        levels: examples.iter().map(|e| scale.level_of(e.score)).collect(),
    }
}

impl ShortAnswerModel {
    /// Trains the pooled meta-models on questions with graded examples (and references where they exist).
    pub fn train(
        training: &[TrainingQuestion],
        config: &ShortAnswerConfig,
    ) -> Result<TrainedShortAnswer, ScoringError> {
        for t in training {
            validate_examples(&t.question, &t.examples)?;
        }
        let n_answers: usize = training.iter().map(|t| t.examples.len()).sum();
        if n_answers < 10 {
            return Err(ScoringError::TooFewExamples { needed: 10, got: n_answers });
        }
        let analyser = Analyser::new();
        let prompts: Vec<Analysed> = training.iter().map(|t| analyser.analyse(&t.question.prompt)).collect();
        let references: Vec<Vec<Analysed>> =
            training.iter().map(|t| t.question.references.iter().map(|r| analyser.analyse(r)).collect()).collect();
        let examples: Vec<PreparedExamples> =
            training.iter().map(|t| prepare_examples(&analyser, &t.question, &t.examples)).collect();
        let mut corpus: Vec<&Analysed> = prompts.iter().collect();
        corpus.extend(references.iter().flatten());
        corpus.extend(examples.iter().flat_map(|e| e.analysed.iter()));
        let context = ReferenceContext::fit(&corpus);

        // Per-row features, targets and bookkeeping.
        let mut ref_rows = Vec::with_capacity(n_answers);
        let mut ex_rows = Vec::with_capacity(n_answers);
        let mut targets = Vec::with_capacity(n_answers);
        let mut owner = Vec::with_capacity(n_answers);
        let mut learned = Vec::with_capacity(training.len());
        let mut familiarity = Vec::with_capacity(n_answers);
        let mut disagreement = Vec::with_capacity(n_answers);
        for (q, t) in training.iter().enumerate() {
            let prepared = PreparedQuestion::new(&context, &prompts[q], &references[q]);
            let ex = &examples[q];
            let refs: Vec<&Analysed> = ex.analysed.iter().collect();
            let (model, signals) = ExampleModel::fit(&refs, &ex.targets, example_spec());
            let n = ex.targets.len();
            for (i, a) in ex.analysed.iter().enumerate() {
                let reference = prepared.features(&context, a);
                // The question's mean score is a prior shared by all its rows. A leave-one-out mean
                // would leak each row's own label (it falls exactly when the label rises).
                ex_rows.push(example_row(&reference, &signals[i], model.mean_target(), n - 1));
                ref_rows.push(reference);
                targets.push(ex.targets[i]);
                owner.push((q, i));
                familiarity.push(signals[i].top_similarity);
                disagreement.push((signals[i].ridge - signals[i].knn_mean).abs());
            }
            learned.push(model);
            let _ = t;
        }
        let gbm = meta_config(config.seed);
        const K: usize = 5;
        // Reference-only rows are folded by question, so out-of-fold means "question never seen".
        let question_folds: Vec<usize> = owner.iter().map(|&(q, _)| fold_of(q, K)).collect();
        let ro_oof = out_of_fold(&ref_rows, &targets, &question_folds, K, &gbm);
        let row_folds: Vec<usize> = (0..targets.len()).map(|i| fold_of(i, K)).collect();
        let ex_oof = out_of_fold(&ex_rows, &targets, &row_folds, K, &gbm);
        let reference_only = Gbm::fit(&ref_rows, &targets, Loss::Squared, &gbm);
        let with_examples = Gbm::fit(&ex_rows, &targets, Loss::Squared, &gbm);

        // Cut-offs per question from its out-of-fold with-examples estimates.
        let mut question_models = Vec::with_capacity(training.len());
        let mut cutoffs_by_question = Vec::with_capacity(training.len());
        for (q, (t, model)) in training.iter().zip(learned).enumerate() {
            let rows: Vec<usize> = (0..owner.len()).filter(|&r| owner[r].0 == q).collect();
            let preds: Vec<f64> = rows.iter().map(|&r| ex_oof[r]).collect();
            let cutoffs =
                Cutoffs::fit(&preds, &examples[q].levels, t.question.scale.n_levels(), config.min_examples_for_cutoffs);
            cutoffs_by_question.push(cutoffs.clone());
            question_models.push(QuestionModel {
                state: QuestionModelState {
                    format: SHORT_ANSWER_FORMAT,
                    question: t.question.clone(),
                    examples: t.examples.clone(),
                    learned: Some(model),
                    cutoffs,
                },
            });
        }

        // Confidence: did the out-of-fold score agree with the teacher, and what did the signals say?
        let mut signals = Vec::with_capacity(2 * targets.len());
        let mut agreed = Vec::with_capacity(2 * targets.len());
        for (r, &(q, i)) in owner.iter().enumerate() {
            let scale = training[q].question.scale;
            let truth = examples[q].levels[i];
            let tolerance = scale.tolerance_levels();
            let midpoints = Cutoffs::midpoints(scale.n_levels());
            let level = midpoints.level(ro_oof[r]);
            signals.push(confidence_signals(
                midpoints.margin(ro_oof[r]),
                (ro_oof[r] - ref_rows[r][0]).abs(),
                0.0,
                0,
                ro_oof[r],
            ));
            agreed.push(level.abs_diff(truth) <= tolerance);
            let cut = &cutoffs_by_question[q];
            let n = examples[q].targets.len() - 1;
            let level = cut.level(ex_oof[r]);
            signals.push(confidence_signals(cut.margin(ex_oof[r]), disagreement[r], familiarity[r], n, ex_oof[r]));
            agreed.push(level.abs_diff(truth) <= tolerance);
        }
        let confidence = ConfidenceModel::fit(&signals, &agreed);
        let model = ShortAnswerModel {
            format: SHORT_ANSWER_FORMAT,
            config: *config,
            context,
            reference_only,
            with_examples,
            confidence,
        };
        Ok(TrainedShortAnswer { model, questions: question_models })
    }

    /// Builds the model of a question from its graded examples (none for a brand-new question).
    pub fn fit_question(&self, question: Question, examples: Vec<GradedAnswer>) -> Result<QuestionModel, ScoringError> {
        validate_examples(&question, &examples)?;
        let analyser = Analyser::new();
        let ex = prepare_examples(&analyser, &question, &examples);
        let n = examples.len();
        let (learned, cutoffs) = if n >= self.config.min_examples {
            let refs: Vec<&Analysed> = ex.analysed.iter().collect();
            let (model, signals) = ExampleModel::fit(&refs, &ex.targets, example_spec());
            let prepared = self.prepare(&analyser, &question);
            let preds: Vec<f64> = ex
                .analysed
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let reference = prepared.features(&self.context, a);
                    self.with_examples.predict(&example_row(&reference, &signals[i], model.mean_target(), n - 1))
                })
                .collect();
            let cutoffs =
                Cutoffs::fit(&preds, &ex.levels, question.scale.n_levels(), self.config.min_examples_for_cutoffs);
            (Some(model), cutoffs)
        } else {
            (None, Cutoffs::midpoints(question.scale.n_levels()))
        };
        Ok(QuestionModel {
            state: QuestionModelState { format: SHORT_ANSWER_FORMAT, question, examples, learned, cutoffs },
        })
    }

    /// Records a teacher's score (a new example or an override) and refits the question's model.
    pub fn add_example(&self, question_model: &mut QuestionModel, example: GradedAnswer) -> Result<(), ScoringError> {
        let mut examples = question_model.state.examples.clone();
        examples.push(example);
        *question_model = self.fit_question(question_model.state.question.clone(), examples)?;
        Ok(())
    }

    fn prepare(&self, analyser: &Analyser, question: &Question) -> PreparedQuestion {
        let prompt = analyser.analyse(&question.prompt);
        let references: Vec<Analysed> = question.references.iter().map(|r| analyser.analyse(r)).collect();
        PreparedQuestion::new(&self.context, &prompt, &references)
    }

    /// Scores one answer.
    pub fn score(&self, question_model: &QuestionModel, answer: &str) -> ShortAnswerScore {
        self.score_many(question_model, &[answer]).pop().expect("one answer in, one score out")
    }

    /// Scores many answers to the same question, preparing the question once.
    pub fn score_many(&self, question_model: &QuestionModel, answers: &[&str]) -> Vec<ShortAnswerScore> {
        let analyser = Analyser::new();
        let state = &question_model.state;
        let prepared = self.prepare(&analyser, &state.question);
        let prompt = analyser.analyse(&state.question.prompt);
        answers.iter().map(|answer| self.score_prepared(state, &prepared, &prompt, &analyser.analyse(answer))).collect()
    }

    fn score_prepared(
        &self,
        state: &QuestionModelState,
        prepared: &PreparedQuestion,
        prompt: &Analysed,
        answer: &Analysed,
    ) -> ShortAnswerScore {
        let scale = state.question.scale;
        let mut warnings = Vec::new();
        if answer.truncated {
            warnings.push(InputWarning::Truncated { chars: answer.original_chars });
        }
        if answer.tokens.is_empty() {
            warnings.push(InputWarning::Empty);
            return ShortAnswerScore {
                score: scale.min(),
                estimate: 0.0,
                confidence: 1.0,
                needs_review: answer.truncated,
                basis: ScoringBasis::ReferenceAnswers,
                evidence: Vec::new(),
                warnings,
            };
        }
        if !prompt.normalised.is_empty() && answer.normalised == prompt.normalised {
            warnings.push(InputWarning::RepeatsQuestion);
        }
        let reference = prepared.features(&self.context, answer);
        let usable = state.learned.as_ref().filter(|m| m.n_examples() >= self.config.min_examples);
        let (estimate, contributions, names, signals, basis, cutoffs);
        let mut same_as_graded = None;
        let midpoints = Cutoffs::midpoints(scale.n_levels());
        match usable {
            Some(learned) => {
                let s = learned.signals(answer);
                let row = example_row(&reference, &s, learned.mean_target(), learned.n_examples());
                let (p, c) = self.with_examples.explain(&row);
                names = REFERENCE_FEATURES.iter().chain(EXAMPLE_FEATURES.iter()).copied().collect::<Vec<_>>();
                if s.top_similarity >= SAME_ANSWER {
                    // The teacher already graded this answer: their score stands.
                    estimate = s.nearest_score;
                    contributions = vec![0.0; names.len()];
                    same_as_graded = Some(s.nearest_score - p.clamp(0.0, 1.0));
                } else {
                    estimate = p.clamp(0.0, 1.0);
                    contributions = c;
                }
                cutoffs = &state.cutoffs;
                signals = confidence_signals(
                    cutoffs.margin(estimate),
                    (s.ridge - s.knn_mean).abs(),
                    s.top_similarity,
                    learned.n_examples(),
                    estimate,
                );
                basis = ScoringBasis::GradedExamples(learned.n_examples());
            }
            None => {
                let (p, c) = self.reference_only.explain(&reference);
                estimate = p.clamp(0.0, 1.0);
                contributions = c;
                names = REFERENCE_FEATURES.to_vec();
                cutoffs = &midpoints;
                signals =
                    confidence_signals(cutoffs.margin(estimate), (estimate - reference[0]).abs(), 0.0, 0, estimate);
                basis = ScoringBasis::ReferenceAnswers;
            }
        }
        let (level, confidence) = match same_as_graded {
            Some(_) => (((scale.n_levels() - 1) as f64 * estimate).round() as usize, 1.0),
            None => (cutoffs.level(estimate), self.confidence.confidence(&signals)),
        };
        let mut evidence = Evidence::top(&names, &contributions, 4);
        if let Some(shift) = same_as_graded {
            evidence.insert(0, Evidence { feature: "same as a teacher-graded answer", contribution: shift });
        }
        let needs_review = confidence < self.config.review_below
            || !warnings.is_empty()
            || state.question.references.is_empty() && basis == ScoringBasis::ReferenceAnswers;
        ShortAnswerScore { score: scale.value(level), estimate, confidence, needs_review, basis, evidence, warnings }
    }
}
