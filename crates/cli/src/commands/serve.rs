//! `serve`, `demo`, `backup` and `restore`.

use std::fs::File;
use std::path::Path;

use anyhow::{Context, bail};

use super::{open, operator, say};
use crate::progress;
use crate::settings::{Database, Settings};

/// Holds the data directory's lock: one server at a time, and no restore under a running server.
pub(crate) fn lock_data_dir(settings: &Settings) -> anyhow::Result<File> {
    crate::settings::create_private_dir(&settings.data_dir)?;
    let path = settings.data_dir.join("inkstone.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            bail!("another inkstone server is using {}; stop it first", settings.data_dir.display())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", path.display())),
    }
}

/// The demo school's size: the standard school unless told otherwise.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct DemoSizeArgs {
    /// A small school (6 classes, 60 students) instead of the full one (24 classes, 1,000 students).
    #[arg(long)]
    small: bool,
    /// Classes per grade (grades 7 to 9).
    #[arg(long, value_name = "N")]
    classes_per_grade: Option<usize>,
    /// Students, spread evenly over the classes.
    #[arg(long, value_name = "N")]
    students: Option<usize>,
    /// Teachers, each teaching an even share of the classes.
    #[arg(long, value_name = "N")]
    teachers: Option<usize>,
}

impl DemoSizeArgs {
    pub(crate) fn resolve(&self) -> app::demo::DemoSize {
        let base = if self.small { app::demo::DemoSize::SMALL } else { app::demo::DemoSize::STANDARD };
        app::demo::DemoSize {
            classes_per_grade: self.classes_per_grade.unwrap_or(base.classes_per_grade).max(1),
            students: self.students.unwrap_or(base.students).max(1),
            teachers: self.teachers.unwrap_or(base.teachers).max(1),
            ..base
        }
    }
}

async fn make_demo(app: &app::App, size: app::demo::DemoSize) -> anyhow::Result<app::demo::DemoSchool> {
    let bar = progress::bar(1, "creating the demo school");
    let school = app
        .create_demo(&operator(), size, &mut |p| {
            bar.set_message(p.step);
            bar.set_length(p.total.max(1));
            bar.set_position(p.done);
        })
        .await;
    bar.finish_and_clear();
    let school = school?;
    app.install_demo_channel(&operator()).await.context("installing the demo content channel")?;
    say(format!("Demo content: channel {} (search and recommendations draw on it).", app::content::demo::DEMO_CHANNEL));
    Ok(school)
}

fn print_logins(school: &app::demo::DemoSchool) {
    say(format!(
        "Demo school: {} ({} classes, {} students, {} guardians, {} teachers)",
        school.school_name, school.classes, school.students, school.guardians, school.teachers
    ));
    say(format!("Demo logins (password: {}):", app::demo::DEMO_PASSWORD));
    for (role, username) in &school.logins {
        say(format!("  {role:<22} {username}"));
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub(crate) async fn serve(settings: &Settings, demo: Option<app::demo::DemoSize>) -> anyhow::Result<()> {
    let _lock = lock_data_dir(settings)?;
    let ai_settings = settings.ai.clone();
    let engines = tokio::task::spawn_blocking(move || super::models::engines(&ai_settings))
        .await
        .context("starting the AI engines")??;
    tracing::info!(?engines, "AI engines");
    let app = open(settings).await?.with_ai(app::ai::Ai::new(engines, settings.ai.app_settings()));
    if let Some(size) = demo {
        if app.has_school().await? {
            say("The database already holds a school; serving it as it is.");
            say(format!(
                "Demo logins, if it is the demo school (password: {}): admin, teacher01, student0001, guardian0001, county",
                app::demo::DEMO_PASSWORD
            ));
        } else {
            let school = make_demo(&app, size).await?;
            print_logins(&school);
        }
    }
    let server_settings = server::ServerSettings {
        secure_cookies: settings.secure_cookies,
        trust_forwarded_for: settings.trust_forwarded_for,
        ..server::ServerSettings::lan()
    };
    let router = server::router(app.clone(), server_settings);
    let listener = tokio::net::TcpListener::bind(settings.listen).await.with_context(|| {
        format!("listening on {} (is another program using it? choose one with --listen)", settings.listen)
    })?;
    let backend = match settings.database {
        Database::Sqlite { .. } => format!("SQLite in {}", settings.data_dir.display()),
        Database::Postgres { .. } => "PostgreSQL".to_owned(),
    };
    say(format!("Inkstone is serving on http://{} ({backend}). Stop it with Ctrl-C.", listener.local_addr()?));
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
    app.store().close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Creates the demo school in an empty data directory.
pub(crate) async fn demo(settings: &Settings, size: app::demo::DemoSize) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let school = make_demo(&app, size).await?;
    print_logins(&school);
    app.store().close().await;
    Ok(())
}

/// Writes a consistent copy of the database.
pub(crate) async fn backup(settings: &Settings, out: &Path) -> anyhow::Result<()> {
    let report = match &settings.database {
        Database::Sqlite { .. } => {
            let app = open(settings).await?;
            let r = app.backup_sqlite(&operator(), out).await?;
            app.store().close().await;
            r
        }
        Database::Postgres { url, .. } => app::backup::backup_postgres(url, out)?,
    };
    say(format!("Backup written to {} ({} bytes).", report.path.display(), report.bytes));
    if let Some(n) = report.audit_entries {
        say(format!("Checked: the copy opens, and its audit chain of {n} entries is intact."));
    }
    Ok(())
}

/// Replaces the database with a backup.
pub(crate) async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let report = match &settings.database {
        Database::Sqlite { path } => {
            let _lock = lock_data_dir(settings)?;
            app::backup::restore_sqlite(file, path).await?
        }
        Database::Postgres { url, .. } => app::backup::restore_postgres(url, file)?,
    };
    say(format!("Restored {} into {}.", file.display(), report.path.display()));
    if let Some(n) = report.audit_entries {
        say(format!("Checked before restoring: its audit chain of {n} entries is intact."));
    }
    Ok(())
}
