//! Assignments: made by a class's teachers from the bank, answered by its students.

use std::collections::HashMap;

use access::Access;
use base::{ClassId, LineItemId, PersonId, Timestamp};
use records::{EnrollmentRole, LineItem, LineItemCategory};
use store::assessment::{Assignment, AssignmentItem, GradeEvent, GradingCounts, Submission};

use super::bank::ItemContent;
use super::responses::StudentResponse;
use super::{GradeStatus, LoadedItem, MachineGrade};
use crate::{App, Caller, Error, Result, UserError};

/// Most items in one assignment.
pub const MAX_ITEMS: usize = 200;

/// A new assignment: bank items given to a class.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssignment {
    pub class: ClassId,
    pub title: String,
    /// Bank item ids, in the order students see them; each at most once.
    pub items: Vec<String>,
    /// Submissions are accepted until then (none: until grades are decided).
    pub due: Option<Timestamp>,
}

/// An assignment in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentSummary {
    pub id: String,
    pub class: ClassId,
    pub title: String,
    pub due: Option<Timestamp>,
    pub n_items: usize,
    pub max_points: f64,
    /// The gradebook column released totals go to.
    pub line_item: LineItemId,
    pub created_by: String,
    pub created_at: Timestamp,
    /// How far grading has come (zero in a student's view).
    pub counts: GradingCounts,
}

/// One item of an assignment as a teacher sees it (the key stays in the bank view).
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentItemView {
    pub index: usize,
    pub item_id: String,
    pub content: ItemContent,
}

/// An assignment with its items, for its teachers.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentDetail {
    pub summary: AssignmentSummary,
    pub items: Vec<AssignmentItemView>,
}

/// A student's own submission to one item.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentSubmission {
    pub response: StudentResponse,
    pub revision: i64,
    pub submitted_at: Timestamp,
    /// Points, once released (never a suggestion).
    pub released_points: Option<f64>,
    /// The grader's reasons, once released.
    pub feedback: Vec<String>,
}

/// One item of an assignment as a student sees it: the question, and their answer.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentItem {
    pub index: usize,
    pub item_id: String,
    pub content: ItemContent,
    pub submission: Option<StudentSubmission>,
}

/// An assignment as one student (or their guardian) sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentAssignment {
    pub summary: AssignmentSummary,
    pub student: PersonId,
    pub items: Vec<StudentItem>,
    /// The sum of released points, when at least one grade is released.
    pub released_total: Option<f64>,
    /// Whether submissions are still accepted.
    pub open: bool,
}

/// What a submission did, per item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitReceipt {
    /// Items whose response was stored (new or changed).
    pub stored: Vec<String>,
    /// Items whose response was the same as before: nothing changed.
    pub unchanged: Vec<String>,
}

pub(crate) fn summary_of(a: &Assignment, items: &[AssignmentItem], counts: GradingCounts) -> AssignmentSummary {
    AssignmentSummary {
        id: a.id.clone(),
        class: a.class.clone(),
        title: a.title.clone(),
        due: a.due,
        n_items: items.len(),
        max_points: items.iter().map(|i| i.max_points).sum(),
        line_item: a.line_item.clone(),
        created_by: a.created_by.clone(),
        created_at: a.created_at,
        counts,
    }
}

impl App {
    /// The live assignment with this id, or not found.
    pub(crate) async fn assignment_row(&self, id: &str) -> Result<Assignment> {
        let mut conn = self.store.read().await?;
        Ok(store::assessment::assignment(&mut conn, id).await?.ok_or(UserError::NotFound { what: "assignment" })?)
    }

    /// An assignment's items with their bank items, in order.
    pub(crate) async fn assignment_items(&self, id: &str) -> Result<Vec<(AssignmentItem, LoadedItem)>> {
        let mut conn = self.store.read().await?;
        let items = store::assessment::assignment_items(&mut conn, id).await?;
        let ids: Vec<String> = items.iter().map(|i| i.item_id.clone()).collect();
        let stored: HashMap<String, store::learning::StoredItem> =
            store::learning::items_by_id(&mut conn, &ids).await?.into_iter().map(|i| (i.id.clone(), i)).collect();
        drop(conn);
        items
            .into_iter()
            .map(|a| {
                let s = stored.get(&a.item_id).ok_or_else(|| super::corrupt("assignment item", &a.item_id))?;
                let stem = s.stem_zh.as_deref().or(s.stem_en.as_deref());
                let loaded = LoadedItem::from_stored(&s.id, stem, &s.answer_key, a.max_points)?;
                Ok((a, loaded))
            })
            .collect()
    }

    async fn is_student_of(&self, class: &ClassId, student: &PersonId) -> Result<bool> {
        let today = self.today();
        let mut conn = self.store.read().await?;
        Ok(store::teaching::enrollments_of_class(&mut conn, class)
            .await?
            .iter()
            .any(|e| &e.person == student && e.role == EnrollmentRole::Student && e.active_on(today)))
    }

    /// Makes an assignment for a class from bank items, with its gradebook column. Only the
    /// class's teachers (and school administrators) may.
    pub async fn create_assignment(&self, caller: &Caller, new: &NewAssignment) -> Result<AssignmentSummary> {
        let basis = self.authorize_class(caller, Access::WriteCoursework, &new.class).await?;
        let title = crate::records_api_text("title", &new.title, 200)?;
        if new.items.is_empty() || new.items.len() > MAX_ITEMS {
            return Err(UserError::invalid("items", format!("give 1 to {MAX_ITEMS} bank items")).into());
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = new.items.iter().find(|i| !seen.insert(i.as_str())) {
            return Err(UserError::invalid("items", format!("item {dup} is listed twice")).into());
        }
        let now = self.now();
        if new.due.is_some_and(|d| d <= now) {
            return Err(UserError::invalid("due", "the due time has already passed").into());
        }
        let mut conn = self.store.read().await?;
        let bank: HashMap<String, store::assessment::BankItem> =
            store::assessment::bank_items_by_id(&mut conn, &new.items)
                .await?
                .into_iter()
                .map(|b| (b.item_id.clone(), b))
                .collect();
        drop(conn);
        let mut items = Vec::with_capacity(new.items.len());
        for (index, id) in new.items.iter().enumerate() {
            let b = bank.get(id).ok_or_else(|| UserError::invalid("items", format!("{id} is not in the item bank")))?;
            items.push(AssignmentItem {
                item_id: id.clone(),
                index: i64::try_from(index).map_err(Error::internal)?,
                max_points: b.max_points,
            });
        }
        let max_score: f64 = items.iter().map(|i| i.max_points).sum();
        let line_item = LineItem {
            id: LineItemId::parse(crate::new_id()).map_err(Error::internal)?,
            class: new.class.clone(),
            title: title.clone(),
            category: LineItemCategory::Assignment,
            session: None,
            assigned: Some(now.date_utc()),
            due: new.due.map(Timestamp::date_utc),
            max_score,
        };
        let assignment = Assignment {
            id: crate::new_id(),
            class: new.class.clone(),
            line_item: line_item.id.clone(),
            title,
            due: new.due,
            created_by: caller.audit_name(),
            created_at: now,
        };
        let mut tx = self.store.write().await?;
        store::coursework::insert_line_item(&mut tx, &line_item, now).await?;
        store::assessment::insert_assignment(&mut tx, &assignment, &items).await?;
        let entry = self.audit_entry(
            caller,
            "create",
            &format!("class:{}", new.class),
            basis.as_ref(),
            &format!("assignment {} with {} items", assignment.id, items.len()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(summary_of(&assignment, &items, GradingCounts::default()))
    }

    /// A class's assignments, newest first, with how far grading has come. For anyone who may
    /// see the class (its teachers, school administrators).
    pub async fn class_assignments(&self, caller: &Caller, class: &ClassId) -> Result<Vec<AssignmentSummary>> {
        let basis = self.authorize_class(caller, Access::Read, class).await?;
        let mut conn = self.store.read().await?;
        let mut out = Vec::new();
        for a in store::assessment::assignments_of_class(&mut conn, class).await? {
            let items = store::assessment::assignment_items(&mut conn, &a.id).await?;
            let counts = store::assessment::grading_counts(&mut conn, &a.id).await?;
            out.push(summary_of(&a, &items, counts));
        }
        drop(conn);
        let entry = self.audit_entry(caller, "read", &format!("class:{class}"), basis.as_ref(), "assignments");
        self.audit_now(vec![entry]).await?;
        Ok(out)
    }

    /// An assignment with its items (no answer keys), for the class's teachers.
    pub async fn assignment_detail(&self, caller: &Caller, id: &str) -> Result<AssignmentDetail> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::Read, &a.class).await?;
        let items = self.assignment_items(id).await?;
        let mut conn = self.store.read().await?;
        let counts = store::assessment::grading_counts(&mut conn, id).await?;
        drop(conn);
        let stored: Vec<AssignmentItem> = items.iter().map(|(a, _)| a.clone()).collect();
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("class:{}", a.class),
            basis.as_ref(),
            &format!("assignment {id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(AssignmentDetail {
            summary: summary_of(&a, &stored, counts),
            items: items
                .iter()
                .map(|(ai, l)| AssignmentItemView {
                    index: usize::try_from(ai.index).unwrap_or(0),
                    item_id: ai.item_id.clone(),
                    content: l.content(),
                })
                .collect(),
        })
    }

    /// The assignments of a student's classes, newest first (the student, their guardians,
    /// their teachers).
    pub async fn student_assignments(&self, caller: &Caller, student: &PersonId) -> Result<Vec<AssignmentSummary>> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        let today = self.today();
        let mut conn = self.store.read().await?;
        let mut out = Vec::new();
        for e in store::teaching::enrollments_of_person(&mut conn, student).await? {
            if e.role != EnrollmentRole::Student || !e.active_on(today) {
                continue;
            }
            for a in store::assessment::assignments_of_class(&mut conn, &e.class).await? {
                let items = store::assessment::assignment_items(&mut conn, &a.id).await?;
                out.push(summary_of(&a, &items, GradingCounts::default()));
            }
        }
        drop(conn);
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
        let entry = self.audit_entry(caller, "read", &format!("person:{student}"), basis.as_ref(), "assignments");
        self.audit_now(vec![entry]).await?;
        Ok(out)
    }

    /// An assignment as a student sees it: the questions, their answers, and only released
    /// grades. For the student, their guardians and their teachers.
    pub async fn student_assignment(&self, caller: &Caller, id: &str, student: &PersonId) -> Result<StudentAssignment> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        let mut conn = self.store.read().await?;
        let submitted = store::assessment::submissions_of_student(&mut conn, id, student).await?;
        drop(conn);
        if submitted.is_empty() && !self.is_student_of(&a.class, student).await? {
            return Err(UserError::NotFound { what: "assignment" }.into());
        }
        let items = self.assignment_items(id).await?;
        let by_item: HashMap<&str, &Submission> = submitted.iter().map(|s| (s.item.as_str(), s)).collect();
        let mut released_total: Option<f64> = None;
        let mut views = Vec::with_capacity(items.len());
        for (ai, loaded) in &items {
            let submission = match by_item.get(ai.item_id.as_str()) {
                Some(s) => {
                    let released = s.status == GradeStatus::Released.as_str();
                    let released_points = if released { s.points } else { None };
                    if let Some(p) = released_points {
                        *released_total.get_or_insert(0.0) += p;
                    }
                    Some(StudentSubmission {
                        response: StudentResponse::from_json(&s.response)?,
                        revision: s.revision,
                        submitted_at: s.submitted_at,
                        released_points,
                        feedback: if released { MachineGrade::from_stored(&s.machine)?.feedback } else { Vec::new() },
                    })
                }
                None => None,
            };
            views.push(StudentItem {
                index: usize::try_from(ai.index).unwrap_or(0),
                item_id: ai.item_id.clone(),
                content: loaded.content(),
                submission,
            });
        }
        let stored: Vec<AssignmentItem> = items.iter().map(|(a, _)| a.clone()).collect();
        let entry =
            self.audit_entry(caller, "read", &format!("person:{student}"), basis.as_ref(), &format!("assignment {id}"));
        self.audit_now(vec![entry]).await?;
        let now = self.now();
        Ok(StudentAssignment {
            summary: summary_of(&a, &stored, GradingCounts::default()),
            student: student.clone(),
            items: views,
            released_total,
            open: a.due.is_none_or(|d| now <= d),
        })
    }

    /// A student submits answers (all or some items). Objective items are graded at once and
    /// free text gets the model's suggestion; grades stay suggestions until released. A changed
    /// answer replaces the earlier one until the due time, unless a teacher has already decided
    /// its grade; the same answer again changes nothing. Only the student submits.
    pub async fn submit(
        &self,
        caller: &Caller,
        id: &str,
        student: &PersonId,
        answers: &[(String, StudentResponse)],
    ) -> Result<SubmitReceipt> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        if !matches!(basis, Some(access::Basis::Own) | None) {
            return Err(UserError::Forbidden("only the student submits their own answers".into()).into());
        }
        if !self.is_student_of(&a.class, student).await? {
            return Err(UserError::Forbidden("only students of the class submit to its assignments".into()).into());
        }
        if answers.is_empty() {
            return Err(UserError::invalid("answers", "give at least one answer").into());
        }
        let items = self.assignment_items(id).await?;
        let by_id: HashMap<&str, &(AssignmentItem, LoadedItem)> =
            items.iter().map(|x| (x.0.item_id.as_str(), x)).collect();
        let mut seen = std::collections::HashSet::new();
        let mut prepared = Vec::with_capacity(answers.len());
        for (item_id, response) in answers {
            if !seen.insert(item_id.as_str()) {
                return Err(UserError::invalid("answers", format!("item {item_id} is answered twice")).into());
            }
            let (_, loaded) = by_id
                .get(item_id.as_str())
                .ok_or_else(|| UserError::invalid("answers", format!("{item_id} is not an item of this assignment")))?;
            let grading_response = response.to_response(loaded.kind)?;
            prepared.push((loaded, response.clone(), response.to_json()?, grading_response));
        }
        let now = self.now();
        let open = a.due.is_none_or(|d| now <= d);

        // Grade outside the write transaction (free-text models may take a moment).
        let mut conn = self.store.read().await?;
        let mut graded = Vec::with_capacity(prepared.len());
        for (loaded, _, json, response) in prepared {
            let existing = store::assessment::submission(&mut conn, id, student, &loaded.item_id).await?;
            if existing.as_ref().is_some_and(|s| s.response == json) {
                graded.push((loaded, json, None));
                continue;
            }
            let machine = self.machine_grade(&mut conn, loaded, &response).await?;
            graded.push((loaded, json, Some(machine)));
        }
        drop(conn);

        let mut receipt = SubmitReceipt::default();
        let mut tx = self.store.write().await?;
        if !store::assessment::lock_assignment(&mut tx, id).await? {
            return Err(UserError::NotFound { what: "assignment" }.into());
        }
        for (loaded, json, machine) in graded {
            let existing = store::assessment::submission(&mut tx, id, student, &loaded.item_id).await?;
            let Some(machine) = machine.filter(|_| existing.as_ref().is_none_or(|s| s.response != json)) else {
                receipt.unchanged.push(loaded.item_id.clone());
                continue;
            };
            if !open {
                return Err(UserError::Conflict("the assignment is closed: its due time has passed".into()).into());
            }
            let stored_machine = machine.to_stored()?;
            let (submission, seq) = match existing {
                Some(s) => {
                    if s.status != GradeStatus::Suggested.as_str() {
                        return Err(UserError::Conflict(format!(
                            "your teacher has already graded item {}; it cannot be changed",
                            loaded.item_id
                        ))
                        .into());
                    }
                    let n = store::assessment::grade_events_of_submission(&mut tx, &s.id).await?.len();
                    let updated = Submission {
                        response: json.clone(),
                        revision: s.revision + 1,
                        submitted_at: now,
                        machine: stored_machine,
                        points: machine.points,
                        updated_at: now,
                        ..s
                    };
                    store::assessment::update_submission(&mut tx, &updated).await?;
                    (updated, i64::try_from(n).map_err(Error::internal)?)
                }
                None => {
                    let new = Submission {
                        id: crate::new_id(),
                        assignment: id.to_owned(),
                        item: loaded.item_id.clone(),
                        student: student.clone(),
                        response: json.clone(),
                        revision: 1,
                        submitted_at: now,
                        machine: stored_machine,
                        status: GradeStatus::Suggested.as_str().to_owned(),
                        points: machine.points,
                        updated_at: now,
                    };
                    store::assessment::insert_submission(&mut tx, &new).await?;
                    (new, 0)
                }
            };
            store::assessment::insert_grade_events(
                &mut tx,
                &[GradeEvent {
                    submission: submission.id.clone(),
                    seq,
                    kind: "suggested".into(),
                    points: machine.points,
                    from_points: None,
                    confidence: Some(machine.confidence),
                    note: Some(format!("revision {}", submission.revision)),
                    actor: None,
                    at: now,
                }],
            )
            .await?;
            receipt.stored.push(loaded.item_id.clone());
        }
        if !receipt.stored.is_empty() {
            let entry = self.audit_entry(
                caller,
                "create",
                &format!("person:{student}"),
                basis.as_ref(),
                &format!("submission to assignment {id}: {} items", receipt.stored.len()),
            );
            self.audit_in(&mut tx, vec![entry]).await?;
        }
        tx.commit().await?;
        Ok(receipt)
    }
}
