//! Writing a OneRoster 1.2 set: one table per file, the manifest, and optionally a zip.

use std::io::{Cursor, Write};

use crate::manifest::{FileMode, Manifest, RosterFile};
use crate::rows::{ClassRow, CourseRow, DemographicRow, EnrollmentRow, OrgRow, RoleRow, RowType, SessionRow, UserRow};

/// The rows of one file, as text, in column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub file: RosterFile,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with `T`'s standard columns followed by `extra` extension columns.
    pub fn new<T: RowType>(extra: &[&str]) -> Self {
        Self {
            file: T::FILE,
            columns: T::COLUMNS.iter().chain(extra).map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// An empty table for a rostering file with its standard columns.
    pub fn for_file(file: RosterFile) -> Self {
        match file {
            RosterFile::Orgs => Self::new::<OrgRow>(&[]),
            RosterFile::AcademicSessions => Self::new::<SessionRow>(&[]),
            RosterFile::Courses => Self::new::<CourseRow>(&[]),
            RosterFile::Classes => Self::new::<ClassRow>(&[]),
            RosterFile::Users => Self::new::<UserRow>(&[crate::NATIONAL_ID_COLUMN]),
            RosterFile::Demographics => Self::new::<DemographicRow>(&[]),
            RosterFile::Roles => Self::new::<RoleRow>(&[]),
            RosterFile::Enrollments => Self::new::<EnrollmentRow>(&[]),
        }
    }

    /// Appends a row given as (column, value) pairs; unnamed columns stay blank.
    pub fn push(&mut self, values: &[(&str, String)]) {
        let mut row = vec![String::new(); self.columns.len()];
        for (name, value) in values {
            let i = self
                .columns
                .iter()
                .position(|c| c == name)
                .expect("rows are written with the table's own column names");
            row[i] = value.clone();
        }
        self.rows.push(row);
    }

    /// The CSV bytes: header then rows, CRLF line ends as RFC 4180 says.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        w.write_record(&self.columns).expect("writing CSV to memory cannot fail");
        for row in &self.rows {
            w.write_record(row).expect("writing CSV to memory cannot fail");
        }
        w.into_inner().expect("flushing CSV to memory cannot fail")
    }
}

/// A complete set to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSet {
    pub mode: FileMode,
    pub tables: Vec<Table>,
    pub system_name: String,
}

impl WriteSet {
    /// Every file of the set, manifest first, as (name, bytes).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let present: Vec<RosterFile> = self.tables.iter().map(|t| t.file).collect();
        let mut manifest = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        manifest.write_record(["propertyName", "value"]).expect("writing CSV to memory cannot fail");
        for (k, v) in Manifest::for_export(&present, self.mode, &self.system_name) {
            manifest.write_record([k, v]).expect("writing CSV to memory cannot fail");
        }
        let mut out =
            vec![("manifest.csv".to_owned(), manifest.into_inner().expect("flushing CSV to memory cannot fail"))];
        out.extend(self.tables.iter().map(|t| (t.file.file_name(), t.to_csv())));
        out
    }

    /// The set as one zip archive.
    pub fn to_zip(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in self.files() {
            zip.start_file(name, options).expect("adding a file to an in-memory zip cannot fail");
            zip.write_all(&bytes).expect("writing to an in-memory zip cannot fail");
        }
        zip.finish().expect("finishing an in-memory zip cannot fail").into_inner()
    }
}
