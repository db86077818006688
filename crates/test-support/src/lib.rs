//! Helpers for tests only: a fresh, migrated database per test on SQLite or PostgreSQL, and the
//! [`store_test!`] macro that writes one test body for both.
//!
//! PostgreSQL tests use the server at `TEST_POSTGRES_URL` (started by `cargo xtask ci` or
//! `cargo xtask postgres`). When the variable is missing they FAIL, so a run that was meant to
//! cover PostgreSQL can never pass by skipping it; set `INKSTONE_TEST_SQLITE_ONLY=1` to run the
//! SQLite half alone on a machine without PostgreSQL, knowingly.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::Connection;
use store::{Store, StoreOptions};

/// The shared evaluation data folder (`../shared/data` beside the repository, or
/// `INKSTONE_SHARED_DATA`), if present. Tests that read standards samples from it print a note and
/// pass vacuously only when it is absent; CI provides it.
pub fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("INKSTONE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is missing; skipping the checks that read shared sample data", dir.display());
        None
    }
}

/// A fresh database for one test. Keep it alive for as long as the store is used.
#[derive(Debug)]
pub struct TestDb {
    pub options: StoreOptions,
    /// The SQLite file's folder, removed on drop.
    pub dir: Option<tempfile::TempDir>,
    /// The PostgreSQL URL of this test's own database.
    pub url: Option<String>,
}

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl TestDb {
    /// A new empty SQLite database in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inkstone.db");
        TestDb { options: StoreOptions::Sqlite { path }, dir: Some(dir), url: None }
    }

    /// A new empty database on the test PostgreSQL server, or `None` when the run is knowingly
    /// SQLite-only.
    pub async fn postgres() -> Option<TestDb> {
        let base = match std::env::var("TEST_POSTGRES_URL") {
            Ok(url) => url,
            Err(_) if std::env::var_os("INKSTONE_TEST_SQLITE_ONLY").is_some() => return None,
            Err(_) => panic!(
                "TEST_POSTGRES_URL is not set: run the tests with `cargo xtask ci` (or `cargo xtask postgres`), \
                 or set INKSTONE_TEST_SQLITE_ONLY=1 to skip PostgreSQL knowingly"
            ),
        };
        let name = format!("inkstone_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
        admin.close().await.unwrap();
        let options = sqlx::postgres::PgConnectOptions::from_str(&base).unwrap().database(&name);
        let url = format!("postgres://{}@{}:{}/{name}", options.get_username(), options.get_host(), options.get_port());
        Some(TestDb {
            options: StoreOptions::Postgres { url: url.clone(), max_connections: 8 },
            dir: None,
            url: Some(url),
        })
    }

    /// A database of the given kind (`None` only for a knowingly SQLite-only run).
    pub async fn new(kind: Kind) -> Option<TestDb> {
        match kind {
            Kind::Sqlite => Some(TestDb::sqlite()),
            Kind::Postgres => TestDb::postgres().await,
        }
    }

    /// Opens (and migrates) the store.
    pub async fn open(&self) -> Store {
        Store::open(&self.options).await.unwrap()
    }

    /// The SQLite file, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.options {
            StoreOptions::Sqlite { path } => Some(path.clone()),
            StoreOptions::Postgres { .. } => None,
        }
    }

    /// Runs raw SQL on a separate connection, as someone tampering with the database would.
    pub async fn raw(&self, sql: &str) {
        match &self.options {
            StoreOptions::Sqlite { path } => {
                let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.unwrap();
            }
            StoreOptions::Postgres { url, .. } => {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.unwrap();
            }
        }
    }
}

/// Writes one async test body that runs on SQLite and on PostgreSQL, each with a fresh database:
///
/// ```ignore
/// store_test!(enrolling_twice_is_a_conflict, |db: TestDb| async move { ... });
/// ```
#[macro_export]
macro_rules! store_test {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: $crate::TestDb) {
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres().await {
                    run(db).await;
                }
            }
        }
    };
}
