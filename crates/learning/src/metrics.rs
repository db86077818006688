//! Prediction quality: pooled ROC-AUC, accuracy at 0.5, RMSE and log loss.

/// The usual knowledge-tracing figures for one set of predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Area under the ROC curve, ties counted as half (0.5 when only one class is present).
    pub auc: f64,
    /// Share of answers on the right side of 0.5.
    pub acc: f64,
    /// Root mean squared error of the probabilities.
    pub rmse: f64,
    /// Mean negative log-likelihood, probabilities clamped to `[1e-7, 1 - 1e-7]`.
    pub log_loss: f64,
    /// Number of scored answers.
    pub n: usize,
}

/// Scores `predictions` (probabilities of a correct answer) against `labels`.
///
/// Empty input gives AUC 0.5, accuracy 0, RMSE 0 and log loss 0 rather than NaN.
pub fn score(predictions: &[f32], labels: &[bool]) -> Scores {
    assert_eq!(predictions.len(), labels.len(), "one prediction per label");
    let n = labels.len();
    if n == 0 {
        return Scores { auc: 0.5, acc: 0.0, rmse: 0.0, log_loss: 0.0, n: 0 };
    }
    let mut n_right = 0usize;
    let mut squared = 0.0f64;
    let mut log_loss = 0.0f64;
    for (&p, &y) in predictions.iter().zip(labels) {
        let p = f64::from(p);
        let y_f = if y { 1.0 } else { 0.0 };
        if (p >= 0.5) == y {
            n_right += 1;
        }
        squared += (p - y_f) * (p - y_f);
        let pc = p.clamp(1e-7, 1.0 - 1e-7);
        log_loss -= if y { pc.ln() } else { (1.0 - pc).ln() };
    }
    Scores {
        auc: auc(predictions, labels),
        acc: n_right as f64 / n as f64,
        rmse: (squared / n as f64).sqrt(),
        log_loss: log_loss / n as f64,
        n,
    }
}

/// ROC-AUC by the rank-sum (Mann–Whitney) formula with average ranks for ties, which equals the
/// trapezoidal area scikit-learn computes.
pub fn auc(predictions: &[f32], labels: &[bool]) -> f64 {
    let mut order: Vec<u32> = (0..predictions.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| predictions[a as usize].total_cmp(&predictions[b as usize]));
    let n_pos = labels.iter().filter(|&&y| y).count();
    let n_neg = labels.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return 0.5;
    }
    let mut rank_sum_pos = 0.0f64;
    let mut start = 0;
    while start < order.len() {
        let value = predictions[order[start] as usize];
        let mut end = start + 1;
        while end < order.len() && predictions[order[end] as usize] == value {
            end += 1;
        }
        // Ranks are 1-based; tied values share the mean of their ranks.
        let mean_rank = (start + 1 + end) as f64 / 2.0;
        let n_pos_tied = order[start..end].iter().filter(|&&i| labels[i as usize]).count();
        rank_sum_pos += mean_rank * n_pos_tied as f64;
        start = end;
    }
    let n_pos_f = n_pos as f64;
    (rank_sum_pos - n_pos_f * (n_pos_f + 1.0) / 2.0) / (n_pos_f * n_neg as f64)
}
