//! Adaptive practice: next steps, answers folded into the learner model, mastery maps, class
//! heat maps and teachers' plans, all behind consent for adaptive learning.
//!
//! The learner model is optional processing of a student's data, so every use case here first
//! checks that consent is in force (under 14: a guardian's), and withdrawing consent erases the
//! learner's model state. Answers are graded by the grading crate and recorded, with the updated
//! model state and the audit entry, in one transaction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use access::Access;
use access::consent::Purpose;
use base::{ClassId, PersonId, Timestamp};
use learning::graph::{ItemId, KnowledgeGraph, KpId};
use learning::learner::{ItemSpec, KpHeat, KpMastery, LearnerState, LoggedAnswer, SubjectModel};
use learning::next_step::{NextStepPolicy, Reason, TeacherPlan};
use serde::{Deserialize, Serialize};
use store::learning::{Answer, StoredItem};

use crate::{App, Caller, Error, Result, UserError};

/// The subject of the built-in demo curriculum.
pub const DEMO_SUBJECT: &str = "maths-junior-secondary";

/// Loaded subject models, by subject, with the revision they were loaded at.
#[derive(Default)]
pub(crate) struct ModelCache {
    models: Mutex<HashMap<String, Arc<LoadedSubject>>>,
}

impl std::fmt::Debug for ModelCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ModelCache")
    }
}

/// A subject's graph and fitted model, ready to use.
pub(crate) struct LoadedSubject {
    revision: i64,
    pub(crate) graph: KnowledgeGraph,
    pub(crate) model: SubjectModel,
}

/// How an item's answer is checked. A versioned file format (stored as JSON in the item bank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerKey {
    /// A math answer compared by equivalence (the grading crate's school conventions).
    Math { reference: String },
}

/// A knowledge point's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpNames {
    pub kp: KpId,
    pub name_zh: String,
    pub name_en: String,
    pub grade: Option<u8>,
}

/// A recommended practice item.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeItem {
    pub item: ItemId,
    pub stem_zh: Option<String>,
    pub stem_en: Option<String>,
    pub kp: KpNames,
    pub reason: Reason,
    pub predicted_success: f32,
}

/// What one answer did.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerResult {
    pub correct: bool,
    /// The expected answer, shown once the learner has answered.
    pub expected: String,
    /// The grader's reasons, in English words a UI can map (e.g. "equivalent", "not equivalent").
    pub feedback: Vec<String>,
    /// The mastery of the item's knowledge points after the answer.
    pub mastery: Vec<(KpNames, f32)>,
    /// What to do next.
    pub next: Vec<PracticeItem>,
}

/// A row of a mastery map.
#[derive(Debug, Clone, PartialEq)]
pub struct MasteryRow {
    pub kp: KpNames,
    pub entry: KpMastery,
}

/// A row of a class heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub kp: KpNames,
    pub heat: KpHeat,
}

/// A class's heat map and how many students it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassHeatMap {
    pub rows: Vec<HeatRow>,
    /// Students whose model state is included (consent in force).
    pub students_included: usize,
    /// Students left out because adaptive-learning consent is not in force.
    pub students_without_consent: usize,
}

/// A teacher's plan as stored: the learning crate's `TeacherPlan` in a versioned JSON form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    #[serde(default)]
    pub pinned_kps: Vec<(String, Option<String>)>,
    #[serde(default)]
    pub pinned_items: Vec<(String, Option<String>)>,
    #[serde(default)]
    pub skipped_kps: Vec<String>,
    #[serde(default)]
    pub marked_mastered: Vec<String>,
    #[serde(default)]
    pub scope: Option<Vec<String>>,
}

impl PlanFile {
    pub(crate) fn to_plan(&self) -> TeacherPlan {
        let kp = |s: &String| KpId::parse(s);
        TeacherPlan {
            pinned_kps: self.pinned_kps.iter().filter_map(|(k, n)| kp(k).map(|k| (k, n.clone()))).collect(),
            pinned_items: self
                .pinned_items
                .iter()
                .filter_map(|(i, n)| ItemId::parse(i).map(|i| (i, n.clone())))
                .collect(),
            skipped_kps: self.skipped_kps.iter().filter_map(kp).collect(),
            marked_mastered: self.marked_mastered.iter().filter_map(kp).collect(),
            scope: self.scope.as_ref().map(|s| s.iter().filter_map(kp).collect()),
        }
    }

    /// Adds `other`'s pins after this plan's and unions the rest (a student's plan over the class's).
    fn merged(mut self, other: PlanFile) -> PlanFile {
        self.pinned_kps.extend(other.pinned_kps);
        self.pinned_items.extend(other.pinned_items);
        self.skipped_kps.extend(other.skipped_kps);
        self.marked_mastered.extend(other.marked_mastered);
        if self.scope.is_none() {
            self.scope = other.scope;
        }
        self
    }
}

fn names(graph: &KnowledgeGraph, kp: &KpId) -> KpNames {
    match graph.kp_index(kp).and_then(|i| graph.kps().get(i as usize)) {
        Some(k) => KpNames { kp: kp.clone(), name_zh: k.name_zh.clone(), name_en: k.name_en.clone(), grade: k.grade },
        None => KpNames { kp: kp.clone(), name_zh: kp.to_string(), name_en: kp.to_string(), grade: None },
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::internal(anyhow::anyhow!("{e}"))
}

impl App {
    /// The subject's graph and model, from the cache when its revision is current.
    pub(crate) async fn subject_model(&self, subject: &str) -> Result<Arc<LoadedSubject>> {
        let mut conn = self.store.read().await?;
        let revision = store::learning::model_revision(&mut conn, subject)
            .await?
            .ok_or(UserError::NotFound { what: "subject" })?;
        if let Some(hit) = self.models.models.lock().map_err(|_| internal("model cache poisoned"))?.get(subject)
            && hit.revision == revision
        {
            return Ok(hit.clone());
        }
        let stored =
            store::learning::subject(&mut conn, subject).await?.ok_or(UserError::NotFound { what: "subject" })?;
        drop(conn);
        let graph = KnowledgeGraph::parse(&stored.graph).map_err(internal)?;
        let model = SubjectModel::from_blob(&stored.model).map_err(internal)?;
        let loaded = Arc::new(LoadedSubject { revision: stored.model_revision, graph, model });
        self.models
            .models
            .lock()
            .map_err(|_| internal("model cache poisoned"))?
            .insert(subject.to_owned(), loaded.clone());
        Ok(loaded)
    }

    /// The subjects with learner models: (id, Chinese name, English name).
    pub async fn subjects(&self) -> Result<Vec<(String, String, String)>> {
        let mut conn = self.store.read().await?;
        Ok(store::learning::subjects(&mut conn).await?.into_iter().map(|(id, zh, en, _)| (id, zh, en)).collect())
    }

    /// Installs (or replaces) a subject: its graph, its items, and a model with prior settings.
    pub async fn install_subject(
        &self,
        caller: &Caller,
        graph: &KnowledgeGraph,
        items: &[(StoredItem, ItemSpec)],
    ) -> Result<()> {
        if caller.actor().is_some() {
            return Err(UserError::Forbidden("subjects are installed by the operator".into()).into());
        }
        let specs: Vec<ItemSpec> = items.iter().map(|(_, s)| s.clone()).collect();
        let model = SubjectModel::new(graph, &specs, 0.9).map_err(|e| UserError::invalid("subject", e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let stored: Vec<StoredItem> = items.iter().map(|(i, _)| i.clone()).collect();
        let subject = store::learning::Subject {
            id: graph.subject.clone(),
            name_zh: graph.name_zh.clone(),
            name_en: graph.name_en.clone(),
            graph: graph.to_toml(),
            model: model.to_blob(),
            model_revision: i64::try_from(model.revision()).unwrap_or(0),
        };
        store::learning::upsert_subject(&mut tx, &subject, now).await?;
        store::learning::upsert_items(&mut tx, &stored, now).await?;
        let entry = self.audit_entry(
            caller,
            "install-subject",
            &format!("subject:{}", graph.subject),
            None,
            &format!("{} items", stored.len()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn plan_for(&self, student: &PersonId, subject: &str) -> Result<PlanFile> {
        let mut conn = self.store.read().await?;
        let mut plan = match store::learning::teacher_plan(&mut conn, &format!("person:{student}"), subject).await? {
            Some(json) => serde_json::from_str(&json).map_err(Error::internal)?,
            None => PlanFile::default(),
        };
        let today = self.today();
        for e in store::teaching::enrollments_of_person(&mut conn, student).await? {
            if e.role == records::EnrollmentRole::Student
                && e.active_on(today)
                && let Some(json) =
                    store::learning::teacher_plan(&mut conn, &format!("class:{}", e.class), subject).await?
            {
                plan = plan.merged(serde_json::from_str(&json).map_err(Error::internal)?);
            }
        }
        Ok(plan)
    }

    pub(crate) async fn state_of(
        &self,
        subject: &LoadedSubject,
        student: &PersonId,
        subject_id: &str,
    ) -> Result<LearnerState> {
        let mut conn = self.store.read().await?;
        Ok(match store::learning::learner_state(&mut conn, student, subject_id).await? {
            Some(blob) => match LearnerState::from_blob(&blob) {
                Ok(state) => state,
                Err(e) => {
                    // A state the current model cannot read is rebuilt from the answers it came from.
                    tracing::warn!(%student, subject = subject_id, error = %e, "rebuilding a learner state from its answers");
                    let log = store::learning::answers_of(&mut conn, student, subject_id).await?;
                    subject.model.replay(&to_logged(&log))
                }
            },
            None => subject.model.new_learner(),
        })
    }

    fn practice_items(
        &self,
        subject: &LoadedSubject,
        state: &LearnerState,
        plan: &PlanFile,
        n: usize,
        items: &HashMap<String, StoredItem>,
    ) -> Vec<PracticeItem> {
        subject
            .model
            .next_steps(state, &plan.to_plan(), &NextStepPolicy::standard(), self.now(), n)
            .into_iter()
            .map(|r| {
                let stored = items.get(r.item.as_str());
                PracticeItem {
                    stem_zh: stored.and_then(|i| i.stem_zh.clone()),
                    stem_en: stored.and_then(|i| i.stem_en.clone()),
                    kp: names(&subject.graph, &r.kp),
                    item: r.item,
                    reason: r.reason,
                    predicted_success: r.predicted_success,
                }
            })
            .collect()
    }

    async fn items_map(&self, ids: Vec<String>) -> Result<HashMap<String, StoredItem>> {
        let mut conn = self.store.read().await?;
        Ok(store::learning::items_by_id(&mut conn, &ids).await?.into_iter().map(|i| (i.id.clone(), i)).collect())
    }

    /// What a student should practise next, best first, each with its reason.
    pub async fn next_practice(
        &self,
        caller: &Caller,
        student: &PersonId,
        subject_id: &str,
        n: usize,
    ) -> Result<Vec<PracticeItem>> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        self.require_consent(student, Purpose::AdaptiveLearning).await?;
        let subject = self.subject_model(subject_id).await?;
        let state = self.state_of(&subject, student, subject_id).await?;
        let plan = self.plan_for(student, subject_id).await?;
        let n = n.clamp(1, 20);
        let ids: Vec<String> = subject
            .model
            .next_steps(&state, &plan.to_plan(), &NextStepPolicy::standard(), self.now(), n)
            .iter()
            .map(|r| r.item.to_string())
            .collect();
        let items = self.items_map(ids).await?;
        let next = self.practice_items(&subject, &state, &plan, n, &items);
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("next practice in {subject_id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(next)
    }

    /// Grades a practice answer and folds it into the student's learner model, in one
    /// transaction with the answer row and the audit entry. Only the student answers for themselves.
    pub async fn answer_practice(
        &self,
        caller: &Caller,
        student: &PersonId,
        item_id: &str,
        response: &str,
    ) -> Result<AnswerResult> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        if !matches!(basis, Some(access::Basis::Own) | None) {
            return Err(UserError::Forbidden("only the student answers their own practice".into()).into());
        }
        self.require_consent(student, Purpose::AdaptiveLearning).await?;
        if response.len() > 10_000 {
            return Err(UserError::invalid("response", "an answer may be at most 10,000 bytes").into());
        }
        let mut conn = self.store.read().await?;
        let item = store::learning::item(&mut conn, item_id).await?.ok_or(UserError::NotFound { what: "item" })?;
        drop(conn);
        let subject_id = item
            .subject
            .clone()
            .ok_or_else(|| UserError::invalid("item", "this item belongs to no subject with a learner model"))?;
        let subject = self.subject_model(&subject_id).await?;
        let key: AnswerKey = serde_json::from_str(&item.answer_key).map_err(Error::internal)?;
        let (correct, expected, feedback) = grade_answer(&key, &item.id, response)?;
        let item_ref = ItemId::parse(&item.id).ok_or_else(|| internal("stored item id is not an item id"))?;
        let now = self.now();

        // Read, update and write the state under the write lock, so two answers at once cannot
        // overwrite each other's update.
        let mut tx = self.store.write().await?;
        let mut state = match store::learning::learner_state_for_update(&mut tx, student, &subject_id).await? {
            Some(blob) => LearnerState::from_blob(&blob).unwrap_or_else(|_| subject.model.new_learner()),
            None => subject.model.new_learner(),
        };
        let outcome = subject
            .model
            .record_answer(&mut state, &item_ref, correct, now)
            .map_err(|e| UserError::invalid("item", e.to_string()))?;
        let answer = Answer {
            id: crate::new_id(),
            student: student.clone(),
            item: item.id.clone(),
            subject: Some(subject_id.clone()),
            response: response.to_owned(),
            correct,
            predicted: Some(f64::from(outcome.predicted_success)),
            context: "practice".into(),
            at: now,
        };
        store::learning::insert_answers(&mut tx, std::slice::from_ref(&answer)).await?;
        store::learning::save_learner_state(
            &mut tx,
            student,
            &subject_id,
            &state.to_blob(),
            i64::from(state.n_answers()),
            now,
        )
        .await?;
        let entry = self.audit_entry(
            caller,
            "create",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("practice answer {}", item.id),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;

        let plan = self.plan_for(student, &subject_id).await?;
        let ids: Vec<String> = subject
            .model
            .next_steps(&state, &plan.to_plan(), &NextStepPolicy::standard(), now, 3)
            .iter()
            .map(|r| r.item.to_string())
            .collect();
        let items = self.items_map(ids).await?;
        Ok(AnswerResult {
            correct,
            expected,
            feedback,
            mastery: outcome.mastery.iter().map(|(kp, m)| (names(&subject.graph, kp), *m)).collect(),
            next: self.practice_items(&subject, &state, &plan, 3, &items),
        })
    }

    /// A student's mastery of every knowledge point, in curriculum order.
    pub async fn mastery_map(&self, caller: &Caller, student: &PersonId, subject_id: &str) -> Result<Vec<MasteryRow>> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        self.require_consent(student, Purpose::AdaptiveLearning).await?;
        let subject = self.subject_model(subject_id).await?;
        let state = self.state_of(&subject, student, subject_id).await?;
        let plan = self.plan_for(student, subject_id).await?;
        let rows = subject
            .model
            .mastery_map(&state, &plan.to_plan(), &NextStepPolicy::standard(), self.now())
            .into_iter()
            .map(|entry| MasteryRow { kp: names(&subject.graph, &entry.kp), entry })
            .collect();
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("mastery map {subject_id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(rows)
    }

    /// A class's knowledge-point heat map over the students whose consent is in force.
    pub async fn class_heat_map(&self, caller: &Caller, class: &ClassId, subject_id: &str) -> Result<ClassHeatMap> {
        let basis = self.authorize_class(caller, Access::Read, class).await?;
        let subject = self.subject_model(subject_id).await?;
        let today = self.today();
        let mut conn = self.store.read().await?;
        let students: Vec<PersonId> = store::teaching::enrollments_of_class(&mut conn, class)
            .await?
            .into_iter()
            .filter(|e| e.role == records::EnrollmentRole::Student && e.active_on(today))
            .map(|e| e.person)
            .collect();
        drop(conn);
        let mut consenting = Vec::new();
        for s in &students {
            if self.require_consent(s, Purpose::AdaptiveLearning).await.is_ok() {
                consenting.push(s.clone());
            }
        }
        let mut conn = self.store.read().await?;
        let blobs = store::learning::learner_states(&mut conn, &consenting, subject_id).await?;
        drop(conn);
        let mut states: Vec<LearnerState> = blobs.iter().filter_map(|(_, b)| LearnerState::from_blob(b).ok()).collect();
        // Consenting students who have not practised yet still count, as not started.
        while states.len() < consenting.len() {
            states.push(subject.model.new_learner());
        }
        let rows = subject
            .model
            .class_heat_map(&states, &NextStepPolicy::standard(), self.now())
            .into_iter()
            .map(|heat| HeatRow { kp: names(&subject.graph, &heat.kp), heat })
            .collect();
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("class:{class}"),
            basis.as_ref(),
            &format!("heat map {subject_id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(ClassHeatMap {
            rows,
            students_included: consenting.len(),
            students_without_consent: students.len() - consenting.len(),
        })
    }

    /// Sets a teacher's plan (pins, skips, overrides) for a whole class.
    pub async fn set_class_plan(
        &self,
        caller: &Caller,
        class: &ClassId,
        subject_id: &str,
        plan: &PlanFile,
    ) -> Result<()> {
        let basis = self.authorize_class(caller, Access::WriteCoursework, class).await?;
        self.check_plan(subject_id, plan).await?;
        self.save_plan(caller, &format!("class:{class}"), subject_id, plan, basis).await
    }

    /// Sets a teacher's plan for one student (added to their classes' plans).
    pub async fn set_student_plan(
        &self,
        caller: &Caller,
        student: &PersonId,
        subject_id: &str,
        plan: &PlanFile,
    ) -> Result<()> {
        let basis = self.authorize_student(caller, Access::WriteCoursework, student).await?;
        self.check_plan(subject_id, plan).await?;
        self.save_plan(caller, &format!("person:{student}"), subject_id, plan, basis).await
    }

    async fn check_plan(&self, subject_id: &str, plan: &PlanFile) -> Result<()> {
        let subject = self.subject_model(subject_id).await?;
        let kps = plan
            .pinned_kps
            .iter()
            .map(|(k, _)| k)
            .chain(&plan.skipped_kps)
            .chain(&plan.marked_mastered)
            .chain(plan.scope.iter().flatten());
        for kp in kps {
            if KpId::parse(kp).and_then(|k| subject.graph.kp_index(&k)).is_none() {
                return Err(UserError::invalid("plan", format!("{kp} is not a knowledge point of {subject_id}")).into());
            }
        }
        for (item, _) in &plan.pinned_items {
            if ItemId::parse(item).and_then(|i| subject.model.predict(&subject.model.new_learner(), &i).ok()).is_none()
            {
                return Err(UserError::invalid("plan", format!("{item} is not an item of {subject_id}")).into());
            }
        }
        Ok(())
    }

    async fn save_plan(
        &self,
        caller: &Caller,
        scope: &str,
        subject_id: &str,
        plan: &PlanFile,
        basis: Option<access::Basis>,
    ) -> Result<()> {
        let json = serde_json::to_string(plan).map_err(Error::internal)?;
        let mut tx = self.store.write().await?;
        store::learning::save_teacher_plan(&mut tx, scope, subject_id, &json, &caller.audit_name(), self.now()).await?;
        let entry = self.audit_entry(caller, "update", scope, basis.as_ref(), &format!("teacher plan {subject_id}"));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Refits a subject's model from every answer logged (a batch job for the operator), and
    /// rebuilds every learner's state under the new model.
    pub async fn refit_subject(
        &self,
        caller: &Caller,
        subject_id: &str,
        with_sequence_model: bool,
    ) -> Result<(usize, usize)> {
        if caller.actor().is_some() {
            return Err(UserError::Forbidden("models are refitted by the operator".into()).into());
        }
        let current = self.subject_model(subject_id).await?;
        let mut conn = self.store.read().await?;
        let items = store::learning::items_of_subject(&mut conn, subject_id).await?;
        let log = store::learning::answer_log(&mut conn, subject_id).await?;
        drop(conn);
        let specs = item_specs(&items)?;
        let mut by_student: Vec<(PersonId, Vec<LoggedAnswer>)> = Vec::new();
        for a in &log {
            let logged = LoggedAnswer {
                item: ItemId::parse(&a.item).ok_or_else(|| internal("bad item id"))?,
                correct: a.correct,
                at: a.at,
            };
            match by_student.last_mut() {
                Some((s, v)) if *s == a.student => v.push(logged),
                _ => by_student.push((a.student.clone(), vec![logged])),
            }
        }
        let logs: Vec<Vec<LoggedAnswer>> = by_student.iter().map(|(_, v)| v.clone()).collect();
        let graph = current.graph.clone();
        let previous = current.model.revision();
        let options = learning::learner::FitOptions {
            bkt_restarts: 3,
            with_gru: with_sequence_model,
            seed: 7,
            desired_retention: 0.9,
        };
        let model = tokio::task::spawn_blocking(move || SubjectModel::fit(&graph, &specs, &logs, previous, &options))
            .await
            .map_err(Error::internal)?
            .map_err(|e| UserError::invalid("subject", e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut stored =
            store::learning::subject(&mut tx, subject_id).await?.ok_or(UserError::NotFound { what: "subject" })?;
        stored.model = model.to_blob();
        stored.model_revision = i64::try_from(model.revision()).unwrap_or(stored.model_revision + 1);
        store::learning::upsert_subject(&mut tx, &stored, now).await?;
        for (student, answers) in &by_student {
            let state = model.replay(answers);
            store::learning::save_learner_state(
                &mut tx,
                student,
                subject_id,
                &state.to_blob(),
                i64::from(state.n_answers()),
                now,
            )
            .await?;
        }
        let entry = self.audit_entry(
            caller,
            "refit",
            &format!("subject:{subject_id}"),
            None,
            &format!("{} answers of {} students", log.len(), by_student.len()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok((log.len(), by_student.len()))
    }
}

fn to_logged(answers: &[Answer]) -> Vec<LoggedAnswer> {
    answers
        .iter()
        .filter_map(|a| Some(LoggedAnswer { item: ItemId::parse(&a.item)?, correct: a.correct, at: a.at }))
        .collect()
}

/// The learner models' view of stored items.
pub(crate) fn item_specs(items: &[StoredItem]) -> Result<Vec<ItemSpec>> {
    items
        .iter()
        .map(|i| {
            Ok(ItemSpec {
                id: ItemId::parse(&i.id).ok_or_else(|| internal(format!("item id {}", i.id)))?,
                kps: i
                    .kps
                    .iter()
                    .map(|k| KpId::parse(k).ok_or_else(|| internal(format!("kp id {k}"))))
                    .collect::<Result<_>>()?,
                difficulty: i.difficulty as f32,
            })
        })
        .collect()
}

/// Grades a response against an answer key: (correct, the expected answer, the grader's reasons).
pub(crate) fn grade_answer(key: &AnswerKey, item_id: &str, response: &str) -> Result<(bool, String, Vec<String>)> {
    match key {
        AnswerKey::Math { reference } => {
            let item = grading::item::Item {
                id: grading::id::ItemId::parse(item_id).map_err(|e| internal(e.to_string()))?,
                max_points: 1.0,
                key: grading::item::AnswerKey::Math(grading::item::MathKey {
                    reference: reference.clone(),
                    settings: grading::math::MathSettings::school(),
                }),
            };
            let compiled = item.compile().map_err(|e| internal(e.to_string()))?;
            let grade = compiled.grade(&grading::item::Response::Text(response.to_owned()));
            let correct =
                matches!(grade.outcome, grading::grade::Outcome::Scored { points, max_points } if points >= max_points);
            let feedback = grade.feedback.iter().map(|f| format!("{f:?}")).collect();
            Ok((correct, reference.clone(), feedback))
        }
    }
}

/// The demo curriculum's items: generated numeric questions for the built-in graph.
pub fn demo_items(graph: &KnowledgeGraph) -> Vec<(StoredItem, ItemSpec)> {
    learning::items::generate(graph, 6, 20_261_123)
        .into_iter()
        .map(|item| {
            let spec = ItemSpec::from(&item);
            let key = serde_json::to_string(&AnswerKey::Math { reference: item.answer.clone() }).unwrap_or_default();
            let stored = StoredItem {
                id: item.id.to_string(),
                subject: Some(graph.subject.clone()),
                stem_zh: Some(item.stem_zh),
                stem_en: Some(item.stem_en),
                answer_key: key,
                kps: item.kps.iter().map(ToString::to_string).collect(),
                difficulty: f64::from(item.difficulty),
                source: "generated".into(),
            };
            (stored, spec)
        })
        .collect()
}

/// Simulated practice history for demo students: each student's answers from `start`, replayed
/// into their learner state. Only for demos; real schools start with no history.
pub(crate) fn demo_history(
    subject: &SubjectModel,
    graph: &KnowledgeGraph,
    specs_by_grade: &[Vec<ItemSpec>],
    students: &[(PersonId, usize)],
    start: Timestamp,
    now: Timestamp,
) -> Vec<(PersonId, Vec<LoggedAnswer>, LearnerState)> {
    let mut out = Vec::new();
    for (grade, specs) in specs_by_grade.iter().enumerate() {
        let group: Vec<&PersonId> = students.iter().filter(|(_, g)| *g == grade).map(|(p, _)| p).collect();
        if group.is_empty() || specs.is_empty() {
            continue;
        }
        let logs =
            learning::simulate::simulate_logs(graph, specs, group.len(), 30 + 30 * grade, start, 7 + grade as u64);
        for (student, mut log) in group.into_iter().zip(logs) {
            // The simulation runs on past the present; keep only what has happened.
            log.retain(|a| a.at <= now);
            let state = subject.replay(&log);
            out.push((student.clone(), log, state));
        }
    }
    out
}
