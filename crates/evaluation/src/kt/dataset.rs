//! Reading the benchmark's comma-separated sequence files (3-line DKVMN and 4-line AKT "pid").

use std::path::Path;

use anyhow::{Context, bail};
use learning::corpus::Corpus;

/// The two per-student layouts the benchmark files use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// `n` / `ids` / `responses`: the ids are the only item information (skill or step ids).
    ThreeLine,
    /// `student` / `problem ids` / `skill ids` / `responses`.
    FourLine,
}

impl FileFormat {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::ThreeLine => "3-line (ids, responses)",
            FileFormat::FourLine => "4-line (problem ids, skill ids, responses)",
        }
    }
}

/// One student's answers as read from a file: ids exactly as written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    /// Problem ids (4-line files) or the file's only ids (3-line files).
    pub items: Vec<u32>,
    /// Skill ids (4-line files) or the same ids as `items` (3-line files).
    pub skills: Vec<u32>,
    /// 1 = correct.
    pub correct: Vec<bool>,
}

/// The students of one file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceFile {
    /// How the file was laid out.
    pub format: FileFormat,
    /// One entry per student block.
    pub students: Vec<Student>,
}

impl SequenceFile {
    /// Largest item id and largest skill id in the file (0 when empty).
    pub fn max_ids(&self) -> (u32, u32) {
        let max_item = self.students.iter().flat_map(|s| &s.items).copied().max().unwrap_or(0);
        let max_skill = self.students.iter().flat_map(|s| &s.skills).copied().max().unwrap_or(0);
        (max_item, max_skill)
    }

    /// Number of answers in the file.
    pub fn n_answers(&self) -> usize {
        self.students.iter().map(|s| s.correct.len()).sum()
    }

    /// The file as a corpus: item index = item id, knowledge point index = skill id.
    /// `n_items` and `n_kps` size the index spaces (so several files can share them).
    pub fn to_corpus(&self, n_items: u32, n_kps: u32) -> Corpus {
        let mut builder = Corpus::builder(n_items, n_kps);
        for student in &self.students {
            for ((&item, &skill), &correct) in student.items.iter().zip(&student.skills).zip(&student.correct) {
                builder.push(item, &[skill], correct);
            }
            builder.end_sequence();
        }
        builder.finish()
    }
}

/// Reads and parses one sequence file, recognising its layout from its first block.
pub fn read(path: &Path) -> anyhow::Result<SequenceFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// Parses sequence-file text; errors name `origin:line`.
pub fn parse(text: &str, origin: &str) -> anyhow::Result<SequenceFile> {
    // Keep 1-based line numbers of the non-empty lines so errors point into the real file.
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(idx, line)| (idx + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    let format = detect_format(&lines, origin)?;
    let block = match format {
        FileFormat::ThreeLine => 3,
        FileFormat::FourLine => 4,
    };
    if !lines.len().is_multiple_of(block) {
        let (line_no, _) = lines[lines.len() - lines.len() % block];
        bail!(
            "{origin}:{line_no}: incomplete student block: the file's layout is {} \
             but only {} line(s) remain",
            format.name(),
            lines.len() % block
        );
    }
    let mut students = Vec::with_capacity(lines.len() / block);
    for chunk in lines.chunks(block) {
        let student = match format {
            FileFormat::ThreeLine => {
                let (n_line, n_text) = chunk[0];
                let n_fields = fields(n_text);
                let n: usize = match n_fields.as_slice() {
                    [n] => n.parse().map_err(|_| {
                        anyhow::anyhow!("{origin}:{n_line}: expected the number of responses, found {n_text:?}")
                    })?,
                    _ => bail!(
                        "{origin}:{n_line}: expected the number of responses alone on the line, \
                         found {n_text:?}"
                    ),
                };
                let ids = parse_ids(chunk[1], origin)?;
                let correct = parse_responses(chunk[2], origin)?;
                check_len(n, ids.len(), chunk[1].0, "ids", origin)?;
                check_len(n, correct.len(), chunk[2].0, "responses", origin)?;
                Student { items: ids.clone(), skills: ids, correct }
            }
            FileFormat::FourLine => {
                let items = parse_ids(chunk[1], origin)?;
                let skills = parse_ids(chunk[2], origin)?;
                let correct = parse_responses(chunk[3], origin)?;
                check_len(items.len(), skills.len(), chunk[2].0, "skill ids", origin)?;
                check_len(items.len(), correct.len(), chunk[3].0, "responses", origin)?;
                Student { items, skills, correct }
            }
        };
        students.push(student);
    }
    Ok(SequenceFile { format, students })
}

/// A block whose first line is a lone count matching the next two lines is 3-line; a first
/// line with several fields (student index, user id) starts a 4-line block. A lone number whose
/// next three lines have equal lengths is a 4-line block with a one-field student line; any
/// other lone number is taken as a 3-line count, so its mismatch is reported precisely.
fn detect_format(lines: &[(usize, &str)], origin: &str) -> anyhow::Result<FileFormat> {
    let Some(&(first_line, first)) = lines.first() else {
        bail!("{origin}: the file has no student blocks");
    };
    let len_of = |idx: usize| lines.get(idx).map(|(_, l)| fields(l).len());
    match fields(first).as_slice() {
        [n] => match n.parse::<usize>() {
            Ok(n) if len_of(1) == Some(n) && len_of(2) == Some(n) => Ok(FileFormat::ThreeLine),
            Ok(_) if len_of(1).is_some() && len_of(1) == len_of(2) && len_of(2) == len_of(3) => {
                Ok(FileFormat::FourLine)
            }
            Ok(_) => Ok(FileFormat::ThreeLine),
            Err(_) => bail!(
                "{origin}:{first_line}: expected a student block to start with the number of \
                 responses (3-line files) or a student index (4-line files), found {first:?}"
            ),
        },
        _ => Ok(FileFormat::FourLine),
    }
}

fn fields(line: &str) -> Vec<&str> {
    line.split(',').map(str::trim).filter(|f| !f.is_empty()).collect()
}

fn parse_ids((line_no, line): (usize, &str), origin: &str) -> anyhow::Result<Vec<u32>> {
    fields(line)
        .into_iter()
        .enumerate()
        .map(|(col, f)| {
            f.parse::<u32>().map_err(|_| anyhow::anyhow!("{origin}:{line_no}: field {} is not an id: {f:?}", col + 1))
        })
        .collect()
}

fn parse_responses((line_no, line): (usize, &str), origin: &str) -> anyhow::Result<Vec<bool>> {
    fields(line)
        .into_iter()
        .enumerate()
        .map(|(col, f)| match f {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(anyhow::anyhow!("{origin}:{line_no}: field {} is not a response (0 or 1): {f:?}", col + 1)),
        })
        .collect()
}

fn check_len(expected: usize, found: usize, line_no: usize, what: &str, origin: &str) -> anyhow::Result<()> {
    if expected != found {
        bail!("{origin}:{line_no}: expected {expected} {what}, found {found}");
    }
    Ok(())
}
