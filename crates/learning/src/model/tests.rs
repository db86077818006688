use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::bkt::{Bkt, BktOptions, BktParams};
use super::ensemble::{Ensemble, Member};
use super::gru::{Gru, GruOptions};
use super::irt::{Elo, Irt, IrtKind};
use super::logistic::{FeatureSet, Logistic, LogisticOptions};
use super::*;
use crate::metrics;

fn corpus(sequences: &[&[(u32, u32, bool)]], n_items: u32, n_kps: u32) -> Corpus {
    let mut b = Corpus::builder(n_items, n_kps);
    for seq in sequences {
        for &(item, kp, y) in *seq {
            b.push(item, &[kp], y);
        }
        b.end_sequence();
    }
    b.finish()
}

fn all_models(train: &Corpus) -> Vec<(&'static str, Member)> {
    let tiny_gru = GruOptions { hidden: 4, embed: 4, max_epochs: 2, ..GruOptions::standard(1) };
    vec![
        ("bkt", Member::Bkt(Bkt::fit(train, &BktOptions::classic(2, 1)))),
        ("bkt-forget", Member::Bkt(Bkt::fit(train, &BktOptions { forgetting: true, ..BktOptions::classic(2, 1) }))),
        ("irt-1pl", Member::Irt(Irt::fit(train, IrtKind::OnePl, 1.0, 50))),
        ("irt-2pl", Member::Irt(Irt::fit(train, IrtKind::TwoPl, 1.0, 50))),
        ("elo", Member::Elo(Elo::fit(train))),
        ("pfa", Member::Logistic(Logistic::fit(train, &LogisticOptions::standard(FeatureSet::PFA)))),
        ("logistic", Member::Logistic(Logistic::fit(train, &LogisticOptions::standard(FeatureSet::RICH)))),
        ("gru", Member::Gru(Gru::fit(train, train, &tiny_gru, &mut |_| true))),
    ]
}

#[test]
fn degenerate_training_data_gives_finite_predictions_everywhere() {
    let all_correct: Vec<(u32, u32, bool)> = (0..40).map(|t| (t % 3, 0, true)).collect();
    let cases: Vec<(&str, Corpus)> = vec![
        ("empty input", corpus(&[], 5, 3)),
        ("a single answer", corpus(&[&[(1, 1, false)]], 5, 3)),
        ("an all-correct streak", corpus(&[&all_correct], 5, 3)),
        ("an all-wrong learner next to it", corpus(&[&all_correct, &[(2, 0, false); 30]], 5, 3)),
    ];
    // Item 4 and knowledge point 2 are never answered in any training set.
    let probe = corpus(&[&[(4, 2, true), (0, 0, false), (4, 2, false), (3, 1, true), (9, 7, true)]], 10, 8);
    for (case, train) in &cases {
        for (name, model) in all_models(train) {
            let p = predict_corpus(&model, &probe);
            assert!(p.iter().all(|p| p.is_finite() && *p > 0.0 && *p < 1.0), "{name} on {case}: {p:?}");
        }
    }
}

#[test]
fn batch_predictions_equal_answer_by_answer_updates_for_every_model() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let seqs: Vec<Vec<(u32, u32, bool)>> = (0..20)
        .map(|_| {
            (0..15).map(|_| (rng.random_range(0..8), rng.random_range(0..3), rng.random_range(0..3) > 0)).collect()
        })
        .collect();
    let refs: Vec<&[(u32, u32, bool)]> = seqs.iter().map(Vec::as_slice).collect();
    let train = corpus(&refs, 8, 3);
    for (name, model) in all_models(&train) {
        let batch = predict_corpus(&model, &train);
        let mut online = Vec::new();
        for s in 0..train.n_sequences() {
            let mut state = model.start();
            for a in train.sequence(s) {
                online.push(model.predict(&state, a.item, a.kps));
                model.update(&mut state, a);
            }
        }
        assert_eq!(batch, online, "{name}");
    }
}

/// Answers drawn from a known BKT model.
fn bkt_data(truth: &BktParams, n_learners: usize, len: usize, seed: u64) -> Corpus {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = Corpus::builder(1, 1);
    for _ in 0..n_learners {
        let mut known = rng.random_range(0.0f32..1.0) < truth.prior;
        for _ in 0..len {
            let p = if known { 1.0 - truth.slip } else { truth.guess };
            b.push(0, &[0], rng.random_range(0.0f32..1.0) < p);
            if !known && rng.random_range(0.0f32..1.0) < truth.learn {
                known = true;
            }
        }
        b.end_sequence();
    }
    b.finish()
}

#[test]
fn bkt_em_recovers_the_parameters_that_generated_the_data() {
    let truth = BktParams { prior: 0.3, learn: 0.2, forget: 0.0, guess: 0.25, slip: 0.1 };
    let data = bkt_data(&truth, 400, 20, 8);
    let fitted = Bkt::fit(&data, &BktOptions::classic(3, 2)).params[0];
    for (name, got, want) in [
        ("prior", fitted.prior, truth.prior),
        ("learn", fitted.learn, truth.learn),
        ("guess", fitted.guess, truth.guess),
        ("slip", fitted.slip, truth.slip),
    ] {
        assert!((got - want).abs() < 0.05, "{name}: fitted {got}, true {want}");
    }
}

#[test]
fn irt_recovers_item_difficulty_order_and_elo_agrees() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let difficulty = [-1.5f32, -0.5, 0.5, 1.5];
    let mut b = Corpus::builder(4, 1);
    for _ in 0..300 {
        let theta: f32 = rng.random_range(-1.5..1.5);
        for _ in 0..12 {
            let item = rng.random_range(0..4);
            let p = sigmoid(theta - difficulty[item]);
            b.push(item as u32, &[0], rng.random_range(0.0f32..1.0) < p);
        }
        b.end_sequence();
    }
    let data = b.finish();
    let irt = Irt::fit(&data, IrtKind::OnePl, 2.0, 300);
    let elo = Elo::fit(&data);
    for w in irt.difficulty.windows(2).chain(elo.difficulty.windows(2)) {
        assert!(w[0] < w[1], "difficulties out of order: {:?} / {:?}", irt.difficulty, elo.difficulty);
    }
    let auc = metrics::auc(&predict_corpus(&irt, &data), data.labels());
    assert!(auc > 0.7, "IRT AUC {auc}");
}

#[test]
fn a_stacked_ensemble_is_no_worse_than_its_best_member_on_its_own_data() {
    let truth = BktParams { prior: 0.2, learn: 0.15, forget: 0.0, guess: 0.2, slip: 0.1 };
    let data = bkt_data(&truth, 200, 15, 3);
    let members = vec![Member::Bkt(Bkt::fit(&data, &BktOptions::classic(1, 1))), Member::Elo(Elo::fit(&data))];
    let predictions: Vec<Vec<f32>> = members.iter().map(|m| predict_corpus(m, &data)).collect();
    let best = predictions.iter().map(|p| metrics::score(p, data.labels()).log_loss).fold(f64::INFINITY, f64::min);
    let ensemble = Ensemble::fit(members, &predictions, &data);
    let stacked = metrics::score(&predict_corpus(&ensemble, &data), data.labels()).log_loss;
    assert!(stacked <= best + 1e-3, "stacked {stacked} vs best member {best}");
}

#[test]
fn chunking_cuts_long_sequences_into_independent_pieces() {
    let long: Vec<(u32, u32, bool)> = (0..450).map(|t| (t % 5, 0, t % 2 == 0)).collect();
    let c = corpus(&[&long, &[(1, 0, true)]], 5, 1).chunked(200);
    let lens: Vec<usize> = (0..c.n_sequences()).map(|s| c.sequence_range(s).len()).collect();
    assert_eq!(lens, vec![200, 200, 50, 1]);
    assert_eq!(c.n_attempts(), 451);
}

#[test]
fn metrics_handle_ties_single_classes_and_empty_input() {
    assert_eq!(metrics::auc(&[0.2, 0.8, 0.5, 0.5], &[false, true, true, false]), 0.875);
    assert_eq!(metrics::auc(&[0.3, 0.4], &[true, true]), 0.5);
    let empty = metrics::score(&[], &[]);
    assert_eq!((empty.auc, empty.acc, empty.rmse, empty.n), (0.5, 0.0, 0.0, 0));
    let s = metrics::score(&[1.0, 0.0], &[true, false]);
    assert!(s.log_loss.is_finite() && s.rmse == 0.0 && s.acc == 1.0);
}
