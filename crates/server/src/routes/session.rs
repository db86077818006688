//! Health, signing in and out, the caller's own profile and API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::dto::*;
use crate::extract::{ApiJson, Auth, ClientAddr, SESSION_COOKIE, path_id};
use crate::routes::{json, no_content};
use crate::{ApiError, AppState};

/// Whether the server is up, and on which database.
#[utoipa::path(get, path = "/api/health", tag = "session", responses((status = 200, body = HealthDto)))]
pub(crate) async fn health(State(s): State<AppState>) -> Json<HealthDto> {
    let database = match s.app.store().backend() {
        store::Backend::Sqlite => "sqlite",
        store::Backend::Postgres => "postgres",
    };
    json(HealthDto { status: "ok", version: env!("CARGO_PKG_VERSION"), database })
}

/// Signs in with a username and password; sets the session cookie.
#[utoipa::path(post, path = "/api/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = SessionDto), (status = 401, description = "wrong username or password"), (status = 429, description = "too many failed attempts")))]
pub(crate) async fn login(
    State(s): State<AppState>,
    client: ClientAddr,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<(CookieJar, Json<SessionDto>), ApiError> {
    let signed =
        s.app.login(app::LoginRequest { username: body.username, password: body.password, client: client.0 }).await?;
    let actor = s.app.authenticate_session(&signed.token).await?;
    let cookie = Cookie::build((SESSION_COOKIE, signed.token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(s.settings.secure_cookies)
        .path("/")
        .max_age(time::Duration::seconds(s.app.config().session_idle_seconds))
        .build();
    let dto = SessionDto {
        person_id: signed.person.to_string(),
        csrf_token: Some(signed.csrf_token),
        expires_at: Some(signed.expires_at.to_rfc3339()),
        roles: actor.principal.grants.iter().map(Into::into).collect(),
    };
    Ok((jar.add(cookie), json(dto)))
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/session", tag = "session", responses((status = 204)))]
pub(crate) async fn logout(
    State(s): State<AppState>,
    _auth: Auth,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        s.app.logout(c.value()).await?;
    }
    Ok((jar.remove(Cookie::build(SESSION_COOKIE).path("/")), no_content()))
}

/// The current session: who is signed in, with the CSRF token to echo.
#[utoipa::path(get, path = "/api/session", tag = "session", responses((status = 200, body = SessionDto), (status = 401)))]
pub(crate) async fn current(Auth(actor): Auth) -> Json<SessionDto> {
    let csrf_token = match &actor.auth {
        app::AuthMethod::Session { csrf_token, .. } => Some(csrf_token.clone()),
        app::AuthMethod::Token { .. } => None,
    };
    json(SessionDto {
        person_id: actor.person().to_string(),
        csrf_token,
        expires_at: None,
        roles: actor.principal.grants.iter().map(Into::into).collect(),
    })
}

/// The caller's profile, roles, children and classes.
#[utoipa::path(get, path = "/api/me", tag = "session", responses((status = 200, body = MeDto), (status = 401)))]
pub(crate) async fn me(State(s): State<AppState>, auth: Auth) -> Result<Json<MeDto>, ApiError> {
    let me = s.app.me(&auth.caller()).await?;
    Ok(json(MeDto {
        person: (&me.person).into(),
        roles: me.grants.iter().map(Into::into).collect(),
        children: me.children.iter().map(|(p, r)| RelatedPersonDto { person: p.into(), relation: r.clone() }).collect(),
        teaching: me.teaching.iter().map(Into::into).collect(),
        learning: me.learning.iter().map(Into::into).collect(),
    }))
}

/// Changes the caller's password; other sessions end.
#[utoipa::path(post, path = "/api/me/password", tag = "session", request_body = PasswordBody, responses((status = 204), (status = 401), (status = 422)))]
pub(crate) async fn change_password(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<impl IntoResponse, ApiError> {
    s.app.change_password(&actor, &body.current, &body.new).await?;
    Ok(no_content())
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/me/tokens", tag = "session", responses((status = 200, body = Vec<TokenDto>)))]
pub(crate) async fn tokens(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<Vec<TokenDto>>, ApiError> {
    Ok(json(s.app.api_tokens(&actor).await?.iter().map(Into::into).collect()))
}

/// Creates an API token for scripts; its secret is shown once.
#[utoipa::path(post, path = "/api/me/tokens", tag = "session", request_body = TokenBody, responses((status = 200, body = TokenDto)))]
pub(crate) async fn create_token(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<Json<TokenDto>, ApiError> {
    let created = s.app.create_api_token(&actor, &body.name, body.valid_days).await?;
    let mut dto = TokenDto::from(&created.token);
    dto.secret = Some(created.secret);
    Ok(json(dto))
}

/// Revokes one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/me/tokens/{id}", tag = "session", params(("id" = String, Path)), responses((status = 204), (status = 404)))]
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    s.app.revoke_api_token(&actor, &path_id(&id, "token")?).await?;
    Ok(no_content())
}
