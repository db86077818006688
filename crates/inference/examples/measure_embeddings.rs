//! Bench command: embedding quality (Spearman ρ on a similarity TSV) and speed of the local e5.
//!
//! `cargo run --release -p inference --example measure_embeddings -- MODELS_DIR crates/inference/data/sts-bilingual.tsv`
//! The TSV has `subset<TAB>gold<TAB>sentence a<TAB>sentence b` lines; `#` lines are comments.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use inference::models::E5_SMALL;
use inference::{E5Embedder, EmbeddingKind};

/// Ranks with ties averaged.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    ranks
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: measure_embeddings MODELS_DIR PAIRS.tsv";
    let models_dir = std::path::PathBuf::from(args.next().context(usage)?);
    let pairs_path = args.next().context(usage)?;
    let started = Instant::now();
    let embedder = E5Embedder::load(&E5_SMALL.verified_path(&models_dir)?)?;
    println!("loaded and verified {} in {:.2} s", E5_SMALL.file_name, started.elapsed().as_secs_f64());

    let text = std::fs::read_to_string(&pairs_path).with_context(|| format!("reading {pairs_path}"))?;
    let mut subsets: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut n_sentences = 0;
    let mut n_tokens = 0;
    let started = Instant::now();
    for (line_idx, line) in text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        anyhow::ensure!(fields.len() == 4, "{pairs_path}:{}: expected 4 tab-separated fields", line_idx + 1);
        let gold: f64 = fields[1].parse().with_context(|| format!("{pairs_path}:{}: bad score", line_idx + 1))?;
        let v = embedder.embed_as(&[fields[2], fields[3]], EmbeddingKind::Query)?;
        n_sentences += 2;
        n_tokens += embedder.token_count(fields[2], EmbeddingKind::Query)
            + embedder.token_count(fields[3], EmbeddingKind::Query);
        let cosine: f32 = v[0].iter().zip(&v[1]).map(|(a, b)| a * b).sum();
        for key in [fields[0], "all"] {
            let entry = subsets.entry(key.to_owned()).or_default();
            entry.0.push(gold);
            entry.1.push(f64::from(cosine));
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    for (subset, (gold, cosine)) in &subsets {
        println!("{subset:6} pairs {:3}  spearman {:.3}", gold.len(), spearman(gold, cosine));
    }
    println!(
        "{n_sentences} sentences ({n_tokens} tokens) in {elapsed:.2} s: {:.1} ms/sentence on {} threads",
        elapsed * 1000.0 / n_sentences as f64,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        println!("peak RSS of this process: {}", line.trim_start_matches("VmHWM:").trim());
    }
    anyhow::ensure!(subsets.get("all").is_some_and(|(g, c)| spearman(g, c) > 0.5), "quality collapsed");
    Ok(())
}
