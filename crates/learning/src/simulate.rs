//! A seeded learner simulator: answer logs for demos, benches and tests, never real data.

use base::Timestamp;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::graph::KnowledgeGraph;
use crate::learner::{ItemSpec, LoggedAnswer};

/// Simulates `n_learners` learners working through `items` in curriculum order, each giving
/// `answers_per_learner` answers, starting at `start`, a few answers a day.
///
/// Each learner has an ability; each knowledge point is learned with some probability per
/// answer (faster for abler learners and when its prerequisites are learned); a learned point
/// is answered correctly unless the learner slips, an unlearned one by a guess that depends on
/// the item's difficulty. Points not yet learned are revisited, so logs mix new work and
/// practice.
pub fn simulate_logs(
    graph: &KnowledgeGraph,
    items: &[ItemSpec],
    n_learners: usize,
    answers_per_learner: usize,
    start: Timestamp,
    seed: u64,
) -> Vec<Vec<LoggedAnswer>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n_kps = graph.kps().len();
    // Items per knowledge point, in curriculum order; points without items are skipped.
    let mut items_of = vec![Vec::new(); n_kps];
    for (idx, item) in items.iter().enumerate() {
        if let Some(k) = item.kps.first().and_then(|kp| graph.kp_index(kp)) {
            items_of[k as usize].push(idx);
        }
    }
    let path: Vec<usize> =
        graph.topological_order().iter().map(|&k| k as usize).filter(|&k| !items_of[k].is_empty()).collect();
    let mut logs = Vec::with_capacity(n_learners);
    if path.is_empty() {
        return vec![Vec::new(); n_learners];
    }
    for _ in 0..n_learners {
        let ability: f32 = rng.random_range(-2.0f32..2.0);
        let mut learned = vec![false; n_kps];
        let mut log = Vec::with_capacity(answers_per_learner);
        let mut position = 0usize;
        let mut t = start.millis();
        while log.len() < answers_per_learner {
            // Mostly the current point, sometimes an earlier one for practice.
            let k = if position > 0 && rng.random_range(0.0f32..1.0) < 0.2 {
                path[rng.random_range(0..position)]
            } else {
                path[position]
            };
            let item_idx = items_of[k][rng.random_range(0..items_of[k].len())];
            let item = &items[item_idx];
            let p_correct = if learned[k] {
                0.92
            } else {
                let z = ability - item.difficulty - 0.8;
                0.1 + 0.6 / (1.0 + (-z).exp())
            };
            let correct = rng.random_range(0.0f32..1.0) < p_correct;
            let prereqs_learned =
                graph.kps()[k].prerequisites.iter().all(|&p| learned[p as usize] || items_of[p as usize].is_empty());
            let p_learn = (0.25 + 0.1 * ability) * if prereqs_learned { 1.0 } else { 0.4 };
            if !learned[k] && rng.random_range(0.0f32..1.0) < p_learn {
                learned[k] = true;
            }
            if learned[path[position]] && position + 1 < path.len() {
                position += 1;
            }
            log.push(LoggedAnswer { item: item.id.clone(), correct, at: Timestamp::from_millis(t) });
            // Two to twenty minutes between answers, and a new day every ten answers or so.
            t += rng.random_range(120_000..1_200_000);
            if rng.random_range(0..10) == 0 {
                t += 86_400_000;
            }
        }
        logs.push(log);
    }
    logs
}
