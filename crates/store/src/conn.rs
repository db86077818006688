//! Opening the database, connections, transactions and the macro that runs one query on either backend.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

use crate::{Error, Result, migrate};

/// Runs `$body` with `$c` bound to the open connection, whichever backend it is. The body is
/// compiled once per backend, so the same SQL text serves both.
macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $crate::Connection::db($conn) {
            $crate::Db::Sqlite($c) => $body,
            $crate::Db::Postgres($c) => $body,
        }
    };
}

/// Like [`on!`] for statements that change rows: evaluates to the number of rows affected, so
/// that both backends' result types meet.
macro_rules! exec {
    ($conn:expr, $c:ident => $body:expr) => {
        match $crate::Connection::db($conn) {
            $crate::Db::Sqlite($c) => $body.map(|r| r.rows_affected()),
            $crate::Db::Postgres($c) => $body.map(|r| r.rows_affected()),
        }
    };
}

/// Which database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to open a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOptions {
    /// An SQLite database file, created if missing.
    Sqlite { path: PathBuf },
    /// A PostgreSQL URL, `postgres://user@host:port/db`.
    Postgres { url: String, max_connections: u32 },
}

/// An open database: on SQLite a single-writer pool and a reader pool; on PostgreSQL one pool.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Pools,
}

#[derive(Debug, Clone)]
enum Pools {
    Sqlite { writer: SqlitePool, readers: SqlitePool },
    Postgres(PgPool),
}

/// A borrowed connection of either backend, as queries see it.
#[derive(Debug)]
pub enum Db<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Anything queries can run on: a read connection or a write transaction.
pub trait Connection: Send {
    /// The underlying connection.
    fn db(&mut self) -> Db<'_>;
}

/// A pooled connection for reads.
#[derive(Debug)]
pub enum ReadConn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl Connection for ReadConn {
    fn db(&mut self) -> Db<'_> {
        match self {
            ReadConn::Sqlite(c) => Db::Sqlite(c),
            ReadConn::Postgres(c) => Db::Postgres(c),
        }
    }
}

/// A write transaction. Dropping it without [`Tx::commit`] rolls it back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Connection for Tx {
    fn db(&mut self) -> Db<'_> {
        match self {
            Tx::Sqlite(t) => Db::Sqlite(t),
            Tx::Postgres(t) => Db::Postgres(t),
        }
    }
}

impl Tx {
    /// Makes the transaction's changes permanent.
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Throws the transaction's changes away.
    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// Connections kept for readers on SQLite. Reads are short; four cover a school's LAN.
const SQLITE_READERS: u32 = 4;

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to date.
    pub async fn open(options: &StoreOptions) -> Result<Store> {
        let store = match options {
            StoreOptions::Sqlite { path } => {
                let connect = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // Keep each connection's page cache small: memory matters on a 2 GB box.
                    .pragma("cache_size", "-4000")
                    .statement_cache_capacity(200);
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(connect.clone())
                    .await
                    .map_err(|e| Error::Open(format!("{}: {e}", path.display())))?;
                migrate::run_sqlite(&writer).await?;
                let readers = SqlitePoolOptions::new()
                    .max_connections(SQLITE_READERS)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(connect.read_only(false))
                    .await
                    .map_err(|e| Error::Open(format!("{}: {e}", path.display())))?;
                Store { inner: Pools::Sqlite { writer, readers } }
            }
            StoreOptions::Postgres { url, max_connections } => {
                let connect =
                    PgConnectOptions::from_str(url).map_err(|e| Error::Open(format!("bad PostgreSQL URL: {e}")))?;
                let pool = PgPoolOptions::new()
                    .max_connections(*max_connections)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(connect)
                    .await
                    .map_err(|e| Error::Open(format!("PostgreSQL: {e}")))?;
                migrate::run_postgres(&pool).await?;
                Store { inner: Pools::Postgres(pool) }
            }
        };
        Ok(store)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<ReadConn> {
        Ok(match &self.inner {
            Pools::Sqlite { readers, .. } => ReadConn::Sqlite(readers.acquire().await?),
            Pools::Postgres(pool) => ReadConn::Postgres(pool.acquire().await?),
        })
    }

    /// A write transaction (on SQLite it holds the database's write lock from its first statement).
    pub async fn write(&self) -> Result<Tx> {
        Ok(match &self.inner {
            Pools::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes every connection, waiting for them to be returned.
    pub async fn close(&self) {
        match &self.inner {
            Pools::Sqlite { writer, readers } => {
                readers.close().await;
                writer.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }

    /// The SQLite reader pool, for the few operations (backup) that only exist there.
    pub(crate) fn sqlite_readers(&self) -> Option<&SqlitePool> {
        match &self.inner {
            Pools::Sqlite { readers, .. } => Some(readers),
            Pools::Postgres(_) => None,
        }
    }
}
