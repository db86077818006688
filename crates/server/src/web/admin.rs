//! The administrator's pages: the school at a glance, roster import with every problem shown,
//! people, the audit log and its verification, and how backups are made.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use app::roster::ImportOptions;
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base::{PageRequest, PersonId};
use oneroster::{RosterFiles, ZipLimits};
use records::Role;
use store::people::PeopleFilter;

use super::WebState;
use super::forms::{self, CSRF_FIELD, ONCE_FIELD, OnceTokens};
use super::page::{
    Chrome, OrPage, PageResult, Signed, Visitor, error_page, render, render_status, see_other, with_notice,
};
use super::session;
use super::teacher::{person_name, require};
use crate::AppState;

/// Roles that open the administration pages.
const ADMINS: [Role; 4] = [Role::SchoolAdmin, Role::CountyAdmin, Role::ProvinceAdmin, Role::NationalAdmin];
/// Roles that import rosters and see lists of people.
const SCHOOL_ADMINS: [Role; 1] = [Role::SchoolAdmin];

#[derive(Debug, Clone)]
struct SchoolRow {
    name: String,
    students: String,
    teachers: String,
    classes: String,
    attendance: String,
    mean: String,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    c: Chrome,
    schools: Vec<SchoolRow>,
    school_admin: bool,
}

/// The school (or county) at a glance, with the administration pages.
pub(crate) async fn overview(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &ADMINS)?;
    let tr = v.tr();
    let home = s.app.home_org().await.or_page(v)?;
    let aggregates = s.app.school_aggregates(&signed.caller(), &home).await.or_page(v)?;
    let schools = aggregates
        .iter()
        .map(|a| SchoolRow {
            name: a.name.clone(),
            students: tr.num(a.students as f64, 0),
            teachers: tr.num(a.teachers as f64, 0),
            classes: tr.num(a.classes as f64, 0),
            attendance: if a.attendance_records > 0 {
                tr.pct(a.attended as f64 / a.attendance_records as f64)
            } else {
                "—".to_owned()
            },
            mean: a.mean_score_fraction.map_or_else(|| "—".to_owned(), |m| tr.pct(m)),
        })
        .collect();
    let page =
        OverviewPage { c: Chrome::new(v, tr.t("admin-title")), schools, school_admin: v.has_role(&SCHOOL_ADMINS) };
    Ok(render(&page))
}

/// What an upload led to, kept for the page the browser is sent to afterwards.
#[derive(Debug, Clone)]
pub(crate) enum ImportOutcome {
    Imported {
        /// (file, mode, written, deleted).
        files: Vec<(String, String, u64, u64)>,
        guardianships: u64,
        skipped: Vec<String>,
        warnings: Vec<String>,
    },
    Rejected {
        /// (file, line, column, reason).
        errors: Vec<(String, String, String, String)>,
        more: usize,
    },
}

/// The last few import outcomes, each readable only by whoever uploaded it.
#[derive(Debug, Default)]
pub(crate) struct ImportOutcomes {
    kept: Mutex<VecDeque<(String, PersonId, ImportOutcome)>>,
}

const OUTCOMES_KEPT: usize = 32;

impl ImportOutcomes {
    fn keep(&self, owner: &PersonId, outcome: ImportOutcome) -> String {
        let key = OnceTokens::fresh();
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= OUTCOMES_KEPT {
                kept.pop_front();
            }
            kept.push_back((key.clone(), owner.clone(), outcome));
        }
        key
    }

    fn get(&self, owner: &PersonId, key: &str) -> Option<ImportOutcome> {
        let kept = self.kept.lock().ok()?;
        kept.iter().find(|(k, o, _)| k == key && o == owner).map(|(_, _, outcome)| outcome.clone())
    }
}

#[derive(Template)]
#[template(path = "admin/roster.html")]
struct RosterPage {
    c: Chrome,
    csrf: String,
    once: String,
    outcome: Option<ImportOutcome>,
    error: Option<String>,
}

fn roster_page(v: &Visitor, outcome: Option<ImportOutcome>, error: Option<String>) -> Response {
    let tr = v.tr();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = RosterPage {
        c: Chrome::new(v, tr.t("roster-title")),
        csrf: v.csrf(),
        once: OnceTokens::fresh(),
        outcome,
        error,
    };
    render_status(status, &page)
}

/// The roster upload form, and the outcome of the last upload.
pub(crate) async fn roster_form(Extension(web): Extension<Arc<WebState>>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &SCHOOL_ADMINS)?;
    let outcome = v.query("outcome").and_then(|k| web.imports.get(signed.actor.person(), &k));
    Ok(roster_page(v, outcome, None))
}

/// Imports an uploaded OneRoster zip, all or nothing, and shows every problem it had.
pub(crate) async fn roster_upload(
    State(s): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    visitor: Visitor,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> PageResult {
    if !forms::same_origin(&headers) {
        return Err(error_page(&visitor, &app::UserError::CsrfFailed.into()));
    }
    let Some(actor) = visitor.actor.clone() else {
        // A file cannot be kept through signing in; the page says to upload it again.
        return Err(session::sign_in_again(&s, &visitor, None));
    };
    let v = &visitor;
    require(v, &SCHOOL_ADMINS)?;
    let tr = v.tr();
    let (mut csrf, mut once, mut zip, mut allow) = (None, String::new(), None, false);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        let mb = (s.settings.max_upload_bytes >> 20).max(1);
                        return Ok(roster_page(v, None, Some(tr.tn("roster-too-large", "mb", mb))));
                    }
                    Err(_) => return Ok(roster_page(v, None, Some(tr.t("roster-upload-failed")))),
                };
                match name.as_str() {
                    CSRF_FIELD => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
                    ONCE_FIELD => once = String::from_utf8_lossy(&bytes).into_owned(),
                    "allow_mass_deletion" => allow = true,
                    "file" => zip = Some(bytes),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let mb = (s.settings.max_upload_bytes >> 20).max(1);
                return Ok(roster_page(v, None, Some(tr.tn("roster-too-large", "mb", mb))));
            }
            Err(_) => return Ok(roster_page(v, None, Some(tr.t("roster-upload-failed")))),
        }
    }
    s.app.check_csrf(&actor, csrf.as_deref()).or_page(v)?;
    let Some(zip) = zip.filter(|z| !z.is_empty()) else {
        return Ok(roster_page(v, None, Some(tr.t("roster-choose-file"))));
    };
    if !web.once.claim(&once, s.app.now()) {
        return Ok(forms::already_done("/admin/roster"));
    }
    let caller = app::Caller::Person(actor.clone());
    let result = match RosterFiles::from_zip(&zip, ZipLimits::DEFAULT) {
        Ok(files) => {
            s.app.import_roster(&caller, &files, ImportOptions { allow_mass_deletion: allow }, &mut |_| {}).await
        }
        Err(e) => Err(app::UserError::RosterRejected(oneroster::Rejection { errors: vec![e], more: 0 }).into()),
    };
    let outcome = match result {
        Ok(report) => ImportOutcome::Imported {
            files: report
                .files
                .iter()
                .map(|(f, mode, written, deleted)| (f.clone(), mode.as_str().to_owned(), *written, *deleted))
                .collect(),
            guardianships: report.guardianships,
            skipped: report.skipped,
            warnings: report.warnings,
        },
        Err(e) => {
            // A rejected set changed nothing, so the corrected file may reuse the form.
            web.once.release(&once);
            match e {
                app::Error::User(app::UserError::RosterRejected(r)) => ImportOutcome::Rejected {
                    errors: r
                        .errors
                        .iter()
                        .map(|x| {
                            (
                                x.file.clone(),
                                x.line.map(|l| l.to_string()).unwrap_or_default(),
                                x.column.as_ref().map(|(name, n)| format!("{name} ({n})")).unwrap_or_default(),
                                x.reason.clone(),
                            )
                        })
                        .collect(),
                    more: r.more,
                },
                other => return Err(error_page(v, &other)),
            }
        }
    };
    let imported = matches!(outcome, ImportOutcome::Imported { .. });
    let key = web.imports.keep(actor.person(), outcome);
    let location = format!("/admin/roster?outcome={key}");
    Ok(see_other(&if imported { with_notice(&location, "roster-imported") } else { location }))
}

#[derive(Debug, Clone)]
struct PersonRow {
    name: String,
    username: String,
    identifier: String,
    enabled: String,
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    c: Chrome,
    roles: Vec<(String, String, bool)>,
    q: String,
    people: Vec<PersonRow>,
    next: Option<String>,
    first: Option<String>,
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        s.append_pair(k, v);
    }
    s.finish()
}

/// People in the school, filtered by role and name, a page at a time.
pub(crate) async fn people(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &ADMINS)?;
    let tr = v.tr();
    let role_param = v.query("role").unwrap_or_default();
    let role = Role::ALL.into_iter().find(|r| r.as_str() == role_param);
    let q = v.query("q").unwrap_or_default();
    let after = v.query("after").filter(|a| !a.is_empty());
    let filter = PeopleFilter { org: None, role, search: Some(q.trim().to_owned()).filter(|q| !q.is_empty()) };
    let page = s.app.people(&signed.caller(), &filter, &PageRequest::new(Some(50), after.clone())).await.or_page(v)?;
    let people = page
        .items
        .iter()
        .map(|p| PersonRow {
            name: person_name(p),
            username: p.username.clone().unwrap_or_default(),
            identifier: p.identifier.clone().unwrap_or_default(),
            enabled: tr.t(if p.enabled { "yes" } else { "no" }),
        })
        .collect();
    let role_str = role.map(|r| r.as_str()).unwrap_or("");
    let next = page
        .next
        .as_ref()
        .map(|n| format!("/admin/people?{}", query_string(&[("role", role_str), ("q", &q), ("after", n)])));
    let first = after.map(|_| format!("/admin/people?{}", query_string(&[("role", role_str), ("q", &q)])));
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), tr.t(&format!("role-{}", r.as_str())), Some(*r) == role))
        .collect();
    Ok(render(&PeoplePage { c: Chrome::new(v, tr.t("people-title")), roles, q, people, next, first }))
}

#[derive(Debug, Clone)]
struct AuditRow {
    seq: i64,
    when: String,
    actor: String,
    action: String,
    subject: String,
    basis: String,
    detail: String,
}

/// The outcome of verifying the chain, in words.
#[derive(Debug, Clone)]
struct Verification {
    intact: bool,
    message: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    older: Option<String>,
    head: String,
    anchor: String,
    verification: Option<Verification>,
}

/// The audit log, newest first, and checking the whole chain against an optional anchor.
pub(crate) async fn audit(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &ADMINS)?;
    let tr = v.tr();
    let before = v.query("before").and_then(|b| b.parse::<i64>().ok());
    let entries = s.app.audit_recent(&signed.caller(), before, 50).await.or_page(v)?;
    let head = s.app.audit_head().await.or_page(v)?;
    let anchor = v.query("anchor").unwrap_or_default();
    let verification = if v.query("verify").is_some() {
        let parsed =
            if anchor.trim().is_empty() { Ok(None) } else { audit::parse_anchor(anchor.trim()).map(Some).ok_or(()) };
        Some(match parsed {
            Err(()) => Verification { intact: false, message: tr.t("audit-anchor-invalid") },
            Ok(anchor) => match s.app.verify_audit(anchor, |_, _| {}).await.or_page(v)? {
                app::AuditVerification::Intact { entries, head } => Verification {
                    intact: true,
                    message: tr.targs(
                        "audit-intact",
                        &[
                            ("n", super::i18n::Arg::Num(entries as f64)),
                            ("head", super::i18n::Arg::Text(head.to_string())),
                        ],
                    ),
                },
                app::AuditVerification::Broken { problem } => {
                    Verification { intact: false, message: tr.ts("audit-broken", "problem", &problem.to_string()) }
                }
            },
        })
    } else {
        None
    };
    let older = entries.last().filter(|_| entries.len() == 50).map(|e| format!("/admin/audit?before={}", e.seq));
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            seq: e.seq,
            when: tr.when(e.at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            subject: e.subject.clone(),
            basis: e.basis.clone(),
            detail: e.detail.clone(),
        })
        .collect();
    let page =
        AuditPage { c: Chrome::new(v, tr.t("audit-title")), rows, older, head: head.to_string(), anchor, verification };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "admin/backup.html")]
struct BackupPage {
    c: Chrome,
    postgres: bool,
    head: String,
    today: String,
}

/// How backups are made and restored, with the audit anchor to keep beside them.
///
/// Backups are the operator's (`App::backup_sqlite` refuses signed-in people): whoever runs the
/// server box runs `inkstone backup`, which is also what a scheduled job calls.
pub(crate) async fn backup(State(s): State<AppState>, signed: Signed) -> PageResult {
    let v = &signed.visitor;
    require(v, &SCHOOL_ADMINS)?;
    let tr = v.tr();
    // Reading the log's head is for those who administer the server: the same check as the log.
    s.app.audit_recent(&signed.caller(), None, 1).await.or_page(v)?;
    let head = s.app.audit_head().await.or_page(v)?;
    let page = BackupPage {
        c: Chrome::new(v, tr.t("backup-title")),
        postgres: matches!(s.app.store().backend(), store::Backend::Postgres),
        head: head.to_string(),
        today: s.app.today().to_string(),
    };
    Ok(render(&page))
}
