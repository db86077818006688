//! Agreement metrics used both to calibrate models and to report them: QWK, Pearson, RMSE, F1.

/// Quadratic weighted kappa between two integer ratings on `min..=max`; values outside are clamped.
/// Returns 1 when both raters give one identical constant rating, 0 when the expected disagreement is 0 otherwise.
pub fn quadratic_weighted_kappa(a: &[i64], b: &[i64], min: i64, max: i64) -> f64 {
    let k = (max - min + 1).max(1) as usize;
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let mut observed = vec![0.0f64; k * k];
    let mut hist_a = vec![0.0f64; k];
    let mut hist_b = vec![0.0f64; k];
    for (&x, &y) in a.iter().zip(b) {
        let i = (x.clamp(min, max) - min) as usize;
        let j = (y.clamp(min, max) - min) as usize;
        observed[i * k + j] += 1.0;
        hist_a[i] += 1.0;
        hist_b[j] += 1.0;
    }
    let denom_w = ((k - 1).max(1) * (k - 1).max(1)) as f64;
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64 - j as f64).powi(2)) / denom_w;
            num += w * observed[i * k + j];
            den += w * hist_a[i] * hist_b[j] / n as f64;
        }
    }
    if den == 0.0 { if num == 0.0 { 1.0 } else { 0.0 } } else { 1.0 - num / den }
}

/// Pearson correlation; 0 when either side is constant or empty.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    if n < 2 {
        return 0.0;
    }
    let ma = a.iter().take(n).sum::<f64>() / n as f64;
    let mb = b.iter().take(n).sum::<f64>() / n as f64;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    if saa == 0.0 || sbb == 0.0 { 0.0 } else { sab / (saa * sbb).sqrt() }
}

/// Root mean squared error; 0 for empty input.
pub fn rmse(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    (a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / n as f64).sqrt()
}

/// Mean of kappas after Fisher's r→z transform (kappas are clipped to ±0.999), as the Kaggle ASAP metric.
pub fn fisher_mean(kappas: &[f64]) -> f64 {
    if kappas.is_empty() {
        return 0.0;
    }
    let z = kappas.iter().map(|k| k.clamp(-0.999, 0.999).atanh()).sum::<f64>() / kappas.len() as f64;
    z.tanh()
}

/// Classification figures for binary labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryReport {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
}

/// Accuracy, macro-F1 and support-weighted F1 over the two classes of `truth`/`predicted`.
pub fn binary_report(truth: &[bool], predicted: &[bool]) -> BinaryReport {
    let n = truth.len().min(predicted.len());
    if n == 0 {
        return BinaryReport { accuracy: 0.0, macro_f1: 0.0, weighted_f1: 0.0 };
    }
    let f1 = |class: bool| {
        let tp = truth.iter().zip(predicted).filter(|&(&t, &p)| t == class && p == class).count() as f64;
        let fp = truth.iter().zip(predicted).filter(|&(&t, &p)| t != class && p == class).count() as f64;
        let fn_ = truth.iter().zip(predicted).filter(|&(&t, &p)| t == class && p != class).count() as f64;
        if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fn_) }
    };
    let support = |class: bool| truth.iter().filter(|&&t| t == class).count() as f64;
    let accuracy = truth.iter().zip(predicted).filter(|(t, p)| t == p).count() as f64 / n as f64;
    let (f_pos, f_neg) = (f1(true), f1(false));
    BinaryReport {
        accuracy,
        macro_f1: (f_pos + f_neg) / 2.0,
        weighted_f1: (f_pos * support(true) + f_neg * support(false)) / n as f64,
    }
}
