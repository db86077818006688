//! Assignments from the item bank: the teacher's builder and grading queue (accept, override,
//! release), and the student's answer sheet.

use std::sync::Arc;

use app::assessment::{AcceptRequest, BankFilter, GradeStatus, ItemKind, StudentResponse};
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base::{ClassId, Date, PageRequest, Timestamp};

use super::WebState;
use super::forms::{self, Fields, OnceTokens};
use super::i18n::Tr;
use super::page::{
    self, Chrome, OrPage, PageResult, Signed, Visitor, error_page, id, render, render_status, see_other, with_notice,
};
use super::teacher::{TEACHING, require};
use crate::AppState;

/// Bank items shown on the builder at once.
const BANK_PAGE: u32 = 40;

/// The end of a due date (23:59:59.999 UTC that day).
fn end_of(d: Date) -> Timestamp {
    let days = Date::from_ymd(1970, 1, 1).map_or(0, |epoch| epoch.days_until(d));
    Timestamp::from_millis(days * 86_400_000 + 86_399_999)
}

fn kind_label(tr: &Tr, k: ItemKind) -> String {
    tr.t(&format!("kind-{}", k.as_str()))
}

fn points(tr: &Tr, p: f64) -> String {
    tr.num(p, 2)
}

/// A response in words, as the grading queue shows it.
fn response_text(r: &StudentResponse) -> String {
    match r {
        StudentResponse::Choice { selected } => selected.join(", "),
        StudentResponse::TrueFalse { value } => if *value { "✓" } else { "✗" }.to_owned(),
        StudentResponse::Text { text } => text.clone(),
        StudentResponse::Blanks { blanks } => blanks.join(" | "),
        StudentResponse::Order { order } => order.join(" → "),
        StudentResponse::Pairs { pairs } => {
            pairs.iter().map(|(a, b)| format!("{a}–{b}")).collect::<Vec<_>>().join(", ")
        }
    }
}

#[derive(Debug, Clone)]
struct BankRow {
    id: String,
    title: String,
    prompt: String,
    kind: String,
    points: String,
}

#[derive(Template)]
#[template(path = "teacher/quiz_new.html")]
struct BuilderPage {
    c: Chrome,
    class_id: String,
    csrf: String,
    once: String,
    text: String,
    title: String,
    due: String,
    chosen: Vec<String>,
    rows: Vec<BankRow>,
    error: Option<String>,
}

async fn builder_page(
    s: &AppState,
    signed: &Signed,
    class: &ClassId,
    kept: Option<&Fields>,
    error: Option<String>,
) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let text = kept.map_or_else(|| v.query("text").unwrap_or_default(), |f| f.text("text").to_owned());
    let filter =
        BankFilter { text: (!text.trim().is_empty()).then(|| text.trim().to_owned()), ..BankFilter::default() };
    let found =
        s.app.search_bank(&signed.caller(), &filter, &PageRequest::new(Some(BANK_PAGE), None)).await.or_page(v)?;
    let rows = found
        .items
        .iter()
        .map(|i| BankRow {
            id: i.item_id.clone(),
            title: i.title.clone(),
            prompt: i.prompt.clone().unwrap_or_default(),
            kind: kind_label(&tr, i.kind),
            points: points(&tr, i.max_points),
        })
        .collect();
    let chosen =
        kept.map_or_else(Vec::new, |f| f.pairs().iter().filter(|(k, _)| k == "item").map(|(_, v)| v.clone()).collect());
    let page = BuilderPage {
        c: Chrome::new(v, tr.t("quiz-new-title")),
        class_id: class.to_string(),
        csrf: v.csrf(),
        once: OnceTokens::fresh(),
        text,
        title: kept.map_or_else(String::new, |f| f.text("title").to_owned()),
        due: kept.map_or_else(String::new, |f| f.text("due").to_owned()),
        chosen,
        rows,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, &page))
}

/// The assignment builder: pick items from the bank (with a text filter), a title and a due date.
pub(crate) async fn builder(State(s): State<AppState>, signed: Signed, Path(class): Path<String>) -> PageResult {
    require(&signed.visitor, &TEACHING)?;
    let class: ClassId = id(&signed.visitor, &class)?;
    builder_page(&s, &signed, &class, None, None).await
}

/// Creates the assignment, then opens its grading page.
pub(crate) async fn create(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(class): Path<String>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let signed = Signed { visitor: Visitor { actor: Some(actor.clone()), ..visitor }, actor };
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let tr = v.tr();
    let items: Vec<String> = f.pairs().iter().filter(|(k, _)| k == "item").map(|(_, v)| v.clone()).collect();
    let title = f.text("title").to_owned();
    if title.is_empty() {
        return builder_page(&s, &signed, &class, Some(&f), Some(tr.t("quiz-needs-title"))).await;
    }
    if items.is_empty() {
        return builder_page(&s, &signed, &class, Some(&f), Some(tr.t("quiz-needs-items"))).await;
    }
    let due = match f.text("due") {
        "" => None,
        d => match Date::parse(d) {
            Ok(d) => Some(end_of(d)),
            Err(_) => return builder_page(&s, &signed, &class, Some(&f), Some(tr.t("invalid-date"))).await,
        },
    };
    let once = f.text(forms::ONCE_FIELD);
    if !web.once.claim(once, s.app.now()) {
        return Ok(forms::already_done(&format!("/teach/classes/{class}/grading")));
    }
    let new = app::assessment::NewAssignment { class: class.clone(), title, items, due };
    match s.app.create_assignment(&signed.caller(), &new).await {
        Ok(a) => Ok(see_other(&with_notice(&format!("/teach/quizzes/{}", a.id), "assignment-created"))),
        Err(e) => {
            web.once.release(once);
            match e.as_user() {
                Some(app::UserError::Invalid { .. }) => {
                    builder_page(&s, &signed, &class, Some(&f), Some(e.to_string())).await
                }
                _ => Err(error_page(v, &e)),
            }
        }
    }
}

#[derive(Debug, Clone)]
struct QuizLine {
    href: String,
    title: String,
    due: String,
    items: String,
    students: String,
    needs_teacher: String,
    released: String,
}

#[derive(Template)]
#[template(path = "teacher/grading.html")]
struct GradingListPage {
    c: Chrome,
    class_id: String,
    class_title: String,
    quizzes: Vec<QuizLine>,
}

/// The class's assignments from the bank and how far their grading has come.
pub(crate) async fn grading_list(State(s): State<AppState>, signed: Signed, Path(class): Path<String>) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let class: ClassId = id(v, &class)?;
    let tr = v.tr();
    let summary = s.app.class_summary(&signed.caller(), &class).await.or_page(v)?;
    let list = s.app.class_assignments(&signed.caller(), &class).await.or_page(v)?;
    let quizzes = list
        .iter()
        .map(|a| QuizLine {
            href: format!("/teach/quizzes/{}", a.id),
            title: a.title.clone(),
            due: a.due.map(|d| tr.when(d)).unwrap_or_else(|| "—".to_owned()),
            items: tr.num(a.n_items as f64, 0),
            students: tr.num(a.counts.students as f64, 0),
            needs_teacher: tr.num(a.counts.needs_teacher as f64, 0),
            released: tr.num(a.counts.released as f64, 0),
        })
        .collect();
    let page = GradingListPage {
        c: Chrome::new(v, tr.ts("grading-title", "class", &summary.title)),
        class_id: class.to_string(),
        class_title: summary.title.clone(),
        quizzes,
    };
    Ok(render(&page))
}

#[derive(Debug, Clone)]
struct QueueRow {
    submission: String,
    student: String,
    item: String,
    response: String,
    points: String,
    max: String,
    max_value: String,
    confidence: String,
    status: String,
    flagged: bool,
}

#[derive(Template)]
#[template(path = "teacher/queue.html")]
struct QueuePage {
    c: Chrome,
    quiz_id: String,
    class_href: String,
    csrf: String,
    once: String,
    counts: String,
    rows: Vec<QueueRow>,
    error: Option<String>,
}

async fn queue_page(s: &AppState, signed: &Signed, quiz: &str, error: Option<String>) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let queue = s.app.grading_queue(&signed.caller(), quiz, false).await.or_page(v)?;
    let rows = queue
        .rows
        .iter()
        .map(|r| QueueRow {
            submission: r.submission_id.clone(),
            student: r.student_name.clone(),
            item: tr.tn("item-n", "n", r.item_index as f64 + 1.0),
            response: response_text(&r.response),
            points: r.points.map(|p| points(&tr, p)).unwrap_or_else(|| "—".to_owned()),
            max: points(&tr, r.max_points),
            max_value: r.max_points.to_string(),
            // Without a machine grade there is no confidence to show, only the teacher's work.
            confidence: if r.machine.points.is_some() { tr.pct(r.machine.confidence) } else { "—".to_owned() },
            status: tr.t(&format!("grade-status-{}", r.status.as_str())),
            flagged: r.status == GradeStatus::Suggested && r.machine.needs_teacher,
        })
        .collect();
    let c = &queue.summary.counts;
    let counts = tr.targs(
        "queue-counts",
        &[
            ("students", super::i18n::Arg::Num(c.students as f64)),
            ("flagged", super::i18n::Arg::Num(c.needs_teacher as f64)),
            ("released", super::i18n::Arg::Num(c.released as f64)),
            ("submissions", super::i18n::Arg::Num(c.submissions as f64)),
        ],
    );
    let page = QueuePage {
        c: Chrome::new(v, queue.summary.title.clone()),
        quiz_id: quiz.to_owned(),
        class_href: format!("/teach/classes/{}/grading", queue.summary.class),
        csrf: v.csrf(),
        once: OnceTokens::fresh(),
        counts,
        rows,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, &page))
}

/// One assignment's grading queue: suggestions to accept or override, then release.
pub(crate) async fn queue(State(s): State<AppState>, signed: Signed, Path(quiz): Path<String>) -> PageResult {
    require(&signed.visitor, &TEACHING)?;
    queue_page(&s, &signed, &quiz, None).await
}

/// Accept all suggestions, override one grade, or release: one post handler, by `action`.
pub(crate) async fn decide(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(quiz): Path<String>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let signed = Signed { visitor: Visitor { actor: Some(actor.clone()), ..visitor }, actor };
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let tr = v.tr();
    let here = format!("/teach/quizzes/{quiz}");
    let once = f.text(forms::ONCE_FIELD);
    let caller = signed.caller();
    let result = match f.text("action") {
        "accept" => {
            let request = AcceptRequest { submissions: None, item: None, min_confidence: 0.0 };
            s.app.accept_grades(&caller, &quiz, &request).await.map(|_| "grades-accepted")
        }
        "release" => s.app.release_grades(&caller, &quiz, None).await.map(|_| "grades-released"),
        "override" => {
            let Ok(p) = f.text("points").replace('，', ".").parse::<f64>() else {
                return queue_page(&s, &signed, &quiz, Some(tr.t("invalid-points"))).await;
            };
            let note = Some(f.text("note").to_owned()).filter(|n| !n.is_empty());
            if !web.once.claim(once, s.app.now()) {
                return Ok(forms::already_done(&here));
            }
            let r =
                s.app.override_grade(&caller, &quiz, f.text("submission"), p, note).await.map(|()| "grade-overridden");
            if r.is_err() {
                web.once.release(once);
            }
            return match r {
                Ok(n) => Ok(see_other(&with_notice(&here, n))),
                Err(e) if matches!(e.as_user(), Some(app::UserError::Invalid { .. } | app::UserError::Conflict(_))) => {
                    queue_page(&s, &signed, &quiz, Some(e.to_string())).await
                }
                Err(e) => Err(error_page(v, &e)),
            };
        }
        _ => return Err(page::error_with(v, StatusCode::UNPROCESSABLE_ENTITY, tr.t("error-invalid"), None)),
    };
    // Accepting and releasing twice changes nothing the second time, so they need no one-time token.
    match result {
        Ok(notice) => Ok(see_other(&with_notice(&here, notice))),
        Err(e) if matches!(e.as_user(), Some(app::UserError::Invalid { .. } | app::UserError::Conflict(_))) => {
            queue_page(&s, &signed, &quiz, Some(e.to_string())).await
        }
        Err(e) => Err(error_page(v, &e)),
    }
}

/// One question of a student's answer sheet.
#[derive(Debug, Clone)]
struct SheetItem {
    /// The form field (`a:<item id>`).
    field: String,
    number: usize,
    title: String,
    prompt: String,
    /// `choice`, `multi`, `truefalse`, `blanks`, `order`, `match`, `long` or `text`.
    input: &'static str,
    options: Vec<(String, String, bool)>,
    /// Matching targets, and ordering positions as (value, label).
    targets: Vec<(String, String)>,
    /// Ordering and matching: each option's text and its chosen position or target.
    pick_rows: Vec<(String, String)>,
    /// Typed answers: the text, or the blanks.
    texts: Vec<String>,
    truth: Option<bool>,
    result: Option<String>,
    feedback: Vec<String>,
}

#[derive(Template)]
#[template(path = "learner/quiz.html")]
struct SheetPage {
    c: Chrome,
    quiz_id: String,
    csrf: String,
    once: String,
    due: String,
    open: bool,
    total: Option<String>,
    items: Vec<SheetItem>,
    error: Option<String>,
}

fn sheet_item(tr: &Tr, i: &app::assessment::StudentItem, kept: Option<&Fields>) -> SheetItem {
    let field = format!("a:{}", i.item_id);
    let saved = i.submission.as_ref().map(|s| &s.response);
    let kept_values: Option<Vec<String>> = kept.map(|f| {
        f.pairs()
            .iter()
            .filter(|(k, _)| k == &field || k.starts_with(&format!("{field}:")))
            .map(|(_, v)| v.clone())
            .collect()
    });
    let input = match i.content.kind {
        ItemKind::SingleChoice => "choice",
        ItemKind::MultipleChoice => "multi",
        ItemKind::TrueFalse => "truefalse",
        ItemKind::FillIn => "blanks",
        ItemKind::Ordering => "order",
        ItemKind::Matching => "match",
        ItemKind::FreeText => "long",
        ItemKind::Numeric | ItemKind::Math => "text",
    };
    let selected: Vec<String> = match (saved, &kept_values) {
        (_, Some(k)) => k.clone(),
        (Some(StudentResponse::Choice { selected }), None) => selected.clone(),
        _ => Vec::new(),
    };
    let options =
        i.content.options.iter().map(|(id, text)| (id.clone(), text.clone(), selected.contains(id))).collect();
    let n = i.content.options.len();
    let (targets, picked) = match i.content.kind {
        ItemKind::Ordering => {
            let positions = (1..=n).map(|p| (p.to_string(), p.to_string())).collect();
            let picked = match saved {
                Some(StudentResponse::Order { order }) => i
                    .content
                    .options
                    .iter()
                    .map(|(id, _)| order.iter().position(|o| o == id).map(|p| (p + 1).to_string()).unwrap_or_default())
                    .collect(),
                _ => vec![String::new(); n],
            };
            (positions, picked)
        }
        ItemKind::Matching => {
            let picked = match saved {
                Some(StudentResponse::Pairs { pairs }) => i
                    .content
                    .options
                    .iter()
                    .map(|(id, _)| pairs.iter().find(|(s, _)| s == id).map(|(_, t)| t.clone()).unwrap_or_default())
                    .collect(),
                _ => vec![String::new(); n],
            };
            (i.content.targets.clone(), picked)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let texts = match (saved, &kept_values, i.content.kind) {
        (_, Some(k), ItemKind::FillIn) => k.clone(),
        (Some(StudentResponse::Blanks { blanks }), None, _) => blanks.clone(),
        (_, None, ItemKind::FillIn) => vec![String::new(); i.content.n_blanks.max(1)],
        (_, Some(k), _) => vec![k.first().cloned().unwrap_or_default()],
        (Some(StudentResponse::Text { text }), None, _) => vec![text.clone()],
        _ => vec![String::new()],
    };
    let truth = match saved {
        Some(StudentResponse::TrueFalse { value }) => Some(*value),
        _ => None,
    };
    let result = i.submission.as_ref().and_then(|s| s.released_points).map(|p| {
        tr.targs(
            "quiz-points",
            &[
                ("points", super::i18n::Arg::Text(points(tr, p))),
                ("max", super::i18n::Arg::Text(points(tr, i.content.max_points))),
            ],
        )
    });
    SheetItem {
        field,
        number: i.index + 1,
        title: i.content.title.clone(),
        prompt: i.content.prompt.clone().unwrap_or_default(),
        input,
        options,
        targets,
        pick_rows: i.content.options.iter().map(|(_, t)| t.clone()).zip(picked).collect(),
        texts,
        truth,
        result,
        feedback: i.submission.as_ref().map(|s| s.feedback.clone()).unwrap_or_default(),
    }
}

async fn sheet_page(
    s: &AppState,
    signed: &Signed,
    quiz: &str,
    kept: Option<&Fields>,
    error: Option<String>,
) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let sheet = s.app.student_assignment(&signed.caller(), quiz, signed.actor.person()).await.or_page(v)?;
    let page = SheetPage {
        c: Chrome::new(v, sheet.summary.title.clone()),
        quiz_id: quiz.to_owned(),
        csrf: v.csrf(),
        once: OnceTokens::fresh(),
        due: sheet.summary.due.map(|d| tr.ts("due-on", "date", &tr.when(d))).unwrap_or_default(),
        open: sheet.open,
        total: sheet.released_total.map(|t| {
            tr.targs(
                "quiz-points",
                &[
                    ("points", super::i18n::Arg::Text(points(&tr, t))),
                    ("max", super::i18n::Arg::Text(points(&tr, sheet.summary.max_points))),
                ],
            )
        }),
        items: sheet.items.iter().map(|i| sheet_item(&tr, i, kept)).collect(),
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, &page))
}

/// A student's answer sheet: the questions, their answers so far, and released grades.
pub(crate) async fn sheet(State(s): State<AppState>, signed: Signed, Path(quiz): Path<String>) -> PageResult {
    sheet_page(&s, &signed, &quiz, None, None).await
}

/// The answers on the sheet as responses; unanswered questions are left out.
fn answers_of(items: &[app::assessment::StudentItem], f: &Fields) -> Vec<(String, StudentResponse)> {
    let mut out = Vec::new();
    for i in items {
        let field = format!("a:{}", i.item_id);
        let values: Vec<&str> = f.pairs().iter().filter(|(k, _)| *k == field).map(|(_, v)| v.trim()).collect();
        let nonempty: Vec<String> = values.iter().filter(|v| !v.is_empty()).map(|v| (*v).to_owned()).collect();
        let sub = |n: usize| f.text(&format!("{field}:{n}")).to_owned();
        let response = match i.content.kind {
            ItemKind::SingleChoice | ItemKind::MultipleChoice if !nonempty.is_empty() => {
                Some(StudentResponse::Choice { selected: nonempty })
            }
            ItemKind::TrueFalse => match nonempty.first().map(String::as_str) {
                Some("true") => Some(StudentResponse::TrueFalse { value: true }),
                Some("false") => Some(StudentResponse::TrueFalse { value: false }),
                _ => None,
            },
            ItemKind::FillIn => {
                let blanks: Vec<String> = (0..i.content.n_blanks.max(1)).map(sub).collect();
                blanks.iter().any(|b| !b.is_empty()).then_some(StudentResponse::Blanks { blanks })
            }
            ItemKind::Ordering => {
                let mut placed: Vec<(usize, String)> = i
                    .content
                    .options
                    .iter()
                    .enumerate()
                    .filter_map(|(n, (id, _))| sub(n).parse::<usize>().ok().map(|p| (p, id.clone())))
                    .collect();
                placed.sort();
                (placed.len() == i.content.options.len())
                    .then(|| StudentResponse::Order { order: placed.into_iter().map(|(_, id)| id).collect() })
            }
            ItemKind::Matching => {
                let pairs: Vec<(String, String)> = i
                    .content
                    .options
                    .iter()
                    .enumerate()
                    .filter_map(|(n, (id, _))| Some(sub(n)).filter(|t| !t.is_empty()).map(|t| (id.clone(), t)))
                    .collect();
                (!pairs.is_empty()).then_some(StudentResponse::Pairs { pairs })
            }
            ItemKind::Numeric | ItemKind::Math | ItemKind::FreeText => {
                nonempty.first().map(|t| StudentResponse::Text { text: t.clone() })
            }
            ItemKind::SingleChoice | ItemKind::MultipleChoice => None,
        };
        if let Some(r) = response {
            out.push((i.item_id.clone(), r));
        }
    }
    out
}

/// Hands the answers in (all or some); a repeat of the same answers changes nothing.
pub(crate) async fn hand_in(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(quiz): Path<String>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let signed = Signed { visitor: Visitor { actor: Some(actor.clone()), ..visitor }, actor };
    let v = &signed.visitor;
    let tr = v.tr();
    let here = format!("/learn/quizzes/{quiz}");
    let sheet = s.app.student_assignment(&signed.caller(), &quiz, signed.actor.person()).await.or_page(v)?;
    let answers = answers_of(&sheet.items, &f);
    if answers.is_empty() {
        return sheet_page(&s, &signed, &quiz, Some(&f), Some(tr.t("quiz-no-answers"))).await;
    }
    let once = f.text(forms::ONCE_FIELD);
    if !web.once.claim(once, s.app.now()) {
        return Ok(forms::already_done(&here));
    }
    match s.app.submit(&signed.caller(), &quiz, signed.actor.person(), &answers).await {
        Ok(_) => Ok(see_other(&with_notice(&here, "handed-in"))),
        Err(e) => {
            web.once.release(once);
            match e.as_user() {
                Some(app::UserError::Invalid { .. } | app::UserError::Conflict(_)) => {
                    sheet_page(&s, &signed, &quiz, Some(&f), Some(e.to_string())).await
                }
                _ => Err(error_page(v, &e)),
            }
        }
    }
}

/// A student's assignments from the bank, for the classes page.
#[derive(Debug, Clone)]
pub(crate) struct QuizLink {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) due: String,
}

/// The learner's assignments (empty when there are none or they cannot be read).
pub(crate) async fn quizzes_of(s: &AppState, signed: &Signed) -> Vec<QuizLink> {
    let tr = signed.visitor.tr();
    match s.app.student_assignments(&signed.caller(), signed.actor.person()).await {
        Ok(list) => list
            .iter()
            .map(|a| QuizLink {
                href: format!("/learn/quizzes/{}", a.id),
                title: a.title.clone(),
                due: a.due.map(|d| tr.ts("due-on", "date", &tr.when(d))).unwrap_or_default(),
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "listing a learner's assignments failed");
            Vec::new()
        }
    }
}
