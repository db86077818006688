//! The server's per-answer path and a class prediction, on a model fitted to simulated logs of
//! the demo maths graph. Targets: one answer update plus a next-item choice ≤ 50 µs; a class of
//! 60 predicted ≤ 1 ms.

use std::hint::black_box;

use base::Timestamp;
use criterion::{Criterion, criterion_group, criterion_main};
use learning::graph::{ItemId, junior_secondary_maths};
use learning::items;
use learning::learner::{FitOptions, ItemSpec, LearnerState, SubjectModel};
use learning::next_step::{NextStepPolicy, TeacherPlan};
use learning::simulate::simulate_logs;

struct Setup {
    model: SubjectModel,
    states: Vec<LearnerState>,
    item: ItemId,
    now: Timestamp,
}

fn setup() -> Setup {
    let graph = junior_secondary_maths();
    let specs: Vec<ItemSpec> = items::generate(&graph, 20, 1).iter().map(ItemSpec::from).collect();
    let start = Timestamp::from_millis(1_760_000_000_000);
    let logs = simulate_logs(&graph, &specs, 160, 80, start, 3);
    let options = FitOptions { bkt_restarts: 2, with_gru: false, seed: 3, desired_retention: 0.9 };
    let model = SubjectModel::fit(&graph, &specs, &logs[..100], 0, &options).expect("simulated logs fit");
    let states: Vec<LearnerState> = logs[100..].iter().map(|log| model.replay(log)).collect();
    let now = Timestamp::from_millis(1_760_000_000_000 + 40 * 86_400_000);
    Setup { model, states, item: specs[40].id.clone(), now }
}

fn answer_then_choose(c: &mut Criterion) {
    let s = setup();
    let plan = TeacherPlan::default();
    let policy = NextStepPolicy::standard();
    c.bench_function("answer update + next item (in memory)", |b| {
        b.iter_batched_ref(
            || s.states[0].clone(),
            |state| {
                let outcome = s.model.record_answer(state, &s.item, true, s.now).expect("known item");
                let next = s.model.next_steps(state, &plan, &policy, s.now, 1);
                assert!(outcome.predicted_success > 0.0 && outcome.predicted_success < 1.0);
                assert_eq!(next.len(), 1, "a learner always has a next step");
                black_box(next)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let blob = s.states[0].to_blob();
    c.bench_function("answer update + next item (blob in, blob out)", |b| {
        b.iter(|| {
            let mut state = LearnerState::from_blob(black_box(&blob)).expect("own blob");
            s.model.record_answer(&mut state, &s.item, false, s.now).expect("known item");
            let next = s.model.next_steps(&state, &plan, &policy, s.now, 1);
            assert_eq!(next.len(), 1);
            black_box((state.to_blob(), next))
        })
    });
}

fn predict_class(c: &mut Criterion) {
    let s = setup();
    let class: Vec<LearnerState> = s.states.iter().cycle().take(60).cloned().collect();
    c.bench_function("predict a class of 60", |b| {
        b.iter(|| {
            let p = s.model.predict_class(black_box(&class), &s.item).expect("known item");
            assert_eq!(p.len(), 60);
            assert!(p.iter().all(|p| p.is_finite() && *p > 0.0 && *p < 1.0));
            black_box(p)
        })
    });
}

criterion_group!(benches, answer_then_choose, predict_class);
criterion_main!(benches);
