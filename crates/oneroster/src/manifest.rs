//! `manifest.csv`: the version and, for each file, whether it is absent, bulk or delta.

use std::collections::BTreeMap;

use crate::{Rejection, RosterError, RosterFiles};

const MANIFEST: &str = "manifest.csv";

/// How a file is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileMode {
    Absent,
    /// The complete set of records of this type: those not in the file are deleted.
    Bulk,
    /// Changes only: each row is `active` (added or changed) or `tobedeleted`.
    Delta,
}

impl FileMode {
    /// The manifest word.
    pub fn as_str(self) -> &'static str {
        match self {
            FileMode::Absent => "absent",
            FileMode::Bulk => "bulk",
            FileMode::Delta => "delta",
        }
    }
}

/// The rostering files Inkstone imports, in the order they must be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RosterFile {
    Orgs,
    AcademicSessions,
    Courses,
    Classes,
    Users,
    Demographics,
    Roles,
    Enrollments,
}

impl RosterFile {
    /// Every rostering file, in the order they must be applied (referenced records first).
    pub const ALL: [RosterFile; 8] = [
        RosterFile::Orgs,
        RosterFile::AcademicSessions,
        RosterFile::Courses,
        RosterFile::Classes,
        RosterFile::Users,
        RosterFile::Demographics,
        RosterFile::Roles,
        RosterFile::Enrollments,
    ];

    /// The manifest key without `file.`, which is also the file name without `.csv`.
    pub fn key(self) -> &'static str {
        match self {
            RosterFile::Orgs => "orgs",
            RosterFile::AcademicSessions => "academicSessions",
            RosterFile::Courses => "courses",
            RosterFile::Classes => "classes",
            RosterFile::Users => "users",
            RosterFile::Demographics => "demographics",
            RosterFile::Roles => "roles",
            RosterFile::Enrollments => "enrollments",
        }
    }

    /// The file name, e.g. `users.csv`.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.key())
    }
}

/// Files a OneRoster 1.2 manifest may name that Inkstone does not import (gradebook, resources,
/// third-party credentials). A set that sends them is accepted; the importer reports them as skipped.
const OTHER_FILES: [&str; 13] = [
    "categories",
    "classResources",
    "courseResources",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "scoreScales",
    "userProfiles",
    "userResources",
];

/// A parsed and checked manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    modes: BTreeMap<RosterFile, FileMode>,
    /// Files sent that Inkstone does not import, with their modes.
    pub skipped: Vec<(String, FileMode)>,
    pub source_system: Option<String>,
}

impl Manifest {
    /// How `file` is sent.
    pub fn mode(&self, file: RosterFile) -> FileMode {
        self.modes.get(&file).copied().unwrap_or(FileMode::Absent)
    }

    /// Reads and checks `manifest.csv` against the files actually present.
    pub fn parse(files: &RosterFiles) -> Result<Manifest, Rejection> {
        let mut rejection = Rejection::new();
        let Some(bytes) = files.get(MANIFEST) else {
            rejection.push(RosterError::file(MANIFEST, "manifest.csv is missing: every OneRoster set starts with one"));
            return Err(rejection);
        };
        let mut props: BTreeMap<String, (String, u64)> = BTreeMap::new();
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        for (i, record) in reader.byte_records().enumerate() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    rejection.push(RosterError::file(MANIFEST, format!("not valid CSV: {e}")));
                    return Err(rejection);
                }
            };
            let line = record.position().map_or(i as u64 + 1, |p| p.line());
            let field = |k: usize| String::from_utf8_lossy(record.get(k).unwrap_or_default()).trim().to_owned();
            let (name, value) = (field(0).trim_start_matches('\u{feff}').to_owned(), field(1));
            if i == 0 {
                if name != "propertyName" || value != "value" {
                    rejection.push(RosterError::line(MANIFEST, line, "the header must be `propertyName,value`"));
                }
                continue;
            }
            if record.len() != 2 {
                rejection.push(RosterError::line(MANIFEST, line, format!("expected 2 fields, found {}", record.len())));
                continue;
            }
            if props.insert(name.clone(), (value, line)).is_some() {
                rejection.push(RosterError::line(MANIFEST, line, format!("{name} is given twice")));
            }
        }

        match props.get("oneroster.version").map(|(v, l)| (v.as_str(), *l)) {
            Some(("1.2", _)) => {}
            Some((v, line)) => rejection.push(RosterError::line(
                MANIFEST,
                line,
                format!("oneroster.version is {v:?}; Inkstone imports OneRoster 1.2 CSV (ask the sending system for a 1.2 export)"),
            )),
            None => rejection.push(RosterError::file(MANIFEST, "oneroster.version is missing")),
        }

        let mut modes = BTreeMap::new();
        let mut skipped = Vec::new();
        let mut in_order: Vec<(&String, &(String, u64))> = props.iter().collect();
        in_order.sort_by_key(|(_, (_, line))| *line);
        for (name, (value, line)) in in_order {
            let Some(key) = name.strip_prefix("file.") else {
                continue;
            };
            let mode = match value.as_str() {
                "absent" => FileMode::Absent,
                "bulk" => FileMode::Bulk,
                "delta" => FileMode::Delta,
                other => {
                    rejection.push(RosterError::line(
                        MANIFEST,
                        *line,
                        format!("{name} is {other:?}; it must be absent, bulk or delta"),
                    ));
                    continue;
                }
            };
            if let Some(file) = RosterFile::ALL.into_iter().find(|f| f.key() == key) {
                modes.insert(file, mode);
            } else if OTHER_FILES.contains(&key) {
                if mode != FileMode::Absent {
                    skipped.push((format!("{key}.csv"), mode));
                }
            } else {
                rejection.push(RosterError::line(MANIFEST, *line, format!("{name} is not a OneRoster 1.2 file")));
                continue;
            }
            let file_name = format!("{key}.csv");
            match (mode, files.get(&file_name).is_some()) {
                (FileMode::Absent, true) => rejection.push(RosterError::line(
                    MANIFEST,
                    *line,
                    format!("{file_name} is present but the manifest says absent"),
                )),
                (FileMode::Bulk | FileMode::Delta, false) => rejection.push(RosterError::line(
                    MANIFEST,
                    *line,
                    format!("the manifest lists {file_name} as {} but the file is missing", mode.as_str()),
                )),
                _ => {}
            }
        }
        for name in files.names().filter(|n| *n != MANIFEST) {
            let key = name.trim_end_matches(".csv");
            if !props.contains_key(&format!("file.{key}")) {
                let hint = RosterFile::ALL
                    .iter()
                    .map(|f| f.key())
                    .chain(OTHER_FILES)
                    .find(|k| k.eq_ignore_ascii_case(key))
                    .map(|k| format!(" (file names are case-sensitive: did you mean {k}.csv?)"))
                    .unwrap_or_default();
                rejection.push(RosterError::file(name, format!("{name} is not listed in the manifest{hint}")));
            }
        }
        if rejection.is_empty() {
            Ok(Manifest { modes, skipped, source_system: props.get("source.systemName").map(|(v, _)| v.clone()) })
        } else {
            Err(rejection)
        }
    }

    /// A manifest for writing: the given files in `mode`, every other file absent.
    pub fn for_export(present: &[RosterFile], mode: FileMode, system: &str) -> Vec<(String, String)> {
        let mut out =
            vec![("manifest.version".to_owned(), "1.0".to_owned()), ("oneroster.version".to_owned(), "1.2".to_owned())];
        let mut keys: Vec<(&str, FileMode)> = RosterFile::ALL
            .iter()
            .map(|f| (f.key(), if present.contains(f) { mode } else { FileMode::Absent }))
            .chain(OTHER_FILES.iter().map(|k| (*k, FileMode::Absent)))
            .collect();
        keys.sort_by_key(|(k, _)| k.to_ascii_lowercase());
        out.extend(keys.into_iter().map(|(k, m)| (format!("file.{k}"), m.as_str().to_owned())));
        out.push(("source.systemName".to_owned(), system.to_owned()));
        out.push(("source.systemCode".to_owned(), "inkstone".to_owned()));
        out
    }
}
