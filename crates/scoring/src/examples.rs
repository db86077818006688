//! Learning from a question's own graded examples: n-gram kernel ridge plus nearest-neighbour signals.

use serde::{Deserialize, Serialize};

use crate::linalg::KernelRidge;
use crate::sparse::{NgramCounts, NgramSpec, SparseVec, Vectoriser};
use crate::text::Analysed;

/// What the graded examples say about one text, all in normalised score units except similarities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ExampleSignals {
    /// Kernel ridge prediction.
    pub(crate) ridge: f64,
    /// Similarity-weighted mean score of the nearest examples.
    pub(crate) knn_mean: f64,
    /// Highest similarity to any example (0 = nothing like it has been graded).
    pub(crate) top_similarity: f64,
    /// Score of the most similar example.
    pub(crate) nearest_score: f64,
    /// Highest similarity to an upper-half example minus highest similarity to a lower-half one.
    pub(crate) high_minus_low: f64,
}

/// Ridge penalties tried; the one with the lowest leave-one-out error is kept.
const LAMBDAS: [f64; 3] = [0.3, 1.0, 3.0];
const NEIGHBOURS: usize = 10;

/// Kernel ridge and nearest neighbours over TF-IDF n-gram vectors of graded texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExampleModel {
    vectoriser: Vectoriser,
    /// Normalised teacher scores, one per example, in example order.
    targets: Vec<f64>,
    ridge: Option<KernelRidge>,
    /// Vectors of the examples. Not serialised: rebuilt from the example texts on load.
    #[serde(skip)]
    vectors: Vec<SparseVec>,
    #[serde(skip)]
    index: DenseIndex,
}

/// Example vectors with their feature ids renumbered densely (keeping their order), so that a
/// query can be scattered into a scratch array small enough to stay in cache while the
/// examples are gathered.
#[derive(Debug, Clone, Default, PartialEq)]
struct DenseIndex {
    /// Invariant: sorted, distinct; position = dense id.
    ids: Vec<u32>,
    /// Dense ids of each example's features, parallel to its values.
    rows: Vec<Vec<u32>>,
}

impl DenseIndex {
    fn new(vectors: &[SparseVec]) -> Self {
        let mut ids: Vec<u32> = vectors.iter().flat_map(|v| v.idx.iter().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = vectors
            .iter()
            .map(|v| v.idx.iter().map(|i| ids.binary_search(i).expect("every id was collected") as u32).collect())
            .collect();
        DenseIndex { ids, rows }
    }

    /// Dot products of the scattered query with examples `0..count`.
    fn gather(&self, vectors: &[SparseVec], scratch: &[f32], count: usize) -> impl Iterator<Item = f64> {
        (0..count).map(move |j| {
            let mut acc = [0.0f32; 4];
            let (idx, val) = (&self.rows[j], &vectors[j].val);
            for (ci, cv) in idx.chunks_exact(4).zip(val.chunks_exact(4)) {
                for lane in 0..4 {
                    acc[lane] += cv[lane] * scratch[ci[lane] as usize];
                }
            }
            let tail = idx.len() - idx.len() % 4;
            let mut sum = acc.iter().sum::<f32>();
            for (k, x) in idx[tail..].iter().zip(&val[tail..]) {
                sum += x * scratch[*k as usize];
            }
            f64::from(sum)
        })
    }

    /// The Gram matrix (row-major `n × n`) of the indexed vectors.
    fn gram(&self, vectors: &[SparseVec]) -> Vec<f64> {
        let n = vectors.len();
        let mut scratch = vec![0.0f32; self.ids.len()];
        let mut gram = vec![0.0f64; n * n];
        for i in 0..n {
            for (&k, &x) in self.rows[i].iter().zip(&vectors[i].val) {
                scratch[k as usize] = x;
            }
            for (j, v) in self.gather(vectors, &scratch, i + 1).enumerate() {
                gram[i * n + j] = v;
                gram[j * n + i] = v;
            }
            for &k in &self.rows[i] {
                scratch[k as usize] = 0.0;
            }
        }
        gram
    }

    /// Dot products of a new vector with every example.
    fn dots(&self, vectors: &[SparseVec], query: &SparseVec) -> Vec<f64> {
        let mut scratch = vec![0.0f32; self.ids.len()];
        for (i, &x) in query.idx.iter().zip(&query.val) {
            if let Ok(k) = self.ids.binary_search(i) {
                scratch[k] = x;
            }
        }
        self.gather(vectors, &scratch, vectors.len()).collect()
    }
}

fn signals_from(sims: &[f64], targets: &[f64], skip: Option<usize>, ridge: f64) -> ExampleSignals {
    let mut order: Vec<usize> = (0..targets.len()).filter(|&j| Some(j) != skip).collect();
    if order.is_empty() {
        return ExampleSignals {
            ridge,
            knn_mean: ridge,
            top_similarity: 0.0,
            nearest_score: ridge,
            high_minus_low: 0.0,
        };
    }
    // Most similar first; among equals the latest example, so that a teacher's newest override wins.
    order.sort_by(|&a, &b| sims[b].total_cmp(&sims[a]).then(b.cmp(&a)));
    let top = &order[..order.len().min(NEIGHBOURS)];
    let weight: f64 = top.iter().map(|&j| sims[j].max(0.0) + 1e-3).sum();
    let knn_mean = top.iter().map(|&j| (sims[j].max(0.0) + 1e-3) * targets[j]).sum::<f64>() / weight;
    let best = |high: bool| order.iter().find(|&&j| (targets[j] >= 0.5) == high).map_or(0.0, |&j| sims[j]);
    ExampleSignals {
        ridge,
        knn_mean,
        top_similarity: sims[order[0]],
        nearest_score: targets[order[0]],
        high_minus_low: best(true) - best(false),
    }
}

impl ExampleModel {
    /// Fits on analysed texts and normalised targets; returns the model and, for each example,
    /// its signals computed without that example (leave-one-out), for stacking.
    pub(crate) fn fit(texts: &[&Analysed], targets: &[f64], spec: NgramSpec) -> (Self, Vec<ExampleSignals>) {
        let counts: Vec<NgramCounts> = texts.iter().map(|t| NgramCounts::new(t, &spec)).collect();
        let vectoriser = Vectoriser::fit(spec, &counts);
        let vectors: Vec<SparseVec> = counts.iter().map(|c| vectoriser.transform(c)).collect();
        let n = vectors.len();
        let index = DenseIndex::new(&vectors);
        let gram = index.gram(&vectors);
        let mean = if n == 0 { 0.5 } else { targets.iter().sum::<f64>() / n as f64 };
        let mut best: Option<(f64, KernelRidge, Vec<f64>)> = None;
        if n >= 3 {
            for lambda in LAMBDAS {
                if let Some((ridge, loo)) = KernelRidge::fit_with_loo(&gram, targets, lambda) {
                    let mse = loo.iter().zip(targets).map(|(p, y)| (p - y).powi(2)).sum::<f64>();
                    if best.as_ref().is_none_or(|(b, _, _)| mse < *b) {
                        best = Some((mse, ridge, loo));
                    }
                }
            }
        }
        let (ridge, loo) = match best {
            Some((_, ridge, loo)) => (Some(ridge), loo),
            None => (None, vec![mean; n]),
        };
        let signals = (0..n)
            .map(|i| signals_from(&gram[i * n..(i + 1) * n], targets, Some(i), loo[i].clamp(-0.5, 1.5)))
            .collect();
        (ExampleModel { vectoriser, targets: targets.to_vec(), ridge, vectors, index }, signals)
    }

    /// Rebuilds the example vectors after deserialisation, from the same texts in the same order.
    pub(crate) fn restore(&mut self, texts: &[&Analysed]) {
        self.vectors =
            texts.iter().map(|t| self.vectoriser.transform(&NgramCounts::new(t, self.vectoriser.spec()))).collect();
        self.index = DenseIndex::new(&self.vectors);
    }

    pub(crate) fn n_examples(&self) -> usize {
        self.targets.len()
    }

    pub(crate) fn mean_target(&self) -> f64 {
        if self.targets.is_empty() { 0.5 } else { self.targets.iter().sum::<f64>() / self.targets.len() as f64 }
    }

    pub(crate) fn signals(&self, text: &Analysed) -> ExampleSignals {
        let v = self.vectoriser.transform(&NgramCounts::new(text, self.vectoriser.spec()));
        let sims = self.index.dots(&self.vectors, &v);
        let ridge = match &self.ridge {
            Some(r) => r.predict(&sims).clamp(-0.5, 1.5),
            None => self.mean_target(),
        };
        signals_from(&sims, &self.targets, None, ridge)
    }
}
