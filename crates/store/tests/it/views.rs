//! The learner's classes and the teacher's class summary.

use base::{Date, LineItemId, RecordId};
use records::{AttendanceRecord, AttendanceStatus, LineItem, LineItemCategory, ResultRecord, Score};
use store::coursework;
use test_support::store_test;

use crate::fixtures::{self, NOW, cid, pid, today};

store_test!(a_learner_sees_their_classes_with_their_own_progress, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let mut tx = store.write().await.unwrap();
    for (id, title) in [("hw1", "作业一"), ("hw2", "作业二")] {
        let li = LineItem {
            id: LineItemId::parse(id).unwrap(),
            class: cid("A"),
            title: title.into(),
            category: LineItemCategory::Assignment,
            session: None,
            assigned: None,
            due: Some(Date::parse("2026-10-01").unwrap()),
            max_score: 20.0,
        };
        coursework::insert_line_item(&mut tx, &li, NOW).await.unwrap();
    }
    for (student, score) in [("s1", 15.0), ("s2", 20.0)] {
        let r = ResultRecord {
            id: RecordId::parse(format!("r-{student}")).unwrap(),
            line_item: LineItemId::parse("hw1").unwrap(),
            student: pid(student),
            score: Some(Score::new(score, 20.0).unwrap()),
            grade: None,
            comment: None,
            recorded_at: NOW,
            recorded_by: Some(pid("t1")),
        };
        coursework::upsert_result(&mut tx, &r).await.unwrap();
    }
    for (day, status) in [("2026-11-02", AttendanceStatus::Present), ("2026-11-03", AttendanceStatus::Absent)] {
        let a = AttendanceRecord {
            id: RecordId::parse(format!("att-{day}")).unwrap(),
            class: cid("A"),
            student: pid("s1"),
            date: Date::parse(day).unwrap(),
            status,
            note: None,
            recorded_by: Some(pid("t1")),
        };
        coursework::upsert_attendance(&mut tx, &a, NOW).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut c = store.read().await.unwrap();
    let classes = store::views::learner_classes(&mut c, &pid("s1"), today()).await.unwrap();
    assert_eq!(classes.len(), 1);
    let class = &classes[0];
    assert_eq!(class.teachers, ["张伟"]);
    assert_eq!(
        class.items.iter().map(|i| (i.title.as_str(), i.score, i.done)).collect::<Vec<_>>(),
        [("作业一", Some(15.0), true), ("作业二", None, false)]
    );
    assert_eq!((class.attendance_days, class.attended_days), (2, 1));
    assert!(store::views::learner_classes(&mut c, &pid("t1"), today()).await.unwrap().is_empty());

    let summary = store::views::class_summary(&mut c, &cid("A"), today()).await.unwrap().unwrap();
    assert_eq!(summary.items.len(), 2);
    let rows: Vec<_> = summary.students.iter().map(|s| (s.name.as_str(), s.scores.clone())).collect();
    assert_eq!(rows, [("刘洋", vec![Some(20.0), None]), ("王芳", vec![Some(15.0), None])]);
    assert!(store::views::class_summary(&mut c, &cid("nope"), today()).await.unwrap().is_none());

    let agg = store::views::school_aggregates(&mut c, &[fixtures::oid("school")], today()).await.unwrap();
    assert_eq!((agg[0].students, agg[0].teachers, agg[0].classes, agg[0].results), (3, 2, 2, 2));
    assert!((agg[0].mean_score_fraction.unwrap() - 0.875).abs() < 1e-9);
});
