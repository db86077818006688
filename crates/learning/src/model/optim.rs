//! Limited-memory BFGS for the smooth convex objectives of the logistic and IRT fits.

/// Minimises `objective` from `w` in place with L-BFGS (history `memory`) and a backtracking
/// Armijo line search. `objective(w, grad)` returns the value and writes the gradient.
/// Stops after `max_iterations`, or when the relative decrease of the value falls below
/// `tolerance`. Returns the final value.
pub(crate) fn lbfgs(
    w: &mut [f64],
    max_iterations: u32,
    tolerance: f64,
    memory: usize,
    objective: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
) -> f64 {
    let n = w.len();
    let mut grad = vec![0.0; n];
    let mut value = objective(w, &mut grad);
    if n == 0 {
        return value;
    }
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut rho_hist: Vec<f64> = Vec::new();
    let mut direction = vec![0.0; n];
    let mut candidate = vec![0.0; n];
    let mut candidate_grad = vec![0.0; n];
    let mut alpha = vec![0.0; memory];
    for _ in 0..max_iterations {
        // Two-loop recursion: direction = -H * grad.
        direction.copy_from_slice(&grad);
        for k in (0..s_hist.len()).rev() {
            alpha[k] = rho_hist[k] * dot(&s_hist[k], &direction);
            axpy(-alpha[k], &y_hist[k], &mut direction);
        }
        if let (Some(s), Some(y)) = (s_hist.last(), y_hist.last()) {
            let gamma = dot(s, y) / dot(y, y).max(1e-300);
            direction.iter_mut().for_each(|d| *d *= gamma);
        } else {
            // First step: a unit-length move downhill.
            let norm = dot(&grad, &grad).sqrt().max(1e-300);
            direction.iter_mut().for_each(|d| *d /= norm);
        }
        for k in 0..s_hist.len() {
            let beta = rho_hist[k] * dot(&y_hist[k], &direction);
            axpy(alpha[k] - beta, &s_hist[k], &mut direction);
        }
        direction.iter_mut().for_each(|d| *d = -*d);
        let mut slope = dot(&grad, &direction);
        if slope >= 0.0 {
            // Not a descent direction (curvature went bad): restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho_hist.clear();
            direction.iter_mut().zip(&grad).for_each(|(d, g)| *d = -g);
            slope = -dot(&grad, &grad);
            if slope == 0.0 {
                break;
            }
        }
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            candidate.iter_mut().zip(w.iter()).zip(&direction).for_each(|((c, &x), &d)| {
                *c = x + step * d;
            });
            let candidate_value = objective(&candidate, &mut candidate_grad);
            if candidate_value.is_finite() && candidate_value <= value + 1e-4 * step * slope {
                accepted = true;
                let s: Vec<f64> = candidate.iter().zip(w.iter()).map(|(c, x)| c - x).collect();
                let y: Vec<f64> = candidate_grad.iter().zip(&grad).map(|(gc, g)| gc - g).collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 {
                    if s_hist.len() == memory {
                        s_hist.remove(0);
                        y_hist.remove(0);
                        rho_hist.remove(0);
                    }
                    s_hist.push(s);
                    y_hist.push(y);
                    rho_hist.push(1.0 / sy);
                }
                w.copy_from_slice(&candidate);
                grad.copy_from_slice(&candidate_grad);
                let decrease = value - candidate_value;
                value = candidate_value;
                if decrease <= tolerance * value.abs().max(1e-12) {
                    return value;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    value
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(yi, xi)| *yi += a * xi);
}
