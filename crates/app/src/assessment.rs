//! Assessment: the QTI item bank, assignments, machine-suggested grades, the teacher's review
//! and release, and item analysis.
//!
//! - **Bank.** Teachers (or the operator) import QTI 3.0 items (QTI 2.1 converted); each
//!   accepted item is stored as its canonical QTI 3.0 text in the item's answer key
//!   ([`BankKey::Qti`]), an import is all or nothing: one unreadable file rejects it, naming every
//!   unreadable file with its reason. Importing the same item again finds the stored one (by the
//!   hash of its QTI text).
//! - **Assignments.** An assignment gives bank items to a class and owns a gradebook column
//!   (`records::LineItem`) whose results are the released totals. A student has one submission
//!   per item; they may resubmit until the due time as long as no teacher has decided its grade
//!   (accepted, overridden or released). Submitting the same response again changes nothing.
//! - **Suggested grades.** Objective items are graded by the grading crate at submission. Free
//!   text with reference answers is scored by the scoring crate's short-answer model (the pooled
//!   model stored as `pool`, trained on this school's own teacher-graded answers, plus that
//!   question's graded examples); free text without references (essays) by an essay model once
//!   ten essays of that item are graded. Without a model, or with low confidence, the response
//!   is flagged for the teacher.
//! - **Teacher in charge.** Machine grades are suggestions. The teacher accepts (in bulk, above a
//!   confidence), overrides (with a note; kept in the history and used as a training example
//!   for that question), and releases; only released grades reach students, guardians and the
//!   gradebook column. The history of every submission is stored as events and replayed through
//!   `grading::review::Gradebook`, which enforces the workflow's rules.
//! - **Item analysis** runs over the current points (the teacher's where decided, otherwise the
//!   machine's), so a wrong key shows up before grades are released.

mod analysis;
mod assignments;
mod bank;
mod demo;
mod responses;
mod review;
mod scorer;

pub use analysis::{AnalysedItem, AssignmentAnalysis, ItemFlag, OptionAnalysis};
pub use assignments::{
    AssignmentDetail, AssignmentItemView, AssignmentSummary, MAX_ITEMS, NewAssignment, StudentAssignment, StudentItem,
    StudentSubmission, SubmitReceipt,
};
pub use bank::{BankItemDetail, BankItemSummary, ImportReport, ItemContent, QtiFile};
pub use demo::DEMO_ASSIGNMENT;
pub use responses::{MAX_FREE_TEXT_BYTES, MAX_SHORT_ANSWER_BYTES, StudentResponse};
pub use review::{AcceptRequest, GradeEventView, GradingQueue, GradingRow, ReleaseOutcome};
pub use scorer::{MIN_ESSAY_EXAMPLES, MIN_POOL_EXAMPLES};
pub use store::assessment::{BankFilter, GradingCounts};

use serde::{Deserialize, Serialize};

/// How a bank item's answer is checked, as stored in `items.answer_key`. A versioned file
/// format: the learning module's `AnswerKey` (`math`) plus `qti`; bank items imported from QTI
/// never belong to a learning subject, so practice never reads a `qti` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BankKey {
    /// A math answer compared by equivalence (the learning curriculum's generated items).
    Math { reference: String },
    /// The item in canonical QTI 3.0, answer key included.
    Qti { xml: String },
}

/// Item types of the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    Numeric,
    Math,
    FillIn,
    Ordering,
    Matching,
    /// Short answers and essays.
    FreeText,
}

impl ItemKind {
    /// Every kind.
    pub const ALL: [ItemKind; 9] = [
        ItemKind::SingleChoice,
        ItemKind::MultipleChoice,
        ItemKind::TrueFalse,
        ItemKind::Numeric,
        ItemKind::Math,
        ItemKind::FillIn,
        ItemKind::Ordering,
        ItemKind::Matching,
        ItemKind::FreeText,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::SingleChoice => "single_choice",
            ItemKind::MultipleChoice => "multiple_choice",
            ItemKind::TrueFalse => "true_false",
            ItemKind::Numeric => "numeric",
            ItemKind::Math => "math",
            ItemKind::FillIn => "fill_in",
            ItemKind::Ordering => "ordering",
            ItemKind::Matching => "matching",
            ItemKind::FreeText => "free_text",
        }
    }

    /// The kind with this stable name.
    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of a grading key.
    pub fn of(key: &grading::item::AnswerKey) -> ItemKind {
        use grading::item::AnswerKey as K;
        match key {
            K::Choice(c) if c.single => ItemKind::SingleChoice,
            K::Choice(_) => ItemKind::MultipleChoice,
            K::TrueFalse(_) => ItemKind::TrueFalse,
            K::Numeric(_) => ItemKind::Numeric,
            K::Math(_) => ItemKind::Math,
            K::FillIn(_) => ItemKind::FillIn,
            K::Ordering { .. } => ItemKind::Ordering,
            K::Matching { .. } => ItemKind::Matching,
            K::FreeText(_) => ItemKind::FreeText,
        }
    }
}

/// Where a submission's grade stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeStatus {
    /// The machine's suggestion (or nothing yet), not seen by a teacher.
    Suggested,
    /// A teacher agreed with the machine.
    Accepted,
    /// A teacher set the points.
    Overridden,
    /// Visible to the student, their guardians and the gradebook.
    Released,
}

impl GradeStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            GradeStatus::Suggested => "suggested",
            GradeStatus::Accepted => "accepted",
            GradeStatus::Overridden => "overridden",
            GradeStatus::Released => "released",
        }
    }

    /// The status with this stable name.
    pub fn parse(s: &str) -> Option<GradeStatus> {
        [GradeStatus::Suggested, GradeStatus::Accepted, GradeStatus::Overridden, GradeStatus::Released]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What a machine grade rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineBasis {
    /// The grading crate's objective checkers.
    Objective,
    /// A scoring model trained on this school's graded answers.
    Model,
    /// No machine grade: a teacher must grade it.
    None,
}

impl MachineBasis {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            MachineBasis::Objective => "objective",
            MachineBasis::Model => "model",
            MachineBasis::None => "none",
        }
    }

    /// The basis with this stable name.
    pub fn parse(s: &str) -> Option<MachineBasis> {
        [MachineBasis::Objective, MachineBasis::Model, MachineBasis::None].into_iter().find(|k| k.as_str() == s)
    }
}

/// The machine's grade of one response, as shown to teachers.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineGrade {
    /// `None` when the machine could not score the response.
    pub points: Option<f64>,
    /// From 0 (a guess) to 1 (certain).
    pub confidence: f64,
    pub basis: MachineBasis,
    /// Why, in plain words (the checker's reasons, or the model's evidence).
    pub feedback: Vec<String>,
    /// True when a teacher must look at it before it can be released.
    pub needs_teacher: bool,
}

impl MachineGrade {
    fn to_stored(&self) -> crate::Result<store::assessment::MachineGrade> {
        Ok(store::assessment::MachineGrade {
            points: self.points,
            confidence: self.confidence,
            basis: self.basis.as_str().to_owned(),
            feedback: serde_json::to_string(&self.feedback).map_err(crate::Error::internal)?,
            needs_teacher: self.needs_teacher,
        })
    }

    fn from_stored(m: &store::assessment::MachineGrade) -> crate::Result<MachineGrade> {
        Ok(MachineGrade {
            points: m.points,
            confidence: m.confidence,
            basis: MachineBasis::parse(&m.basis).ok_or_else(|| corrupt("machine basis", &m.basis))?,
            feedback: serde_json::from_str(&m.feedback).map_err(crate::Error::internal)?,
            needs_teacher: m.needs_teacher,
        })
    }
}

fn corrupt(what: &str, value: &str) -> crate::Error {
    crate::Error::internal(anyhow::anyhow!("stored {what} {value:?} is not valid"))
}

/// Whether the caller may use the item bank and make assignments: staff who teach or
/// administer (the bank holds answer keys, so never students or guardians).
fn is_staff(caller: &crate::Caller) -> bool {
    use records::Role;
    match caller.actor() {
        None => true,
        Some(actor) => actor.principal.grants.iter().any(|g| {
            matches!(
                g.role,
                Role::Teacher
                    | Role::Aide
                    | Role::SchoolAdmin
                    | Role::CountyAdmin
                    | Role::ProvinceAdmin
                    | Role::NationalAdmin
            )
        }),
    }
}

/// A bank item read for grading and display.
#[derive(Debug, Clone)]
pub(crate) struct LoadedItem {
    pub(crate) item_id: String,
    pub(crate) kind: ItemKind,
    pub(crate) title: String,
    pub(crate) prompt: Option<String>,
    /// Display text of options and match sets, by identifier.
    pub(crate) labels: std::collections::BTreeMap<String, String>,
    pub(crate) item: grading::item::Item,
    pub(crate) compiled: grading::item::CompiledItem,
}

impl LoadedItem {
    /// Reads a stored item (its `items` row) with the points it is worth here.
    pub(crate) fn from_stored(
        id: &str,
        stem: Option<&str>,
        answer_key: &str,
        max_points: f64,
    ) -> crate::Result<LoadedItem> {
        let key: BankKey = serde_json::from_str(answer_key).map_err(crate::Error::internal)?;
        let (mut item, title, prompt, labels) = match key {
            BankKey::Math { reference } => {
                let item = grading::item::Item {
                    id: grading::id::ItemId::parse(id).map_err(crate::Error::internal)?,
                    max_points,
                    key: grading::item::AnswerKey::Math(grading::item::MathKey {
                        reference,
                        settings: grading::math::MathSettings::school(),
                    }),
                };
                let title = stem.unwrap_or(id).to_owned();
                (item, title, stem.map(str::to_owned), std::collections::BTreeMap::new())
            }
            BankKey::Qti { xml } => {
                let q = qti::import(&xml).map_err(crate::Error::internal)?;
                (q.item, q.title, q.prompt, q.labels)
            }
        };
        item.max_points = max_points;
        let compiled = item.compile().map_err(crate::Error::internal)?;
        Ok(LoadedItem { item_id: id.to_owned(), kind: ItemKind::of(&item.key), title, prompt, labels, item, compiled })
    }
}
