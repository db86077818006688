//! The app's error: the caller's fault, or ours.

use access::consent::ConsentRequired;

/// A problem the caller can act on. Each variant has a stable [`UserError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("the username or password is wrong")]
    BadCredentials,
    #[error("too many failed sign-ins; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    ConsentRequired(ConsentRequired),
    #[error("{0}")]
    RosterRejected(oneroster::Rejection),
    #[error("{0}")]
    BadBundle(String),
    #[error("the form is missing its security token, or the token is stale: reload the page and try again")]
    CsrfFailed,
    /// A service the request needs (a model, an endpoint) is not configured or not answering.
    #[error("{0}")]
    Unavailable(String),
}

impl UserError {
    /// The stable machine-readable code clients and scripts match on.
    pub fn code(&self) -> &'static str {
        match self {
            UserError::Unauthenticated => "unauthenticated",
            UserError::BadCredentials => "bad-credentials",
            UserError::RateLimited { .. } => "rate-limited",
            UserError::Forbidden(_) => "forbidden",
            UserError::NotFound { .. } => "not-found",
            UserError::Invalid { .. } => "invalid",
            UserError::Conflict(_) => "conflict",
            UserError::ConsentRequired(_) => "consent-required",
            UserError::RosterRejected(_) => "roster-rejected",
            UserError::BadBundle(_) => "bad-bundle",
            UserError::CsrfFailed => "csrf-failed",
            UserError::Unavailable(_) => "unavailable",
        }
    }

    /// An invalid-input error for a named field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        UserError::Invalid { field: field.into(), message: message.into() }
    }
}

/// A failure that is not the caller's fault. Its details are logged, never shown.
#[derive(Debug, thiserror::Error)]
#[error("internal error: {0:#}")]
pub struct InternalError(#[from] pub anyhow::Error);

/// Either kind of failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    User(#[from] UserError),
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl Error {
    /// Wraps anything as an internal error.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Error::Internal(InternalError(e.into()))
    }

    /// The user error, if this is one.
    pub fn as_user(&self) -> Option<&UserError> {
        match self {
            Error::User(u) => Some(u),
            Error::Internal(_) => None,
        }
    }
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Conflict(what) => Error::User(UserError::Conflict(format!("{what} already exists"))),
            other => Error::internal(other),
        }
    }
}

impl From<access::Denied> for Error {
    fn from(d: access::Denied) -> Self {
        match d {
            // Not telling a stranger whether the record exists.
            access::Denied::NotRelated => Error::User(UserError::NotFound { what: "record" }),
            other => Error::User(UserError::Forbidden(other.to_string())),
        }
    }
}

/// The app's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
