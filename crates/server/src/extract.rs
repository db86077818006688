//! Extractors: who is calling, and request bodies and queries with problem+json rejections.

use std::net::SocketAddr;

use app::{Actor, Caller};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "inkstone_session";
/// The header that carries the CSRF token on state-changing requests.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in person. Rejects with 401 when nobody is signed in, and with 403 when a
/// cookie-authenticated request that changes state lacks the session's CSRF token.
#[derive(Debug, Clone)]
pub(crate) struct Auth(pub Actor);

impl Auth {
    /// The caller for use cases.
    pub(crate) fn caller(&self) -> Caller {
        Caller::Person(self.0.clone())
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| ApiError::bad_request("the Authorization header must be `Bearer <token>`"))?;
            return Ok(Auth(state.app.authenticate_token(token.trim()).await?));
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(app::UserError::Unauthenticated.into());
        };
        let actor = state.app.authenticate_session(cookie.value()).await?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let presented = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            state.app.check_csrf(&actor, presented)?;
        }
        Ok(Auth(actor))
    }
}

/// The client's address, for throttling sign-ins.
#[derive(Debug, Clone)]
pub(crate) struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.settings.trust_forwarded_for
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        {
            return Ok(ClientAddr(first.to_owned()));
        }
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddr(addr.unwrap_or_else(|| "unknown".to_owned())))
    }
}

/// A JSON body whose rejections are problem+json.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest {
                    code: "unsupported-media-type",
                    status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    detail: "send the body as application/json".into(),
                },
                JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::too_large(state.settings.max_json_bytes)
                }
                JsonRejection::JsonDataError(e) => ApiError::BadRequest {
                    code: "invalid",
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    detail: e.body_text(),
                },
                other => ApiError::bad_request(other.body_text()),
            }),
        }
    }
}

/// A query string whose rejections are problem+json.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => Err(ApiError::bad_request(e.body_text())),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}

/// Parses a path id, answering 404 for ids that cannot exist.
pub(crate) fn path_id<T: std::str::FromStr>(s: &str, what: &'static str) -> Result<T, ApiError> {
    s.parse().map_err(|_| app::UserError::NotFound { what }.into())
}
