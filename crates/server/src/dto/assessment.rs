//! The JSON shapes of assessment: the item bank, assignments, submissions, grading, analysis.

use app::assessment as a;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An (id, text) pair: an option, an element, a matching side.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LabelDto {
    pub id: String,
    pub text: String,
}

fn labels(list: &[(String, String)]) -> Vec<LabelDto> {
    list.iter().map(|(id, text)| LabelDto { id: id.clone(), text: text.clone() }).collect()
}

/// An item as a student sees it: the question, without its answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemContentDto {
    /// `single_choice`, `multiple_choice`, `true_false`, `numeric`, `math`, `fill_in`,
    /// `ordering`, `matching` or `free_text`.
    pub kind: &'static str,
    pub title: String,
    pub prompt: Option<String>,
    /// Choice options, ordering elements, or matching sources.
    pub options: Vec<LabelDto>,
    /// Matching targets.
    pub targets: Vec<LabelDto>,
    pub n_blanks: usize,
    pub max_points: f64,
}

impl From<&a::ItemContent> for ItemContentDto {
    fn from(c: &a::ItemContent) -> Self {
        Self {
            kind: c.kind.as_str(),
            title: c.title.clone(),
            prompt: c.prompt.clone(),
            options: labels(&c.options),
            targets: labels(&c.targets),
            n_blanks: c.n_blanks,
            max_points: c.max_points,
        }
    }
}

/// A bank item in a list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BankItemDto {
    pub item_id: String,
    pub kind: &'static str,
    pub subject: String,
    pub title: String,
    pub prompt: Option<String>,
    pub max_points: f64,
    pub kps: Vec<String>,
    pub source: String,
}

impl From<&a::BankItemSummary> for BankItemDto {
    fn from(b: &a::BankItemSummary) -> Self {
        Self {
            item_id: b.item_id.clone(),
            kind: b.kind.as_str(),
            subject: b.subject.clone(),
            title: b.title.clone(),
            prompt: b.prompt.clone(),
            max_points: b.max_points,
            kps: b.kps.clone(),
            source: b.source.clone(),
        }
    }
}

/// A page of bank items.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BankPageDto {
    pub items: Vec<BankItemDto>,
    pub next_cursor: Option<String>,
}

/// A bank item with its content and its QTI 3.0 text (answer key included).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BankItemDetailDto {
    pub item: BankItemDto,
    pub content: ItemContentDto,
    pub qti: String,
}

impl From<&a::BankItemDetail> for BankItemDetailDto {
    fn from(d: &a::BankItemDetail) -> Self {
        Self { item: (&d.summary).into(), content: (&d.content).into(), qti: d.qti.clone() }
    }
}

/// Which bank items to list.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct BankQuery {
    pub subject: Option<String>,
    pub kind: Option<String>,
    /// A knowledge point id.
    pub kp: Option<String>,
    /// Text in the title, prompt or options.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One QTI file.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct QtiFileBody {
    /// The file's name, for the report.
    pub name: String,
    /// The QTI XML (3.0, or 2.1/2.2 converted).
    pub xml: String,
}

/// QTI files to import into the bank under a subject.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct QtiImportBody {
    pub subject: String,
    pub files: Vec<QtiFileBody>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QtiImportReportDto {
    pub added: Vec<String>,
    pub existing: Vec<String>,
    pub notes: Vec<String>,
}

impl From<&a::ImportReport> for QtiImportReportDto {
    fn from(r: &a::ImportReport) -> Self {
        Self { added: r.added.clone(), existing: r.existing.clone(), notes: r.notes.clone() }
    }
}

/// How far an assignment's grading has come.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GradingCountsDto {
    pub students: i64,
    pub submissions: i64,
    /// Suggestions flagged for the teacher (unscored or uncertain).
    pub needs_teacher: i64,
    pub released: i64,
}

/// An assignment in a list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AssignmentDto {
    pub id: String,
    pub class_id: String,
    pub title: String,
    /// RFC 3339.
    pub due: Option<String>,
    pub n_items: usize,
    pub max_points: f64,
    pub line_item_id: String,
    pub created_by: String,
    pub created_at: String,
    pub counts: GradingCountsDto,
}

impl From<&a::AssignmentSummary> for AssignmentDto {
    fn from(s: &a::AssignmentSummary) -> Self {
        Self {
            id: s.id.clone(),
            class_id: s.class.to_string(),
            title: s.title.clone(),
            due: s.due.map(|d| d.to_rfc3339()),
            n_items: s.n_items,
            max_points: s.max_points,
            line_item_id: s.line_item.to_string(),
            created_by: s.created_by.clone(),
            created_at: s.created_at.to_rfc3339(),
            counts: GradingCountsDto {
                students: s.counts.students,
                submissions: s.counts.submissions,
                needs_teacher: s.counts.needs_teacher,
                released: s.counts.released,
            },
        }
    }
}

/// A new assignment for the class.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewAssignmentBody {
    pub title: String,
    /// Bank item ids, in order.
    pub item_ids: Vec<String>,
    /// RFC 3339; none: open until grades are decided.
    pub due: Option<String>,
}

/// An item of an assignment, for its teachers.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AssignmentItemDto {
    pub index: usize,
    pub item_id: String,
    pub content: ItemContentDto,
}

/// An assignment with its items.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AssignmentDetailDto {
    pub assignment: AssignmentDto,
    pub items: Vec<AssignmentItemDto>,
}

impl From<&a::AssignmentDetail> for AssignmentDetailDto {
    fn from(d: &a::AssignmentDetail) -> Self {
        Self {
            assignment: (&d.summary).into(),
            items: d
                .items
                .iter()
                .map(|i| AssignmentItemDto { index: i.index, item_id: i.item_id.clone(), content: (&i.content).into() })
                .collect(),
        }
    }
}

/// A student's answer to one item, shaped by the item type.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ResponseDto {
    /// Choice items: the selected option ids.
    Choice {
        selected: Vec<String>,
    },
    TrueFalse {
        value: bool,
    },
    /// Numeric, math, a single blank, or free text.
    Text {
        text: String,
    },
    /// Fill-in items: the blanks in order.
    Blanks {
        blanks: Vec<String>,
    },
    /// Ordering items: element ids in order.
    Order {
        order: Vec<String>,
    },
    /// Matching items: (source, target) id pairs.
    Pairs {
        pairs: Vec<(String, String)>,
    },
}

impl From<ResponseDto> for a::StudentResponse {
    fn from(r: ResponseDto) -> Self {
        match r {
            ResponseDto::Choice { selected } => a::StudentResponse::Choice { selected },
            ResponseDto::TrueFalse { value } => a::StudentResponse::TrueFalse { value },
            ResponseDto::Text { text } => a::StudentResponse::Text { text },
            ResponseDto::Blanks { blanks } => a::StudentResponse::Blanks { blanks },
            ResponseDto::Order { order } => a::StudentResponse::Order { order },
            ResponseDto::Pairs { pairs } => a::StudentResponse::Pairs { pairs },
        }
    }
}

impl From<&a::StudentResponse> for ResponseDto {
    fn from(r: &a::StudentResponse) -> Self {
        match r.clone() {
            a::StudentResponse::Choice { selected } => ResponseDto::Choice { selected },
            a::StudentResponse::TrueFalse { value } => ResponseDto::TrueFalse { value },
            a::StudentResponse::Text { text } => ResponseDto::Text { text },
            a::StudentResponse::Blanks { blanks } => ResponseDto::Blanks { blanks },
            a::StudentResponse::Order { order } => ResponseDto::Order { order },
            a::StudentResponse::Pairs { pairs } => ResponseDto::Pairs { pairs },
        }
    }
}

/// One answer.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AnswerItemBody {
    pub item_id: String,
    pub response: ResponseDto,
}

/// Answers to some or all items of an assignment.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SubmissionBody {
    pub answers: Vec<AnswerItemBody>,
}

/// What a submission did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SubmitReceiptDto {
    /// Items whose answer was stored (new or changed).
    pub stored: Vec<String>,
    /// Items whose answer was the same as before.
    pub unchanged: Vec<String>,
}

/// A student's own submission to an item: released points only.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StudentSubmissionDto {
    pub response: ResponseDto,
    pub revision: i64,
    pub submitted_at: String,
    pub released_points: Option<f64>,
    pub feedback: Vec<String>,
}

/// An item as a student sees it, with their answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StudentItemDto {
    pub index: usize,
    pub item_id: String,
    pub content: ItemContentDto,
    pub submission: Option<StudentSubmissionDto>,
}

/// An assignment as a student (or guardian) sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StudentAssignmentDto {
    pub assignment: AssignmentDto,
    pub student_id: String,
    pub items: Vec<StudentItemDto>,
    pub released_total: Option<f64>,
    pub open: bool,
}

impl From<&a::StudentAssignment> for StudentAssignmentDto {
    fn from(v: &a::StudentAssignment) -> Self {
        Self {
            assignment: (&v.summary).into(),
            student_id: v.student.to_string(),
            items: v
                .items
                .iter()
                .map(|i| StudentItemDto {
                    index: i.index,
                    item_id: i.item_id.clone(),
                    content: (&i.content).into(),
                    submission: i.submission.as_ref().map(|s| StudentSubmissionDto {
                        response: (&s.response).into(),
                        revision: s.revision,
                        submitted_at: s.submitted_at.to_rfc3339(),
                        released_points: s.released_points,
                        feedback: s.feedback.clone(),
                    }),
                })
                .collect(),
            released_total: v.released_total,
            open: v.open,
        }
    }
}

/// The machine's grade of a response.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MachineGradeDto {
    pub points: Option<f64>,
    pub confidence: f64,
    /// `objective`, `model` or `none`.
    pub basis: &'static str,
    pub feedback: Vec<String>,
    /// Flagged: a teacher must look at it.
    pub needs_teacher: bool,
}

/// One step of a grading history.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GradeEventDto {
    pub kind: String,
    pub points: Option<f64>,
    pub from_points: Option<f64>,
    pub confidence: Option<f64>,
    pub note: Option<String>,
    pub actor: Option<String>,
    pub at: String,
}

/// A submission in the teacher's queue.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GradingRowDto {
    pub submission_id: String,
    pub student_id: String,
    pub student_name: String,
    pub item_id: String,
    pub item_index: usize,
    pub kind: &'static str,
    pub response: ResponseDto,
    pub max_points: f64,
    pub machine: MachineGradeDto,
    /// `suggested`, `accepted`, `overridden` or `released`.
    pub status: &'static str,
    pub points: Option<f64>,
    pub revision: i64,
    pub submitted_at: String,
    pub history: Vec<GradeEventDto>,
}

/// The teacher's queue: flagged suggestions first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GradingQueueDto {
    pub assignment: AssignmentDto,
    pub rows: Vec<GradingRowDto>,
}

impl From<&a::GradingQueue> for GradingQueueDto {
    fn from(q: &a::GradingQueue) -> Self {
        Self {
            assignment: (&q.summary).into(),
            rows: q
                .rows
                .iter()
                .map(|r| GradingRowDto {
                    submission_id: r.submission_id.clone(),
                    student_id: r.student.to_string(),
                    student_name: r.student_name.clone(),
                    item_id: r.item_id.clone(),
                    item_index: r.item_index,
                    kind: r.kind.as_str(),
                    response: (&r.response).into(),
                    max_points: r.max_points,
                    machine: MachineGradeDto {
                        points: r.machine.points,
                        confidence: r.machine.confidence,
                        basis: r.machine.basis.as_str(),
                        feedback: r.machine.feedback.clone(),
                        needs_teacher: r.machine.needs_teacher,
                    },
                    status: r.status.as_str(),
                    points: r.points,
                    revision: r.revision,
                    submitted_at: r.submitted_at.to_rfc3339(),
                    history: r
                        .history
                        .iter()
                        .map(|h| GradeEventDto {
                            kind: h.kind.clone(),
                            points: h.points,
                            from_points: h.from_points,
                            confidence: h.confidence,
                            note: h.note.clone(),
                            actor: h.actor.clone(),
                            at: h.at.to_rfc3339(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Only flagged suggestions?
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct GradingQuery {
    #[serde(default)]
    pub flagged: bool,
}

/// Which suggestions to accept: listed ones, or in bulk by filters.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AcceptBody {
    pub submission_ids: Option<Vec<String>>,
    pub item_id: Option<String>,
    /// 0 to 1; bulk accepts only suggestions at least this confident (default 0.9).
    pub min_confidence: Option<f64>,
}

/// How many suggestions were accepted.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AcceptedDto {
    pub accepted: usize,
}

/// The teacher's points for one submission.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct OverrideBody {
    pub points: f64,
    pub note: Option<String>,
}

/// Which grades to release (all when absent).
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ReleaseBody {
    pub submission_ids: Option<Vec<String>>,
}

/// What a release did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReleaseOutcomeDto {
    pub released: usize,
    /// Submissions still without points (stay unreleased).
    pub blocked: Vec<String>,
    pub students: usize,
}

impl From<&a::ReleaseOutcome> for ReleaseOutcomeDto {
    fn from(r: &a::ReleaseOutcome) -> Self {
        Self { released: r.released, blocked: r.blocked.clone(), students: r.students }
    }
}

/// How one option of a choice item was chosen.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OptionAnalysisDto {
    pub option: String,
    pub is_key: bool,
    pub count: usize,
    pub proportion: f64,
    pub discrimination: Option<f64>,
}

/// One item's statistics (none: undefined).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AnalysedItemDto {
    pub item_id: String,
    pub index: usize,
    pub kind: &'static str,
    pub difficulty: Option<f64>,
    pub discrimination: Option<f64>,
    pub alpha_if_deleted: Option<f64>,
    pub n_blank: usize,
    pub options: Vec<OptionAnalysisDto>,
    pub flags: Vec<String>,
}

/// The item analysis of an assignment.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AnalysisDto {
    pub assignment_id: String,
    pub n_students: usize,
    pub n_unscored: usize,
    pub kr20: Option<f64>,
    pub cronbach_alpha: Option<f64>,
    pub mean_total: Option<f64>,
    pub sd_total: Option<f64>,
    pub items: Vec<AnalysedItemDto>,
}

impl From<&a::AssignmentAnalysis> for AnalysisDto {
    fn from(x: &a::AssignmentAnalysis) -> Self {
        Self {
            assignment_id: x.assignment.clone(),
            n_students: x.n_students,
            n_unscored: x.n_unscored,
            kr20: x.kr20,
            cronbach_alpha: x.cronbach_alpha,
            mean_total: x.mean_total,
            sd_total: x.sd_total,
            items: x
                .items
                .iter()
                .map(|i| AnalysedItemDto {
                    item_id: i.item_id.clone(),
                    index: i.index,
                    kind: i.kind.as_str(),
                    difficulty: i.difficulty,
                    discrimination: i.discrimination,
                    alpha_if_deleted: i.alpha_if_deleted,
                    n_blank: i.n_blank,
                    options: i
                        .options
                        .iter()
                        .map(|o| OptionAnalysisDto {
                            option: o.option.clone(),
                            is_key: o.is_key,
                            count: o.count,
                            proportion: o.proportion,
                            discrimination: o.discrimination,
                        })
                        .collect(),
                    flags: i.flags.clone(),
                })
                .collect(),
        }
    }
}
