use super::*;

fn tiny_corpus() -> Corpus {
    let mut b = Corpus::builder(5, 3);
    for (item, kp, y) in [(0, 0, true), (1, 1, false), (0, 0, true), (4, 2, false), (3, 1, true)] {
        b.push(item, &[kp], y);
    }
    b.end_sequence();
    for (item, kp, y) in [(2, 2, false), (2, 2, true), (1, 1, true)] {
        b.push(item, &[kp, 0], y);
    }
    b.finish()
}

fn random_model(item_embedding: bool) -> Gru {
    let layout = Layout::new(4, 3, 5, 3, item_embedding);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let params = (0..layout.len).map(|_| rng.random_range(-0.5..0.5)).collect();
    Gru { layout, params }
}

fn total_loss(model: &Gru, corpus: &Corpus) -> f64 {
    let mut grad = vec![0.0; model.params.len()];
    let mut ws = Workspace::default();
    (0..corpus.n_sequences()).map(|s| model.backprop(corpus, s, &mut grad, &mut ws)).sum()
}

#[test]
fn backpropagated_gradients_match_finite_differences() {
    for item_embedding in [false, true] {
        let corpus = tiny_corpus();
        let model = random_model(item_embedding);
        let mut grad = vec![0.0; model.params.len()];
        let mut ws = Workspace::default();
        for s in 0..corpus.n_sequences() {
            model.backprop(&corpus, s, &mut grad, &mut ws);
        }
        let eps = 1e-2f32;
        let mut worst = 0.0f64;
        for (j, &analytic) in grad.iter().enumerate() {
            let mut plus = model.clone();
            plus.params[j] += eps;
            let mut minus = model.clone();
            minus.params[j] -= eps;
            let numeric = (total_loss(&plus, &corpus) - total_loss(&minus, &corpus)) / (2.0 * f64::from(eps));
            let diff = (numeric - f64::from(analytic)).abs() / (1.0 + numeric.abs());
            worst = worst.max(diff);
        }
        assert!(worst < 2e-3, "largest relative gradient error {worst} (item_embedding {item_embedding})");
    }
}

#[test]
fn batch_predictions_equal_answer_by_answer_updates() {
    let corpus = tiny_corpus();
    let model = random_model(true);
    let batch = predict_corpus(&model, &corpus);
    let mut state = model.start();
    let mut online = Vec::new();
    for attempt in corpus.sequence(0) {
        online.push(model.predict(&state, attempt.item, attempt.kps));
        model.update(&mut state, attempt);
    }
    assert_eq!(&batch[..online.len()], &online[..]);
    assert!(batch.iter().all(|p| p.is_finite() && *p > 0.0 && *p < 1.0));
}
