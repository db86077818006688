//! Export of items as QTI 3.0 XML that this crate re-imports to the same item.
//!
//! Standard QTI carries what other tools need (correct responses, templates, mappings);
//! `data-inkstone-*` attributes on the interaction carry the grading rules QTI cannot express
//! (partial-credit rules, tolerance, units, significant figures, math conventions, text
//! normalisation), so a round trip keeps them.

use std::fmt::Write as _;

use grading::choice::PartialCredit;
use grading::item::{AnswerKey, BlankKey};
use grading::math::{ListOrder, MathSettings, PercentConvention};
use grading::numeric::{Tolerance, UnitRule};
use grading::sequence::{MatchCredit, OrderCredit};
use grading::text::{ScriptConversion, TextRules};

use crate::QtiItem;
use crate::error::QtiError;

const MATCH_CORRECT: &str = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml";
const MAP_RESPONSE: &str = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml";

/// Escapes text and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number written so that it parses back to the same `f64`.
fn num(x: f64) -> String {
    format!("{x}")
}

struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn declaration(
        &mut self,
        id: &str,
        cardinality: &str,
        base_type: &str,
        correct: &[String],
        mapping: &[(String, f64)],
        lower_bound: Option<f64>,
    ) {
        self.line(
            1,
            &format!(
                r#"<qti-response-declaration identifier="{}" cardinality="{cardinality}" base-type="{base_type}">"#,
                esc(id)
            ),
        );
        self.line(2, "<qti-correct-response>");
        for v in correct {
            self.line(3, &format!("<qti-value>{}</qti-value>", esc(v)));
        }
        self.line(2, "</qti-correct-response>");
        if !mapping.is_empty() {
            let bound = lower_bound.map(|b| format!(r#" lower-bound="{}""#, num(b))).unwrap_or_default();
            self.line(2, &format!(r#"<qti-mapping default-value="0"{bound}>"#));
            for (k, v) in mapping {
                self.line(3, &format!(r#"<qti-map-entry map-key="{}" mapped-value="{}"/>"#, esc(k), num(*v)));
            }
            self.line(2, "</qti-mapping>");
        }
        self.line(1, "</qti-response-declaration>");
    }
}

fn text_rules_spec(rules: &TextRules) -> String {
    let mut words = Vec::new();
    if rules.width {
        words.push("width");
    }
    match rules.script {
        Some(ScriptConversion::Simplified) => words.push("script:simplified"),
        Some(ScriptConversion::MainlandVocabulary) => words.push("script:mainland"),
        None => {}
    }
    if rules.punctuation {
        words.push("punctuation");
    }
    if rules.whitespace {
        words.push("whitespace");
    }
    if rules.case {
        words.push("case");
    }
    words.join(" ")
}

fn math_attrs(s: &MathSettings) -> String {
    let percent = match s.percent {
        PercentConvention::Fraction => "fraction",
        PercentConvention::Ignore => "ignore",
        PercentConvention::Either => "either",
    };
    let lists = match s.lists {
        ListOrder::Ordered => "ordered",
        ListOrder::Unordered => "unordered",
    };
    format!(
        r#" data-inkstone-kind="math" data-inkstone-precision="{}" data-inkstone-percent="{percent}" data-inkstone-lists="{lists}" data-inkstone-strict-variables="{}" data-inkstone-relation-matches-interval="{}" data-inkstone-extract-latex="{}" data-inkstone-extract-plain="{}""#,
        s.precision, s.strict_variables, s.relation_matches_interval, s.extraction.latex, s.extraction.plain
    )
}

fn blank_attrs(blank: &BlankKey) -> String {
    format!(r#" data-inkstone-normalise="{}""#, esc(&text_rules_spec(&blank.rules)))
}

/// Writes `item` as a QTI 3.0 assessment item.
pub fn export(item: &QtiItem) -> Result<String, QtiError> {
    // Only items that grade can be exported: the same checks as grading them.
    item.item.compile()?;
    let mut w = Writer { out: String::new() };
    w.line(0, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    w.line(
        0,
        &format!(
            r#"<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="{}" title="{}" adaptive="false" time-dependent="false">"#,
            esc(item.item.id.as_str()),
            esc(&item.title)
        ),
    );
    let label = |id: &str| esc(item.labels.get(id).map_or(id, String::as_str));
    let mut body: Vec<String> = Vec::new();
    let prompt = item.prompt.as_ref().map(|p| format!("<qti-prompt>{}</qti-prompt>", esc(p)));
    // Text entries cannot hold a prompt: it goes before them as a marked paragraph.
    let text_prompt = item.prompt.as_ref().map(|p| format!(r#"<p class="inkstone-prompt">{}</p>"#, esc(p)));
    let mut processing = format!(r#"<qti-response-processing template="{MATCH_CORRECT}"/>"#);
    match &item.item.key {
        AnswerKey::Choice(key) => {
            let correct: Vec<String> = key.correct.iter().map(|o| o.to_string()).collect();
            let (cardinality, max_choices) = if key.single { ("single", 1) } else { ("multiple", 0) };
            let mut mapping = Vec::new();
            let credit = match key.partial_credit {
                PartialCredit::AllOrNothing => "all-or-nothing".to_string(),
                PartialCredit::RightMinusWrong => {
                    #[allow(clippy::cast_precision_loss)]
                    let step = 1.0 / key.correct.len() as f64;
                    for o in &key.options {
                        mapping.push((o.to_string(), if key.correct.contains(o) { step } else { -step }));
                    }
                    processing = format!(r#"<qti-response-processing template="{MAP_RESPONSE}"/>"#);
                    "right-minus-wrong".to_string()
                }
                PartialCredit::PerOption => "per-option".to_string(),
                PartialCredit::NoWrongPartial { partial } => format!("no-wrong:{}", num(partial)),
            };
            w.declaration(
                "RESPONSE",
                cardinality,
                "identifier",
                &correct,
                &mapping,
                (!mapping.is_empty()).then_some(0.0),
            );
            body.push(format!(r#"<qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="{max_choices}" data-inkstone-credit="{credit}">"#));
            body.extend(prompt);
            for o in &key.options {
                body.push(format!(
                    r#"  <qti-simple-choice identifier="{}">{}</qti-simple-choice>"#,
                    esc(o.as_str()),
                    label(o.as_str())
                ));
            }
            body.push("</qti-choice-interaction>".into());
        }
        AnswerKey::TrueFalse(value) => {
            w.declaration("RESPONSE", "single", "identifier", &[value.to_string()], &[], None);
            body.push(r#"<qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1" data-inkstone-kind="true-false">"#.into());
            body.extend(prompt);
            body.push(r#"  <qti-simple-choice identifier="true">True</qti-simple-choice>"#.into());
            body.push(r#"  <qti-simple-choice identifier="false">False</qti-simple-choice>"#.into());
            body.push("</qti-choice-interaction>".into());
        }
        AnswerKey::Numeric(key) => {
            w.declaration("RESPONSE", "single", "float", &[num(key.value)], &[], None);
            let mut attrs = String::from(r#" data-inkstone-kind="numeric""#);
            match key.tolerance {
                Tolerance::Exact => attrs.push_str(r#" data-inkstone-tolerance="exact""#),
                Tolerance::Absolute(t) => {
                    let _ = write!(attrs, r#" data-inkstone-tolerance="absolute:{}""#, num(t));
                }
                Tolerance::Relative(t) => {
                    let _ = write!(attrs, r#" data-inkstone-tolerance="relative:{}""#, num(t));
                }
            }
            if let UnitRule::Expected { unit, missing_credit } = &key.unit {
                let _ = write!(
                    attrs,
                    r#" data-inkstone-unit="{}" data-inkstone-missing-unit-credit="{}""#,
                    esc(unit),
                    num(*missing_credit)
                );
            }
            if let Some(rule) = &key.sig_figs {
                let _ = write!(attrs, r#" data-inkstone-sig-figs="{}:{}""#, rule.required, num(rule.credit_if_wrong));
            }
            body.extend(text_prompt.clone());
            body.push(format!(r#"<qti-text-entry-interaction response-identifier="RESPONSE"{attrs}/>"#));
        }
        AnswerKey::Math(key) => {
            w.declaration("RESPONSE", "single", "string", std::slice::from_ref(&key.reference), &[], None);
            body.extend(text_prompt.clone());
            body.push(format!(
                r#"<qti-text-entry-interaction response-identifier="RESPONSE"{}/>"#,
                math_attrs(&key.settings)
            ));
        }
        AnswerKey::FillIn(key) => {
            let mut sum = String::new();
            for (k, blank) in key.blanks.iter().enumerate() {
                let id = format!("RESPONSE_{}", k + 1);
                let mapping: Vec<(String, f64)> = blank.accepted.iter().map(|a| (a.clone(), 1.0)).collect();
                w.declaration(&id, "single", "string", &blank.accepted[..1], &mapping, None);
                let _ = write!(sum, r#"<qti-map-response identifier="{id}"/>"#);
            }
            body.extend(text_prompt.clone());
            for (k, blank) in key.blanks.iter().enumerate() {
                body.push(format!(
                    r#"<qti-text-entry-interaction response-identifier="RESPONSE_{}"{}/>"#,
                    k + 1,
                    blank_attrs(blank)
                ));
            }
            processing = format!(
                r#"<qti-response-processing><qti-set-outcome-value identifier="SCORE"><qti-sum>{sum}</qti-sum></qti-set-outcome-value></qti-response-processing>"#
            );
        }
        AnswerKey::Ordering { correct, credit } => {
            let values: Vec<String> = correct.iter().map(|o| o.to_string()).collect();
            w.declaration("RESPONSE", "ordered", "identifier", &values, &[], None);
            let credit = match credit {
                OrderCredit::AllOrNothing => "all-or-nothing",
                OrderCredit::PerPosition => "per-position",
                OrderCredit::PairwiseOrder => "pairwise",
            };
            body.push(format!(r#"<qti-order-interaction response-identifier="RESPONSE" shuffle="true" data-inkstone-credit="{credit}">"#));
            body.extend(prompt);
            for o in correct {
                body.push(format!(
                    r#"  <qti-simple-choice identifier="{}">{}</qti-simple-choice>"#,
                    esc(o.as_str()),
                    label(o.as_str())
                ));
            }
            body.push("</qti-order-interaction>".into());
        }
        AnswerKey::Matching { pairs, credit } => {
            let values: Vec<String> = pairs.iter().map(|(a, b)| format!("{a} {b}")).collect();
            let (mapping, credit) = match credit {
                MatchCredit::AllOrNothing => (Vec::new(), "all-or-nothing"),
                MatchCredit::PerPair => {
                    #[allow(clippy::cast_precision_loss)]
                    let step = 1.0 / pairs.len() as f64;
                    processing = format!(r#"<qti-response-processing template="{MAP_RESPONSE}"/>"#);
                    (values.iter().map(|v| (v.clone(), step)).collect(), "per-pair")
                }
            };
            w.declaration(
                "RESPONSE",
                "multiple",
                "directedPair",
                &values,
                &mapping,
                (!mapping.is_empty()).then_some(0.0),
            );
            body.push(format!(r#"<qti-match-interaction response-identifier="RESPONSE" shuffle="true" max-associations="{}" data-inkstone-credit="{credit}">"#, pairs.len()));
            body.extend(prompt);
            let mut sources: Vec<&str> = Vec::new();
            let mut targets: Vec<&str> = Vec::new();
            for (a, b) in pairs {
                if !sources.contains(&a.as_str()) {
                    sources.push(a.as_str());
                }
                if !targets.contains(&b.as_str()) {
                    targets.push(b.as_str());
                }
            }
            for set in [sources, targets] {
                body.push("  <qti-simple-match-set>".into());
                for id in set {
                    body.push(format!(r#"    <qti-simple-associable-choice identifier="{}" match-max="1">{}</qti-simple-associable-choice>"#, esc(id), label(id)));
                }
                body.push("  </qti-simple-match-set>".into());
            }
            body.push("</qti-match-interaction>".into());
        }
        AnswerKey::FreeText(key) => {
            w.declaration("RESPONSE", "single", "string", &key.references, &[], None);
            let rubric =
                key.rubric.as_ref().map(|r| format!(r#" data-inkstone-rubric="{}""#, esc(r))).unwrap_or_default();
            body.push(format!(r#"<qti-extended-text-interaction response-identifier="RESPONSE"{rubric}>"#));
            body.extend(prompt);
            body.push("</qti-extended-text-interaction>".into());
        }
    }
    w.line(1, r#"<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float">"#);
    w.line(2, "<qti-default-value><qti-value>0</qti-value></qti-default-value>");
    w.line(1, "</qti-outcome-declaration>");
    w.line(1, r#"<qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float">"#);
    w.line(2, &format!("<qti-default-value><qti-value>{}</qti-value></qti-default-value>", num(item.item.max_points)));
    w.line(1, "</qti-outcome-declaration>");
    w.line(1, "<qti-item-body>");
    for b in &body {
        w.line(2, b);
    }
    w.line(1, "</qti-item-body>");
    w.line(1, &processing);
    w.line(0, "</qti-assessment-item>");
    Ok(w.out)
}
