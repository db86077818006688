//! Typed rows of the rostering files, parsed one at a time.

use std::marker::PhantomData;

use base::{Date, Timestamp};
use records::{ClassType, EnrollmentRole, NationalStudentId, OrgKind, SessionKind, Sex};

use crate::manifest::{FileMode, Manifest, RosterFile};
use crate::vocab::{self, NATIONAL_ID_COLUMN};
use crate::{RosterError, RosterFiles};

/// Whether a row adds/changes a record or deletes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowStatus {
    Active,
    ToBeDeleted,
}

/// The fields every row has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub sourced_id: String,
    /// Always `Active` in bulk files.
    pub status: RowStatus,
    /// `dateLastModified`: present in delta files, blank in bulk files.
    pub modified: Option<Timestamp>,
    /// The 1-based line the row starts on.
    pub line: u64,
}

/// A row of `orgs.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub name: String,
    pub kind: OrgKind,
    pub identifier: Option<String>,
    pub parent: Option<String>,
}

/// A row of `academicSessions.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub title: String,
    pub kind: SessionKind,
    pub start: Date,
    pub end: Date,
    pub parent: Option<String>,
    pub school_year: i32,
}

/// A row of `courses.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseRow {
    pub school_year: Option<String>,
    pub title: String,
    pub code: Option<String>,
    pub grades: Vec<String>,
    pub org: String,
    pub subjects: Vec<String>,
    pub subject_codes: Vec<String>,
}

/// A row of `classes.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRow {
    pub title: String,
    pub grades: Vec<String>,
    pub course: String,
    pub code: Option<String>,
    pub class_type: ClassType,
    pub location: Option<String>,
    pub school: String,
    pub terms: Vec<String>,
    pub subjects: Vec<String>,
    pub subject_codes: Vec<String>,
    pub periods: Vec<String>,
}

/// A row of `users.csv`. The `password` column is read only to warn about it: Inkstone never
/// stores a password it did not hash itself, and never a plain one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub enabled: bool,
    pub username: String,
    /// `{type:id}` pairs, such as `{local:T0001}`.
    pub user_ids: Vec<(String, String)>,
    pub given_name: String,
    pub family_name: String,
    pub middle_name: Option<String>,
    pub identifier: Option<String>,
    pub email: Option<String>,
    pub sms: Option<String>,
    pub phone: Option<String>,
    /// Related people: a student's guardians, or a guardian's students.
    pub agents: Vec<String>,
    pub grades: Vec<String>,
    pub has_password: bool,
    pub preferred_given_name: Option<String>,
    pub preferred_family_name: Option<String>,
    pub primary_org: Option<String>,
    pub national_student_id: Option<NationalStudentId>,
}

/// A row of `roles.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    pub user: String,
    pub primary: bool,
    /// The OneRoster role word, already checked against the 1.2 vocabulary.
    pub role: String,
    pub begin: Option<Date>,
    pub end: Option<Date>,
    pub org: String,
}

/// A row of `enrollments.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRow {
    pub class: String,
    pub school: String,
    pub user: String,
    pub role: EnrollmentRole,
    pub primary: bool,
    pub begin: Option<Date>,
    pub end: Option<Date>,
}

/// A row of `demographics.csv` (the fields Inkstone keeps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemographicRow {
    pub birth_date: Option<Date>,
    pub sex: Sex,
}

/// A record type that has a rostering file.
pub trait RowType: Sized {
    /// The file.
    const FILE: RosterFile;
    /// The standard columns, in order, as OneRoster 1.2 names them.
    const COLUMNS: &'static [&'static str];
    /// Parses the record's own fields (after the three common ones); problems go to `f.errors`.
    fn parse(f: &mut Fields<'_>) -> Option<Self>;
}

/// One parsed row: its common fields and, unless it is a deletion, the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<T> {
    pub meta: Meta,
    /// `None` for a `tobedeleted` row of a delta file.
    pub record: Option<T>,
}

/// The rows of one file, parsed lazily.
#[derive(Debug)]
pub struct Rows<'a, T> {
    reader: csv::Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    file: String,
    mode: FileMode,
    /// Extension columns after the standard ones: (name, index).
    extra: Vec<(String, usize)>,
    width: usize,
    _type: PhantomData<T>,
}

/// Opens the rows of `T`'s file, checking its header. `None` if the manifest says the file is absent.
pub fn parse_rows<'a, T: RowType>(
    files: &'a RosterFiles,
    manifest: &Manifest,
) -> Result<Option<Rows<'a, T>>, RosterError> {
    let mode = manifest.mode(T::FILE);
    if mode == FileMode::Absent {
        return Ok(None);
    }
    let file = T::FILE.file_name();
    let bytes = files.get(&file).ok_or_else(|| RosterError::file(&file, "the file is missing"))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut header = csv::ByteRecord::new();
    let has_header = reader.read_byte_record(&mut header).map_err(|e| RosterError::line(&file, 1, csv_error(&e)))?;
    if !has_header {
        return Err(RosterError::file(&file, "the file is empty: even with no rows it needs its header line"));
    }
    let header = csv::StringRecord::from_byte_record(header).map_err(|_| RosterError::line(&file, 1, NOT_UTF8))?;
    let names: Vec<&str> =
        header.iter().enumerate().map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}') } else { h }).collect();
    for (i, expected) in T::COLUMNS.iter().enumerate() {
        match names.get(i) {
            Some(found) if found == expected => {}
            Some(found) => {
                return Err(RosterError::field(
                    &file,
                    1,
                    found,
                    i + 1,
                    format!(
                        "expected the column {expected:?} here (OneRoster 1.2 column names and order are fixed), found {found:?}"
                    ),
                ));
            }
            None => {
                return Err(RosterError::line(
                    &file,
                    1,
                    format!("the header ends before the required column {expected:?}"),
                ));
            }
        }
    }
    let mut extra = Vec::new();
    for (i, name) in names.iter().enumerate().skip(T::COLUMNS.len()) {
        if !name.starts_with("metadata.") || name.len() == "metadata.".len() {
            return Err(RosterError::field(&file, 1, name, i + 1, "extra columns must be named metadata.<something>"));
        }
        extra.push(((*name).to_owned(), i));
    }
    let lines = LineCounter { bytes, offset: 0, line: 1 };
    Ok(Some(Rows { reader, lines, file, mode, extra, width: names.len(), _type: PhantomData }))
}

/// Turns byte offsets into 1-based line numbers. The csv reader's own line count is off by one
/// for the first record after a CRLF header, so lines are counted from the bytes.
#[derive(Debug)]
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the record starting at byte `start`. Offsets must not decrease between calls.
    fn line_at(&mut self, start: u64) -> u64 {
        let mut start = usize::try_from(start).unwrap_or(usize::MAX).min(self.bytes.len());
        // A record "starts" at the line end left over from the previous one; skip it.
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.offset {
            self.line += self.bytes[self.offset..start].iter().filter(|b| **b == b'\n').count() as u64;
            self.offset = start;
        }
        self.line
    }
}

const NOT_UTF8: &str =
    "the text is not valid UTF-8: OneRoster files must be UTF-8 (in Excel choose \"CSV UTF-8\"; GBK is not accepted)";

fn csv_error(e: &csv::Error) -> String {
    format!("not valid CSV: {e}")
}

impl<T: RowType> Iterator for Rows<'_, T> {
    type Item = Result<Row<T>, Vec<RosterError>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut raw = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut raw) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = self.lines.line_at(e.position().map_or(0, |p| p.byte()));
                    // The reader cannot resynchronise after a malformed quote, so stop here.
                    let err = RosterError::line(&self.file, line, csv_error(&e));
                    self.reader = csv::ReaderBuilder::new().from_reader(&[][..]);
                    return Some(Err(vec![err]));
                }
            }
            // Blank lines (a trailing newline, a spreadsheet's empty rows) carry no record.
            if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            break;
        }
        let line = self.lines.line_at(raw.position().map_or(0, |p| p.byte()));
        let record = match csv::StringRecord::from_byte_record(raw) {
            Ok(r) => r,
            Err(e) => {
                let col = e.utf8_error().field();
                let name = T::COLUMNS.get(col).copied().unwrap_or("?");
                return Some(Err(vec![RosterError::field(&self.file, line, name, col + 1, NOT_UTF8)]));
            }
        };
        if record.len() != self.width {
            return Some(Err(vec![RosterError::line(
                &self.file,
                line,
                format!("expected {} fields like the header, found {}", self.width, record.len()),
            )]));
        }
        let mut f = Fields {
            file: &self.file,
            line,
            record: &record,
            columns: T::COLUMNS,
            extra: &self.extra,
            errors: Vec::new(),
        };
        let meta = f.meta(self.mode);
        let parsed = match (&meta, meta.as_ref().map(|m| m.status)) {
            (Some(_), Some(RowStatus::ToBeDeleted)) => None,
            _ => T::parse(&mut f),
        };
        if !f.errors.is_empty() {
            return Some(Err(f.errors));
        }
        let meta = meta.expect("meta parsing records an error whenever it returns None");
        match (meta.status, parsed) {
            (RowStatus::ToBeDeleted, _) => Some(Ok(Row { meta, record: None })),
            (RowStatus::Active, Some(record)) => Some(Ok(Row { meta, record: Some(record) })),
            (RowStatus::Active, None) => {
                Some(Err(vec![RosterError::line(&self.file, line, "the row could not be read")]))
            }
        }
    }
}

/// Field access for one row, collecting every problem rather than stopping at the first.
#[derive(Debug)]
pub struct Fields<'r> {
    file: &'r str,
    line: u64,
    record: &'r csv::StringRecord,
    columns: &'static [&'static str],
    extra: &'r [(String, usize)],
    errors: Vec<RosterError>,
}

impl Fields<'_> {
    fn index(&self, column: &str) -> usize {
        self.columns.iter().position(|c| *c == column).expect("columns are named from the type's own COLUMNS list")
    }

    fn error(&mut self, column: &str, reason: impl Into<String>) {
        let i = self.index(column);
        self.errors.push(RosterError::field(self.file, self.line, column, i + 1, reason));
    }

    /// The trimmed text of a column, `None` when blank.
    fn text(&self, column: &str) -> Option<&str> {
        let s = self.record.get(self.index(column)).unwrap_or("").trim();
        (!s.is_empty()).then_some(s)
    }

    fn opt(&self, column: &str) -> Option<String> {
        self.text(column).map(str::to_owned)
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let v = self.opt(column);
        if v.is_none() {
            self.error(column, "is required");
        }
        v
    }

    fn parsed<T>(&mut self, column: &str, required: bool, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        match self.text(column) {
            None => {
                if required {
                    self.error(column, "is required");
                }
                None
            }
            Some(s) => match parse(s) {
                Ok(v) => Some(v),
                Err(why) => {
                    self.error(column, why);
                    None
                }
            },
        }
    }

    fn boolean(&mut self, column: &str, required: bool) -> Option<bool> {
        self.parsed(column, required, |s| match s {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(format!("expected true or false (lower case), found {other:?}")),
        })
    }

    fn date(&mut self, column: &str, required: bool) -> Option<Date> {
        self.parsed(column, required, |s| {
            Date::parse(s).map_err(|_| format!("expected a date as YYYY-MM-DD, found {s:?}"))
        })
    }

    fn list(&self, column: &str) -> Vec<String> {
        self.text(column)
            .map(|s| s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    }

    fn grades(&mut self, column: &str) -> Vec<String> {
        let grades = self.list(column);
        if let Some(bad) = grades.iter().find(|g| !vocab::is_grade(g)) {
            let bad = bad.clone();
            self.error(column, format!("{bad:?} is not a grade code (01–13, KG, PK, …, or ext:…)"));
        }
        grades
    }

    fn subjects(&mut self) -> (Vec<String>, Vec<String>) {
        let (subjects, codes) = (self.list("subjects"), self.list("subjectCodes"));
        if !codes.is_empty() && subjects.len() != codes.len() {
            self.error(
                "subjectCodes",
                format!("has {} code(s) for {} subject(s); they must pair up", codes.len(), subjects.len()),
            );
        }
        (subjects, codes)
    }

    fn extra_text(&self, name: &str) -> Option<&str> {
        let (_, i) = self.extra.iter().find(|(n, _)| n == name)?;
        let s = self.record.get(*i)?.trim();
        (!s.is_empty()).then_some(s)
    }

    fn meta(&mut self, mode: FileMode) -> Option<Meta> {
        let sourced_id = self.required("sourcedId");
        if let Some(id) = &sourced_id
            && let Err(e) = base::PersonId::parse(id.as_str())
        {
            self.error("sourcedId", e.to_string());
        }
        let (status, modified) = match mode {
            FileMode::Delta => {
                let status = self.parsed("status", true, |s| match s {
                    "active" => Ok(RowStatus::Active),
                    "tobedeleted" => Ok(RowStatus::ToBeDeleted),
                    other => Err(format!("expected active or tobedeleted, found {other:?}")),
                });
                let modified = self.parsed("dateLastModified", true, |s| {
                    Timestamp::parse_rfc3339(s)
                        .map_err(|_| format!("expected a timestamp like 2026-10-08T09:30:00.000Z, found {s:?}"))
                });
                (status, modified)
            }
            FileMode::Bulk | FileMode::Absent => {
                for column in ["status", "dateLastModified"] {
                    if self.text(column).is_some() {
                        self.error(column, "must be blank in a bulk file (the manifest says bulk)");
                    }
                }
                (Some(RowStatus::Active), None)
            }
        };
        Some(Meta { sourced_id: sourced_id?, status: status?, modified, line: self.line })
    }
}

fn vocabulary<T>(expected: &'static str, f: impl FnOnce(&str) -> Option<T>) -> impl FnOnce(&str) -> Result<T, String> {
    move |s| f(s).ok_or_else(|| format!("{s:?} is not one of: {expected}"))
}

impl RowType for OrgRow {
    const FILE: RosterFile = RosterFile::Orgs;
    const COLUMNS: &'static [&'static str] =
        &["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let name = f.required("name");
        let kind =
            f.parsed("type", true, vocabulary("department, school, district, local, state, national", vocab::org_kind));
        Some(OrgRow { name: name?, kind: kind?, identifier: f.opt("identifier"), parent: f.opt("parentSourcedId") })
    }
}

impl RowType for SessionRow {
    const FILE: RosterFile = RosterFile::AcademicSessions;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let title = f.required("title");
        let kind = f.parsed("type", true, |s| SessionKind::parse(s).map_err(|e| e.to_string()));
        let start = f.date("startDate", true);
        let end = f.date("endDate", true);
        let school_year = f.parsed("schoolYear", true, |s| match s.parse::<i32>() {
            Ok(y) if s.len() == 4 => Ok(y),
            _ => Err(format!("expected a four-digit year, found {s:?}")),
        });
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            f.error("endDate", format!("{e} is before the start date {s}"));
        }
        Some(SessionRow {
            title: title?,
            kind: kind?,
            start: start?,
            end: end?,
            parent: f.opt("parentSourcedId"),
            school_year: school_year?,
        })
    }
}

impl RowType for CourseRow {
    const FILE: RosterFile = RosterFile::Courses;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let title = f.required("title");
        let org = f.required("orgSourcedId");
        let grades = f.grades("grades");
        let (subjects, subject_codes) = f.subjects();
        Some(CourseRow {
            school_year: f.opt("schoolYearSourcedId"),
            title: title?,
            code: f.opt("courseCode"),
            grades,
            org: org?,
            subjects,
            subject_codes,
        })
    }
}

impl RowType for ClassRow {
    const FILE: RosterFile = RosterFile::Classes;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let title = f.required("title");
        let grades = f.grades("grades");
        let course = f.required("courseSourcedId");
        let class_type = f.parsed("classType", true, |s| ClassType::parse(s).map_err(|e| e.to_string()));
        let school = f.required("schoolSourcedId");
        let terms = f.list("termSourcedIds");
        if terms.is_empty() {
            f.error("termSourcedIds", "is required: a class runs in at least one term");
        }
        let (subjects, subject_codes) = f.subjects();
        Some(ClassRow {
            title: title?,
            grades,
            course: course?,
            code: f.opt("classCode"),
            class_type: class_type?,
            location: f.opt("location"),
            school: school?,
            terms,
            subjects,
            subject_codes,
            periods: f.list("periods"),
        })
    }
}

impl RowType for UserRow {
    const FILE: RosterFile = RosterFile::Users;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let enabled = f.boolean("enabledUser", true);
        let username = f.required("username");
        let given_name = f.required("givenName");
        let family_name = f.required("familyName");
        for (column, value) in [("givenName", &given_name), ("familyName", &family_name)] {
            if let Some(v) = value
                && let Err(e) = records::PersonName::parse(v, "name")
            {
                f.error(column, e.to_string());
            }
        }
        let user_ids = f.parsed("userIds", false, parse_user_ids).unwrap_or_default();
        let grades = f.grades("grades");
        let national_student_id = match f.extra_text(NATIONAL_ID_COLUMN) {
            None => None,
            Some(s) => match NationalStudentId::parse(s) {
                Ok(id) => Some(id),
                Err(e) => {
                    let i = f.extra.iter().find(|(n, _)| n == NATIONAL_ID_COLUMN).map_or(0, |(_, i)| *i);
                    f.errors.push(RosterError::field(f.file, f.line, NATIONAL_ID_COLUMN, i + 1, e.to_string()));
                    None
                }
            },
        };
        Some(UserRow {
            enabled: enabled?,
            username: username?,
            user_ids,
            given_name: given_name?,
            family_name: family_name?,
            middle_name: f.opt("middleName"),
            identifier: f.opt("identifier"),
            email: f.opt("email"),
            sms: f.opt("sms"),
            phone: f.opt("phone"),
            agents: f.list("agentSourcedIds"),
            grades,
            has_password: f.text("password").is_some(),
            preferred_given_name: f.opt("preferredGivenName"),
            preferred_family_name: f.opt("preferredFamilyName"),
            primary_org: f.opt("primaryOrgSourcedId"),
            national_student_id,
        })
    }
}

/// Parses `{type:id},{type:id}`.
fn parse_user_ids(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('{').and_then(|r| r.split_once('}'));
        let Some((pair, after)) = inner else {
            return Err(format!("expected {{type:id}} pairs separated by commas, found {s:?}"));
        };
        let Some((kind, id)) = pair.split_once(':') else {
            return Err(format!("{{{pair}}} has no colon between type and id"));
        };
        out.push((kind.trim().to_owned(), id.trim().to_owned()));
        rest = after.trim_start().strip_prefix(',').unwrap_or(after).trim_start();
    }
    Ok(out)
}

const ROLE_WORDS: [&str; 12] = [
    "aide",
    "counselor",
    "districtAdministrator",
    "guardian",
    "parent",
    "principal",
    "proctor",
    "relative",
    "siteAdministrator",
    "student",
    "systemAdministrator",
    "teacher",
];

impl RowType for RoleRow {
    const FILE: RosterFile = RosterFile::Roles;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let user = f.required("userSourcedId");
        let primary = f.parsed("roleType", true, |s| match s {
            "primary" => Ok(true),
            "secondary" => Ok(false),
            other => Err(format!("expected primary or secondary, found {other:?}")),
        });
        let role = f.parsed("role", true, |s| {
            if ROLE_WORDS.contains(&s) {
                Ok(s.to_owned())
            } else if s == "administrator" {
                Err("\"administrator\" is not a OneRoster 1.2 role: use siteAdministrator or districtAdministrator"
                    .to_owned())
            } else {
                Err(format!("{s:?} is not a OneRoster 1.2 role"))
            }
        });
        let begin = f.date("beginDate", false);
        let end = f.date("endDate", false);
        let org = f.required("orgSourcedId");
        Some(RoleRow { user: user?, primary: primary?, role: role?, begin, end, org: org? })
    }
}

impl RowType for EnrollmentRow {
    const FILE: RosterFile = RosterFile::Enrollments;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let class = f.required("classSourcedId");
        let school = f.required("schoolSourcedId");
        let user = f.required("userSourcedId");
        let role = f.parsed(
            "role",
            true,
            vocabulary("student, teacher, aide, proctor, administrator", vocab::enrollment_role),
        );
        let primary = f.boolean("primary", false).unwrap_or(false);
        let begin = f.date("beginDate", false);
        let end = f.date("endDate", false);
        if let (Some(b), Some(e)) = (begin, end)
            && e < b
        {
            f.error("endDate", format!("{e} is before the begin date {b}"));
        }
        Some(EnrollmentRow { class: class?, school: school?, user: user?, role: role?, primary, begin, end })
    }
}

impl RowType for DemographicRow {
    const FILE: RosterFile = RosterFile::Demographics;
    const COLUMNS: &'static [&'static str] = &[
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ];

    fn parse(f: &mut Fields<'_>) -> Option<Self> {
        let birth_date = f.date("birthDate", false);
        let sex = f.parsed("sex", false, |s| Sex::parse(s).map_err(|e| e.to_string())).unwrap_or(Sex::Unspecified);
        for column in [
            "americanIndianOrAlaskaNative",
            "asian",
            "blackOrAfricanAmerican",
            "nativeHawaiianOrOtherPacificIslander",
            "white",
            "demographicRaceTwoOrMoreRaces",
            "hispanicOrLatinoEthnicity",
        ] {
            f.boolean(column, false);
        }
        Some(DemographicRow { birth_date, sex })
    }
}

#[cfg(test)]
mod tests;
