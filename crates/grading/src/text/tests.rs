//! Tests of `text`.
#![allow(clippy::unwrap_used)]

use expect_test::{Expect, expect};

use crate::text::{ScriptConversion, TextRules, normalise, to_simplified};

fn check(input: &str, rules: &TextRules, expect: Expect) {
    let (out, applied) = normalise(input, rules);
    expect.assert_eq(&format!("{out:?} {applied:?}"));
}

#[test]
fn traditional_characters_become_simplified() {
    assert_eq!(to_simplified("臺灣的國語", ScriptConversion::Simplified), "台湾的国语");
    assert_eq!(to_simplified("漢字簡化", ScriptConversion::Simplified), "汉字简化");
    assert_eq!(to_simplified("already simple 简体", ScriptConversion::Simplified), "already simple 简体");
}

#[test]
fn school_rules_fold_width_script_punctuation_space_and_case() {
    let rules = TextRules::school();
    check("ＡＢＣ１２３", &rules, expect![[r#""abc123" [Width, Case]"#]]);
    check("光合作用。", &rules, expect![[r#""光合作用" [Punctuation]"#]]);
    check("  光 合 作 用 ", &rules, expect![[r#""光合作用" [Whitespace]"#]]);
    check("葉綠體", &rules, expect![[r#""叶绿体" [Script]"#]]);
    check("New   York", &rules, expect![[r#""new york" [Whitespace, Case]"#]]);
    check("「細胞核」", &rules, expect![[r#""细胞核" [Script, Punctuation]"#]]);
}

#[test]
fn mainland_vocabulary_also_replaces_regional_words() {
    assert_eq!(to_simplified("滑鼠", ScriptConversion::Simplified), "滑鼠");
    assert_eq!(to_simplified("滑鼠", ScriptConversion::MainlandVocabulary), "鼠标");
}

#[test]
fn exact_rules_change_nothing() {
    check("ＡＢＣ 葉。", &TextRules::exact(), expect![[r#""ＡＢＣ 葉。" []"#]]);
}
