//! Recommendation over an installed channel, with a county's assignment of its premium course.

use std::collections::BTreeSet;

use base::{Date, OrgId};
use content::id::{KpId, ResourceId};
use content::installed::Selection;
use content::memory::MemoryStore;
use content::recommend::{
    CourseAssignment, Mastery, Prerequisites, Reason, RecommendPolicy, SchoolView, candidates, recommend,
};
use content::store::ContentStore;

use crate::fixture::*;

fn assignment(school: &str) -> CourseAssignment {
    CourseAssignment {
        channel: channel_id(),
        course: course("geometry"),
        assigned_by: OrgId::parse("county-7").unwrap(),
        schools: [OrgId::parse(school).unwrap()].into(),
        starts: Date::parse("2026-09-01").unwrap(),
        ends: None,
        required: false,
    }
}

#[test]
fn only_installed_units_are_candidates() {
    let mut store = MemoryStore::with_quota(1 << 30);
    import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::units([unit("a2"), unit("g1")])).unwrap();
    let installed = store.installed(&channel_id()).unwrap().unwrap();
    let ids: Vec<String> = candidates(&installed).iter().map(|c| c.resource.to_string()).collect();
    assert_eq!(ids, ["a2-video", "a2-ex", "g1-video", "g1-ex"]);
}

#[test]
fn a_premium_course_appears_for_the_assigned_school_only() {
    let mut store = MemoryStore::with_quota(1 << 30);
    import(&mut hub_folder(&channel(1), 1), &mut store, &Selection::All).unwrap();
    let installed = store.installed(&channel_id()).unwrap().unwrap();
    let pool = candidates(&installed);
    let mastery =
        Mastery::new([(KpId::parse("algebra.a1").unwrap(), 0.5), (KpId::parse("geometry.g1").unwrap(), 0.3)]).unwrap();
    let assignments = [assignment("school-1")];
    let today = Date::parse("2026-10-01").unwrap();
    let ranked_for = |school: &str| {
        let school = OrgId::parse(school).unwrap();
        let view = SchoolView { school: &school, today, assignments: &assignments };
        let ranked = recommend(
            &pool,
            &mastery,
            &Prerequisites::none(),
            &view,
            &BTreeSet::new(),
            &RecommendPolicy::standard(),
            10,
        );
        let hidden: Vec<String> = view.hidden_courses(installed.manifest()).iter().map(ToString::to_string).collect();
        let assigned = view.assigned_selection(installed.manifest());
        (ranked, hidden, assigned)
    };

    let (ranked, hidden, assigned) = ranked_for("school-1");
    let ids: Vec<&str> = ranked.iter().map(|r| r.resource.as_str()).collect();
    assert_eq!(ids, ["g1-video", "g1-ex", "a1-ex", "a1-video"]);
    assert!(ranked[0].reasons.iter().any(|r| matches!(r, Reason::AssignedByCounty { .. })));
    assert!(hidden.is_empty());
    assert_eq!(assigned, Selection::courses([course("geometry")]));

    let (ranked, hidden, assigned) = ranked_for("school-2");
    let ids: Vec<&str> = ranked.iter().map(|r| r.resource.as_str()).collect();
    assert_eq!(ids, ["a1-ex", "a1-video"]);
    assert_eq!(hidden, ["geometry"]);
    assert_eq!(assigned, Selection::nothing());
    assert!(!ranked.iter().any(|r| r.resource == ResourceId::parse("g1-video").unwrap()));
}
