//! Integration tests of the search crate: indexing resources and searching them.
#![allow(clippy::unwrap_used)]

use content::manifest::{Manifest, ResourceKind};
use expect_test::{Expect, expect};
use search::{Match, ResourceDoc, SearchError, SearchIndex, SearchQuery};

/// A resource: `channel/course/resource kind subject grades kps` then the texts.
fn doc(key: &str, kind: &str, subject: &str, grades: &[u8], kps: &[&str], zh: [&str; 3], en: [&str; 3]) -> ResourceDoc {
    let parts: Vec<&str> = key.split('/').collect();
    ResourceDoc {
        channel: parts[0].into(),
        course: parts[1].into(),
        unit: format!("{}-u1", parts[1]),
        resource: parts[2].into(),
        kind: ResourceKind::parse(kind).unwrap(),
        subject: subject.into(),
        grades: grades.to_vec(),
        kps: kps.iter().map(|s| (*s).to_owned()).collect(),
        title_zh: zh[0].into(),
        description_zh: zh[1].into(),
        transcript_zh: zh[2].into(),
        title_en: en[0].into(),
        description_en: en[1].into(),
        transcript_en: en[2].into(),
    }
}

fn library() -> Vec<ResourceDoc> {
    vec![
        doc(
            "bio/plants/r1",
            "video",
            "biology",
            &[7],
            &["bio.photosynthesis"],
            ["光合作用", "绿色植物如何利用阳光制造有机物", "同学们好，今天我们学习光合作用"],
            ["Photosynthesis", "How green plants make food from sunlight", ""],
        ),
        doc(
            "bio/plants/r2",
            "exercise",
            "biology",
            &[7],
            &["bio.photosynthesis", "bio.respiration"],
            ["光合作用与呼吸作用练习", "", ""],
            ["", "", ""],
        ),
        doc(
            "bio/plants/r3",
            "video",
            "biology",
            &[8],
            &["bio.respiration"],
            ["呼吸作用", "细胞如何释放能量", "光合作用的产物是呼吸作用的原料"],
            ["Cell respiration", "", ""],
        ),
        doc(
            "maths/algebra/m1",
            "video",
            "maths",
            &[7],
            &["linear-eq.transpose"],
            ["一元一次方程：移项", "解方程的第一步", ""],
            ["Linear equations: moving terms", "Solving equations step by step", ""],
        ),
        doc(
            "maths/algebra/m2",
            "pdf",
            "maths",
            &[7, 8],
            &["linear-eq.transpose"],
            ["一元一次方程典型例题", "", ""],
            ["", "", ""],
        ),
        doc(
            "maths/premium/p1",
            "html5",
            "maths",
            &[8],
            &["quadratic.roots"],
            ["二次函数的图像", "", ""],
            ["Graphs of quadratic functions", "", ""],
        ),
        doc(
            "eng/grammar/e1",
            "audio",
            "english",
            &[7],
            &["en.present-simple"],
            ["一般现在时", "", ""],
            ["The present simple tense", "Habits and facts", "Every day I walk to school"],
        ),
    ]
}

fn index_of(docs: &[ResourceDoc]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let mut indexer = index.indexer(1, 15_000_000).unwrap();
    for d in docs {
        indexer.add(d).unwrap();
    }
    indexer.commit().unwrap();
    index
}

fn show(index: &SearchIndex, query: &SearchQuery) -> String {
    let results = index.search(query).unwrap();
    let hits: Vec<String> = results.hits.iter().map(|h| format!("{}/{}", h.channel, h.resource)).collect();
    format!("{:?}{} {}", results.matched, if results.more { " more" } else { "" }, hits.join(" "))
}

fn check(query: SearchQuery, expect: Expect) {
    expect.assert_eq(&show(&index_of(&library()), &query));
}

fn text(text: &str) -> SearchQuery {
    SearchQuery { text: text.into(), limit: 10, ..SearchQuery::default() }
}

#[test]
fn a_chinese_query_ranks_a_title_match_above_a_transcript_match() {
    check(text("光合作用"), expect!["AllWords bio/r2 bio/r1 bio/r3"]);
}

#[test]
fn part_of_a_long_chinese_word_finds_the_whole() {
    check(text("光合"), expect!["AllWords bio/r2 bio/r1 bio/r3"]);
}

#[test]
fn an_english_query_matches_other_forms_of_the_word() {
    check(text("equation"), expect!["AllWords maths/m1"]);
    check(text("solve"), expect!["AllWords maths/m1"]);
}

#[test]
fn every_word_must_match_before_resources_with_some_words_follow() {
    check(text("一元一次方程 例题"), expect!["SomeWords maths/m2 maths/m1"]);
    let mut q = text("一元一次方程 例题");
    q.limit = 1;
    check(q, expect!["AllWords more maths/m2"]);
}

#[test]
fn filters_narrow_by_subject_grade_knowledge_point_and_kind() {
    let q = |f: fn(&mut SearchQuery)| {
        let mut q = text("作用");
        f(&mut q);
        q
    };
    check(q(|_| {}), expect!["AllWords bio/r2 bio/r3 bio/r1"]);
    check(q(|q| q.grades = vec![8]), expect!["AllWords bio/r3"]);
    check(q(|q| q.kinds = vec![ResourceKind::Exercise]), expect!["AllWords bio/r2"]);
    check(q(|q| q.kps = vec!["bio.photosynthesis".into()]), expect!["AllWords bio/r2 bio/r1"]);
    check(q(|q| q.subjects = vec!["maths".into()]), expect!["AllWords "]);
    check(q(|q| q.grades = vec![7, 8]), expect!["AllWords bio/r2 bio/r3 bio/r1"]);
}

#[test]
fn filters_alone_browse_without_text() {
    let q = SearchQuery { kps: vec!["linear-eq.transpose".into()], limit: 10, ..SearchQuery::default() };
    check(q, expect!["AllWords maths/m1 maths/m2"]);
    let q = SearchQuery { subjects: vec!["english".into()], grades: vec![7], limit: 10, ..SearchQuery::default() };
    check(q, expect!["AllWords eng/e1"]);
}

#[test]
fn hidden_premium_courses_are_left_out() {
    let mut q = text("函数");
    check(q.clone(), expect!["AllWords maths/p1"]);
    q.hidden_courses = vec![("maths".into(), "premium".into())];
    check(q, expect!["AllWords "]);
}

#[test]
fn a_misspelt_english_word_is_found_one_letter_away() {
    check(text("photosynthesus"), expect!["Fuzzy bio/r1"]);
    check(text("xyzzy"), expect!["Fuzzy "]);
}

#[test]
fn paging_returns_the_next_hits() {
    let mut q = text("作用");
    q.limit = 2;
    check(q.clone(), expect!["AllWords more bio/r2 bio/r3"]);
    q.offset = 2;
    check(q.clone(), expect!["AllWords bio/r1"]);
    q.offset = 5;
    check(q, expect!["AllWords "]);
}

#[test]
fn a_query_of_only_punctuation_and_stop_words_browses_everything() {
    let results = index_of(&library()).search(&text("的，。 the")).unwrap();
    assert_eq!((results.hits.len(), results.matched), (7, Match::AllWords));
}

#[test]
fn replacing_a_channel_leaves_one_copy_of_each_resource_and_removing_it_leaves_none() {
    let index = index_of(&library());
    let mut bio: Vec<ResourceDoc> = library().into_iter().filter(|d| d.channel == "bio").collect();
    bio[0].title_zh = "光合作用（新版）".into();
    let mut indexer = index.indexer(1, 15_000_000).unwrap();
    indexer.replace_channel("bio", &bio).unwrap();
    // Not visible before the commit.
    assert_eq!(index.num_docs(), 7);
    indexer.commit().unwrap();
    assert_eq!(index.num_docs(), 7);
    expect!["AllWords bio/r1"].assert_eq(&show(&index, &text("新版")));
    indexer.remove_channel("bio");
    indexer.commit().unwrap();
    assert_eq!(index.num_docs(), 4);
    expect!["AllWords "].assert_eq(&show(&index, &text("光合作用")));
}

#[test]
fn an_index_on_disk_is_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        let indexer = index.indexer(1, 15_000_000).unwrap();
        indexer.replace_channel("bio", &library()[..3]).unwrap();
        indexer.commit_and_merge().unwrap();
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.num_docs(), 3);
    expect!["AllWords bio/r2 bio/r1 bio/r3"].assert_eq(&show(&index, &text("光合作用")));
}

#[test]
fn an_index_written_with_another_schema_is_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let mut schema = tantivy::schema::Schema::builder();
    schema.add_text_field("body", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(dir.path(), schema.build()).unwrap();
    let err = SearchIndex::open_or_create(dir.path()).unwrap_err();
    assert!(matches!(err, SearchError::SchemaMismatch { field: "key", .. }), "{err}");
    assert!(err.to_string().contains("delete the folder"));
}

#[test]
fn documents_come_from_a_channels_selected_units() {
    let manifest = Manifest::from_json(
        r#"{"format":"inkstone-channel/1","id":"ch","version":1,"publisher":"p","created_at":"2026-09-01T00:00:00Z",
        "title":{"en":"c"},"licence":"CC0-1.0","courses":[{"id":"c1","title":{"en":"c1"},"subject":"maths","grades":[7],
        "units":[{"id":"u1","title":{"en":"u1"},"resources":[{"id":"r1","kind":"pdf","title":{"zh-CN":"分数","en":"Fractions"},
        "kps":["fractions"],"files":[{"hash":"05eeec2d70845694d3ba89ad9e1c34b6b4d806275c3c63b84241a40ae4591ca4","size":5,
        "media_type":"application/pdf","role":"main"}]}]},{"id":"u2","title":{"en":"u2"},"resources":[]}]}]}"#
            .as_bytes(),
    )
    .unwrap();
    let docs = ResourceDoc::from_manifest(&manifest, |u| u.as_str() == "u1");
    expect![[r#"[ResourceDoc { channel: "ch", course: "c1", unit: "u1", resource: "r1", kind: Pdf, subject: "maths", grades: [7], kps: ["fractions"], title_zh: "分数", title_en: "Fractions", description_zh: "", description_en: "", transcript_zh: "", transcript_en: "" }]"#]]
        .assert_eq(&format!("{docs:?}"));
    assert!(ResourceDoc::from_manifest(&manifest, |u| u.as_str() == "u2").is_empty());
}

#[test]
fn a_document_whose_ids_cannot_be_read_back_is_refused() {
    let index = SearchIndex::in_memory().unwrap();
    let indexer = index.indexer(1, 15_000_000).unwrap();
    let mut bad = library().remove(0);
    bad.channel = "a/b".into();
    assert!(matches!(indexer.add(&bad), Err(SearchError::InvalidDoc { .. })));
}
