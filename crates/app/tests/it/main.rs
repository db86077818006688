//! App tests: use cases over a real store, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, unreachable_pub)]

mod access_and_audit;
mod ai;
mod assessment;
mod backup;
mod consent;
mod content;
mod demo;
mod learning;
mod login;
mod replication;
mod roster;
mod transfer;

use std::sync::Arc;

use app::{App, AppConfig, Caller, FixedClock, LoginRequest};
use base::Timestamp;
use test_support::TestDb;

/// Monday 16 November 2026, 09:00 UTC.
pub const NOW: Timestamp = Timestamp::from_millis(1_795_338_000_000);

pub async fn app(db: &TestDb) -> (App, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(NOW));
    (App::new(db.open().await, clock.clone(), AppConfig::school("test school").with_cheap_passwords_for_tests()), clock)
}

pub fn operator() -> Caller {
    Caller::Operator { user: "tester".into() }
}

/// An app with the small demo school in it.
pub async fn demo_app(db: &TestDb) -> (App, Arc<FixedClock>) {
    let (app, clock) = app(db).await;
    app.create_demo(&operator(), app::demo::DemoSize::SMALL, &mut |_| {}).await.unwrap();
    (app, clock)
}

/// Signs in and returns the caller.
pub async fn sign_in(app: &App, username: &str) -> Caller {
    let signed = app
        .login(LoginRequest {
            username: username.into(),
            password: app::demo::DEMO_PASSWORD.into(),
            client: "10.0.0.7".into(),
        })
        .await
        .unwrap();
    Caller::Person(app.authenticate_session(&signed.token).await.unwrap())
}

/// The id of the person with `username`.
pub async fn person_id(app: &App, username: &str) -> base::PersonId {
    let mut c = app.store().read().await.unwrap();
    store::people::credentials(&mut c, username).await.unwrap().unwrap().person
}
