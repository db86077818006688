//! Project-authored items of every type survive export to QTI 3.0 and import back.

use std::collections::{BTreeMap, BTreeSet};

use grading::choice::{ChoiceKey, PartialCredit};
use grading::id::{ItemId, OptionId};
use grading::item::{AnswerKey, BlankKey, FillInKey, FreeTextKey, Item, MathKey, Response};
use grading::math::{ListOrder, MathSettings, PercentConvention};
use grading::numeric::{NumericKey, SigFigRule, Tolerance, UnitRule};
use grading::sequence::{MatchCredit, OrderCredit};
use grading::text::TextRules;
use qti::{QtiItem, QtiVersion};

fn ids(s: &str) -> Vec<OptionId> {
    s.split_whitespace().map(|x| OptionId::parse(x).unwrap()).collect()
}

fn qti_item(id: &str, key: AnswerKey, labels: &[(&str, &str)]) -> QtiItem {
    QtiItem {
        item: Item { id: ItemId::parse(id).unwrap(), max_points: 3.0, key },
        title: format!("题目 {id} & <co>"),
        prompt: Some("请选择 \"正确\" 的答案".into()),
        labels: labels.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect::<BTreeMap<_, _>>(),
        version: QtiVersion::V3_0,
        notes: vec![],
    }
}

fn round_trip(item: &QtiItem) {
    let xml = qti::export(item).unwrap();
    let back = qti::import(&xml).unwrap_or_else(|e| panic!("re-import failed: {e}\n{xml}"));
    assert_eq!(&back, item, "round trip changed the item:\n{xml}");
}

#[test]
fn choice_items_round_trip_with_every_credit_rule() {
    let labels = [("A", "水"), ("B", "冰 < 0°C"), ("C", "蒸汽"), ("D", "盐")];
    for (k, rule) in [
        PartialCredit::AllOrNothing,
        PartialCredit::RightMinusWrong,
        PartialCredit::PerOption,
        PartialCredit::NoWrongPartial { partial: 0.4 },
    ]
    .into_iter()
    .enumerate()
    {
        let key = AnswerKey::Choice(ChoiceKey {
            options: ids("A B C D"),
            correct: ids("A C").into_iter().collect::<BTreeSet<_>>(),
            single: false,
            partial_credit: rule,
        });
        round_trip(&qti_item(&format!("mc-{k}"), key, &labels));
    }
    let single = AnswerKey::Choice(ChoiceKey {
        options: ids("A B C D"),
        correct: ids("B").into_iter().collect(),
        single: true,
        partial_credit: PartialCredit::AllOrNothing,
    });
    round_trip(&qti_item("sc", single, &labels));
}

#[test]
fn true_false_numeric_and_math_items_round_trip() {
    let mut tf = qti_item("tf", AnswerKey::TrueFalse(false), &[]);
    tf.labels.clear();
    round_trip(&tf);
    let numeric = AnswerKey::Numeric(NumericKey {
        value: 9.81,
        tolerance: Tolerance::Relative(0.02),
        unit: UnitRule::Expected { unit: "m/s^2".into(), missing_credit: 0.5 },
        sig_figs: Some(SigFigRule { required: 3, credit_if_wrong: 0.75 }),
    });
    round_trip(&qti_item("num", numeric, &[]));
    let exact = AnswerKey::Numeric(NumericKey {
        value: -0.125,
        tolerance: Tolerance::Exact,
        unit: UnitRule::None,
        sig_figs: None,
    });
    round_trip(&qti_item("num-exact", exact, &[]));
    let mut settings = MathSettings::school();
    settings.percent = PercentConvention::Either;
    settings.lists = ListOrder::Ordered;
    settings.precision = 3;
    let math = AnswerKey::Math(MathKey { reference: "\\frac{x^2-1}{x-1} & x > 1".replace(" & x > 1", ""), settings });
    round_trip(&qti_item("math", math, &[]));
}

#[test]
fn fill_in_ordering_matching_and_free_text_round_trip() {
    let fill = AnswerKey::FillIn(FillInKey {
        blanks: vec![
            BlankKey { accepted: vec!["叶绿体".into(), "chloroplast".into()], rules: TextRules::school() },
            BlankKey { accepted: vec!["O₂".into()], rules: TextRules::exact() },
        ],
    });
    round_trip(&qti_item("fill", fill, &[]));
    let order = AnswerKey::Ordering { correct: ids("s1 s2 s3"), credit: OrderCredit::PairwiseOrder };
    round_trip(&qti_item("order", order, &[("s1", "秦"), ("s2", "汉"), ("s3", "唐")]));
    let pairs = vec![
        (OptionId::parse("c1").unwrap(), OptionId::parse("p1").unwrap()),
        (OptionId::parse("c2").unwrap(), OptionId::parse("p2").unwrap()),
    ];
    for credit in [MatchCredit::AllOrNothing, MatchCredit::PerPair] {
        let matching = AnswerKey::Matching { pairs: pairs.clone(), credit };
        round_trip(&qti_item("match", matching, &[("c1", "北京"), ("c2", "巴黎"), ("p1", "中国"), ("p2", "法国")]));
    }
    let free = AnswerKey::FreeText(FreeTextKey {
        references: vec!["植物利用光能制造有机物".into()],
        rubric: Some("要点：光能、有机物".into()),
    });
    round_trip(&qti_item("essay", free, &[]));
}

#[test]
fn an_imported_item_grades_responses() {
    let key = AnswerKey::Choice(ChoiceKey {
        options: ids("A B C"),
        correct: ids("C").into_iter().collect(),
        single: true,
        partial_credit: PartialCredit::AllOrNothing,
    });
    let xml = qti::export(&qti_item("g", key, &[])).unwrap();
    let compiled = qti::import(&xml).unwrap().item.compile().unwrap();
    assert_eq!(compiled.grade(&Response::Choice(ids("C"))).points(), Some(3.0));
    assert_eq!(compiled.grade(&Response::Choice(ids("A"))).points(), Some(0.0));
}

/// A gap-match item and a two-blank item written by hand in QTI 3.0.
const GAP_MATCH: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="gap" title="Gaps">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="directedPair">
    <qti-correct-response><qti-value>W1 G1</qti-value><qti-value>W2 G2</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float">
    <qti-default-value><qti-value>2</qti-value></qti-default-value>
  </qti-outcome-declaration>
  <qti-item-body>
    <qti-gap-match-interaction response-identifier="RESPONSE">
      <qti-gap-text identifier="W1" match-max="1">光合作用</qti-gap-text>
      <qti-gap-text identifier="W2" match-max="1">呼吸作用</qti-gap-text>
      <p>植物白天进行<qti-gap identifier="G1"/>，也一直进行<qti-gap identifier="G2"/>。</p>
    </qti-gap-match-interaction>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
</qti-assessment-item>"#;

const TWO_BLANKS: &str = r#"<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="blanks" title="Blanks">
  <qti-response-declaration identifier="R1" cardinality="single" base-type="string">
    <qti-correct-response><qti-value>Paris</qti-value></qti-correct-response>
    <qti-mapping default-value="0" case-sensitive="false"><qti-map-entry map-key="Paris" mapped-value="1"/></qti-mapping>
  </qti-response-declaration>
  <qti-response-declaration identifier="R2" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>fr</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float">
    <qti-default-value><qti-value>2</qti-value></qti-default-value>
  </qti-outcome-declaration>
  <qti-item-body>
    <p>The capital is <qti-text-entry-interaction response-identifier="R1"/>, in
    <qti-inline-choice-interaction response-identifier="R2">
      <qti-inline-choice identifier="fr">France</qti-inline-choice>
      <qti-inline-choice identifier="de">Germany</qti-inline-choice>
    </qti-inline-choice-interaction>.</p>
  </qti-item-body>
  <qti-response-processing>
    <qti-set-outcome-value identifier="SCORE"><qti-sum><qti-map-response identifier="R1"/><qti-map-response identifier="R2"/></qti-sum></qti-set-outcome-value>
  </qti-response-processing>
</qti-assessment-item>"#;

#[test]
fn gap_match_and_multi_blank_items_import() {
    let gap = qti::import(GAP_MATCH).unwrap();
    let compiled = gap.item.compile().unwrap();
    let pair = |a: &str, b: &str| (OptionId::parse(a).unwrap(), OptionId::parse(b).unwrap());
    assert_eq!(compiled.grade(&Response::Pairs(vec![pair("W1", "G1"), pair("W2", "G2")])).points(), Some(2.0));
    assert_eq!(gap.labels.get("W1").map(String::as_str), Some("光合作用"));
    let blanks = qti::import(TWO_BLANKS).unwrap();
    let compiled = blanks.item.compile().unwrap();
    assert_eq!(compiled.grade(&Response::Blanks(vec!["paris".into(), "fr".into()])).points(), Some(2.0));
    assert_eq!(compiled.grade(&Response::Blanks(vec!["Paris".into(), "de".into()])).points(), Some(1.0));
}
