//! A generated channel with real blobs, in any version, and the stores around it.

use content::hash::ContentHash;
use content::id::{ChannelId, CourseId, ItemId, KpId, ResourceId, UnitId};
use content::installed::Selection;
use content::manifest::{Course, FileRef, FileRole, MANIFEST_FORMAT, Manifest, Resource, ResourceKind, Text, Unit};
use content::memory::{MemoryFolder, MemoryStore};
use content::signed::{PublisherKey, TrustedPublishers, sign_channel};
use content::store::ContentStore;
use ed25519_dalek::SigningKey;

pub(crate) fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

pub(crate) fn trusting(seed: u8) -> TrustedPublishers {
    let mut trusted = TrustedPublishers::none();
    trusted.trust(PublisherKey::of(&key(seed)), "county hub");
    trusted
}

pub(crate) fn channel_id() -> ChannelId {
    ChannelId::parse("county-maths-7").unwrap()
}

pub(crate) fn unit(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

pub(crate) fn course(s: &str) -> CourseId {
    CourseId::parse(s).unwrap()
}

/// A blob's bytes: `size` bytes derived from `name`, so every name gives a different hash.
pub(crate) fn blob(name: &str, size: usize) -> Vec<u8> {
    let seed = name.bytes().fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    let mut bytes: Vec<u8> = (0..size).map(|i| seed.wrapping_add((i % 251) as u8)).collect();
    bytes.extend_from_slice(name.as_bytes());
    bytes
}

/// A channel: course `algebra` with units a1 a2 a3 and course `geometry` with units g1 g2.
/// Each unit has a video (1000 bytes) and an exercise (200 bytes); every resource shares one
/// thumbnail. In `version` ≥ 2 unit a1's video is re-encoded (a new blob), and a3 is new in
/// version 3.
pub(crate) struct Channel {
    pub(crate) manifest: Manifest,
    pub(crate) blobs: Vec<Vec<u8>>,
}

pub(crate) fn channel(version: u64) -> Channel {
    let thumb = blob("thumb", 50);
    let mut blobs = vec![thumb.clone()];
    let file = |name: String, size: usize, media_type: &str, role: FileRole, blobs: &mut Vec<Vec<u8>>| {
        let bytes = blob(&name, size);
        let r = FileRef {
            hash: ContentHash::of(&bytes),
            size: bytes.len() as u64,
            media_type: media_type.into(),
            role,
            lang: None,
        };
        if !blobs.contains(&bytes) {
            blobs.push(bytes);
        }
        r
    };
    let thumb_ref = FileRef {
        hash: ContentHash::of(&thumb),
        size: thumb.len() as u64,
        media_type: "image/png".into(),
        role: FileRole::Thumbnail,
        lang: None,
    };
    let mut courses = Vec::new();
    for (course_id, units) in [("algebra", vec!["a1", "a2", "a3"]), ("geometry", vec!["g1", "g2"])] {
        let mut out_units = Vec::new();
        for u in units {
            if u == "a3" && version < 3 {
                continue;
            }
            let video_name = if u == "a1" && version >= 2 { format!("{u}-video-v2") } else { format!("{u}-video") };
            let video = Resource {
                id: ResourceId::parse(format!("{u}-video")).unwrap(),
                kind: ResourceKind::Video,
                title: Text::both(format!("{u} 讲解"), format!("{u} lesson")),
                description: Text::default(),
                transcript: Text::zh("同学们好，今天我们学习新的内容"),
                kps: vec![KpId::parse(format!("{course_id}.{u}")).unwrap()],
                prerequisites: vec![],
                items: vec![],
                duration_seconds: Some(420),
                licence: None,
                files: vec![file(video_name, 1000, "video/mp4", FileRole::Main, &mut blobs), thumb_ref.clone()],
            };
            let exercise = Resource {
                id: ResourceId::parse(format!("{u}-ex")).unwrap(),
                kind: ResourceKind::Exercise,
                title: Text::en(format!("{u} practice")),
                description: Text::default(),
                transcript: Text::default(),
                kps: vec![KpId::parse(format!("{course_id}.{u}")).unwrap()],
                prerequisites: vec![],
                items: vec![ItemId::parse(format!("{u}-q1")).unwrap(), ItemId::parse(format!("{u}-q2")).unwrap()],
                duration_seconds: None,
                licence: None,
                files: vec![
                    file(format!("{u}-items"), 200, "application/json", FileRole::Items, &mut blobs),
                    thumb_ref.clone(),
                ],
            };
            out_units.push(Unit {
                id: unit(u),
                title: Text::zh(format!("单元 {u}")),
                description: Text::default(),
                resources: vec![video, exercise],
            });
        }
        courses.push(Course {
            id: course(course_id),
            title: Text::en(course_id),
            description: Text::default(),
            subject: "maths".into(),
            grades: vec![7],
            licence: None,
            premium: course_id == "geometry",
            units: out_units,
        });
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        id: channel_id(),
        version,
        publisher: "County hub".into(),
        created_at: "2026-09-01T08:00:00Z".into(),
        title: Text::both("七年级数学", "Grade 7 maths"),
        description: Text::default(),
        licence: "CC-BY-4.0".into(),
        courses,
    };
    Channel { manifest, blobs }
}

/// A hub's export folder holding `channel` signed by key `seed`, all blobs included.
pub(crate) fn hub_folder(channel: &Channel, seed: u8) -> MemoryFolder {
    let mut folder = MemoryFolder::new();
    add_to_folder(&mut folder, channel, seed);
    folder
}

pub(crate) fn add_to_folder(folder: &mut MemoryFolder, channel: &Channel, seed: u8) {
    for b in &channel.blobs {
        folder.insert_blob(b.clone());
    }
    let envelope = sign_channel(&channel.manifest, &key(seed)).unwrap();
    folder.insert(content::layout::channel_path(&channel.manifest.id), envelope);
}

/// Imports `selection` of the channel in `folder` into `store`.
pub(crate) fn import(
    folder: &mut MemoryFolder,
    store: &mut MemoryStore,
    selection: &Selection,
) -> Result<content::import::ImportReport, content::ContentError> {
    let verified = content::import::read_channel(folder, &channel_id(), &trusting(1))?;
    let plan = content::import::plan_import(verified, selection, store)?;
    plan.apply(folder, store)
}

/// What a store holds, for before/after comparisons.
pub(crate) fn snapshot(store: &MemoryStore) -> String {
    let channels: Vec<String> = store
        .channels()
        .values()
        .map(|c| {
            format!("{}@{} units={:?}", c.id(), c.version(), c.units().iter().map(|u| u.as_str()).collect::<Vec<_>>())
        })
        .collect();
    let available = store.available_bytes().unwrap();
    format!("blobs={} staged={} channels={channels:?} available={available}", store.blobs().len(), store.staged().len())
}
