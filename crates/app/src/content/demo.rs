//! The demo channel: generated lessons and exercises for the built-in maths knowledge points.
//!
//! Everything is made here from the knowledge graph and the demo item bank: a lesson page
//! (HTML5) per knowledge point and an exercise of its demo items, in one unit per chapter
//! (the knowledge point id's first part). It is signed by a demo key derived from a public
//! phrase, so it must never be trusted for anything but the demo.

use std::collections::BTreeMap;

use content::hash::ContentHash;
use content::id::{ChannelId, CourseId, ItemId, KpId, ResourceId, UnitId};
use content::manifest::{Course, FileRef, FileRole, MANIFEST_FORMAT, Manifest, Resource, ResourceKind, Text, Unit};
use content::memory::MemoryFolder;
use content::signed::{PublisherKey, sign_channel};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use super::ImportRequest;
use crate::{App, Caller, Error, Result};

/// The demo channel's id.
pub const DEMO_CHANNEL: &str = "inkstone-demo-maths";

/// The demo publisher's key: public knowledge, so trusted by demo servers only.
fn demo_key() -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(b"inkstone demo content publisher (not a real key)").into();
    SigningKey::from_bytes(&seed)
}

fn id<T>(parse: fn(String) -> std::result::Result<T, content::ContentError>, s: String) -> Result<T> {
    parse(s).map_err(Error::internal)
}

/// The demo channel as an export folder in memory (catalog, envelope, blobs), dated `now`.
pub fn demo_channel_folder(now: base::Timestamp) -> Result<MemoryFolder> {
    let graph = learning::graph::junior_secondary_maths();
    let items = crate::learning::demo_items(&graph);
    let mut items_by_kp: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, spec) in &items {
        if let Some(kp) = spec.kps.first() {
            items_by_kp.entry(kp.as_str().to_owned()).or_default().push(spec.id.as_str().to_owned());
        }
    }
    let mut folder = MemoryFolder::new();
    let mut file = |bytes: Vec<u8>, media_type: &str, role: FileRole| -> FileRef {
        let size = bytes.len() as u64;
        let hash: ContentHash = folder.insert_blob(bytes);
        FileRef { hash, size, media_type: media_type.to_owned(), role, lang: None }
    };
    let mut chapters: BTreeMap<String, Vec<Resource>> = BTreeMap::new();
    let mut chapter_names: BTreeMap<String, Text> = BTreeMap::new();
    for kp in graph.kps() {
        let kp_id = kp.id.as_str();
        let chapter = kp_id.split('.').next().unwrap_or(kp_id).to_owned();
        chapter_names.entry(chapter.clone()).or_insert_with(|| Text::both(kp.name_zh.clone(), kp.name_en.clone()));
        let prerequisites: Vec<KpId> = kp
            .prerequisites
            .iter()
            .map(|&i| id(KpId::parse, graph.kps()[i as usize].id.as_str().to_owned()))
            .collect::<Result<_>>()?;
        let kps = vec![id(KpId::parse, kp_id.to_owned())?];
        let page = format!(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{zh}</title>\
             <h1>{zh} · {en}</h1><p>示范课：{zh}。讲解、例题和小结。</p>\
             <p lang=\"en\">Demo lesson on {en}: explanation, worked examples and a summary.</p></html>",
            zh = kp.name_zh,
            en = kp.name_en
        );
        let lesson = Resource {
            id: id(ResourceId::parse, format!("lesson-{kp_id}"))?,
            kind: ResourceKind::Html5,
            title: Text::both(format!("{}：讲解", kp.name_zh), format!("{}: lesson", kp.name_en)),
            description: Text::both(
                format!("示范课，讲解{}，附例题。", kp.name_zh),
                format!("A demo lesson explaining {} with worked examples.", kp.name_en),
            ),
            transcript: Text::default(),
            kps: kps.clone(),
            prerequisites: prerequisites.clone(),
            items: Vec::new(),
            duration_seconds: Some(600),
            licence: None,
            files: vec![file(page.into_bytes(), "text/html", FileRole::Main)],
        };
        let mut unit_resources = vec![lesson];
        if let Some(item_ids) = items_by_kp.get(kp_id) {
            let items_json = serde_json::to_vec(item_ids).expect("a list of strings serialises");
            unit_resources.push(Resource {
                id: id(ResourceId::parse, format!("exercise-{kp_id}"))?,
                kind: ResourceKind::Exercise,
                title: Text::both(format!("{}：练习", kp.name_zh), format!("{}: practice", kp.name_en)),
                description: Text::both(
                    format!("{}道关于{}的练习题。", item_ids.len(), kp.name_zh),
                    format!("{} practice questions on {}.", item_ids.len(), kp.name_en),
                ),
                transcript: Text::default(),
                kps,
                prerequisites,
                items: item_ids.iter().map(|i| id(ItemId::parse, i.clone())).collect::<Result<_>>()?,
                duration_seconds: None,
                licence: None,
                files: vec![file(items_json, "application/json", FileRole::Items)],
            });
        }
        chapters.entry(chapter).or_default().extend(unit_resources);
    }
    let units = chapters
        .into_iter()
        .map(|(chapter, resources)| {
            Ok(Unit {
                id: id(UnitId::parse, format!("unit-{chapter}"))?,
                title: chapter_names.remove(&chapter).unwrap_or_else(|| Text::en(chapter.clone())),
                description: Text::default(),
                resources,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_owned(),
        id: id(ChannelId::parse, DEMO_CHANNEL.to_owned())?,
        version: 1,
        publisher: "Inkstone demo (generated)".to_owned(),
        created_at: now.to_rfc3339(),
        title: Text::both("初中数学示范资源", "Junior secondary maths (demo)"),
        description: Text::both(
            "由 Inkstone 生成的示范课程和练习，与内置知识点对齐。",
            "Lessons and exercises generated by Inkstone, aligned to the built-in knowledge points.",
        ),
        licence: "CC0-1.0".to_owned(),
        courses: vec![Course {
            id: id(CourseId::parse, "maths-7-9".to_owned())?,
            title: Text::both("初中数学", "Junior secondary maths"),
            description: Text::default(),
            subject: "maths".to_owned(),
            grades: vec![7, 8, 9],
            licence: None,
            premium: false,
            units,
        }],
    };
    let envelope = sign_channel(&manifest, &demo_key()).map_err(Error::internal)?;
    folder.insert(content::layout::channel_path(&manifest.id), envelope);
    let mut catalog = content::layout::Catalog::new();
    catalog.upsert(content::layout::CatalogEntry {
        id: manifest.id.clone(),
        version: manifest.version,
        title: "初中数学示范资源".to_owned(),
        publisher: manifest.publisher.clone(),
        units: None,
        bytes: 0,
    });
    folder.insert(content::layout::CATALOG_PATH, catalog.to_json());
    Ok(folder)
}

impl App {
    /// Trusts the demo publisher and installs the demo channel (the operator only; demo
    /// servers only: the demo key is public).
    pub async fn install_demo_channel(&self, caller: &Caller) -> Result<()> {
        if caller.actor().is_some() {
            return Err(crate::UserError::Forbidden("the demo channel is installed by the operator".into()).into());
        }
        self.content_trust(caller, &PublisherKey::of(&demo_key()).to_base64(), "Inkstone demo (generated)").await?;
        let folder = demo_channel_folder(self.now())?;
        self.content_import(caller, folder, ImportRequest::default(), Box::new(|_| {})).await?;
        Ok(())
    }
}
