//! Assignments from the item bank in the browser: the builder, a student's answer sheet, the
//! grading queue (accept, release), and what the student sees afterwards.

use axum::http::StatusCode;
use test_support::store_test;

use super::{Browser, SCRIPT, assert_escaped};

/// Bank item ids on the builder page whose kind is typed (maths or a number).
fn typed_items(body: &str) -> Vec<String> {
    body.split("name=\"item\" value=\"")
        .skip(1)
        .filter(|rest| {
            let row = &rest[..rest.find("</li>").unwrap()];
            row.contains("maths ·") || row.contains("number ·")
        })
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

store_test!(a_teacher_builds_an_assignment_from_the_bank_a_student_hands_in_and_the_grades_are_released, |db| {
    let mut t = Browser::demo(&db).await;
    t.accept_language = Some("en".into());
    let (class, ..) = t.class_of("student0001").await;
    t.sign_in("teacher01").await;
    let builder = t.get(&format!("/teach/classes/{class}/quizzes/new")).await;
    assert_eq!(builder.status, StatusCode::OK, "{}", builder.show());
    let items = typed_items(&builder.body);
    assert!(items.len() >= 2, "{}", builder.show());
    let title = format!("{SCRIPT} 测验");
    let path = format!("/teach/classes/{class}/quizzes/new");
    let fields = [
        ("csrf", builder.input("csrf")),
        ("once", builder.input("once")),
        ("title", title.clone()),
        ("due", "2026-12-01".to_owned()),
        ("item", items[0].clone()),
        ("item", items[1].clone()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Nothing chosen: refused in words, what was typed kept.
    let none: Vec<(&str, &str)> = fields.iter().filter(|(k, _)| *k != "item").copied().collect();
    let refused = t.post_form(&path, &none).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.show());
    assert!(refused.body.contains("Choose at least one question"), "{}", refused.show());
    assert_escaped(&refused);
    let created = t.post_form(&path, &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.show());
    let queue_path = created.location().split('?').next().unwrap().to_owned();
    assert!(queue_path.starts_with("/teach/quizzes/"), "{queue_path}");
    let again = t.post_form(&path, &fields).await;
    assert_eq!(again.location(), format!("/teach/classes/{class}/grading?notice=already-saved"));
    let list = t.get(&format!("/teach/classes/{class}/grading")).await;
    assert_eq!(list.body.matches(&format!("href=\"{queue_path}\"")).count(), 1, "{}", list.show());
    assert_escaped(&list);

    // The student answers one question on their sheet.
    let mut s = t.another();
    s.accept_language = Some("en".into());
    s.sign_in("student0001").await;
    let classes = s.get("/learn").await;
    let sheet_path = queue_path.replace("/teach/", "/learn/");
    assert!(classes.body.contains(&sheet_path), "{}", classes.show());
    assert_escaped(&classes);
    let sheet = s.get(&sheet_path).await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.show());
    let field = format!("a:{}", items[0]);
    let (csrf, once) = (sheet.input("csrf"), sheet.input("once"));
    let answer = [("csrf", csrf.as_str()), ("once", once.as_str()), (field.as_str(), "12")];
    let handed = s.post_form(&sheet_path, &answer).await;
    assert_eq!(handed.location(), format!("{sheet_path}?notice=handed-in"), "{}", handed.show());
    assert_eq!(s.post_form(&sheet_path, &answer).await.location(), format!("{sheet_path}?notice=already-saved"));
    assert_eq!(s.get(&sheet_path).await.input(&field), "12", "the answer is shown back");
    // The student cannot open the grading queue.
    assert_eq!(s.get(&queue_path).await.status, StatusCode::FORBIDDEN);

    // The teacher accepts the suggestions and releases them.
    let queue = t.get(&queue_path).await;
    assert!(queue.body.contains("1 student answered (1 answer); "), "{}", queue.show());
    let csrf = queue.input("csrf");
    let accepted = t.post_form(&queue_path, &[("csrf", &csrf), ("action", "accept")]).await;
    assert_eq!(accepted.location(), format!("{queue_path}?notice=grades-accepted"), "{}", accepted.show());
    let released = t.post_form(&queue_path, &[("csrf", &csrf), ("action", "release")]).await;
    assert_eq!(released.location(), format!("{queue_path}?notice=grades-released"), "{}", released.show());
    let after = t.get(&queue_path).await;
    assert!(after.body.contains("released"), "{}", after.show());

    // The student now sees their points.
    let graded = s.get(&sheet_path).await;
    assert!(graded.body.contains("Your total:"), "{}", graded.show());
});

store_test!(a_teacher_reads_the_item_analysis_of_an_assignment_in_either_language_and_a_student_cannot, |db| {
    let mut t = Browser::demo(&db).await;
    t.accept_language = Some("en".into());
    let (class, ..) = t.class_of("student0001").await;
    t.sign_in("teacher01").await;
    // The demo assignment, answered by most of the class, is linked from the grading page.
    let list = t.get(&format!("/teach/classes/{class}/grading")).await;
    let start = list.body.find("/analysis\"").unwrap_or_else(|| panic!("no analysis link: {}", list.show()));
    let open = list.body[..start].rfind("href=\"").unwrap() + "href=\"".len();
    let path = format!("{}/analysis", &list.body[open..start]);
    let page = t.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.show());
    assert!(page.body.contains("Item analysis: "), "{}", page.show());
    assert!(page.body.contains("students handed in; mean total"), "{}", page.show());
    assert!(page.body.contains("Reliability: KR-20 "), "{}", page.show());
    // One table row per question of the demo bank, and one dot per question with statistics.
    let rows = page.body.split("<tbody>").nth(1).unwrap().matches("<tr>").count();
    assert_eq!(rows, 9, "{}", page.show());
    assert!(
        page.body.contains("role=\"img\" aria-labelledby=\"analysis-chart-t analysis-chart-d\""),
        "{}",
        page.show()
    );
    let dots = page.body.matches("<circle").count();
    assert!((1..=9).contains(&dots), "{dots} dots: {}", page.show());
    // The boiling-point question shows how its options were chosen, with the key marked.
    assert!(page.body.contains("B (key): "), "{}", page.show());
    assert!(!page.body.contains("NaN"), "{}", page.show());
    // The same page in Chinese: words from the Chinese catalog, numbers the same.
    let mut zh = t.another();
    zh.accept_language = Some("zh-CN".into());
    zh.sign_in("teacher01").await;
    let page_zh = zh.get(&path).await;
    assert_eq!(page_zh.status, StatusCode::OK, "{}", page_zh.show());
    assert!(page_zh.body.contains("试题分析：") && page_zh.body.contains("信度：KR-20 "), "{}", page_zh.show());
    assert!(page_zh.body.contains("B（正确答案）") || page_zh.body.contains("B (正确答案)"), "{}", page_zh.show());
    // A student may not read it.
    let mut s = t.another();
    s.accept_language = Some("en".into());
    s.sign_in("student0001").await;
    assert_eq!(s.get(&path).await.status, StatusCode::FORBIDDEN);

    // A new assignment nobody has answered yet says so instead of failing.
    let builder = t.get(&format!("/teach/classes/{class}/quizzes/new")).await;
    let item = typed_items(&builder.body).remove(0);
    let fields = [
        ("csrf", builder.input("csrf")),
        ("once", builder.input("once")),
        ("title", "Empty".to_owned()),
        ("item", item),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = t.post_form(&format!("/teach/classes/{class}/quizzes/new"), &fields).await;
    let queue_path = created.location().split('?').next().unwrap().to_owned();
    let queue = t.get(&queue_path).await;
    assert!(queue.body.contains(&format!("href=\"{queue_path}/analysis\"")), "{}", queue.show());
    let empty = t.get(&format!("{queue_path}/analysis")).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.show());
    assert!(empty.body.contains("Nobody has handed in answers yet"), "{}", empty.show());
});
