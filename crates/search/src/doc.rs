//! The document the index takes: one resource, as plain data.

use content::installed::InstalledChannel;
use content::manifest::{Manifest, ResourceKind, Text};

/// One resource to index. Plain data, so callers can index without a server; build it from a
/// channel with [`ResourceDoc::from_channel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDoc {
    /// Channel id (contains no `/`).
    pub channel: String,
    /// Course id within the channel.
    pub course: String,
    /// Unit id within the channel.
    pub unit: String,
    /// Resource id within the channel.
    pub resource: String,
    pub kind: ResourceKind,
    /// Subject code of its course, e.g. `maths`.
    pub subject: String,
    /// Grades of its course (1–12); empty for all-ages material.
    pub grades: Vec<u8>,
    /// Knowledge point ids.
    pub kps: Vec<String>,
    /// Texts by language; empty when absent.
    pub title_zh: String,
    pub title_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub transcript_zh: String,
    pub transcript_en: String,
}

impl ResourceDoc {
    /// The documents of a channel's installed units (the only ones a school can open).
    pub fn from_channel(installed: &InstalledChannel) -> Vec<ResourceDoc> {
        Self::from_manifest(installed.manifest(), |unit| installed.units().contains(unit))
    }

    /// The documents of the units of `manifest` that `include` accepts.
    pub fn from_manifest(manifest: &Manifest, include: impl Fn(&content::id::UnitId) -> bool) -> Vec<ResourceDoc> {
        let text = |t: &Text| (t.zh.clone().unwrap_or_default(), t.en.clone().unwrap_or_default());
        manifest
            .resources()
            .filter(|p| include(&p.unit.id))
            .map(|p| {
                let r = p.resource;
                let (title_zh, title_en) = text(&r.title);
                let (description_zh, description_en) = text(&r.description);
                let (transcript_zh, transcript_en) = text(&r.transcript);
                ResourceDoc {
                    channel: manifest.id.to_string(),
                    course: p.course.id.to_string(),
                    unit: p.unit.id.to_string(),
                    resource: r.id.to_string(),
                    kind: r.kind,
                    subject: p.course.subject.clone(),
                    grades: p.course.grades.clone(),
                    kps: r.kps.iter().map(ToString::to_string).collect(),
                    title_zh,
                    title_en,
                    description_zh,
                    description_en,
                    transcript_zh,
                    transcript_en,
                }
            })
            .collect()
    }
}
