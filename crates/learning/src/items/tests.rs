use expect_test::expect;

use super::*;
use crate::graph::junior_secondary_maths;

#[test]
fn every_template_targets_a_knowledge_point_of_the_built_in_graph() {
    let graph = junior_secondary_maths();
    for (kp, _, _) in TEMPLATES {
        assert!(graph.kp_index(&KpId::parse(kp).unwrap()).is_some(), "{kp}");
    }
    let items = generate(&graph, 3, 1);
    assert_eq!(items.len(), 3 * TEMPLATES.len());
    let kps: std::collections::BTreeSet<_> = items.iter().map(|i| &i.kps[0]).collect();
    assert!(kps.len() >= 40, "{} knowledge points have items", kps.len());
    let ids: std::collections::BTreeSet<_> = items.iter().map(|i| &i.id).collect();
    assert_eq!(ids.len(), items.len(), "item ids are unique");
}

#[test]
fn generation_is_reproducible_from_the_seed() {
    let graph = junior_secondary_maths();
    assert_eq!(generate(&graph, 2, 9), generate(&graph, 2, 9));
    assert_ne!(generate(&graph, 2, 9), generate(&graph, 2, 10));
}

#[test]
fn generated_linear_equations_have_their_answer_as_solution() {
    let graph = junior_secondary_maths();
    for item in generate(&graph, 50, 4).iter().filter(|i| i.id.as_str().starts_with("le1-")) {
        // Stem: "Solve ax + b = c." — substitute the answer and check both sides agree.
        let eq = item.stem_en.trim_start_matches("Solve ").trim_end_matches('.');
        let (lhs, rhs) = eq.split_once(" = ").unwrap();
        let x: i64 = item.answer.parse().unwrap();
        let rhs: i64 = rhs.parse().unwrap();
        let lhs = lhs.replace(" - ", " + -");
        let mut total = 0;
        for term in lhs.split(" + ") {
            total += match term.strip_suffix('x') {
                Some("") => x,
                Some("-") => -x,
                Some(coef) => coef.parse::<i64>().unwrap() * x,
                None => term.parse::<i64>().unwrap(),
            };
        }
        assert_eq!(total, rhs, "{}", item.stem_en);
    }
}

#[test]
fn the_first_items_read_well_in_both_languages() {
    let graph = junior_secondary_maths();
    let items = generate(&graph, 1, 7);
    let shown: Vec<String> = items
        .iter()
        .filter(|i| ["le3-0001", "qf-0001", "pc-0001", "vx-0001"].contains(&i.id.as_str()))
        .map(|i| format!("{} [{}] {} | {} => {}", i.id, i.kps[0], i.stem_zh, i.stem_en, i.answer))
        .collect();
    expect![[r#"
        le3-0001 [lineq.denominators] 解方程：x/3 + 1 = -7 | Solve x/3 + 1 = -7. => -24
        qf-0001 [quadeq.factorising] 方程 x² + 11x + 24 = 0 的较大根是多少？ | What is the larger root of x² + 11x + 24 = 0? => -3
        vx-0001 [quadfn.graph] 抛物线 y = (x - 2)² + 1 的顶点坐标是？ | What is the vertex of y = (x - 2)² + 1? => (2, 1)
        pc-0001 [prob.classical] 袋中有 8 个红球和 5 个白球，随机摸出一个，是红球的概率是多少？ | A bag holds 8 red and 5 white balls. What is the probability that a ball drawn at random is red? => 8/13"#]].assert_eq(&shown.join("\n"));
}
