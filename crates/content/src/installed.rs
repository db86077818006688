//! What a school has installed: a channel's signed envelope plus the units it chose to import.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::ContentError;
use crate::hash::ContentHash;
use crate::id::{ChannelId, CourseId, UnitId};
use crate::manifest::Manifest;
use crate::signed::VerifiedChannel;

/// Which parts of a channel to import. Stored with the installed channel (serialised state,
/// hence serde), and kept across upgrades: `All` takes in units a new version adds, and a
/// selected course takes in its new units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "select", rename_all = "lowercase", deny_unknown_fields)]
pub enum Selection {
    /// The whole channel.
    All,
    /// Whole courses plus single units.
    Only {
        #[serde(default)]
        courses: BTreeSet<CourseId>,
        #[serde(default)]
        units: BTreeSet<UnitId>,
    },
}

impl Selection {
    /// Nothing yet.
    pub fn nothing() -> Self {
        Self::Only { courses: BTreeSet::new(), units: BTreeSet::new() }
    }

    /// These courses, whole.
    pub fn courses(courses: impl IntoIterator<Item = CourseId>) -> Self {
        Self::Only { courses: courses.into_iter().collect(), units: BTreeSet::new() }
    }

    /// These units.
    pub fn units(units: impl IntoIterator<Item = UnitId>) -> Self {
        Self::Only { courses: BTreeSet::new(), units: units.into_iter().collect() }
    }

    /// Everything either selection selects.
    pub fn union(&self, other: &Selection) -> Selection {
        match (self, other) {
            (Self::All, _) | (_, Self::All) => Self::All,
            (Self::Only { courses: c1, units: u1 }, Self::Only { courses: c2, units: u2 }) => {
                Self::Only { courses: c1.union(c2).cloned().collect(), units: u1.union(u2).cloned().collect() }
            }
        }
    }

    /// The units selected in `manifest`; a course or unit the manifest lacks is an error.
    pub fn resolve(&self, manifest: &Manifest) -> Result<BTreeSet<UnitId>, ContentError> {
        if let Self::Only { courses, units } = self {
            if let Some(course) = courses.iter().find(|c| manifest.course(c).is_none()) {
                return Err(ContentError::UnknownCourse { channel: manifest.id.clone(), course: course.clone() });
            }
            let known: BTreeSet<&UnitId> = manifest.unit_ids().collect();
            if let Some(unit) = units.iter().find(|u| !known.contains(u)) {
                return Err(ContentError::UnknownUnit { channel: manifest.id.clone(), unit: unit.clone() });
            }
        }
        Ok(self.resolve_lenient(manifest))
    }

    /// The units selected in `manifest`, ignoring courses and units it no longer has (an
    /// upgrade may drop some).
    pub fn resolve_lenient(&self, manifest: &Manifest) -> BTreeSet<UnitId> {
        match self {
            Self::All => manifest.unit_ids().cloned().collect(),
            Self::Only { courses, units } => manifest
                .courses
                .iter()
                .flat_map(|c| c.units.iter().map(move |u| (c, u)))
                .filter(|(c, u)| courses.contains(&c.id) || units.contains(&u.id))
                .map(|(_, u)| u.id.clone())
                .collect(),
        }
    }

    /// The selection as JSON, to store next to the envelope.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a selection has only string keys")
    }

    /// Reads what [`Selection::to_json`] wrote.
    pub fn from_json(s: &str) -> Result<Self, ContentError> {
        serde_json::from_str(s).map_err(|e| ContentError::SelectionSyntax(e.to_string()))
    }
}

/// A channel as installed on a school server: the envelope exactly as verified at import, and
/// the selection. This is all the server stores about a channel besides its blobs.
#[derive(Debug, Clone)]
pub struct InstalledChannel {
    channel: VerifiedChannel,
    selection: Selection,
    // Invariant: `selection.resolve_lenient(channel.manifest())`.
    units: BTreeSet<UnitId>,
}

impl InstalledChannel {
    /// Rebuilds the record from what the server stored (the signature is checked again).
    pub fn from_stored(envelope: &[u8], selection: Selection) -> Result<Self, ContentError> {
        Ok(Self::new(VerifiedChannel::reopen_installed(envelope)?, selection))
    }

    pub(crate) fn new(channel: VerifiedChannel, selection: Selection) -> Self {
        let units = selection.resolve_lenient(channel.manifest());
        Self { channel, selection, units }
    }

    /// The channel id.
    pub fn id(&self) -> &ChannelId {
        &self.channel.manifest().id
    }

    /// The installed version.
    pub fn version(&self) -> u64 {
        self.channel.manifest().version
    }

    /// The verified channel (manifest, publisher key, envelope bytes).
    pub fn channel(&self) -> &VerifiedChannel {
        &self.channel
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        self.channel.manifest()
    }

    /// What the school chose to import.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The units whose files are present.
    pub fn units(&self) -> &BTreeSet<UnitId> {
        &self.units
    }

    /// The distinct files the installed units use.
    pub fn blobs(&self) -> BTreeSet<ContentHash> {
        self.manifest().files_of_units(&self.units).into_keys().collect()
    }
}

impl PartialEq for InstalledChannel {
    fn eq(&self, other: &Self) -> bool {
        self.channel.manifest_hash() == other.channel.manifest_hash() && self.selection == other.selection
    }
}

/// The blobs in `stored` that no installed channel uses any more (after an upgrade or a
/// removal), which the caller may delete to reclaim space.
pub fn unreferenced_blobs<'a>(
    installed: impl IntoIterator<Item = &'a InstalledChannel>,
    stored: impl IntoIterator<Item = ContentHash>,
) -> Vec<ContentHash> {
    let used: BTreeSet<ContentHash> = installed.into_iter().flat_map(InstalledChannel::blobs).collect();
    stored.into_iter().filter(|h| !used.contains(h)).collect()
}
