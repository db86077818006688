//! The compact API the server calls: a fitted [`SubjectModel`] per subject, a [`LearnerState`]
//! blob per (learner, subject), one call per answer, mastery maps, next steps and heat maps.

use std::collections::HashMap;

use base::Timestamp;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::corpus::{Attempt, Corpus};
use crate::error::LearningError;
use crate::graph::{ItemId, KnowledgeGraph, KpId};
use crate::model::Tracer;
use crate::model::bkt::{Bkt, BktOptions};
use crate::model::ensemble::{Ensemble, EnsembleState, Member};
use crate::model::gru::{Gru, GruOptions};
use crate::model::irt::{Irt, IrtKind};
use crate::model::logistic::{FeatureSet, Logistic, LogisticOptions};
use crate::model::predict_corpus;
use crate::next_step::{NextStepPolicy, Reason, Recommendation, TeacherPlan};
use crate::review::{ReviewScheduler, ReviewState, whole_days};

/// The version of the stored [`SubjectModel`] and [`LearnerState`] formats.
pub const STATE_VERSION: u32 = 1;
/// Fewer learners than this and [`SubjectModel::fit`] averages its members instead of fitting
/// stacking weights on a fifth of them (too few to weigh members reliably).
pub const MIN_LEARNERS_TO_STACK: usize = 100;
// Items remembered per learner so the next step does not repeat them.
const RECENT_ITEMS: usize = 32;

/// An item as the learner models see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSpec {
    /// The item.
    pub id: ItemId,
    /// Its knowledge points (at least one, all in the graph).
    pub kps: Vec<KpId>,
    /// Prior difficulty on the log-odds scale (0 = average), used before answers are logged.
    pub difficulty: f32,
}

impl From<&crate::items::Item> for ItemSpec {
    fn from(item: &crate::items::Item) -> Self {
        Self { id: item.id.clone(), kps: item.kps.clone(), difficulty: item.difficulty }
    }
}

/// One logged answer, for fitting and replaying.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedAnswer {
    /// The item answered.
    pub item: ItemId,
    /// Whether it was right.
    pub correct: bool,
    /// When.
    pub at: Timestamp,
}

/// How [`SubjectModel::fit`] fits.
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// EM restarts per knowledge point for BKT.
    pub bkt_restarts: u32,
    /// Also train the GRU sequence model (minutes on large logs; worth it from ~100k answers).
    pub with_gru: bool,
    /// Seed for every random choice.
    pub seed: u64,
    /// Review when predicted recall falls below this (FSRS desired retention).
    pub desired_retention: f32,
}

/// The stored form of a [`SubjectModel`].
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SubjectModelFile {
    version: u32,
    subject: String,
    revision: u64,
    kp_ids: Vec<String>,
    kp_prerequisites: Vec<Vec<u32>>,
    topo_order: Vec<u32>,
    item_ids: Vec<String>,
    item_kps: Vec<Vec<u32>>,
    mastery: Bkt,
    predictor: Ensemble,
    review_parameters: Option<Vec<f32>>,
    desired_retention: f32,
}

/// Everything fitted for one subject, shared by all its learners. Store it as one blob per
/// subject ([`SubjectModel::to_blob`]); refit it from the answer logs now and then.
#[derive(Debug, Clone)]
pub struct SubjectModel {
    file: SubjectModelFile,
    kp_ids: Vec<KpId>,
    item_ids: Vec<ItemId>,
    item_index: HashMap<ItemId, u32>,
    // Invariant: `kp_items[k]` lists the items tagged with knowledge point k.
    kp_items: Vec<Vec<u32>>,
    scheduler: ReviewScheduler,
}

/// What the models remember about one learner in one subject. Store it as one blob per
/// (learner, subject) ([`LearnerState::to_blob`]) and update it in the same transaction as
/// the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerState {
    version: u32,
    /// The [`SubjectModel`] revision the state was built with.
    revision: u64,
    n_answers: u32,
    /// P(known) per knowledge point (BKT).
    mastery: Vec<f32>,
    /// Answers per knowledge point.
    kp_answers: Vec<u32>,
    /// Memory per knowledge point (FSRS), once practised.
    reviews: Vec<Option<ReviewState>>,
    /// The predictor's state.
    predictor: EnsembleState,
    /// Recently answered items, oldest first.
    recent_items: Vec<u32>,
}

/// What one answer changed.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOutcome {
    /// The predicted probability of a correct answer, before it was given.
    pub predicted_success: f32,
    /// Mastery of each of the item's knowledge points after the answer.
    pub mastery: Vec<(KpId, f32)>,
    /// When each of the item's knowledge points is next due for review.
    pub review_due: Vec<(KpId, Timestamp)>,
}

/// How far a learner is with a knowledge point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasteryStatus {
    /// No answers yet, and some prerequisite is not mastered.
    Locked,
    /// No answers yet, and every prerequisite is mastered.
    NotStarted,
    /// Answered, not yet mastered.
    Learning,
    /// Mastery at or above the threshold.
    Mastered,
}

/// One knowledge point on a learner's mastery map.
#[derive(Debug, Clone, PartialEq)]
pub struct KpMastery {
    /// The knowledge point.
    pub kp: KpId,
    /// P(known).
    pub mastery: f32,
    /// Status under the policy's threshold.
    pub status: MasteryStatus,
    /// Answers on it.
    pub answers: u32,
    /// Predicted recall now, once practised.
    pub recall: Option<f32>,
    /// When review is due, once practised.
    pub review_due: Option<Timestamp>,
}

/// One knowledge point on a class heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct KpHeat {
    /// The knowledge point.
    pub kp: KpId,
    /// Mean mastery over the class (0 for an empty class).
    pub mean_mastery: f32,
    /// Learners who have mastered it.
    pub mastered: u32,
    /// Learners practising it with mastery at or above 0.5.
    pub learning: u32,
    /// Learners with three or more answers on it and mastery below 0.5.
    pub struggling: u32,
    /// Learners with no answers on it.
    pub not_started: u32,
    /// Learners whose review of it is due.
    pub reviews_due: u32,
}

impl SubjectModel {
    /// A model for `graph` and `items` before any answers: textbook BKT values and the items'
    /// prior difficulties.
    pub fn new(graph: &KnowledgeGraph, items: &[ItemSpec], desired_retention: f32) -> Result<Self, LearningError> {
        let (item_ids, item_kps) = resolve_items(graph, items)?;
        let n_kps = graph.kps().len() as u32;
        let irt = Irt::from_difficulties(items.iter().map(|i| i.difficulty).collect());
        let predictor = Ensemble::averaging(vec![Member::Irt(irt), Member::Bkt(Bkt::unfitted(n_kps))]);
        let file = SubjectModelFile {
            version: STATE_VERSION,
            subject: graph.subject.clone(),
            revision: 0,
            kp_ids: graph.kps().iter().map(|k| k.id.to_string()).collect(),
            kp_prerequisites: graph.kps().iter().map(|k| k.prerequisites.clone()).collect(),
            topo_order: graph.topological_order().to_vec(),
            item_ids: item_ids.iter().map(ToString::to_string).collect(),
            item_kps,
            mastery: Bkt::unfitted(n_kps),
            predictor,
            review_parameters: None,
            desired_retention,
        };
        Self::from_file(file)
    }

    /// Fits the models on answer logs (one `Vec` per learner, in answer order). Learners are
    /// split 80/20 at random: members fit on the 80 %, stacking weights on the 20 %. With fewer
    /// than [`MIN_LEARNERS_TO_STACK`] learners the members' log-odds are averaged instead. Answers on unknown items
    /// are skipped.
    pub fn fit(
        graph: &KnowledgeGraph,
        items: &[ItemSpec],
        logs: &[Vec<LoggedAnswer>],
        previous_revision: u64,
        options: &FitOptions,
    ) -> Result<Self, LearningError> {
        let mut model = Self::new(graph, items, options.desired_retention)?;
        let corpus_of = |learners: &[&Vec<LoggedAnswer>]| {
            let mut builder = Corpus::builder(model.item_ids.len() as u32, model.kp_ids.len() as u32);
            for log in learners {
                for answer in log.iter() {
                    if let Some(&i) = model.item_index.get(&answer.item) {
                        builder.push(i, &model.file.item_kps[i as usize], answer.correct);
                    }
                }
                builder.end_sequence();
            }
            builder.finish()
        };
        let mut learners: Vec<&Vec<LoggedAnswer>> = logs.iter().collect();
        learners.shuffle(&mut ChaCha8Rng::seed_from_u64(options.seed));
        let n_stack = if learners.len() >= MIN_LEARNERS_TO_STACK { learners.len() / 5 } else { 0 };
        let (stack_part, member_part) = learners.split_at(n_stack);
        let train = corpus_of(member_part);
        let all = corpus_of(&learners);
        let bkt_options = BktOptions::classic(options.bkt_restarts, options.seed);
        model.file.mastery = Bkt::fit(&all, &bkt_options);
        let mut members = vec![
            Member::Bkt(Bkt::fit(&train, &bkt_options)),
            Member::Irt(Irt::fit(&train, IrtKind::OnePl, 1.0, 300)),
            Member::Logistic(Logistic::fit(&train, &LogisticOptions::standard(FeatureSet::RICH))),
        ];
        if n_stack == 0 {
            model.file.predictor = Ensemble::averaging(members);
        } else {
            let stack = corpus_of(stack_part);
            if options.with_gru {
                let gru = Gru::fit(&train, &stack, &GruOptions::standard(options.seed), &mut |_| true);
                members.push(Member::Gru(gru));
            }
            let predictions: Vec<Vec<f32>> = members.iter().map(|m| predict_corpus(m, &stack)).collect();
            model.file.predictor = Ensemble::fit(members, &predictions, &stack);
        }
        model.file.revision = previous_revision + 1;
        Ok(model)
    }

    fn from_file(file: SubjectModelFile) -> Result<Self, LearningError> {
        let bad = |reason: String| LearningError::BadState { what: "subject model", reason };
        if file.version != STATE_VERSION {
            return Err(bad(format!("version {} (this build reads {STATE_VERSION})", file.version)));
        }
        let kp_ids = file
            .kp_ids
            .iter()
            .map(|s| KpId::parse(s).ok_or_else(|| bad(format!("invalid knowledge point id {s:?}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let item_ids = file
            .item_ids
            .iter()
            .map(|s| ItemId::parse(s).ok_or_else(|| bad(format!("invalid item id {s:?}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let n_kps = kp_ids.len();
        if file.item_kps.len() != item_ids.len()
            || file.kp_prerequisites.len() != n_kps
            || file.topo_order.len() != n_kps
            || file
                .item_kps
                .iter()
                .flatten()
                .chain(file.kp_prerequisites.iter().flatten())
                .chain(&file.topo_order)
                .any(|&k| k as usize >= n_kps)
        {
            return Err(bad("tables of different sizes".to_owned()));
        }
        let mut kp_items = vec![Vec::new(); n_kps];
        for (i, kps) in file.item_kps.iter().enumerate() {
            for &k in kps {
                kp_items[k as usize].push(i as u32);
            }
        }
        let item_index = item_ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
        let scheduler = match &file.review_parameters {
            Some(p) => ReviewScheduler::with_parameters(p, file.desired_retention)?,
            None => ReviewScheduler::with_default_parameters(file.desired_retention),
        };
        Ok(Self { file, kp_ids, item_ids, item_index, kp_items, scheduler })
    }

    /// The model as a stored blob (versioned JSON).
    pub fn to_blob(&self) -> Vec<u8> {
        serde_json::to_vec(&self.file).expect("model state holds only finite numbers and strings")
    }

    /// Reads a blob written by [`SubjectModel::to_blob`].
    pub fn from_blob(blob: &[u8]) -> Result<Self, LearningError> {
        let file: SubjectModelFile = serde_json::from_slice(blob)
            .map_err(|e| LearningError::BadState { what: "subject model", reason: e.to_string() })?;
        Self::from_file(file)
    }

    /// Changes at every fit; a [`LearnerState`] built with another revision should be
    /// replayed ([`SubjectModel::replay`]) when convenient.
    pub fn revision(&self) -> u64 {
        self.file.revision
    }

    /// A learner with no answers.
    pub fn new_learner(&self) -> LearnerState {
        let n_kps = self.kp_ids.len();
        LearnerState {
            version: STATE_VERSION,
            revision: self.file.revision,
            n_answers: 0,
            mastery: self.file.mastery.start(),
            kp_answers: vec![0; n_kps],
            reviews: vec![None; n_kps],
            predictor: self.file.predictor.start(),
            recent_items: Vec::new(),
        }
    }

    /// Rebuilds a learner's state from their whole answer log (after a refit, or to repair).
    pub fn replay(&self, answers: &[LoggedAnswer]) -> LearnerState {
        let mut state = self.new_learner();
        for answer in answers {
            // Answers on items the subject no longer has are history without a place to go.
            let _ = self.record_answer(&mut state, &answer.item, answer.correct, answer.at);
        }
        state
    }

    /// Folds one answer into the learner's state and says what changed.
    pub fn record_answer(
        &self,
        state: &mut LearnerState,
        item: &ItemId,
        correct: bool,
        now: Timestamp,
    ) -> Result<AnswerOutcome, LearningError> {
        let item_idx = *self.item_index.get(item).ok_or_else(|| LearningError::UnknownItem(item.to_string()))?;
        self.fit_shape(state);
        let kps = &self.file.item_kps[item_idx as usize];
        let predicted_success = self.file.predictor.predict(&state.predictor, item_idx, kps);
        let attempt = Attempt { item: item_idx, kps, correct };
        self.file.predictor.update(&mut state.predictor, attempt);
        self.file.mastery.update(&mut state.mastery, attempt);
        let mut outcome = AnswerOutcome { predicted_success, mastery: Vec::new(), review_due: Vec::new() };
        for &k in kps {
            let k = k as usize;
            state.kp_answers[k] = state.kp_answers[k].saturating_add(1);
            let review = self.scheduler.review(state.reviews[k], correct, now);
            state.reviews[k] = Some(review);
            outcome.mastery.push((self.kp_ids[k].clone(), state.mastery[k]));
            outcome.review_due.push((self.kp_ids[k].clone(), self.scheduler.due(&review)));
        }
        state.n_answers = state.n_answers.saturating_add(1);
        state.recent_items.push(item_idx);
        if state.recent_items.len() > RECENT_ITEMS {
            state.recent_items.remove(0);
        }
        Ok(outcome)
    }

    /// Probability that the learner answers `item` correctly now.
    pub fn predict(&self, state: &LearnerState, item: &ItemId) -> Result<f32, LearningError> {
        let item_idx = *self.item_index.get(item).ok_or_else(|| LearningError::UnknownItem(item.to_string()))?;
        Ok(self.predict_idx(state, item_idx))
    }

    fn predict_idx(&self, state: &LearnerState, item_idx: u32) -> f32 {
        self.file.predictor.predict(&state.predictor, item_idx, &self.file.item_kps[item_idx as usize])
    }

    /// Probability of success on `item` for each learner of a class, in order.
    pub fn predict_class(&self, states: &[LearnerState], item: &ItemId) -> Result<Vec<f32>, LearningError> {
        let item_idx = *self.item_index.get(item).ok_or_else(|| LearningError::UnknownItem(item.to_string()))?;
        Ok(states.iter().map(|s| self.predict_idx(s, item_idx)).collect())
    }

    /// Brings a state built for another revision or graph size into shape: new knowledge
    /// points start at their priors; a predictor state of another shape starts afresh.
    fn fit_shape(&self, state: &mut LearnerState) {
        let n_kps = self.kp_ids.len();
        let old = state.mastery.len();
        if old != n_kps {
            let priors = self.file.mastery.start();
            state.mastery.truncate(n_kps);
            state.mastery.extend_from_slice(&priors[old.min(n_kps)..]);
        }
        state.kp_answers.resize(n_kps, 0);
        state.reviews.resize(n_kps, None);
        if state.predictor.members.len() != self.file.predictor.members().len() {
            state.predictor = self.file.predictor.start();
        }
        state.recent_items.retain(|&i| (i as usize) < self.item_ids.len());
        state.revision = self.file.revision;
    }

    fn effective_mastery(&self, state: &LearnerState, plan: &TeacherPlan) -> Vec<f32> {
        let mut mastery: Vec<f32> =
            (0..self.kp_ids.len()).map(|k| state.mastery.get(k).copied().unwrap_or(0.0)).collect();
        for kp in &plan.marked_mastered {
            if let Some(k) = self.kp_position(kp) {
                mastery[k] = 1.0;
            }
        }
        mastery
    }

    /// Whether each knowledge point counts as met for its dependents: mastered, or without
    /// practice items (so it cannot be assessed here) and with all its own prerequisites met.
    fn met(&self, mastery: &[f32], threshold: f32) -> Vec<bool> {
        let mut met = vec![false; self.kp_ids.len()];
        for &k in &self.file.topo_order {
            let k = k as usize;
            met[k] = mastery[k] >= threshold
                || (self.kp_items[k].is_empty() && self.file.kp_prerequisites[k].iter().all(|&p| met[p as usize]));
        }
        met
    }

    fn kp_position(&self, kp: &KpId) -> Option<usize> {
        self.kp_ids.iter().position(|k| k == kp)
    }

    /// The learner's mastery of every knowledge point, in curriculum (topological) order.
    pub fn mastery_map(
        &self,
        state: &LearnerState,
        plan: &TeacherPlan,
        policy: &NextStepPolicy,
        now: Timestamp,
    ) -> Vec<KpMastery> {
        let mastery = self.effective_mastery(state, plan);
        let mastered = |k: usize| mastery[k] >= policy.mastery_threshold;
        let met = self.met(&mastery, policy.mastery_threshold);
        self.file
            .topo_order
            .iter()
            .map(|&k| {
                let k = k as usize;
                let answers = state.kp_answers.get(k).copied().unwrap_or(0);
                let review = state.reviews.get(k).copied().flatten();
                let status = if mastered(k) {
                    MasteryStatus::Mastered
                } else if answers > 0 {
                    MasteryStatus::Learning
                } else if self.file.kp_prerequisites[k].iter().all(|&p| met[p as usize]) {
                    MasteryStatus::NotStarted
                } else {
                    MasteryStatus::Locked
                };
                KpMastery {
                    kp: self.kp_ids[k].clone(),
                    mastery: mastery[k],
                    status,
                    answers,
                    recall: review.map(|r| self.scheduler.retrievability(&r, now)),
                    review_due: review.map(|r| self.scheduler.due(&r)),
                }
            })
            .collect()
    }

    /// Up to `n` recommended items, best first: the teacher's pins, due reviews, points in
    /// progress, then new points whose prerequisites are mastered. Within a point the item
    /// whose predicted success is closest to the policy's target is chosen.
    pub fn next_steps(
        &self,
        state: &LearnerState,
        plan: &TeacherPlan,
        policy: &NextStepPolicy,
        now: Timestamp,
        n: usize,
    ) -> Vec<Recommendation> {
        let mut out: Vec<Recommendation> = Vec::with_capacity(n);
        let mut used_kps = vec![false; self.kp_ids.len()];
        let recent_start = state.recent_items.len().saturating_sub(policy.avoid_recent);
        let recent = &state.recent_items[recent_start..];
        let skipped: Vec<usize> = plan.skipped_kps.iter().filter_map(|kp| self.kp_position(kp)).collect();
        let scope: Option<Vec<usize>> =
            plan.scope.as_ref().map(|s| s.iter().filter_map(|kp| self.kp_position(kp)).collect());
        let mastery = self.effective_mastery(state, plan);
        let mastered = |k: usize| mastery[k] >= policy.mastery_threshold;
        let met = self.met(&mastery, policy.mastery_threshold);

        for (item, note) in &plan.pinned_items {
            if out.len() >= n {
                return out;
            }
            if let Some(&i) = self.item_index.get(item) {
                let k = self.file.item_kps[i as usize][0] as usize;
                used_kps[k] = true;
                out.push(Recommendation {
                    item: item.clone(),
                    kp: self.kp_ids[k].clone(),
                    reason: Reason::Pinned { note: note.clone() },
                    predicted_success: self.predict_idx(state, i),
                });
            }
        }
        let push_kp = |k: usize, reason: Reason, out: &mut Vec<Recommendation>, used: &mut Vec<bool>| {
            if out.len() >= n || used[k] {
                return;
            }
            let chosen = self.kp_items[k]
                .iter()
                .filter(|&&i| !recent.contains(&i) && !out.iter().any(|r| self.item_index.get(&r.item) == Some(&i)))
                .map(|&i| (i, self.predict_idx(state, i)))
                .min_by(|a, b| (a.1 - policy.target_success).abs().total_cmp(&(b.1 - policy.target_success).abs()));
            if let Some((i, p)) = chosen {
                used[k] = true;
                out.push(Recommendation {
                    item: self.item_ids[i as usize].clone(),
                    kp: self.kp_ids[k].clone(),
                    reason,
                    predicted_success: p,
                });
            }
        };
        for (kp, note) in &plan.pinned_kps {
            if let Some(k) = self.kp_position(kp) {
                push_kp(k, Reason::Pinned { note: note.clone() }, &mut out, &mut used_kps);
            }
        }
        // Due reviews (recall fallen to the desired retention), least recalled first.
        let mut due: Vec<(usize, f32, u32)> = state
            .reviews
            .iter()
            .enumerate()
            .filter(|(k, _)| !skipped.contains(k))
            .filter_map(|(k, r)| r.map(|r| (k, r)))
            .map(|(k, r)| (k, self.scheduler.retrievability(&r, now), whole_days(r.last_review_ms, now.millis())))
            .filter(|&(_, recall, _)| recall <= self.scheduler.desired_retention())
            .collect();
        due.sort_by(|a, b| a.1.total_cmp(&b.1));
        for &(k, recall, days) in due.iter().take(policy.max_reviews) {
            push_kp(k, Reason::Review { days_since_last: days, recall }, &mut out, &mut used_kps);
        }
        let in_scope = |k: usize| !skipped.contains(&k) && scope.as_ref().is_none_or(|s| s.contains(&k));
        for &k in &self.file.topo_order {
            let k = k as usize;
            if in_scope(k) && !mastered(k) && state.kp_answers.get(k).copied().unwrap_or(0) > 0 {
                push_kp(k, Reason::Continue { mastery: mastery[k] }, &mut out, &mut used_kps);
            }
        }
        for &k in &self.file.topo_order {
            let k = k as usize;
            let prereqs = &self.file.kp_prerequisites[k];
            if in_scope(k)
                && !mastered(k)
                && state.kp_answers.get(k).copied().unwrap_or(0) == 0
                && prereqs.iter().all(|&p| met[p as usize])
            {
                // Name the mastered prerequisites, looking through unassessable ones to theirs.
                let mut prerequisites_mastered: Vec<KpId> = Vec::new();
                let mut stack: Vec<u32> = prereqs.clone();
                while let Some(p) = stack.pop() {
                    let p = p as usize;
                    if mastered(p) {
                        if !prerequisites_mastered.contains(&self.kp_ids[p]) {
                            prerequisites_mastered.push(self.kp_ids[p].clone());
                        }
                    } else {
                        stack.extend_from_slice(&self.file.kp_prerequisites[p]);
                    }
                }
                prerequisites_mastered.sort();
                let reason = if prerequisites_mastered.is_empty() {
                    Reason::Start
                } else {
                    Reason::Ready { prerequisites_mastered }
                };
                push_kp(k, reason, &mut out, &mut used_kps);
            }
        }
        out
    }

    /// Per knowledge point, how a class stands (in curriculum order).
    pub fn class_heat_map(&self, states: &[LearnerState], policy: &NextStepPolicy, now: Timestamp) -> Vec<KpHeat> {
        self.file
            .topo_order
            .iter()
            .map(|&k| {
                let k = k as usize;
                let mut heat = KpHeat {
                    kp: self.kp_ids[k].clone(),
                    mean_mastery: 0.0,
                    mastered: 0,
                    learning: 0,
                    struggling: 0,
                    not_started: 0,
                    reviews_due: 0,
                };
                let mut sum = 0.0;
                for state in states {
                    let m = state.mastery.get(k).copied().unwrap_or(0.0);
                    let answers = state.kp_answers.get(k).copied().unwrap_or(0);
                    sum += m;
                    if m >= policy.mastery_threshold {
                        heat.mastered += 1;
                    } else if answers == 0 {
                        heat.not_started += 1;
                    } else if answers >= 3 && m < 0.5 {
                        heat.struggling += 1;
                    } else {
                        heat.learning += 1;
                    }
                    if let Some(r) = state.reviews.get(k).copied().flatten()
                        && now >= self.scheduler.due(&r)
                    {
                        heat.reviews_due += 1;
                    }
                }
                if !states.is_empty() {
                    heat.mean_mastery = sum / states.len() as f32;
                }
                heat
            })
            .collect()
    }

    /// The knowledge points, by dense index.
    pub fn kp_ids(&self) -> &[KpId] {
        &self.kp_ids
    }
}

impl LearnerState {
    /// The state as a stored blob (versioned JSON).
    pub fn to_blob(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("learner state holds only finite numbers")
    }

    /// Reads a blob written by [`LearnerState::to_blob`].
    pub fn from_blob(blob: &[u8]) -> Result<Self, LearningError> {
        let bad = |reason: String| LearningError::BadState { what: "learner state", reason };
        let state: LearnerState = serde_json::from_slice(blob).map_err(|e| bad(e.to_string()))?;
        if state.version != STATE_VERSION {
            return Err(bad(format!("version {} (this build reads {STATE_VERSION})", state.version)));
        }
        Ok(state)
    }

    /// Answers folded in so far.
    pub fn n_answers(&self) -> u32 {
        self.n_answers
    }

    /// The [`SubjectModel`] revision this state was last updated with.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}

fn resolve_items(graph: &KnowledgeGraph, items: &[ItemSpec]) -> Result<(Vec<ItemId>, Vec<Vec<u32>>), LearningError> {
    let mut seen = HashMap::new();
    let mut ids = Vec::with_capacity(items.len());
    let mut kps = Vec::with_capacity(items.len());
    for (idx, item) in items.iter().enumerate() {
        if seen.insert(item.id.clone(), idx).is_some() {
            return Err(LearningError::InvalidItem { item: item.id.to_string(), reason: "listed twice" });
        }
        if item.kps.is_empty() {
            return Err(LearningError::InvalidItem {
                item: item.id.to_string(),
                reason: "tagged with no knowledge point",
            });
        }
        let mut tags = Vec::new();
        for kp in &item.kps {
            let k = graph.kp_index(kp).ok_or_else(|| LearningError::UnknownKnowledgePoint(kp.to_string()))?;
            if !tags.contains(&k) {
                tags.push(k);
            }
        }
        ids.push(item.id.clone());
        kps.push(tags);
    }
    Ok((ids, kps))
}

#[cfg(test)]
mod tests;
