//! Tests of `item`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use expect_test::{Expect, expect};

use crate::choice::{ChoiceKey, PartialCredit};
use crate::error::GradingError;
use crate::grade::Confidence;
use crate::grade::{Grade, Outcome};
use crate::id::{ItemId, OptionId};
use crate::item::{AnswerKey, BlankKey, FillInKey, FreeTextKey, FreeTextScorer, Item, MathKey, Response};
use crate::math::MathSettings;
use crate::numeric::{NumericKey, SigFigRule, Tolerance, UnitRule};
use crate::sequence::{MatchCredit, OrderCredit};
use crate::text::TextRules;

fn ids(s: &str) -> Vec<OptionId> {
    s.split_whitespace().map(|x| OptionId::parse(x).unwrap()).collect()
}

fn item(key: AnswerKey) -> Item {
    Item { id: ItemId::parse("q1").unwrap(), max_points: 4.0, key }
}

fn choice(options: &str, correct: &str, single: bool, partial_credit: PartialCredit) -> AnswerKey {
    AnswerKey::Choice(ChoiceKey {
        options: ids(options),
        correct: ids(correct).into_iter().collect::<BTreeSet<_>>(),
        single,
        partial_credit,
    })
}

fn show(grade: &Grade) -> String {
    let outcome = match &grade.outcome {
        Outcome::Scored { points, max_points } => format!("{points}/{max_points}"),
        Outcome::NeedsScorer => "needs scorer".into(),
        Outcome::NeedsTeacher => "needs teacher".into(),
    };
    format!("{outcome} c={:.2} {:?}", grade.confidence.value(), grade.feedback)
}

/// Grades each response against the item and prints one line per response.
fn check(key: AnswerKey, responses: &[Response], expect: Expect) {
    let compiled = item(key).compile().unwrap();
    let out: String = responses.iter().map(|r| show(&compiled.grade(r)) + "\n").collect();
    expect.assert_eq(&out);
}

#[test]
fn single_choice_gives_full_credit_only_for_the_key() {
    check(
        choice("A B C D", "B", true, PartialCredit::AllOrNothing),
        &[Response::Choice(ids("B")), Response::Choice(ids("C")), Response::Choice(ids("B C")), Response::Blank],
        expect![[r#"
            4/4 c=1.00 [SelectedCorrect("B")]
            0/4 c=1.00 [SelectedWrong("C")]
            0/4 c=1.00 [TooManySelected { selected: 2, max: 1 }]
            0/4 c=1.00 [Blank]
        "#]],
    );
}

#[test]
fn multiple_choice_partial_credit_rules_differ() {
    let responses = [
        Response::Choice(ids("A B")),
        Response::Choice(ids("A")),
        Response::Choice(ids("A D")),
        Response::Choice(ids("A B C D")),
    ];
    let scores = |rule| {
        let compiled = item(choice("A B C D", "A B", false, rule)).compile().unwrap();
        responses.iter().map(|r| compiled.grade(r).points().unwrap().to_string()).collect::<Vec<_>>().join(" ")
    };
    expect![["4 0 0 0"]].assert_eq(&scores(PartialCredit::AllOrNothing));
    expect![["4 2 0 0"]].assert_eq(&scores(PartialCredit::RightMinusWrong));
    expect![["4 3 2 2"]].assert_eq(&scores(PartialCredit::PerOption));
    expect![["4 2 0 0"]].assert_eq(&scores(PartialCredit::NoWrongPartial { partial: 0.5 }));
}

#[test]
fn an_item_with_no_correct_option_is_rejected_when_compiled() {
    let err = item(choice("A B C", "", true, PartialCredit::AllOrNothing)).compile().unwrap_err();
    assert_eq!(err, GradingError::NoCorrectOption { item: "q1".into() });
    let err = item(choice("A B C", "E", true, PartialCredit::AllOrNothing)).compile().unwrap_err();
    assert_eq!(err, GradingError::UnknownCorrectOption { item: "q1".into(), option: "E".into() });
    let err = item(AnswerKey::Matching { pairs: vec![], credit: MatchCredit::PerPair }).compile().unwrap_err();
    assert_eq!(err, GradingError::NoCorrectOption { item: "q1".into() });
}

#[test]
fn true_false_accepts_typed_words_in_both_languages() {
    check(
        AnswerKey::TrueFalse(true),
        &[
            Response::TrueFalse(true),
            Response::Text("对".into()),
            Response::Text("F".into()),
            Response::Text("maybe".into()),
        ],
        expect![[r#"
            4/4 c=1.00 [SelectedCorrect("true")]
            4/4 c=1.00 [SelectedCorrect("true")]
            0/4 c=1.00 [SelectedWrong("false")]
            0/4 c=0.60 [Unreadable("\"maybe\" is neither true nor false")]
        "#]],
    );
}

#[test]
fn numeric_answers_use_tolerance_units_and_significant_figures() {
    let key = AnswerKey::Numeric(NumericKey {
        value: 20.0,
        tolerance: Tolerance::Relative(0.01),
        unit: UnitRule::Expected { unit: "m/s".into(), missing_credit: 0.5 },
        sig_figs: Some(SigFigRule { required: 2, credit_if_wrong: 0.75 }),
    });
    check(
        key,
        &[
            Response::Text("20 m/s".into()),
            Response::Text("72 km/h".into()),
            Response::Text("72 千米每小时".into()),
            Response::Text("20.1 m/s".into()),
            Response::Text("20.00 m/s".into()),
            Response::Text("20".into()),
            Response::Text("20 kg".into()),
            Response::Text("25 m/s".into()),
            Response::Text("twenty".into()),
        ],
        expect![[r#"
            4/4 c=1.00 [NumericDistance { answer: 20.0, expected: 20.0, tolerance: 0.2, within: true }]
            4/4 c=1.00 [ConvertedUnit { from: "km/h", to: "m/s" }, NumericDistance { answer: 20.0, expected: 20.0, tolerance: 0.2, within: true }]
            4/4 c=1.00 [ConvertedUnit { from: "千米每小时", to: "m/s" }, NumericDistance { answer: 20.0, expected: 20.0, tolerance: 0.2, within: true }]
            3/4 c=1.00 [NumericDistance { answer: 20.1, expected: 20.0, tolerance: 0.2, within: true }, SignificantFigures { given: 3, required: 2 }]
            3/4 c=1.00 [NumericDistance { answer: 20.0, expected: 20.0, tolerance: 0.2, within: true }, SignificantFigures { given: 4, required: 2 }]
            2/4 c=1.00 [MissingUnit { expected: "m/s" }, NumericDistance { answer: 20.0, expected: 20.0, tolerance: 0.2, within: true }]
            0/4 c=1.00 [WrongUnit { given: "kg", expected: "m/s" }]
            0/4 c=1.00 [NumericDistance { answer: 25.0, expected: 20.0, tolerance: 0.2, within: false }]
            0/4 c=0.60 [Unreadable("cannot read \"twenty\" as a number")]
        "#]],
    );
}

#[test]
fn math_items_grade_by_equivalence_with_confidence() {
    let key = AnswerKey::Math(MathKey { reference: "\\frac{x^2-1}{x-1}".into(), settings: MathSettings::school() });
    check(
        key,
        &[
            Response::Text("x+1".into()),
            Response::Text("1+x".into()),
            Response::Text("x-1".into()),
            Response::Text("\\frac{".into()),
        ],
        expect![[r#"
            4/4 c=0.95 [MathEquivalent(Probed)]
            4/4 c=0.95 [MathEquivalent(Probed)]
            0/4 c=0.95 [MathNotEquivalent]
            0/4 c=0.30 [Unreadable("cannot read the math: expected a value before the end")]
        "#]],
    );
}

#[test]
fn a_math_item_whose_reference_cannot_be_read_is_rejected() {
    let key = AnswerKey::Math(MathKey { reference: "\\frac{1}{".into(), settings: MathSettings::school() });
    assert!(matches!(item(key).compile(), Err(GradingError::InvalidKey { .. })));
}

#[test]
fn fill_in_blanks_match_synonyms_after_chinese_normalisation() {
    let blank = |accepted: &[&str]| BlankKey {
        accepted: accepted.iter().map(|s| (*s).to_string()).collect(),
        rules: TextRules::school(),
    };
    let key = AnswerKey::FillIn(FillInKey {
        blanks: vec![blank(&["叶绿体"]), blank(&["光合作用", "photosynthesis"])]
    });
    check(
        key,
        &[
            Response::Blanks(vec!["葉綠體".into(), "Photosynthesis.".into()]),
            Response::Blanks(vec!["叶绿体".into(), "呼吸作用".into()]),
            Response::Blanks(vec!["叶绿体".into()]),
            Response::Blanks(vec![]),
        ],
        expect![[r#"
            4/4 c=1.00 [BlankMatched { blank: 0, accepted: "叶绿体" }, BlankMatched { blank: 1, accepted: "photosynthesis" }, Normalised([Script, Punctuation, Case])]
            2/4 c=0.90 [BlankMatched { blank: 0, accepted: "叶绿体" }, BlankWrong { blank: 1 }]
            2/4 c=0.90 [BlankMatched { blank: 0, accepted: "叶绿体" }, BlankWrong { blank: 1 }]
            0/4 c=0.90 [BlankWrong { blank: 0 }, BlankWrong { blank: 1 }]
        "#]],
    );
}

#[test]
fn ordering_and_matching_give_partial_credit_by_parts() {
    check(
        AnswerKey::Ordering { correct: ids("a b c d"), credit: OrderCredit::PerPosition },
        &[Response::Order(ids("a b c d")), Response::Order(ids("a b d c")), Response::Order(ids("d c b a"))],
        expect![[r#"
            4/4 c=1.00 [PartsCorrect { correct: 4, total: 4 }]
            2/4 c=1.00 [PartsCorrect { correct: 2, total: 4 }]
            0/4 c=1.00 [PartsCorrect { correct: 0, total: 4 }]
        "#]],
    );
    let order =
        item(AnswerKey::Ordering { correct: ids("a b c d"), credit: OrderCredit::PairwiseOrder }).compile().unwrap();
    assert_eq!(order.grade(&Response::Order(ids("a b d c"))).points(), Some(4.0 * 5.0 / 6.0));
    let pairs = |s: &str| -> Vec<(OptionId, OptionId)> {
        s.split_whitespace()
            .map(|p| p.split_once('-').unwrap())
            .map(|(a, b)| (OptionId::parse(a).unwrap(), OptionId::parse(b).unwrap()))
            .collect()
    };
    check(
        AnswerKey::Matching { pairs: pairs("1-a 2-b 3-c"), credit: MatchCredit::PerPair },
        &[Response::Pairs(pairs("1-a 2-b 3-c")), Response::Pairs(pairs("1-a 2-c 3-b")), Response::Pairs(pairs("1-a"))],
        expect![[r#"
            4/4 c=1.00 [PartsCorrect { correct: 3, total: 3 }]
            0/4 c=1.00 [PartsCorrect { correct: 1, total: 3 }]
            1.3333333333333333/4 c=1.00 [PartsCorrect { correct: 1, total: 3 }]
        "#]],
    );
}

#[test]
fn free_text_needs_a_scorer_unless_blank() {
    check(
        AnswerKey::FreeText(FreeTextKey { references: vec!["Plants make sugar from light.".into()], rubric: None }),
        &[Response::Text("Plants use sunlight to make food.".into()), Response::Text("   ".into())],
        expect![[r#"
            needs scorer c=0.00 [NeedsScorer]
            0/4 c=1.00 [Blank]
        "#]],
    );
}

#[test]
fn responses_of_the_wrong_shape_or_size_get_defined_grades() {
    let huge = "9".repeat(70_000);
    check(
        choice("A B", "A", true, PartialCredit::AllOrNothing),
        &[Response::Text("A".into()), Response::Order(ids("A B"))],
        expect![[r#"
            needs teacher c=0.00 [Unreadable("the answer does not fit this item: expected selected options, got text")]
            needs teacher c=0.00 [Unreadable("the answer does not fit this item: expected selected options, got an ordering")]
        "#]],
    );
    check(
        AnswerKey::Numeric(NumericKey {
            value: 1.0,
            tolerance: Tolerance::Exact,
            unit: UnitRule::None,
            sig_figs: None,
        }),
        &[Response::Text(huge)],
        expect![[r#"
            0/4 c=0.50 [Unreadable("the answer is 70000 bytes long; the limit is 65536")]
        "#]],
    );
}

/// A toy scorer: full points when the answer mentions the first reference's first word.
struct KeywordScorer;

impl FreeTextScorer for KeywordScorer {
    fn score(&self, _item: &ItemId, key: &FreeTextKey, max_points: f64, answer: &str) -> Option<Grade> {
        let word = key.references.first()?.split_whitespace().next()?;
        let hit = answer.contains(word);
        Some(Grade {
            outcome: Outcome::Scored { points: if hit { max_points } else { 0.0 }, max_points },
            feedback: vec![],
            confidence: Confidence::new(0.6),
        })
    }
}

#[test]
fn a_free_text_scorer_plugs_in_and_its_grades_stay_suggestions() {
    let with_reference =
        item(AnswerKey::FreeText(FreeTextKey { references: vec!["Plants make sugar".into()], rubric: None }))
            .compile()
            .unwrap();
    let grade = with_reference.grade_with(&Response::Text("Plants use light".into()), &KeywordScorer);
    assert_eq!(grade.points(), Some(4.0));
    assert!(grade.is_uncertain());
    let without = item(AnswerKey::FreeText(FreeTextKey { references: vec![], rubric: None })).compile().unwrap();
    let grade = without.grade_with(&Response::Text("anything".into()), &KeywordScorer);
    assert_eq!(grade.outcome, Outcome::NeedsScorer);
    let choice_item = item(choice("A B", "A", true, PartialCredit::AllOrNothing)).compile().unwrap();
    assert_eq!(choice_item.grade_with(&Response::Choice(ids("A")), &KeywordScorer).points(), Some(4.0));
}
