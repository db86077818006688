//! Settings: one struct filled from flags, then environment, then an optional TOML file, then
//! defaults. Secrets may come from files (`--database-file`, `INKSTONE_DATABASE_URL_FILE`), so a
//! PostgreSQL password need not sit in the environment or the process list.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// Settings as given on the command line or in the environment (the "low" form: unresolved).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct RawSettings {
    /// Where the embedded database, backups and caches live.
    #[arg(long, global = true, env = "INKSTONE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL instead of the embedded SQLite: postgres://user@host:port/db.
    #[arg(long, global = true, env = "INKSTONE_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database: Option<String>,
    /// Read the PostgreSQL URL from this file (for secrets).
    #[arg(long, global = true, env = "INKSTONE_DATABASE_URL_FILE", value_name = "FILE")]
    pub database_file: Option<PathBuf>,
    /// A TOML settings file (default: inkstone.toml in the data directory, if present).
    #[arg(long, global = true, env = "INKSTONE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where model files live (default: models in the data directory).
    #[arg(long, global = true, env = "INKSTONE_MODELS_DIR", value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
    /// Most space content channels may take under `<data-dir>/content`, in megabytes (10^6 bytes).
    #[arg(long, global = true, env = "INKSTONE_CONTENT_QUOTA_MB", value_name = "MB")]
    pub content_quota_mb: Option<u64>,
}

/// Settings that only `serve` uses.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct RawServeSettings {
    /// The address to listen on.
    #[arg(long, env = "INKSTONE_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Mark cookies Secure: only when clients reach the server over HTTPS.
    #[arg(long, env = "INKSTONE_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Trust X-Forwarded-For: only behind a reverse proxy you run.
    #[arg(long, env = "INKSTONE_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: Option<bool>,
    #[command(flatten)]
    pub ai: ai::RawAiSettings,
}

/// The TOML file's shape. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    database: Option<String>,
    database_file: Option<PathBuf>,
    listen: Option<SocketAddr>,
    secure_cookies: Option<bool>,
    trust_forwarded_for: Option<bool>,
    instance_name: Option<String>,
    max_connections: Option<u32>,
    models_dir: Option<PathBuf>,
    content_quota_mb: Option<u64>,
    #[serde(default)]
    ai: ai::FileAiSettings,
}

/// Where the records are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Database {
    Sqlite { path: PathBuf },
    Postgres { url: String, max_connections: u32 },
}

/// Resolved settings (the "high" form): every choice made.
#[derive(Clone)]
pub(crate) struct Settings {
    pub data_dir: PathBuf,
    pub database: Database,
    pub listen: SocketAddr,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub instance_name: String,
    pub ai: ai::AiSettings,
    /// Bytes content channels may take under `<data_dir>/content`.
    pub content_quota_bytes: u64,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The PostgreSQL URL may hold a password: never print it.
        let db = match &self.database {
            Database::Sqlite { path } => format!("sqlite:{}", path.display()),
            Database::Postgres { .. } => "postgres (url hidden)".to_owned(),
        };
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("database", &db)
            .field("listen", &self.listen)
            .finish()
    }
}

/// The default listening address: this machine only, until the operator opens it to the LAN.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Content storage when not configured: 20 GB, a fair share of a small school server's disk.
pub(crate) const DEFAULT_CONTENT_QUOTA_MB: u64 = 20_000;

impl Settings {
    /// Resolves flags and environment over the file over defaults.
    pub(crate) fn resolve(raw: &RawSettings, serve: &RawServeSettings) -> anyhow::Result<Settings> {
        let data_dir_guess = raw.data_dir.clone().unwrap_or_else(|| PathBuf::from("inkstone-data"));
        let file = match &raw.config {
            Some(path) => read_file(path)?,
            None => {
                let default = data_dir_guess.join("inkstone.toml");
                if default.exists() { read_file(&default)? } else { FileSettings::default() }
            }
        };
        let data_dir = raw.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("inkstone-data"));
        let url = match (&raw.database, &raw.database_file, file.database, file.database_file) {
            (Some(url), _, _, _) => Some(url.clone()),
            (None, Some(path), _, _) => Some(read_secret(path)?),
            (None, None, Some(url), _) => Some(url),
            (None, None, None, Some(path)) => Some(read_secret(&path)?),
            (None, None, None, None) => None,
        };
        let database = match url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres { url, max_connections: file.max_connections.unwrap_or(16) }
            }
            Some(url) if url.starts_with("sqlite:") => Database::Sqlite {
                path: PathBuf::from(url.trim_start_matches("sqlite://").trim_start_matches("sqlite:")),
            },
            Some(_) => bail!(
                "--database must be a postgres:// URL (or sqlite:PATH); leave it out to use the embedded database"
            ),
            None => Database::Sqlite { path: data_dir.join("inkstone.db") },
        };
        let listen = match serve.listen.or(file.listen) {
            Some(l) => l,
            None => DEFAULT_LISTEN.parse().context("the default listening address")?,
        };
        let models_dir = raw.models_dir.clone().or(file.models_dir).unwrap_or_else(|| data_dir.join("models"));
        let ai = ai::AiSettings::resolve(&serve.ai, file.ai, models_dir, &data_dir)?;
        let content_quota_mb = raw.content_quota_mb.or(file.content_quota_mb).unwrap_or(DEFAULT_CONTENT_QUOTA_MB);
        Ok(Settings {
            content_quota_bytes: content_quota_mb.saturating_mul(1_000_000),
            ai,
            data_dir,
            database,
            listen,
            secure_cookies: serve.secure_cookies.or(file.secure_cookies).unwrap_or(false),
            trust_forwarded_for: serve.trust_forwarded_for.or(file.trust_forwarded_for).unwrap_or(false),
            instance_name: file.instance_name.unwrap_or_else(|| "Inkstone".to_owned()),
        })
    }

    /// The store options for these settings, creating the data directory for SQLite.
    pub(crate) fn store_options(&self) -> anyhow::Result<store::StoreOptions> {
        Ok(match &self.database {
            Database::Sqlite { path } => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    create_private_dir(parent)?;
                }
                store::StoreOptions::Sqlite { path: path.clone() }
            }
            Database::Postgres { url, max_connections } => {
                store::StoreOptions::Postgres { url: url.clone(), max_connections: *max_connections }
            }
        })
    }
}

/// Creates a directory readable by its owner only (it will hold students' records).
pub(crate) fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {} to its owner", dir.display()))?;
    }
    Ok(())
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading settings from {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing settings in {}", path.display()))
}

fn read_secret(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the secret in {}", path.display()))?;
    Ok(text.trim().to_owned())
}

pub(crate) mod ai;

#[cfg(test)]
mod tests;
