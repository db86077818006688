use expect_test::{Expect, expect};

use super::*;
use crate::graph::KnowledgeGraph;
use crate::graph::junior_secondary_maths;
use crate::items;

const DAY: i64 = 86_400_000;

fn day(d: i64) -> Timestamp {
    Timestamp::from_millis(1_760_000_000_000 + d * DAY)
}

fn model() -> SubjectModel {
    let graph = junior_secondary_maths();
    let specs: Vec<ItemSpec> = items::generate(&graph, 6, 1).iter().map(ItemSpec::from).collect();
    SubjectModel::new(&graph, &specs, 0.9).unwrap()
}

fn kp(s: &str) -> KpId {
    KpId::parse(s).unwrap()
}

/// Runs `script` ("<day> <item> ok|no" lines) for one learner, then shows the next steps at
/// `at_day` under `plan`.
fn check(script: &str, at_day: i64, plan: &TeacherPlan, expect: Expect) {
    let model = model();
    let mut state = model.new_learner();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let item = ItemId::parse(parts[1]).unwrap();
        model.record_answer(&mut state, &item, parts[2] == "ok", day(parts[0].parse().unwrap())).unwrap();
    }
    let steps = model.next_steps(&state, plan, &NextStepPolicy::standard(), day(at_day), 4);
    let shown: Vec<String> = steps.iter().map(|r| r.to_string().replace('\n', " ")).collect();
    expect.assert_eq(&shown.join("\n"));
}

#[test]
fn a_new_learner_starts_with_points_that_have_no_prerequisites() {
    check(
        "",
        0,
        &TeacherPlan::default(),
        expect![[r#"
            sn-0001 (rational.signed-numbers, p=0.51): new: no prerequisites
            med-0001 (data.median-mode, p=0.43): new: no prerequisites"#]],
    );
}

#[test]
fn mastering_a_point_makes_the_next_one_ready() {
    check(
        "0 sn-0001 ok\n0 sn-0002 ok\n0 sn-0003 ok\n0 sn-0004 ok\n0 sn-0005 ok",
        0,
        &TeacherPlan::default(),
        expect![[r#"
            nl-0001 (rational.number-line, p=0.59): ready: prerequisites mastered (rational.signed-numbers)
            mul-0001 (rational.multiply, p=0.58): ready: prerequisites mastered (rational.signed-numbers)
            med-0001 (data.median-mode, p=0.54): new: no prerequisites"#]],
    );
}

#[test]
fn practised_points_come_back_for_review_when_recall_fades() {
    check(
        "0 op-0001 ok\n0 op-0002 ok",
        30,
        &TeacherPlan::default(),
        expect![[r#"
        op-0003 (rational.opposites, p=0.81): review: last practised 30 days ago, predicted recall 67%
        sn-0001 (rational.signed-numbers, p=0.55): new: no prerequisites
        med-0001 (data.median-mode, p=0.48): new: no prerequisites"#]],
    );
}

#[test]
fn teacher_pins_come_first_and_skips_and_scope_are_respected() {
    let plan = TeacherPlan {
        pinned_kps: vec![(kp("pyth.theorem"), Some("exam next week".into()))],
        pinned_items: vec![(ItemId::parse("le1-0003").unwrap(), None)],
        skipped_kps: vec![kp("rational.opposites")],
        marked_mastered: vec![kp("rational.signed-numbers"), kp("rational.concept")],
        scope: Some(vec![kp("rational.number-line"), kp("rational.opposites"), kp("data.collection")]),
    };
    check(
        "",
        0,
        &plan,
        expect![[r#"
        le1-0003 (lineq.transpose, p=0.43): pinned by the teacher
        pt-0001 (pyth.theorem, p=0.42): pinned by the teacher: exam next week
        nl-0001 (rational.number-line, p=0.49): ready: prerequisites mastered (rational.concept)"#]],
    );
}

#[test]
fn mastery_rises_with_correct_answers_and_falls_with_wrong_ones() {
    let model = model();
    let mut state = model.new_learner();
    let item = ItemId::parse("add-0001").unwrap();
    let mut shown = Vec::new();
    for (i, ok) in [true, true, true, false, true].into_iter().enumerate() {
        let outcome = model.record_answer(&mut state, &item, ok, day(i as i64)).unwrap();
        shown.push(format!("{ok}: p={:.2} mastery={:.2}", outcome.predicted_success, outcome.mastery[0].1));
    }
    expect![[r#"
        true: p=0.49 mastery=0.71
        true: p=0.67 mastery=0.93
        true: p=0.78 mastery=0.99
        false: p=0.82 mastery=0.91
        true: p=0.75 mastery=0.98"#]]
    .assert_eq(&shown.join("\n"));
}

#[test]
fn state_blobs_round_trip_and_bad_blobs_are_errors() {
    let model = model();
    let mut state = model.new_learner();
    model.record_answer(&mut state, &ItemId::parse("sub-0002").unwrap(), true, day(0)).unwrap();
    assert_eq!(LearnerState::from_blob(&state.to_blob()).unwrap(), state);
    let restored = SubjectModel::from_blob(&model.to_blob()).unwrap();
    assert_eq!(restored.to_blob(), model.to_blob());
    assert!(matches!(LearnerState::from_blob(b"{}"), Err(LearningError::BadState { .. })));
    let newer = String::from_utf8(state.to_blob()).unwrap().replace("\"version\":1", "\"version\":99");
    expect!["stored learner state is unreadable: version 99 (this build reads 1)"]
        .assert_eq(&LearnerState::from_blob(newer.as_bytes()).unwrap_err().to_string());
    assert!(matches!(
        model.record_answer(&mut state, &ItemId::parse("no-such-item").unwrap(), true, day(1)),
        Err(LearningError::UnknownItem(_))
    ));
}

#[test]
fn the_heat_map_counts_a_class() {
    let model = model();
    let mut strong = model.new_learner();
    let mut weak = model.new_learner();
    let idle = model.new_learner();
    for n in 1..=5 {
        let item = ItemId::parse(&format!("op-{n:04}")).unwrap();
        model.record_answer(&mut strong, &item, true, day(0)).unwrap();
        model.record_answer(&mut weak, &item, false, day(0)).unwrap();
    }
    let heat = model.class_heat_map(&[strong, weak, idle], &NextStepPolicy::standard(), day(1));
    let opposites = heat.iter().find(|h| h.kp.as_str() == "rational.opposites").unwrap();
    expect![[r#"
        KpHeat {
            kp: KpId(rational.opposites),
            mean_mastery: 0.4903091,
            mastered: 1,
            learning: 0,
            struggling: 1,
            not_started: 1,
            reviews_due: 1,
        }
    "#]]
    .assert_debug_eq(opposites);
    let empty = model.class_heat_map(&[], &NextStepPolicy::standard(), day(1));
    assert!(empty.iter().all(|h| h.mean_mastery == 0.0 && h.mastered == 0));
}

fn demo_inputs() -> (KnowledgeGraph, Vec<ItemSpec>) {
    let graph = junior_secondary_maths();
    let specs: Vec<ItemSpec> = items::generate(&graph, 6, 1).iter().map(ItemSpec::from).collect();
    (graph, specs)
}

fn fit_options() -> FitOptions {
    FitOptions { bkt_restarts: 1, with_gru: false, seed: 5, desired_retention: 0.9 }
}

#[test]
fn fitting_on_logs_predicts_new_learners_better_than_priors() {
    let (graph, specs) = demo_inputs();
    let logs = crate::simulate::simulate_logs(&graph, &specs, 60, 60, day(0), 11);
    let (train, held_out) = logs.split_at(45);
    // The item bank comes without difficulty estimates; the logs hold the real ones.
    let unrated: Vec<ItemSpec> = specs.iter().map(|s| ItemSpec { difficulty: 0.0, ..s.clone() }).collect();
    let fitted = SubjectModel::fit(&graph, &unrated, train, 0, &fit_options()).unwrap();
    let prior = SubjectModel::new(&graph, &unrated, 0.9).unwrap();
    let scores_of = |model: &SubjectModel| {
        let (mut p, mut y) = (Vec::new(), Vec::new());
        for log in held_out {
            let mut state = model.new_learner();
            for answer in log {
                p.push(model.predict(&state, &answer.item).unwrap());
                y.push(answer.correct);
                model.record_answer(&mut state, &answer.item, answer.correct, answer.at).unwrap();
            }
        }
        crate::metrics::score(&p, &y)
    };
    let (fitted_scores, prior_scores) = (scores_of(&fitted), scores_of(&prior));
    assert!(
        fitted_scores.rmse < prior_scores.rmse && fitted_scores.auc > prior_scores.auc + 0.01,
        "fitted {fitted_scores:?}, prior {prior_scores:?}"
    );
    assert_eq!(fitted.revision(), 1);
    // Replaying a log gives the same state as answering one by one.
    let mut state = fitted.new_learner();
    for a in &held_out[0] {
        fitted.record_answer(&mut state, &a.item, a.correct, a.at).unwrap();
    }
    assert_eq!(fitted.replay(&held_out[0]), state);
}

#[test]
fn degenerate_logs_give_defined_predictions() {
    let (graph, specs) = demo_inputs();
    let item = specs[0].id.clone();
    let all_correct: Vec<LoggedAnswer> =
        (0..30).map(|i| LoggedAnswer { item: item.clone(), correct: true, at: day(i) }).collect();
    let single = vec![LoggedAnswer { item: specs[5].id.clone(), correct: false, at: day(0) }];
    let cases: Vec<(&str, Vec<Vec<LoggedAnswer>>)> = vec![
        ("no logs", vec![]),
        ("one empty learner", vec![vec![]]),
        ("a single answer", vec![single.clone()]),
        ("all correct", vec![all_correct.clone(); 12]),
        (
            "mixed with unknown items",
            vec![vec![LoggedAnswer { item: ItemId::parse("gone").unwrap(), correct: true, at: day(0) }], single],
        ),
    ];
    for (name, logs) in cases {
        let model = SubjectModel::fit(&graph, &specs, &logs, 0, &fit_options()).unwrap();
        let mut state = model.new_learner();
        for a in &all_correct {
            model.record_answer(&mut state, &a.item, a.correct, a.at).unwrap();
        }
        // Every item, including those of points nobody answered, gets a proper probability.
        for spec in &specs {
            let p = model.predict(&state, &spec.id).unwrap();
            assert!(p.is_finite() && p > 0.0 && p < 1.0, "{name}: {} -> {p}", spec.id);
        }
        let map = model.mastery_map(&state, &TeacherPlan::default(), &NextStepPolicy::standard(), day(40));
        assert!(map.iter().all(|m| m.mastery.is_finite() && m.recall.is_none_or(f32::is_finite)), "{name}");
        let heat = model.class_heat_map(&[state], &NextStepPolicy::standard(), day(40));
        assert!(heat.iter().all(|h| h.mean_mastery.is_finite()), "{name}");
    }
}
