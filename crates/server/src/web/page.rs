//! What every page shares: who is visiting in which language, the layout's chrome, rendering,
//! redirects and the friendly error page.

use app::{Actor, Caller, UserError};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use records::Role;

use super::assets;
use super::i18n::{LANG_COOKIE, Lang, Tr};
use crate::AppState;
use crate::extract::SESSION_COOKIE;

/// Whoever opened a page: their language, and who they are if signed in.
#[derive(Debug, Clone)]
pub(crate) struct Visitor {
    pub(crate) lang: Lang,
    pub(crate) actor: Option<Actor>,
    /// The path and query asked for, to come back to after signing in or switching language.
    pub(crate) here: String,
}

impl Visitor {
    /// A visitor known only by their headers (no session lookup).
    pub(crate) fn from_headers(headers: &HeaderMap, here: &str) -> Visitor {
        let jar = CookieJar::from_headers(headers);
        let chosen = jar.get(LANG_COOKIE).and_then(|c| Lang::from_tag(c.value()));
        let lang = chosen.unwrap_or_else(|| {
            Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
        });
        Visitor { lang, actor: None, here: here.to_owned() }
    }

    pub(crate) fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The path without its query.
    pub(crate) fn path(&self) -> &str {
        self.here.split('?').next().unwrap_or("/")
    }

    /// A query parameter of the page asked for.
    pub(crate) fn query(&self, name: &str) -> Option<String> {
        let (_, q) = self.here.split_once('?')?;
        form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// The session's CSRF token, for hidden form fields.
    pub(crate) fn csrf(&self) -> String {
        match self.actor.as_ref().map(|a| &a.auth) {
            Some(app::AuthMethod::Session { csrf_token, .. }) => csrf_token.clone(),
            _ => String::new(),
        }
    }

    pub(crate) fn has_role(&self, roles: &[Role]) -> bool {
        self.actor.as_ref().is_some_and(|a| a.principal.grants.iter().any(|g| roles.contains(&g.role)))
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let here = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
        let mut visitor = Visitor::from_headers(&parts.headers, &here);
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(cookie) = jar.get(SESSION_COOKIE) {
            match state.app.authenticate_session(cookie.value()).await {
                Ok(actor) => {
                    // A language kept on the account wins over this device's cookie and headers.
                    if let Some(lang) = actor.language.as_deref().and_then(Lang::from_tag) {
                        visitor.lang = lang;
                    }
                    visitor.actor = Some(actor);
                }
                Err(app::Error::User(UserError::Unauthenticated)) => {}
                Err(e) => return Err(error_page(&visitor, &e)),
            }
        }
        Ok(visitor)
    }
}

/// A signed-in visitor; anyone else is sent to sign in and brought back afterwards.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) visitor: Visitor,
    pub(crate) actor: Actor,
}

impl Signed {
    pub(crate) fn caller(&self) -> Caller {
        Caller::Person(self.actor.clone())
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        match visitor.actor.clone() {
            Some(actor) => Ok(Signed { visitor, actor }),
            None => Err(to_sign_in(&visitor.here)),
        }
    }
}

/// A redirect to the sign-in page that comes back to `next` afterwards.
pub(crate) fn to_sign_in(next: &str) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish();
    see_other(&format!("/sign-in?{q}"))
}

/// A 303 redirect: after a post, the browser gets the page with a GET (post/redirect/get).
pub(crate) fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    no_store(r)
}

/// `location` with `notice=key` added, for the page to say what just happened.
pub(crate) fn with_notice(location: &str, key: &str) -> String {
    let sep = if location.contains('?') { '&' } else { '?' };
    format!("{location}{sep}notice={key}")
}

/// Only paths on this server: `/x`, never `//host` or `/\host` or a scheme.
pub(crate) fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(next)
}

fn no_store(mut r: Response) -> Response {
    // Pages hold personal data and classroom devices are shared: never keep them in a cache.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Renders a page with status 200.
pub(crate) fn render(t: &impl Template) -> Response {
    render_status(StatusCode::OK, t)
}

/// Renders a page with the given status.
pub(crate) fn render_status(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => no_store(
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], html)
                .into_response(),
        ),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered; see the server log").into_response()
        }
    }
}

/// A link in the main navigation.
#[derive(Debug, Clone)]
pub(crate) struct NavLink {
    pub(crate) href: &'static str,
    pub(crate) label: String,
    pub(crate) current: bool,
}

/// A link to the same page in another language.
#[derive(Debug, Clone)]
pub(crate) struct LangLink {
    pub(crate) href: String,
    pub(crate) tag: &'static str,
    pub(crate) name: &'static str,
    pub(crate) current: bool,
}

/// What the layout around every page needs.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    pub(crate) tr: Tr,
    pub(crate) title: String,
    pub(crate) nav: Vec<NavLink>,
    pub(crate) langs: Vec<LangLink>,
    /// The CSRF token for the sign-out form, when signed in.
    pub(crate) csrf: Option<String>,
    pub(crate) notice: Option<String>,
    pub(crate) css: String,
    pub(crate) js: String,
    pub(crate) icon: String,
}

/// The notices a redirect may ask a page to show (anything else is ignored).
const NOTICES: [&str; 14] = [
    "grades-accepted",
    "grades-released",
    "grade-overridden",
    "handed-in",
    "saved",
    "already-saved",
    "attendance-saved",
    "assignment-created",
    "results-saved",
    "consent-given",
    "consent-withdrawn",
    "signed-out",
    "signed-in",
    "roster-imported",
];

/// The sections each role opens, in the order of the navigation.
const SECTIONS: [(&str, &str, &[Role]); 8] = [
    ("nav-learn", "/learn", &[Role::Student]),
    ("nav-practice", "/learn/practice", &[Role::Student]),
    ("nav-reviews", "/learn/reviews", &[Role::Student]),
    ("nav-mastery", "/learn/mastery", &[Role::Student]),
    ("nav-results", "/learn/results", &[Role::Student]),
    ("nav-family", "/family", &[Role::Guardian]),
    ("nav-teach", "/teach", &[Role::Teacher, Role::Aide, Role::Counselor, Role::SchoolAdmin]),
    ("nav-admin", "/admin", &[Role::SchoolAdmin, Role::CountyAdmin, Role::ProvinceAdmin, Role::NationalAdmin]),
];

/// The section a signed-in person lands on: the widest duty they hold (an administrator who
/// also teaches lands on the administration pages).
pub(crate) fn home_of(visitor: &Visitor) -> &'static str {
    const LANDINGS: [&str; 4] = ["/admin", "/teach", "/family", "/learn"];
    LANDINGS
        .iter()
        .find(|href| SECTIONS.iter().any(|(_, h, roles)| h == *href && visitor.has_role(roles)))
        .map_or("/learn", |href| href)
}

impl Chrome {
    pub(crate) fn new(visitor: &Visitor, title: String) -> Chrome {
        let tr = visitor.tr();
        let path = visitor.path();
        let visible: Vec<&(&str, &str, &[Role])> =
            SECTIONS.iter().filter(|(_, _, roles)| visitor.has_role(roles)).collect();
        // The current section is the longest link the path starts with.
        let current = visible
            .iter()
            .filter(|(_, href, _)| path == *href || path.starts_with(&format!("{href}/")))
            .max_by_key(|(_, href, _)| href.len())
            .map(|(_, href, _)| *href);
        let nav = visible
            .iter()
            .map(|(key, href, _)| NavLink { href, label: tr.t(key), current: current == Some(*href) })
            .collect();
        let back = local_path(&visitor.here).unwrap_or("/");
        let csrf = visitor.actor.as_ref().map(|_| visitor.csrf());
        let langs = Lang::ALL
            .iter()
            .map(|l| LangLink {
                href: format!("/lang/{}?{}", l.tag(), {
                    let mut q = form_urlencoded::Serializer::new(String::new());
                    q.append_pair("next", back);
                    // Signed in, the switch also saves the choice on the account: the session's
                    // token proves the link came from one of our pages, not another site.
                    if let Some(csrf) = csrf.as_deref() {
                        q.append_pair("csrf", csrf);
                    }
                    q.finish()
                }),
                tag: l.tag(),
                name: l.own_name(),
                current: *l == visitor.lang,
            })
            .collect();
        let notice =
            visitor.query("notice").filter(|n| NOTICES.contains(&n.as_str())).map(|n| tr.t(&format!("notice-{n}")));
        Chrome {
            tr,
            title,
            nav,
            langs,
            csrf,
            notice,
            css: assets::url("app.css"),
            js: assets::url("app.js"),
            icon: assets::url("icon.svg"),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: String,
    /// The use case's own words (English), when they help.
    detail: Option<String>,
    sign_in: bool,
}

/// The friendly page for an error: what happened, in the visitor's language, and where to go.
pub(crate) fn error_page(visitor: &Visitor, e: &app::Error) -> Response {
    let tr = visitor.tr();
    let (status, key, detail) = match e {
        app::Error::Internal(internal) => {
            let reference = uuid::Uuid::now_v7().to_string();
            tracing::error!(%reference, error = %internal, "internal error on a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "error-internal", Some(reference))
        }
        app::Error::User(u) => match u {
            UserError::Unauthenticated => return to_sign_in(&visitor.here),
            UserError::BadCredentials => (StatusCode::UNAUTHORIZED, "sign-in-failed", None),
            UserError::RateLimited { retry_after_seconds } => {
                let message = tr.tn("sign-in-throttled", "seconds", *retry_after_seconds);
                return error_with(visitor, StatusCode::TOO_MANY_REQUESTS, message, None);
            }
            UserError::Forbidden(m) => (StatusCode::FORBIDDEN, "error-forbidden", Some(m.clone())),
            UserError::NotFound { .. } => (StatusCode::NOT_FOUND, "error-not-found", None),
            UserError::Invalid { .. } | UserError::BadBundle(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "error-invalid", Some(u.to_string()))
            }
            UserError::RosterRejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "error-invalid", Some(u.to_string())),
            UserError::Conflict(m) => (StatusCode::CONFLICT, "error-conflict", Some(m.clone())),
            UserError::ConsentRequired(c) => {
                let who = tr.t(&format!("ask-{}", c.ask.as_str()));
                let purpose = tr.t(&format!("purpose-{}", c.purpose.as_str()));
                let message = tr.targs(
                    "error-consent-required",
                    &[("purpose", super::i18n::Arg::Text(purpose)), ("who", super::i18n::Arg::Text(who))],
                );
                return error_with(visitor, StatusCode::FORBIDDEN, message, None);
            }
            UserError::CsrfFailed => (StatusCode::FORBIDDEN, "error-stale-form", None),
            UserError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable", Some(m.clone())),
        },
    };
    error_with(visitor, status, tr.t(key), detail)
}

/// The error page with a message already in the visitor's language.
pub(crate) fn error_with(visitor: &Visitor, status: StatusCode, message: String, detail: Option<String>) -> Response {
    let title = visitor.tr().tn("error-title", "status", status.as_u16());
    let page = ErrorPage { c: Chrome::new(visitor, title), message, detail, sign_in: visitor.actor.is_none() };
    render_status(status, &page)
}

/// Turns a use case's error into the error page.
pub(crate) trait OrPage<T> {
    fn or_page(self, visitor: &Visitor) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, app::Error> {
    fn or_page(self, visitor: &Visitor) -> Result<T, Response> {
        self.map_err(|e| error_page(visitor, &e))
    }
}

/// What a page handler answers: the page, or an error page or redirect.
pub(crate) type PageResult = Result<Response, Response>;

/// Parses a path id; ids that cannot exist are simply not found.
pub(crate) fn id<T: std::str::FromStr>(visitor: &Visitor, s: &str) -> Result<T, Response> {
    s.parse().map_err(|_| error_page(visitor, &UserError::NotFound { what: "page" }.into()))
}
