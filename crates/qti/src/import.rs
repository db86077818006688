//! Import of assessment items: validation, then mapping interactions to grading item types.

use std::collections::{BTreeMap, BTreeSet};

use grading::choice::{ChoiceKey, PartialCredit};
use grading::id::{ItemId, OptionId};
use grading::item::{AnswerKey, BlankKey, FillInKey, FreeTextKey, Item, MathKey};
use grading::math::{Extraction, ListOrder, MathSettings, PercentConvention};
use grading::numeric::{NumericKey, SigFigRule, Tolerance, UnitRule};
use grading::sequence::{MatchCredit, OrderCredit};
use grading::text::{ScriptConversion, TextRules};

use crate::QtiItem;
use crate::error::QtiError;
use crate::tree::{self, El, QtiVersion};

/// Reads a QTI item from bytes, reporting non-UTF-8 input clearly.
pub fn import_bytes(bytes: &[u8]) -> Result<QtiItem, QtiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| QtiError::NotUtf8 { offset: e.valid_up_to() })?;
    import(text)
}

/// Reads a QTI 3.0 item, or a QTI 2.1/2.2 item converted to the same model.
///
/// QTI 3.0 items are checked strictly: a MAXSCORE outcome with a default value, response
/// processing that sets an outcome, known processing elements, `else-if` before `else`,
/// declared outcomes, and no empty values. QTI 2.x items are converted: a missing MAXSCORE or
/// missing processing is replaced by a default and recorded in [`QtiItem::notes`].
pub fn import(xml: &str) -> Result<QtiItem, QtiError> {
    let (root, version) = tree::parse(xml)?;
    let mut notes = Vec::new();
    check_values(&root)?;
    let outcomes = outcome_declarations(&root);
    let max_points = max_points(&root, version, &mut notes)?;
    check_processing(&root, version, &outcomes, &mut notes)?;
    let responses = response_declarations(&root)?;
    let id = ItemId::parse(root.required("identifier")?)?;
    let title = root.attr("title").unwrap_or_default().to_string();
    let body = root.child("qti-item-body").ok_or(QtiError::NoInteraction)?;
    let interactions: Vec<&El> = body.descendants().into_iter().filter(|e| e.name.ends_with("-interaction")).collect();
    let (key, prompt, labels) = build_key(&root, &interactions, &responses)?;
    let item = Item { id, max_points, key };
    // Fail here, with the item's own words, rather than when it is first graded.
    item.compile()?;
    Ok(QtiItem { item, title, prompt, labels, version, notes })
}

/// Every `qti-value` must hold text, and default values may only hold `qti-value`s.
fn check_values(root: &El) -> Result<(), QtiError> {
    for el in root.descendants() {
        if matches!(el.name.as_str(), "qti-default-value" | "qti-correct-response") {
            for child in el.elements() {
                if child.name != "qti-value" {
                    return Err(QtiError::UnexpectedElement {
                        line: child.line,
                        element: child.name.clone(),
                        parent: el.name.clone(),
                    });
                }
                if child.text().is_empty() {
                    return Err(QtiError::EmptyValue { line: child.line, parent: el.name.clone() });
                }
            }
        }
    }
    Ok(())
}

fn outcome_declarations(root: &El) -> BTreeSet<String> {
    root.children_named("qti-outcome-declaration").filter_map(|o| o.attr("identifier")).map(str::to_string).collect()
}

fn max_points(root: &El, version: QtiVersion, notes: &mut Vec<String>) -> Result<f64, QtiError> {
    let declared = root.children_named("qti-outcome-declaration").find(|o| o.attr("identifier") == Some("MAXSCORE"));
    let strict = version == QtiVersion::V3_0;
    let Some(maxscore) = declared else {
        if strict {
            return Err(QtiError::MissingMaxScore);
        }
        notes.push("no MAXSCORE outcome: the item is worth 1 point".into());
        return Ok(1.0);
    };
    let Some(default) = maxscore.child("qti-default-value") else {
        if strict {
            return Err(QtiError::MaxScoreWithoutDefault { line: maxscore.line });
        }
        notes.push("MAXSCORE has no default value: the item is worth 1 point".into());
        return Ok(1.0);
    };
    match default.child("qti-value") {
        Some(v) => {
            let text = v.text();
            let points: f64 = text.parse().map_err(|_| QtiError::BadValue {
                line: v.line,
                value: text.clone(),
                problem: "MAXSCORE must be a number".into(),
            })?;
            if points.is_finite() && points > 0.0 {
                Ok(points)
            } else {
                notes.push(format!("MAXSCORE is {text}: the item is worth 1 point"));
                Ok(1.0)
            }
        }
        None => {
            notes.push("MAXSCORE's default value is empty: the item is worth 1 point".into());
            Ok(1.0)
        }
    }
}

/// Response-processing rules, conditions and expressions this importer accepts.
const PROCESSING_ELEMENTS: &[&str] = &[
    "qti-response-condition",
    "qti-response-if",
    "qti-response-else-if",
    "qti-response-else",
    "qti-set-outcome-value",
    "qti-exit-response",
    "qti-response-processing-fragment",
    "qti-lookup-outcome-value",
    "qti-match",
    "qti-correct",
    "qti-variable",
    "qti-base-value",
    "qti-map-response",
    "qti-map-response-point",
    "qti-is-null",
    "qti-and",
    "qti-or",
    "qti-not",
    "qti-sum",
    "qti-product",
    "qti-subtract",
    "qti-divide",
    "qti-gt",
    "qti-gte",
    "qti-lt",
    "qti-lte",
    "qti-equal",
    "qti-equal-rounded",
    "qti-member",
    "qti-contains",
    "qti-multiple",
    "qti-ordered",
    "qti-container-size",
    "qti-string-match",
    "qti-pattern-match",
    "qti-inside",
    "qti-delete",
    "qti-index",
    "qti-field-value",
    "qti-random",
    "qti-round",
    "qti-truncate",
    "qti-integer-divide",
    "qti-integer-modulus",
    "qti-power",
    "qti-min",
    "qti-max",
    "qti-null",
    "qti-default",
    "qti-any-n",
    "qti-substring",
    "qti-round-to",
    "qti-math-operator",
    "qti-math-constant",
    "qti-lcm",
    "qti-gcd",
    "qti-repeat",
    "qti-integer-to-float",
    "qti-custom-operator",
    "qti-stats-operator",
    "qti-random-integer",
    "qti-random-float",
    "qti-duration-gte",
    "qti-duration-lt",
];

fn check_processing(
    root: &El,
    version: QtiVersion,
    outcomes: &BTreeSet<String>,
    notes: &mut Vec<String>,
) -> Result<(), QtiError> {
    let Some(processing) = root.child("qti-response-processing") else {
        if version == QtiVersion::V3_0 {
            return Err(QtiError::MissingResponseProcessing);
        }
        notes.push("no response processing: graded by this item type's own rules".into());
        return Ok(());
    };
    if processing.attr("template").is_some() || processing.attr("template-location").is_some() {
        return Ok(());
    }
    let mut sets_outcome = false;
    for el in processing.descendants() {
        if !PROCESSING_ELEMENTS.contains(&el.name.as_str()) {
            return Err(QtiError::UnknownProcessingElement { line: el.line, element: el.name.clone() });
        }
        if el.name == "qti-response-condition" {
            let mut seen_else = false;
            for branch in el.elements() {
                match branch.name.as_str() {
                    "qti-response-else" => seen_else = true,
                    "qti-response-else-if" if seen_else => {
                        return Err(QtiError::ElseIfAfterElse { line: branch.line });
                    }
                    _ => {}
                }
            }
        }
        if el.name == "qti-set-outcome-value" {
            sets_outcome = true;
            let id = el.required("identifier")?;
            // `completionStatus` is a built-in outcome of every item: it needs no declaration.
            if !outcomes.contains(id) && id != "completionStatus" {
                return Err(QtiError::UndeclaredOutcome { line: el.line, identifier: id.to_string() });
            }
        }
    }
    if !sets_outcome {
        return Err(QtiError::ProcessingSetsNoOutcome { line: processing.line });
    }
    Ok(())
}

/// A response declaration: its correct values and mapping.
#[derive(Debug, Clone)]
struct Declaration {
    cardinality: String,
    base_type: String,
    correct: Vec<String>,
    /// Map keys with their values.
    mapping: Vec<(String, f64)>,
    case_sensitive: bool,
}

fn response_declarations(root: &El) -> Result<BTreeMap<String, Declaration>, QtiError> {
    let mut out = BTreeMap::new();
    for decl in root.children_named("qti-response-declaration") {
        let id = decl.required("identifier")?.to_string();
        let correct = decl
            .child("qti-correct-response")
            .map(|c| c.children_named("qti-value").map(El::text).collect())
            .unwrap_or_default();
        let mut mapping = Vec::new();
        let mut case_sensitive = true;
        if let Some(m) = decl.child("qti-mapping") {
            case_sensitive = m.attr("case-sensitive") != Some("false");
            for entry in m.children_named("qti-map-entry") {
                let key = entry.required("map-key")?.to_string();
                let raw = entry.required("mapped-value")?.trim();
                let value: f64 = raw.parse().map_err(|_| QtiError::BadValue {
                    line: entry.line,
                    value: raw.to_string(),
                    problem: "mapped-value must be a number".into(),
                })?;
                if entry.attr("case-sensitive") == Some("false") {
                    case_sensitive = false;
                }
                mapping.push((key, value));
            }
        }
        out.insert(
            id,
            Declaration {
                cardinality: decl.attr("cardinality").unwrap_or("single").to_string(),
                base_type: decl.attr("base-type").unwrap_or("identifier").to_string(),
                correct,
                mapping,
                case_sensitive,
            },
        );
    }
    Ok(out)
}

type Built = (AnswerKey, Option<String>, BTreeMap<String, String>);

fn build_key(root: &El, interactions: &[&El], responses: &BTreeMap<String, Declaration>) -> Result<Built, QtiError> {
    let Some(first) = interactions.first() else {
        return Err(QtiError::NoInteraction);
    };
    for i in interactions {
        let supported = matches!(
            i.name.as_str(),
            "qti-choice-interaction"
                | "qti-inline-choice-interaction"
                | "qti-text-entry-interaction"
                | "qti-extended-text-interaction"
                | "qti-order-interaction"
                | "qti-match-interaction"
                | "qti-gap-match-interaction"
        );
        if !supported {
            return Err(QtiError::UnsupportedInteraction {
                line: i.line,
                interaction: i.name.trim_start_matches("qti-").replace('-', " "),
            });
        }
    }
    let declaration = |i: &El| -> Result<(String, Declaration), QtiError> {
        let id = i.required("response-identifier")?;
        let d =
            responses.get(id).ok_or_else(|| QtiError::UndeclaredResponse { line: i.line, response: id.to_string() })?;
        Ok((id.to_string(), d.clone()))
    };
    // The interaction's prompt, or a paragraph marked as the prompt (text entries have none).
    let marked = || {
        root.child("qti-item-body").and_then(|b| {
            b.descendants().into_iter().find(|e| e.attr("class") == Some("inkstone-prompt")).map(El::text)
        })
    };
    let prompt = first.child("qti-prompt").map(El::text).or_else(marked).filter(|p| !p.is_empty());
    let mut labels = BTreeMap::new();
    let template = root.child("qti-response-processing").and_then(|p| p.attr("template")).unwrap_or("");
    let uses_mapping =
        template.contains("map_response") || root.descendants().iter().any(|e| e.name == "qti-map-response");
    if interactions.len() > 1 {
        let blanks_only = interactions
            .iter()
            .all(|i| matches!(i.name.as_str(), "qti-text-entry-interaction" | "qti-inline-choice-interaction"));
        if !blanks_only {
            return Err(QtiError::UnsupportedInteraction {
                line: interactions[1].line,
                interaction: "several interactions of different kinds in one item".into(),
            });
        }
        let mut blanks = Vec::new();
        for i in interactions {
            let (id, d) = declaration(i)?;
            for c in i.children_named("qti-inline-choice") {
                labels.insert(c.required("identifier")?.to_string(), c.text());
            }
            blanks.push(blank_key(i, &id, &d)?);
        }
        return Ok((AnswerKey::FillIn(FillInKey { blanks }), prompt, labels));
    }
    let i = *first;
    let (id, d) = declaration(i)?;
    let credit_attr = i.attr("data-inkstone-credit");
    let key = match i.name.as_str() {
        "qti-choice-interaction" | "qti-inline-choice-interaction" => {
            let choice_name =
                if i.name == "qti-choice-interaction" { "qti-simple-choice" } else { "qti-inline-choice" };
            let mut options = Vec::new();
            for c in i.children_named(choice_name) {
                let oid = c.required("identifier")?;
                options.push(OptionId::parse(oid)?);
                labels.insert(oid.to_string(), c.text());
            }
            let correct = correct_values(&id, &d)?;
            if i.attr("data-inkstone-kind") == Some("true-false") {
                let value = correct.first().is_some_and(|v| v == "true");
                return Ok((AnswerKey::TrueFalse(value), prompt, BTreeMap::new()));
            }
            let single = d.cardinality == "single" || i.attr("max-choices") == Some("1");
            let partial_credit = match credit_attr {
                Some(c) => parse_choice_credit(c, i.line)?,
                None if uses_mapping && !single => PartialCredit::RightMinusWrong,
                None => PartialCredit::AllOrNothing,
            };
            let correct = correct.iter().map(|c| OptionId::parse(c.as_str())).collect::<Result<BTreeSet<_>, _>>()?;
            AnswerKey::Choice(ChoiceKey { options, correct, single, partial_credit })
        }
        "qti-order-interaction" => {
            for c in i.children_named("qti-simple-choice") {
                labels.insert(c.required("identifier")?.to_string(), c.text());
            }
            let correct =
                correct_values(&id, &d)?.iter().map(|c| OptionId::parse(c.as_str())).collect::<Result<Vec<_>, _>>()?;
            let credit = match credit_attr {
                Some("per-position") => OrderCredit::PerPosition,
                Some("pairwise") => OrderCredit::PairwiseOrder,
                _ => OrderCredit::AllOrNothing,
            };
            AnswerKey::Ordering { correct, credit }
        }
        "qti-match-interaction" | "qti-gap-match-interaction" => {
            for c in i.descendants() {
                if matches!(c.name.as_str(), "qti-simple-associable-choice" | "qti-gap-text" | "qti-gap-img") {
                    labels.insert(c.required("identifier")?.to_string(), c.text());
                }
            }
            let mut pairs = Vec::new();
            for v in correct_values(&id, &d)? {
                let mut parts = v.split_whitespace();
                let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
                    return Err(QtiError::BadValue {
                        line: i.line,
                        value: v.clone(),
                        problem: "a pair is two identifiers separated by a space".into(),
                    });
                };
                pairs.push((OptionId::parse(a)?, OptionId::parse(b)?));
            }
            let credit = match credit_attr {
                Some("per-pair") => MatchCredit::PerPair,
                Some("all-or-nothing") => MatchCredit::AllOrNothing,
                _ if uses_mapping => MatchCredit::PerPair,
                _ => MatchCredit::AllOrNothing,
            };
            AnswerKey::Matching { pairs, credit }
        }
        "qti-text-entry-interaction" => match i.attr("data-inkstone-kind") {
            Some("math") => {
                let reference = correct_values(&id, &d)?.remove(0);
                AnswerKey::Math(MathKey { reference, settings: parse_math_settings(i)? })
            }
            Some("numeric") => AnswerKey::Numeric(numeric_key(i, &id, &d)?),
            _ if matches!(d.base_type.as_str(), "float" | "integer") => AnswerKey::Numeric(numeric_key(i, &id, &d)?),
            _ => AnswerKey::FillIn(FillInKey { blanks: vec![blank_key(i, &id, &d)?] }),
        },
        "qti-extended-text-interaction" => {
            let rubric = i.attr("data-inkstone-rubric").map(str::to_string);
            AnswerKey::FreeText(FreeTextKey { references: d.correct.clone(), rubric })
        }
        other => {
            return Err(QtiError::UnsupportedInteraction { line: i.line, interaction: other.to_string() });
        }
    };
    Ok((key, prompt, labels))
}

fn correct_values(id: &str, d: &Declaration) -> Result<Vec<String>, QtiError> {
    if !d.correct.is_empty() {
        return Ok(d.correct.clone());
    }
    // Some items give only a mapping: its positively scored keys are the correct values.
    let from_mapping: Vec<String> = d.mapping.iter().filter(|(_, v)| *v > 0.0).map(|(k, _)| k.clone()).collect();
    if from_mapping.is_empty() {
        return Err(QtiError::NoCorrectResponse { response: id.to_string() });
    }
    Ok(from_mapping)
}

fn blank_key(i: &El, id: &str, d: &Declaration) -> Result<BlankKey, QtiError> {
    let mut accepted = correct_values(id, d)?;
    for (k, v) in &d.mapping {
        if *v > 0.0 && !accepted.contains(k) {
            accepted.push(k.clone());
        }
    }
    let rules = match i.attr("data-inkstone-normalise") {
        Some(spec) => parse_text_rules(spec, i.line)?,
        None if !d.case_sensitive => TextRules { case: true, ..TextRules::exact() },
        None => TextRules::exact(),
    };
    Ok(BlankKey { accepted, rules })
}

fn bad(line: u32, value: &str, problem: &str) -> QtiError {
    QtiError::BadValue { line, value: value.to_string(), problem: problem.to_string() }
}

fn parse_choice_credit(spec: &str, line: u32) -> Result<PartialCredit, QtiError> {
    Ok(match spec {
        "all-or-nothing" => PartialCredit::AllOrNothing,
        "right-minus-wrong" => PartialCredit::RightMinusWrong,
        "per-option" => PartialCredit::PerOption,
        other => match other.strip_prefix("no-wrong:") {
            Some(p) => PartialCredit::NoWrongPartial {
                partial: p.parse().map_err(|_| bad(line, other, "partial credit must be a number"))?,
            },
            None => return Err(bad(line, other, "unknown credit rule")),
        },
    })
}

fn numeric_key(i: &El, id: &str, d: &Declaration) -> Result<NumericKey, QtiError> {
    let raw = correct_values(id, d)?.remove(0);
    let value: f64 = raw.parse().map_err(|_| bad(i.line, &raw, "the correct response must be a number"))?;
    let tolerance = match i.attr("data-inkstone-tolerance") {
        None | Some("exact") => Tolerance::Exact,
        Some(spec) => {
            let (kind, amount) = spec
                .split_once(':')
                .ok_or_else(|| bad(i.line, spec, "tolerance is exact, absolute:<x> or relative:<x>"))?;
            let amount: f64 = amount.parse().map_err(|_| bad(i.line, spec, "tolerance amount must be a number"))?;
            match kind {
                "absolute" => Tolerance::Absolute(amount),
                "relative" => Tolerance::Relative(amount),
                _ => {
                    return Err(bad(i.line, spec, "tolerance is exact, absolute:<x> or relative:<x>"));
                }
            }
        }
    };
    let unit = match i.attr("data-inkstone-unit") {
        None => UnitRule::None,
        Some(unit) => {
            let missing: f64 = i
                .attr("data-inkstone-missing-unit-credit")
                .unwrap_or("0")
                .parse()
                .map_err(|_| bad(i.line, unit, "missing-unit credit must be a number"))?;
            UnitRule::Expected { unit: unit.to_string(), missing_credit: missing }
        }
    };
    let sig_figs = match i.attr("data-inkstone-sig-figs") {
        None => None,
        Some(spec) => {
            let (n, credit) = spec
                .split_once(':')
                .ok_or_else(|| bad(i.line, spec, "significant figures are <n>:<credit if wrong>"))?;
            Some(SigFigRule {
                required: n.parse().map_err(|_| bad(i.line, spec, "figures must be a whole number"))?,
                credit_if_wrong: credit.parse().map_err(|_| bad(i.line, spec, "credit must be a number"))?,
            })
        }
    };
    Ok(NumericKey { value, tolerance, unit, sig_figs })
}

/// `width script:simplified punctuation whitespace case`: the normalisations a blank applies.
pub(crate) fn parse_text_rules(spec: &str, line: u32) -> Result<TextRules, QtiError> {
    let mut rules = TextRules::exact();
    for word in spec.split_whitespace() {
        match word {
            "width" => rules.width = true,
            "punctuation" => rules.punctuation = true,
            "whitespace" => rules.whitespace = true,
            "case" => rules.case = true,
            "script:simplified" => rules.script = Some(ScriptConversion::Simplified),
            "script:mainland" => rules.script = Some(ScriptConversion::MainlandVocabulary),
            other => return Err(bad(line, other, "unknown normalisation")),
        }
    }
    Ok(rules)
}

fn parse_math_settings(i: &El) -> Result<MathSettings, QtiError> {
    let mut s = MathSettings::school();
    let line = i.line;
    if let Some(p) = i.attr("data-inkstone-precision") {
        s.precision = p.parse().map_err(|_| bad(line, p, "precision must be a whole number"))?;
    }
    if let Some(p) = i.attr("data-inkstone-percent") {
        s.percent = match p {
            "fraction" => PercentConvention::Fraction,
            "ignore" => PercentConvention::Ignore,
            "either" => PercentConvention::Either,
            other => return Err(bad(line, other, "percent is fraction, ignore or either")),
        };
    }
    if let Some(l) = i.attr("data-inkstone-lists") {
        s.lists = match l {
            "ordered" => ListOrder::Ordered,
            "unordered" => ListOrder::Unordered,
            other => return Err(bad(line, other, "lists are ordered or unordered")),
        };
    }
    let flag = |name: &str, default: bool| -> Result<bool, QtiError> {
        match i.attr(name) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(bad(line, other, "expected true or false")),
        }
    };
    s.strict_variables = flag("data-inkstone-strict-variables", s.strict_variables)?;
    s.relation_matches_interval = flag("data-inkstone-relation-matches-interval", s.relation_matches_interval)?;
    s.extraction = Extraction {
        latex: flag("data-inkstone-extract-latex", s.extraction.latex)?,
        plain: flag("data-inkstone-extract-plain", s.extraction.plain)?,
    };
    Ok(s)
}
