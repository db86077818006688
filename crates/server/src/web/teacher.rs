//! The teacher's pages: my classes, a class's dashboard (who needs help now, assignment status),
//! recording attendance, adding an assignment column and entering its results, a student's profile.

use std::sync::Arc;

use app::records_api::{AttendanceEntry, NewLineItem, ResultEntry};
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base::{ClassId, Date, LineItemId, PersonId};
use records::{AttendanceStatus, LineItemCategory, Role};
use store::views::ClassSummary;

use super::WebState;
use super::charts::{self, Completion, Svg};
use super::forms::{self, Fields, OnceTokens};
use super::i18n::{Arg, Tr};
use super::learner::{self, AttendanceLine, ClassCard, ResultRow};
use super::page::{
    self, Chrome, OrPage, PageResult, Signed, Visitor, error_with, id, render, render_status, see_other, with_notice,
};
use crate::AppState;

/// Roles that open the teaching pages.
pub(crate) const TEACHING: [Role; 4] = [Role::Teacher, Role::Aide, Role::Counselor, Role::SchoolAdmin];

/// A mean score below this share flags a student.
const LOW_MEAN: f64 = 0.6;
/// This many past-due columns without a result flag a student.
const MISSING_FLAG: usize = 2;
/// Attendance below this share flags a student.
const LOW_ATTENDANCE: f64 = 0.9;

/// Refuses people without a teaching role with a friendly page (a learner who typed a teacher's URL).
pub(crate) fn require(visitor: &Visitor, roles: &[Role]) -> Result<(), axum::response::Response> {
    if visitor.has_role(roles) {
        Ok(())
    } else {
        Err(error_with(visitor, StatusCode::FORBIDDEN, visitor.tr().t("error-not-for-you"), None))
    }
}

/// A person's name as the school writes it (family name first for Chinese names).
pub(crate) fn person_name(p: &records::Person) -> String {
    if let Some(pref) = p.preferred_name.as_deref().filter(|s| !s.trim().is_empty()) {
        return pref.to_owned();
    }
    let (given, family) = (p.given_name.as_str(), p.family_name.as_str());
    let cjk = |s: &str| s.chars().all(|c| ('\u{3400}'..='\u{9fff}').contains(&c));
    if cjk(family) && cjk(given) { format!("{family}{given}") } else { format!("{given} {family}") }
}

#[derive(Debug, Clone)]
struct ClassLink {
    href: String,
    title: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "teacher/classes.html")]
struct ClassesPage {
    c: Chrome,
    classes: Vec<ClassLink>,
}

/// The classes the teacher may open.
pub(crate) async fn classes(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let tr = v.tr();
    let classes = s.app.visible_classes(&signed.caller()).await.or_page(v)?;
    let links = classes
        .iter()
        .map(|k| ClassLink {
            href: format!("/teach/classes/{}", k.id),
            title: k.title.clone(),
            detail: [
                k.subjects.join(", "),
                k.grades.iter().map(|g| tr.ts("grade-n", "grade", g)).collect::<Vec<_>>().join(", "),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        })
        .collect();
    Ok(render(&ClassesPage { c: Chrome::new(v, tr.t("teach-title")), classes: links }))
}

/// A student's standing in a class, from the summary.
#[derive(Debug, Clone)]
struct StudentRow {
    href: String,
    name: String,
    mean: Option<f64>,
    mean_text: String,
    done: usize,
    missing: usize,
    attendance_text: String,
    /// Why the student needs help now, in words; empty when they don't.
    flags: Vec<String>,
}

/// A column's status across the class.
#[derive(Debug, Clone)]
struct ItemStatus {
    href: String,
    title: String,
    category: String,
    due: String,
    done: usize,
    total: usize,
    mean: String,
    /// Students past the due date without a result.
    missing: usize,
}

#[derive(Template)]
#[template(path = "teacher/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    class_id: String,
    class_title: String,
    n_students: usize,
    needs_help: Vec<StudentRow>,
    students: Vec<StudentRow>,
    items: Vec<ItemStatus>,
    completion_chart: Option<Svg>,
    distribution_chart: Option<Svg>,
    thresholds: String,
    /// The knowledge-point heat map, or why there is none.
    heat: Result<super::practice::HeatView, String>,
}

fn analyse(tr: &Tr, summary: &ClassSummary, today: Date) -> (Vec<StudentRow>, Vec<ItemStatus>) {
    let students: Vec<StudentRow> = summary
        .students
        .iter()
        .map(|st| {
            let fractions: Vec<f64> =
                st.scores.iter().zip(&summary.items).filter_map(|(s, item)| s.map(|s| s / item.max_score)).collect();
            let mean = (!fractions.is_empty()).then(|| fractions.iter().sum::<f64>() / fractions.len() as f64);
            let missing = summary
                .items
                .iter()
                .zip(&st.done)
                .filter(|(item, done)| !**done && item.due.is_some_and(|d| d < today))
                .count();
            let attendance = (st.attendance_days > 0).then(|| st.attended_days as f64 / st.attendance_days as f64);
            let mut flags = Vec::new();
            if let Some(m) = mean.filter(|m| *m < LOW_MEAN) {
                flags.push(tr.ts("flag-low-mean", "mean", &tr.pct(m)));
            }
            if missing >= MISSING_FLAG {
                flags.push(tr.tn("flag-missing", "n", missing));
            }
            if let Some(a) = attendance.filter(|a| *a < LOW_ATTENDANCE) {
                flags.push(tr.ts("flag-low-attendance", "rate", &tr.pct(a)));
            }
            StudentRow {
                href: format!("/teach/students/{}", st.id),
                name: st.name.clone(),
                mean,
                mean_text: mean.map_or_else(|| "—".to_owned(), |m| tr.pct(m)),
                done: st.done.iter().filter(|d| **d).count(),
                missing,
                attendance_text: attendance.map_or_else(|| "—".to_owned(), |a| tr.pct(a)),
                flags,
            }
        })
        .collect();
    let items = summary
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let done = summary.students.iter().filter(|s| s.done.get(i).copied().unwrap_or(false)).count();
            let scores: Vec<f64> = summary
                .students
                .iter()
                .filter_map(|s| s.scores.get(i).copied().flatten())
                .map(|s| s / item.max_score)
                .collect();
            let past_due = item.due.is_some_and(|d| d < today);
            ItemStatus {
                href: format!("/teach/classes/{}/assignments/{}", summary.class, item.id),
                title: item.title.clone(),
                category: learner::category(tr, item.category),
                due: item.due.map_or_else(|| "—".to_owned(), |d| tr.date(d)),
                done,
                total: summary.students.len(),
                mean: if scores.is_empty() {
                    "—".to_owned()
                } else {
                    tr.pct(scores.iter().sum::<f64>() / scores.len() as f64)
                },
                missing: if past_due { summary.students.len() - done } else { 0 },
            }
        })
        .collect();
    (students, items)
}

/// A class's dashboard: who needs help now, assignment status, the score distribution.
pub(crate) async fn dashboard(State(s): State<AppState>, signed: Signed, Path(class): Path<String>) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let tr = v.tr();
    let summary = s.app.class_summary(&signed.caller(), &class).await.or_page(v)?;
    let (students, items) = analyse(&tr, &summary, s.app.today());
    let mut needs_help: Vec<StudentRow> = students.iter().filter(|s| !s.flags.is_empty()).cloned().collect();
    needs_help.sort_by(|a, b| {
        b.flags.len().cmp(&a.flags.len()).then(a.mean.unwrap_or(1.0).total_cmp(&b.mean.unwrap_or(1.0)))
    });
    let completion_chart = (!items.is_empty()).then(|| {
        let rows: Vec<Completion> =
            items.iter().map(|i| Completion { label: i.title.clone(), done: i.done, total: i.total }).collect();
        charts::completion(&tr, "completion", &tr.t("chart-completion-title"), &rows)
    });
    let means: Vec<f64> = students.iter().filter_map(|s| s.mean).collect();
    let distribution_chart = (!means.is_empty()).then(|| {
        charts::score_distribution(&tr, "distribution", &tr.t("chart-distribution-title"), &charts::score_bands(&means))
    });
    let thresholds = tr.targs(
        "needs-help-rule",
        &[
            ("mean", Arg::Text(tr.pct(LOW_MEAN))),
            ("missing", Arg::Num(MISSING_FLAG as f64)),
            ("attendance", Arg::Text(tr.pct(LOW_ATTENDANCE))),
        ],
    );
    let heat = super::practice::class_heat(&s, &signed, &class, &format!("/teach/classes/{class}")).await?;
    let page = DashboardPage {
        c: Chrome::new(v, summary.title.clone()),
        class_id: class.to_string(),
        class_title: summary.title.clone(),
        n_students: students.len(),
        needs_help,
        students,
        items,
        completion_chart,
        distribution_chart,
        thresholds,
        heat,
    };
    Ok(render(&page))
}

/// One student's line on the attendance form.
#[derive(Debug, Clone)]
struct AttendanceRow {
    id: String,
    name: String,
    /// The chosen status's stable name.
    status: String,
    note: String,
}

#[derive(Template)]
#[template(path = "teacher/attendance.html")]
struct AttendancePage {
    c: Chrome,
    class_id: String,
    class_title: String,
    csrf: String,
    once: String,
    date: String,
    rows: Vec<AttendanceRow>,
    statuses: Vec<(String, String)>,
    error: Option<String>,
}

fn attendance_page(
    v: &Visitor,
    summary: &ClassSummary,
    date: &str,
    kept: Option<&Fields>,
    error: Option<String>,
) -> axum::response::Response {
    let tr = v.tr();
    let rows = summary
        .students
        .iter()
        .map(|st| AttendanceRow {
            id: st.id.to_string(),
            name: st.name.clone(),
            status: kept
                .and_then(|f| f.get(&format!("status:{}", st.id)))
                .unwrap_or(AttendanceStatus::Present.as_str())
                .to_owned(),
            note: kept.map(|f| f.text(&format!("note:{}", st.id)).to_owned()).unwrap_or_default(),
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = AttendancePage {
        c: Chrome::new(v, tr.ts("attendance-title", "class", &summary.title)),
        class_id: summary.class.to_string(),
        class_title: summary.title.clone(),
        csrf: v.csrf(),
        once: kept.and_then(|f| f.get(forms::ONCE_FIELD)).map_or_else(OnceTokens::fresh, str::to_owned),
        date: date.to_owned(),
        rows,
        statuses: AttendanceStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), tr.t(&format!("attendance-{}", s.as_str()))))
            .collect(),
        error,
    };
    render_status(status, &page)
}

/// The attendance form for a day (today unless `?date=` says otherwise).
pub(crate) async fn attendance_form(
    State(s): State<AppState>,
    signed: Signed,
    Path(class): Path<String>,
) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let summary = s.app.class_summary(&signed.caller(), &class).await.or_page(v)?;
    let date = v.query("date").filter(|d| Date::parse(d).is_ok()).unwrap_or_else(|| s.app.today().to_string());
    Ok(attendance_page(v, &summary, &date, None, None))
}

/// Records the day's attendance, then goes back to the dashboard.
pub(crate) async fn record_attendance(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(class): Path<String>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let v = &Visitor { actor: Some(actor.clone()), ..visitor };
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let caller = app::Caller::Person(actor);
    let done = format!("/teach/classes/{class}");
    let summary = s.app.class_summary(&caller, &class).await.or_page(v)?;
    let tr = v.tr();
    let Ok(day) = Date::parse(f.text("date")) else {
        return Ok(attendance_page(v, &summary, f.text("date"), Some(&f), Some(tr.t("invalid-date"))));
    };
    let mut entries = Vec::new();
    for (student, status) in f.with_prefix("status:") {
        let (Ok(student), Ok(status)) = (PersonId::parse(student), AttendanceStatus::parse(status)) else {
            return Ok(attendance_page(v, &summary, f.text("date"), Some(&f), Some(tr.t("invalid-form"))));
        };
        let note = f.text(&format!("note:{student}"));
        entries.push(AttendanceEntry { student, status, note: (!note.is_empty()).then(|| note.to_owned()) });
    }
    let once = f.text(forms::ONCE_FIELD);
    if !web.once.claim(once, s.app.now()) {
        return Ok(forms::already_done(&done));
    }
    match s.app.record_attendance(&caller, &class, day, &entries).await {
        Ok(_) => Ok(see_other(&with_notice(&done, "attendance-saved"))),
        Err(e) => {
            web.once.release(once);
            match e.as_user() {
                Some(app::UserError::Invalid { .. }) => {
                    Ok(attendance_page(v, &summary, f.text("date"), Some(&f), Some(e.to_string())))
                }
                _ => Err(page::error_page(v, &e)),
            }
        }
    }
}

#[derive(Template)]
#[template(path = "teacher/new_assignment.html")]
struct NewAssignmentPage {
    c: Chrome,
    class_id: String,
    csrf: String,
    once: String,
    title: String,
    category: String,
    categories: Vec<(String, String)>,
    assigned: String,
    due: String,
    max_score: String,
    error: Option<String>,
}

fn new_assignment_page(
    v: &Visitor,
    class: &ClassId,
    title: &str,
    kept: Option<&Fields>,
    error: Option<String>,
) -> axum::response::Response {
    let tr = v.tr();
    let get = |name: &str, default: &str| kept.map_or_else(|| default.to_owned(), |f| f.text(name).to_owned());
    let page = NewAssignmentPage {
        c: Chrome::new(v, tr.ts("new-assignment-title", "class", title)),
        class_id: class.to_string(),
        csrf: v.csrf(),
        once: kept.and_then(|f| f.get(forms::ONCE_FIELD)).map_or_else(OnceTokens::fresh, str::to_owned),
        title: get("title", ""),
        category: get("category", LineItemCategory::Assignment.as_str()),
        categories: [LineItemCategory::Assignment, LineItemCategory::Exam, LineItemCategory::TermGrade]
            .iter()
            .map(|c| (c.as_str().to_owned(), learner::category(&tr, *c)))
            .collect(),
        assigned: get("assigned", ""),
        due: get("due", ""),
        max_score: get("max_score", "100"),
        error: error.clone(),
    };
    render_status(if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

/// The form for a new assignment (a gradebook column).
pub(crate) async fn new_assignment(State(s): State<AppState>, signed: Signed, Path(class): Path<String>) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let summary = s.app.class_summary(&signed.caller(), &class).await.or_page(v)?;
    Ok(new_assignment_page(v, &class, &summary.title, None, None))
}

/// Adds the column, then opens its results form.
pub(crate) async fn create_assignment(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(class): Path<String>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let v = &Visitor { actor: Some(actor.clone()), ..visitor };
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let caller = app::Caller::Person(actor);
    let tr = v.tr();
    let dashboard = format!("/teach/classes/{class}");
    let again = |error: String| {
        let title = f.text("title").to_owned();
        new_assignment_page(v, &class, &title, Some(&f), Some(error))
    };
    let title = f.text("title");
    if title.is_empty() || title.chars().count() > 200 {
        return Ok(again(tr.t("invalid-title")));
    }
    let Ok(category) = LineItemCategory::parse(f.text("category")) else { return Ok(again(tr.t("invalid-form"))) };
    let date = |name: &str| -> Result<Option<Date>, ()> {
        let s = f.text(name);
        if s.is_empty() { Ok(None) } else { Date::parse(s).map(Some).map_err(|_| ()) }
    };
    let (Ok(assigned), Ok(due)) = (date("assigned"), date("due")) else { return Ok(again(tr.t("invalid-date"))) };
    let max_score = match f.text("max_score").parse::<f64>() {
        Ok(m) if m.is_finite() && m > 0.0 && m <= 10_000.0 => m,
        _ => return Ok(again(tr.t("invalid-max-score"))),
    };
    let once = f.text(forms::ONCE_FIELD);
    if !web.once.claim(once, s.app.now()) {
        return Ok(forms::already_done(&dashboard));
    }
    let new = NewLineItem { title: title.to_owned(), category, assigned, due, max_score };
    match s.app.create_line_item(&caller, &class, new).await {
        Ok(item) => Ok(see_other(&with_notice(&format!("{dashboard}/assignments/{}", item.id), "assignment-created"))),
        Err(e) => {
            web.once.release(once);
            match e.as_user() {
                Some(app::UserError::Invalid { .. }) => Ok(again(e.to_string())),
                _ => Err(page::error_page(v, &e)),
            }
        }
    }
}

/// One student's line on the results form.
#[derive(Debug, Clone)]
struct ResultInput {
    id: String,
    name: String,
    score: String,
    grade: String,
    comment: String,
    recorded: bool,
}

#[derive(Template)]
#[template(path = "teacher/results.html")]
struct ResultsFormPage {
    c: Chrome,
    class_id: String,
    item_id: String,
    csrf: String,
    once: String,
    max_score: String,
    max_score_value: f64,
    due: Option<String>,
    rows: Vec<ResultInput>,
    error: Option<String>,
}

fn results_page(
    v: &Visitor,
    summary: &ClassSummary,
    item_idx: usize,
    kept: Option<&Fields>,
    error: Option<String>,
) -> axum::response::Response {
    let tr = v.tr();
    let item = &summary.items[item_idx];
    let rows = summary
        .students
        .iter()
        .map(|st| {
            let kept_value = |name: &str| kept.map(|f| f.text(&format!("{name}:{}", st.id)).to_owned());
            ResultInput {
                id: st.id.to_string(),
                name: st.name.clone(),
                score: kept_value("score").unwrap_or_else(|| {
                    st.scores.get(item_idx).copied().flatten().map(|s| s.to_string()).unwrap_or_default()
                }),
                grade: kept_value("grade").unwrap_or_default(),
                comment: kept_value("comment").unwrap_or_default(),
                recorded: st.done.get(item_idx).copied().unwrap_or(false),
            }
        })
        .collect();
    let page = ResultsFormPage {
        c: Chrome::new(
            v,
            tr.targs(
                "results-form-title",
                &[("item", Arg::Text(item.title.clone())), ("class", Arg::Text(summary.title.clone()))],
            ),
        ),
        class_id: summary.class.to_string(),
        item_id: item.id.to_string(),
        csrf: v.csrf(),
        once: kept.and_then(|f| f.get(forms::ONCE_FIELD)).map_or_else(OnceTokens::fresh, str::to_owned),
        max_score: tr.num(item.max_score, 2),
        max_score_value: item.max_score,
        due: item.due.map(|d| tr.date(d)),
        rows,
        error: error.clone(),
    };
    render_status(if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

fn find_item(v: &Visitor, summary: &ClassSummary, item: &str) -> Result<usize, axum::response::Response> {
    let item: LineItemId = id(v, item)?;
    summary
        .items
        .iter()
        .position(|i| i.id == item)
        .ok_or_else(|| page::error_page(v, &app::UserError::NotFound { what: "line item" }.into()))
}

/// The results form for one column.
pub(crate) async fn results_form(
    State(s): State<AppState>,
    signed: Signed,
    Path((class, item)): Path<(String, String)>,
) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let summary = s.app.class_summary(&signed.caller(), &class).await.or_page(v)?;
    let idx = find_item(v, &summary, &item)?;
    Ok(results_page(v, &summary, idx, None, None))
}

/// Records the results typed in, then goes back to the dashboard.
pub(crate) async fn record_results(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path((class, item)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let v = &Visitor { actor: Some(actor.clone()), ..visitor };
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let caller = app::Caller::Person(actor);
    let summary = s.app.class_summary(&caller, &class).await.or_page(v)?;
    let idx = find_item(v, &summary, &item)?;
    let column = &summary.items[idx];
    let tr = v.tr();
    let mut entries = Vec::new();
    for st in &summary.students {
        let field = |name: &str| f.text(&format!("{name}:{}", st.id)).to_owned();
        let (score, grade, comment) = (field("score"), field("grade"), field("comment"));
        if score.is_empty() && grade.is_empty() && comment.is_empty() {
            continue;
        }
        let score = if score.is_empty() {
            None
        } else {
            match score.replace('，', ".").parse::<f64>() {
                Ok(x) if x.is_finite() && (0.0..=column.max_score).contains(&x) => Some(x),
                _ => {
                    let message = tr.targs(
                        "invalid-score",
                        &[("name", Arg::Text(st.name.clone())), ("max", Arg::Text(tr.num(column.max_score, 2)))],
                    );
                    return Ok(results_page(v, &summary, idx, Some(&f), Some(message)));
                }
            }
        };
        if grade.chars().count() > 20 || comment.chars().count() > 2000 {
            return Ok(results_page(v, &summary, idx, Some(&f), Some(tr.ts("invalid-too-long", "name", &st.name))));
        }
        entries.push(ResultEntry {
            student: st.id.clone(),
            score,
            grade: (!grade.is_empty()).then_some(grade),
            comment: (!comment.is_empty()).then_some(comment),
        });
    }
    let dashboard = format!("/teach/classes/{class}");
    let once = f.text(forms::ONCE_FIELD);
    if !web.once.claim(once, s.app.now()) {
        return Ok(forms::already_done(&dashboard));
    }
    match s.app.record_results(&caller, &column.id, &entries).await {
        Ok(_) => Ok(see_other(&with_notice(&dashboard, "results-saved"))),
        Err(e) => {
            web.once.release(once);
            match e.as_user() {
                Some(app::UserError::Invalid { .. }) => {
                    Ok(results_page(v, &summary, idx, Some(&f), Some(e.to_string())))
                }
                _ => Err(page::error_page(v, &e)),
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Line {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "teacher/student.html")]
struct StudentPage {
    c: Chrome,
    facts: Vec<Line>,
    guardians: Vec<Line>,
    cards: Vec<ClassCard>,
    chart: Option<Svg>,
    rows: Vec<ResultRow>,
    attendance: Vec<AttendanceLine>,
    history: Vec<Line>,
    consents: Vec<Line>,
    mastery: super::practice::MasterySection,
}

/// A student's profile: who they are, their classes, results over time, attendance and history.
pub(crate) async fn student_profile(
    State(s): State<AppState>,
    signed: Signed,
    Path(student): Path<String>,
) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let student: PersonId = id(v, &student)?;
    let tr = v.tr();
    let record = s.app.student_record(&signed.caller(), &student).await.or_page(v)?;
    let classes = s.app.learner_classes(&signed.caller(), &student).await.or_page(v)?;
    let name = person_name(&record.person);
    let mut facts = vec![Line { label: tr.t("name"), value: name.clone() }];
    if let Some(i) = &record.person.identifier {
        facts.push(Line { label: tr.t("student-number"), value: i.clone() });
    }
    if !record.person.grades.is_empty() {
        facts.push(Line { label: tr.t("grade"), value: record.person.grades.join(", ") });
    }
    if let Some(b) = record.person.birth_date {
        facts.push(Line { label: tr.t("birth-date"), value: tr.date(b) });
    }
    if let Some(n) = &record.national_student_id_masked {
        facts.push(Line { label: tr.t("national-id"), value: n.clone() });
    }
    let guardians =
        record.guardians.iter().map(|(p, rel)| Line { label: person_name(p), value: rel.clone() }).collect();
    let points = learner::result_points(&tr, &record.results, &classes);
    let only: Vec<charts::TimePoint> = points.iter().map(|(p, _)| p.clone()).collect();
    let chart = (!only.is_empty()).then(|| {
        charts::results_over_time(&tr, "results", &tr.ts("chart-student-results-title", "name", &name), &only)
    });
    let rows = points
        .iter()
        .rev()
        .map(|(p, class)| ResultRow {
            when: p.when.clone(),
            class: class.clone(),
            title: p.label.clone(),
            pct: tr.pct(p.fraction),
        })
        .collect();
    let history = record
        .admin_records
        .iter()
        .map(|r| Line {
            label: format!("{} · {}", tr.date(r.date), tr.t(&format!("admin-record-{}", r.kind.as_str()))),
            value: r.detail.clone(),
        })
        .collect();
    let consents = super::family::consent_states(&tr, &record.consents)
        .into_iter()
        .map(|c| Line { label: c.purpose, value: c.state })
        .collect();
    let page = StudentPage {
        c: Chrome::new(v, name),
        facts,
        guardians,
        cards: learner::class_cards(&tr, &classes, s.app.today()),
        chart,
        rows,
        attendance: learner::attendance_lines(&tr, &record.attendance),
        history,
        consents,
        mastery: super::practice::mastery_section(&s, &signed, &student).await?,
    };
    Ok(render(&page))
}
