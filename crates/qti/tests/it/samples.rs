//! The shared QTI samples, read in place: QTI 3.0 items (valid and deliberately invalid) and
//! QTI 2.1/2.2 items converted on import.

use std::path::PathBuf;

use expect_test::{Expect, expect};
use grading::item::AnswerKey;

fn samples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/standards/qti");
    if dir.is_dir() {
        Some(dir)
    } else {
        #[allow(clippy::print_stdout)]
        {
            println!("note: {} is absent; QTI sample tests skipped", dir.display());
        }
        None
    }
}

fn kind(key: &AnswerKey) -> String {
    match key {
        AnswerKey::Choice(c) if c.single => format!("single choice of {}", c.options.len()),
        AnswerKey::Choice(c) => format!("multiple choice of {} ({:?})", c.options.len(), c.partial_credit),
        AnswerKey::TrueFalse(_) => "true/false".into(),
        AnswerKey::Numeric(n) => format!("numeric {}", n.value),
        AnswerKey::Math(_) => "math".into(),
        AnswerKey::FillIn(f) => format!("fill-in with {} blank(s)", f.blanks.len()),
        AnswerKey::Ordering { correct, .. } => format!("ordering of {}", correct.len()),
        AnswerKey::Matching { pairs, credit } => {
            format!("matching of {} pairs ({credit:?})", pairs.len())
        }
        AnswerKey::FreeText(_) => "free text".into(),
    }
}

/// Imports every `.xml` file of a sample folder; one line per file.
fn check_folder(folder: &str, expect: Expect) {
    let Some(dir) = samples_dir() else { return };
    let dir = dir.join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    let mut out = String::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).unwrap();
        let line = match qti::import_bytes(&bytes) {
            Ok(item) => {
                let notes = if item.notes.is_empty() { String::new() } else { format!(" [{}]", item.notes.join("; ")) };
                format!("ok: {}, {} points{notes}", kind(&item.item.key), item.item.max_points)
            }
            Err(e) => format!("rejected: {e}"),
        };
        out.push_str(&format!("{name}: {line}\n"));
    }
    expect.assert_eq(&out);
}

#[test]
fn qti3_samples_import_and_the_broken_ones_are_rejected_with_reasons() {
    check_folder(
        "qti3-kennisnet-php-qti3/items",
        expect![[r#"
            complex-response-processing.xml: rejected: line 101: several interactions of different kinds in one item is not supported yet
            default-value-empty-value.xml: rejected: line 15: empty <qti-value> in <qti-default-value>; write the value or remove the element
            default-value-without-value.xml: ok: single choice of 2, 1 points [MAXSCORE's default value is empty: the item is worth 1 point]
            default-value-wrong-tag.xml: rejected: line 15: <qti-wrong-tag> is not allowed inside <qti-default-value>
            else-if-after-else.xml: rejected: line 43: <qti-response-else-if> after <qti-response-else>; the else branch must come last
            empty-correct-response-value.xml: rejected: line 5: empty <qti-value> in <qti-correct-response>; write the value or remove the element
            extended-text-outcome-declaration-without-default.xml: rejected: the item declares no MAXSCORE outcome, so its points are unknown; declare MAXSCORE with a default value
            gap-match-no-processing.xml: rejected: line 94: the response processing never sets an outcome, so it cannot score the item
            item.xml: ok: single choice of 2, 1 points
            item001.xml: ok: matching of 4 pairs (PerPair), 2 points
            map-response-point-template.xml: rejected: line 22: select point interaction is not supported yet
            map-response-template.xml: ok: matching of 2 pairs (PerPair), 2 points
            match-correct-template.xml: ok: fill-in with 1 blank(s), 1 points
            match-interaction-no-processing.xml: rejected: the item has no response processing, so it cannot be scored; add <qti-response-processing> (a template is enough)
            metadata.xml: rejected: the root element is <lom>, not an assessment item
            missing-outcome-declaration-maxscore.xml: rejected: the item declares no MAXSCORE outcome, so its points are unknown; declare MAXSCORE with a default value
            non-existing-outcome.xml: rejected: line 55: the response processing sets "NON-EXISTING", which is not a declared outcome
            number-comparison-expressions.xml: ok: numeric 0.5, 1 points
            outcome-declaration-without-default.xml: rejected: line 17: the MAXSCORE outcome has no default value; give it one (the item's maximum points)
            select-point-processing.xml: rejected: line 23: select point interaction is not supported yet
            simple-choice-processing.xml: ok: single choice of 2, 1 points
            simple-match-processing.xml: ok: matching of 2 pairs (PerPair), 1 points
            simple-multiple-choice-processing1.xml: ok: multiple choice of 3 (RightMinusWrong), 2 points
            simple-multiple-choice-processing2.xml: ok: multiple choice of 3 (RightMinusWrong), 1 points
            various-expressions.xml: ok: matching of 2 pairs (PerPair), 1 points
            with-else-if.xml: ok: matching of 2 pairs (PerPair), 1 points
            without-response-processing.xml: rejected: the item has no response processing, so it cannot be scored; add <qti-response-processing> (a template is enough)
            wrong-expression-element.xml: rejected: line 51: <qti-wrong-element> is not a response-processing rule or expression
            wrong-processing-element.xml: rejected: line 49: <qti-wrong-element> is not a response-processing rule or expression
        "#]],
    );
}

#[test]
fn qti21_samples_are_converted_or_rejected_with_reasons() {
    check_folder(
        "qti21-oat-qti-sdk/items",
        expect![[r#"
            associate_default.xml: rejected: line 21: associate interaction is not supported yet
            associate_min.xml: rejected: line 21: associate interaction is not supported yet
            associate_min_max.xml: rejected: line 21: associate interaction is not supported yet
            choice_default.xml: ok: multiple choice of 6 (RightMinusWrong), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            choice_min.xml: ok: multiple choice of 6 (RightMinusWrong), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            choice_min_max.xml: ok: multiple choice of 6 (RightMinusWrong), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            drawing.xml: rejected: line 9: drawing interaction is not supported yet
            extended_text_max.xml: ok: free text, 1 points [no MAXSCORE outcome: the item is worth 1 point; no response processing: graded by this item type's own rules]
            extended_text_min.xml: ok: free text, 1 points [no MAXSCORE outcome: the item is worth 1 point; no response processing: graded by this item type's own rules]
            extended_text_min_max.xml: ok: free text, 1 points [no MAXSCORE outcome: the item is worth 1 point; no response processing: graded by this item type's own rules]
            extended_text_patternmask.xml: ok: free text, 1 points [no MAXSCORE outcome: the item is worth 1 point; no response processing: graded by this item type's own rules]
            graphic_associate_min.xml: rejected: line 26: graphic associate interaction is not supported yet
            graphic_associate_min_max.xml: rejected: line 26: graphic associate interaction is not supported yet
            hotspot_default.xml: rejected: line 16: hotspot interaction is not supported yet
            hotspot_min.xml: rejected: line 16: hotspot interaction is not supported yet
            hotspot_min_max.xml: rejected: line 16: hotspot interaction is not supported yet
            hottext_default.xml: rejected: line 23: hottext interaction is not supported yet
            hottext_min.xml: rejected: line 23: hottext interaction is not supported yet
            hottext_min_max.xml: rejected: line 23: hottext interaction is not supported yet
            inline_choice_required.xml: ok: single choice of 3, 1 points [no MAXSCORE outcome: the item is worth 1 point]
            match_default.xml: ok: matching of 4 pairs (PerPair), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            match_min.xml: ok: matching of 4 pairs (PerPair), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            match_min_max.xml: ok: matching of 4 pairs (PerPair), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            multiple_interactions.xml: rejected: line 37: several interactions of different kinds in one item is not supported yet
            order_max.xml: ok: ordering of 3, 1 points [no MAXSCORE outcome: the item is worth 1 point]
            order_min.xml: ok: ordering of 3, 1 points [no MAXSCORE outcome: the item is worth 1 point]
            order_min_max.xml: ok: ordering of 3, 1 points [no MAXSCORE outcome: the item is worth 1 point]
            position_object_default.xml: rejected: line 28: position object interaction is not supported yet
            position_object_min.xml: rejected: line 28: position object interaction is not supported yet
            position_object_min_max.xml: rejected: line 28: position object interaction is not supported yet
            rich_gap_text.xml: rejected: response "RESPONSE" has no correct response, so the item cannot be graded automatically
            select_point_default.xml: rejected: line 17: select point interaction is not supported yet
            select_point_min.xml: rejected: line 17: select point interaction is not supported yet
            select_point_min_max.xml: rejected: line 17: select point interaction is not supported yet
            table.xml: rejected: the item body has no interaction to answer
            template_processing.xml: rejected: response "RESPONSE" has no correct response, so the item cannot be graded automatically
            text_entry_patternmask.xml: ok: fill-in with 1 blank(s), 1 points [no MAXSCORE outcome: the item is worth 1 point]
            upload.xml: rejected: line 9: upload interaction is not supported yet
        "#]],
    );
}

#[test]
fn every_deliberately_invalid_qti3_sample_is_rejected() {
    let Some(dir) = samples_dir() else { return };
    let invalid = [
        "wrong-expression-element.xml",
        "wrong-processing-element.xml",
        "else-if-after-else.xml",
        "default-value-wrong-tag.xml",
        "default-value-empty-value.xml",
        "non-existing-outcome.xml",
        "missing-outcome-declaration-maxscore.xml",
        "empty-correct-response-value.xml",
        "outcome-declaration-without-default.xml",
        "extended-text-outcome-declaration-without-default.xml",
        "without-response-processing.xml",
        "gap-match-no-processing.xml",
        "match-interaction-no-processing.xml",
    ];
    for name in invalid {
        let bytes = std::fs::read(dir.join("qti3-kennisnet-php-qti3/items").join(name)).unwrap();
        let result = qti::import_bytes(&bytes);
        assert!(result.is_err(), "{name} was accepted");
        assert!(
            !matches!(result, Err(qti::QtiError::UnsupportedInteraction { .. })),
            "{name} rejected for the wrong reason"
        );
    }
}
