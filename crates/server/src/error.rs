//! The one way errors leave the server: `application/problem+json` with a stable code.

use app::UserError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error on its way to the client.
#[derive(Debug)]
pub enum ApiError {
    /// From the use cases.
    App(app::Error),
    /// The request itself is malformed (bad JSON, wrong content type, bad path or query).
    BadRequest { code: &'static str, status: StatusCode, detail: String },
}

impl ApiError {
    /// A malformed request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest { code: "bad-request", status: StatusCode::BAD_REQUEST, detail: detail.into() }
    }

    /// A body above the size limit.
    pub fn too_large(limit: usize) -> Self {
        ApiError::BadRequest {
            code: "payload-too-large",
            status: StatusCode::PAYLOAD_TOO_LARGE,
            detail: format!("the request body is larger than {} MiB", (limit >> 20).max(1)),
        }
    }
}

impl From<app::Error> for ApiError {
    fn from(e: app::Error) -> Self {
        ApiError::App(e)
    }
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> Self {
        ApiError::App(e.into())
    }
}

fn status_of(e: &UserError) -> StatusCode {
    match e {
        UserError::Unauthenticated | UserError::BadCredentials => StatusCode::UNAUTHORIZED,
        UserError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        UserError::Forbidden(_) | UserError::ConsentRequired(_) | UserError::CsrfFailed => StatusCode::FORBIDDEN,
        UserError::NotFound { .. } => StatusCode::NOT_FOUND,
        UserError::Invalid { .. } | UserError::RosterRejected(_) | UserError::BadBundle(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        UserError::Conflict(_) => StatusCode::CONFLICT,
        UserError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn problem(status: StatusCode, code: &str, detail: &str, extra: Value) -> Response {
    let mut body = json!({
        "type": format!("urn:inkstone:problem:{code}"),
        "title": status.canonical_reason().unwrap_or("error"),
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
    });
    if let (Some(obj), Value::Object(more)) = (body.as_object_mut(), extra) {
        obj.extend(more);
    }
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest { code, status, detail } => problem(status, code, &detail, Value::Null),
            ApiError::App(app::Error::Internal(e)) => {
                let reference = uuid::Uuid::now_v7().to_string();
                tracing::error!(%reference, error = %e, "internal error");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    &format!(
                        "something went wrong on the server; the operator can find it in the log under {reference}"
                    ),
                    json!({ "reference": reference }),
                )
            }
            ApiError::App(app::Error::User(e)) => {
                let status = status_of(&e);
                let extra = match &e {
                    UserError::RateLimited { retry_after_seconds } => {
                        json!({ "retry_after_seconds": retry_after_seconds })
                    }
                    UserError::ConsentRequired(c) => json!({ "purpose": c.purpose.as_str(), "ask": c.ask.as_str() }),
                    UserError::Invalid { field, .. } => json!({ "field": field }),
                    UserError::RosterRejected(r) => json!({
                        "errors": r.errors.iter().map(|x| json!({
                            "file": x.file,
                            "line": x.line,
                            "column": x.column.as_ref().map(|(name, _)| name),
                            "column_number": x.column.as_ref().map(|(_, n)| n),
                            "reason": x.reason,
                        })).collect::<Vec<_>>(),
                        "more": r.more,
                    }),
                    _ => Value::Null,
                };
                let mut response = problem(status, e.code(), &e.to_string(), extra);
                if let UserError::RateLimited { retry_after_seconds } = e
                    && let Ok(v) = HeaderValue::from_str(&retry_after_seconds.to_string())
                {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
                if status == StatusCode::UNAUTHORIZED {
                    response
                        .headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"inkstone\""));
                }
                response
            }
        }
    }
}
