//! Unit tests of the scorers on small generated data.
#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is the failure report.

use expect_test::expect;

use crate::gbm::{Gbm, GbmConfig, Loss};
use crate::linalg::{Cholesky, KernelRidge};
use crate::metrics::{binary_report, fisher_mean, pearson, quadratic_weighted_kappa, rmse};
use crate::scale::Cutoffs;
use crate::text::{Analyser, TokenKind};
use crate::{
    EssayConfig, EssayModel, GradedAnswer, GradedEssay, InputWarning, Question, ScoreScale, ScoringBasis, ScoringError,
    ShortAnswerConfig, ShortAnswerModel, TrainingQuestion, Trait,
};

/// Seeded generator so every test sees the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

const FILLER: &[&str] =
    &["because", "it", "the", "thing", "is", "really", "maybe", "so", "and", "we", "think", "that", "was"];
const TOPICS: &[(&str, &[&str], &[&str])] = &[
    ("Why does the bulb light?", &["closed", "circuit", "current", "flows"], &["battery", "colour", "glass", "bright"]),
    ("What happens to ice when heated?", &["ice", "melts", "into", "water"], &["cold", "hard", "white", "freezer"]),
    ("Why do plants need light?", &["photosynthesis", "makes", "food", "sugar"], &["green", "pot", "soil", "tall"]),
    (
        "What makes a magnet attract iron?",
        &["magnetic", "field", "attracts", "iron"],
        &["shiny", "metal", "heavy", "round"],
    ),
    ("Why does sound travel?", &["vibrations", "travel", "through", "air"], &["loud", "ears", "music", "noise"]),
    ("How does a shadow form?", &["object", "blocks", "light", "rays"], &["dark", "night", "black", "sun"]),
    ("Why do we sweat?", &["sweat", "evaporates", "cools", "body"], &["wet", "hot", "shirt", "smell"]),
];

/// A generated answer: correct answers use most key terms, incorrect ones mostly distractors.
fn answer(rng: &mut Rng, keys: &[&str], distractors: &[&str], correct: bool) -> String {
    let mut words = Vec::new();
    for _ in 0..2 + rng.below(3) {
        words.push(FILLER[rng.below(FILLER.len())]);
    }
    for k in keys {
        if rng.chance(if correct { 0.85 } else { 0.2 }) {
            words.push(k);
        }
    }
    for d in distractors {
        if rng.chance(if correct { 0.15 } else { 0.7 }) {
            words.push(d);
        }
    }
    if !correct && rng.chance(0.3) {
        words.push("not");
    }
    for i in (1..words.len()).rev() {
        let j = rng.below(i + 1);
        words.swap(i, j);
    }
    words.join(" ")
}

fn binary_scale() -> ScoreScale {
    ScoreScale::parse(0.0, 1.0, 1.0).unwrap()
}

fn generated_question(rng: &mut Rng, topic: usize, n: usize) -> TrainingQuestion {
    let (prompt, keys, distractors) = TOPICS[topic];
    let examples = (0..n)
        .map(|i| {
            let correct = i % 2 == 0;
            GradedAnswer { answer: answer(rng, keys, distractors, correct), score: f64::from(u8::from(correct)) }
        })
        .collect();
    TrainingQuestion {
        question: Question { prompt: prompt.to_owned(), references: vec![keys.join(" ")], scale: binary_scale() },
        examples,
    }
}

fn trained(n_topics: usize, n: usize) -> (ShortAnswerModel, Vec<crate::QuestionModel>) {
    let mut rng = Rng(42);
    let training: Vec<TrainingQuestion> = (0..n_topics).map(|t| generated_question(&mut rng, t, n)).collect();
    let t = ShortAnswerModel::train(&training, &ShortAnswerConfig::recommended()).unwrap();
    (t.model, t.questions)
}

fn accuracy(model: &ShortAnswerModel, question_model: &crate::QuestionModel, topic: usize, seed: u64) -> f64 {
    let mut rng = Rng(seed);
    let (_, keys, distractors) = TOPICS[topic];
    let cases: Vec<(String, bool)> =
        (0..40).map(|i| (answer(&mut rng, keys, distractors, i % 2 == 0), i % 2 == 0)).collect();
    let texts: Vec<&str> = cases.iter().map(|(a, _)| a.as_str()).collect();
    let scores = model.score_many(question_model, &texts);
    let right = scores.iter().zip(&cases).filter(|(s, (_, c))| (s.score > 0.5) == *c).count();
    right as f64 / cases.len() as f64
}

#[test]
fn analyser_folds_width_stems_words_and_splits_han_characters() {
    let a = Analyser::new().analyse("Ｔｈｅ bulbs are LIGHTING 电路闭合。 3,000 volts!");
    let tokens: Vec<String> = a.tokens.iter().map(|t| format!("{}:{:?}", t.stem, t.kind)).collect();
    expect![[r#"["the:Word", "bulb:Word", "are:Word", "light:Word", "电:Ideograph", "路:Ideograph", "闭:Ideograph", "合:Ideograph", "3000:Number", "volt:Word"]"#]]
        .assert_eq(&format!("{tokens:?}"));
    assert_eq!(a.sentence_lengths, vec![8, 2]);
    assert_eq!(a.tokens.iter().filter(|t| t.kind == TokenKind::Ideograph).count(), 4);
}

#[test]
fn score_scale_rejects_grids_that_are_not_grids() {
    assert!(matches!(ScoreScale::parse(0.0, 3.0, 0.7), Err(ScoringError::InvalidScale { .. })));
    assert!(matches!(ScoreScale::parse(3.0, 3.0, 1.0), Err(ScoringError::InvalidScale { .. })));
    assert!(matches!(ScoreScale::parse(0.0, f64::NAN, 1.0), Err(ScoringError::InvalidScale { .. })));
    assert!(matches!(ScoreScale::parse(0.0, 1e6, 1.0), Err(ScoringError::InvalidScale { .. })));
    let s = ScoreScale::parse(0.0, 1.0, 0.1).unwrap();
    assert_eq!((s.n_levels(), s.level_of(0.54), s.level_of(-3.0), s.level_of(f64::NAN)), (11, 5, 0, 0));
}

#[test]
fn metrics_match_hand_computed_values() {
    assert_eq!(quadratic_weighted_kappa(&[0, 1, 2, 3], &[0, 1, 2, 3], 0, 3), 1.0);
    let k = quadratic_weighted_kappa(&[0, 0, 1, 1], &[0, 1, 0, 1], 0, 1);
    assert!(k.abs() < 1e-12, "{k}");
    assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
    assert!((rmse(&[0.0, 0.0], &[3.0, 4.0]) - 12.5f64.sqrt()).abs() < 1e-12);
    assert!((fisher_mean(&[0.5, 0.5]) - 0.5).abs() < 1e-12);
    let r = binary_report(&[true, true, false, false], &[true, false, false, false]);
    assert!((r.accuracy - 0.75).abs() < 1e-12);
    assert!((r.macro_f1 - (2.0 / 3.0 + 0.8) / 2.0).abs() < 1e-12);
}

#[test]
fn cholesky_solves_and_inverts_a_small_system() {
    let a = vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
    let chol = Cholesky::new(a.clone(), 3).unwrap();
    let x = chol.solve(&[1.0, 2.0, 3.0]);
    for r in 0..3 {
        let ax: f64 = (0..3).map(|c| a[r * 3 + c] * x[c]).sum();
        assert!((ax - [1.0, 2.0, 3.0][r]).abs() < 1e-12);
    }
    // Diagonal of the inverse, checked against solves with unit vectors.
    let diag = chol.inverse_diagonal();
    for i in 0..3 {
        let mut e = [0.0; 3];
        e[i] = 1.0;
        assert!((chol.solve(&e)[i] - diag[i]).abs() < 1e-12);
    }
    assert!(Cholesky::new(vec![1.0, 2.0, 2.0, 1.0], 2).is_none());
}

#[test]
fn kernel_ridge_leave_one_out_matches_refitting_without_the_row_for_centred_targets() {
    let k = vec![1.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.0];
    let y = [1.0, -1.0, 0.0];
    let (_, loo) = KernelRidge::fit_with_loo(&k, &y, 0.5).unwrap();
    // Refit on rows {1, 2} with the same (full-data) intercept and predict row 0.
    let sub = vec![1.0 + 0.5, 0.3, 0.3, 1.0 + 0.5];
    let alpha = Cholesky::new(sub, 2).unwrap().solve(&[-1.0, 0.0]);
    let direct = alpha[0] * 0.5 + alpha[1] * 0.2;
    assert!((loo[0] - direct).abs() < 1e-9, "{} vs {direct}", loo[0]);
}

#[test]
fn boosted_trees_learn_a_step_and_contributions_explain_the_prediction() {
    let x: Vec<Vec<f64>> = (0..200).map(|i| vec![f64::from(i) / 200.0, f64::from(i % 7)]).collect();
    let y: Vec<f64> = x.iter().map(|r| if r[0] > 0.5 { 1.0 } else { 0.0 }).collect();
    let config =
        GbmConfig { n_trees: 60, max_depth: 2, learning_rate: 0.2, min_leaf: 5, l2: 1.0, subsample: 1.0, seed: 1 };
    let gbm = Gbm::fit(&x, &y, Loss::Squared, &config);
    assert!(gbm.predict(&[0.9, 3.0]) > 0.9 && gbm.predict(&[0.1, 3.0]) < 0.1);
    let (p_hi, c_hi) = gbm.explain(&[0.9, 3.0]);
    let (p_lo, c_lo) = gbm.explain(&[0.1, 3.0]);
    // The bias is the same for both inputs, so the difference is all in the contributions.
    assert!(((p_hi - p_lo) - (c_hi.iter().sum::<f64>() - c_lo.iter().sum::<f64>())).abs() < 1e-9);
    assert!(c_hi[0] > 0.3 && c_hi[1].abs() < 0.05);
    let logistic = Gbm::fit(&x, &y, Loss::Logistic, &config);
    assert!(logistic.predict(&[0.9, 0.0]) > 0.8);
    assert!(Gbm::fit(&[], &[], Loss::Squared, &config).predict(&[1.0]).is_finite());
}

#[test]
fn tuned_cutoffs_beat_rounding_on_shifted_predictions() {
    let truth: Vec<usize> = (0..120).map(|i| i % 4).collect();
    // Predictions biased towards the middle, as regression to the mean makes them.
    let preds: Vec<f64> =
        truth.iter().enumerate().map(|(i, &l)| 0.3 + 0.12 * l as f64 + 0.02 * (i % 3) as f64).collect();
    let kappa = |c: &Cutoffs| {
        let p: Vec<i64> = preds.iter().map(|&x| c.level(x) as i64).collect();
        let t: Vec<i64> = truth.iter().map(|&l| l as i64).collect();
        quadratic_weighted_kappa(&t, &p, 0, 3)
    };
    let rounded = kappa(&Cutoffs::midpoints(4));
    let tuned = kappa(&Cutoffs::fit(&preds, &truth, 4, 40));
    assert!(tuned > 0.95 && tuned > rounded + 0.2, "tuned {tuned} rounded {rounded}");
    assert_eq!(Cutoffs::fit(&preds[..10], &truth[..10], 4, 40), Cutoffs::midpoints(4));
}

#[test]
fn short_answers_are_scored_well_with_graded_examples_and_on_a_new_question() {
    let (model, questions) = trained(6, 40);
    let with_examples = accuracy(&model, &questions[0], 0, 7);
    assert!(with_examples >= 0.85, "with examples: {with_examples}");
    assert!(matches!(model.score(&questions[0], "closed circuit").basis, ScoringBasis::GradedExamples(40)));
    let (prompt, keys, _) = TOPICS[6];
    let new = model
        .fit_question(
            Question { prompt: prompt.to_owned(), references: vec![keys.join(" ")], scale: binary_scale() },
            Vec::new(),
        )
        .unwrap();
    let reference_only = accuracy(&model, &new, 6, 9);
    assert!(reference_only >= 0.8, "reference only: {reference_only}");
    let s = model.score(&new, "sweat evaporates and cools the body");
    assert_eq!((s.score, s.basis), (1.0, ScoringBasis::ReferenceAnswers));
    assert!(s.evidence.iter().any(|e| e.feature.contains("reference")), "{:?}", s.evidence);
}

#[test]
fn chinese_answers_are_matched_by_characters() {
    let (model, _) = trained(6, 30);
    let scale = ScoreScale::parse(0.0, 2.0, 1.0).unwrap();
    let question = Question {
        prompt: "为什么频繁插入删除时宜用链表？".to_owned(),
        references: vec!["链表插入和删除只需修改指针，不需要移动大量元素".to_owned()],
        scale,
    };
    let q = model.fit_question(question, Vec::new()).unwrap();
    let good = model.score(&q, "因为链表插入删除只要修改指针，不用移动元素");
    let bad = model.score(&q, "顺序表可以随机访问，查找很快");
    assert!(good.estimate > bad.estimate + 0.2, "good {} bad {}", good.estimate, bad.estimate);
    assert!(good.score > bad.score);
}

#[test]
fn bad_input_gets_a_defined_score_and_never_panics() {
    let (model, questions) = trained(6, 30);
    let q = &questions[1];
    let scale = q.question().scale;
    let empty = model.score(q, "   \n\t ");
    assert_eq!((empty.score, empty.warnings.clone()), (0.0, vec![InputWarning::Empty]));
    let punctuation_only = model.score(q, "?!…。");
    assert_eq!(punctuation_only.warnings, vec![InputWarning::Empty]);
    let huge = "ice melts into water ".repeat(20_000);
    let s = model.score(q, &huge);
    assert!(s.needs_review && matches!(s.warnings[0], InputWarning::Truncated { chars: 420_000 }));
    let copy = model.score(q, &q.question().prompt.to_uppercase());
    assert!(copy.warnings.contains(&InputWarning::RepeatsQuestion) && copy.needs_review);
    for text in [
        "Лёд тает и превращается в воду",
        "الجليد يذوب",
        "얼음이 녹는다",
        "🧊➡️💧",
        "\u{0}\u{feff}x",
        "ｉｃｅ　ｍｅｌｔｓ",
    ] {
        let s = model.score(q, text);
        assert!(s.score >= scale.min() && s.score <= scale.max() && s.confidence.is_finite(), "{text}: {s:?}");
    }
    let no_refs = model
        .fit_question(Question { prompt: String::new(), references: Vec::new(), scale: binary_scale() }, Vec::new())
        .unwrap();
    let s = model.score(&no_refs, "anything at all");
    assert!(s.needs_review && s.score.is_finite());
}

#[test]
fn training_rejects_scores_off_the_scale_and_too_little_data() {
    let mut rng = Rng(3);
    let mut q = generated_question(&mut rng, 0, 20);
    q.examples[3].score = 2.0;
    let config = ShortAnswerConfig::recommended();
    assert_eq!(
        ShortAnswerModel::train(std::slice::from_ref(&q), &config).unwrap_err(),
        ScoringError::ScoreOffScale { score: 2.0, min: 0.0, max: 1.0 }
    );
    q.examples.truncate(3);
    q.examples[2].score = 1.0;
    assert_eq!(
        ShortAnswerModel::train(&[q], &config).unwrap_err(),
        ScoringError::TooFewExamples { needed: 10, got: 3 }
    );
}

#[test]
fn teacher_overrides_teach_a_question_model_a_new_correct_answer() {
    let (model, _) = trained(6, 30);
    let (prompt, keys, distractors) = TOPICS[6];
    let mut rng = Rng(11);
    let examples: Vec<GradedAnswer> = (0..12)
        .map(|i| GradedAnswer {
            answer: answer(&mut rng, keys, distractors, i % 2 == 0),
            score: f64::from(u8::from(i % 2 == 0)),
        })
        .collect();
    let mut q = model
        .fit_question(
            Question { prompt: prompt.to_owned(), references: vec![keys.join(" ")], scale: binary_scale() },
            examples,
        )
        .unwrap();
    // An alternative correct answer the reference does not mention.
    let alternative = "perspiration takes heat away as it dries off the skin";
    let before = model.score(&q, alternative);
    assert_eq!(before.score, 0.0, "{before:?}");
    for variant in [
        "perspiration takes heat away as it dries",
        "perspiration dries off the skin and takes heat away",
        "as perspiration dries it takes heat away from skin",
        "perspiration takes away heat when it dries off skin",
        "heat is taken away as perspiration dries off the skin",
        "perspiration drying off the skin takes the heat away",
    ] {
        model.add_example(&mut q, GradedAnswer { answer: variant.to_owned(), score: 1.0 }).unwrap();
    }
    assert_eq!(q.examples().len(), 18);
    let after = model.score(&q, alternative);
    assert!(after.estimate > before.estimate + 0.02, "before {before:?}\nafter {after:?}");
    // Overriding this very answer makes the teacher's score stand.
    model.add_example(&mut q, GradedAnswer { answer: alternative.to_owned(), score: 1.0 }).unwrap();
    let overridden = model.score(&q, &format!("  {}", alternative.to_uppercase()));
    assert_eq!((overridden.score, overridden.evidence[0].feature), (1.0, "same as a teacher-graded answer"));
    // A later override of the same answer replaces the earlier one.
    model.add_example(&mut q, GradedAnswer { answer: alternative.to_owned(), score: 0.0 }).unwrap();
    assert_eq!(model.score(&q, alternative).score, 0.0);
    assert!(model.add_example(&mut q, GradedAnswer { answer: "x".to_owned(), score: -1.0 }).is_err());
    assert_eq!(q.examples().len(), 20, "a rejected override leaves the model unchanged");
}

#[test]
fn models_survive_a_serialisation_round_trip_unchanged() {
    let (model, questions) = trained(6, 30);
    let model_json = serde_json::to_string(&model).unwrap();
    let question_json = serde_json::to_string(&questions[2]).unwrap();
    let model2: ShortAnswerModel = serde_json::from_str(&model_json).unwrap();
    let question2: crate::QuestionModel = serde_json::from_str(&question_json).unwrap();
    // JSON may round a float's last bit, so compare what matters: the scores.
    for text in ["photosynthesis makes food", "the pot is green", ""] {
        let (a, b) = (model2.score(&question2, text), model.score(&questions[2], text));
        assert_eq!((a.score, a.basis), (b.score, b.basis));
        assert!((a.estimate - b.estimate).abs() < 1e-9 && (a.confidence - b.confidence).abs() < 1e-9);
    }
}

/// A generated essay whose quality (0..=4) shows in length, vocabulary, markers and spelling.
fn essay(rng: &mut Rng, quality: usize) -> String {
    const BASIC: &[&str] = &["computers", "are", "good", "people", "use", "them", "every", "day", "fun", "games"];
    const RICH: &[&str] = &[
        "consequently",
        "communication",
        "information",
        "opportunities",
        "perspective",
        "research",
        "educational",
        "significant",
        "efficiently",
        "knowledge",
    ];
    const MISSPELT: &[&str] = &["becuase", "alot", "thier", "realy", "definately"];
    let mut sentences = Vec::new();
    for s in 0..3 + quality * 3 + rng.below(2) {
        let mut words: Vec<&str> = Vec::new();
        if quality >= 2 && s % 3 == 1 {
            words.push(["however,", "moreover,", "for example,", "therefore,"][rng.below(4)]);
        }
        for _ in 0..5 + quality * 2 {
            let w = if rng.chance(0.12 * quality as f64) {
                RICH[rng.below(RICH.len())]
            } else if rng.chance(0.25 - 0.06 * quality as f64) {
                MISSPELT[rng.below(MISSPELT.len())]
            } else {
                BASIC[rng.below(BASIC.len())]
            };
            words.push(w);
        }
        let mut sentence = words.join(" ");
        if quality >= 2 {
            sentence = sentence[..1].to_uppercase() + &sentence[1..];
        }
        sentences.push(sentence + ".");
    }
    if quality >= 3 {
        sentences.push("In conclusion, computers help people.".to_owned());
    }
    sentences.join(" ")
}

fn essay_model(n: usize) -> EssayModel {
    let mut rng = Rng(5);
    let scale = ScoreScale::parse(0.0, 4.0, 1.0).unwrap();
    let essays: Vec<GradedEssay> = (0..n)
        .map(|i| {
            let q = i % 5;
            GradedEssay { text: essay(&mut rng, q), score: q as f64 }
        })
        .collect();
    EssayModel::train(Some("Do computers help people?"), scale, essays, &EssayConfig::recommended()).unwrap()
}

#[test]
fn essays_are_scored_close_to_their_generated_quality_with_trait_evidence() {
    let model = essay_model(80);
    let mut rng = Rng(99);
    let truth: Vec<i64> = (0..40).map(|i| i % 5).collect();
    let texts: Vec<String> = truth.iter().map(|&q| essay(&mut rng, q as usize)).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let scores = model.score_many(&refs);
    let predicted: Vec<i64> = scores.iter().map(|s| s.score as i64).collect();
    let kappa = quadratic_weighted_kappa(&truth, &predicted, 0, 4);
    assert!(kappa > 0.8, "qwk {kappa}");
    let best = &scores[4];
    assert_eq!(best.traits.len(), 6);
    assert!(
        best.traits.iter().any(|t| t.rubric_trait == Trait::Development && t.contribution > 0.0),
        "{:?}",
        best.traits
    );
    assert!(best.traits.iter().flat_map(|t| &t.evidence).count() > 0);
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(&s.confidence)));
}

#[test]
fn essay_bad_input_and_round_trip_and_update() {
    let mut model = essay_model(40);
    let empty = model.score("");
    assert_eq!((empty.score, empty.warnings.clone()), (0.0, vec![InputWarning::Empty]));
    let huge = model.score(&"word ".repeat(30_000));
    assert!(huge.needs_review && matches!(huge.warnings[0], InputWarning::Truncated { .. }));
    let copy = model.score("Do computers help people?");
    assert!(copy.warnings.contains(&InputWarning::RepeatsQuestion));
    for text in ["电脑对人们有帮助。首先，它方便。总之，很好。", "Компьютеры полезны.", "😀😀😀"]
    {
        let s = model.score(text);
        assert!((0.0..=4.0).contains(&s.score), "{text}: {s:?}");
    }
    let json = serde_json::to_string(&model).unwrap();
    let back: EssayModel = serde_json::from_str(&json).unwrap();
    let text = "Computers are good. However, people use them every day.";
    let (a, b) = (back.score(text), model.score(text));
    assert!(a.score == b.score && (a.estimate - b.estimate).abs() < 1e-9);
    model.add_example(GradedEssay { text: text.to_owned(), score: 4.0 }).unwrap();
    assert_eq!(model.examples().len(), 41);
    assert!(model.add_example(GradedEssay { text: String::new(), score: 9.0 }).is_err());
    assert!(matches!(
        EssayModel::train(None, model.scale(), Vec::new(), &EssayConfig::recommended()),
        Err(ScoringError::TooFewExamples { .. })
    ));
}

#[test]
fn example_model_similarities_match_plain_sparse_dot_products() {
    use crate::examples::ExampleModel;
    use crate::sparse::{NgramCounts, NgramSpec, Vectoriser};
    let analyser = Analyser::new();
    let mut rng = Rng(8);
    let texts: Vec<String> = (0..50).map(|i| answer(&mut rng, TOPICS[i % 3].1, TOPICS[i % 3].2, i % 2 == 0)).collect();
    let analysed: Vec<_> = texts.iter().map(|t| analyser.analyse(t)).collect();
    let refs: Vec<_> = analysed.iter().collect();
    let targets: Vec<f64> = (0..50).map(|i| f64::from(u8::from(i % 2 == 0))).collect();
    let spec = NgramSpec { word_max: 2, char_min: 2, char_max: 5, char_weight: 1.0 };
    let (model, loo) = ExampleModel::fit(&refs, &targets, spec);
    let counts: Vec<NgramCounts> = analysed.iter().map(|a| NgramCounts::new(a, &spec)).collect();
    let vectoriser = Vectoriser::fit(spec, &counts);
    let vectors: Vec<_> = counts.iter().map(|c| vectoriser.transform(c)).collect();
    let query = analyser.analyse("closed circuit current");
    let q = vectoriser.transform(&NgramCounts::new(&query, &spec));
    let best = vectors.iter().map(|v| f64::from(v.dot(&q))).fold(0.0, f64::max);
    let s = model.signals(&query);
    assert!((s.top_similarity - best).abs() < 1e-5, "{} vs {best}", s.top_similarity);
    let ridge_r = pearson(&loo.iter().map(|s| s.ridge).collect::<Vec<_>>(), &targets);
    assert!(ridge_r > 0.5, "leave-one-out ridge correlation {ridge_r}");
}
