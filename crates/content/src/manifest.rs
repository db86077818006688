//! The channel manifest: a versioned file format describing courses, units and resources.
//!
//! A manifest is JSON (see [`MANIFEST_FORMAT`]). [`Manifest::from_json`] parses and validates
//! it; [`Manifest::to_json`] writes it. Holding a `Manifest` that came out of `from_json` or
//! [`crate::signed::VerifiedChannel`] means it passed [`Manifest::validate`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::ContentError;
use crate::hash::ContentHash;
use crate::id::{ChannelId, CourseId, ItemId, KpId, ResourceId, UnitId};

/// The format tag every version-1 manifest carries in its `format` field.
pub const MANIFEST_FORMAT: &str = "inkstone-channel/1";
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Longest transcript, in characters.
pub const MAX_TRANSCRIPT_CHARS: usize = 1_000_000;
/// Largest single file a manifest may name: 64 GiB.
pub const MAX_FILE_BYTES: u64 = 64 << 30;
/// Highest school grade (1–6 primary, 7–9 junior secondary, 10–12 senior secondary).
pub const MAX_GRADE: u8 = 12;

/// A content channel at one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`]; it keeps a signature over a manifest from being reused for
    /// anything else the same key signs.
    pub format: String,
    pub id: ChannelId,
    /// Grows by at least one with every release; an import never goes back to a lower version.
    pub version: u64,
    /// Who publishes the channel, for display (the key is what is trusted).
    pub publisher: String,
    /// RFC 3339 time of publication.
    pub created_at: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub description: Text,
    /// Licence of everything in the channel unless a course or resource says otherwise (SPDX id
    /// or a short statement).
    pub licence: String,
    pub courses: Vec<Course>,
}

/// Text in Simplified Chinese, English, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(rename = "zh-CN", default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// Chinese text only.
    pub fn zh(s: impl Into<String>) -> Self {
        Self { zh: Some(s.into()), en: None }
    }

    /// English text only.
    pub fn en(s: impl Into<String>) -> Self {
        Self { zh: None, en: Some(s.into()) }
    }

    /// Both languages.
    pub fn both(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: Some(zh.into()), en: Some(en.into()) }
    }

    /// Whether neither language has any text.
    pub fn is_empty(&self) -> bool {
        self.zh.as_deref().is_none_or(str::is_empty) && self.en.as_deref().is_none_or(str::is_empty)
    }
}

/// A course: a sequence of units for one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub id: CourseId,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub description: Text,
    /// Subject code, e.g. `maths`, `chinese`, `physics`.
    pub subject: String,
    /// Grades the course is written for (1–12); may be empty for all-ages material.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<u8>,
    /// Overrides the channel's licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// A premium course is shown to a school only while a county assigns it to that school
    /// (see [`crate::recommend::CourseAssignment`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub premium: bool,
    pub units: Vec<Unit>,
}

/// A unit: the smallest part of a channel that can be imported on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub id: UnitId,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub description: Text,
    pub resources: Vec<Resource>,
}

/// One thing a learner opens: a video, an audio recording, a PDF, an HTML5 app or an exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub description: Text,
    /// What is said in a video or audio recording, for search and for learners who cannot listen.
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub transcript: Text,
    /// Knowledge points the resource teaches or practises.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kps: Vec<KpId>,
    /// Knowledge points a learner should know before this resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<KpId>,
    /// Exercise items, in order (exercises only; their bodies are in the `items` file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemId>,
    /// Playing time of a video or audio recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u32>,
    /// Overrides the course's licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    pub files: Vec<FileRef>,
}

/// What kind of resource it is; decides which files it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceKind {
    Video,
    Audio,
    Pdf,
    Html5,
    Exercise,
}

impl ResourceKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ResourceKind; 5] = [Self::Video, Self::Audio, Self::Pdf, Self::Html5, Self::Exercise];

    /// The name used in manifests and search filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Pdf => "pdf",
            Self::Html5 => "html5",
            Self::Exercise => "exercise",
        }
    }

    /// Reads the name used in manifests.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The file role a resource of this kind cannot do without.
    pub fn required_role(self) -> FileRole {
        match self {
            Self::Exercise => FileRole::Items,
            _ => FileRole::Main,
        }
    }
}

/// A file a resource uses, named by its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    pub hash: ContentHash,
    /// Exact length in bytes.
    pub size: u64,
    /// MIME type, e.g. `video/mp4`, `application/pdf`, `application/zip` (HTML5 apps).
    pub media_type: String,
    pub role: FileRole,
    /// Language of a subtitle track or audio dub, e.g. `zh-CN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// What a file is for within its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    /// The video, audio, PDF or HTML5 zip itself.
    Main,
    /// A smaller rendition of the main file for weak devices.
    LowQuality,
    Thumbnail,
    Subtitles,
    /// The exercise's item bodies (QTI package or the item bank's JSON).
    Items,
    Attachment,
}

/// A resource with where it sits in the channel.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub course: &'a Course,
    pub unit: &'a Unit,
    pub resource: &'a Resource,
}

impl Manifest {
    /// Parses and validates a manifest's JSON bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ContentError> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| ContentError::ManifestSyntax {
            line: e.line(),
            column: e.column(),
            message: crate::error::json_message(&e),
        })?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// The manifest as compact JSON bytes (after checking it is valid).
    pub fn to_json(&self) -> Result<Vec<u8>, ContentError> {
        self.validate()?;
        // Compact, because every byte of it crosses metered links on every version.
        Ok(serde_json::to_vec(self).expect("a manifest has only string keys and finite numbers"))
    }

    /// Every resource with its course and unit, in manifest order.
    pub fn resources(&self) -> impl Iterator<Item = Placed<'_>> {
        self.courses.iter().flat_map(|course| {
            course
                .units
                .iter()
                .flat_map(move |unit| unit.resources.iter().map(move |resource| Placed { course, unit, resource }))
        })
    }

    /// The course `id`, if the channel has it.
    pub fn course(&self, id: &CourseId) -> Option<&Course> {
        self.courses.iter().find(|c| &c.id == id)
    }

    /// Distinct files the given units need, by hash, with their sizes.
    ///
    /// Invariant of a validated manifest: a hash always has the same size.
    pub fn files_of_units(&self, units: &BTreeSet<UnitId>) -> BTreeMap<ContentHash, u64> {
        self.resources()
            .filter(|p| units.contains(&p.unit.id))
            .flat_map(|p| p.resource.files.iter().map(|f| (f.hash, f.size)))
            .collect()
    }

    /// Every unit id, in manifest order.
    pub fn unit_ids(&self) -> impl Iterator<Item = &UnitId> {
        self.courses.iter().flat_map(|c| c.units.iter().map(|u| &u.id))
    }

    /// Checks everything a reader relies on; the first problem is reported with where it is.
    pub fn validate(&self) -> Result<(), ContentError> {
        let bad = |at: String, problem: String| Err(ContentError::InvalidManifest { at, problem });
        if self.format != MANIFEST_FORMAT {
            return bad(
                "format".into(),
                format!("expected {MANIFEST_FORMAT:?}, found {:?}: not a version-1 channel manifest", self.format),
            );
        }
        if self.version == 0 {
            return bad("version".into(), "versions start at 1".into());
        }
        if self.publisher.trim().is_empty() {
            return bad("publisher".into(), "the publisher's name is empty".into());
        }
        if base::Timestamp::parse_rfc3339(&self.created_at).is_err() {
            return bad("created_at".into(), format!("{:?} is not an RFC 3339 time", self.created_at));
        }
        check_text("channel", "title", &self.title, MAX_TITLE_CHARS, true)?;
        check_text("channel", "description", &self.description, MAX_DESCRIPTION_CHARS, false)?;
        if self.licence.trim().is_empty() {
            return bad("licence".into(), "the channel has no licence".into());
        }
        if self.courses.is_empty() {
            return bad("courses".into(), "the channel has no courses".into());
        }
        let mut courses = BTreeSet::new();
        let mut units = BTreeSet::new();
        let mut resources = BTreeSet::new();
        let mut sizes: BTreeMap<ContentHash, u64> = BTreeMap::new();
        for course in &self.courses {
            let at = format!("course {}", course.id);
            if !courses.insert(&course.id) {
                return bad(at, "the course id is used twice".into());
            }
            check_text(&at, "title", &course.title, MAX_TITLE_CHARS, true)?;
            check_text(&at, "description", &course.description, MAX_DESCRIPTION_CHARS, false)?;
            if !is_code(&course.subject) {
                return bad(at, format!("subject {:?} is not a code like \"maths\"", course.subject));
            }
            if let Some(g) = course.grades.iter().find(|g| !(1..=MAX_GRADE).contains(*g)) {
                return bad(at, format!("grade {g} is outside 1–{MAX_GRADE}"));
            }
            if course.licence.as_deref().is_some_and(|l| l.trim().is_empty()) {
                return bad(at, "the licence is empty; leave it out to use the channel's".into());
            }
            if course.units.is_empty() {
                return bad(at, "the course has no units".into());
            }
            for unit in &course.units {
                let at = format!("course {} / unit {}", course.id, unit.id);
                if !units.insert(&unit.id) {
                    return bad(at, "the unit id is used twice in the channel".into());
                }
                check_text(&at, "title", &unit.title, MAX_TITLE_CHARS, true)?;
                check_text(&at, "description", &unit.description, MAX_DESCRIPTION_CHARS, false)?;
                for resource in &unit.resources {
                    let at = format!("{at} / resource {}", resource.id);
                    if !resources.insert(&resource.id) {
                        return bad(at, "the resource id is used twice in the channel".into());
                    }
                    check_resource(&at, resource, &mut sizes)?;
                }
            }
        }
        Ok(())
    }
}

fn check_resource(at: &str, r: &Resource, sizes: &mut BTreeMap<ContentHash, u64>) -> Result<(), ContentError> {
    let bad = |problem: String| Err(ContentError::InvalidManifest { at: at.to_owned(), problem });
    check_text(at, "title", &r.title, MAX_TITLE_CHARS, true)?;
    check_text(at, "description", &r.description, MAX_DESCRIPTION_CHARS, false)?;
    check_text(at, "transcript", &r.transcript, MAX_TRANSCRIPT_CHARS, false)?;
    if r.licence.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return bad("the licence is empty; leave it out to use the course's".into());
    }
    let required = r.kind.required_role();
    if !r.files.iter().any(|f| f.role == required) {
        return bad(format!("a {} needs a file with role {:?}", r.kind.as_str(), required));
    }
    match r.kind {
        ResourceKind::Exercise if r.items.is_empty() => return bad("an exercise needs at least one item".into()),
        ResourceKind::Exercise => {}
        _ if !r.items.is_empty() => return bad(format!("a {} cannot have exercise items", r.kind.as_str())),
        _ => {}
    }
    let distinct_items: BTreeSet<_> = r.items.iter().collect();
    if distinct_items.len() != r.items.len() {
        return bad("an item is listed twice".into());
    }
    if let Some(kp) = r.prerequisites.iter().find(|p| r.kps.contains(p)) {
        return bad(format!("knowledge point {kp} is both taught and a prerequisite"));
    }
    for file in &r.files {
        if file.size > MAX_FILE_BYTES {
            return bad(format!("file {} is {} bytes; the limit is {MAX_FILE_BYTES}", file.hash, file.size));
        }
        if !file.media_type.contains('/')
            || file.media_type.len() > 255
            || file.media_type.chars().any(char::is_whitespace)
        {
            return bad(format!(
                "file {} has media type {:?}; expected e.g. \"video/mp4\"",
                file.hash, file.media_type
            ));
        }
        match sizes.insert(file.hash, file.size) {
            Some(size) if size != file.size => {
                return bad(format!("file {} is listed with sizes {size} and {}", file.hash, file.size));
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_text(at: &str, field: &str, text: &Text, max_chars: usize, required: bool) -> Result<(), ContentError> {
    let bad = |problem: String| Err(ContentError::InvalidManifest { at: format!("{at} {field}"), problem });
    if required && text.is_empty() {
        return bad("needs text in zh-CN or en".into());
    }
    for s in [&text.zh, &text.en].into_iter().flatten() {
        let n = s.chars().count();
        if n > max_chars {
            return bad(format!("is {n} characters long; the limit is {max_chars}"));
        }
    }
    Ok(())
}

/// A short lowercase code such as a subject: `a-z`, `0-9`, `-`, `_`, 1–64 bytes.
fn is_code(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b))
}

#[cfg(test)]
pub(crate) mod tests;
