//! The learner's coursework pages: my classes with progress, and my results over time.

use askama::Template;
use records::LineItemCategory;
use store::views::LearnerClass;

use super::charts::{self, Svg, TimePoint};
use super::i18n::Tr;
use super::page::{Chrome, OrPage, PageResult, Signed, render};
use crate::AppState;
use axum::extract::State;

/// One column of a class as the learner sees it.
#[derive(Debug, Clone)]
pub(crate) struct ItemRow {
    pub(crate) title: String,
    pub(crate) category: String,
    pub(crate) due: Option<String>,
    pub(crate) result: String,
    /// `done`, `missing` (past due, nothing recorded) or `open`.
    pub(crate) state: &'static str,
    pub(crate) state_label: String,
}

/// One class with the learner's progress in it.
#[derive(Debug, Clone)]
pub(crate) struct ClassCard {
    pub(crate) title: String,
    pub(crate) course: String,
    pub(crate) teachers: String,
    pub(crate) done: usize,
    pub(crate) total: usize,
    pub(crate) mean: Option<String>,
    pub(crate) attendance: Option<String>,
    pub(crate) missing: usize,
    pub(crate) items: Vec<ItemRow>,
}

pub(crate) fn category(tr: &Tr, c: LineItemCategory) -> String {
    tr.t(&format!("category-{}", c.as_str()))
}

/// The learner's classes as cards (shared with the guardian's and teacher's views of a student).
pub(crate) fn class_cards(tr: &Tr, classes: &[LearnerClass], today: base::Date) -> Vec<ClassCard> {
    classes
        .iter()
        .map(|k| {
            let items: Vec<ItemRow> = k
                .items
                .iter()
                .map(|i| {
                    let result = match (i.score, &i.grade) {
                        (Some(s), Some(g)) => {
                            format!("{} / {} ({}) · {g}", tr.num(s, 1), tr.num(i.max_score, 1), tr.pct(s / i.max_score))
                        }
                        (Some(s), None) => {
                            format!("{} / {} ({})", tr.num(s, 1), tr.num(i.max_score, 1), tr.pct(s / i.max_score))
                        }
                        (None, Some(g)) => g.clone(),
                        (None, None) => "—".to_owned(),
                    };
                    let state = if i.done {
                        "done"
                    } else if i.due.is_some_and(|d| d < today) {
                        "missing"
                    } else {
                        "open"
                    };
                    ItemRow {
                        title: i.title.clone(),
                        category: category(tr, i.category),
                        due: i.due.map(|d| tr.date(d)),
                        result,
                        state,
                        state_label: tr.t(&format!("state-{state}")),
                    }
                })
                .collect();
            let scored: Vec<f64> = k.items.iter().filter_map(|i| i.score.map(|s| s / i.max_score)).collect();
            let mean = (!scored.is_empty()).then(|| tr.pct(scored.iter().sum::<f64>() / scored.len() as f64));
            let attendance = (k.attendance_days > 0).then(|| tr.pct(k.attended_days as f64 / k.attendance_days as f64));
            ClassCard {
                title: k.title.clone(),
                course: k.course_title.clone(),
                teachers: k.teachers.join(", "),
                done: k.items.iter().filter(|i| i.done).count(),
                total: k.items.len(),
                mean,
                attendance,
                missing: items.iter().filter(|i| i.state == "missing").count(),
                items,
            }
        })
        .collect()
}

/// The learner's results as points in time, oldest first, with the column titles.
pub(crate) fn result_points(
    tr: &Tr,
    results: &[records::ResultRecord],
    classes: &[LearnerClass],
) -> Vec<(TimePoint, String)> {
    let mut rows: Vec<(base::Timestamp, TimePoint, String)> = results
        .iter()
        .filter_map(|r| {
            let item =
                classes.iter().flat_map(|k| k.items.iter().map(move |i| (k, i))).find(|(_, i)| i.id == r.line_item);
            let (class, item) = item?;
            let score = r.score?.value();
            Some((
                r.recorded_at,
                TimePoint {
                    label: item.title.clone(),
                    when: tr.short_date(r.recorded_at.date_utc()),
                    fraction: score / item.max_score,
                },
                class.title.clone(),
            ))
        })
        .collect();
    rows.sort_by_key(|(at, ..)| *at);
    rows.into_iter().map(|(_, p, class)| (p, class)).collect()
}

#[derive(Template)]
#[template(path = "learner/classes.html")]
struct ClassesPage {
    c: Chrome,
    cards: Vec<ClassCard>,
    quizzes: Vec<super::assess::QuizLink>,
}

/// My classes, each with progress, results and attendance.
pub(crate) async fn classes(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let classes = s.app.learner_classes(&signed.caller(), signed.actor.person()).await.or_page(v)?;
    let cards = class_cards(&tr, &classes, s.app.today());
    let quizzes = super::assess::quizzes_of(&s, &signed).await;
    Ok(render(&ClassesPage { c: Chrome::new(v, tr.t("learn-title")), cards, quizzes }))
}

/// One row of the results table.
#[derive(Debug, Clone)]
pub(crate) struct ResultRow {
    pub(crate) when: String,
    pub(crate) class: String,
    pub(crate) title: String,
    pub(crate) pct: String,
}

/// Attendance counted by status.
#[derive(Debug, Clone)]
pub(crate) struct AttendanceLine {
    pub(crate) label: String,
    pub(crate) n: usize,
}

pub(crate) fn attendance_lines(tr: &Tr, attendance: &[records::AttendanceRecord]) -> Vec<AttendanceLine> {
    records::AttendanceStatus::ALL
        .iter()
        .map(|s| AttendanceLine {
            label: tr.t(&format!("attendance-{}", s.as_str())),
            n: attendance.iter().filter(|a| a.status == *s).count(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "learner/results.html")]
struct ResultsPage {
    c: Chrome,
    chart: Option<Svg>,
    rows: Vec<ResultRow>,
    attendance: Vec<AttendanceLine>,
}

/// My results over time, and my attendance.
pub(crate) async fn results(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let me = signed.actor.person().clone();
    let record = s.app.student_record(&signed.caller(), &me).await.or_page(v)?;
    let classes = s.app.learner_classes(&signed.caller(), &me).await.or_page(v)?;
    let points = result_points(&tr, &record.results, &classes);
    let only: Vec<TimePoint> = points.iter().map(|(p, _)| p.clone()).collect();
    let chart =
        (!only.is_empty()).then(|| charts::results_over_time(&tr, "results", &tr.t("chart-results-title"), &only));
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
    let page = ResultsPage {
        c: Chrome::new(v, tr.t("results-title")),
        chart,
        rows,
        attendance: attendance_lines(&tr, &record.attendance),
    };
    Ok(render(&page))
}
