//! Signing in and out, the home redirect, and switching language.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::forms::{CSRF_FIELD, Fields, same_origin};
use super::i18n::{LANG_COOKIE, Lang};
use super::page::{Chrome, Visitor, error_page, home_of, local_path, render, render_status, see_other, to_sign_in};
use crate::AppState;
use crate::extract::{ClientAddr, SESSION_COOKIE};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    c: Chrome,
    next: String,
    /// The fields of a form whose post found the session ended, kept to send again.
    pending: Option<String>,
    username: String,
    error: Option<String>,
    /// Whether the visitor arrived here because their session ended mid-form.
    ended: bool,
}

#[derive(Template)]
#[template(path = "resubmit.html")]
struct ResubmitPage {
    c: Chrome,
    action: String,
    csrf: String,
    fields: Vec<(String, String)>,
    /// The fields worth showing (not the hidden tokens), for the person to check.
    shown: Vec<(String, String)>,
}

/// `/`: signed-in people go to their section, others to sign in.
pub(crate) async fn home(visitor: Visitor) -> Response {
    if visitor.actor.is_some() { see_other(home_of(&visitor)) } else { see_other("/sign-in") }
}

/// The sign-in form.
pub(crate) async fn sign_in_form(visitor: Visitor) -> Response {
    let next = visitor.query("next").filter(|n| local_path(n).is_some()).unwrap_or_default();
    if visitor.actor.is_some() && next.is_empty() {
        return see_other(home_of(&visitor));
    }
    let page = SignInPage {
        c: Chrome::new(&visitor, visitor.tr().t("sign-in-title")),
        next,
        pending: None,
        username: String::new(),
        error: None,
        ended: false,
    };
    render(&page)
}

/// The sign-in form again after a post found the session ended; what was typed is kept.
pub(crate) fn sign_in_again(_state: &AppState, visitor: &Visitor, pending: Option<String>) -> Response {
    let page = SignInPage {
        c: Chrome::new(visitor, visitor.tr().t("sign-in-title")),
        next: local_path(visitor.path()).unwrap_or("/").to_owned(),
        pending,
        username: String::new(),
        error: None,
        ended: true,
    };
    render_status(StatusCode::UNAUTHORIZED, &page)
}

/// Signs in from the form; sends the person on, or back to a form they were filling in.
pub(crate) async fn sign_in(
    State(s): State<AppState>,
    visitor: Visitor,
    client: ClientAddr,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        return error_page(&visitor, &app::UserError::CsrfFailed.into());
    }
    let f = Fields::parse(&body);
    let next = local_path(f.text("next")).unwrap_or("").to_owned();
    let pending = Some(f.text("pending").to_owned()).filter(|p| !p.is_empty());
    let tr = visitor.tr();
    let again = |status: StatusCode, error: String| {
        let page = SignInPage {
            c: Chrome::new(&visitor, tr.t("sign-in-title")),
            next: next.clone(),
            pending: pending.clone(),
            username: f.text("username").to_owned(),
            error: Some(error),
            ended: pending.is_some(),
        };
        render_status(status, &page)
    };
    let request = app::LoginRequest {
        username: f.text("username").to_owned(),
        password: f.get("password").unwrap_or("").to_owned(),
        client: client.0,
    };
    let signed = match s.app.login(request).await {
        Ok(signed) => signed,
        Err(app::Error::User(app::UserError::BadCredentials)) => {
            return again(StatusCode::UNAUTHORIZED, tr.t("sign-in-failed"));
        }
        Err(app::Error::User(app::UserError::RateLimited { retry_after_seconds })) => {
            return again(StatusCode::TOO_MANY_REQUESTS, tr.tn("sign-in-throttled", "seconds", retry_after_seconds));
        }
        Err(e) => return error_page(&visitor, &e),
    };
    let actor = match s.app.authenticate_session(&signed.token).await {
        Ok(actor) => actor,
        Err(e) => return error_page(&visitor, &e),
    };
    let cookie = Cookie::build((SESSION_COOKIE, signed.token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(s.settings.secure_cookies)
        .path("/")
        .max_age(time::Duration::seconds(s.app.config().session_idle_seconds))
        .build();
    let jar = jar.add(cookie);
    let signed_in = Visitor { actor: Some(actor), ..visitor.clone() };
    match (pending, next.is_empty()) {
        (Some(pending), false) => {
            let fields: Vec<(String, String)> =
                Fields::parse(pending.as_bytes()).pairs().iter().filter(|(k, _)| k != CSRF_FIELD).cloned().collect();
            let shown = fields.iter().filter(|(k, v)| k != "once" && !v.trim().is_empty()).cloned().collect();
            let page = ResubmitPage {
                c: Chrome::new(&signed_in, tr.t("resubmit-title")),
                action: next,
                csrf: signed.csrf_token,
                fields,
                shown,
            };
            (jar, render(&page)).into_response()
        }
        (_, true) => (jar, see_other(home_of(&signed_in))).into_response(),
        (None, false) => (jar, see_other(&next)).into_response(),
    }
}

/// Signs out: ends the session and clears the cookie.
pub(crate) async fn sign_out(
    State(s): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let Some(actor) = &visitor.actor else { return see_other("/sign-in") };
    let f = Fields::parse(&body);
    if !same_origin(&headers) {
        return error_page(&visitor, &app::UserError::CsrfFailed.into());
    }
    if let Err(e) = s.app.check_csrf(actor, f.get(CSRF_FIELD)) {
        return error_page(&visitor, &e);
    }
    if let Some(c) = jar.get(SESSION_COOKIE)
        && let Err(e) = s.app.logout(c.value()).await
    {
        return error_page(&visitor, &e);
    }
    (jar.remove(Cookie::build(SESSION_COOKIE).path("/")), see_other("/sign-in?notice=signed-out")).into_response()
}

/// Switches language: keeps the choice in a cookie (for this device, signed in or not) and, when
/// the link carries the session's CSRF token, on the person's account (for every device); then
/// goes back to the page.
pub(crate) async fn switch_language(
    State(s): State<AppState>,
    visitor: Visitor,
    Path(tag): Path<String>,
    jar: CookieJar,
) -> Response {
    let Some(lang) = Lang::from_tag(&tag) else { return to_sign_in_or_home(&visitor) };
    let next = visitor.query("next").filter(|n| local_path(n).is_some()).unwrap_or_else(|| "/".to_owned());
    if let Some(actor) = &visitor.actor
        && s.app.check_csrf(actor, visitor.query(CSRF_FIELD).as_deref()).is_ok()
        && let Err(e) = s.app.set_language(actor, lang.tag()).await
    {
        return error_page(&visitor, &e);
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.tag()))
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), see_other(&next)).into_response()
}

fn to_sign_in_or_home(visitor: &Visitor) -> Response {
    if visitor.actor.is_some() { see_other(home_of(visitor)) } else { to_sign_in("/") }
}
