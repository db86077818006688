//! The item analysis of an assignment for its teachers: a table per question and a chart of
//! difficulty against discrimination.

use app::assessment::{AssignmentAnalysis, ItemFlag};
use askama::Template;
use axum::extract::{Path, State};

use super::charts::{self, ItemPoint, Svg};
use super::i18n::{Arg, Tr};
use super::page::{Chrome, OrPage, PageResult, Signed, render};
use super::teacher::{TEACHING, require};
use crate::AppState;

/// One question's line of the table.
#[derive(Debug, Clone)]
struct ItemLine {
    number: String,
    title: String,
    kind: String,
    difficulty: String,
    discrimination: String,
    alpha_without: String,
    blank: String,
    /// Choice items: each option's share, key marked.
    options: Vec<String>,
    flags: Vec<String>,
}

#[derive(Template)]
#[template(path = "teacher/analysis.html")]
struct AnalysisPage {
    c: Chrome,
    queue_href: String,
    /// `None` when nobody has handed in yet.
    summary: Option<String>,
    reliability: String,
    unscored: Option<String>,
    chart: Option<Svg>,
    rows: Vec<ItemLine>,
}

/// A statistic with two decimals, or a dash when it is undefined (too few students, no spread).
fn stat(tr: &Tr, x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| tr.num(x, 2))
}

/// A reason to look at a question, in the reader's language.
pub(crate) fn flag_words(tr: &Tr, flag: &ItemFlag) -> String {
    let two = |x: f64| Arg::Text(tr.num(x, 2));
    match flag {
        ItemFlag::TooHard { difficulty } => tr.targs("flag-too-hard", &[("p", two(*difficulty))]),
        ItemFlag::TooEasy { difficulty } => tr.targs("flag-too-easy", &[("p", two(*difficulty))]),
        ItemFlag::LowDiscrimination { discrimination } => {
            tr.targs("flag-low-discrimination", &[("d", two(*discrimination))])
        }
        ItemFlag::NegativeDiscrimination { discrimination } => {
            tr.targs("flag-negative-discrimination", &[("d", two(*discrimination))])
        }
        ItemFlag::NoVariance => tr.t("flag-no-variance"),
        ItemFlag::ManyBlanks { fraction } => tr.ts("flag-many-blanks", "share", &tr.pct(*fraction)),
        ItemFlag::DistractorAttractsStrong { option } => tr.ts("flag-distractor-strong", "option", option),
        ItemFlag::DistractorNeverChosen { option } => tr.ts("flag-distractor-never", "option", option),
        ItemFlag::AlphaRisesWithoutItem { alpha_without } => {
            tr.targs("flag-alpha-rises", &[("alpha", two(*alpha_without))])
        }
    }
}

fn lines(tr: &Tr, analysis: &AssignmentAnalysis, titles: &[(usize, String)]) -> Vec<ItemLine> {
    analysis
        .items
        .iter()
        .map(|i| {
            let title = titles.iter().find(|(k, _)| *k == i.index).map(|(_, t)| t.clone()).unwrap_or_default();
            let options = i
                .options
                .iter()
                .map(|o| {
                    let option = match o.option.as_str() {
                        "true" => tr.t("true"),
                        "false" => tr.t("false"),
                        other => other.to_owned(),
                    };
                    let key = if o.is_key { format!(" ({})", tr.t("analysis-key")) } else { String::new() };
                    format!("{option}{key}: {} · {}", tr.num(o.count as f64, 0), tr.pct(o.proportion))
                })
                .collect();
            ItemLine {
                number: tr.tn("item-n", "n", i.index as f64 + 1.0),
                title,
                kind: tr.t(&format!("kind-{}", i.kind.as_str())),
                difficulty: stat(tr, i.difficulty),
                discrimination: stat(tr, i.discrimination),
                alpha_without: stat(tr, i.alpha_if_deleted),
                blank: tr.num(i.n_blank as f64, 0),
                options,
                flags: i.reasons.iter().map(|f| flag_words(tr, f)).collect(),
            }
        })
        .collect()
}

/// An assignment's item analysis: how hard each question was, how well it told stronger from
/// weaker students, how its options were chosen, and the test's reliability.
pub(crate) async fn analysis(State(s): State<AppState>, signed: Signed, Path(quiz): Path<String>) -> PageResult {
    let v = &signed.visitor;
    require(v, &TEACHING)?;
    let tr = v.tr();
    let caller = signed.caller();
    // The analysis is authorised first (the class's teachers): the detail alone is open to more.
    let analysis = match s.app.item_analysis(&caller, &quiz).await {
        Ok(a) => Some(a),
        Err(e) if matches!(e.as_user(), Some(app::UserError::Conflict(_))) => None,
        Err(e) => return Err(super::page::error_page(v, &e)),
    };
    let detail = s.app.assignment_detail(&caller, &quiz).await.or_page(v)?;
    let titles: Vec<(usize, String)> = detail.items.iter().map(|i| (i.index, i.content.title.clone())).collect();
    let c = Chrome::new(v, tr.ts("analysis-title", "title", &detail.summary.title));
    let queue_href = format!("/teach/quizzes/{quiz}");
    let page = match analysis {
        None => AnalysisPage {
            c,
            queue_href,
            summary: None,
            reliability: String::new(),
            unscored: None,
            chart: None,
            rows: Vec::new(),
        },
        Some(a) => {
            let points: Vec<ItemPoint> = a
                .items
                .iter()
                .map(|i| ItemPoint {
                    label: tr.tn("item-n", "n", i.index as f64 + 1.0),
                    short: (i.index + 1).to_string(),
                    difficulty: i.difficulty,
                    discrimination: i.discrimination,
                    flagged: !i.reasons.is_empty(),
                })
                .collect();
            let chart = charts::item_scatter(&tr, "analysis-chart", &tr.t("chart-analysis-title"), &points);
            AnalysisPage {
                c,
                queue_href,
                summary: Some(tr.targs(
                    "analysis-summary",
                    &[
                        ("students", Arg::Num(a.n_students as f64)),
                        ("mean", Arg::Text(stat(&tr, a.mean_total))),
                        ("sd", Arg::Text(stat(&tr, a.sd_total))),
                        ("max", Arg::Text(tr.num(detail.summary.max_points, 2))),
                    ],
                )),
                reliability: tr.targs(
                    "analysis-reliability",
                    &[("kr20", Arg::Text(stat(&tr, a.kr20))), ("alpha", Arg::Text(stat(&tr, a.cronbach_alpha)))],
                ),
                unscored: (a.n_unscored > 0).then(|| tr.tn("analysis-unscored", "n", a.n_unscored)),
                chart: Some(chart),
                rows: lines(&tr, &a, &titles),
            }
        }
    };
    Ok(render(&page))
}
