use expect_test::expect;

use super::*;

fn item(id: &str, difficulty: f64, kps: &[&str]) -> store::learning::StoredItem {
    store::learning::StoredItem {
        id: id.into(),
        subject: Some("s".into()),
        stem_zh: Some(format!("题{id}")),
        stem_en: Some(format!("Question {id}")),
        answer_key: String::new(),
        kps: kps.iter().map(|k| (*k).to_owned()).collect(),
        difficulty,
        source: "test".into(),
    }
}

#[test]
fn grades_map_to_stages_and_unknown_grades_get_the_strictest_rules() {
    let stages: Vec<String> =
        ["01", "06", "07", "09", "10", "12", "KG", ""].iter().map(|g| format!("{g}={:?}", stage_of_grade(g))).collect();
    expect![[r#"["01=Primary", "06=Primary", "07=JuniorSecondary", "09=JuniorSecondary", "10=SeniorSecondary", "12=SeniorSecondary", "KG=Primary", "=Primary"]"#]]
        .assert_eq(&format!("{stages:?}"));
}

#[test]
fn languages_parse_in_their_usual_spellings_and_others_are_refused() {
    assert_eq!(parse_language("zh-CN").unwrap(), Language::ZhCn);
    assert_eq!(parse_language(" EN ").unwrap(), Language::En);
    assert_eq!(parse_language("fr").unwrap_err().as_user().map(UserError::code), Some("invalid"));
}

#[test]
fn practice_items_are_the_easiest_middle_and_hardest_on_the_knowledge_points() {
    let items = vec![
        item("a", 0.9, &["k1"]),
        item("b", -1.0, &["k1"]),
        item("c", 0.1, &["k2"]),
        item("d", 0.0, &["k3"]),
        item("e", 2.0, &["k2", "k1"]),
    ];
    let kps = vec!["k1".to_owned(), "k2".to_owned()];
    expect![[r#"["Question b", "Question a", "Question e"]"#]]
        .assert_eq(&format!("{:?}", practice_items(&items, &kps, Language::En)));
    expect![[r#"["题d"]"#]].assert_eq(&format!("{:?}", practice_items(&items, &["k3".to_owned()], Language::ZhCn)));
}
