//! Which published protocol a dataset directory follows, recognised from the files present.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};

/// The two published knowledge-tracing evaluation protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// DKVMN (Zhang et al. 2017): train on `*_train1`, select on `*_valid1`, report `*_test`.
    Dkvmn,
    /// AKT (Ghosh et al. 2020): for each fold k train on `*_train{k}`, early-stop on
    /// `*_valid{k}`, report `*_test{k}`; the figure is the mean over folds.
    Akt,
}

impl Protocol {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Dkvmn => "dkvmn",
            Protocol::Akt => "akt",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Protocol {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "dkvmn" => Ok(Protocol::Dkvmn),
            "akt" => Ok(Protocol::Akt),
            _ => bail!("unknown protocol {s:?}: expected \"dkvmn\" or \"akt\""),
        }
    }
}

/// The files of one train/valid/test round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// 1-based fold number.
    pub number: u32,
    /// Training file.
    pub train: PathBuf,
    /// Model-selection (early stopping) file.
    pub valid: PathBuf,
    /// Reported file.
    pub test: PathBuf,
}

/// A dataset directory resolved to a protocol and its folds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The protocol followed.
    pub protocol: Protocol,
    /// The file-name prefix shared by the split files (e.g. `name` in `name_train1.csv`).
    pub prefix: String,
    /// The rounds to run, in order.
    pub folds: Vec<Fold>,
}

/// Lists `dir` and decides the protocol: numbered test files (`*_test1.csv` …) mean AKT; a single
/// `*_test.csv` next to `*_train1.csv`/`*_valid1.csv` means DKVMN. `force` overrides the choice
/// but the files it needs must exist.
pub fn plan(dir: &Path, force: Option<Protocol>) -> anyhow::Result<Plan> {
    let names: BTreeSet<String> = std::fs::read_dir(dir)
        .with_context(|| format!("listing dataset directory {}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .collect();
    let prefixes: BTreeSet<&str> = names.iter().filter_map(|n| n.strip_suffix("_train1.csv")).collect();
    let prefix = match prefixes.len() {
        1 => *prefixes.first().expect("one prefix"),
        0 => bail!(
            "{}: no *_train1.csv file; expected DKVMN files (*_train1.csv, *_valid1.csv, \
             *_test.csv) or AKT files (*_train{{k}}.csv, *_valid{{k}}.csv, *_test{{k}}.csv)",
            dir.display()
        ),
        _ => bail!(
            "{}: several datasets share the directory ({}); give one dataset per directory",
            dir.display(),
            prefixes.iter().map(|p| format!("{p}_train1.csv")).collect::<Vec<_>>().join(", ")
        ),
    };
    let has = |suffix: &str| names.contains(&format!("{prefix}_{suffix}"));
    let n_test_folds = (1..).take_while(|k| has(&format!("test{k}.csv"))).count() as u32;
    let detected = if n_test_folds > 0 {
        Protocol::Akt
    } else if has("test.csv") {
        Protocol::Dkvmn
    } else {
        bail!("{}: found {prefix}_train1.csv but neither {prefix}_test.csv nor {prefix}_test1.csv", dir.display())
    };
    let protocol = force.unwrap_or(detected);
    let path = |suffix: String| -> anyhow::Result<PathBuf> {
        let name = format!("{prefix}_{suffix}");
        if names.contains(&name) {
            Ok(dir.join(name))
        } else {
            bail!("{}: the {protocol} protocol needs {name}, which is missing", dir.display())
        }
    };
    let folds = match protocol {
        Protocol::Dkvmn => vec![Fold {
            number: 1,
            train: path("train1.csv".into())?,
            valid: path("valid1.csv".into())?,
            test: path("test.csv".into())?,
        }],
        Protocol::Akt => {
            if n_test_folds == 0 {
                bail!("{}: the akt protocol needs {prefix}_test1.csv, which is missing", dir.display());
            }
            (1..=n_test_folds)
                .map(|k| {
                    Ok(Fold {
                        number: k,
                        train: path(format!("train{k}.csv"))?,
                        valid: path(format!("valid{k}.csv"))?,
                        test: path(format!("test{k}.csv"))?,
                    })
                })
                .collect::<anyhow::Result<_>>()?
        }
    };
    Ok(Plan { protocol, prefix: prefix.to_owned(), folds })
}
