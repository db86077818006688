//! The JSON shapes of the API. Domain types stay free of serde; these are their wire forms.

use access::consent::Consent;
use audit::Head;
use records::{AcademicSession, AdminRecord, AttendanceRecord, Class, Course, Org, Person, Placement, ResultRecord};
use serde::{Deserialize, Serialize};
use store::views::{ClassSummary, LearnerClass, SchoolAggregate};
use utoipa::{IntoParams, ToSchema};

mod assessment;
mod content;
pub(crate) use assessment::*;
pub(crate) use content::*;

/// Server health.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HealthDto {
    pub status: &'static str,
    pub version: &'static str,
    pub database: &'static str,
}

/// A role held in an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GrantDto {
    pub role: &'static str,
    pub org_id: String,
}

impl From<&access::Grant> for GrantDto {
    fn from(g: &access::Grant) -> Self {
        Self { role: g.role.as_str(), org_id: g.org.to_string() }
    }
}

/// A person.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PersonDto {
    pub id: String,
    pub sourced_id: String,
    pub username: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub display_name: String,
    pub identifier: Option<String>,
    pub birth_date: Option<String>,
    pub sex: &'static str,
    pub grades: Vec<String>,
    pub enabled: bool,
    pub primary_org_id: Option<String>,
    pub locale: Option<String>,
}

impl From<&Person> for PersonDto {
    fn from(p: &Person) -> Self {
        Self {
            id: p.id.to_string(),
            sourced_id: p.sourced_id.clone(),
            username: p.username.clone(),
            given_name: p.given_name.to_string(),
            family_name: p.family_name.to_string(),
            display_name: p.display_name(),
            identifier: p.identifier.clone(),
            birth_date: p.birth_date.map(|d| d.to_string()),
            sex: p.sex.as_str(),
            grades: p.grades.clone(),
            enabled: p.enabled,
            primary_org_id: p.primary_org.as_ref().map(ToString::to_string),
            locale: p.locale.clone(),
        }
    }
}

/// The signed-in session.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionDto {
    pub person_id: String,
    /// Echo this in the `X-CSRF-Token` header of every request that changes something.
    pub csrf_token: Option<String>,
    pub expires_at: Option<String>,
    pub roles: Vec<GrantDto>,
}

/// A person and how they relate to the caller.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RelatedPersonDto {
    pub person: PersonDto,
    pub relation: String,
}

/// The caller's own page.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeDto {
    pub person: PersonDto,
    pub roles: Vec<GrantDto>,
    pub children: Vec<RelatedPersonDto>,
    pub teaching: Vec<ClassDto>,
    pub learning: Vec<ClassDto>,
}

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrgDto {
    pub id: String,
    pub sourced_id: String,
    pub name: String,
    pub kind: &'static str,
    pub identifier: Option<String>,
    pub parent_id: Option<String>,
}

impl From<&Org> for OrgDto {
    fn from(o: &Org) -> Self {
        Self {
            id: o.id.to_string(),
            sourced_id: o.sourced_id.clone(),
            name: o.name.clone(),
            kind: o.kind.as_str(),
            identifier: o.identifier.clone(),
            parent_id: o.parent.as_ref().map(ToString::to_string),
        }
    }
}

/// A school year, term or grading period.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AcademicSessionDto {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub start: String,
    pub end: String,
    pub parent_id: Option<String>,
    pub school_year: i32,
}

impl From<&AcademicSession> for AcademicSessionDto {
    fn from(s: &AcademicSession) -> Self {
        Self {
            id: s.id.to_string(),
            title: s.title.clone(),
            kind: s.kind.as_str(),
            start: s.start.to_string(),
            end: s.end.to_string(),
            parent_id: s.parent.as_ref().map(ToString::to_string),
            school_year: s.school_year,
        }
    }
}

/// A course.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CourseDto {
    pub id: String,
    pub title: String,
    pub code: Option<String>,
    pub org_id: String,
    pub grades: Vec<String>,
    pub subjects: Vec<String>,
}

impl From<&Course> for CourseDto {
    fn from(c: &Course) -> Self {
        Self {
            id: c.id.to_string(),
            title: c.title.clone(),
            code: c.code.clone(),
            org_id: c.org.to_string(),
            grades: c.grades.clone(),
            subjects: c.subjects.clone(),
        }
    }
}

/// A class.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClassDto {
    pub id: String,
    pub sourced_id: String,
    pub title: String,
    pub code: Option<String>,
    pub class_type: &'static str,
    pub course_id: String,
    pub school_id: String,
    pub location: Option<String>,
    pub grades: Vec<String>,
    pub subjects: Vec<String>,
    pub term_ids: Vec<String>,
}

impl From<&Class> for ClassDto {
    fn from(c: &Class) -> Self {
        Self {
            id: c.id.to_string(),
            sourced_id: c.sourced_id.clone(),
            title: c.title.clone(),
            code: c.code.clone(),
            class_type: c.class_type.as_str(),
            course_id: c.course.to_string(),
            school_id: c.school.to_string(),
            location: c.location.clone(),
            grades: c.grades.clone(),
            subjects: c.subjects.clone(),
            term_ids: c.terms.iter().map(ToString::to_string).collect(),
        }
    }
}

fn percent(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| (1000.0 * part / whole).round() / 10.0)
}

/// A gradebook column as a learner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LearnerItemDto {
    pub id: String,
    pub title: String,
    pub category: &'static str,
    pub due: Option<String>,
    pub max_score: f64,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub done: bool,
}

/// Progress in a class.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressDto {
    pub done: usize,
    pub total: usize,
    /// Mean of the scored results, as a percentage of their maxima.
    pub mean_percent: Option<f64>,
    pub attendance_days: i64,
    pub attended_days: i64,
    pub attendance_percent: Option<f64>,
}

/// A class on a learner's home page, with their own progress.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LearnerClassDto {
    pub class_id: String,
    pub title: String,
    pub course_title: String,
    pub subjects: Vec<String>,
    pub teachers: Vec<String>,
    pub progress: ProgressDto,
    pub items: Vec<LearnerItemDto>,
}

impl From<&LearnerClass> for LearnerClassDto {
    fn from(c: &LearnerClass) -> Self {
        let scored: Vec<f64> = c.items.iter().filter_map(|i| i.score.map(|s| s / i.max_score)).collect();
        Self {
            class_id: c.class.to_string(),
            title: c.title.clone(),
            course_title: c.course_title.clone(),
            subjects: c.subjects.clone(),
            teachers: c.teachers.clone(),
            progress: ProgressDto {
                done: c.items.iter().filter(|i| i.done).count(),
                total: c.items.len(),
                mean_percent: percent(scored.iter().sum(), scored.len() as f64),
                attendance_days: c.attendance_days,
                attended_days: c.attended_days,
                attendance_percent: percent(c.attended_days as f64, c.attendance_days as f64),
            },
            items: c
                .items
                .iter()
                .map(|i| LearnerItemDto {
                    id: i.id.to_string(),
                    title: i.title.clone(),
                    category: i.category.as_str(),
                    due: i.due.map(|d| d.to_string()),
                    max_score: i.max_score,
                    score: i.score,
                    grade: i.grade.clone(),
                    done: i.done,
                })
                .collect(),
        }
    }
}

/// A column of a class summary with its class-wide figures.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SummaryItemDto {
    pub id: String,
    pub title: String,
    pub category: &'static str,
    pub due: Option<String>,
    pub max_score: f64,
    pub done: usize,
    pub mean_percent: Option<f64>,
}

/// A student's row of a class summary.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SummaryStudentDto {
    pub id: String,
    pub name: String,
    pub identifier: Option<String>,
    /// One entry per column, in column order.
    pub scores: Vec<Option<f64>>,
    pub done: usize,
    pub mean_percent: Option<f64>,
    pub attendance_percent: Option<f64>,
}

/// A class's summary: every student against every column.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClassSummaryDto {
    pub class_id: String,
    pub title: String,
    pub items: Vec<SummaryItemDto>,
    pub students: Vec<SummaryStudentDto>,
}

impl From<&ClassSummary> for ClassSummaryDto {
    fn from(s: &ClassSummary) -> Self {
        let items = s
            .items
            .iter()
            .enumerate()
            .map(|(k, item)| {
                let scored: Vec<f64> =
                    s.students.iter().filter_map(|st| st.scores[k]).map(|v| v / item.max_score).collect();
                SummaryItemDto {
                    id: item.id.to_string(),
                    title: item.title.clone(),
                    category: item.category.as_str(),
                    due: item.due.map(|d| d.to_string()),
                    max_score: item.max_score,
                    done: s.students.iter().filter(|st| st.done[k]).count(),
                    mean_percent: percent(scored.iter().sum(), scored.len() as f64),
                }
            })
            .collect();
        let students = s
            .students
            .iter()
            .map(|st| {
                let fractions: Vec<f64> =
                    st.scores.iter().zip(&s.items).filter_map(|(v, item)| v.map(|v| v / item.max_score)).collect();
                SummaryStudentDto {
                    id: st.id.to_string(),
                    name: st.name.clone(),
                    identifier: st.identifier.clone(),
                    scores: st.scores.clone(),
                    done: st.done.iter().filter(|d| **d).count(),
                    mean_percent: percent(fractions.iter().sum(), fractions.len() as f64),
                    attendance_percent: percent(st.attended_days as f64, st.attendance_days as f64),
                }
            })
            .collect();
        Self { class_id: s.class.to_string(), title: s.title.clone(), items, students }
    }
}

/// A result.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResultDto {
    pub line_item_id: String,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub comment: Option<String>,
    pub recorded_at: String,
}

impl From<&ResultRecord> for ResultDto {
    fn from(r: &ResultRecord) -> Self {
        Self {
            line_item_id: r.line_item.to_string(),
            score: r.score.map(records::Score::value),
            grade: r.grade.clone(),
            comment: r.comment.clone(),
            recorded_at: r.recorded_at.to_rfc3339(),
        }
    }
}

/// Attendance on a day.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttendanceDto {
    pub class_id: String,
    pub date: String,
    pub status: &'static str,
    pub note: Option<String>,
}

impl From<&AttendanceRecord> for AttendanceDto {
    fn from(a: &AttendanceRecord) -> Self {
        Self {
            class_id: a.class.to_string(),
            date: a.date.to_string(),
            status: a.status.as_str(),
            note: a.note.clone(),
        }
    }
}

/// An administrative record.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AdminRecordDto {
    pub id: String,
    pub kind: &'static str,
    pub date: String,
    pub org_id: Option<String>,
    pub detail: String,
}

impl From<&AdminRecord> for AdminRecordDto {
    fn from(a: &AdminRecord) -> Self {
        Self {
            id: a.id.to_string(),
            kind: a.kind.as_str(),
            date: a.date.to_string(),
            org_id: a.org.as_ref().map(ToString::to_string),
            detail: a.detail.clone(),
        }
    }
}

/// A placement.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlacementDto {
    pub id: String,
    pub kind: &'static str,
    pub destination: String,
    pub programme: Option<String>,
    pub year: i32,
}

impl From<&Placement> for PlacementDto {
    fn from(p: &Placement) -> Self {
        Self {
            id: p.id.to_string(),
            kind: p.kind.as_str(),
            destination: p.destination.clone(),
            programme: p.programme.clone(),
            year: p.year,
        }
    }
}

/// A consent record.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConsentDto {
    pub id: String,
    pub purpose: &'static str,
    pub given_by: &'static str,
    pub recorded_by: String,
    pub given_at: String,
    pub withdrawn_at: Option<String>,
    pub in_force: bool,
}

impl From<&Consent> for ConsentDto {
    fn from(c: &Consent) -> Self {
        Self {
            id: c.id.to_string(),
            purpose: c.purpose.as_str(),
            given_by: c.given_by.as_str(),
            recorded_by: c.recorded_by.to_string(),
            given_at: c.given_at.to_rfc3339(),
            withdrawn_at: c.withdrawn_at.map(|t| t.to_rfc3339()),
            in_force: c.withdrawn_at.is_none(),
        }
    }
}

/// A student's consents and whom to ask for new ones.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConsentsDto {
    /// `guardian` under 14 (or with no birth date), else `student_or_guardian`.
    pub ask: &'static str,
    pub consents: Vec<ConsentDto>,
}

/// An enrollment with its class.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EnrollmentDto {
    pub class_id: String,
    pub class_title: Option<String>,
    pub role: &'static str,
    pub begin: Option<String>,
    pub end: Option<String>,
}

/// A student's whole record.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StudentRecordDto {
    pub person: PersonDto,
    pub national_student_id_masked: Option<String>,
    pub guardians: Vec<RelatedPersonDto>,
    pub enrollments: Vec<EnrollmentDto>,
    pub results: Vec<ResultDto>,
    pub attendance: Vec<AttendanceDto>,
    pub admin_records: Vec<AdminRecordDto>,
    pub placements: Vec<PlacementDto>,
    pub consents: Vec<ConsentDto>,
}

impl From<&app::records_api::StudentRecord> for StudentRecordDto {
    fn from(r: &app::records_api::StudentRecord) -> Self {
        Self {
            person: (&r.person).into(),
            national_student_id_masked: r.national_student_id_masked.clone(),
            guardians: r
                .guardians
                .iter()
                .map(|(p, rel)| RelatedPersonDto { person: p.into(), relation: rel.clone() })
                .collect(),
            enrollments: r
                .enrollments
                .iter()
                .map(|(e, c)| EnrollmentDto {
                    class_id: e.class.to_string(),
                    class_title: c.as_ref().map(|c| c.title.clone()),
                    role: e.role.as_str(),
                    begin: e.begin.map(|d| d.to_string()),
                    end: e.end.map(|d| d.to_string()),
                })
                .collect(),
            results: r.results.iter().map(Into::into).collect(),
            attendance: r.attendance.iter().map(Into::into).collect(),
            admin_records: r.admin_records.iter().map(Into::into).collect(),
            placements: r.placements.iter().map(Into::into).collect(),
            consents: r.consents.iter().map(Into::into).collect(),
        }
    }
}

/// A national student id, revealed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NationalIdDto {
    pub national_student_id: Option<String>,
}

/// A page of items and the cursor for the next.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PeoplePageDto {
    pub items: Vec<PersonDto>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditEntryDto {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub basis: String,
    pub detail: String,
}

impl From<&app::AuditView> for AuditEntryDto {
    fn from(e: &app::AuditView) -> Self {
        Self {
            seq: e.seq,
            at: e.at.to_rfc3339(),
            actor: e.actor.clone(),
            action: e.action.clone(),
            subject: e.subject.clone(),
            basis: e.basis.clone(),
            detail: e.detail.clone(),
        }
    }
}

/// The outcome of verifying the audit chain.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditVerificationDto {
    pub intact: bool,
    pub entries: Option<i64>,
    /// `seq:hash` of the last entry: keep it somewhere else to detect a later rewrite.
    pub head: Option<String>,
    pub problem: Option<String>,
}

impl AuditVerificationDto {
    pub(crate) fn intact(entries: i64, head: Head) -> Self {
        Self { intact: true, entries: Some(entries), head: Some(head.to_string()), problem: None }
    }
}

/// Aggregates for a school.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SchoolAggregateDto {
    pub school_id: String,
    pub name: String,
    pub students: i64,
    pub teachers: i64,
    pub classes: i64,
    pub attendance_percent: Option<f64>,
    /// Suppressed (null) for groups smaller than five students.
    pub mean_score_percent: Option<f64>,
}

impl From<&SchoolAggregate> for SchoolAggregateDto {
    fn from(a: &SchoolAggregate) -> Self {
        Self {
            school_id: a.school.to_string(),
            name: a.name.clone(),
            students: a.students,
            teachers: a.teachers,
            classes: a.classes,
            attendance_percent: percent(a.attended as f64, a.attendance_records as f64),
            mean_score_percent: a.mean_score_fraction.map(|f| (f * 1000.0).round() / 10.0),
        }
    }
}

/// What an import changed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportReportDto {
    pub files: Vec<ImportedFileDto>,
    pub guardianships: u64,
    pub skipped_files: Vec<String>,
    pub warnings: Vec<String>,
}

/// What an import did to one file's records.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportedFileDto {
    pub file: String,
    pub mode: &'static str,
    pub written: u64,
    pub deleted: u64,
}

/// An API token (its secret only when created).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenDto {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// Shown once, at creation. Send as `Authorization: Bearer <secret>`.
    pub secret: Option<String>,
}

impl From<&store::auth::ApiToken> for TokenDto {
    fn from(t: &store::auth::ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            created_at: t.created_at.to_rfc3339(),
            expires_at: t.expires_at.map(|x| x.to_rfc3339()),
            last_used_at: t.last_used_at.map(|x| x.to_rfc3339()),
            revoked: t.revoked_at.is_some(),
            secret: None,
        }
    }
}

/// A recorded duty.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DutyDto {
    pub id: String,
    pub reason: String,
    pub starts: String,
    pub expires: String,
}

/// The result of importing a transfer bundle.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TransferredInDto {
    pub student_id: String,
    pub from_school: String,
    pub results: usize,
    pub attendance: usize,
}

// ----- Request bodies and queries -----

/// Sign-in credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct LoginBody {
    pub username: String,
    pub password: String,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct PasswordBody {
    pub current: String,
    pub new: String,
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TokenBody {
    pub name: String,
    /// Days until it expires (1–3650); never, if absent.
    pub valid_days: Option<i64>,
}

/// One student's attendance.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AttendanceEntryBody {
    pub student_id: String,
    /// present, late, absent or excused.
    pub status: String,
    pub note: Option<String>,
}

/// A class's attendance for a day.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AttendanceBody {
    /// YYYY-MM-DD.
    pub date: String,
    pub entries: Vec<AttendanceEntryBody>,
}

/// A new gradebook column.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct LineItemBody {
    pub title: String,
    /// assignment, exam or term_grade.
    pub category: String,
    pub assigned: Option<String>,
    pub due: Option<String>,
    pub max_score: f64,
}

/// One student's result.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ResultEntryBody {
    pub student_id: String,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub comment: Option<String>,
}

/// Results to record in a column.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ResultsBody {
    pub entries: Vec<ResultEntryBody>,
}

/// A consent to give.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ConsentBody {
    /// adaptive_learning, ai_assistance, wellbeing_screening or research_sharing.
    pub purpose: String,
}

/// An administrative record to add.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AdminRecordBody {
    /// admission, status_change, award, graduation or withdrawal.
    pub kind: String,
    pub date: String,
    pub detail: String,
}

/// A placement to record.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct PlacementBody {
    /// senior_secondary, vocational, college, employment or other.
    pub kind: String,
    pub destination: String,
    pub programme: Option<String>,
    pub year: i32,
}

/// A transfer to make.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TransferBody {
    pub to_school: String,
    /// The last day at this school; today if absent.
    pub leaving_date: Option<String>,
}

/// A duty to record.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct DutyBody {
    /// The student the duty covers (or give `org_id`).
    pub student_id: Option<String>,
    /// The organisation whose students the duty covers.
    pub org_id: Option<String>,
    pub reason: String,
    pub days: i64,
}

/// A person to add.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewPersonBody {
    pub username: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub role: String,
    pub org_id: String,
    pub birth_date: Option<String>,
    pub identifier: Option<String>,
}

/// Which people to list.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct PeopleQuery {
    pub org: Option<String>,
    pub role: Option<String>,
    /// Part of a name, username or school number.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Which audit entries to list.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct AuditQuery {
    /// Only entries older than this sequence number.
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

/// An optional anchor for verification.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct VerifyQuery {
    /// `seq:hash` copied from an earlier verification.
    pub anchor: Option<String>,
}

/// How to export.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ExportQuery {
    /// `bulk` (default) or `delta`.
    pub mode: Option<String>,
    /// For `delta`: changes after this RFC 3339 time.
    pub since: Option<String>,
    /// Include national student ids (a sensitive read, audited).
    #[serde(default)]
    pub national_ids: bool,
}

/// How to import.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ImportQuery {
    /// Allow a bulk file to delete more than half of what earlier imports brought.
    #[serde(default)]
    pub allow_mass_deletion: bool,
}

/// Where to admit a transferred student.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct TransferImportQuery {
    /// The receiving school's id.
    pub school: String,
}

// ----- Adaptive learning -----

/// A knowledge point.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct KpDto {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub grade: Option<u8>,
}

impl From<&app::learning::KpNames> for KpDto {
    fn from(k: &app::learning::KpNames) -> Self {
        Self { id: k.kp.to_string(), name_zh: k.name_zh.clone(), name_en: k.name_en.clone(), grade: k.grade }
    }
}

/// Why an item is recommended: structured, with the standard wording in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReasonDto {
    /// pinned, review, continue, ready or start.
    pub kind: &'static str,
    pub text_zh: String,
    pub text_en: String,
    pub note: Option<String>,
    pub days_since_last: Option<u32>,
    pub recall: Option<f32>,
    pub mastery: Option<f32>,
    pub prerequisites_mastered: Vec<String>,
}

/// A recommended practice item.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PracticeItemDto {
    pub item_id: String,
    pub stem_zh: Option<String>,
    pub stem_en: Option<String>,
    pub kp: KpDto,
    pub reason: ReasonDto,
    pub predicted_success: f32,
}

impl PracticeItemDto {
    pub(crate) fn new(
        p: &app::learning::PracticeItem,
        kp_name: &dyn Fn(&learning::graph::KpId, bool) -> String,
    ) -> Self {
        use learning::next_step::{Lang, Reason};
        let r = &p.reason;
        let (kind, note, days, recall, mastery, prereqs) = match r {
            Reason::Pinned { note } => ("pinned", note.clone(), None, None, None, vec![]),
            Reason::Review { days_since_last, recall } => {
                ("review", None, Some(*days_since_last), Some(*recall), None, vec![])
            }
            Reason::Continue { mastery } => ("continue", None, None, None, Some(*mastery), vec![]),
            Reason::Ready { prerequisites_mastered } => {
                ("ready", None, None, None, None, prerequisites_mastered.iter().map(ToString::to_string).collect())
            }
            Reason::Start => ("start", None, None, None, None, vec![]),
        };
        Self {
            item_id: p.item.to_string(),
            stem_zh: p.stem_zh.clone(),
            stem_en: p.stem_en.clone(),
            kp: (&p.kp).into(),
            reason: ReasonDto {
                kind,
                text_zh: r.render(Lang::ZhCn, &|k| kp_name(k, true)),
                text_en: r.render(Lang::En, &|k| kp_name(k, false)),
                note,
                days_since_last: days,
                recall,
                mastery,
                prerequisites_mastered: prereqs,
            },
            predicted_success: p.predicted_success,
        }
    }
}

/// The outcome of a practice answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AnswerResultDto {
    pub correct: bool,
    pub expected: String,
    pub feedback: Vec<String>,
    pub mastery: Vec<KpMasteryChangeDto>,
    pub next: Vec<PracticeItemDto>,
}

/// A knowledge point's mastery after an answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct KpMasteryChangeDto {
    pub kp: KpDto,
    pub mastery: f32,
}

/// A row of a mastery map.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MasteryRowDto {
    pub kp: KpDto,
    pub mastery: f32,
    /// locked, not_started, learning or mastered.
    pub status: &'static str,
    pub answers: u32,
    pub recall: Option<f32>,
    pub review_due: Option<String>,
}

impl From<&app::learning::MasteryRow> for MasteryRowDto {
    fn from(r: &app::learning::MasteryRow) -> Self {
        use learning::learner::MasteryStatus;
        Self {
            kp: (&r.kp).into(),
            mastery: r.entry.mastery,
            status: match r.entry.status {
                MasteryStatus::Locked => "locked",
                MasteryStatus::NotStarted => "not_started",
                MasteryStatus::Learning => "learning",
                MasteryStatus::Mastered => "mastered",
            },
            answers: r.entry.answers,
            recall: r.entry.recall,
            review_due: r.entry.review_due.map(|t| t.to_rfc3339()),
        }
    }
}

/// A class's heat map.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HeatMapDto {
    pub students_included: usize,
    pub students_without_consent: usize,
    pub rows: Vec<HeatRowDto>,
}

/// One knowledge point across a class.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HeatRowDto {
    pub kp: KpDto,
    pub mean_mastery: f32,
    pub mastered: u32,
    pub learning: u32,
    pub struggling: u32,
    pub not_started: u32,
    pub reviews_due: u32,
}

impl From<&app::learning::ClassHeatMap> for HeatMapDto {
    fn from(h: &app::learning::ClassHeatMap) -> Self {
        Self {
            students_included: h.students_included,
            students_without_consent: h.students_without_consent,
            rows: h
                .rows
                .iter()
                .map(|r| HeatRowDto {
                    kp: (&r.kp).into(),
                    mean_mastery: r.heat.mean_mastery,
                    mastered: r.heat.mastered,
                    learning: r.heat.learning,
                    struggling: r.heat.struggling,
                    not_started: r.heat.not_started,
                    reviews_due: r.heat.reviews_due,
                })
                .collect(),
        }
    }
}

/// A subject with a learner model.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SubjectDto {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A practice answer.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AnswerBody {
    pub item_id: String,
    pub response: String,
}

/// Which subject, and how many items.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SubjectQuery {
    pub subject: String,
    /// How many recommendations (1–20, default 5).
    pub n: Option<usize>,
}

/// A teacher's plan: pins, skips and overrides, by knowledge-point and item id.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct PlanBody {
    #[serde(default)]
    pub pinned_kps: Vec<PinBody>,
    #[serde(default)]
    pub pinned_items: Vec<PinBody>,
    #[serde(default)]
    pub skipped_kps: Vec<String>,
    #[serde(default)]
    pub marked_mastered: Vec<String>,
    pub scope: Option<Vec<String>>,
}

/// A pinned knowledge point or item, with an optional note for the learner.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct PinBody {
    pub id: String,
    pub note: Option<String>,
}

impl From<PlanBody> for app::learning::PlanFile {
    fn from(p: PlanBody) -> Self {
        Self {
            pinned_kps: p.pinned_kps.into_iter().map(|x| (x.id, x.note)).collect(),
            pinned_items: p.pinned_items.into_iter().map(|x| (x.id, x.note)).collect(),
            skipped_kps: p.skipped_kps,
            marked_mastered: p.marked_mastered,
            scope: p.scope,
        }
    }
}
