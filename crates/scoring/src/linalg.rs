//! Small dense linear algebra: Cholesky solves, kernel ridge with leave-one-out, and L2 logistic regression.

use serde::{Deserialize, Serialize};

/// Dot product with four accumulators, so that the additions do not wait on each other.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for lane in 0..4 {
            acc[lane] += x[lane] * y[lane];
        }
    }
    let tail: f64 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    acc[0] + acc[1] + acc[2] + acc[3] + tail
}

/// A symmetric positive-definite matrix factorised as `L Lᵀ`; `l` is row-major `n × n`, lower part used.
#[derive(Debug)]
pub(crate) struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

impl Cholesky {
    /// Factorises `a` (row-major, symmetric). Returns `None` when it is not positive definite.
    pub(crate) fn new(mut a: Vec<f64>, n: usize) -> Option<Self> {
        debug_assert_eq!(a.len(), n * n);
        for j in 0..n {
            let row_j: Vec<f64> = a[j * n..j * n + j].to_vec();
            let d = a[j * n + j] - dot(&row_j, &row_j);
            if d <= 0.0 || !d.is_finite() {
                return None;
            }
            let d = d.sqrt();
            a[j * n + j] = d;
            // Column j below the diagonal: L[i][j] = (A[i][j] - Σ_k L[i][k] L[j][k]) / L[j][j].
            for i in j + 1..n {
                let row_i = &mut a[i * n..i * n + j + 1];
                let s = dot(&row_i[..j], &row_j);
                row_i[j] = (row_i[j] - s) / d;
            }
        }
        Some(Cholesky { n, l: a })
    }

    pub(crate) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut y = b.to_vec();
        for i in 0..n {
            let row = &self.l[i * n..i * n + i];
            let s = dot(row, &y[..i]);
            y[i] = (y[i] - s) / self.l[i * n + i];
        }
        for i in (0..n).rev() {
            // Column i of L below the diagonal, read with a stride of n.
            let below: f64 = y[i + 1..].iter().enumerate().map(|(k, yk)| self.l[(i + 1 + k) * n + i] * yk).sum();
            y[i] = (y[i] - below) / self.l[i * n + i];
        }
        y
    }

    /// Diagonal of the inverse matrix, `Σ_k (L⁻¹)_{ki}²`.
    pub(crate) fn inverse_diagonal(&self) -> Vec<f64> {
        let n = self.n;
        let mut diag = vec![0.0; n];
        let mut col = vec![0.0; n];
        // Column i of L⁻¹ solves L x = e_i; entries above i are zero.
        for i in 0..n {
            col[i..].iter_mut().for_each(|v| *v = 0.0);
            col[i] = 1.0 / self.l[i * n + i];
            for r in i + 1..n {
                let row = &self.l[r * n + i..r * n + r];
                let s = dot(row, &col[i..r]);
                col[r] = -s / self.l[r * n + r];
            }
            diag[i] = dot(&col[i..], &col[i..]);
        }
        diag
    }
}

/// Kernel ridge regression fitted on a precomputed Gram matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct KernelRidge {
    pub(crate) intercept: f64,
    pub(crate) alpha: Vec<f64>,
}

impl KernelRidge {
    /// Fits on Gram matrix `k` (row-major `n × n`) and returns the model with its leave-one-out
    /// predictions for the training rows. `None` only if the system is numerically singular.
    pub(crate) fn fit_with_loo(k: &[f64], y: &[f64], lambda: f64) -> Option<(Self, Vec<f64>)> {
        let n = y.len();
        if n == 0 {
            return None;
        }
        let mean = y.iter().sum::<f64>() / n as f64;
        let mut a = k.to_vec();
        for i in 0..n {
            a[i * n + i] += lambda;
        }
        let chol = Cholesky::new(a, n)?;
        let centred: Vec<f64> = y.iter().map(|v| v - mean).collect();
        let alpha = chol.solve(&centred);
        let g = chol.inverse_diagonal();
        let loo = (0..n).map(|i| y[i] - alpha[i] / g[i]).collect();
        Some((KernelRidge { intercept: mean, alpha }, loo))
    }

    /// Prediction from the kernel values between a new point and each training row.
    pub(crate) fn predict(&self, k_row: &[f64]) -> f64 {
        self.intercept + self.alpha.iter().zip(k_row).map(|(a, k)| a * k).sum::<f64>()
    }
}

/// L2-regularised logistic regression on a few dense features, fitted by Newton's method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Logistic {
    /// Bias first, then one weight per feature.
    pub(crate) weights: Vec<f64>,
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Logistic {
    pub(crate) fn fit(x: &[Vec<f64>], y: &[bool], lambda: f64) -> Self {
        let d = x.first().map_or(0, Vec::len) + 1;
        let mut w = vec![0.0; d];
        let row = |xi: &[f64], j: usize| if j == 0 { 1.0 } else { xi[j - 1] };
        for _ in 0..25 {
            let mut grad = vec![0.0; d];
            let mut hess = vec![0.0; d * d];
            for (xi, &yi) in x.iter().zip(y) {
                let z: f64 = (0..d).map(|j| w[j] * row(xi, j)).sum();
                let p = sigmoid(z);
                let r = p - f64::from(u8::from(yi));
                let s = (p * (1.0 - p)).max(1e-9);
                for a in 0..d {
                    grad[a] += r * row(xi, a);
                    for b in 0..=a {
                        hess[a * d + b] += s * row(xi, a) * row(xi, b);
                    }
                }
            }
            for a in 1..d {
                grad[a] += lambda * w[a];
                hess[a * d + a] += lambda;
            }
            hess[0] += 1e-6;
            for a in 0..d {
                for b in 0..a {
                    hess[b * d + a] = hess[a * d + b];
                }
            }
            let Some(chol) = Cholesky::new(hess, d) else {
                break;
            };
            let step = chol.solve(&grad);
            let mut max_step = 0.0f64;
            for (wj, sj) in w.iter_mut().zip(&step) {
                *wj -= sj;
                max_step = max_step.max(sj.abs());
            }
            if max_step < 1e-8 {
                break;
            }
        }
        Logistic { weights: w }
    }

    pub(crate) fn probability(&self, x: &[f64]) -> f64 {
        let z = self.weights[0] + self.weights[1..].iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        sigmoid(z)
    }
}
