//! The learner's adaptive pages: today's practice with immediate feedback, my mastery map and my reviews.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use app::learning::{AnswerResult, KpNames, MasteryRow, PracticeItem};
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base::PersonId;
use learning::learner::MasteryStatus;

use super::WebState;
use super::charts::{self, Svg, Tile};
use super::forms::{self, OnceTokens};
use super::i18n::{Arg, Lang, Tr};
use super::page::{Chrome, OrPage, PageResult, Signed, Visitor, error_page, render_status, see_other};
use crate::AppState;

/// How many recommendations the practice page shows (the first is the one to answer).
const SHOWN: usize = 4;
/// Most answer outcomes kept for the page after the redirect.
const OUTCOMES_KEPT: usize = 512;
/// Longest answer the form takes (the use case allows more; nobody types more on a phone).
const MAX_ANSWER_CHARS: usize = 500;

/// What an answer did, kept for the page the browser is sent to after posting it.
#[derive(Debug, Clone)]
pub(crate) struct AnswerOutcome {
    response: String,
    correct: bool,
    expected: String,
    /// The grader's findings, as catalog keys.
    feedback: Vec<&'static str>,
    kp: Option<KpNames>,
    mastery: Vec<(KpNames, f32)>,
}

/// Recent answer outcomes, each readable only by the learner who answered, keyed by the form's
/// one-time token, so a second arrival of the same form shows the first one's outcome.
#[derive(Debug, Default)]
pub(crate) struct AnswerOutcomes {
    kept: Mutex<VecDeque<(String, PersonId, AnswerOutcome)>>,
}

impl AnswerOutcomes {
    fn keep(&self, key: &str, owner: &PersonId, outcome: AnswerOutcome) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= OUTCOMES_KEPT {
                kept.pop_front();
            }
            kept.push_back((key.to_owned(), owner.clone(), outcome));
        }
    }

    fn get(&self, owner: &PersonId, key: &str) -> Option<AnswerOutcome> {
        let kept = self.kept.lock().ok()?;
        kept.iter().find(|(k, o, _)| k == key && o == owner).map(|(_, _, outcome)| outcome.clone())
    }
}

/// The grader's findings as catalog keys (the use case reports them as the grading crate's words).
fn feedback_keys(result: &AnswerResult) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = result
        .feedback
        .iter()
        .filter_map(|f| {
            if f.starts_with("Blank") {
                Some("feedback-blank")
            } else if f.starts_with("Unreadable") {
                Some("feedback-unreadable")
            } else if f.starts_with("MathNotEquivalent") || f.starts_with("NumericDistance") {
                Some("feedback-not-equivalent")
            } else if f.starts_with("MathEquivalent") {
                Some("feedback-equivalent")
            } else {
                None
            }
        })
        .collect();
    keys.dedup();
    keys
}

fn kp_name(tr: &Tr, kp: &KpNames) -> String {
    match tr.lang {
        Lang::ZhCn => kp.name_zh.clone(),
        Lang::En => kp.name_en.clone(),
    }
}

/// The reason in words; knowledge points it names are named from the recommendations on the page
/// (the reason may name a prerequisite by id when none of them practises it).
fn reason_text(tr: &Tr, p: &PracticeItem, all: &[PracticeItem]) -> String {
    let lang = match tr.lang {
        Lang::ZhCn => learning::next_step::Lang::ZhCn,
        Lang::En => learning::next_step::Lang::En,
    };
    let tr = *tr;
    p.reason.render(lang, &move |kp| {
        all.iter().find(|q| q.kp.kp == *kp).map_or_else(|| kp.to_string(), |q| kp_name(&tr, &q.kp))
    })
}

/// A recommended item as the page shows it.
#[derive(Debug, Clone)]
struct ItemView {
    id: String,
    stem: String,
    kp: String,
    reason: String,
    /// `review`, `pinned`, `continue`, `ready` or `start`, for the tag's style.
    kind: &'static str,
}

fn item_view(tr: &Tr, p: &PracticeItem, all: &[PracticeItem]) -> ItemView {
    let stem = match tr.lang {
        Lang::ZhCn => p.stem_zh.clone().or_else(|| p.stem_en.clone()),
        Lang::En => p.stem_en.clone().or_else(|| p.stem_zh.clone()),
    };
    let kind = match p.reason {
        learning::next_step::Reason::Pinned { .. } => "pinned",
        learning::next_step::Reason::Review { .. } => "review",
        learning::next_step::Reason::Continue { .. } => "continue",
        learning::next_step::Reason::Ready { .. } => "ready",
        learning::next_step::Reason::Start => "start",
    };
    ItemView {
        id: p.item.to_string(),
        stem: stem.unwrap_or_else(|| p.item.to_string()),
        kp: kp_name(tr, &p.kp),
        reason: reason_text(tr, p, all),
        kind,
    }
}

/// The outcome as the page shows it.
#[derive(Debug, Clone)]
struct OutcomeView {
    correct: bool,
    response: String,
    expected: String,
    feedback: Vec<String>,
    hint: Option<String>,
    /// "Knowledge point: mastery now", one line per knowledge point the item practises.
    mastery: Vec<String>,
}

fn outcome_view(tr: &Tr, o: &AnswerOutcome) -> OutcomeView {
    let hint = (!o.correct).then(|| match &o.kp {
        Some(kp) => tr.ts("practice-hint-kp", "kp", &kp_name(tr, kp)),
        None => tr.t("practice-hint"),
    });
    OutcomeView {
        correct: o.correct,
        response: o.response.clone(),
        expected: o.expected.clone(),
        feedback: o.feedback.iter().map(|k| tr.t(k)).collect(),
        hint,
        mastery: o
            .mastery
            .iter()
            .map(|(kp, m)| {
                tr.targs(
                    "practice-mastery-now",
                    &[("kp", Arg::Text(kp_name(tr, kp))), ("pct", Arg::Text(tr.pct(f64::from(*m))))],
                )
            })
            .collect(),
    }
}

/// A link to another subject.
#[derive(Debug, Clone)]
struct SubjectLink {
    href: String,
    name: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "learner/practice.html")]
struct PracticePage {
    c: Chrome,
    subjects: Vec<SubjectLink>,
    subject: String,
    outcome: Option<OutcomeView>,
    current: Option<ItemView>,
    upcoming: Vec<ItemView>,
    csrf: String,
    once: String,
    /// What was typed, when the form comes back with an error.
    answer: String,
    error: Option<String>,
    /// Why there is nothing to practise (no subject, or consent not given).
    blocked: Option<String>,
}

/// The subjects and the one asked for (or the first).
async fn subject_choice(s: &AppState, v: &Visitor, path: &str) -> Result<(Vec<SubjectLink>, Option<String>), Response> {
    let tr = v.tr();
    let subjects = s.app.subjects().await.or_page(v)?;
    let asked = v.query("subject");
    let chosen = subjects
        .iter()
        .find(|(id, ..)| Some(id) == asked.as_ref())
        .or_else(|| subjects.first())
        .map(|(id, ..)| id.clone());
    let links = subjects
        .iter()
        .map(|(id, zh, en)| SubjectLink {
            href: format!("{path}?subject={}", form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()),
            name: if tr.lang == Lang::ZhCn { zh.clone() } else { en.clone() },
            current: Some(id) == chosen.as_ref(),
        })
        .collect();
    Ok((links, chosen))
}

/// Consent not in force is a normal state for a learner: the page explains it instead of failing.
fn blocked_by(v: &Visitor, e: &app::Error) -> Option<String> {
    match e.as_user() {
        Some(app::UserError::ConsentRequired(c)) => {
            let tr = v.tr();
            let who = tr.t(&format!("ask-{}", c.ask.as_str()));
            Some(tr.ts("practice-needs-consent", "who", &who))
        }
        _ => None,
    }
}

async fn practice_page(
    s: &AppState,
    web: &WebState,
    signed: &Signed,
    answer: String,
    error: Option<String>,
) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let me = signed.actor.person();
    let (subjects, subject) = subject_choice(s, v, "/learn/practice").await?;
    let outcome = v.query("answered").and_then(|key| web.answers.get(me, &key)).map(|o| outcome_view(&tr, &o));
    let mut page = PracticePage {
        c: Chrome::new(v, tr.t("practice-title")),
        subjects,
        subject: subject.clone().unwrap_or_default(),
        outcome,
        current: None,
        upcoming: Vec::new(),
        csrf: v.csrf(),
        once: OnceTokens::fresh(),
        answer,
        error: error.clone(),
        blocked: None,
    };
    match subject {
        None => page.blocked = Some(tr.t("practice-no-subjects")),
        Some(subject) => match s.app.next_practice(&signed.caller(), me, &subject, SHOWN).await {
            Ok(items) => {
                let mut views = items.iter().map(|p| item_view(&tr, p, &items));
                page.current = views.next();
                page.upcoming = views.collect();
            }
            Err(e) => match blocked_by(v, &e) {
                Some(why) => page.blocked = Some(why),
                None => return Err(error_page(v, &e)),
            },
        },
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, &page))
}

/// Today's practice: the recommended item with its reason, the answer form, and the last answer's feedback.
pub(crate) async fn practice(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    signed: Signed,
) -> PageResult {
    practice_page(&s, &web, &signed, String::new(), None).await
}

/// Takes an answer: graded and folded into the learner model, then back to the practice page
/// with the feedback (post/redirect/get). A second arrival of the same form shows the first's feedback.
pub(crate) async fn answer(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let me = actor.person().clone();
    let signed = Signed { visitor: Visitor { actor: Some(actor.clone()), ..visitor }, actor };
    let v = &signed.visitor;
    let tr = v.tr();
    let subject = f.text("subject").to_owned();
    let item = f.text("item").to_owned();
    let response = f.text("answer").to_owned();
    let back =
        format!("/learn/practice?subject={}", form_urlencoded::byte_serialize(subject.as_bytes()).collect::<String>());
    if response.is_empty() {
        return practice_page(&s, &web, &signed, response, Some(tr.t("practice-answer-empty"))).await;
    }
    if response.chars().count() > MAX_ANSWER_CHARS {
        let message = tr.tn("practice-answer-too-long", "max", MAX_ANSWER_CHARS);
        return practice_page(&s, &web, &signed, response, Some(message)).await;
    }
    let once = f.text(forms::ONCE_FIELD).to_owned();
    let key = if once.is_empty() { OnceTokens::fresh() } else { once.clone() };
    let shown = format!("{back}&answered={key}");
    if !web.once.claim(&once, s.app.now()) {
        return Ok(forms::already_done(&shown));
    }
    match s.app.answer_practice(&signed.caller(), &me, &item, &response).await {
        Ok(result) => {
            let kp = result.mastery.first().map(|(kp, _)| kp.clone());
            let outcome = AnswerOutcome {
                response,
                correct: result.correct,
                expected: result.expected.clone(),
                feedback: feedback_keys(&result),
                kp,
                mastery: result.mastery.clone(),
            };
            web.answers.keep(&key, &me, outcome);
            Ok(see_other(&shown))
        }
        Err(e) => {
            web.once.release(&once);
            match e.as_user() {
                Some(app::UserError::Invalid { .. }) => {
                    practice_page(&s, &web, &signed, response, Some(e.to_string())).await
                }
                _ => Err(error_page(v, &e)),
            }
        }
    }
}

/// One knowledge point on the mastery page.
#[derive(Debug, Clone)]
struct MasteryLine {
    name: String,
    grade: String,
    pct: String,
    status_label: String,
    answers: u32,
    recall: String,
    due: String,
}

fn status_name(s: MasteryStatus) -> &'static str {
    match s {
        MasteryStatus::Locked => "locked",
        MasteryStatus::NotStarted => "not-started",
        MasteryStatus::Learning => "learning",
        MasteryStatus::Mastered => "mastered",
    }
}

fn mastery_lines(tr: &Tr, rows: &[MasteryRow]) -> Vec<MasteryLine> {
    rows.iter()
        .map(|r| {
            let status = status_name(r.entry.status);
            MasteryLine {
                name: kp_name(tr, &r.kp),
                grade: r.kp.grade.map(|g| tr.tn("grade-n", "grade", u16::from(g))).unwrap_or_default(),
                pct: tr.pct(f64::from(r.entry.mastery)),
                status_label: tr.t(&format!("mastery-{status}")),
                answers: r.entry.answers,
                recall: r.entry.recall.map(|x| tr.pct(f64::from(x))).unwrap_or_else(|| "—".to_owned()),
                due: r.entry.review_due.map(|t| tr.date(t.date_utc())).unwrap_or_else(|| "—".to_owned()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "learner/mastery.html")]
struct MasteryPage {
    c: Chrome,
    subjects: Vec<SubjectLink>,
    chart: Option<Svg>,
    lines: Vec<MasteryLine>,
    counts: Vec<(String, String)>,
    blocked: Option<String>,
}

/// A knowledge point's grade as a group label.
fn grade_group(tr: &Tr, kp: &KpNames) -> String {
    kp.grade.map(|g| tr.tn("grade-n", "grade", u16::from(g))).unwrap_or_else(|| tr.t("grade-other"))
}

/// The mastery map as tiles, one per knowledge point, grouped by grade (shared with the
/// teacher's view of a student).
pub(crate) fn mastery_chart(tr: &Tr, id: &str, rows: &[MasteryRow], now: base::Timestamp) -> Svg {
    let tiles: Vec<Tile> = rows
        .iter()
        .map(|r| {
            let status = status_name(r.entry.status);
            Tile {
                group: grade_group(tr, &r.kp),
                class: format!("t-{status}"),
                tip: format!(
                    "{}: {} ({})",
                    kp_name(tr, &r.kp),
                    tr.pct(f64::from(r.entry.mastery)),
                    tr.t(&format!("mastery-{status}"))
                ),
                mark: r.entry.review_due.is_some_and(|d| d.date_utc() <= now.date_utc()),
            }
        })
        .collect();
    let count = |s: MasteryStatus| rows.iter().filter(|r| r.entry.status == s).count() as f64;
    let desc = tr.targs(
        "chart-mastery-desc",
        &[
            ("n", Arg::Num(rows.len() as f64)),
            ("mastered", Arg::Num(count(MasteryStatus::Mastered))),
            ("learning", Arg::Num(count(MasteryStatus::Learning))),
            ("notstarted", Arg::Num(count(MasteryStatus::NotStarted) + count(MasteryStatus::Locked))),
        ],
    );
    charts::tile_map(id, &tr.t("chart-mastery-title"), desc, &tiles)
}

/// My mastery map: every knowledge point of the subject, as a chart and a table.
pub(crate) async fn mastery(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let (subjects, subject) = subject_choice(&s, v, "/learn/mastery").await?;
    let mut page = MasteryPage {
        c: Chrome::new(v, tr.t("mastery-title")),
        subjects,
        chart: None,
        lines: Vec::new(),
        counts: Vec::new(),
        blocked: None,
    };
    match subject {
        None => page.blocked = Some(tr.t("practice-no-subjects")),
        Some(subject) => match s.app.mastery_map(&signed.caller(), signed.actor.person(), &subject).await {
            Ok(rows) => {
                page.chart = (!rows.is_empty()).then(|| mastery_chart(&tr, "mastery", &rows, s.app.now()));
                page.lines = mastery_lines(&tr, &rows);
                page.counts = status_counts(&tr, &rows);
            }
            Err(e) => match blocked_by(v, &e) {
                Some(why) => page.blocked = Some(why),
                None => return Err(error_page(v, &e)),
            },
        },
    }
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "learner/reviews.html")]
struct ReviewsPage {
    c: Chrome,
    subjects: Vec<SubjectLink>,
    due: Vec<MasteryLine>,
    later: Vec<MasteryLine>,
    blocked: Option<String>,
}

/// My reviews: practised knowledge points whose review is due now, then the ones coming up.
pub(crate) async fn reviews(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    let tr = v.tr();
    let (subjects, subject) = subject_choice(&s, v, "/learn/reviews").await?;
    let mut page = ReviewsPage {
        c: Chrome::new(v, tr.t("reviews-title")),
        subjects,
        due: Vec::new(),
        later: Vec::new(),
        blocked: None,
    };
    match subject {
        None => page.blocked = Some(tr.t("practice-no-subjects")),
        Some(subject) => match s.app.mastery_map(&signed.caller(), signed.actor.person(), &subject).await {
            Ok(rows) => {
                let now = s.app.now();
                let mut scheduled: Vec<&MasteryRow> = rows.iter().filter(|r| r.entry.review_due.is_some()).collect();
                scheduled.sort_by_key(|r| r.entry.review_due);
                // Due today means due on today's date, not only by this minute.
                let (due, later): (Vec<&MasteryRow>, Vec<&MasteryRow>) = scheduled
                    .into_iter()
                    .partition(|r| r.entry.review_due.is_some_and(|d| d.date_utc() <= now.date_utc()));
                let owned = |rs: Vec<&MasteryRow>| rs.into_iter().cloned().collect::<Vec<MasteryRow>>();
                page.due = mastery_lines(&tr, &owned(due));
                page.later = mastery_lines(&tr, &owned(later));
                page.later.truncate(20);
            }
            Err(e) => match blocked_by(v, &e) {
                Some(why) => page.blocked = Some(why),
                None => return Err(error_page(v, &e)),
            },
        },
    }
    Ok(render_status(StatusCode::OK, &page))
}

/// One knowledge point of a class's heat map, as the dashboard's table shows it.
#[derive(Debug, Clone)]
pub(crate) struct HeatLine {
    pub(crate) name: String,
    pub(crate) mean: String,
    pub(crate) mastered: u32,
    pub(crate) struggling: u32,
    pub(crate) reviews_due: u32,
}

/// A class's knowledge-point heat map for the dashboard.
#[derive(Debug, Clone)]
pub(crate) struct HeatView {
    pub(crate) subjects: Vec<(String, String, bool)>,
    pub(crate) chart: Svg,
    pub(crate) included: String,
    /// Where students struggle, most struggling first.
    pub(crate) stuck: Vec<HeatLine>,
    /// Knowledge points someone has started, in curriculum order.
    pub(crate) lines: Vec<HeatLine>,
}

/// The heat map's colour class for a mean mastery; `untouched` when nobody has started the point
/// (its mean is then only the model's prior, not anything the class did).
fn heat_class(mean: f32, untouched: bool) -> &'static str {
    if untouched {
        return "h0";
    }
    match mean {
        m if m >= 0.8 => "h4",
        m if m >= 0.65 => "h3",
        m if m >= 0.5 => "h2",
        m if m > 0.0 => "h1",
        _ => "h0",
    }
}

/// The class's heat map for a subject (the one asked for, or the first), or why there is none.
pub(crate) async fn class_heat(
    s: &AppState,
    signed: &Signed,
    class: &base::ClassId,
    path: &str,
) -> Result<Result<HeatView, String>, Response> {
    let v = &signed.visitor;
    let tr = v.tr();
    let (subjects, subject) = subject_choice(s, v, path).await?;
    let Some(subject) = subject else { return Ok(Err(tr.t("heat-no-subjects"))) };
    let map = s.app.class_heat_map(&signed.caller(), class, &subject).await.or_page(v)?;
    let line = |r: &app::learning::HeatRow| HeatLine {
        name: kp_name(&tr, &r.kp),
        mean: tr.pct(f64::from(r.heat.mean_mastery)),
        mastered: r.heat.mastered,
        struggling: r.heat.struggling,
        reviews_due: r.heat.reviews_due,
    };
    let tiles: Vec<Tile> = map
        .rows
        .iter()
        .map(|r| Tile {
            group: grade_group(&tr, &r.kp),
            class: heat_class(r.heat.mean_mastery, r.heat.not_started as usize >= map.students_included).to_owned(),
            tip: format!("{}: {}", kp_name(&tr, &r.kp), tr.pct(f64::from(r.heat.mean_mastery))),
            mark: r.heat.struggling > 0,
        })
        .collect();
    let n = |f: &dyn Fn(&app::learning::HeatRow) -> bool| map.rows.iter().filter(|r| f(r)).count() as f64;
    let desc = tr.targs(
        "chart-heat-desc",
        &[
            ("n", Arg::Num(map.rows.len() as f64)),
            ("high", Arg::Num(n(&|r| r.heat.mean_mastery >= 0.8))),
            ("low", Arg::Num(n(&|r| r.heat.mean_mastery < 0.5))),
            ("stuck", Arg::Num(n(&|r| r.heat.struggling > 0))),
        ],
    );
    let mut stuck: Vec<&app::learning::HeatRow> = map.rows.iter().filter(|r| r.heat.struggling > 0).collect();
    stuck.sort_by(|a, b| {
        b.heat.struggling.cmp(&a.heat.struggling).then(a.heat.mean_mastery.total_cmp(&b.heat.mean_mastery))
    });
    let students = map.students_included + map.students_without_consent;
    Ok(Ok(HeatView {
        subjects: subjects.into_iter().map(|l| (l.href, l.name, l.current)).collect(),
        chart: charts::tile_map("heat", &tr.t("chart-heat-title"), desc, &tiles),
        included: tr.targs(
            "heat-included",
            &[
                ("n", Arg::Num(map.students_included as f64)),
                ("without", Arg::Num(map.students_without_consent as f64)),
            ],
        ),
        stuck: stuck.into_iter().take(8).map(line).collect(),
        lines: map.rows.iter().filter(|r| students > 0 && r.heat.not_started < students as u32).map(line).collect(),
    }))
}

/// A student's mastery map as a section of another page (a teacher's or a guardian's view).
#[derive(Debug, Clone)]
pub(crate) struct MasterySection {
    pub(crate) chart: Option<Svg>,
    pub(crate) counts: Vec<(String, String)>,
    /// Why there is no map (no subject, or no consent).
    pub(crate) blocked: Option<String>,
}

/// How many knowledge points are in each status, as (label, localised count).
fn status_counts(tr: &Tr, rows: &[MasteryRow]) -> Vec<(String, String)> {
    [MasteryStatus::Mastered, MasteryStatus::Learning, MasteryStatus::NotStarted, MasteryStatus::Locked]
        .iter()
        .map(|st| {
            let n = rows.iter().filter(|r| r.entry.status == *st).count();
            (tr.t(&format!("mastery-{}", status_name(*st))), tr.num(n as f64, 0))
        })
        .collect()
}

/// The student's mastery map in the first subject, for pages about a student.
pub(crate) async fn mastery_section(
    s: &AppState,
    signed: &Signed,
    student: &PersonId,
) -> Result<MasterySection, Response> {
    let v = &signed.visitor;
    let tr = v.tr();
    let mut section = MasterySection { chart: None, counts: Vec::new(), blocked: None };
    let subjects = s.app.subjects().await.or_page(v)?;
    let Some((subject, ..)) = subjects.first() else {
        section.blocked = Some(tr.t("practice-no-subjects"));
        return Ok(section);
    };
    match s.app.mastery_map(&signed.caller(), student, subject).await {
        Ok(rows) => {
            section.chart = (!rows.is_empty()).then(|| mastery_chart(&tr, "mastery", &rows, s.app.now()));
            section.counts = status_counts(&tr, &rows);
        }
        Err(e) => match e.as_user() {
            Some(app::UserError::ConsentRequired(_)) => section.blocked = Some(tr.t("mastery-no-consent")),
            _ => return Err(error_page(v, &e)),
        },
    }
    Ok(section)
}
