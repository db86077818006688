//! Free-text grading benchmarks: short answers (SemEval-2013 2-way, ASAP-SAS, Mohler, Chinese SAS) and essays (ASAP-AES).
//!
//! Each protocol trains on the visible files and predicts on whatever test files of the same
//! layout it finds, so held-out parts dropped into the folder are evaluated unchanged.

mod asap_aes;
mod asap_sas;
mod chinese;
mod mohler;
mod protocol;
mod semeval;

#[cfg(test)]
mod tests;

use std::path::Path;

use super::DatasetReport;

/// Runs the benchmark of dataset folder `name` at `path`, or `None` when `name` is not a
/// free-text dataset. `progress` receives one line per step.
pub fn run_dataset(name: &str, path: &Path, progress: &mut dyn FnMut(&str)) -> Option<anyhow::Result<DatasetReport>> {
    let result = match name {
        "semeval2013-task7-2way" => semeval::run(path, progress),
        "asap-sas" => asap_sas::run(path, progress),
        "asap-aes" => asap_aes::run(path, progress),
        "mohler-texas" => mohler::run(path, progress),
        "chinese-sas" => chinese::run(path, progress),
        _ => return None,
    };
    Some(result.map(|(metrics, notes)| DatasetReport { dataset: name.to_owned(), metrics, notes }))
}

/// Names of the dataset folders this module evaluates.
pub const DATASETS: [&str; 5] = ["semeval2013-task7-2way", "asap-sas", "asap-aes", "mohler-texas", "chinese-sas"];
