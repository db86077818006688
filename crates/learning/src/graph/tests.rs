use expect_test::{Expect, expect};

use super::*;

fn check(text: &str, expect: Expect) {
    let actual = match KnowledgeGraph::parse(text) {
        Ok(graph) => {
            let order: Vec<&str> =
                graph.topological_order().iter().map(|&k| graph.kps()[k as usize].id.as_str()).collect();
            format!("ok: {} kps, {} items, order {}", graph.kps().len(), graph.items().len(), order.join(" "))
        }
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&actual);
}

const HEADER: &str = "version = 1\nsubject = \"s\"\nname_zh = \"数学\"\nname_en = \"Maths\"\n";

#[test]
fn a_small_graph_parses_and_orders_prerequisites_first() {
    check(
        &format!(
            "{HEADER}[[kp]]\nid = \"b\"\nzh = \"乙\"\nen = \"B\"\nrequires = [\"a\"]\n\n\
             [[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n\n[[item]]\nid = \"q1\"\nkps = [\"b\", \"a\"]\n"
        ),
        expect![["ok: 2 kps, 1 items, order a b"]],
    );
}

#[test]
fn a_prerequisite_cycle_is_rejected_and_named() {
    check(
        &format!(
            "{HEADER}[[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\nrequires = [\"c\"]\n\n\
             [[kp]]\nid = \"b\"\nzh = \"乙\"\nen = \"B\"\nrequires = [\"a\"]\n\n\
             [[kp]]\nid = \"c\"\nzh = \"丙\"\nen = \"C\"\nrequires = [\"b\"]\n"
        ),
        expect![["error: line 6: prerequisites form a cycle: a → c → b → a"]],
    );
}

#[test]
fn a_knowledge_point_requiring_itself_is_a_cycle() {
    check(
        &format!("{HEADER}[[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\nrequires = [\"a\"]\n"),
        expect![["error: line 6: prerequisites form a cycle: a → a"]],
    );
}

#[test]
fn unknown_references_duplicates_and_bad_ids_name_their_line() {
    check(
        &format!("{HEADER}[[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\nrequires = [\"zz\"]\n"),
        expect![[r#"error: line 9: "a" refers to unknown knowledge point "zz""#]],
    );
    check(
        &format!("{HEADER}[[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n[[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n"),
        expect![[r#"error: line 10: knowledge point "a" is defined twice (first on line 6)"#]],
    );
    check(
        &format!("{HEADER}[[kp]]\nid = \"Big Name\"\nzh = \"甲\"\nen = \"A\"\n"),
        expect![[r#"error: line 6: invalid id "Big Name": use 1 to 64 characters from a-z, 0-9, '.', '_', '-'"#]],
    );
    check(
        &format!("{HEADER}[[kp]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n[[item]]\nid = \"q\"\nkps = []\n"),
        expect![[r#"error: line 10: item "q" is tagged with no knowledge point"#]],
    );
}

#[test]
fn syntax_errors_and_unknown_versions_are_reported_with_positions() {
    check(
        "version = 1\nsubject = \n",
        expect![["error: line 2, column 11: string values must be quoted, expected literal string"]],
    );
    check(
        &format!("{HEADER}[[kp]]\nid = \"a\"\nzh = \"甲\"\n"),
        expect![["error: line 5, column 1: missing field `en`"]],
    );
    check("version = 2\n", expect![["error: unsupported graph format version 2; this build reads version 1"]]);
}

#[test]
fn the_file_format_round_trips() {
    let graph = junior_secondary_maths();
    let text = graph.to_toml();
    assert_eq!(KnowledgeGraph::parse(&text).unwrap(), graph);
}

#[test]
fn the_built_in_maths_graph_is_a_connected_curriculum() {
    let graph = junior_secondary_maths();
    let n = graph.kps().len();
    assert!((60..=120).contains(&n), "{n} knowledge points");
    for kp in graph.kps() {
        assert!(!kp.name_zh.is_empty() && !kp.name_en.is_empty());
        assert!(matches!(kp.grade, Some(7..=9)));
    }
    // Most points build on others, and a grade-9 point reaches back to grade-7 foundations.
    let with_prereqs = graph.kps().iter().filter(|kp| !kp.prerequisites.is_empty()).count();
    assert!(with_prereqs * 10 >= n * 9, "{with_prereqs} of {n} have prerequisites");
    let trig = graph.kp_index(&KpId::parse("trig.right-triangles").unwrap()).unwrap();
    let mut stack = vec![trig];
    let mut seen = vec![false; n];
    while let Some(k) = stack.pop() {
        for &p in &graph.kps()[k as usize].prerequisites {
            if !seen[p as usize] {
                seen[p as usize] = true;
                stack.push(p);
            }
        }
    }
    let rational = graph.kp_index(&KpId::parse("rational.multiply").unwrap()).unwrap();
    assert!(seen[rational as usize]);
}
