//! Side-by-side run of our BKT and pyBKT (the reference implementation) on one train/test pair.
//!
//! Both sides see the same thing the peer script does: whole sequences (no chunking), one BKT
//! per id, no forgetting, the same number of EM restarts, and test answers scored only where the
//! id occurs in the training file.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use learning::metrics;
use learning::model::bkt::{Bkt, BktOptions};
use learning::model::predict_corpus;

use crate::kt::dataset;

/// What to compare.
#[derive(Debug, Clone)]
pub struct PeerOptions {
    /// Training file (3- or 4-line format; ids of the "skill" line are the BKT skills).
    pub train: PathBuf,
    /// Test file.
    pub test: PathBuf,
    /// The Python interpreter that has pyBKT installed.
    pub python: PathBuf,
    /// The peer script (`bkt_pybkt.py`).
    pub script: PathBuf,
    /// EM restarts on both sides.
    pub restarts: u32,
    /// Seed on both sides.
    pub seed: u64,
}

/// One side's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerSide {
    /// Pooled AUC on the scored test answers.
    pub auc: f64,
    /// Accuracy at 0.5.
    pub acc: f64,
    /// RMSE.
    pub rmse: f64,
    /// Wall-clock seconds to fit.
    pub fit_seconds: f64,
    /// Test answers scored.
    pub n_scored: usize,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerReport {
    /// Our BKT.
    pub ours: PeerSide,
    /// pyBKT as reported by the peer script.
    pub pybkt: PeerSide,
    /// CPU seconds the whole pyBKT process (and its workers) used, if measurable.
    pub pybkt_cpu_seconds: Option<f64>,
    /// EM restarts used on both sides.
    pub restarts: u32,
}

impl PeerReport {
    /// pyBKT's fit time over ours.
    pub fn speedup(&self) -> f64 {
        self.pybkt.fit_seconds / self.ours.fit_seconds.max(1e-9)
    }

    /// The comparison as a text table.
    pub fn to_table(&self) -> String {
        let row = |name: &str, s: &PeerSide| {
            format!(
                "{name:<8} {:>7.4} {:>7.4} {:>7.4} {:>10.3} {:>9}\n",
                s.auc, s.acc, s.rmse, s.fit_seconds, s.n_scored
            )
        };
        let mut out = format!(
            "BKT side by side, {} EM restart(s)\n{:<8} {:>7} {:>7} {:>7} {:>10} {:>9}\n",
            self.restarts, "", "AUC", "ACC", "RMSE", "fit s", "scored"
        );
        out.push_str(&row("inkstone", &self.ours));
        out.push_str(&row("pyBKT", &self.pybkt));
        out.push_str(&format!(
            "fit speed-up {:.0}x; AUC difference {:+.4}",
            self.speedup(),
            self.ours.auc - self.pybkt.auc
        ));
        if let Some(cpu) = self.pybkt_cpu_seconds {
            out.push_str(&format!("; pyBKT process CPU {cpu:.1} s"));
        }
        out.push('\n');
        out
    }
}

/// Runs our BKT, then the peer script, on the same files.
pub fn compare_with_pybkt(options: &PeerOptions) -> anyhow::Result<PeerReport> {
    let train_file = dataset::read(&options.train)?;
    let test_file = dataset::read(&options.test)?;
    let (ti, tk) = train_file.max_ids();
    let (si, sk) = test_file.max_ids();
    let (n_items, n_kps) = (ti.max(si) + 1, tk.max(sk) + 1);
    let train = train_file.to_corpus(n_items, n_kps);
    let test = test_file.to_corpus(n_items, n_kps);

    let started = Instant::now();
    let bkt = Bkt::fit(&train, &BktOptions::classic(options.restarts, options.seed));
    let fit_seconds = started.elapsed().as_secs_f64();
    let mut seen = vec![false; n_kps as usize];
    for a in 0..train.n_attempts() {
        for &k in train.attempt(a).kps {
            seen[k as usize] = true;
        }
    }
    let predictions = predict_corpus(&bkt, &test);
    let (mut p, mut y) = (Vec::new(), Vec::new());
    for (a, &prediction) in predictions.iter().enumerate() {
        let attempt = test.attempt(a);
        if attempt.kps.iter().all(|&k| seen[k as usize]) {
            p.push(prediction);
            y.push(attempt.correct);
        }
    }
    let scores = metrics::score(&p, &y);
    let ours = PeerSide { auc: scores.auc, acc: scores.acc, rmse: scores.rmse, fit_seconds, n_scored: scores.n };

    let cpu_before = children_cpu_seconds();
    let output = Command::new(&options.python)
        .arg(&options.script)
        .arg(&options.train)
        .arg(&options.test)
        .args(["--num-fits", &options.restarts.to_string(), "--seed", &options.seed.to_string()])
        .output()
        .with_context(|| format!("running {} {}", options.python.display(), options.script.display()))?;
    let pybkt_cpu_seconds = children_cpu_seconds().zip(cpu_before).map(|(after, before)| after - before);
    if !output.status.success() {
        bail!(
            "the pyBKT script failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("")
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .context("the pyBKT script printed no JSON line")?;
    let v: serde_json::Value = serde_json::from_str(line).context("reading the pyBKT script's JSON line")?;
    let num =
        |key: &str| v.get(key).and_then(serde_json::Value::as_f64).with_context(|| format!("pyBKT output lacks {key}"));
    let pybkt = PeerSide {
        auc: num("auc")?,
        acc: num("acc")?,
        rmse: num("rmse")?,
        fit_seconds: num("seconds_fit")?,
        n_scored: num("test_interactions_scored")? as usize,
    };
    Ok(PeerReport { ours, pybkt, pybkt_cpu_seconds, restarts: options.restarts })
}

/// User + system CPU seconds of this process's waited-for children (Linux `/proc/self/stat`).
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let cutime: f64 = fields.get(13)?.parse().ok()?;
    let cstime: f64 = fields.get(14)?.parse().ok()?;
    // The kernel reports clock ticks; Linux uses 100 per second for these fields.
    Some((cutime + cstime) / 100.0)
}
