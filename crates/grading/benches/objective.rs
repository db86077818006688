//! Objective grading throughput: a class-sized mix of choice, true/false, numeric and fill-in
//! answers graded against pre-compiled items. Asserts the number of correct answers.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grading::choice::{ChoiceKey, PartialCredit};
use grading::id::{ItemId, OptionId};
use grading::item::{AnswerKey, BlankKey, CompiledItem, FillInKey, Item, Response};
use grading::numeric::{NumericKey, Tolerance, UnitRule};
use grading::text::TextRules;

const N_ANSWERS: usize = 20_000;

/// A fixed xorshift generator: the same answers on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn id(s: &str) -> OptionId {
    OptionId::parse(s).expect("a valid id")
}

fn items() -> Vec<CompiledItem> {
    let options: Vec<OptionId> = ["A", "B", "C", "D"].into_iter().map(id).collect();
    let raw = vec![
        AnswerKey::Choice(ChoiceKey {
            options: options.clone(),
            correct: BTreeSet::from([id("B")]),
            single: true,
            partial_credit: PartialCredit::AllOrNothing,
        }),
        AnswerKey::Choice(ChoiceKey {
            options,
            correct: BTreeSet::from([id("A"), id("C")]),
            single: false,
            partial_credit: PartialCredit::NoWrongPartial { partial: 0.5 },
        }),
        AnswerKey::TrueFalse(false),
        AnswerKey::Numeric(NumericKey {
            value: 9.8,
            tolerance: Tolerance::Relative(0.02),
            unit: UnitRule::Expected { unit: "m/s^2".into(), missing_credit: 0.5 },
            sig_figs: None,
        }),
        AnswerKey::FillIn(FillInKey {
            blanks: vec![BlankKey {
                accepted: vec!["叶绿体".into(), "chloroplast".into()],
                rules: TextRules::school(),
            }],
        }),
    ];
    raw.into_iter()
        .enumerate()
        .map(|(k, key)| {
            Item { id: ItemId::parse(format!("q{k}")).expect("a valid id"), max_points: 2.0, key }
                .compile()
                .expect("bench items are valid")
        })
        .collect()
}

/// Answers to the five items in turn; returns them and how many are fully correct.
fn answers() -> (Vec<(usize, Response)>, usize) {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut out = Vec::with_capacity(N_ANSWERS);
    let mut correct = 0;
    for k in 0..N_ANSWERS {
        let item = k % 5;
        let right = rng.below(100) < 70;
        if right {
            correct += 1;
        }
        let response = match (item, right) {
            (0, true) => Response::Choice(vec![id("B")]),
            (0, false) => Response::Choice(vec![id(["A", "C", "D"][rng.below(3) as usize])]),
            (1, true) => Response::Choice(vec![id("A"), id("C")]),
            (1, false) => Response::Choice(vec![id("A"), id("D")]),
            (2, r) => Response::Text(if r { "错" } else { "对" }.into()),
            (3, true) => Response::Text(["9.8 m/s^2", "9.81 m/s²", "9.79m/s^2"][rng.below(3) as usize].into()),
            (3, false) => Response::Text("10.5 m/s^2".into()),
            (_, true) => Response::Text(["叶绿体", "葉綠體", "Chloroplast", "叶绿体。"][rng.below(4) as usize].into()),
            (_, false) => Response::Text(["线粒体", "細胞核", "nucleus"][rng.below(3) as usize].into()),
        };
        out.push((item, response));
    }
    (out, correct)
}

fn grade_all(items: &[CompiledItem], answers: &[(usize, Response)]) -> usize {
    answers.iter().filter(|(item, response)| items[*item].grade(response).points() == Some(2.0)).count()
}

fn objective(c: &mut Criterion) {
    let items = items();
    let (answers, expected_correct) = answers();
    assert_eq!(grade_all(&items, &answers), expected_correct, "every generated answer graded as intended");
    let mut group = c.benchmark_group("objective");
    group.throughput(Throughput::Elements(N_ANSWERS as u64));
    group.bench_function("mixed_answers", |b| b.iter(|| grade_all(black_box(&items), black_box(&answers))));
    group.finish();
    // The same answers split by item type, to see where the time goes.
    let mut by_type = c.benchmark_group("objective_by_type");
    for (name, kinds) in [("choice", &[0usize, 1][..]), ("true_false", &[2]), ("numeric", &[3]), ("fill_in", &[4])] {
        let subset: Vec<(usize, Response)> = answers.iter().filter(|(i, _)| kinds.contains(i)).cloned().collect();
        by_type.throughput(Throughput::Elements(subset.len() as u64));
        by_type.bench_function(name, |b| b.iter(|| grade_all(black_box(&items), black_box(&subset))));
    }
    by_type.finish();
}

criterion_group!(benches, objective);
criterion_main!(benches);
