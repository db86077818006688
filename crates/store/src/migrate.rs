//! Schema migrations for both databases, embedded in the binary.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{PgPool, SqlitePool};

use crate::{Error, Result};

/// (version, description, SQLite text, PostgreSQL text). Append only: never edit a released entry.
const MIGRATIONS: &[Entry] = &[
    (
        1,
        "records",
        include_str!("../migrations/sqlite/0001_records.sql"),
        include_str!("../migrations/postgres/0001_records.sql"),
    ),
    (
        2,
        "learning",
        include_str!("../migrations/sqlite/0002_learning.sql"),
        include_str!("../migrations/postgres/0002_learning.sql"),
    ),
    (
        3,
        "assessment",
        include_str!("../migrations/sqlite/0003_assessment.sql"),
        include_str!("../migrations/postgres/0003_assessment.sql"),
    ),
    (
        4,
        "sync",
        include_str!("../migrations/sqlite/0004_sync.sql"),
        include_str!("../migrations/postgres/0004_sync.sql"),
    ),
    (5, "ai", include_str!("../migrations/sqlite/0005_ai.sql"), include_str!("../migrations/postgres/0005_ai.sql")),
    (6, "web", include_str!("../migrations/sqlite/0006_web.sql"), include_str!("../migrations/postgres/0006_web.sql")),
];

type Entry = (i64, &'static str, &'static str, &'static str);

fn migrator(pick: fn(&Entry) -> &'static str) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|m| Migration::new(m.0, Cow::Borrowed(m.1), MigrationType::Simple, pick(m).into_sql_str(), false))
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

pub(crate) async fn run_sqlite(pool: &SqlitePool) -> Result<()> {
    migrator(|m| m.2).run(pool).await.map_err(Error::Migrate)
}

pub(crate) async fn run_postgres(pool: &PgPool) -> Result<()> {
    migrator(|m| m.3).run(pool).await.map_err(Error::Migrate)
}

/// The migration texts, for the test that keeps both dialects in step.
pub fn texts() -> impl Iterator<Item = (&'static str, &'static str)> {
    MIGRATIONS.iter().map(|m| (m.2, m.3))
}
