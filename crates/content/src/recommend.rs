//! Which installed resources close a learner's or a class's knowledge-point gaps, and why;
//! and county course assignments, which decide what premium courses a school sees.
//!
//! Mastery arrives as plain data (knowledge point → probability known), so this module does not
//! depend on the model that estimates it.

use std::collections::{BTreeMap, BTreeSet};

use base::{Date, OrgId};

use crate::error::ContentError;
use crate::id::{ChannelId, CourseId, KpId, ResourceId, UnitId};
use crate::installed::{InstalledChannel, Selection};
use crate::manifest::{Manifest, ResourceKind};

/// P(known) per knowledge point, each in 0..=1. A knowledge point that is absent has no
/// evidence yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mastery {
    by_kp: BTreeMap<KpId, f32>,
}

impl Mastery {
    /// Checks that every value is a probability.
    pub fn new(values: impl IntoIterator<Item = (KpId, f32)>) -> Result<Self, ContentError> {
        let mut by_kp = BTreeMap::new();
        for (kp, p) in values {
            if !(0.0..=1.0).contains(&p) {
                return Err(ContentError::InvalidMastery { kp, value: p });
            }
            by_kp.insert(kp, p);
        }
        Ok(Self { by_kp })
    }

    /// A class's mastery: for each knowledge point, the mean over the learners who have an
    /// estimate for it.
    pub fn class_mean<'a>(learners: impl IntoIterator<Item = &'a Mastery>) -> Self {
        let mut sums: BTreeMap<&KpId, (f64, u32)> = BTreeMap::new();
        for learner in learners {
            for (kp, &p) in &learner.by_kp {
                let entry = sums.entry(kp).or_default();
                entry.0 += f64::from(p);
                entry.1 += 1;
            }
        }
        let by_kp = sums.into_iter().map(|(kp, (sum, n))| (kp.clone(), (sum / f64::from(n)) as f32)).collect();
        Self { by_kp }
    }

    /// The estimate for `kp`, if there is evidence.
    pub fn get(&self, kp: &KpId) -> Option<f32> {
        self.by_kp.get(kp).copied()
    }
}

/// Direct prerequisites of knowledge points, from the subject's knowledge graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prerequisites {
    direct: BTreeMap<KpId, Vec<KpId>>,
}

impl Prerequisites {
    /// No knowledge graph: only resources' own prerequisites count.
    pub fn none() -> Self {
        Self::default()
    }

    /// From (knowledge point, its direct prerequisites) pairs.
    pub fn new(edges: impl IntoIterator<Item = (KpId, Vec<KpId>)>) -> Self {
        Self { direct: edges.into_iter().collect() }
    }

    /// The direct prerequisites of `kp`.
    pub fn of(&self, kp: &KpId) -> &[KpId] {
        self.direct.get(kp).map_or(&[], Vec::as_slice)
    }
}

/// A county's decision that some of its schools use a course, for a period. Premium courses
/// are visible to a school only under an active assignment; any assigned course ranks higher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseAssignment {
    pub channel: ChannelId,
    pub course: CourseId,
    /// The county (or other authority) that assigns it.
    pub assigned_by: OrgId,
    pub schools: BTreeSet<OrgId>,
    /// First day it applies.
    pub starts: Date,
    /// Last day it applies; open-ended if `None`.
    pub ends: Option<Date>,
    /// A required course is ranked above merely recommended ones.
    pub required: bool,
}

impl CourseAssignment {
    /// Whether it applies to `school` on `today`.
    pub fn is_active(&self, school: &OrgId, today: Date) -> bool {
        self.schools.contains(school) && self.starts <= today && self.ends.is_none_or(|end| today <= end)
    }
}

/// What a school sees on a given day: its id, the date and the county's assignments.
#[derive(Debug, Clone, Copy)]
pub struct SchoolView<'a> {
    pub school: &'a OrgId,
    pub today: Date,
    pub assignments: &'a [CourseAssignment],
}

impl SchoolView<'_> {
    /// The active assignment of a course to this school, if any (a required one first).
    pub fn assignment(&self, channel: &ChannelId, course: &CourseId) -> Option<&CourseAssignment> {
        self.assignments
            .iter()
            .filter(|a| &a.channel == channel && &a.course == course && a.is_active(self.school, self.today))
            .max_by_key(|a| a.required)
    }

    /// Whether a course is visible: always for a normal course, under an active assignment for
    /// a premium one.
    pub fn course_visible(&self, channel: &ChannelId, course: &CourseId, premium: bool) -> bool {
        !premium || self.assignment(channel, course).is_some()
    }

    /// Premium courses of `manifest` that this school may not see today (for search filters).
    pub fn hidden_courses(&self, manifest: &Manifest) -> Vec<CourseId> {
        manifest
            .courses
            .iter()
            .filter(|c| !self.course_visible(&manifest.id, &c.id, c.premium))
            .map(|c| c.id.clone())
            .collect()
    }

    /// The courses of `manifest` assigned to this school today, as a selection to import.
    pub fn assigned_selection(&self, manifest: &Manifest) -> Selection {
        Selection::courses(
            manifest.courses.iter().filter(|c| self.assignment(&manifest.id, &c.id).is_some()).map(|c| c.id.clone()),
        )
    }
}

/// A resource as the scorer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub channel: ChannelId,
    pub course: CourseId,
    pub unit: UnitId,
    pub resource: ResourceId,
    pub kind: ResourceKind,
    pub kps: Vec<KpId>,
    pub prerequisites: Vec<KpId>,
    /// Whether its course is premium.
    pub premium: bool,
}

/// The resources of an installed channel's installed units.
pub fn candidates(installed: &InstalledChannel) -> Vec<Candidate> {
    let manifest = installed.manifest();
    manifest
        .resources()
        .filter(|p| installed.units().contains(&p.unit.id))
        .map(|p| Candidate {
            channel: manifest.id.clone(),
            course: p.course.id.clone(),
            unit: p.unit.id.clone(),
            resource: p.resource.id.clone(),
            kind: p.resource.kind,
            kps: p.resource.kps.clone(),
            prerequisites: p.resource.prerequisites.clone(),
            premium: p.course.premium,
        })
        .collect()
}

/// The knobs of the ranking. Values are the caller's decision; [`RecommendPolicy::standard`]
/// documents a starting point.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendPolicy {
    /// Mastery at or above which a knowledge point is mastered (use the mastery model's own).
    pub mastered_at: f32,
    /// Mastery below which a prerequisite counts as not yet in place.
    pub prerequisite_ready_at: f32,
    /// Below this mastery a learner should first be taught (video, audio, PDF, HTML5), above it
    /// practise (exercises).
    pub teach_below: f32,
    /// Value of a knowledge point with no evidence whose prerequisites are all mastered (the
    /// next step), compared with a gap's `mastered_at - mastery`.
    pub next_step_value: f32,
    /// Factor for a resource whose prerequisites are not in place.
    pub unready_factor: f32,
    /// Factor for a resource of the wrong kind for the learner's level.
    pub kind_mismatch_factor: f32,
    /// Factor for a course the county assigned (required: squared).
    pub assigned_factor: f32,
    /// Factor for a resource the learner used recently.
    pub recently_used_factor: f32,
}

impl RecommendPolicy {
    /// Mastered at 0.95; prerequisites ready at 0.8; teach below 0.4; a next step is worth a gap
    /// of 0.3; unready × 0.3; wrong kind × 0.7; assigned × 1.3 (required × 1.69); used recently
    /// × 0.4.
    pub fn standard() -> Self {
        Self {
            mastered_at: 0.95,
            prerequisite_ready_at: 0.8,
            teach_below: 0.4,
            next_step_value: 0.3,
            unready_factor: 0.3,
            kind_mismatch_factor: 0.7,
            assigned_factor: 1.3,
            recently_used_factor: 0.4,
        }
    }
}

/// Why a resource is recommended, or ranked lower.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// It teaches or practises a knowledge point that is not yet mastered.
    ClosesGap { kp: KpId, mastery: f32 },
    /// It teaches a knowledge point with no evidence yet whose prerequisites are all mastered.
    NextStep { kp: KpId },
    /// A prerequisite is not yet in place (ranked lower: learn that first).
    PrerequisiteGap { kp: KpId, mastery: f32 },
    /// Mastery is low, so teaching material fits.
    TeachFirst,
    /// Mastery is partial, so practice fits.
    Practice,
    /// The county assigned its course.
    AssignedByCounty { by: OrgId, required: bool },
    /// The learner used it recently (ranked lower).
    UsedRecently,
}

/// One recommended resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub channel: ChannelId,
    pub course: CourseId,
    pub unit: UnitId,
    pub resource: ResourceId,
    pub kind: ResourceKind,
    /// Higher is better; comparable within one call only.
    pub score: f32,
    /// Gaps first, weakest first; then what raised or lowered the rank.
    pub reasons: Vec<Reason>,
}

/// Ranks the visible `candidates` that close a gap in `mastery` and returns the best `limit`.
///
/// Score: the sum over the resource's knowledge points of `mastered_at - mastery` (gaps) or
/// `next_step_value` (next steps), divided by √(number of its knowledge points) so that
/// focused resources beat broad ones, then multiplied by the policy's factors for unready
/// prerequisites, kind fit, county assignment and recent use. Resources with no gap and
/// invisible premium courses are left out. Ties go to the smaller (channel, resource) id.
pub fn recommend(
    candidates: &[Candidate],
    mastery: &Mastery,
    prerequisites: &Prerequisites,
    view: &SchoolView<'_>,
    recently_used: &BTreeSet<(ChannelId, ResourceId)>,
    policy: &RecommendPolicy,
    limit: usize,
) -> Vec<Recommendation> {
    let mut ranked: Vec<Recommendation> =
        candidates.iter().filter_map(|c| score(c, mastery, prerequisites, view, recently_used, policy)).collect();
    ranked.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| (&a.channel, &a.resource).cmp(&(&b.channel, &b.resource)))
    });
    ranked.truncate(limit);
    ranked
}

fn score(
    c: &Candidate,
    mastery: &Mastery,
    prerequisites: &Prerequisites,
    view: &SchoolView<'_>,
    recently_used: &BTreeSet<(ChannelId, ResourceId)>,
    policy: &RecommendPolicy,
) -> Option<Recommendation> {
    if !view.course_visible(&c.channel, &c.course, c.premium) {
        return None;
    }
    let mastered = |kp: &KpId| mastery.get(kp).is_some_and(|m| m >= policy.mastered_at);
    let mut gaps = Vec::new();
    let mut next_steps = Vec::new();
    for kp in &c.kps {
        match mastery.get(kp) {
            Some(m) if m < policy.mastered_at => gaps.push((kp, m)),
            Some(_) => {}
            None => {
                let pre = prerequisites.of(kp);
                if !pre.is_empty() && pre.iter().all(mastered) {
                    next_steps.push(kp);
                }
            }
        }
    }
    if gaps.is_empty() && next_steps.is_empty() {
        return None;
    }
    gaps.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let value: f32 = gaps.iter().map(|(_, m)| policy.mastered_at - m).sum::<f32>()
        + next_steps.len() as f32 * policy.next_step_value;
    let mut score = value / (c.kps.len() as f32).sqrt();
    let mut reasons: Vec<Reason> =
        gaps.iter().map(|(kp, m)| Reason::ClosesGap { kp: (*kp).clone(), mastery: *m }).collect();
    reasons.extend(next_steps.iter().map(|kp| Reason::NextStep { kp: (*kp).clone() }));

    // Prerequisites: the resource's own, and those of the knowledge points it would close.
    let wanted: BTreeSet<&KpId> = gaps.iter().map(|(kp, _)| *kp).chain(next_steps.iter().copied()).collect();
    let required: BTreeSet<&KpId> = c
        .prerequisites
        .iter()
        .chain(wanted.iter().flat_map(|kp| prerequisites.of(kp)))
        .filter(|kp| !c.kps.contains(kp))
        .collect();
    let unready: Vec<(&KpId, f32)> = required
        .into_iter()
        .filter_map(|kp| mastery.get(kp).filter(|&m| m < policy.prerequisite_ready_at).map(|m| (kp, m)))
        .collect();
    if !unready.is_empty() {
        score *= policy.unready_factor;
        reasons.extend(unready.into_iter().map(|(kp, m)| Reason::PrerequisiteGap { kp: kp.clone(), mastery: m }));
    }

    // The weakest knowledge point decides whether to teach or to practise; a next step is new.
    let weakest = gaps.first().map_or(0.0, |(_, m)| *m);
    let teaching = c.kind != ResourceKind::Exercise;
    if weakest < policy.teach_below {
        if teaching {
            reasons.push(Reason::TeachFirst);
        } else {
            score *= policy.kind_mismatch_factor;
        }
    } else if teaching {
        score *= policy.kind_mismatch_factor;
    } else {
        reasons.push(Reason::Practice);
    }

    if let Some(a) = view.assignment(&c.channel, &c.course) {
        score *= if a.required { policy.assigned_factor * policy.assigned_factor } else { policy.assigned_factor };
        reasons.push(Reason::AssignedByCounty { by: a.assigned_by.clone(), required: a.required });
    }
    if recently_used.contains(&(c.channel.clone(), c.resource.clone())) {
        score *= policy.recently_used_factor;
        reasons.push(Reason::UsedRecently);
    }
    Some(Recommendation {
        channel: c.channel.clone(),
        course: c.course.clone(),
        unit: c.unit.clone(),
        resource: c.resource.clone(),
        kind: c.kind,
        score,
        reasons,
    })
}

#[cfg(test)]
mod tests;
