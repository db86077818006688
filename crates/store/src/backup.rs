//! Consistent copies of an SQLite database while the server runs.

use std::path::Path;

use crate::{Error, Result, Store};

/// Writes a consistent, compacted copy of the SQLite database to `dest` (which must not exist),
/// using `VACUUM INTO`: it reads one snapshot, so writers carry on while it runs.
/// On PostgreSQL this is an error; use `pg_dump` there.
pub async fn sqlite_copy_to(store: &Store, dest: &Path) -> Result<()> {
    let Some(pool) = store.sqlite_readers() else {
        return Err(Error::Open("VACUUM INTO is an SQLite operation; back up PostgreSQL with pg_dump".into()));
    };
    let dest = dest.to_str().ok_or_else(|| Error::Open(format!("{} is not a UTF-8 path", dest.display())))?;
    sqlx::query("VACUUM INTO $1").bind(dest).execute(pool).await?;
    Ok(())
}
