//! Form posts: the CSRF token from a hidden field, one-time tokens against double submits, and
//! keeping what was typed when the session ended before it was sent.

use std::collections::HashMap;
use std::sync::Mutex;

use app::Actor;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::page::{Visitor, error_page, error_with};
use super::session;
use crate::AppState;

/// The hidden field carrying the session's CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf";
/// The hidden field carrying a form's one-time token.
pub(crate) const ONCE_FIELD: &str = "once";
/// Longest kept form (the fields to re-send after signing in again).
const MAX_PENDING_BYTES: usize = 64 * 1024;

/// A urlencoded form body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn parse(body: &[u8]) -> Fields {
        Fields(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of a field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A field's value trimmed, or `""`.
    pub(crate) fn text(&self, name: &str) -> &str {
        self.get(name).map_or("", str::trim)
    }

    /// Fields whose name starts with `prefix`, with the prefix removed.
    pub(crate) fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0.iter().filter_map(move |(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v.as_str())))
    }

    /// The fields to keep while the person signs in again: everything but the stale CSRF token.
    pub(crate) fn to_pending(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.0.iter().filter(|(k, _)| k != CSRF_FIELD) {
            s.append_pair(k, v);
        }
        s.finish()
    }

    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// Refuses posts whose `Origin` is another site (a forged cross-site form), when the browser says.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return true };
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host.eq_ignore_ascii_case(host)
}

/// Accepts a signed-in form post: the same origin, a live session and the session's CSRF token.
/// When the session has ended (a long pause mid-answer), the sign-in page comes back with
/// everything typed kept, to be sent again once signed in.
pub(crate) async fn accept(
    state: &AppState,
    visitor: &Visitor,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Actor, Fields), Response> {
    if !same_origin(headers) {
        return Err(error_page(visitor, &app::UserError::CsrfFailed.into()));
    }
    let fields = Fields::parse(body);
    let Some(actor) = visitor.actor.clone() else {
        let pending = fields.to_pending();
        let pending = (pending.len() <= MAX_PENDING_BYTES).then_some(pending);
        return Err(session::sign_in_again(state, visitor, pending));
    };
    if let Err(e) = state.app.check_csrf(&actor, fields.get(CSRF_FIELD)) {
        return Err(error_page(visitor, &e));
    }
    Ok((actor, fields))
}

/// One-time form tokens: a form's second arrival is recognised and not acted on twice.
#[derive(Debug, Default)]
pub(crate) struct OnceTokens {
    /// token → when it was used (ms since the epoch).
    used: Mutex<HashMap<String, i64>>,
}

/// How long a used token is remembered.
const ONCE_KEEP_MS: i64 = 12 * 3600 * 1000;
/// Most tokens remembered; the oldest are forgotten first.
const ONCE_MAX: usize = 20_000;

impl OnceTokens {
    /// A new token for a form about to be shown.
    pub(crate) fn fresh() -> String {
        uuid::Uuid::now_v7().simple().to_string()
    }

    /// Marks a token used. `false` means it was used before: the form was sent twice.
    /// Posts without a token (scripts, old pages) are always accepted.
    pub(crate) fn claim(&self, token: &str, now: base::Timestamp) -> bool {
        if token.is_empty() {
            return true;
        }
        let Ok(mut used) = self.used.lock() else { return true };
        let now = now.millis();
        if used.len() >= ONCE_MAX {
            used.retain(|_, at| now - *at < ONCE_KEEP_MS);
            if used.len() >= ONCE_MAX {
                let mut ages: Vec<i64> = used.values().copied().collect();
                ages.sort_unstable();
                let cutoff = ages[ages.len() / 2];
                used.retain(|_, at| *at > cutoff);
            }
        }
        used.insert(token.to_owned(), now).is_none()
    }

    /// Forgets a token whose post failed, so the corrected form can be sent again.
    pub(crate) fn release(&self, token: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.remove(token);
        }
    }
}

/// The answer to a form sent a second time: the page the first one led to, saying so.
pub(crate) fn already_done(location: &str) -> Response {
    super::page::see_other(&super::page::with_notice(location, "already-saved"))
}

/// A form the person has to correct: the error page with a message in their language.
pub(crate) fn invalid(visitor: &Visitor, message: String) -> Response {
    error_with(visitor, StatusCode::UNPROCESSABLE_ENTITY, message, None)
}
