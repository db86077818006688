//! The guardian's pages: my children, a child's progress and results, consents to give or
//! withdraw, and who looked at the child's record.

use std::sync::Arc;

use access::consent::{Consent, Purpose};
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use base::PersonId;
use records::Role;

use super::WebState;
use super::charts::{self, Svg};
use super::forms::{self, OnceTokens};
use super::i18n::Tr;
use super::learner::{self, ClassCard, ResultRow};
use super::page::{self, Chrome, OrPage, PageResult, Signed, Visitor, id, render, see_other, with_notice};
use super::teacher::{person_name, require};
use crate::AppState;

const GUARDIANS: [Role; 1] = [Role::Guardian];

#[derive(Debug, Clone)]
struct ChildLink {
    href: String,
    name: String,
    relation: String,
}

#[derive(Template)]
#[template(path = "family/children.html")]
struct ChildrenPage {
    c: Chrome,
    children: Vec<ChildLink>,
}

/// My children.
pub(crate) async fn children(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &GUARDIANS)?;
    let tr = v.tr();
    let me = s.app.me(&signed.caller()).await.or_page(v)?;
    let children = me
        .children
        .iter()
        .map(|(p, relation)| ChildLink {
            href: format!("/family/children/{}", p.id),
            name: person_name(p),
            relation: relation.clone(),
        })
        .collect();
    Ok(render(&ChildrenPage { c: Chrome::new(v, tr.t("family-title")), children }))
}

/// Where one purpose's consent stands.
#[derive(Debug, Clone)]
pub(crate) struct ConsentState {
    pub(crate) key: &'static str,
    pub(crate) purpose: String,
    pub(crate) explain: String,
    pub(crate) state: String,
    pub(crate) in_force: bool,
    /// A one-time token for this purpose's form.
    pub(crate) once: String,
}

fn latest(consents: &[Consent], purpose: Purpose) -> Option<&Consent> {
    consents.iter().filter(|c| c.purpose == purpose).max_by_key(|c| c.given_at)
}

/// Each purpose with its current state, in words.
pub(crate) fn consent_states(tr: &Tr, consents: &[Consent]) -> Vec<ConsentState> {
    Purpose::ALL
        .iter()
        .map(|p| {
            let last = latest(consents, *p);
            let state = match last {
                Some(c) => match c.withdrawn_at {
                    Some(at) => tr.ts("consent-withdrawn-on", "date", &tr.date(at.date_utc())),
                    None => tr.targs(
                        "consent-given-on",
                        &[
                            ("date", super::i18n::Arg::Text(tr.date(c.given_at.date_utc()))),
                            ("by", super::i18n::Arg::Text(tr.t(&format!("given-by-{}", c.given_by.as_str())))),
                        ],
                    ),
                },
                None => tr.t("consent-never"),
            };
            ConsentState {
                key: p.as_str(),
                purpose: tr.t(&format!("purpose-{}", p.as_str())),
                explain: tr.t(&format!("purpose-{}-explain", p.as_str())),
                state,
                in_force: last.is_some_and(|c| c.withdrawn_at.is_none()),
                once: OnceTokens::fresh(),
            }
        })
        .collect()
}

#[derive(Debug, Clone)]
struct AuditRow {
    when: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "family/child.html")]
struct ChildPage {
    c: Chrome,
    action: String,
    csrf: String,
    cards: Vec<ClassCard>,
    chart: Option<Svg>,
    rows: Vec<ResultRow>,
    attendance: Vec<learner::AttendanceLine>,
    consents: Vec<ConsentState>,
    audit: Vec<AuditRow>,
    mastery: super::practice::MasterySection,
}

/// Who did something, as a family would say it: "you", "a teacher", "the school's administrator".
fn who(tr: &Tr, me: &PersonId, actor: &str, basis: &str) -> String {
    if actor == me.as_str() {
        return tr.t("audit-who-you");
    }
    let role = basis.split(':').next().unwrap_or("");
    let key = format!("audit-who-{role}");
    if tr.has(&key) {
        tr.t(&key)
    } else if actor.starts_with("cli:") || basis == "operator" {
        tr.t("audit-who-operator")
    } else {
        tr.t("audit-who-someone")
    }
}

fn what(tr: &Tr, action: &str, detail: &str) -> String {
    let key = format!("audit-action-{action}");
    let action = if tr.has(&key) { tr.t(&key) } else { action.to_owned() };
    if detail.is_empty() { action } else { format!("{action} ({detail})") }
}

/// A child's progress, results, consents and the record of who looked at their record.
pub(crate) async fn child(State(s): State<AppState>, signed: Signed, Path(student): Path<String>) -> PageResult {
    let v = &signed.visitor;
    require(v, &GUARDIANS)?;
    let student: PersonId = id(v, &student)?;
    let tr = v.tr();
    let caller = signed.caller();
    let record = s.app.student_record(&caller, &student).await.or_page(v)?;
    let classes = s.app.learner_classes(&caller, &student).await.or_page(v)?;
    let entries = s.app.audit_about_student(&caller, &student, None, 50).await.or_page(v)?;
    let name = person_name(&record.person);
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
    let audit = entries
        .iter()
        .map(|e| AuditRow {
            when: tr.when(e.at),
            who: who(&tr, signed.actor.person(), &e.actor, &e.basis),
            what: what(&tr, &e.action, &e.detail),
        })
        .collect();
    let page = ChildPage {
        c: Chrome::new(v, name),
        action: format!("/family/children/{student}/consents"),
        csrf: v.csrf(),
        cards: learner::class_cards(&tr, &classes, s.app.today()),
        chart,
        rows,
        attendance: learner::attendance_lines(&tr, &record.attendance),
        consents: consent_states(&tr, &record.consents),
        audit,
        mastery: super::practice::mastery_section(&s, &signed, &student).await?,
    };
    Ok(render(&page))
}

/// Gives or withdraws one consent, then goes back to the child's page.
pub(crate) async fn change_consent(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(student): Path<String>,
    body: Bytes,
) -> PageResult {
    let (actor, f) = forms::accept(&s, &visitor, &headers, &body).await?;
    let v = &Visitor { actor: Some(actor.clone()), ..visitor };
    require(v, &GUARDIANS)?;
    let student: PersonId = id(v, &student)?;
    let caller = app::Caller::Person(actor);
    let back = format!("/family/children/{student}");
    let Some(purpose) = Purpose::ALL.into_iter().find(|p| p.as_str() == f.text("purpose")) else {
        return Err(forms::invalid(v, v.tr().t("invalid-form")));
    };
    let once = f.text(forms::ONCE_FIELD);
    if !web.once.claim(once, s.app.now()) {
        return Ok(forms::already_done(&back));
    }
    let outcome = match f.text("change") {
        "give" => {
            // Giving what is already in force changes nothing: a repeated click is harmless.
            let (consents, _) = s.app.consents(&caller, &student).await.or_page(v)?;
            if latest(&consents, purpose).is_some_and(|c| c.withdrawn_at.is_none()) {
                Ok("consent-given")
            } else {
                s.app.give_consent(&caller, &student, purpose).await.map(|_| "consent-given")
            }
        }
        "withdraw" => s.app.withdraw_consent(&caller, &student, purpose).await.map(|_| "consent-withdrawn"),
        _ => {
            web.once.release(once);
            return Err(forms::invalid(v, v.tr().t("invalid-form")));
        }
    };
    match outcome {
        Ok(notice) => Ok(see_other(&with_notice(&back, notice))),
        Err(e) => {
            web.once.release(once);
            Err(page::error_page(v, &e))
        }
    }
}
