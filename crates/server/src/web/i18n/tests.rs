//! The catalogs agree with each other and with the pages; language choice; dates and numbers.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Lang, Tr, catalog_ids};

fn ids(lang: Lang) -> BTreeSet<String> {
    catalog_ids(lang).unwrap_or_else(|e| panic!("{} does not parse: {e}", lang.tag())).into_iter().collect()
}

#[test]
fn both_catalogs_parse_and_hold_the_same_messages() {
    let (zh, en) = (ids(Lang::ZhCn), ids(Lang::En));
    assert!(en.len() > 100, "{}", en.len());
    let only_en: Vec<_> = en.difference(&zh).collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    assert!(only_en.is_empty() && only_zh.is_empty(), "only in en: {only_en:?}; only in zh-CN: {only_zh:?}");
}

/// Every literal message id the templates and the page code ask for, e.g. `t("sign-in")`.
fn used_ids() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("templates"), root.join("src/web")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for call in ["t(\"", "tn(\"", "ts(\"", "targs(\""] {
            for (pos, _) in text.match_indices(call) {
                let preceded = text[..pos].chars().next_back();
                if preceded.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[pos + call.len()..];
                let id: String = rest.chars().take_while(|c| *c != '"').collect();
                if !id.is_empty() && !id.contains('{') {
                    out.insert(id);
                }
            }
        }
    }
    out
}

#[test]
fn every_message_the_pages_ask_for_exists_in_both_languages() {
    let used = used_ids();
    assert!(used.len() > 80, "the scan found too few ids: {used:?}");
    // Ids built from domain values, one per value.
    let mut built: Vec<String> = Vec::new();
    for p in access::consent::Purpose::ALL {
        built.push(format!("purpose-{}", p.as_str()));
        built.push(format!("purpose-{}-explain", p.as_str()));
    }
    for r in records::Role::ALL {
        built.push(format!("role-{}", r.as_str()));
    }
    for s in records::AttendanceStatus::ALL {
        built.push(format!("attendance-{}", s.as_str()));
    }
    for c in
        [records::LineItemCategory::Assignment, records::LineItemCategory::Exam, records::LineItemCategory::TermGrade]
    {
        built.push(format!("category-{}", c.as_str()));
    }
    for g in [
        access::consent::GivenBy::Student,
        access::consent::GivenBy::Guardian,
        access::consent::GivenBy::SchoolOnBehalfOfGuardian,
    ] {
        built.push(format!("given-by-{}", g.as_str()));
    }
    for a in [access::consent::AskWhom::Guardian, access::consent::AskWhom::StudentOrGuardian] {
        built.push(format!("ask-{}", a.as_str()));
    }
    for state in ["done", "missing", "open"] {
        built.push(format!("state-{state}"));
    }
    for lang in Lang::ALL {
        let have = ids(lang);
        let missing: Vec<&String> = used.iter().chain(built.iter()).filter(|id| !have.contains(*id)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
    }
}

#[test]
fn accept_language_picks_the_best_of_our_languages_and_defaults_to_chinese() {
    assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,zh-CN;q=0.5"), Lang::En);
    assert_eq!(Lang::from_accept_language("fr-FR, zh-Hans-CN;q=0.8, en;q=0.7"), Lang::ZhCn);
    assert_eq!(Lang::from_accept_language("de, en;q=0"), Lang::ZhCn);
    assert_eq!(Lang::from_accept_language(""), Lang::ZhCn);
    assert_eq!(Lang::from_accept_language("*"), Lang::ZhCn);
}

#[test]
fn dates_numbers_and_plurals_are_written_the_local_way() {
    let (zh, en) = (Tr::new(Lang::ZhCn), Tr::new(Lang::En));
    let d = base::Date::from_ymd(2026, 11, 6).unwrap();
    assert_eq!(zh.date(d), "2026年11月6日");
    assert_eq!(en.date(d), "6 Nov 2026");
    assert_eq!(en.num(1234567.891, 2), "1,234,567.89");
    assert_eq!(en.num(-1000.0, 0), "-1,000");
    assert_eq!(en.num(8.50, 2), "8.5");
    assert_eq!(zh.pct(0.853), "85%");
    assert_eq!(en.when(base::Timestamp::from_millis(1_795_338_000_000)), "22 Nov 2026 09:00 UTC");
    assert_eq!(en.tn("students-n", "n", 1), "1 student");
    assert_eq!(en.tn("students-n", "n", 3), "3 students");
    assert_eq!(zh.tn("students-n", "n", 3), "学生 3 人");
    // A missing message shows its id (built here, so the catalog check does not ask for it).
    let missing = ["no-such", "message"].join("-");
    assert_eq!(zh.t(&missing), missing);
}
