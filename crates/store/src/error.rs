//! The store's error type.

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A uniqueness rule was broken: the record (or its username, national id, …) already exists.
    #[error("{0} already exists")]
    Conflict(String),
    /// A row refers to a record that does not exist.
    #[error("a referenced record does not exist: {0}")]
    MissingReference(String),
    /// The data in the database breaks an invariant (a value that does not parse).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The database URL or file could not be used.
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("migrating the database failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl Error {
    /// Whether retrying the same operation could succeed (a busy database, a lost connection).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)))
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return Error::Conflict(db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned));
            }
            if db.is_foreign_key_violation() {
                return Error::MissingReference(db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned));
            }
        }
        Error::Database(e)
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
