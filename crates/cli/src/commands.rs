//! The commands, and what they share: opening the app, the operator's identity, logging.

pub(crate) mod audit;
pub(crate) mod bench;
pub(crate) mod bench_sync;
pub(crate) mod content;
pub(crate) mod eval;
pub(crate) mod models;
pub(crate) mod roster;
pub(crate) mod serve;
pub(crate) mod sync;
pub(crate) mod transfer;
pub(crate) mod users;

use std::sync::Arc;

use anyhow::Context;

use crate::Command;
use crate::settings::{RawServeSettings, RawSettings, Settings};

/// Logs to stderr; `INKSTONE_LOG` (or `RUST_LOG`) chooses the level, `info` by default.
pub(crate) fn init_tracing() {
    let filter = std::env::var("INKSTONE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// The operator: whoever runs the binary, named by their operating-system user.
pub(crate) fn operator() -> app::Caller {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "operator".to_owned());
    app::Caller::Operator { user }
}

/// Opens the store and builds the app with the system clock.
pub(crate) async fn open(settings: &Settings) -> anyhow::Result<app::App> {
    let options = settings.store_options()?;
    let store = store::Store::open(&options).await.context("opening the database")?;
    let content_dir = settings.data_dir.join("content");
    let library = app::content::ContentLibrary::open(&content_dir, settings.content_quota_bytes)
        .with_context(|| format!("opening the content library in {}", content_dir.display()))?;
    Ok(app::App::new(store, Arc::new(app::SystemClock), app::AppConfig::school(&settings.instance_name))
        .with_content(library))
}

/// Runs a command.
pub(crate) async fn run(raw: RawSettings, command: Command) -> anyhow::Result<()> {
    let serve_raw = match &command {
        Command::Serve { serve, .. } => serve.clone(),
        _ => RawServeSettings::default(),
    };
    let settings = Settings::resolve(&raw, &serve_raw)?;
    match command {
        Command::Serve { demo, size, .. } => serve::serve(&settings, demo.then(|| size.resolve())).await,
        Command::Demo { size } => serve::demo(&settings, size.resolve()).await,
        Command::Import(c) => roster::import(&settings, c).await,
        Command::Export(c) => roster::export(&settings, c).await,
        Command::Audit(c) => audit::run(&settings, c).await,
        Command::Backup { out } => serve::backup(&settings, &out).await,
        Command::Restore { file } => serve::restore(&settings, &file).await,
        Command::Users(c) => users::run(&settings, c).await,
        Command::Transfer(c) => transfer::run(&settings, c).await,
        Command::Eval(c) => eval::run(c),
        Command::Bench(c) => bench::run(&settings, c).await,
        Command::Sync(c) => sync::run(&settings, c).await,
        Command::Content(c) => content::run(&settings, c).await,
        Command::Models(c) => {
            tokio::task::spawn_blocking(move || models::run(&settings, c)).await.context("fetching models")?
        }
        Command::InferenceWorker { .. } => anyhow::bail!("the inference worker is started by `inkstone serve`"),
    }
}

/// Prints a line of the command's output (stdout is the command's product; logs go to stderr).
#[allow(clippy::print_stdout)]
pub(crate) fn say(line: impl std::fmt::Display) {
    println!("{line}");
}
