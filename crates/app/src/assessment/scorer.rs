//! Machine grades: the grading crate's checkers, and the scoring crate's models for free text.

use std::collections::BTreeMap;

use grading::grade::Outcome;
use grading::item::{AnswerKey, Response};
use scoring::{
    EssayConfig, EssayModel, GradedAnswer, GradedEssay, Question, ScoreScale, ScoringBasis, ShortAnswerConfig,
    ShortAnswerModel, TrainingQuestion,
};
use store::assessment::ScoringModel;

use super::responses::{StudentResponse, feedback_text};
use super::{LoadedItem, MachineBasis, MachineGrade};
use crate::{App, Caller, Error, Result, UserError};

/// The scope under which the pooled short-answer model is stored.
const POOL: &str = "pool";

/// Teacher-graded answers before the pooled short-answer model is first trained.
pub const MIN_POOL_EXAMPLES: usize = 10;

/// Teacher-graded essays of one item before its essay model is trained.
pub const MIN_ESSAY_EXAMPLES: usize = 10;

/// Below this confidence a machine grade is flagged for the teacher (the grading crate's rule).
fn flagged(confidence: f64, needs_review: bool) -> bool {
    needs_review || grading::grade::Confidence::new(confidence) < grading::grade::SUGGESTION_BELOW
}

/// The grid free-text points live on: whole points, or half points when the maximum needs them.
fn scale_for(max_points: f64) -> Result<ScoreScale> {
    let step = if max_points.fract() == 0.0 {
        1.0
    } else if (max_points * 2.0).fract() == 0.0 {
        0.5
    } else {
        max_points
    };
    ScoreScale::parse(0.0, max_points, step).map_err(|e| UserError::invalid("item", e.to_string()).into())
}

fn evidence_words(evidence: &[scoring::Evidence]) -> Vec<String> {
    evidence.iter().map(|e| format!("{} {:+.0}%", e.feature, e.contribution * 100.0)).collect()
}

fn on_grid(scale: &ScoreScale, points: f64) -> f64 {
    scale.value(scale.level_of(points.clamp(scale.min(), scale.max())))
}

impl App {
    /// Grades one response: objective items by their checker; free text by a model when the
    /// school has one for it, otherwise it waits for the teacher.
    pub(crate) async fn machine_grade(
        &self,
        conn: &mut impl store::Connection,
        loaded: &LoadedItem,
        response: &Response,
    ) -> Result<MachineGrade> {
        let grade = loaded.compiled.grade(response);
        let feedback = feedback_text(&grade.feedback);
        match grade.outcome {
            Outcome::Scored { points, .. } => Ok(MachineGrade {
                points: Some(points),
                confidence: grade.confidence.value(),
                basis: MachineBasis::Objective,
                feedback,
                needs_teacher: grade.is_uncertain(),
            }),
            Outcome::NeedsScorer => match (&loaded.item.key, response) {
                (AnswerKey::FreeText(key), Response::Text(answer)) => {
                    self.score_free_text(conn, loaded, &key.references, answer).await
                }
                _ => Ok(MachineGrade::for_teacher(feedback)),
            },
            Outcome::NeedsTeacher => Ok(MachineGrade::for_teacher(feedback)),
        }
    }

    async fn score_free_text(
        &self,
        conn: &mut impl store::Connection,
        loaded: &LoadedItem,
        references: &[String],
        answer: &str,
    ) -> Result<MachineGrade> {
        let scale = scale_for(loaded.item.max_points)?;
        let mut examples = Vec::new();
        for g in store::assessment::teacher_graded_free_text(conn, Some(&loaded.item_id)).await? {
            if let Some(text) = StudentResponse::from_json(&g.response)?.text() {
                examples.push(GradedAnswer { answer: text.to_owned(), score: on_grid(&scale, g.points) });
            }
        }
        let prompt = loaded.prompt.clone().unwrap_or_else(|| loaded.title.clone());
        let answer = answer.to_owned();
        if !references.is_empty() {
            let Some(pool) = store::assessment::scoring_model(conn, POOL).await? else {
                return Ok(MachineGrade::for_teacher(vec![format!(
                    "no short-answer model yet: it is trained once teachers have graded {MIN_POOL_EXAMPLES} short answers"
                )]));
            };
            let question = Question { prompt, references: references.to_vec(), scale };
            let score = tokio::task::spawn_blocking(move || -> Result<_> {
                let model: ShortAnswerModel = serde_json::from_str(&pool.model).map_err(Error::internal)?;
                let question_model = model.fit_question(question, examples).map_err(Error::internal)?;
                Ok(model.score(&question_model, &answer))
            })
            .await
            .map_err(Error::internal)??;
            let mut feedback = vec![match score.basis {
                ScoringBasis::ReferenceAnswers => "scored against the reference answers".to_owned(),
                ScoringBasis::GradedExamples(n) => {
                    format!("scored against the reference answers and {n} graded answers")
                }
            }];
            feedback.extend(evidence_words(&score.evidence));
            feedback.extend(score.warnings.iter().map(|w| format!("{w:?}").to_lowercase()));
            return Ok(MachineGrade {
                points: Some(score.score),
                confidence: score.confidence,
                basis: MachineBasis::Model,
                feedback,
                needs_teacher: flagged(score.confidence, score.needs_review),
            });
        }
        if examples.len() < MIN_ESSAY_EXAMPLES {
            return Ok(MachineGrade::for_teacher(vec![format!(
                "no essay model yet: it is trained once a teacher has graded {MIN_ESSAY_EXAMPLES} answers to this item ({} so far)",
                examples.len()
            )]));
        }
        let essays: Vec<GradedEssay> =
            examples.into_iter().map(|e| GradedEssay { text: e.answer, score: e.score }).collect();
        let score = tokio::task::spawn_blocking(move || -> Result<_> {
            let model = EssayModel::train(Some(&prompt), scale, essays, &EssayConfig::recommended())
                .map_err(Error::internal)?;
            Ok(model.score(&answer))
        })
        .await
        .map_err(Error::internal)??;
        let mut feedback = vec!["scored by this item's essay model".to_owned()];
        for t in &score.traits {
            feedback.push(format!("{:?} {:+.0}%", t.rubric_trait, t.contribution * 100.0).to_lowercase());
        }
        Ok(MachineGrade {
            points: Some(score.score),
            confidence: score.confidence,
            basis: MachineBasis::Model,
            feedback,
            needs_teacher: flagged(score.confidence, score.needs_review),
        })
    }

    /// Trains the pooled short-answer model on every teacher-graded short answer (free-text
    /// items with reference answers) and stores it. Returns the number of answers used, or
    /// `None` when there are fewer than [`MIN_POOL_EXAMPLES`]. Operator and staff.
    pub async fn train_short_answer_model(&self, caller: &Caller) -> Result<Option<usize>> {
        if !super::is_staff(caller) {
            return Err(UserError::Forbidden("scoring models are trained by staff".into()).into());
        }
        let mut conn = self.store.read().await?;
        let graded = store::assessment::teacher_graded_free_text(&mut conn, None).await?;
        let mut by_item: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
        for g in graded {
            if let Some(text) = StudentResponse::from_json(&g.response)?.text() {
                by_item.entry(g.item).or_default().push((text.to_owned(), g.points));
            }
        }
        let ids: Vec<String> = by_item.keys().cloned().collect();
        let stored = store::learning::items_by_id(&mut conn, &ids).await?;
        drop(conn);
        let mut training = Vec::new();
        for s in &stored {
            let loaded = LoadedItem::from_stored(&s.id, None, &s.answer_key, 1.0)?;
            let AnswerKey::FreeText(key) = &loaded.item.key else { continue };
            if key.references.is_empty() {
                continue;
            }
            // The item's own points: the QTI's maximum (assignments keep the bank's points).
            let max = match serde_json::from_str(&s.answer_key).map_err(Error::internal)? {
                super::BankKey::Qti { xml } => qti::import(&xml).map_err(Error::internal)?.item.max_points,
                super::BankKey::Math { .. } => 1.0,
            };
            let scale = scale_for(max)?;
            let examples = by_item[&s.id]
                .iter()
                .map(|(answer, points)| GradedAnswer { answer: answer.clone(), score: on_grid(&scale, *points) })
                .collect();
            let prompt = loaded.prompt.clone().unwrap_or_else(|| loaded.title.clone());
            training.push(TrainingQuestion {
                question: Question { prompt, references: key.references.clone(), scale },
                examples,
            });
        }
        let n: usize = training.iter().map(|t| t.examples.len()).sum();
        if n < MIN_POOL_EXAMPLES {
            return Ok(None);
        }
        let model = tokio::task::spawn_blocking(move || {
            ShortAnswerModel::train(&training, &ShortAnswerConfig::recommended()).map(|t| t.model)
        })
        .await
        .map_err(Error::internal)?
        .map_err(|e| UserError::invalid("training", e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::assessment::save_scoring_model(
            &mut tx,
            &ScoringModel {
                scope: POOL.into(),
                kind: "short_answer".into(),
                model: serde_json::to_string(&model).map_err(Error::internal)?,
                n_examples: i64::try_from(n).map_err(Error::internal)?,
                trained_at: now,
            },
        )
        .await?;
        let entry = self.audit_entry(caller, "train", "scoring-model:pool", None, &format!("{n} graded answers"));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(Some(n))
    }

    /// Retrains the pooled model when there is none yet, or when the graded answers have
    /// doubled since it was trained. Failures are logged: grading goes on without it.
    pub(crate) async fn refresh_short_answer_model(&self, caller: &Caller) {
        let due = async {
            let mut conn = self.store.read().await?;
            let n = store::assessment::teacher_graded_free_text(&mut conn, None).await?.len();
            let trained = store::assessment::scoring_model(&mut conn, POOL).await?.map(|m| m.n_examples);
            Ok::<bool, Error>(match trained {
                None => n >= MIN_POOL_EXAMPLES,
                Some(t) => i64::try_from(n).unwrap_or(i64::MAX) >= 2 * t.max(1),
            })
        };
        match due.await {
            Ok(true) => {
                if let Err(e) = self.train_short_answer_model(caller).await {
                    tracing::warn!(error = %e, "training the short-answer model failed");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "checking the short-answer model failed"),
        }
    }
}

impl MachineGrade {
    /// No machine grade: the teacher grades it.
    pub(crate) fn for_teacher(feedback: Vec<String>) -> MachineGrade {
        MachineGrade { points: None, confidence: 0.0, basis: MachineBasis::None, feedback, needs_teacher: true }
    }
}
