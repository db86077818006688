//! Tests of the recommendation score and course assignments.
#![allow(clippy::unwrap_used)]

use expect_test::{Expect, expect};

use super::*;

fn kp(s: &str) -> KpId {
    KpId::parse(s).unwrap()
}

fn org(s: &str) -> OrgId {
    OrgId::parse(s).unwrap()
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// `spec`: `course/resource kind kps [needs prereqs] [premium]`, e.g. `alg/r1 video a,b needs c`.
fn candidate(spec: &str) -> Candidate {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let (course, resource) = words[0].split_once('/').unwrap();
    let list = |s: &str| s.split(',').filter(|s| !s.is_empty()).map(kp).collect::<Vec<_>>();
    let needs = words.iter().position(|w| *w == "needs").map(|i| list(words[i + 1])).unwrap_or_default();
    Candidate {
        channel: ChannelId::parse("ch").unwrap(),
        course: CourseId::parse(course).unwrap(),
        unit: UnitId::parse(format!("{course}-u")).unwrap(),
        resource: ResourceId::parse(resource).unwrap(),
        kind: ResourceKind::parse(words[1]).unwrap(),
        kps: list(words[2]),
        prerequisites: needs,
        premium: words.contains(&"premium"),
    }
}

fn mastery(spec: &str) -> Mastery {
    Mastery::new(spec.split_whitespace().map(|w| {
        let (k, v) = w.split_once('=').unwrap();
        (kp(k), v.parse().unwrap())
    }))
    .unwrap()
}

struct Case<'a> {
    candidates: &'a str,
    mastery: &'a str,
    graph: &'a str,
    assignments: Vec<CourseAssignment>,
    recent: &'a [&'a str],
}

fn run(case: Case<'_>, expect: Expect) {
    let candidates: Vec<Candidate> =
        case.candidates.lines().map(str::trim).filter(|l| !l.is_empty()).map(candidate).collect();
    let graph = Prerequisites::new(case.graph.split_whitespace().map(|edge| {
        let (k, pre) = edge.split_once("<-").unwrap();
        (kp(k), pre.split(',').map(kp).collect())
    }));
    let school = org("school-1");
    let view = SchoolView { school: &school, today: day("2026-10-01"), assignments: &case.assignments };
    let recent =
        case.recent.iter().map(|r| (ChannelId::parse("ch").unwrap(), ResourceId::parse(*r).unwrap())).collect();
    let ranked =
        recommend(&candidates, &mastery(case.mastery), &graph, &view, &recent, &RecommendPolicy::standard(), 10);
    let mut out = String::new();
    for r in ranked {
        let reasons: Vec<String> = r
            .reasons
            .iter()
            .map(|reason| match reason {
                Reason::ClosesGap { kp, mastery } => format!("gap {kp}={mastery}"),
                Reason::NextStep { kp } => format!("next {kp}"),
                Reason::PrerequisiteGap { kp, mastery } => format!("needs {kp}={mastery}"),
                Reason::TeachFirst => "teach".into(),
                Reason::Practice => "practise".into(),
                Reason::AssignedByCounty { by, required } => {
                    format!("assigned by {by}{}", if *required { " (required)" } else { "" })
                }
                Reason::UsedRecently => "recent".into(),
            })
            .collect();
        out.push_str(&format!("{} {:.3} {}\n", r.resource, r.score, reasons.join(", ")));
    }
    expect.assert_eq(&out);
}

fn case<'a>(candidates: &'a str, mastery: &'a str) -> Case<'a> {
    Case { candidates, mastery, graph: "", assignments: Vec::new(), recent: &[] }
}

fn assignment(course: &str, required: bool, starts: &str, ends: Option<&str>) -> CourseAssignment {
    CourseAssignment {
        channel: ChannelId::parse("ch").unwrap(),
        course: CourseId::parse(course).unwrap(),
        assigned_by: org("county-7"),
        schools: [org("school-1")].into(),
        starts: day(starts),
        ends: ends.map(day),
        required,
    }
}

#[test]
fn the_weakest_knowledge_point_comes_first_and_mastered_ones_are_left_out() {
    run(
        case(
            "alg/video-a video a
             alg/video-b video b
             alg/video-c video c",
            "a=0.2 b=0.1 c=0.97",
        ),
        expect![[r#"
            video-b 0.850 gap b=0.1, teach
            video-a 0.750 gap a=0.2, teach
        "#]],
    );
}

#[test]
fn low_mastery_prefers_teaching_and_partial_mastery_prefers_practice() {
    run(
        case(
            "alg/ex-low exercise low
             alg/vid-low video low
             alg/ex-mid exercise mid
             alg/vid-mid video mid",
            "low=0.2 mid=0.6",
        ),
        expect![[r#"
            vid-low 0.750 gap low=0.2, teach
            ex-low 0.525 gap low=0.2
            ex-mid 0.350 gap mid=0.6, practise
            vid-mid 0.245 gap mid=0.6
        "#]],
    );
}

#[test]
fn a_resource_whose_prerequisite_is_missing_ranks_below_one_that_is_ready() {
    let mut c = case(
        "alg/needs-own video x needs p
         alg/needs-graph video y
         alg/ready video z",
        "x=0.3 y=0.3 z=0.3 p=0.4 q=0.5",
    );
    c.graph = "y<-q";
    run(
        c,
        expect![[r#"
            ready 0.650 gap z=0.3, teach
            needs-graph 0.195 gap y=0.3, needs q=0.5, teach
            needs-own 0.195 gap x=0.3, needs p=0.4, teach
        "#]],
    );
}

#[test]
fn a_focused_resource_beats_a_broad_one_with_the_same_gaps() {
    run(
        case(
            "alg/focused video a
             alg/broad video a,m1,m2,m3",
            "a=0.2 m1=1 m2=1 m3=1",
        ),
        expect![[r#"
            focused 0.750 gap a=0.2, teach
            broad 0.375 gap a=0.2, teach
        "#]],
    );
}

#[test]
fn an_unknown_knowledge_point_is_a_next_step_only_when_its_prerequisites_are_mastered() {
    let mut c = case(
        "alg/next video new1
         alg/blocked video new2
         alg/orphan video new3",
        "base=0.99 weak=0.5",
    );
    c.graph = "new1<-base new2<-weak";
    run(
        c,
        expect![[r#"
            next 0.300 next new1, teach
        "#]],
    );
}

#[test]
fn an_assigned_course_ranks_higher_and_says_who_assigned_it() {
    let mut c = case(
        "free/plain video a
         paid/assigned video a premium
         req/required video a",
        "a=0.2",
    );
    c.assignments =
        vec![assignment("paid", false, "2026-09-01", None), assignment("req", true, "2026-09-01", Some("2027-01-31"))];
    run(
        c,
        expect![[r#"
            required 1.267 gap a=0.2, teach, assigned by county-7 (required)
            assigned 0.975 gap a=0.2, teach, assigned by county-7
            plain 0.750 gap a=0.2, teach
        "#]],
    );
}

#[test]
fn a_premium_course_is_hidden_without_an_active_assignment() {
    let mut c = case(
        "paid/expired video a premium
         paid2/other-school video a premium
         paid3/not-yet video a premium
         free/plain video a",
        "a=0.2",
    );
    let mut other = assignment("paid2", false, "2026-09-01", None);
    other.schools = [org("school-2")].into();
    c.assignments = vec![
        assignment("paid", false, "2026-01-01", Some("2026-09-30")),
        other,
        assignment("paid3", false, "2026-10-02", None),
    ];
    run(
        c,
        expect![[r#"
            plain 0.750 gap a=0.2, teach
        "#]],
    );
}

#[test]
fn a_recently_used_resource_ranks_lower() {
    let mut c = case(
        "alg/seen video a
         alg/unseen video a",
        "a=0.2",
    );
    c.recent = &["seen"];
    run(
        c,
        expect![[r#"
            unseen 0.750 gap a=0.2, teach
            seen 0.300 gap a=0.2, teach, recent
        "#]],
    );
}

#[test]
fn a_class_mean_averages_over_learners_with_evidence() {
    let class = Mastery::class_mean([&mastery("a=0.2 b=1"), &mastery("a=0.6"), &mastery("")]);
    assert_eq!(class.get(&kp("a")), Some(0.4));
    assert_eq!(class.get(&kp("b")), Some(1.0));
    assert_eq!(class.get(&kp("c")), None);
}

#[test]
fn mastery_outside_zero_to_one_is_refused() {
    for bad in [-0.1, 1.5, f32::NAN] {
        let err = Mastery::new([(kp("a"), bad)]).unwrap_err();
        assert!(matches!(err, ContentError::InvalidMastery { .. }), "{bad}: {err}");
    }
}

#[test]
fn an_assignment_lasts_from_its_first_to_its_last_day() {
    let a = assignment("c", false, "2026-09-01", Some("2026-09-30"));
    let school = org("school-1");
    assert!(!a.is_active(&school, day("2026-08-31")));
    assert!(a.is_active(&school, day("2026-09-01")));
    assert!(a.is_active(&school, day("2026-09-30")));
    assert!(!a.is_active(&school, day("2026-10-01")));
    assert!(!a.is_active(&org("school-2"), day("2026-09-15")));
}
