//! Choosing what a learner does next, with a reason a teacher can read, and the teacher's
//! pins and overrides.

use std::fmt;

use crate::graph::{ItemId, KpId};

/// Why an item is recommended. Structured so the UI can render it in any language;
/// [`Reason::render`] gives the standard Chinese and English wording.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The teacher pinned this knowledge point or item.
    Pinned {
        /// The teacher's note, if any.
        note: Option<String>,
    },
    /// A mastered or practised point whose predicted recall has fallen below the target.
    Review {
        /// Whole days since the point was last practised.
        days_since_last: u32,
        /// Predicted probability of recall now.
        recall: f32,
    },
    /// Practice is under way and mastery is not yet reached.
    Continue {
        /// Current mastery estimate.
        mastery: f32,
    },
    /// A new point whose prerequisites are all mastered.
    Ready {
        /// The prerequisites (all mastered).
        prerequisites_mastered: Vec<KpId>,
    },
    /// A new point with no prerequisites that could be assessed (none, or none with items).
    Start,
}

/// A language the standard reason texts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese.
    ZhCn,
    /// English.
    En,
}

impl Reason {
    /// The reason as a sentence; `kp_name` names knowledge points (e.g. from the graph).
    pub fn render(&self, lang: Lang, kp_name: &dyn Fn(&KpId) -> String) -> String {
        let pct = |p: f32| (p * 100.0).round() as i32;
        match (self, lang) {
            (Reason::Pinned { note: Some(n) }, Lang::ZhCn) => format!("老师指定：{n}"),
            (Reason::Pinned { note: None }, Lang::ZhCn) => "老师指定".to_owned(),
            (Reason::Pinned { note: Some(n) }, Lang::En) => format!("pinned by the teacher: {n}"),
            (Reason::Pinned { note: None }, Lang::En) => "pinned by the teacher".to_owned(),
            (Reason::Review { days_since_last, recall }, Lang::ZhCn) => {
                format!("复习：上次练习在 {days_since_last} 天前，预计记忆保持 {}%", pct(*recall))
            }
            (Reason::Review { days_since_last, recall }, Lang::En) => {
                format!("review: last practised {days_since_last} days ago, predicted recall {}%", pct(*recall))
            }
            (Reason::Continue { mastery }, Lang::ZhCn) => {
                format!("继续练习：掌握程度 {}%，尚未达到掌握", pct(*mastery))
            }
            (Reason::Continue { mastery }, Lang::En) => {
                format!("keep practising: mastery {}%, not yet mastered", pct(*mastery))
            }
            (Reason::Ready { prerequisites_mastered }, lang) => {
                let names: Vec<String> = prerequisites_mastered.iter().map(kp_name).collect();
                match lang {
                    Lang::ZhCn => format!("可以开始：已掌握前置知识（{}）", names.join("、")),
                    Lang::En => format!("ready: prerequisites mastered ({})", names.join(", ")),
                }
            }
            (Reason::Start, Lang::ZhCn) => "新内容：没有前置要求".to_owned(),
            (Reason::Start, Lang::En) => "new: no prerequisites".to_owned(),
        }
    }
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// The item to do.
    pub item: ItemId,
    /// The knowledge point it is recommended for.
    pub kp: KpId,
    /// Why.
    pub reason: Reason,
    /// Predicted probability that the learner answers it correctly.
    pub predicted_success: f32,
}

impl fmt::Display for Recommendation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = self.reason.render(Lang::En, &|kp| kp.to_string());
        write!(f, "{} ({}, p={:.2}): {reason}", self.item, self.kp, self.predicted_success)
    }
}

/// What a teacher has decided for a learner or a class: pins, skips and overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeacherPlan {
    /// Knowledge points to work on first, in order, with an optional note.
    pub pinned_kps: Vec<(KpId, Option<String>)>,
    /// Items to give first, in order, with an optional note.
    pub pinned_items: Vec<(ItemId, Option<String>)>,
    /// Knowledge points never to recommend.
    pub skipped_kps: Vec<KpId>,
    /// Knowledge points to treat as mastered whatever the estimate (e.g. taught elsewhere).
    pub marked_mastered: Vec<KpId>,
    /// When set, recommend only within these knowledge points (e.g. the current unit);
    /// pins and due reviews still apply.
    pub scope: Option<Vec<KpId>>,
}

/// Settings of the next-step choice.
#[derive(Debug, Clone, PartialEq)]
pub struct NextStepPolicy {
    /// Mastery at or above which a point counts as mastered (BKT's customary 0.95).
    pub mastery_threshold: f32,
    /// Probability of success to aim items at: hard enough to learn from, easy enough to
    /// succeed (desirable difficulty).
    pub target_success: f32,
    /// How many recent answers' items are not repeated.
    pub avoid_recent: usize,
    /// At most this many due reviews among the recommendations.
    pub max_reviews: usize,
}

impl NextStepPolicy {
    /// Mastery 0.95, target success 0.7, no repeat of the last 10 items, at most 2 reviews.
    pub fn standard() -> Self {
        Self { mastery_threshold: 0.95, target_success: 0.7, avoid_recent: 10, max_reviews: 2 }
    }
}
