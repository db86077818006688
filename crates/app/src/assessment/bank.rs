//! The item bank: QTI import, search, and items as students and teachers see them.

use std::collections::BTreeMap;

use base::{Page, PageRequest};
use grading::item::AnswerKey;
use sha2::{Digest, Sha256};
use store::assessment::{BankEntry, BankFilter};
use store::learning::StoredItem;

use super::{BankKey, ItemKind, LoadedItem, is_staff};
use crate::{App, Caller, Error, Result, UserError};

/// Most files one import takes.
const MAX_FILES: usize = 2_000;

/// One QTI file to import: its name (for error messages) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QtiFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Bank ids of the items added.
    pub added: Vec<String>,
    /// Bank ids of items that were already in the bank (same QTI text).
    pub existing: Vec<String>,
    /// What QTI 2.x conversions had to assume, as `file: note`.
    pub notes: Vec<String>,
}

/// A bank item in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct BankItemSummary {
    pub item_id: String,
    pub kind: ItemKind,
    pub subject: String,
    pub title: String,
    pub prompt: Option<String>,
    pub max_points: f64,
    pub kps: Vec<String>,
    /// Where it came from (`qti:<file>`, `generated`).
    pub source: String,
}

/// What a student sees of an item: the question without its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemContent {
    pub kind: ItemKind,
    pub title: String,
    pub prompt: Option<String>,
    /// Choice options, ordering elements, or matching sources: (id, text). Ordering elements
    /// and matching sides are in an order derived from their ids, never the key's order.
    pub options: Vec<(String, String)>,
    /// Matching targets: (id, text).
    pub targets: Vec<(String, String)>,
    /// Fill-in items: how many blanks.
    pub n_blanks: usize,
    pub max_points: f64,
}

/// A bank item with its content and its QTI 3.0 text (answer key included: staff only).
#[derive(Debug, Clone, PartialEq)]
pub struct BankItemDetail {
    pub summary: BankItemSummary,
    pub content: ItemContent,
    pub qti: String,
}

fn label(labels: &BTreeMap<String, String>, id: &str) -> (String, String) {
    (id.to_owned(), labels.get(id).cloned().unwrap_or_else(|| id.to_owned()))
}

/// Orders ids by a hash of the item and the id, so the key's order does not show.
fn scrambled(item: &str, ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut ids: Vec<(Vec<u8>, String)> =
        ids.into_iter().map(|id| (Sha256::digest(format!("{item}\u{0}{id}")).to_vec(), id)).collect();
    ids.sort();
    ids.dedup_by(|a, b| a.1 == b.1);
    ids.into_iter().map(|(_, id)| id).collect()
}

impl LoadedItem {
    /// The item as a student sees it.
    pub(crate) fn content(&self) -> ItemContent {
        let mut options = Vec::new();
        let mut targets = Vec::new();
        let mut n_blanks = 0;
        match &self.item.key {
            AnswerKey::Choice(c) => options = c.options.iter().map(|o| label(&self.labels, o.as_str())).collect(),
            AnswerKey::Ordering { correct, .. } => {
                options = scrambled(&self.item_id, correct.iter().map(|o| o.as_str().to_owned()))
                    .iter()
                    .map(|o| label(&self.labels, o))
                    .collect();
            }
            AnswerKey::Matching { pairs, .. } => {
                options = scrambled(&self.item_id, pairs.iter().map(|(s, _)| s.as_str().to_owned()))
                    .iter()
                    .map(|o| label(&self.labels, o))
                    .collect();
                targets = scrambled(&self.item_id, pairs.iter().map(|(_, t)| t.as_str().to_owned()))
                    .iter()
                    .map(|o| label(&self.labels, o))
                    .collect();
            }
            AnswerKey::FillIn(f) => n_blanks = f.blanks.len(),
            AnswerKey::TrueFalse(_) | AnswerKey::Numeric(_) | AnswerKey::Math(_) | AnswerKey::FreeText(_) => {}
        }
        ItemContent {
            kind: self.kind,
            title: self.title.clone(),
            prompt: self.prompt.clone(),
            options,
            targets,
            n_blanks,
            max_points: self.item.max_points,
        }
    }
}

fn summary(b: &store::assessment::BankItem) -> Result<BankItemSummary> {
    Ok(BankItemSummary {
        item_id: b.item_id.clone(),
        kind: ItemKind::parse(&b.kind).ok_or_else(|| super::corrupt("item kind", &b.kind))?,
        subject: b.subject.clone(),
        title: b.title.clone(),
        prompt: b.prompt.clone(),
        max_points: b.max_points,
        kps: b.kps.clone(),
        source: b.source.clone(),
    })
}

/// The text search looks at: title, prompt and labels, lower-cased.
fn search_text(q: &qti::QtiItem) -> String {
    let mut text = q.title.clone();
    for part in q.prompt.iter().chain(q.labels.values()) {
        text.push('\n');
        text.push_str(part);
    }
    text.to_lowercase()
}

fn check_subject(subject: &str) -> Result<String> {
    let subject = subject.trim();
    if subject.is_empty() || subject.len() > 64 || subject.chars().any(char::is_control) {
        return Err(UserError::invalid("subject", "give a subject name of 1 to 64 characters").into());
    }
    Ok(subject.to_owned())
}

impl App {
    fn require_staff(&self, caller: &Caller) -> Result<()> {
        if is_staff(caller) {
            Ok(())
        } else {
            Err(UserError::Forbidden("the item bank is for teachers and administrators".into()).into())
        }
    }

    /// Imports QTI items into the bank under `subject`, all or nothing: each file is an item
    /// (QTI 3.0, or 2.1/2.2 converted); if any file cannot be read, nothing is imported and the
    /// error names every such file with the reader's reason (and line and column where known).
    pub async fn import_qti(&self, caller: &Caller, subject: &str, files: &[QtiFile]) -> Result<ImportReport> {
        self.require_staff(caller)?;
        let subject = check_subject(subject)?;
        if files.len() > MAX_FILES {
            return Err(UserError::invalid("files", format!("at most {MAX_FILES} files per import")).into());
        }
        let mut report = ImportReport::default();
        let mut parsed = Vec::new();
        let mut rejected = Vec::new();
        for f in files {
            match qti::import_bytes(&f.bytes).and_then(|q| Ok((qti::export(&q)?, q))) {
                Ok((xml, q)) => {
                    report.notes.extend(q.notes.iter().map(|n| format!("{}: {n}", f.name)));
                    parsed.push((f, xml, q));
                }
                Err(e) => rejected.push(format!("{}: {e}", f.name)),
            }
        }
        if !rejected.is_empty() {
            return Err(UserError::invalid(
                "files",
                format!(
                    "{} of {} files could not be read, so nothing was imported: {}",
                    rejected.len(),
                    files.len(),
                    rejected.join("; ")
                ),
            )
            .into());
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        for (f, xml, q) in parsed {
            let hash = hex::encode(Sha256::digest(xml.as_bytes()));
            if let Some(existing) = store::assessment::bank_item_by_hash(&mut tx, &hash).await? {
                report.existing.push(existing.item_id);
                continue;
            }
            let id = format!("qti-{}", &hash[..20]);
            let key = serde_json::to_string(&BankKey::Qti { xml }).map_err(Error::internal)?;
            let stored = StoredItem {
                id: id.clone(),
                subject: None,
                stem_zh: None,
                stem_en: None,
                answer_key: key,
                kps: Vec::new(),
                difficulty: 0.5,
                source: format!("qti:{}", f.name.chars().take(200).collect::<String>()),
            };
            store::learning::upsert_items(&mut tx, std::slice::from_ref(&stored), now).await?;
            let entry = BankEntry {
                item_id: id.clone(),
                qti_identifier: q.item.id.to_string(),
                kind: ItemKind::of(&q.item.key).as_str().to_owned(),
                subject: subject.clone(),
                title: q.title.clone(),
                prompt: q.prompt.clone(),
                max_points: q.item.max_points,
                search_text: search_text(&q),
                content_hash: hash,
                created_by: caller.audit_name(),
            };
            store::assessment::insert_bank_entry(&mut tx, &entry, now).await?;
            report.added.push(id);
        }
        let entry = self.audit_entry(
            caller,
            "import",
            "item-bank",
            None,
            &format!("qti into {subject}: {} added, {} existing", report.added.len(), report.existing.len()),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Adds the learning curriculum's items of `subject` to the bank (those not in it yet);
    /// returns how many were added. Operator only.
    pub async fn bank_learning_items(&self, caller: &Caller, subject: &str) -> Result<usize> {
        if caller.actor().is_some() {
            return Err(UserError::Forbidden("curriculum items are added to the bank by the operator".into()).into());
        }
        let mut conn = self.store.read().await?;
        let items = store::learning::items_of_subject(&mut conn, subject).await?;
        drop(conn);
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut n = 0;
        for i in &items {
            if store::assessment::bank_item(&mut tx, &i.id).await?.is_some() {
                continue;
            }
            let loaded = LoadedItem::from_stored(&i.id, i.stem_en.as_deref(), &i.answer_key, 1.0)?;
            let title = i.stem_zh.clone().or_else(|| i.stem_en.clone()).unwrap_or_else(|| i.id.clone());
            let prompt = i.stem_en.clone();
            let search = format!("{title}\n{}\n{}", prompt.as_deref().unwrap_or(""), i.kps.join("\n")).to_lowercase();
            let entry = BankEntry {
                item_id: i.id.clone(),
                qti_identifier: i.id.clone(),
                kind: loaded.kind.as_str().to_owned(),
                subject: subject.to_owned(),
                title,
                prompt,
                max_points: 1.0,
                search_text: search,
                content_hash: hex::encode(Sha256::digest(format!("{}\u{0}{}", i.id, i.answer_key))),
                created_by: caller.audit_name(),
            };
            store::assessment::insert_bank_entry(&mut tx, &entry, now).await?;
            n += 1;
        }
        let entry = self.audit_entry(caller, "import", "item-bank", None, &format!("{n} items of {subject}"));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// A page of bank items matching `filter`, by id. Staff only (the bank holds answer keys).
    pub async fn search_bank(
        &self,
        caller: &Caller,
        filter: &BankFilter,
        page: &PageRequest,
    ) -> Result<Page<BankItemSummary>> {
        self.require_staff(caller)?;
        let mut conn = self.store.read().await?;
        let found = store::assessment::search_bank(&mut conn, filter, page).await?;
        let items = found.items.iter().map(summary).collect::<Result<Vec<_>>>()?;
        Ok(Page { items, next: found.next })
    }

    /// One bank item with its content and QTI 3.0 text. Staff only.
    pub async fn bank_item(&self, caller: &Caller, item_id: &str) -> Result<BankItemDetail> {
        self.require_staff(caller)?;
        let mut conn = self.store.read().await?;
        let b = store::assessment::bank_item(&mut conn, item_id).await?.ok_or(UserError::NotFound { what: "item" })?;
        drop(conn);
        let loaded = LoadedItem::from_stored(&b.item_id, b.prompt.as_deref(), &b.answer_key, b.max_points)?;
        let qti = match serde_json::from_str(&b.answer_key).map_err(Error::internal)? {
            BankKey::Qti { xml } => xml,
            BankKey::Math { .. } => {
                let q = qti::QtiItem {
                    item: loaded.item.clone(),
                    title: loaded.title.clone(),
                    prompt: loaded.prompt.clone(),
                    labels: BTreeMap::new(),
                    version: qti::QtiVersion::V3_0,
                    notes: Vec::new(),
                };
                qti::export(&q).map_err(Error::internal)?
            }
        };
        Ok(BankItemDetail { summary: summary(&b)?, content: loaded.content(), qti })
    }
}
