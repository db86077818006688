//! OneRoster 1.2 import and export.
//!
//! An import is all or nothing: every file is parsed, checked and written inside one write
//! transaction, and any problem anywhere rolls the whole set back and reports every problem found
//! (with file, line and column). Files are streamed row by row, so memory stays flat however many
//! enrollments a county sends.

use std::collections::{HashMap, HashSet};

use base::Timestamp;
use oneroster::{
    ClassRow, CourseRow, DemographicRow, EnrollmentRow, FileMode, Manifest, OrgRow, Rejection, RoleRow, RosterError,
    RosterFile, RosterFiles, Row, RowType, SessionRow, UserRow, parse_rows,
};
use records::{OrgKind, Role};
use store::Tx;
use store::roster::{self as sr, Known, Table, Value};

use crate::{App, Caller, Result, UserError};

/// Choices for an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Allow a bulk file to delete more than half of the records of its type that earlier imports
    /// brought. Without it such a set is refused: it is far more often a truncated export than a
    /// school that lost half its students overnight.
    pub allow_mass_deletion: bool,
}

/// What an import changed, per file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// (file, mode, rows added or updated, rows deleted).
    pub files: Vec<(String, FileMode, u64, u64)>,
    pub guardianships: u64,
    /// Files the set sent that Inkstone does not import.
    pub skipped: Vec<String>,
    pub warnings: Vec<String>,
}

/// Progress of an import, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    pub file: String,
    pub rows_done: u64,
    /// Lines in the file (an upper bound on its rows).
    pub rows_total: u64,
}

/// Rows upserted per batch.
const BATCH: usize = 1000;
/// Share of earlier imported records a bulk file may delete without `allow_mass_deletion`.
const MASS_DELETION_SHARE: f64 = 0.5;
/// Below this many earlier records the mass-deletion guard does not apply.
const MASS_DELETION_FLOOR: i64 = 20;

struct Importer<'a> {
    tx: Tx,
    now: Timestamp,
    errors: Rejection,
    report: ImportReport,
    progress: &'a mut (dyn FnMut(ImportProgress) + Send),
    files: &'a RosterFiles,
    manifest: Manifest,
    options: ImportOptions,
    /// sourced id → (id, live, org kind) for orgs.
    orgs: HashMap<String, Known>,
    sessions: HashMap<String, Known>,
    courses: HashMap<String, Known>,
    classes: HashMap<String, Known>,
    people: HashMap<String, Known>,
    roles: HashMap<String, Known>,
    enrollments: HashMap<String, Known>,
    /// Per table, the imported live rows before this import began.
    before: HashMap<Table, HashSet<String>>,
    /// Per table, the rows this import wrote or deleted.
    touched: HashMap<Table, HashSet<String>>,
}

fn upsert_id(known: &mut HashMap<String, Known>, sourced: &str, extra: Option<String>) -> String {
    match known.get_mut(sourced) {
        Some(k) => {
            k.live = true;
            k.imported = true;
            if extra.is_some() {
                k.extra = extra;
            }
            k.id.clone()
        }
        None => {
            let id = crate::new_id();
            known.insert(sourced.to_owned(), Known { id: id.clone(), live: true, extra, imported: true });
            id
        }
    }
}

/// The sourced ids of live rows that earlier imports brought: what a bulk file must restate.
fn imported_live(known: &HashMap<String, Known>) -> HashSet<String> {
    known.iter().filter(|(_, k)| k.live && k.imported).map(|(s, _)| s.clone()).collect()
}

fn live_id<'m>(known: &'m HashMap<String, Known>, sourced: &str) -> Option<&'m Known> {
    known.get(sourced).filter(|k| k.live)
}

/// The table a rostering file writes (demographics write into people's rows).
fn table_of(file: RosterFile) -> Option<Table> {
    Some(match file {
        RosterFile::Orgs => Table::Orgs,
        RosterFile::AcademicSessions => Table::AcademicSessions,
        RosterFile::Courses => Table::Courses,
        RosterFile::Classes => Table::Classes,
        RosterFile::Users => Table::People,
        RosterFile::Roles => Table::Roles,
        RosterFile::Enrollments => Table::Enrollments,
        RosterFile::Demographics => return None,
    })
}

fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

impl Importer<'_> {
    fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    fn file_error(&mut self, file: RosterFile, line: u64, column: &str, reason: String) {
        let columns_of = |f: RosterFile| -> &'static [&'static str] {
            match f {
                RosterFile::Orgs => OrgRow::COLUMNS,
                RosterFile::AcademicSessions => SessionRow::COLUMNS,
                RosterFile::Courses => CourseRow::COLUMNS,
                RosterFile::Classes => ClassRow::COLUMNS,
                RosterFile::Users => UserRow::COLUMNS,
                RosterFile::Demographics => DemographicRow::COLUMNS,
                RosterFile::Roles => RoleRow::COLUMNS,
                RosterFile::Enrollments => EnrollmentRow::COLUMNS,
            }
        };
        let no = columns_of(file).iter().position(|c| *c == column).map_or(0, |i| i + 1);
        self.errors.push(RosterError::field(&file.file_name(), line, column, no, reason));
    }

    /// Reads every row of a file, pushing row errors, reporting progress.
    fn rows<T: RowType>(&mut self) -> Vec<Row<T>> {
        let file = T::FILE.file_name();
        let total = self.files.get(&file).map_or(0, count_lines);
        let rows = match parse_rows::<T>(self.files, &self.manifest) {
            Ok(Some(rows)) => rows,
            Ok(None) => return Vec::new(),
            Err(e) => {
                self.errors.push(e);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (i, row) in rows.enumerate() {
            match row {
                Ok(row) => {
                    if !seen.insert(row.meta.sourced_id.clone()) {
                        self.file_error(
                            T::FILE,
                            row.meta.line,
                            "sourcedId",
                            format!("{} appears twice in this file", row.meta.sourced_id),
                        );
                    } else {
                        out.push(row);
                    }
                }
                Err(errors) => errors.into_iter().for_each(|e| self.errors.push(e)),
            }
            if i % 20_000 == 0 {
                (self.progress)(ImportProgress { file: file.clone(), rows_done: i as u64, rows_total: total });
            }
        }
        (self.progress)(ImportProgress { file: file.clone(), rows_done: total.saturating_sub(1), rows_total: total });
        if let Some(table) = table_of(T::FILE) {
            self.touched.entry(table).or_default().extend(seen);
        }
        out
    }

    async fn flush(&mut self, spec: &sr::Upsert, batch: &mut Vec<Vec<Value>>) -> Result<()> {
        if self.ok() && !batch.is_empty() {
            sr::upsert(&mut self.tx, spec, batch).await?;
        }
        batch.clear();
        Ok(())
    }

    /// Applies a file's deletions: its `tobedeleted` rows (delta) or everything it left out (bulk).
    async fn deletions(&mut self, file: RosterFile, table: Table, deleted: Vec<String>) -> Result<u64> {
        if !self.ok() {
            return Ok(0);
        }
        match self.manifest.mode(file) {
            FileMode::Delta => Ok(sr::delete_sourced(&mut self.tx, table, &deleted, self.now).await?),
            FileMode::Bulk => {
                let before = self.before.get(&table).cloned().unwrap_or_default();
                let touched = self.touched.get(&table).cloned().unwrap_or_default();
                let untouched: Vec<String> = before.difference(&touched).cloned().collect();
                let before = before.len() as i64;
                let n_untouched = untouched.len() as i64;
                if !self.options.allow_mass_deletion
                    && before >= MASS_DELETION_FLOOR
                    && (n_untouched as f64) > MASS_DELETION_SHARE * before as f64
                {
                    self.errors.push(RosterError::file(
                        &file.file_name(),
                        format!(
                            "this bulk file would delete {n_untouched} of the {before} records earlier imports brought; \
                             if that is intended, import again allowing mass deletion"
                        ),
                    ));
                    return Ok(0);
                }
                Ok(sr::delete_sourced(&mut self.tx, table, &untouched, self.now).await?)
            }
            FileMode::Absent => Ok(0),
        }
    }

    fn record(&mut self, file: RosterFile, upserted: u64, deleted: u64) {
        if self.manifest.mode(file) != FileMode::Absent {
            self.report.files.push((file.file_name(), self.manifest.mode(file), upserted, deleted));
        }
    }

    async fn orgs(&mut self) -> Result<()> {
        let rows = self.rows::<OrgRow>();
        let mut deleted = Vec::new();
        let mut live: Vec<(&OrgRow, &oneroster::Meta)> = Vec::new();
        for row in &rows {
            match &row.record {
                None => deleted.push(row.meta.sourced_id.clone()),
                Some(o) => {
                    upsert_id(&mut self.orgs, &row.meta.sourced_id, Some(o.kind.as_str().to_owned()));
                    live.push((o, &row.meta));
                }
            }
        }
        // Parents first, so every row's parent exists when it is written; a cycle is an error.
        let by_sourced: HashMap<&str, &OrgRow> = live.iter().map(|(o, m)| (m.sourced_id.as_str(), *o)).collect();
        let mut ordered: Vec<(&OrgRow, &oneroster::Meta)> = Vec::new();
        let mut placed: HashSet<&str> = HashSet::new();
        for &(org, meta) in &live {
            let mut chain = vec![(org, meta)];
            let mut cursor = org.parent.as_deref();
            let mut cycle = false;
            while let Some(parent) = cursor {
                if placed.contains(parent) || !by_sourced.contains_key(parent) {
                    break;
                }
                if chain.iter().any(|(_, m)| m.sourced_id == parent) {
                    cycle = true;
                    break;
                }
                let p = by_sourced[parent];
                let pm =
                    live.iter().find(|(_, m)| m.sourced_id == parent).map(|(_, m)| *m).expect("parent is in the file");
                chain.push((p, pm));
                cursor = p.parent.as_deref();
            }
            if cycle {
                self.file_error(
                    RosterFile::Orgs,
                    meta.line,
                    "parentSourcedId",
                    format!("{} is its own ancestor", meta.sourced_id),
                );
                continue;
            }
            for (o, m) in chain.into_iter().rev() {
                if placed.insert(m.sourced_id.as_str()) {
                    ordered.push((o, m));
                }
            }
        }
        let mut batch = Vec::new();
        for (org, meta) in &ordered {
            let parent_id = match &org.parent {
                None => None,
                Some(p) => match live_id(&self.orgs, p).cloned() {
                    None => {
                        self.file_error(
                            RosterFile::Orgs,
                            meta.line,
                            "parentSourcedId",
                            format!("no organisation {p} in this set or already imported"),
                        );
                        None
                    }
                    Some(k) => {
                        let parent_kind = k.extra.as_deref().and_then(|s| OrgKind::parse(s).ok());
                        if let Some(pk) = parent_kind
                            && let Err(e) = org.kind.check_parent(pk)
                        {
                            self.file_error(RosterFile::Orgs, meta.line, "parentSourcedId", e.to_string());
                        }
                        Some(k.id)
                    }
                },
            };
            let id = upsert_id(&mut self.orgs, &meta.sourced_id, Some(org.kind.as_str().to_owned()));
            batch.push(vec![
                id.into(),
                meta.sourced_id.as_str().into(),
                org.name.as_str().into(),
                org.kind.as_str().into(),
                org.identifier.clone().into(),
                parent_id.into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
        }
        self.flush(&sr::ORGS, &mut batch).await?;
        for d in &deleted {
            if let Some(k) = self.orgs.get_mut(d) {
                k.live = false;
            }
        }
        let n_deleted = self.deletions(RosterFile::Orgs, Table::Orgs, deleted).await?;
        self.record(RosterFile::Orgs, ordered.len() as u64, n_deleted);
        Ok(())
    }

    async fn sessions(&mut self) -> Result<()> {
        let rows = self.rows::<SessionRow>();
        let mut deleted = Vec::new();
        for row in &rows {
            if row.record.is_some() {
                upsert_id(&mut self.sessions, &row.meta.sourced_id, None);
            } else {
                deleted.push(row.meta.sourced_id.clone());
            }
        }
        // Sessions nest at most three deep (year > term > grading period): sort by depth in the file.
        let parents: HashMap<&str, Option<&str>> = rows
            .iter()
            .filter_map(|r| r.record.as_ref().map(|s| (r.meta.sourced_id.as_str(), s.parent.as_deref())))
            .collect();
        let depth = |start: &str| -> usize {
            let mut d = 0;
            let mut cursor = parents.get(start).copied().flatten();
            while let Some(p) = cursor {
                d += 1;
                if d > 8 {
                    break;
                }
                cursor = parents.get(p).copied().flatten();
            }
            d
        };
        let mut live: Vec<(usize, &Row<SessionRow>)> =
            rows.iter().filter(|r| r.record.is_some()).map(|r| (depth(&r.meta.sourced_id), r)).collect();
        live.sort_by_key(|(d, _)| *d);
        let mut batch = Vec::new();
        for (d, row) in &live {
            let s = row.record.as_ref().expect("filtered to live rows");
            if *d > 8 {
                self.file_error(
                    RosterFile::AcademicSessions,
                    row.meta.line,
                    "parentSourcedId",
                    "sessions nest in a cycle".into(),
                );
                continue;
            }
            let parent = match &s.parent {
                None => None,
                Some(p) => match live_id(&self.sessions, p) {
                    Some(k) => Some(k.id.clone()),
                    None => {
                        self.file_error(
                            RosterFile::AcademicSessions,
                            row.meta.line,
                            "parentSourcedId",
                            format!("no session {p}"),
                        );
                        None
                    }
                },
            };
            let id = upsert_id(&mut self.sessions, &row.meta.sourced_id, None);
            batch.push(vec![
                id.into(),
                row.meta.sourced_id.as_str().into(),
                s.title.as_str().into(),
                s.kind.as_str().into(),
                s.start.to_string().into(),
                s.end.to_string().into(),
                parent.into(),
                i64::from(s.school_year).into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
        }
        self.flush(&sr::SESSIONS, &mut batch).await?;
        let n = self.deletions(RosterFile::AcademicSessions, Table::AcademicSessions, deleted).await?;
        self.record(RosterFile::AcademicSessions, live.len() as u64, n);
        Ok(())
    }

    fn org_ref(
        &mut self,
        file: RosterFile,
        line: u64,
        column: &str,
        sourced: &str,
        want_school: bool,
    ) -> Option<String> {
        match live_id(&self.orgs, sourced).cloned() {
            None => {
                self.file_error(
                    file,
                    line,
                    column,
                    format!("no organisation {sourced} in this set or already imported"),
                );
                None
            }
            Some(k) => {
                if want_school && k.extra.as_deref() != Some("school") {
                    self.file_error(file, line, column, format!("{sourced} is not a school"));
                }
                Some(k.id)
            }
        }
    }

    fn simple_ref(&mut self, which: Table, file: RosterFile, line: u64, column: &str, sourced: &str) -> Option<String> {
        let (map, what) = match which {
            Table::AcademicSessions => (&self.sessions, "session"),
            Table::Courses => (&self.courses, "course"),
            Table::Classes => (&self.classes, "class"),
            Table::People => (&self.people, "user"),
            Table::Orgs => (&self.orgs, "organisation"),
            Table::Roles => (&self.roles, "role"),
            Table::Enrollments => (&self.enrollments, "enrollment"),
        };
        match live_id(map, sourced) {
            Some(k) => Some(k.id.clone()),
            None => {
                self.file_error(file, line, column, format!("no {what} {sourced} in this set or already imported"));
                None
            }
        }
    }

    async fn courses(&mut self) -> Result<()> {
        let rows = self.rows::<CourseRow>();
        let (mut batch, mut deleted, mut n) = (Vec::new(), Vec::new(), 0u64);
        for row in rows {
            let Some(c) = row.record else {
                deleted.push(row.meta.sourced_id);
                continue;
            };
            let org = self.org_ref(RosterFile::Courses, row.meta.line, "orgSourcedId", &c.org, false);
            let year = c.school_year.as_deref().and_then(|y| {
                self.simple_ref(Table::AcademicSessions, RosterFile::Courses, row.meta.line, "schoolYearSourcedId", y)
            });
            let id = upsert_id(&mut self.courses, &row.meta.sourced_id, None);
            batch.push(vec![
                id.into(),
                row.meta.sourced_id.into(),
                c.title.into(),
                c.code.into(),
                org.into(),
                year.into(),
                store::join_list(&c.grades).into(),
                store::join_list(&c.subjects).into(),
                store::join_list(&c.subject_codes).into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
            n += 1;
            if batch.len() >= BATCH {
                self.flush(&sr::COURSES, &mut batch).await?;
            }
        }
        self.flush(&sr::COURSES, &mut batch).await?;
        let d = self.deletions(RosterFile::Courses, Table::Courses, deleted).await?;
        self.record(RosterFile::Courses, n, d);
        Ok(())
    }

    async fn classes(&mut self) -> Result<()> {
        let rows = self.rows::<ClassRow>();
        let (mut batch, mut terms, mut deleted, mut n) = (Vec::new(), Vec::new(), Vec::new(), 0u64);
        let mut class_ids = Vec::new();
        for row in rows {
            let Some(c) = row.record else {
                deleted.push(row.meta.sourced_id);
                continue;
            };
            let line = row.meta.line;
            let course = self.simple_ref(Table::Courses, RosterFile::Classes, line, "courseSourcedId", &c.course);
            let school = self.org_ref(RosterFile::Classes, line, "schoolSourcedId", &c.school, true);
            let id = upsert_id(&mut self.classes, &row.meta.sourced_id, None);
            for t in &c.terms {
                if let Some(term) =
                    self.simple_ref(Table::AcademicSessions, RosterFile::Classes, line, "termSourcedIds", t)
                {
                    terms.push(vec![Value::from(id.clone()), term.into()]);
                }
            }
            class_ids.push(id.clone());
            batch.push(vec![
                id.into(),
                row.meta.sourced_id.into(),
                c.title.into(),
                c.code.into(),
                c.class_type.as_str().into(),
                course.into(),
                school.into(),
                c.location.into(),
                store::join_list(&c.grades).into(),
                store::join_list(&c.subjects).into(),
                store::join_list(&c.subject_codes).into(),
                store::join_list(&c.periods).into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
            n += 1;
            if batch.len() >= BATCH {
                self.flush(&sr::CLASSES, &mut batch).await?;
            }
        }
        self.flush(&sr::CLASSES, &mut batch).await?;
        if self.ok() {
            sr::clear_class_terms(&mut self.tx, &class_ids).await?;
        }
        self.flush(&sr::CLASS_TERMS, &mut terms).await?;
        let d = self.deletions(RosterFile::Classes, Table::Classes, deleted).await?;
        self.record(RosterFile::Classes, n, d);
        Ok(())
    }

    /// Writes users (with their demographics and national ids) and returns the agent pairs to
    /// resolve once roles are known: (user, agent, line).
    async fn users(&mut self) -> Result<Vec<(String, String, u64)>> {
        // Demographics first, to merge into the users' rows.
        let demographics: HashMap<String, (Option<String>, String)> = self
            .rows::<DemographicRow>()
            .into_iter()
            .filter_map(|r| {
                r.record.map(|d| (r.meta.sourced_id, (d.birth_date.map(|b| b.to_string()), d.sex.as_str().to_owned())))
            })
            .collect();
        let rows = self.rows::<UserRow>();
        let in_file: HashSet<String> = rows.iter().map(|r| r.meta.sourced_id.clone()).collect();
        let taken: HashMap<String, String> = self
            .people
            .iter()
            .filter(|(_, k)| k.live)
            .filter_map(|(s, k)| k.extra.clone().map(|u| (u, s.clone())))
            .collect();
        let existing_nsids = if rows.iter().any(|r| r.record.as_ref().is_some_and(|u| u.national_student_id.is_some()))
        {
            store::people::national_student_id_owners(&mut self.tx).await?
        } else {
            HashMap::new()
        };
        let (mut batch, mut sensitive, mut deleted, mut n) = (Vec::new(), Vec::new(), Vec::new(), 0u64);
        let mut usernames: HashMap<String, String> = HashMap::new();
        let mut nsids: HashMap<String, String> = HashMap::new();
        let mut agents: Vec<(String, String, u64)> = Vec::new();
        let mut with_passwords = 0u64;
        for row in rows {
            let Some(u) = row.record else {
                deleted.push(row.meta.sourced_id);
                continue;
            };
            let (line, sourced) = (row.meta.line, row.meta.sourced_id);
            if let Some(other) = usernames.insert(u.username.clone(), sourced.clone()) {
                self.file_error(
                    RosterFile::Users,
                    line,
                    "username",
                    format!("the username {} is already used by {other} in this file", u.username),
                );
            } else if let Some(holder) = taken.get(&u.username).filter(|h| **h != sourced && !in_file.contains(*h))
                && self.manifest.mode(RosterFile::Users) == FileMode::Delta
            {
                self.file_error(
                    RosterFile::Users,
                    line,
                    "username",
                    format!("the username {} already belongs to {holder}", u.username),
                );
            }
            let primary_org = u
                .primary_org
                .as_deref()
                .and_then(|o| self.org_ref(RosterFile::Users, line, "primaryOrgSourcedId", o, false));
            let id = upsert_id(&mut self.people, &sourced, Some(u.username.clone()));
            if let Some(nsid) = &u.national_student_id {
                let key = nsid.expose().to_owned();
                if let Some(other) = nsids.insert(key.clone(), sourced.clone()) {
                    self.errors.push(RosterError::field(
                        "users.csv",
                        line,
                        oneroster::NATIONAL_ID_COLUMN,
                        UserRow::COLUMNS.len() + 1,
                        format!("the national student id {} is also given to {other}", nsid.masked()),
                    ));
                } else if existing_nsids.get(&key).is_some_and(|owner| *owner != id) {
                    self.errors.push(RosterError::field(
                        "users.csv",
                        line,
                        oneroster::NATIONAL_ID_COLUMN,
                        UserRow::COLUMNS.len() + 1,
                        format!("the national student id {} already belongs to another person", nsid.masked()),
                    ));
                }
                sensitive.push(vec![id.clone().into(), Value::from(key), self.now.millis().into()]);
            }
            for agent in &u.agents {
                agents.push((sourced.clone(), agent.clone(), line));
            }
            with_passwords += u64::from(u.has_password);
            let (birth, sex) = demographics.get(&sourced).cloned().unwrap_or((None, "unspecified".into()));
            let preferred = match (&u.preferred_family_name, &u.preferred_given_name) {
                (None, None) => None,
                (f, g) => {
                    Some(format!("{}{}", f.as_deref().unwrap_or(&u.family_name), g.as_deref().unwrap_or(&u.given_name)))
                }
            };
            let user_ids = u.user_ids.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>();
            batch.push(vec![
                id.into(),
                sourced.into(),
                u.username.into(),
                u.given_name.into(),
                u.family_name.into(),
                u.middle_name.into(),
                preferred.into(),
                u.identifier.into(),
                u.email.into(),
                u.phone.into(),
                u.sms.into(),
                store::join_list(&user_ids).into(),
                birth.into(),
                sex.into(),
                store::join_list(&u.grades).into(),
                u.enabled.into(),
                primary_org.into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
            n += 1;
            if batch.len() >= BATCH {
                self.flush(&sr::PEOPLE, &mut batch).await?;
            }
        }
        self.flush(&sr::PEOPLE, &mut batch).await?;
        self.flush(&sr::SENSITIVE, &mut sensitive).await?;
        if with_passwords > 0 {
            self.report.warnings.push(format!(
                "users.csv carries {with_passwords} password(s); they were ignored: Inkstone never stores a password it did not hash itself (set passwords with `inkstone users set-password`)"
            ));
        }
        let d = self.deletions(RosterFile::Users, Table::People, deleted).await?;
        self.record(RosterFile::Users, n, d);
        // Demographics for people not in users.csv.
        for (sourced, (birth, sex)) in &demographics {
            if in_file.contains(sourced) {
                continue;
            }
            match live_id(&self.people, sourced).map(|k| k.id.clone()) {
                Some(id) if self.ok() => {
                    sr::update_demographics(&mut self.tx, &id, birth.clone(), sex, self.now).await?;
                }
                Some(_) => {}
                None => self.errors.push(RosterError::file(
                    "demographics.csv",
                    format!("no user {sourced} in this set or already imported"),
                )),
            }
        }
        if self.manifest.mode(RosterFile::Demographics) != FileMode::Absent {
            self.record(RosterFile::Demographics, demographics.len() as u64, 0);
        }
        Ok(agents)
    }

    async fn roles(&mut self) -> Result<()> {
        let rows = self.rows::<RoleRow>();
        let (mut batch, mut deleted, mut n) = (Vec::new(), Vec::new(), 0u64);
        for row in rows {
            let Some(r) = row.record else {
                deleted.push(row.meta.sourced_id);
                continue;
            };
            let line = row.meta.line;
            let person = self.simple_ref(Table::People, RosterFile::Roles, line, "userSourcedId", &r.user);
            let org = live_id(&self.orgs, &r.org).cloned();
            if org.is_none() {
                self.file_error(
                    RosterFile::Roles,
                    line,
                    "orgSourcedId",
                    format!("no organisation {} in this set or already imported", r.org),
                );
            }
            let kind = org
                .as_ref()
                .and_then(|k| k.extra.as_deref())
                .and_then(|k| OrgKind::parse(k).ok())
                .unwrap_or(OrgKind::School);
            let role = oneroster::person_role(&r.role, kind).unwrap_or(Role::Aide);
            let id = upsert_id(&mut self.roles, &row.meta.sourced_id, None);
            batch.push(vec![
                id.into(),
                row.meta.sourced_id.into(),
                person.into(),
                role.as_str().into(),
                org.map(|k| k.id).into(),
                r.primary.into(),
                r.begin.map(|d| d.to_string()).into(),
                r.end.map(|d| d.to_string()).into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
            n += 1;
            if batch.len() >= BATCH {
                self.flush(&sr::ROLES, &mut batch).await?;
            }
        }
        self.flush(&sr::ROLES, &mut batch).await?;
        let d = self.deletions(RosterFile::Roles, Table::Roles, deleted).await?;
        self.record(RosterFile::Roles, n, d);
        Ok(())
    }

    async fn enrollments(&mut self) -> Result<()> {
        let rows = self.rows::<EnrollmentRow>();
        let (mut batch, mut deleted, mut n) = (Vec::new(), Vec::new(), 0u64);
        for row in rows {
            let Some(e) = row.record else {
                deleted.push(row.meta.sourced_id);
                continue;
            };
            let line = row.meta.line;
            let class = self.simple_ref(Table::Classes, RosterFile::Enrollments, line, "classSourcedId", &e.class);
            let school = self.org_ref(RosterFile::Enrollments, line, "schoolSourcedId", &e.school, true);
            let person = self.simple_ref(Table::People, RosterFile::Enrollments, line, "userSourcedId", &e.user);
            let id = upsert_id(&mut self.enrollments, &row.meta.sourced_id, None);
            batch.push(vec![
                id.into(),
                row.meta.sourced_id.into(),
                class.into(),
                school.into(),
                person.into(),
                e.role.as_str().into(),
                e.primary.into(),
                e.begin.map(|d| d.to_string()).into(),
                e.end.map(|d| d.to_string()).into(),
                "oneroster".into(),
                self.now.millis().into(),
            ]);
            n += 1;
            if batch.len() >= BATCH {
                self.flush(&sr::ENROLLMENTS, &mut batch).await?;
            }
        }
        self.flush(&sr::ENROLLMENTS, &mut batch).await?;
        let d = self.deletions(RosterFile::Enrollments, Table::Enrollments, deleted).await?;
        self.record(RosterFile::Enrollments, n, d);
        Ok(())
    }

    /// Turns `agentSourcedIds` into guardianships, using the roles now on record to tell which
    /// side is the guardian.
    async fn guardianships(&mut self, agents: Vec<(String, String, u64)>) -> Result<()> {
        if self.manifest.mode(RosterFile::Users) == FileMode::Absent {
            return Ok(());
        }
        let roles = store::people::student_and_guardian_roles(&mut self.tx).await?;
        let mut batch = Vec::new();
        let mut pairs: HashSet<(String, String)> = HashSet::new();
        for (user, agent, line) in agents {
            let (Some(u), Some(a)) = (live_id(&self.people, &user).cloned(), live_id(&self.people, &agent).cloned())
            else {
                self.file_error(
                    RosterFile::Users,
                    line,
                    "agentSourcedIds",
                    format!("no user {agent} in this set or already imported"),
                );
                continue;
            };
            let is = |id: &str, role: Role| roles.get(id).is_some_and(|r| r.contains(&role));
            let pair = if is(&a.id, Role::Guardian) && is(&u.id, Role::Student) {
                (a.id, u.id)
            } else if is(&u.id, Role::Guardian) && is(&a.id, Role::Student) {
                (u.id, a.id)
            } else {
                self.report.warnings.push(format!(
                    "users.csv:{line}: {user} and {agent} are related but neither is a guardian of a student; no guardianship recorded"
                ));
                continue;
            };
            if pairs.insert(pair.clone()) {
                batch.push(vec![
                    pair.0.into(),
                    pair.1.into(),
                    "guardian".into(),
                    "oneroster".into(),
                    self.now.millis().into(),
                ]);
            }
        }
        self.report.guardianships = batch.len() as u64;
        let before = if self.ok() { sr::imported_guardianships(&mut self.tx).await? } else { Vec::new() };
        self.flush(&sr::GUARDIANSHIPS, &mut batch).await?;
        if self.ok() && self.manifest.mode(RosterFile::Users) == FileMode::Bulk {
            let gone: Vec<(String, String)> = before.into_iter().filter(|p| !pairs.contains(p)).collect();
            sr::delete_guardianships(&mut self.tx, &gone, self.now).await?;
        }
        Ok(())
    }
}

impl App {
    /// Imports a OneRoster 1.2 set, all or nothing. The operator may always import; a signed-in
    /// person must administer the organisation this server serves.
    pub async fn import_roster(
        &self,
        caller: &Caller,
        files: &RosterFiles,
        options: ImportOptions,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportReport> {
        let basis = match caller {
            Caller::Operator { .. } => None,
            Caller::Person(_) => {
                let root = self
                    .home_org()
                    .await
                    .map_err(|_| UserError::Forbidden("the first roster is imported by the operator".into()))?;
                self.authorize_admin_of(caller, &root).await?
            }
        };
        let manifest = Manifest::parse(files).map_err(UserError::RosterRejected)?;
        let mut tx = self.store.write().await?;
        let now = self.now();
        let orgs = sr::known(&mut tx, Table::Orgs).await?;
        let sessions = sr::known(&mut tx, Table::AcademicSessions).await?;
        let courses = sr::known(&mut tx, Table::Courses).await?;
        let classes = sr::known(&mut tx, Table::Classes).await?;
        let people = sr::known(&mut tx, Table::People).await?;
        let roles = sr::known(&mut tx, Table::Roles).await?;
        let enrollments = sr::known(&mut tx, Table::Enrollments).await?;
        let skipped = manifest.skipped.iter().map(|(f, m)| format!("{f} ({})", m.as_str())).collect();
        let before = [
            (Table::Orgs, imported_live(&orgs)),
            (Table::AcademicSessions, imported_live(&sessions)),
            (Table::Courses, imported_live(&courses)),
            (Table::Classes, imported_live(&classes)),
            (Table::People, imported_live(&people)),
            (Table::Roles, imported_live(&roles)),
            (Table::Enrollments, imported_live(&enrollments)),
        ]
        .into_iter()
        .collect();
        let mut im = Importer {
            tx,
            now,
            errors: Rejection::new(),
            report: ImportReport { skipped, ..ImportReport::default() },
            progress,
            files,
            manifest,
            options,
            orgs,
            sessions,
            courses,
            classes,
            people,
            roles,
            enrollments,
            before,
            touched: HashMap::new(),
        };
        im.orgs().await?;
        im.sessions().await?;
        im.courses().await?;
        im.classes().await?;
        let agents = im.users().await?;
        im.roles().await?;
        im.enrollments().await?;
        im.guardianships(agents).await?;
        let Importer { mut tx, errors, report, .. } = im;
        if !errors.is_empty() {
            tx.rollback().await?;
            return Err(UserError::RosterRejected(errors).into());
        }
        let summary = report
            .files
            .iter()
            .map(|(f, m, u, d)| format!("{f} {}: {u} written, {d} deleted", m.as_str()))
            .collect::<Vec<_>>()
            .join("; ");
        let entry = self.audit_entry(caller, "import", "roster", basis.as_ref(), &format!("OneRoster: {summary}"));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// Which records an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportMode {
    /// Every live record, as bulk files.
    Bulk,
    /// Records changed after this time, deletions included, as delta files.
    DeltaSince(Timestamp),
}

/// Choices for an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    pub mode: ExportMode,
    /// Carry national student ids in `metadata.nationalStudentId` (audited as a sensitive read).
    pub include_national_ids: bool,
}

fn opt(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

impl App {
    /// Exports the roster as a OneRoster 1.2 set. The operator may always export; a signed-in
    /// person must administer the organisation this server serves.
    pub async fn export_roster(&self, caller: &Caller, options: ExportOptions) -> Result<oneroster::WriteSet> {
        let basis = match caller {
            Caller::Operator { .. } => None,
            Caller::Person(_) => self.authorize_admin_of(caller, &self.home_org().await?).await?,
        };
        let (scope, mode) = match options.mode {
            ExportMode::Bulk => (sr::ExportScope::Live, FileMode::Bulk),
            ExportMode::DeltaSince(t) => (sr::ExportScope::ChangedSince(t), FileMode::Delta),
        };
        let mut conn = self.store.read().await?;
        let meta = |row: &sr::ExportRow, sourced: &str| -> Vec<(&'static str, String)> {
            let mut v = vec![("sourcedId", sourced.to_owned())];
            if mode == FileMode::Delta {
                v.push(("status", if row.deleted { "tobedeleted" } else { "active" }.to_owned()));
                v.push(("dateLastModified", row.updated_at.to_rfc3339()));
            }
            v
        };
        let mut tables = Vec::new();

        let mut t = oneroster::Table::for_file(RosterFile::Orgs);
        for row in sr::export(&mut conn, Table::Orgs, scope).await? {
            let mut v = meta(&row, row.get("sourced").unwrap_or_default());
            let kind = row.get("kind").and_then(|k| OrgKind::parse(k).ok()).unwrap_or(OrgKind::School);
            v.extend([
                ("name", opt(row.get("name"))),
                ("type", oneroster::org_type_name(kind).to_owned()),
                ("identifier", opt(row.get("identifier"))),
                ("parentSourcedId", opt(row.get("parent"))),
            ]);
            t.push(&v);
        }
        tables.push(t);

        let mut t = oneroster::Table::for_file(RosterFile::AcademicSessions);
        for row in sr::export(&mut conn, Table::AcademicSessions, scope).await? {
            let mut v = meta(&row, row.get("sourced").unwrap_or_default());
            v.extend([
                ("title", opt(row.get("title"))),
                ("type", opt(row.get("kind"))),
                ("startDate", opt(row.get("start_date"))),
                ("endDate", opt(row.get("end_date"))),
                ("parentSourcedId", opt(row.get("parent"))),
                ("schoolYear", opt(row.get("school_year"))),
            ]);
            t.push(&v);
        }
        tables.push(t);

        let mut t = oneroster::Table::for_file(RosterFile::Courses);
        for row in sr::export(&mut conn, Table::Courses, scope).await? {
            let mut v = meta(&row, row.get("sourced").unwrap_or_default());
            v.extend([
                ("schoolYearSourcedId", opt(row.get("school_year"))),
                ("title", opt(row.get("title"))),
                ("courseCode", opt(row.get("code"))),
                ("grades", opt(row.get("grades"))),
                ("orgSourcedId", opt(row.get("org"))),
                ("subjects", opt(row.get("subjects"))),
                ("subjectCodes", opt(row.get("subject_codes"))),
            ]);
            t.push(&v);
        }
        tables.push(t);

        let terms = sr::class_terms(&mut conn).await?;
        let mut t = oneroster::Table::for_file(RosterFile::Classes);
        for row in sr::export(&mut conn, Table::Classes, scope).await? {
            let mut v = meta(&row, row.get("sourced").unwrap_or_default());
            let class_terms = row.get("id").and_then(|id| terms.get(id)).map(|t| t.join(",")).unwrap_or_default();
            v.extend([
                ("title", opt(row.get("title"))),
                ("grades", opt(row.get("grades"))),
                ("courseSourcedId", opt(row.get("course"))),
                ("classCode", opt(row.get("code"))),
                ("classType", opt(row.get("class_type"))),
                ("location", opt(row.get("location"))),
                ("schoolSourcedId", opt(row.get("school"))),
                ("termSourcedIds", class_terms),
                ("subjects", opt(row.get("subjects"))),
                ("subjectCodes", opt(row.get("subject_codes"))),
                ("periods", opt(row.get("periods"))),
            ]);
            t.push(&v);
        }
        tables.push(t);

        let mut agents: HashMap<String, Vec<String>> = HashMap::new();
        for (guardian, student, _, _) in sr::guardianship_pairs(&mut conn).await? {
            agents.entry(student.clone()).or_default().push(guardian.clone());
            agents.entry(guardian).or_default().push(student);
        }
        let mut users = oneroster::Table::for_file(RosterFile::Users);
        let mut demographics = oneroster::Table::for_file(RosterFile::Demographics);
        let mut n_people = 0usize;
        for row in sr::export(&mut conn, Table::People, scope).await? {
            let sourced = row.get("sourced").unwrap_or_default().to_owned();
            let mut v = meta(&row, &sourced);
            let user_ids = row
                .get("user_ids")
                .map(store::split_list)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.split_once(':').map(|(k, i)| format!("{{{k}:{i}}}")))
                .collect::<Vec<_>>()
                .join(",");
            v.extend([
                ("enabledUser", opt(row.get("enabled"))),
                ("username", row.get("username").unwrap_or(&sourced).to_owned()),
                ("userIds", user_ids),
                ("givenName", opt(row.get("given_name"))),
                ("familyName", opt(row.get("family_name"))),
                ("middleName", opt(row.get("middle_name"))),
                ("identifier", opt(row.get("identifier"))),
                ("email", opt(row.get("email"))),
                ("sms", opt(row.get("sms"))),
                ("phone", opt(row.get("phone"))),
                ("agentSourcedIds", agents.get(&sourced).map(|a| a.join(",")).unwrap_or_default()),
                ("grades", opt(row.get("grades"))),
                ("primaryOrgSourcedId", opt(row.get("primary_org"))),
            ]);
            if options.include_national_ids {
                v.push((oneroster::NATIONAL_ID_COLUMN, opt(row.get("national_student_id"))));
            }
            users.push(&v);
            n_people += 1;
            if row.get("birth_date").is_some() || row.get("sex").is_some_and(|s| s != "unspecified") {
                let mut d = meta(&row, &sourced);
                d.extend([("birthDate", opt(row.get("birth_date"))), ("sex", opt(row.get("sex")))]);
                demographics.push(&d);
            }
        }
        tables.push(users);
        tables.push(demographics);

        let mut t = oneroster::Table::for_file(RosterFile::Roles);
        for row in sr::export(&mut conn, Table::Roles, scope).await? {
            let mut v = meta(&row, row.get("sourced").unwrap_or_default());
            let role = row.get("role").and_then(|r| Role::parse(r).ok()).unwrap_or(Role::Aide);
            v.extend([
                ("userSourcedId", opt(row.get("person"))),
                ("roleType", opt(row.get("role_type"))),
                ("role", oneroster::role_name(role).to_owned()),
                ("beginDate", opt(row.get("begin_date"))),
                ("endDate", opt(row.get("end_date"))),
                ("orgSourcedId", opt(row.get("org"))),
            ]);
            t.push(&v);
        }
        tables.push(t);

        let mut t = oneroster::Table::for_file(RosterFile::Enrollments);
        for row in sr::export(&mut conn, Table::Enrollments, scope).await? {
            let mut v = meta(&row, row.get("sourced").unwrap_or_default());
            v.extend([
                ("classSourcedId", opt(row.get("class"))),
                ("schoolSourcedId", opt(row.get("school"))),
                ("userSourcedId", opt(row.get("person"))),
                ("role", opt(row.get("role"))),
                ("primary", opt(row.get("is_primary"))),
                ("beginDate", opt(row.get("begin_date"))),
                ("endDate", opt(row.get("end_date"))),
            ]);
            t.push(&v);
        }
        tables.push(t);
        drop(conn);

        if !options.include_national_ids {
            for t in &mut tables {
                if t.file == RosterFile::Users {
                    t.columns.retain(|c| c != oneroster::NATIONAL_ID_COLUMN);
                    let width = t.columns.len();
                    t.rows.iter_mut().for_each(|r| r.truncate(width));
                }
            }
        }
        let action = if options.include_national_ids { "export-sensitive" } else { "export" };
        let entry = self.audit_entry(
            caller,
            action,
            "roster",
            basis.as_ref(),
            &format!("OneRoster {}: {n_people} people", mode.as_str()),
        );
        self.audit_now(vec![entry]).await?;
        Ok(oneroster::WriteSet { mode, tables, system_name: self.config.instance_name.clone() })
    }
}
