//! The teacher's review: the queue of suggestions, bulk accept, overrides, release, reopen.
//!
//! Each action loads the assignment's grading history under its lock, replays it through
//! `grading::review::Gradebook` (which enforces the workflow's rules), applies the action there,
//! and stores the new events and statuses, with the audit entry, in the same transaction.

use std::collections::{BTreeSet, HashMap};

use access::Access;
use base::{PersonId, Timestamp};
use grading::grade::{Confidence, Grade, Outcome};
use grading::id::{ItemId, ResponseId};
use grading::review::{BulkAccept, Event, Gradebook, Status};
use records::{ResultRecord, Score};
use store::Tx;
use store::assessment::{Assignment, GradeEvent, Submission};

use super::assignments::{AssignmentSummary, summary_of};
use super::responses::StudentResponse;
use super::{GradeStatus, ItemKind, MachineGrade};
use crate::{App, Caller, Error, Result, UserError};

/// One step of a submission's grading history, as teachers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeEventView {
    /// `suggested`, `accepted`, `overridden`, `released` or `reopened`.
    pub kind: String,
    pub points: Option<f64>,
    /// Overrides: the points before.
    pub from_points: Option<f64>,
    /// Suggestions: the machine's confidence.
    pub confidence: Option<f64>,
    pub note: Option<String>,
    /// Who (as the audit log names them); none for the machine.
    pub actor: Option<String>,
    pub at: Timestamp,
}

/// One student's answer to one item, with the machine's suggestion and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct GradingRow {
    pub submission_id: String,
    pub student: PersonId,
    pub student_name: String,
    pub item_id: String,
    pub item_index: usize,
    pub kind: ItemKind,
    pub response: StudentResponse,
    pub max_points: f64,
    pub machine: MachineGrade,
    pub status: GradeStatus,
    /// The teacher's points, or the machine's while only suggested.
    pub points: Option<f64>,
    pub revision: i64,
    pub submitted_at: Timestamp,
    pub history: Vec<GradeEventView>,
}

/// An assignment's submissions for its teachers, flagged ones first.
#[derive(Debug, Clone, PartialEq)]
pub struct GradingQueue {
    pub summary: AssignmentSummary,
    /// Invariant: flagged suggestions first, then by item, then by student name.
    pub rows: Vec<GradingRow>,
}

/// Which suggestions to accept.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptRequest {
    /// These submissions (each must have a machine grade), or, when `None`, every scored
    /// suggestion passing the filters below.
    pub submissions: Option<Vec<String>>,
    /// Only this bank item's submissions (bulk only).
    pub item: Option<String>,
    /// Only machine grades at least this confident, 0 to 1 (bulk only).
    pub min_confidence: f64,
}

/// What a release did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseOutcome {
    pub released: usize,
    /// Submissions with no points yet (free text nobody has graded): they stay unreleased.
    pub blocked: Vec<String>,
    /// Students whose gradebook result was written.
    pub students: usize,
}

/// An assignment's grading state, replayed from its history.
struct Book {
    assignment: Assignment,
    gradebook: Gradebook,
    submissions: HashMap<String, Submission>,
    /// Stored events per submission (the replay's starting point for what is new).
    n_events: HashMap<String, usize>,
    max_points: HashMap<String, f64>,
}

fn rid(id: &str) -> Result<ResponseId> {
    ResponseId::parse(id).map_err(Error::internal)
}

fn pid(actor: Option<&str>) -> Result<PersonId> {
    PersonId::parse(actor.unwrap_or("unknown")).map_err(Error::internal)
}

fn machine_grade(points: Option<f64>, max_points: f64, confidence: Option<f64>) -> Grade {
    Grade {
        outcome: match points {
            Some(points) => Outcome::Scored { points, max_points },
            None => Outcome::NeedsTeacher,
        },
        feedback: Vec::new(),
        confidence: Confidence::new(confidence.unwrap_or(0.0)),
    }
}

fn gradebook_error(e: grading::GradingError) -> Error {
    use grading::GradingError as G;
    match e {
        G::UnknownResponse(_) => UserError::NotFound { what: "submission" }.into(),
        G::AlreadyReleased(_) | G::NotReleased(_) | G::NeedsTeacherGrade(_) => {
            UserError::Conflict(e.to_string()).into()
        }
        G::InvalidPoints { .. } => UserError::invalid("points", e.to_string()).into(),
        other => Error::internal(other),
    }
}

impl App {
    async fn load_book(&self, tx: &mut Tx, id: &str) -> Result<Book> {
        if !store::assessment::lock_assignment(tx, id).await? {
            return Err(UserError::NotFound { what: "assignment" }.into());
        }
        let assignment =
            store::assessment::assignment(tx, id).await?.ok_or(UserError::NotFound { what: "assignment" })?;
        let max_points: HashMap<String, f64> =
            store::assessment::assignment_items(tx, id).await?.into_iter().map(|i| (i.item_id, i.max_points)).collect();
        let submissions = store::assessment::submissions_of_assignment(tx, id).await?;
        let events = store::assessment::grade_events_of_assignment(tx, id).await?;
        let by_id: HashMap<String, Submission> = submissions.into_iter().map(|s| (s.id.clone(), s)).collect();
        let mut gradebook = Gradebook::new();
        let mut n_events: HashMap<String, usize> = HashMap::new();
        for e in &events {
            let s = by_id.get(&e.submission).ok_or_else(|| super::corrupt("grade event", &e.submission))?;
            let max = max_points.get(&s.item).copied().unwrap_or(1.0);
            let r = rid(&s.id)?;
            *n_events.entry(s.id.clone()).or_default() += 1;
            match e.kind.as_str() {
                "suggested" => {
                    let item = ItemId::parse(s.item.as_str()).map_err(Error::internal)?;
                    gradebook.suggest(r.clone(), item, s.student.clone(), machine_grade(e.points, max, e.confidence));
                    gradebook.set_max_points(&r, max).map_err(Error::internal)?;
                }
                "accepted" => {
                    gradebook.accept(&r, &pid(e.actor.as_deref())?, e.at).map_err(Error::internal)?;
                }
                "overridden" => {
                    let points = e.points.ok_or_else(|| super::corrupt("override", &s.id))?;
                    gradebook
                        .override_points(&r, points, e.note.clone(), &pid(e.actor.as_deref())?, e.at)
                        .map_err(Error::internal)?;
                }
                "released" => {
                    gradebook
                        .release(Some(std::slice::from_ref(&r)), &pid(e.actor.as_deref())?, e.at)
                        .map_err(Error::internal)?;
                }
                "reopened" => gradebook.reopen(&r, &pid(e.actor.as_deref())?, e.at).map_err(Error::internal)?,
                other => return Err(super::corrupt("grade event kind", other)),
            }
        }
        Ok(Book { assignment, gradebook, submissions: by_id, n_events, max_points })
    }

    /// Stores what the gradebook gained since it was loaded; returns the students touched.
    async fn save_book(&self, tx: &mut Tx, book: &Book, now: Timestamp) -> Result<BTreeSet<PersonId>> {
        let mut touched = BTreeSet::new();
        for (r, entry) in book.gradebook.entries() {
            let id = r.as_str();
            let stored = book.n_events.get(id).copied().unwrap_or(0);
            if entry.history.len() <= stored {
                continue;
            }
            let mut rows = Vec::new();
            for (k, event) in entry.history.iter().enumerate().skip(stored) {
                let seq = i64::try_from(k).map_err(Error::internal)?;
                let row = |kind: &str, points: Option<f64>, by: &PersonId, at: Timestamp| GradeEvent {
                    submission: id.to_owned(),
                    seq,
                    kind: kind.to_owned(),
                    points,
                    from_points: None,
                    confidence: None,
                    note: None,
                    actor: Some(by.to_string()),
                    at,
                };
                rows.push(match event {
                    Event::Suggested { .. } => return Err(Error::internal(anyhow::anyhow!("unexpected suggestion"))),
                    Event::Accepted { by, at, points } => row("accepted", Some(*points), by, *at),
                    Event::Overridden { by, at, from, to, note } => {
                        GradeEvent { from_points: *from, note: note.clone(), ..row("overridden", Some(*to), by, *at) }
                    }
                    Event::Released { by, at, points } => row("released", Some(*points), by, *at),
                    Event::Reopened { by, at } => row("reopened", None, by, *at),
                });
            }
            store::assessment::insert_grade_events(tx, &rows).await?;
            let (status, points) = match entry.status {
                Status::Suggested { points } => (GradeStatus::Suggested, points),
                Status::Accepted { points } => (GradeStatus::Accepted, Some(points)),
                Status::Overridden { points } => (GradeStatus::Overridden, Some(points)),
                Status::Released { points } => (GradeStatus::Released, Some(points)),
            };
            store::assessment::set_status(tx, id, status.as_str(), points, now).await?;
            touched.insert(entry.student.clone());
        }
        Ok(touched)
    }

    /// Writes each touched student's released total to the assignment's gradebook column (or
    /// removes it when nothing of theirs is released any more).
    async fn sync_results(
        &self,
        tx: &mut Tx,
        book: &Book,
        students: &BTreeSet<PersonId>,
        caller: &Caller,
    ) -> Result<usize> {
        let max_score: f64 = book.max_points.values().sum();
        let mut n = 0;
        for student in students {
            let released: Vec<f64> = book
                .gradebook
                .entries()
                .filter(|(_, e)| &e.student == student)
                .filter_map(|(_, e)| e.released_points())
                .collect();
            if released.is_empty() {
                store::assessment::delete_result(tx, &book.assignment.line_item, student).await?;
                continue;
            }
            let total: f64 = released.iter().sum();
            let score = Score::new(total.min(max_score), max_score).map_err(Error::internal)?;
            let record = ResultRecord {
                id: base::RecordId::parse(crate::new_id()).map_err(Error::internal)?,
                line_item: book.assignment.line_item.clone(),
                student: student.clone(),
                score: Some(score),
                grade: None,
                comment: None,
                recorded_at: self.now(),
                recorded_by: caller.actor().map(|a| a.person().clone()),
            };
            store::coursework::upsert_result(tx, &record).await?;
            n += 1;
        }
        Ok(n)
    }

    /// An assignment's submissions with the machine's suggestions, flagged ones first. For the
    /// class's teachers.
    pub async fn grading_queue(&self, caller: &Caller, id: &str, only_flagged: bool) -> Result<GradingQueue> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &a.class).await?;
        let items = self.assignment_items(id).await?;
        let mut conn = self.store.read().await?;
        let submissions = store::assessment::submissions_of_assignment(&mut conn, id).await?;
        let events = store::assessment::grade_events_of_assignment(&mut conn, id).await?;
        let counts = store::assessment::grading_counts(&mut conn, id).await?;
        let students: Vec<PersonId> =
            submissions.iter().map(|s| s.student.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let names: HashMap<PersonId, String> = store::people::get_many(&mut conn, &students)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p.display_name()))
            .collect();
        drop(conn);
        let mut history: HashMap<&str, Vec<GradeEventView>> = HashMap::new();
        for e in &events {
            history.entry(e.submission.as_str()).or_default().push(GradeEventView {
                kind: e.kind.clone(),
                points: e.points,
                from_points: e.from_points,
                confidence: e.confidence,
                note: e.note.clone(),
                actor: e.actor.clone(),
                at: e.at,
            });
        }
        let item_of: HashMap<&str, (usize, ItemKind, f64)> = items
            .iter()
            .map(|(ai, l)| (ai.item_id.as_str(), (usize::try_from(ai.index).unwrap_or(0), l.kind, ai.max_points)))
            .collect();
        let mut rows = Vec::with_capacity(submissions.len());
        for s in &submissions {
            let machine = MachineGrade::from_stored(&s.machine)?;
            let status = GradeStatus::parse(&s.status).ok_or_else(|| super::corrupt("grade status", &s.status))?;
            if only_flagged && !(status == GradeStatus::Suggested && machine.needs_teacher) {
                continue;
            }
            let (item_index, kind, max_points) =
                item_of.get(s.item.as_str()).copied().ok_or_else(|| super::corrupt("submission item", &s.item))?;
            rows.push(GradingRow {
                submission_id: s.id.clone(),
                student: s.student.clone(),
                student_name: names.get(&s.student).cloned().unwrap_or_else(|| s.student.to_string()),
                item_id: s.item.clone(),
                item_index,
                kind,
                response: StudentResponse::from_json(&s.response)?,
                max_points,
                machine,
                status,
                points: s.points,
                revision: s.revision,
                submitted_at: s.submitted_at,
                history: history.remove(s.id.as_str()).unwrap_or_default(),
            });
        }
        let flag = |r: &GradingRow| !(r.status == GradeStatus::Suggested && r.machine.needs_teacher);
        rows.sort_by(|a, b| {
            (flag(a), a.item_index, &a.student_name, &a.submission_id).cmp(&(
                flag(b),
                b.item_index,
                &b.student_name,
                &b.submission_id,
            ))
        });
        let stored: Vec<store::assessment::AssignmentItem> = items.iter().map(|(a, _)| a.clone()).collect();
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("class:{}", a.class),
            basis.as_ref(),
            &format!("grading queue of assignment {id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(GradingQueue { summary: summary_of(&a, &stored, counts), rows })
    }

    /// Accepts machine suggestions: the listed ones, or in bulk those passing the filters.
    /// Returns how many were accepted.
    pub async fn accept_grades(&self, caller: &Caller, id: &str, request: &AcceptRequest) -> Result<usize> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &a.class).await?;
        if !(0.0..=1.0).contains(&request.min_confidence) {
            return Err(UserError::invalid("min_confidence", "give a confidence from 0 to 1").into());
        }
        let by = pid(Some(&caller.audit_name()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut book = self.load_book(&mut tx, id).await?;
        let n = match &request.submissions {
            Some(list) => {
                for s in list {
                    if !book.submissions.contains_key(s) {
                        return Err(UserError::NotFound { what: "submission" }.into());
                    }
                    book.gradebook.accept(&rid(s)?, &by, now).map_err(gradebook_error)?;
                }
                list.len()
            }
            None => {
                let item = request
                    .item
                    .as_deref()
                    .map(ItemId::parse)
                    .transpose()
                    .map_err(|e| UserError::invalid("item", e.to_string()))?;
                let filter = BulkAccept { min_confidence: Confidence::new(request.min_confidence), item };
                book.gradebook.accept_all(&filter, &by, now)
            }
        };
        self.save_book(&mut tx, &book, now).await?;
        let entry = self.audit_entry(
            caller,
            "update",
            &format!("class:{}", a.class),
            basis.as_ref(),
            &format!("accepted {n} suggested grades of assignment {id}"),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The teacher sets a submission's points (kept in its history with the machine's points
    /// and the note). A free-text override becomes a training example for that item: the
    /// item's other pending suggestions in this assignment are scored again.
    pub async fn override_grade(
        &self,
        caller: &Caller,
        id: &str,
        submission: &str,
        points: f64,
        note: Option<String>,
    ) -> Result<()> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &a.class).await?;
        let note = note.map(|n| crate::records_api_text("note", &n, 2000)).transpose()?.filter(|n| !n.is_empty());
        let by = pid(Some(&caller.audit_name()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut book = self.load_book(&mut tx, id).await?;
        let s = book.submissions.get(submission).cloned().ok_or(UserError::NotFound { what: "submission" })?;
        book.gradebook.override_points(&rid(submission)?, points, note, &by, now).map_err(gradebook_error)?;
        self.save_book(&mut tx, &book, now).await?;
        let entry = self.audit_entry(
            caller,
            "update",
            &format!("person:{}", s.student),
            basis.as_ref(),
            &format!("override {points} points on item {} of assignment {id}", s.item),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        self.after_teacher_grade(caller, id, &s.item).await;
        Ok(())
    }

    /// Releases grades (the listed submissions, or all): students, guardians and the gradebook
    /// column see them. Suggestions without points stay unreleased and are reported.
    pub async fn release_grades(
        &self,
        caller: &Caller,
        id: &str,
        submissions: Option<&[String]>,
    ) -> Result<ReleaseOutcome> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &a.class).await?;
        let by = pid(Some(&caller.audit_name()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut book = self.load_book(&mut tx, id).await?;
        let list = submissions.map(|l| l.iter().map(|s| rid(s)).collect::<Result<Vec<_>>>()).transpose()?;
        let report = book.gradebook.release(list.as_deref(), &by, now).map_err(gradebook_error)?;
        let touched = self.save_book(&mut tx, &book, now).await?;
        let students = self.sync_results(&mut tx, &book, &touched, caller).await?;
        let entry = self.audit_entry(
            caller,
            "update",
            &format!("class:{}", a.class),
            basis.as_ref(),
            &format!("released {} grades of assignment {id} ({} blocked)", report.released.len(), report.blocked.len()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        let items: BTreeSet<String> = book.gradebook.entries().map(|(_, e)| e.item.to_string()).collect();
        for item in items {
            self.after_teacher_grade(caller, id, &item).await;
        }
        Ok(ReleaseOutcome {
            released: report.released.len(),
            blocked: report.blocked.iter().map(ToString::to_string).collect(),
            students,
        })
    }

    /// Takes a released grade back so it can be changed; the student sees nothing of it until
    /// the next release, and the gradebook column is updated.
    pub async fn reopen_grade(&self, caller: &Caller, id: &str, submission: &str) -> Result<()> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &a.class).await?;
        let by = pid(Some(&caller.audit_name()))?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut book = self.load_book(&mut tx, id).await?;
        let s = book.submissions.get(submission).cloned().ok_or(UserError::NotFound { what: "submission" })?;
        book.gradebook.reopen(&rid(submission)?, &by, now).map_err(gradebook_error)?;
        let touched = self.save_book(&mut tx, &book, now).await?;
        self.sync_results(&mut tx, &book, &touched, caller).await?;
        let entry = self.audit_entry(
            caller,
            "update",
            &format!("person:{}", s.student),
            basis.as_ref(),
            &format!("reopened item {} of assignment {id}", s.item),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// After a teacher's grade on a free-text item: refresh the pooled model if due, and score
    /// the item's pending suggestions in this assignment again. Best effort: failures are logged.
    async fn after_teacher_grade(&self, caller: &Caller, id: &str, item: &str) {
        if let Err(e) = self.rescore_pending(caller, id, item).await {
            tracing::warn!(error = %e, assignment = id, item, "rescoring suggestions failed");
        }
    }

    async fn rescore_pending(&self, caller: &Caller, id: &str, item: &str) -> Result<()> {
        let items = self.assignment_items(id).await?;
        let Some((_, loaded)) = items.iter().find(|(a, _)| a.item_id == item) else { return Ok(()) };
        if loaded.kind != ItemKind::FreeText {
            return Ok(());
        }
        self.refresh_short_answer_model(caller).await;
        let mut conn = self.store.read().await?;
        let pending: Vec<Submission> = store::assessment::submissions_of_assignment(&mut conn, id)
            .await?
            .into_iter()
            .filter(|s| s.item == item && s.status == GradeStatus::Suggested.as_str())
            .collect();
        let mut rescored = Vec::new();
        for s in pending {
            let response = StudentResponse::from_json(&s.response)?.to_response(loaded.kind)?;
            let machine = self.machine_grade(&mut conn, loaded, &response).await?;
            if machine.points != s.machine.points || machine.confidence != s.machine.confidence {
                rescored.push((s, machine));
            }
        }
        drop(conn);
        if rescored.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::assessment::lock_assignment(&mut tx, id).await?;
        for (s, machine) in &rescored {
            // Skip any the teacher decided meanwhile.
            let Some(current) = store::assessment::submission_by_id(&mut tx, &s.id).await? else { continue };
            if current.status != GradeStatus::Suggested.as_str() || current.revision != s.revision {
                continue;
            }
            let n = store::assessment::grade_events_of_submission(&mut tx, &s.id).await?.len();
            let updated =
                Submission { machine: machine.to_stored()?, points: machine.points, updated_at: now, ..current };
            store::assessment::update_submission(&mut tx, &updated).await?;
            store::assessment::insert_grade_events(
                &mut tx,
                &[GradeEvent {
                    submission: s.id.clone(),
                    seq: i64::try_from(n).map_err(Error::internal)?,
                    kind: "suggested".into(),
                    points: machine.points,
                    from_points: None,
                    confidence: Some(machine.confidence),
                    note: Some("rescored after a teacher's grade".into()),
                    actor: None,
                    at: now,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
