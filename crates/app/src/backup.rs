//! Consistent backups while the server runs, and restoring them.
//!
//! SQLite: `VACUUM INTO` writes a consistent snapshot while writers carry on; the copy is then
//! opened and checked (integrity and audit chain) before it is called a backup. Restoring checks the
//! file the same way and swaps it in atomically; the caller makes sure no server is running.
//! PostgreSQL: `pg_dump` (custom format, one snapshot) and `pg_restore`, from the PostgreSQL client
//! tools, which a county IT department already runs.

use std::path::{Path, PathBuf};

use crate::{App, Caller, Error, Result, UserError};

/// What a backup or restore checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    /// Audit entries verified in the copy (SQLite only).
    pub audit_entries: Option<i64>,
}

/// Opens an SQLite file as a store and verifies it: the schema migrates, the integrity check
/// passes and the audit chain is intact. Returns the number of audit entries.
async fn check_sqlite_copy(path: &Path) -> Result<i64> {
    let store = store::Store::open(&store::StoreOptions::Sqlite { path: path.to_owned() })
        .await
        .map_err(|e| UserError::invalid("backup", format!("{} is not an Inkstone database: {e}", path.display())))?;
    let app =
        App::new(store.clone(), std::sync::Arc::new(crate::SystemClock), crate::AppConfig::school("backup check"));
    let verdict = app.verify_audit(None, |_, _| {}).await;
    store.close().await;
    match verdict? {
        crate::AuditVerification::Intact { entries, .. } => Ok(entries),
        crate::AuditVerification::Broken { problem } => {
            Err(UserError::invalid("backup", format!("the audit chain in {} is broken: {problem}", path.display()))
                .into())
        }
    }
}

impl App {
    /// Writes a consistent copy of an SQLite database to `dest` and checks it.
    pub async fn backup_sqlite(&self, caller: &Caller, dest: &Path) -> Result<BackupReport> {
        if caller.actor().is_some() {
            return Err(UserError::Forbidden("backups are made by the operator".into()).into());
        }
        if dest.exists() {
            return Err(UserError::invalid(
                "destination",
                format!("{} already exists; choose a new file", dest.display()),
            )
            .into());
        }
        store::backup::sqlite_copy_to(&self.store, dest).await?;
        let audit_entries = check_sqlite_copy(dest).await?;
        let bytes = std::fs::metadata(dest).map_err(Error::internal)?.len();
        let entry =
            self.audit_entry(caller, "backup", "database", None, &format!("{} ({bytes} bytes)", dest.display()));
        self.audit_now(vec![entry]).await?;
        Ok(BackupReport { path: dest.to_owned(), bytes, audit_entries: Some(audit_entries) })
    }
}

/// Replaces the SQLite database at `live` with the backup at `backup`, after checking the backup.
/// The server must not be running (the caller holds the data directory's lock).
pub async fn restore_sqlite(backup: &Path, live: &Path) -> Result<BackupReport> {
    let staged = live.with_extension("db.restoring");
    std::fs::copy(backup, &staged)
        .map_err(|e| UserError::invalid("backup", format!("cannot read {}: {e}", backup.display())))?;
    let audit_entries = match check_sqlite_copy(&staged).await {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            let _ = std::fs::remove_file(staged.with_extension("restoring-wal"));
            let _ = std::fs::remove_file(staged.with_extension("restoring-shm"));
            return Err(e);
        }
    };
    // The copy was opened in WAL mode; fold the WAL back so the single file is complete.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", staged.display()));
        if side.exists() {
            return Err(Error::internal(anyhow::anyhow!(
                "{} was left behind after checking the backup",
                side.display()
            )));
        }
        let live_side = PathBuf::from(format!("{}{suffix}", live.display()));
        if live_side.exists() {
            std::fs::remove_file(&live_side).map_err(Error::internal)?;
        }
    }
    std::fs::rename(&staged, live).map_err(Error::internal)?;
    let bytes = std::fs::metadata(live).map_err(Error::internal)?.len();
    Ok(BackupReport { path: live.to_owned(), bytes, audit_entries: Some(audit_entries) })
}

/// Runs `pg_dump` for the database at `url` into `dest` (custom format, one consistent snapshot).
pub fn backup_postgres(url: &str, dest: &Path) -> Result<BackupReport> {
    if dest.exists() {
        return Err(
            UserError::invalid("destination", format!("{} already exists; choose a new file", dest.display())).into()
        );
    }
    run_tool("pg_dump", &["--format=custom", "--no-owner", "--file", &dest.to_string_lossy(), "--dbname", url])?;
    let bytes = std::fs::metadata(dest).map_err(Error::internal)?.len();
    Ok(BackupReport { path: dest.to_owned(), bytes, audit_entries: None })
}

/// Restores a `pg_dump` file into the database at `url`, replacing what is there.
pub fn restore_postgres(url: &str, backup: &Path) -> Result<BackupReport> {
    run_tool(
        "pg_restore",
        &["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, &backup.to_string_lossy()],
    )?;
    let bytes = std::fs::metadata(backup).map_err(Error::internal)?.len();
    Ok(BackupReport { path: backup.to_owned(), bytes, audit_entries: None })
}

fn run_tool(tool: &str, args: &[&str]) -> Result<()> {
    let out = std::process::Command::new(tool).args(args).output().map_err(|e| {
        UserError::invalid(
            tool,
            format!("cannot run {tool} ({e}); install the PostgreSQL client tools (apt-get install postgresql-client)"),
        )
    })?;
    if !out.status.success() {
        // The URL may hold a password: report only the tool's own words.
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(UserError::invalid(tool, format!("{tool} failed: {}", stderr.trim())).into());
    }
    Ok(())
}
