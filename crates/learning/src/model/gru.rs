//! A recurrent knowledge-tracing model (DKT with a GRU cell), trained on the CPU with
//! hand-derived gradients, Adam and early stopping on a validation corpus.
//!
//! Each answer enters as an embedding of (knowledge point, correct) plus, optionally, of
//! (item, correct); the hidden state after `t` answers predicts answer `t + 1` through a
//! per-knowledge-point query vector and per-item and per-point biases.

use std::ops::Range;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::corpus::{Attempt, Corpus};
use crate::metrics;
use crate::model::{Tracer, predict_corpus, sigmoid};

/// Sizes and training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GruOptions {
    /// Hidden state size.
    pub hidden: usize,
    /// Input embedding size.
    pub embed: usize,
    /// Also embed (item, correct) pairs, not only (knowledge point, correct).
    pub item_embedding: bool,
    /// Epochs at most.
    pub max_epochs: u32,
    /// Stop after this many epochs without a better validation AUC.
    pub patience: u32,
    /// Sequences per gradient step.
    pub batch: usize,
    /// Adam step size.
    pub learning_rate: f32,
    /// L2 penalty on the per-item parameters (they see few answers each).
    pub item_l2: f32,
    /// Worker threads for the gradient (1 = no threads).
    pub threads: usize,
    /// Seed for initial weights and shuffling.
    pub seed: u64,
}

impl GruOptions {
    /// Settings that train in minutes on two cores for a few hundred thousand answers.
    pub fn standard(seed: u64) -> Self {
        Self {
            hidden: 64,
            embed: 64,
            item_embedding: false,
            max_epochs: 30,
            patience: 4,
            batch: 32,
            learning_rate: 2e-3,
            item_l2: 1e-4,
            threads: 1,
            seed,
        }
    }
}

/// Where the named parameter blocks sit in the flat parameter vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Layout {
    hidden: usize,
    embed: usize,
    n_items: usize,
    n_kps: usize,
    item_embedding: bool,
    kp_emb: Range<usize>,
    item_emb: Range<usize>,
    wi: Range<usize>,
    wh: Range<usize>,
    bi: Range<usize>,
    bh: Range<usize>,
    h0: Range<usize>,
    query: Range<usize>,
    item_bias: Range<usize>,
    kp_bias: Range<usize>,
    bias: usize,
    len: usize,
}

impl Layout {
    fn new(hidden: usize, embed: usize, n_items: usize, n_kps: usize, item_embedding: bool) -> Self {
        let mut at = 0;
        let mut take = |n: usize| {
            let r = at..at + n;
            at += n;
            r
        };
        let kp_emb = take(2 * n_kps * embed);
        let item_emb = take(if item_embedding { 2 * n_items * embed } else { 0 });
        let wi = take(3 * hidden * embed);
        let wh = take(3 * hidden * hidden);
        let bi = take(3 * hidden);
        let bh = take(3 * hidden);
        let h0 = take(hidden);
        let query = take(n_kps * hidden);
        let item_bias = take(n_items);
        let kp_bias = take(n_kps);
        let bias = take(1).start;
        Layout {
            hidden,
            embed,
            n_items,
            n_kps,
            item_embedding,
            kp_emb,
            item_emb,
            wi,
            wh,
            bi,
            bh,
            h0,
            query,
            item_bias,
            kp_bias,
            bias,
            len: at,
        }
    }
}

/// A fitted GRU model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gru {
    layout: Layout,
    params: Vec<f32>,
}

/// What the GRU remembers per learner: its hidden state.
pub type GruState = Vec<f32>;

/// One epoch's outcome, reported while fitting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GruEpoch {
    /// 1-based epoch number.
    pub epoch: u32,
    /// Mean training log loss over the epoch.
    pub train_loss: f64,
    /// Validation AUC after the epoch.
    pub valid_auc: f64,
}

impl Gru {
    /// Trains on `train`, keeping the weights of the epoch with the best AUC on `valid`.
    /// `on_epoch` hears about every epoch and returns whether to go on (a caller with a clock
    /// can stop training at a time budget; the best epoch so far is kept).
    pub fn fit(
        train: &Corpus,
        valid: &Corpus,
        options: &GruOptions,
        on_epoch: &mut dyn FnMut(GruEpoch) -> bool,
    ) -> Self {
        let n_items = train.n_items().max(valid.n_items()) as usize;
        let n_kps = train.n_kps().max(valid.n_kps()) as usize;
        let layout = Layout::new(options.hidden, options.embed, n_items, n_kps, options.item_embedding);
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let mut params = vec![0.0f32; layout.len];
        let init = |range: &Range<usize>, scale: f32, params: &mut [f32], rng: &mut ChaCha8Rng| {
            for p in &mut params[range.clone()] {
                *p = rng.random_range(-scale..scale);
            }
        };
        let h = options.hidden as f32;
        let e = options.embed as f32;
        init(&layout.kp_emb, 0.1, &mut params, &mut rng);
        init(&layout.item_emb, 0.02, &mut params, &mut rng);
        init(&layout.wi, 1.0 / e.sqrt(), &mut params, &mut rng);
        init(&layout.wh, 1.0 / h.sqrt(), &mut params, &mut rng);
        init(&layout.query, 1.0 / h.sqrt(), &mut params, &mut rng);
        let mut model = Gru { layout, params };
        let mut adam = Adam::new(model.params.len(), options.learning_rate);
        let mut order: Vec<usize> = (0..train.n_sequences()).collect();
        let mut best = (f64::NEG_INFINITY, model.params.clone());
        let mut since_best = 0;
        let threads = options.threads.max(1);
        let mut grads: Vec<Vec<f32>> = vec![vec![0.0; model.params.len()]; threads];
        let mut workspaces: Vec<Workspace> = (0..threads).map(|_| Workspace::default()).collect();
        for epoch in 1..=options.max_epochs {
            // Fisher–Yates shuffle of the sequence order.
            for i in (1..order.len()).rev() {
                let j = rng.random_range(0..=i);
                order.swap(i, j);
            }
            let mut loss_sum = 0.0;
            for batch in order.chunks(options.batch.max(1)) {
                let per_thread = batch.len().div_ceil(threads);
                let model_ref = &model;
                let losses: Vec<f64> = std::thread::scope(|scope| {
                    let handles: Vec<_> = batch
                        .chunks(per_thread)
                        .zip(grads.iter_mut())
                        .zip(workspaces.iter_mut())
                        .map(|((part, grad), ws)| {
                            let mut run = move || {
                                grad.iter_mut().for_each(|g| *g = 0.0);
                                part.iter().map(|&seq_idx| model_ref.backprop(train, seq_idx, grad, ws)).sum::<f64>()
                            };
                            if threads == 1 { Ok(run()) } else { Err(scope.spawn(run)) }
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| match h {
                            Ok(v) => v,
                            Err(handle) => handle.join().expect("a gradient worker never panics"),
                        })
                        .collect()
                });
                loss_sum += losses.iter().sum::<f64>();
                let n_used = batch.chunks(per_thread).count();
                let (first, rest) = grads.split_at_mut(1);
                for other in &rest[..n_used - 1] {
                    first[0].iter_mut().zip(other).for_each(|(a, b)| *a += b);
                }
                let grad = &mut first[0];
                let n_answers: usize = batch.iter().map(|&s| train.sequence_range(s).len()).sum::<usize>().max(1);
                let scale = 1.0 / n_answers as f32;
                grad.iter_mut().for_each(|g| *g *= scale);
                for j in model.layout.item_bias.clone().chain(model.layout.item_emb.clone()) {
                    grad[j] += options.item_l2 * model.params[j];
                }
                adam.step(&mut model.params, grad);
            }
            let valid_auc = metrics::auc(&predict_corpus(&model, valid), valid.labels());
            let go_on =
                on_epoch(GruEpoch { epoch, train_loss: loss_sum / train.n_attempts().max(1) as f64, valid_auc });
            if valid_auc > best.0 {
                best = (valid_auc, model.params.clone());
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= options.patience {
                    break;
                }
            }
            if !go_on {
                break;
            }
        }
        model.params = best.1;
        model
    }

    /// Size of the hidden state (the length of a [`GruState`]).
    pub fn hidden(&self) -> usize {
        self.layout.hidden
    }

    /// Input embedding of one answer into `x`.
    fn input(&self, item: u32, kps: &[u32], correct: bool, x: &mut [f32]) {
        let l = &self.layout;
        let e = l.embed;
        x.iter_mut().for_each(|v| *v = 0.0);
        let y = usize::from(correct);
        let n = kps.iter().filter(|&&kp| (kp as usize) < l.n_kps).count().max(1) as f32;
        for &kp in kps {
            let kp = kp as usize;
            if kp < l.n_kps {
                let row = l.kp_emb.start + (2 * kp + y) * e;
                axpy(1.0 / n, &self.params[row..row + e], x);
            }
        }
        if l.item_embedding && (item as usize) < l.n_items {
            let row = l.item_emb.start + (2 * item as usize + y) * e;
            axpy(1.0, &self.params[row..row + e], x);
        }
    }

    /// Logit of answering `item` correctly from hidden state `h`; also returns the query used.
    fn output(&self, h: &[f32], item: u32, kps: &[u32], q: &mut [f32]) -> f32 {
        let l = &self.layout;
        let hd = l.hidden;
        q.iter_mut().for_each(|v| *v = 0.0);
        let mut z = self.params[l.bias];
        let n = kps.iter().filter(|&&kp| (kp as usize) < l.n_kps).count().max(1) as f32;
        for &kp in kps {
            let kp = kp as usize;
            if kp < l.n_kps {
                let row = l.query.start + kp * hd;
                axpy(1.0 / n, &self.params[row..row + hd], q);
                z += self.params[l.kp_bias.start + kp] / n;
            }
        }
        if (item as usize) < l.n_items {
            z += self.params[l.item_bias.start + item as usize];
        }
        z + dot(q, h)
    }

    /// One GRU step: `h_out = cell(h, x)`, saving gate activations into `gates` when given.
    fn step(&self, h: &[f32], x: &[f32], h_out: &mut [f32], gates: Option<&mut StepCache>) {
        let l = &self.layout;
        let (hd, e) = (l.hidden, l.embed);
        let wi = &self.params[l.wi.clone()];
        let wh = &self.params[l.wh.clone()];
        let bi = &self.params[l.bi.clone()];
        let bh = &self.params[l.bh.clone()];
        let mut r = vec_buf(hd);
        let mut zg = vec_buf(hd);
        let mut n = vec_buf(hd);
        let mut hn = vec_buf(hd);
        for k in 0..hd {
            let ir = dot(&wi[k * e..(k + 1) * e], x) + bi[k];
            let hr = dot(&wh[k * hd..(k + 1) * hd], h) + bh[k];
            r[k] = sigmoid(ir + hr);
            let kz = hd + k;
            let iz = dot(&wi[kz * e..(kz + 1) * e], x) + bi[kz];
            let hz = dot(&wh[kz * hd..(kz + 1) * hd], h) + bh[kz];
            zg[k] = sigmoid(iz + hz);
            let kn = 2 * hd + k;
            let inn = dot(&wi[kn * e..(kn + 1) * e], x) + bi[kn];
            hn[k] = dot(&wh[kn * hd..(kn + 1) * hd], h) + bh[kn];
            n[k] = (inn + r[k] * hn[k]).tanh();
            h_out[k] = (1.0 - zg[k]) * n[k] + zg[k] * h[k];
        }
        if let Some(cache) = gates {
            cache.r = r;
            cache.z = zg;
            cache.n = n;
            cache.hn = hn;
        }
    }

    /// Forward and backward over one sequence; adds the loss gradient into `grad` and returns
    /// the summed log loss.
    fn backprop(&self, corpus: &Corpus, seq_idx: usize, grad: &mut [f32], ws: &mut Workspace) -> f64 {
        let l = &self.layout;
        let (hd, e) = (l.hidden, l.embed);
        let attempts: Vec<Attempt<'_>> = corpus.sequence(seq_idx).collect();
        let t_len = attempts.len();
        ws.hs.resize(t_len + 1, Vec::new());
        ws.xs.resize(t_len, Vec::new());
        ws.caches.resize(t_len, StepCache::default());
        ws.dlogits.resize(t_len, 0.0);
        ws.hs[0] = self.params[l.h0.clone()].to_vec();
        let mut q = vec_buf(hd);
        let mut loss = 0.0f64;
        for (t, attempt) in attempts.iter().enumerate() {
            let z = self.output(&ws.hs[t], attempt.item, attempt.kps, &mut q);
            let p = sigmoid(z);
            let y = if attempt.correct { 1.0 } else { 0.0 };
            let pc = f64::from(p).clamp(1e-7, 1.0 - 1e-7);
            loss -= if attempt.correct { pc.ln() } else { (1.0 - pc).ln() };
            ws.dlogits[t] = p - y;
            let mut x = vec_buf(e);
            self.input(attempt.item, attempt.kps, attempt.correct, &mut x);
            let mut h_next = vec_buf(hd);
            self.step(&ws.hs[t], &x, &mut h_next, Some(&mut ws.caches[t]));
            ws.xs[t] = x;
            ws.hs[t + 1] = h_next;
        }
        // Backward through time. `dh` is the gradient with respect to hs[t].
        let mut dh = vec_buf(hd);
        let mut dx = vec_buf(e);
        let mut d_gate = vec_buf(3 * hd);
        let mut d_hn = vec_buf(hd);
        for t in (0..t_len).rev() {
            let attempt = attempts[t];
            // Gradient flowing into hs[t+1] is in `dh` now (from step t+1's output and cell).
            {
                let cache = &ws.caches[t];
                let h_prev = &ws.hs[t];
                let mut dh_prev = vec_buf(hd);
                for k in 0..hd {
                    let (r, z, n, hn) = (cache.r[k], cache.z[k], cache.n[k], cache.hn[k]);
                    let dn = dh[k] * (1.0 - z);
                    let dz = dh[k] * (h_prev[k] - n);
                    dh_prev[k] = dh[k] * z;
                    let dn_pre = dn * (1.0 - n * n);
                    let dr = dn_pre * hn;
                    d_hn[k] = dn_pre * r;
                    d_gate[k] = dr * r * (1.0 - r);
                    d_gate[hd + k] = dz * z * (1.0 - z);
                    d_gate[2 * hd + k] = dn_pre;
                }
                let wi = &self.params[l.wi.clone()];
                let wh = &self.params[l.wh.clone()];
                let x = &ws.xs[t];
                dx.iter_mut().for_each(|v| *v = 0.0);
                for row in 0..3 * hd {
                    let g = d_gate[row];
                    // Input-side weights see the full gate gradient.
                    axpy(g, &wi[row * e..(row + 1) * e], &mut dx);
                    axpy(g, x, &mut grad[l.wi.start + row * e..l.wi.start + (row + 1) * e]);
                    grad[l.bi.start + row] += g;
                    // Hidden-side: the candidate gate's hidden part is scaled by r.
                    let gh = if row >= 2 * hd { d_hn[row - 2 * hd] } else { g };
                    axpy(gh, &wh[row * hd..(row + 1) * hd], &mut dh_prev);
                    axpy(gh, h_prev, &mut grad[l.wh.start + row * hd..l.wh.start + (row + 1) * hd]);
                    grad[l.bh.start + row] += gh;
                }
                self.input_backward(attempt.item, attempt.kps, attempt.correct, &dx, grad);
                dh = dh_prev;
            }
            // Output at step t reads hs[t].
            let dz = ws.dlogits[t];
            self.output_backward(&ws.hs[t], attempt.item, attempt.kps, dz, &mut dh, grad, &mut q);
        }
        axpy(1.0, &dh, &mut grad[l.h0.clone()]);
        loss
    }

    fn input_backward(&self, item: u32, kps: &[u32], correct: bool, dx: &[f32], grad: &mut [f32]) {
        let l = &self.layout;
        let e = l.embed;
        let y = usize::from(correct);
        let n = kps.iter().filter(|&&kp| (kp as usize) < l.n_kps).count().max(1) as f32;
        for &kp in kps {
            let kp = kp as usize;
            if kp < l.n_kps {
                let row = l.kp_emb.start + (2 * kp + y) * e;
                axpy(1.0 / n, dx, &mut grad[row..row + e]);
            }
        }
        if l.item_embedding && (item as usize) < l.n_items {
            let row = l.item_emb.start + (2 * item as usize + y) * e;
            axpy(1.0, dx, &mut grad[row..row + e]);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn output_backward(
        &self,
        h: &[f32],
        item: u32,
        kps: &[u32],
        dz: f32,
        dh: &mut [f32],
        grad: &mut [f32],
        q: &mut [f32],
    ) {
        let l = &self.layout;
        let hd = l.hidden;
        self.output(h, item, kps, q);
        axpy(dz, q, dh);
        grad[l.bias] += dz;
        let n = kps.iter().filter(|&&kp| (kp as usize) < l.n_kps).count().max(1) as f32;
        for &kp in kps {
            let kp = kp as usize;
            if kp < l.n_kps {
                let row = l.query.start + kp * hd;
                axpy(dz / n, h, &mut grad[row..row + hd]);
                grad[l.kp_bias.start + kp] += dz / n;
            }
        }
        if (item as usize) < l.n_items {
            grad[l.item_bias.start + item as usize] += dz;
        }
    }
}

impl Tracer for Gru {
    type State = GruState;

    fn start(&self) -> GruState {
        self.params[self.layout.h0.clone()].to_vec()
    }

    fn predict(&self, state: &GruState, item: u32, kps: &[u32]) -> f32 {
        let mut q = vec_buf(self.layout.hidden);
        sigmoid(self.output(state, item, kps, &mut q))
    }

    fn update(&self, state: &mut GruState, attempt: Attempt<'_>) {
        let mut x = vec_buf(self.layout.embed);
        self.input(attempt.item, attempt.kps, attempt.correct, &mut x);
        let mut h_next = vec_buf(self.layout.hidden);
        self.step(state, &x, &mut h_next, None);
        *state = h_next;
    }
}

#[derive(Debug, Clone, Default)]
struct StepCache {
    r: Vec<f32>,
    z: Vec<f32>,
    n: Vec<f32>,
    hn: Vec<f32>,
}

#[derive(Debug, Default)]
struct Workspace {
    hs: Vec<Vec<f32>>,
    xs: Vec<Vec<f32>>,
    caches: Vec<StepCache>,
    dlogits: Vec<f32>,
}

#[derive(Debug)]
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
    t: i32,
    lr: f32,
}

impl Adam {
    fn new(n: usize, lr: f32) -> Self {
        Self { m: vec![0.0; n], v: vec![0.0; n], t: 0, lr }
    }

    fn step(&mut self, params: &mut [f32], grad: &[f32]) {
        const B1: f32 = 0.9;
        const B2: f32 = 0.999;
        self.t += 1;
        let c1 = 1.0 - B1.powi(self.t);
        let c2 = 1.0 - B2.powi(self.t);
        let lr = self.lr * c2.sqrt() / c1;
        for (((p, &g), m), v) in params.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *m = B1 * *m + (1.0 - B1) * g;
            *v = B2 * *v + (1.0 - B2) * g * g;
            *p -= lr * *m / (v.sqrt() + 1e-8);
        }
    }
}

fn vec_buf(n: usize) -> Vec<f32> {
    vec![0.0; n]
}

/// Dot product with eight independent accumulators so the compiler can vectorise it.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = a.len() / 8;
    for c in 0..chunks {
        let (ca, cb) = (&a[c * 8..c * 8 + 8], &b[c * 8..c * 8 + 8]);
        for k in 0..8 {
            acc[k] += ca[k] * cb[k];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for k in chunks * 8..a.len() {
        sum += a[k] * b[k];
    }
    sum
}

fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests;
