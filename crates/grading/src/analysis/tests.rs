//! Tests of `analysis`.
#![allow(clippy::unwrap_used)]

use crate::analysis::{Flag, FlagRules, ScoreMatrix, Stat, TestAnalysis, Undefined, analyse};
use crate::error::GradingError;

/// Rows of `1`/`0`/`.` (blank) per student, one character per right/wrong item.
fn binary(rows: &[&str]) -> ScoreMatrix {
    let n_items = rows[0].len();
    let rows = rows
        .iter()
        .map(|r| {
            r.chars()
                .map(|c| match c {
                    '1' => Some(1.0),
                    '0' => Some(0.0),
                    _ => None,
                })
                .collect()
        })
        .collect();
    ScoreMatrix::new(vec![1.0; n_items], rows).unwrap()
}

fn run(m: &ScoreMatrix) -> TestAnalysis {
    analyse(m, &FlagRules::classroom())
}

fn approx(s: Stat, v: f64) -> bool {
    s.value().is_some_and(|x| (x - v).abs() < 1e-9)
}

#[test]
fn kr20_and_alpha_match_a_hand_computed_example() {
    // Totals 3, 2, 1, 0 (variance 1.25); item p = .75, .5, .25 (pq sum .625).
    // KR-20 = 3/2 × (1 − .625/1.25) = 0.75.
    let m = binary(&["111", "110", "100", "000"]);
    let a = run(&m);
    assert!(approx(a.kr20, 0.75), "{:?}", a.kr20);
    assert!(approx(a.cronbach_alpha, 0.75), "{:?}", a.cronbach_alpha);
    assert!(approx(a.items[0].difficulty, 0.75));
    assert!(approx(a.mean_total, 1.5));
}

#[test]
fn discrimination_is_the_correlation_with_the_rest_of_the_test() {
    let a = run(&binary(&["111", "110", "100", "000"]));
    // Item 1 (1,1,1,0) against rest scores (2,1,0,0): cov .1875, variances .1875 and .6875.
    let expected = 0.1875 / (0.1875f64.sqrt() * 0.6875f64.sqrt());
    assert!(approx(a.items[0].discrimination, expected), "{:?}", a.items[0].discrimination);
}

#[test]
fn an_item_that_strong_students_miss_is_flagged() {
    let a = run(&binary(&["1110", "1100", "1001", "0001", "1000"]));
    let flags = &a.items[3].flags;
    assert!(flags.iter().any(|f| matches!(f, Flag::NegativeDiscrimination { .. })), "{flags:?}");
}

#[test]
fn one_student_gives_defined_undefined_statistics() {
    let a = run(&binary(&["101"]));
    assert_eq!(a.kr20, Stat::Undefined(Undefined::TooFewStudents));
    assert_eq!(a.cronbach_alpha, Stat::Undefined(Undefined::TooFewStudents));
    assert_eq!(a.items[0].discrimination, Stat::Undefined(Undefined::TooFewStudents));
    assert!(approx(a.items[0].difficulty, 1.0));
}

#[test]
fn zero_variance_and_all_blank_never_produce_nan() {
    let a = run(&binary(&["11", "11", "11"]));
    assert_eq!(a.items[0].discrimination, Stat::Undefined(Undefined::ItemHasNoVariance));
    assert_eq!(a.cronbach_alpha, Stat::Undefined(Undefined::TotalHasNoVariance));
    assert!(a.items[0].flags.contains(&Flag::NoVariance));
    let blank = run(&binary(&["..", "..", ".."]));
    assert!(approx(blank.items[0].difficulty, 0.0));
    assert_eq!(blank.items[0].n_blank, 3);
    assert!(blank.items[0].flags.contains(&Flag::ManyBlanks { fraction: 1.0 }));
    assert_eq!(blank.kr20, Stat::Undefined(Undefined::TotalHasNoVariance));
    let empty = run(&ScoreMatrix::new(vec![1.0], vec![]).unwrap());
    assert_eq!(empty.items[0].difficulty, Stat::Undefined(Undefined::TooFewStudents));
}

#[test]
fn partial_credit_items_have_alpha_but_no_kr20() {
    let m = ScoreMatrix::new(
        vec![2.0, 1.0],
        vec![vec![Some(2.0), Some(1.0)], vec![Some(1.0), Some(1.0)], vec![Some(0.0), Some(0.0)]],
    )
    .unwrap();
    let a = run(&m);
    assert_eq!(a.kr20, Stat::Undefined(Undefined::NotDichotomous));
    assert!(a.cronbach_alpha.value().is_some());
}

#[test]
fn distractor_analysis_counts_choices_and_flags_attractive_wrong_options() {
    // Strong students pick C, weak students pick the key A: the key is probably wrong.
    let scores = binary(&["01", "01", "11", "10", "10"]);
    let choices = vec![
        vec![Some("C".into()), None],
        vec![Some("C".into()), None],
        vec![Some("A".into()), None],
        vec![Some("A".into()), None],
        vec![Some("B".into()), None],
    ];
    let offered = vec![vec!["A".into(), "B".into(), "C".into(), "D".into()], vec![]];
    let m = scores.with_choices(choices, vec![Some("A".into()), None], offered).unwrap();
    let a = run(&m);
    let opts: Vec<(String, usize, bool)> =
        a.items[0].options.iter().map(|o| (o.option.clone(), o.count, o.is_key)).collect();
    assert_eq!(
        opts,
        vec![("A".into(), 2, true), ("B".into(), 1, false), ("C".into(), 2, false), ("D".into(), 0, false)]
    );
    assert!(
        a.items[0].flags.contains(&Flag::DistractorAttractsStrong { option: "C".into() }),
        "{:?}",
        a.items[0].flags
    );
    assert!(a.items[0].flags.contains(&Flag::DistractorNeverChosen { option: "D".into() }));
    assert!(a.items[1].options.is_empty());
}

#[test]
fn malformed_matrices_are_rejected_with_the_place() {
    let err = ScoreMatrix::new(vec![1.0, 1.0], vec![vec![Some(1.0)]]).unwrap_err();
    assert_eq!(err, GradingError::InvalidMatrix("student 1 has 1 scores for 2 items".into()));
    let err = ScoreMatrix::new(vec![1.0], vec![vec![Some(2.0)]]).unwrap_err();
    assert_eq!(err, GradingError::InvalidMatrix("student 1, item 1: score 2 outside 0..=1".into()));
    assert!(ScoreMatrix::new(vec![], vec![]).is_err());
    assert!(ScoreMatrix::new(vec![1.0], vec![vec![Some(f64::NAN)]]).is_err());
}
