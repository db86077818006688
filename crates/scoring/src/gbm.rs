//! Gradient-boosted regression trees on a few dozen dense features, with per-feature contributions.
//!
//! Histogram-based (at most 64 quantile bins per feature), depth-limited, with row subsampling from a
//! seeded generator so that training is deterministic. Contributions follow Saabas: each split
//! credits its feature with the change in node value along the path an input takes.

use serde::{Deserialize, Serialize};

/// Training loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Loss {
    /// Squared error; predictions are in the target's units.
    Squared,
    /// Binary log-loss; targets are 0 or 1 and predictions are probabilities.
    Logistic,
}

/// Boosting settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GbmConfig {
    pub(crate) n_trees: usize,
    pub(crate) max_depth: usize,
    pub(crate) learning_rate: f64,
    pub(crate) min_leaf: usize,
    pub(crate) l2: f64,
    pub(crate) subsample: f64,
    pub(crate) seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Node {
    /// Feature index, or `u32::MAX` for a leaf.
    feature: u32,
    threshold: f64,
    left: u32,
    right: u32,
    /// Node value (already scaled by the learning rate): the prediction if the tree stopped here.
    value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    /// Leaf value, and the contribution of each split feature on the path.
    fn walk(&self, x: &[f64], contributions: Option<&mut [f64]>) -> f64 {
        let mut node = &self.nodes[0];
        let mut contributions = contributions;
        while node.feature != u32::MAX {
            let feature = node.feature as usize;
            let next = if x[feature] <= node.threshold { node.left } else { node.right };
            let child = &self.nodes[next as usize];
            if let Some(c) = contributions.as_deref_mut() {
                c[feature] += child.value - node.value;
            }
            node = child;
        }
        node.value
    }
}

/// A fitted boosted ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Gbm {
    loss: Loss,
    base: f64,
    n_features: usize,
    trees: Vec<Tree>,
}

/// Deterministic xorshift generator for row subsampling.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

const MAX_BINS: usize = 64;

/// Quantile bin edges of one feature; a value goes to the first bin whose edge is >= it.
fn bin_edges(values: &mut [f64]) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = Vec::new();
    for b in 1..MAX_BINS {
        let v = values[(b * values.len() / MAX_BINS).min(values.len() - 1)];
        if edges.last().is_none_or(|&last| v > last) {
            edges.push(v);
        }
    }
    // Drop a last edge equal to the maximum: it would make an empty right bin.
    if edges.last().is_some_and(|&e| e >= values[values.len() - 1]) {
        edges.pop();
    }
    edges
}

impl Gbm {
    /// Fits on `x` (one row per example, all rows the same length) and targets `y`.
    /// Non-finite feature values are treated as 0.
    /// The root values of all trees plus `base` form the bias that contributions are measured from.
    pub(crate) fn fit(x: &[Vec<f64>], y: &[f64], loss: Loss, config: &GbmConfig) -> Self {
        let n = x.len();
        let d = x.first().map_or(0, Vec::len);
        let clean = |v: f64| if v.is_finite() { v } else { 0.0 };
        let base = match loss {
            Loss::Squared => y.iter().sum::<f64>() / n.max(1) as f64,
            Loss::Logistic => {
                let p = (y.iter().sum::<f64>() / n.max(1) as f64).clamp(1e-3, 1.0 - 1e-3);
                (p / (1.0 - p)).ln()
            }
        };
        if n == 0 {
            return Gbm { loss, base, n_features: d, trees: Vec::new() };
        }
        let x: Vec<Vec<f64>> = x.iter().map(|r| r.iter().map(|&v| clean(v)).collect()).collect();
        let edges: Vec<Vec<f64>> = (0..d).map(|j| bin_edges(&mut x.iter().map(|r| r[j]).collect::<Vec<_>>())).collect();
        // Column-major bins: bins[j * n + i].
        let mut bins = vec![0u8; n * d];
        for j in 0..d {
            for (i, row) in x.iter().enumerate() {
                let v = row[j];
                bins[j * n + i] = edges[j].partition_point(|&e| e < v) as u8;
            }
        }
        let mut raw = vec![base; n];
        let mut rng = Rng(config.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut trees = Vec::with_capacity(config.n_trees);
        let mut grad = vec![0.0; n];
        let mut hess = vec![0.0; n];
        for _ in 0..config.n_trees {
            for i in 0..n {
                match loss {
                    Loss::Squared => {
                        grad[i] = raw[i] - y[i];
                        hess[i] = 1.0;
                    }
                    Loss::Logistic => {
                        let p = crate::linalg::sigmoid(raw[i]);
                        grad[i] = p - y[i];
                        hess[i] = (p * (1.0 - p)).max(1e-6);
                    }
                }
            }
            let rows: Vec<u32> =
                (0..n as u32).filter(|_| config.subsample >= 1.0 || rng.next_f64() < config.subsample).collect();
            let builder = TreeBuilder { bins: &bins, edges: &edges, n, grad: &grad, hess: &hess, config };
            let tree = builder.build(rows);
            for (i, row) in x.iter().enumerate() {
                raw[i] += tree.walk(row, None);
            }
            trees.push(tree);
        }
        Gbm { loss, base, n_features: d, trees }
    }

    /// Raw score: the sum of tree outputs (log-odds for the logistic loss).
    fn raw(&self, x: &[f64], contributions: Option<&mut [f64]>) -> f64 {
        let cleaned: Vec<f64> = x.iter().map(|&v| if v.is_finite() { v } else { 0.0 }).collect();
        let mut contributions = contributions;
        let mut sum = self.base;
        for tree in &self.trees {
            sum += tree.walk(&cleaned, contributions.as_deref_mut());
        }
        sum
    }

    /// Prediction in the target's units (a probability for the logistic loss).
    pub(crate) fn predict(&self, x: &[f64]) -> f64 {
        let raw = self.raw(x, None);
        match self.loss {
            Loss::Squared => raw,
            Loss::Logistic => crate::linalg::sigmoid(raw),
        }
    }

    /// Prediction plus each feature's contribution to the raw score (log-odds for logistic).
    pub(crate) fn explain(&self, x: &[f64]) -> (f64, Vec<f64>) {
        let mut contributions = vec![0.0; self.n_features];
        let _ = self.raw(x, Some(&mut contributions));
        (self.predict(x), contributions)
    }
}

struct TreeBuilder<'a> {
    bins: &'a [u8],
    edges: &'a [Vec<f64>],
    n: usize,
    grad: &'a [f64],
    hess: &'a [f64],
    config: &'a GbmConfig,
}

impl TreeBuilder<'_> {
    fn leaf_value(&self, g: f64, h: f64) -> f64 {
        -g / (h + self.config.l2) * self.config.learning_rate
    }

    fn build(&self, rows: Vec<u32>) -> Tree {
        let mut nodes = Vec::new();
        self.grow(&mut nodes, rows, 0);
        Tree { nodes }
    }

    /// Appends the subtree for `rows` and returns its root index.
    fn grow(&self, nodes: &mut Vec<Node>, rows: Vec<u32>, depth: usize) -> u32 {
        let (g, h) = rows.iter().fold((0.0, 0.0), |(g, h), &i| (g + self.grad[i as usize], h + self.hess[i as usize]));
        let value = self.leaf_value(g, h);
        let idx = nodes.len() as u32;
        nodes.push(Node { feature: u32::MAX, threshold: 0.0, left: 0, right: 0, value });
        if depth >= self.config.max_depth || rows.len() < 2 * self.config.min_leaf {
            return idx;
        }
        let lambda = self.config.l2;
        let parent_score = g * g / (h + lambda);
        let mut best: Option<(f64, usize, usize)> = None;
        let mut hist_g = [0.0f64; MAX_BINS];
        let mut hist_h = [0.0f64; MAX_BINS];
        let mut hist_n = [0usize; MAX_BINS];
        for (j, edges) in self.edges.iter().enumerate() {
            if edges.is_empty() {
                continue;
            }
            hist_g.fill(0.0);
            hist_h.fill(0.0);
            hist_n.fill(0);
            let col = &self.bins[j * self.n..(j + 1) * self.n];
            for &i in &rows {
                let b = col[i as usize] as usize;
                hist_g[b] += self.grad[i as usize];
                hist_h[b] += self.hess[i as usize];
                hist_n[b] += 1;
            }
            let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
            for b in 0..edges.len() {
                gl += hist_g[b];
                hl += hist_h[b];
                nl += hist_n[b];
                let nr = rows.len() - nl;
                if nl < self.config.min_leaf || nr < self.config.min_leaf {
                    continue;
                }
                let (gr, hr) = (g - gl, h - hl);
                let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent_score;
                if gain > 1e-12 && best.is_none_or(|(bg, _, _)| gain > bg) {
                    best = Some((gain, j, b));
                }
            }
        }
        let Some((_, feature, bin)) = best else {
            return idx;
        };
        let col = &self.bins[feature * self.n..(feature + 1) * self.n];
        let (left_rows, right_rows): (Vec<u32>, Vec<u32>) =
            rows.iter().partition(|&&i| col[i as usize] as usize <= bin);
        let left = self.grow(nodes, left_rows, depth + 1);
        let right = self.grow(nodes, right_rows, depth + 1);
        let node = &mut nodes[idx as usize];
        node.feature = feature as u32;
        node.threshold = self.edges[feature][bin];
        node.left = left;
        node.right = right;
        idx
    }
}
