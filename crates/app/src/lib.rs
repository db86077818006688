//! Inkstone's use cases: the one API that both the HTTP server and the CLI call.
//!
//! Every use case that touches personal data follows the same path: gather the facts from the
//! store, let `access` decide, do the work, and append to the audit log in the same breath, so a
//! read or write of personal data cannot happen without its audit entry. Time comes from the
//! [`Clock`] the app was built with, never from the system directly, so tests control it.
//!
//! Errors are either [`Error::User`] (the caller can fix it: a 4xx, a non-zero exit) or
//! [`Error::Internal`] (a bug or an outage: logged in full, shown as a reference only).
//!
//! This crate knows no HTTP and no terminal: it takes typed requests and returns typed answers.

mod audit_log;
mod auth;
mod caller;
mod clock;
mod error;
mod throttle;

pub mod ai;
pub mod assessment;
pub mod backup;
pub mod consent;
pub mod content;
pub mod demo;
pub mod learning;
pub mod records_api;
pub mod replication;
pub mod roster;
pub mod transfer;

use std::sync::{Arc, Mutex};

pub use crate::audit_log::{AuditVerification, AuditView};
pub use crate::auth::{
    ApiTokenCreated, LoginRequest, MIN_PASSWORD_CHARS, PAGE_LANGUAGES, PasswordCost, SignedIn, hash_password,
};
pub use crate::caller::{Actor, AuthMethod, Caller};
pub use crate::clock::{Clock, FixedClock, SystemClock};
pub use crate::error::{Error, InternalError, Result, UserError};
pub use crate::throttle::LoginThrottle;

/// Settings the use cases need. Filled by the CLI from flags, environment and file.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long a sign-in session lasts without use.
    pub session_idle_seconds: i64,
    /// The longest a session lasts at all.
    pub session_max_seconds: i64,
    /// Failed sign-ins allowed per username within the throttle window.
    pub login_failures_per_user: usize,
    /// Failed sign-ins allowed per client address within the throttle window.
    pub login_failures_per_client: usize,
    /// The throttle window.
    pub login_window_seconds: i64,
    /// The name this server gives itself in transfer bundles and exports.
    pub instance_name: String,
    /// The work each new password hash costs.
    pub password_cost: PasswordCost,
}

impl AppConfig {
    /// Settings suited to a school server (8 h idle sessions, 5 failures per user per 15 minutes).
    pub fn school(instance_name: &str) -> Self {
        Self {
            session_idle_seconds: 8 * 3600,
            session_max_seconds: 7 * 24 * 3600,
            login_failures_per_user: 5,
            login_failures_per_client: 50,
            login_window_seconds: 15 * 60,
            instance_name: instance_name.to_owned(),
            password_cost: PasswordCost::Standard,
        }
    }

    /// The same settings with cheap password hashing, for tests that make many accounts.
    pub fn with_cheap_passwords_for_tests(mut self) -> Self {
        self.password_cost = PasswordCost::CheapForTests;
        self
    }
}

/// The application: a store, a clock and settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: store::Store,
    clock: Arc<dyn Clock>,
    config: Arc<AppConfig>,
    throttle: Arc<Mutex<LoginThrottle>>,
    models: Arc<learning::ModelCache>,
    /// Password hashes running at once (one per core): argon2id takes 19 MiB each, and a hash
    /// whose client gave up must not keep piling up (seen at 10 GB under a login flood).
    hashing: Arc<tokio::sync::Semaphore>,
    ai: Arc<ai::Ai>,
    /// The content library, when the server has one (`App::with_content`).
    content: Option<Arc<content::ContentLibrary>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.store.backend())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds the app over an open store.
    pub fn new(store: store::Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let throttle = LoginThrottle::new(
            config.login_failures_per_user,
            config.login_failures_per_client,
            config.login_window_seconds * 1000,
        );
        Self {
            store,
            clock,
            config: Arc::new(config),
            throttle: Arc::new(Mutex::new(throttle)),
            models: Arc::new(learning::ModelCache::default()),
            hashing: Arc::new(tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))),
            ai: Arc::new(ai::Ai::disabled()),
            content: None,
        }
    }

    /// The store, for the few callers (benchmarks, tests) that need it directly.
    pub fn store(&self) -> &store::Store {
        &self.store
    }

    /// The current time by the app's clock.
    pub fn now(&self) -> base::Timestamp {
        self.clock.now()
    }

    /// Today's date (UTC) by the app's clock.
    pub fn today(&self) -> base::Date {
        self.clock.now().date_utc()
    }

    /// The settings.
    pub fn config(&self) -> &AppConfig {
        &self.config
    }
}

/// Trims and bounds a free-text field (shared by the use cases).
pub(crate) fn records_api_text(field: &str, s: &str, max: usize) -> Result<String> {
    records_api::bounded_text(field, s, max)
}

/// A fresh random id for a record made here.
pub(crate) fn new_id() -> String {
    store::new_id()
}
