//! Tests of the analyzers, and a property test of the jieba tokenizer's offsets.
#![allow(clippy::unwrap_used)]

use expect_test::{Expect, expect};
use proptest::prelude::*;
use tantivy_jieba::JiebaTokenizer;

use super::*;

fn check(analyzer: fn() -> TextAnalyzer, text: &str, expect: Expect) {
    expect.assert_eq(&terms(&mut analyzer(), text).join(" "));
}

#[test]
fn chinese_text_is_segmented_with_the_parts_of_long_words() {
    check(zh_analyzer, "光合作用是植物最重要的过程", expect!["光合 合作 作用 光合作用 植物 最 重要 过程"]);
}

#[test]
fn chinese_punctuation_spaces_and_function_words_are_dropped() {
    check(
        zh_analyzer,
        "一元一次方程：移项，合并同类项！",
        expect!["一元 一次 次方 方程 一次方程 移项 合并 同类 类项 同类项"],
    );
}

#[test]
fn queries_keep_long_words_whole() {
    check(zh_query_analyzer, "光合作用的过程", expect!["光合作用 过程"]);
    check(zh_query_analyzer, "一元一次方程 例题", expect!["一元 一次方程 例题"]);
}

#[test]
fn latin_words_inside_chinese_are_kept_lowercased() {
    check(zh_analyzer, "DNA的复制与PCR技术", expect!["dna 复制 pcr 技术"]);
}

#[test]
fn english_is_lowercased_stemmed_and_stripped_of_stop_words() {
    check(en_analyzer, "The Lessons on Solving Linear Equations", expect!["lesson solv linear equat"]);
}

#[test]
fn empty_and_blank_text_give_no_terms() {
    check(zh_analyzer, " ，。 ", expect![""]);
    check(en_analyzer, "", expect![""]);
}

/// Text mixing Chinese, Latin letters, digits, punctuation, emoji, combining marks and spaces.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("光合作用".to_owned()),
        Just("一元一次方程".to_owned()),
        Just("的".to_owned()),
        Just("DNA".to_owned()),
        Just("，".to_owned()),
        Just(" ".to_owned()),
        Just("😀".to_owned()),
        Just("e\u{301}".to_owned()),
        "[a-zA-Z0-9]{1,8}",
        "\\PC{1,6}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn jieba_token_offsets_fall_on_char_boundaries_and_match_the_text(text in mixed_text()) {
        for mut tokenizer in [JiebaTokenizer::new(), JiebaTokenizer::with_search_mode(false)] {
            let mut stream = tokenizer.token_stream(&text);
            while stream.advance() {
                let token = stream.token();
                prop_assert!(token.offset_from <= token.offset_to && token.offset_to <= text.len());
                prop_assert!(text.is_char_boundary(token.offset_from), "{:?} in {:?}", token, text);
                prop_assert!(text.is_char_boundary(token.offset_to), "{:?} in {:?}", token, text);
                prop_assert_eq!(&text[token.offset_from..token.offset_to], token.text.as_str());
            }
        }
    }

    #[test]
    fn analysed_offsets_fall_on_char_boundaries(text in mixed_text()) {
        for mut analyzer in [zh_analyzer(), zh_query_analyzer(), en_analyzer()] {
            let mut stream = analyzer.token_stream(&text);
            while stream.advance() {
                let token = stream.token();
                prop_assert!(token.offset_to <= text.len());
                prop_assert!(text.is_char_boundary(token.offset_from) && text.is_char_boundary(token.offset_to));
                prop_assert!(!token.text.is_empty());
            }
        }
    }
}
