//! Content channels in the running school: importing (USB disk, peer, hub), exporting, trusted
//! publishers, search over what is installed, and recommendations that close KP gaps.
//!
//! The rules live in the `content` crate and the index in the `search` crate; this module moves
//! the bytes ([`library::FsContentStore`] under the data directory), keeps the index in step
//! with every import, and applies the access policy and the audit log to the personal reads
//! (recommendations use a learner's mastery).

pub mod demo;
pub mod library;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use access::Access;
use access::consent::Purpose;
use base::{ClassId, OrgId, PersonId};
use content::id::{ChannelId, KpId, UnitId};
use content::import::{ImportKind, ImportReport, plan_import, read_catalog, read_channel};
use content::installed::{InstalledChannel, Selection};
use content::manifest::{ResourceKind, Text};
use content::recommend::{self, Mastery, Prerequisites, Reason, RecommendPolicy, SchoolView};
use content::signed::PublisherKey;
use content::store::ChannelSource;
use learning::learner::LearnerState;
use learning::next_step::NextStepPolicy;
use search::{ResourceDoc, SearchIndex, SearchQuery};

pub use content::export::ExportReport;
pub use library::{Folder, FsContentStore};

use crate::{App, Caller, Error, Result, UserError};

/// Memory for the search index's writer (tantivy needs at least 15 MB per thread).
const INDEX_WRITER_BYTES: usize = 20 << 20;

/// The content part of the app: the library on disk and its search index.
pub struct ContentLibrary {
    store: Mutex<FsContentStore>,
    index: SearchIndex,
    /// One writer at a time, for the store's staging area and the index.
    writing: Mutex<()>,
}

impl std::fmt::Debug for ContentLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentLibrary").field("index", &self.index).finish_non_exhaustive()
    }
}

impl ContentLibrary {
    /// Opens (creating) the library in `root` with a quota in bytes, and its search index. An
    /// empty index is rebuilt from the installed channels (after the index folder was deleted).
    pub fn open(root: &Path, quota: u64) -> anyhow::Result<Self> {
        use anyhow::Context;
        let store = FsContentStore::open(root, quota)
            .with_context(|| format!("opening the content library in {}", root.display()))?;
        let index = SearchIndex::open_or_create(&store.index_dir())?;
        let library = Self { store: Mutex::new(store), index, writing: Mutex::new(()) };
        if library.index.num_docs() == 0 {
            let channels = library.fs().installed_channels().context("reading the installed channels")?;
            if !channels.is_empty() {
                library.reindex(channels.values())?;
            }
        }
        Ok(library)
    }

    fn fs(&self) -> std::sync::MutexGuard<'_, FsContentStore> {
        self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The folder in the export layout that peers import from.
    pub fn library_dir(&self) -> std::path::PathBuf {
        self.fs().library_dir()
    }

    fn reindex<'a>(&self, channels: impl IntoIterator<Item = &'a InstalledChannel>) -> anyhow::Result<()> {
        let mut indexer = self.index.indexer(1, INDEX_WRITER_BYTES)?;
        for installed in channels {
            indexer.replace_channel(installed.id().as_str(), &ResourceDoc::from_channel(installed))?;
        }
        indexer.commit()?;
        Ok(())
    }
}

/// What `content list` shows of an installed channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSummary {
    pub id: String,
    pub version: u64,
    pub title: String,
    pub publisher: String,
    pub units_installed: usize,
    pub units_total: usize,
    pub resources: usize,
    /// Bytes of the installed units' files.
    pub bytes: u64,
}

/// Which channels and units to import.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// Channels to import; every channel in the source's catalog if empty.
    pub channels: Vec<String>,
    /// Units to import (of whichever channel has them); every unit if empty.
    pub units: Vec<String>,
}

/// One resource found by a search, with what a result list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub channel: String,
    pub course: String,
    pub unit: String,
    pub resource: String,
    pub kind: &'static str,
    pub subject: String,
    pub title: Text,
    pub kps: Vec<String>,
    pub score: f32,
}

/// A recommended resource and why, for people.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendedResource {
    pub channel: String,
    pub course: String,
    pub unit: String,
    pub resource: String,
    pub kind: &'static str,
    pub title: Text,
    pub score: f32,
    /// Readable reasons, gaps first (e.g. `closes gap: rational.concept mastery 0.31`).
    pub reasons: Vec<String>,
}

/// What the recommendation of a class was based on.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRecommendations {
    pub resources: Vec<RecommendedResource>,
    pub students_included: usize,
    pub students_without_consent: usize,
}

fn content_error(e: content::ContentError) -> Error {
    match e {
        content::ContentError::Store { .. } => Error::internal(anyhow::Error::new(e)),
        other => UserError::BadBundle(error_chain(&other)).into(),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn require_operator_or_admin(caller: &Caller, what: &str) -> Result<()> {
    match caller.actor() {
        None => Ok(()),
        Some(actor)
            if [records::Role::SchoolAdmin, records::Role::CountyAdmin, records::Role::ProvinceAdmin]
                .into_iter()
                .any(|r| actor.principal.has_role(r)) =>
        {
            Ok(())
        }
        Some(_) => Err(UserError::Forbidden(format!("only an administrator may {what}")).into()),
    }
}

fn text_of(t: &Text) -> String {
    t.zh.clone().or_else(|| t.en.clone()).unwrap_or_default()
}

impl App {
    /// Attaches the content library (channels, search, recommendations).
    pub fn with_content(mut self, library: ContentLibrary) -> App {
        self.content = Some(Arc::new(library));
        self
    }

    /// The content library, if this server has one.
    pub fn content(&self) -> Result<&ContentLibrary> {
        self.content
            .as_deref()
            .ok_or_else(|| UserError::Unavailable("this server has no content library configured".into()).into())
    }

    fn content_arc(&self) -> Result<Arc<ContentLibrary>> {
        self.content
            .clone()
            .ok_or_else(|| UserError::Unavailable("this server has no content library configured".into()).into())
    }

    /// Trusts a publisher's key (base64 ed25519) for channel imports.
    pub async fn content_trust(&self, caller: &Caller, key: &str, name: &str) -> Result<()> {
        require_operator_or_admin(caller, "trust a content publisher")?;
        let key = PublisherKey::parse(key).map_err(|e| UserError::invalid("key", e.to_string()))?;
        let name = crate::records_api_text("name", name, 200)?;
        self.content()?.fs().trust(key, &name).map_err(Error::internal)?;
        let entry = self.audit_entry(caller, "content-trust", &format!("publisher:{key}"), None, &name);
        self.audit_now(vec![entry]).await
    }

    /// Trusted publishers: (key, name).
    pub fn content_trusted(&self) -> Result<Vec<(String, String)>> {
        Ok(self.content()?.fs().trusted_names().map_err(Error::internal)?.into_iter().collect())
    }

    /// Installed channels.
    pub fn content_channels(&self) -> Result<Vec<ChannelSummary>> {
        let channels = self.content()?.fs().installed_channels().map_err(Error::internal)?;
        Ok(channels
            .values()
            .map(|c| {
                let manifest = c.manifest();
                ChannelSummary {
                    id: c.id().to_string(),
                    version: c.version(),
                    title: text_of(&manifest.title),
                    publisher: manifest.publisher.clone(),
                    units_installed: c.units().len(),
                    units_total: manifest.unit_ids().count(),
                    resources: manifest.resources().filter(|p| c.units().contains(&p.unit.id)).count(),
                    bytes: manifest.files_of_units(c.units()).values().sum(),
                }
            })
            .collect())
    }

    /// Imports channels from `source` (a folder or a peer): each channel all or nothing, checked
    /// against the trusted publishers, the installed version and the quota; then reindexes it.
    /// Runs on a blocking thread; `progress` gets the bytes copied so far.
    pub async fn content_import<S>(
        &self,
        caller: &Caller,
        source: S,
        request: ImportRequest,
        progress: Box<dyn FnMut(ImportProgress) + Send>,
    ) -> Result<Vec<ImportReport>>
    where
        S: ChannelSource + Send + 'static,
    {
        require_operator_or_admin(caller, "import content")?;
        let library = self.content_arc()?;
        let reports = tokio::task::spawn_blocking(move || import_blocking(&library, source, request, progress))
            .await
            .map_err(Error::internal)??;
        let entries = reports
            .iter()
            .filter(|r| r.kind != ImportKind::UpToDate)
            .map(|r| {
                self.audit_entry(
                    caller,
                    "content-import",
                    &format!("channel:{}", r.channel),
                    None,
                    &format!("version {} ({:?}), {} units, {} bytes", r.version, r.kind, r.units, r.bytes_fetched),
                )
            })
            .collect::<Vec<_>>();
        if !entries.is_empty() {
            self.audit_now(entries).await?;
        }
        Ok(reports)
    }

    /// Exports an installed channel (all its installed units, or `units`) into a folder in the
    /// export layout, such as a USB disk. Files already there are not copied again.
    pub async fn content_export(
        &self,
        caller: &Caller,
        channel: &str,
        units: &[String],
        to: &Path,
    ) -> Result<ExportReport> {
        require_operator_or_admin(caller, "export content")?;
        let library = self.content_arc()?;
        let id = ChannelId::parse(channel).map_err(|e| UserError::invalid("channel", e.to_string()))?;
        let only = parse_units(units)?;
        let to = to.to_path_buf();
        let report = tokio::task::spawn_blocking(move || {
            let store = library.fs().clone();
            let installed = content::store::ContentStore::installed(&store, &id)
                .map_err(Error::internal)?
                .ok_or_else(|| UserError::BadBundle(content::ContentError::NotInstalled(id.clone()).to_string()))?;
            let mut target = Folder::new(&to);
            content::export::export_channel(&installed, only.as_ref(), &store, &mut target).map_err(content_error)
        })
        .await
        .map_err(Error::internal)??;
        let entry = self.audit_entry(
            caller,
            "content-export",
            &format!("channel:{channel}"),
            None,
            &format!("{} units, {} bytes", report.units, report.bytes_written),
        );
        self.audit_now(vec![entry]).await?;
        Ok(report)
    }

    /// Searches the installed resources. Any signed-in person may search (content is not
    /// personal data); premium courses stay hidden until a county assigns them.
    pub async fn content_search(&self, caller: &Caller, mut query: SearchQuery) -> Result<(Vec<SearchHit>, bool)> {
        let _ = caller;
        let library = self.content_arc()?;
        tokio::task::spawn_blocking(move || {
            let channels = library.fs().installed_channels().map_err(Error::internal)?;
            for installed in channels.values() {
                for course in installed.manifest().courses.iter().filter(|c| c.premium) {
                    query.hidden_courses.push((installed.id().to_string(), course.id.to_string()));
                }
            }
            let results = library.index.search(&query).map_err(|e| UserError::invalid("q", e.to_string()))?;
            let mut hits = Vec::new();
            for hit in results.hits {
                let Some(installed) = ChannelId::parse(&hit.channel).ok().and_then(|id| channels.get(&id)) else {
                    continue;
                };
                let Some(p) = installed.manifest().resources().find(|p| p.resource.id.as_str() == hit.resource) else {
                    continue;
                };
                hits.push(SearchHit {
                    channel: hit.channel.clone(),
                    course: p.course.id.to_string(),
                    unit: p.unit.id.to_string(),
                    resource: hit.resource.clone(),
                    kind: p.resource.kind.as_str(),
                    subject: p.course.subject.clone(),
                    title: p.resource.title.clone(),
                    kps: p.resource.kps.iter().map(ToString::to_string).collect(),
                    score: hit.score,
                });
            }
            Ok((hits, results.more))
        })
        .await
        .map_err(Error::internal)?
    }

    /// Resources that close a student's KP gaps in a subject, best first, with reasons.
    /// Authorised and audited like the student's mastery map (and behind the same consent).
    pub async fn student_recommendations(
        &self,
        caller: &Caller,
        student: &PersonId,
        subject_id: &str,
        limit: usize,
    ) -> Result<Vec<RecommendedResource>> {
        let basis = self.authorize_student(caller, Access::Read, student).await?;
        self.require_consent(student, Purpose::AdaptiveLearning).await?;
        let subject = self.subject_model(subject_id).await?;
        let state = self.state_of(&subject, student, subject_id).await?;
        let plan = self.plan_for(student, subject_id).await?;
        let mastery = learner_mastery(&subject, &state, &plan.to_plan(), self.now())?;
        let resources = self.rank(&subject, &mastery, limit).await?;
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("recommendations {subject_id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(resources)
    }

    /// Resources that close a class's KP gaps (mean mastery over the students whose consent is
    /// in force), best first, with reasons. Audited as a read of the class.
    pub async fn class_recommendations(
        &self,
        caller: &Caller,
        class: &ClassId,
        subject_id: &str,
        limit: usize,
    ) -> Result<ClassRecommendations> {
        let basis = self.authorize_class(caller, Access::Read, class).await?;
        let subject = self.subject_model(subject_id).await?;
        let today = self.today();
        let mut conn = self.store.read().await?;
        let students: Vec<PersonId> = store::teaching::enrollments_of_class(&mut conn, class)
            .await?
            .into_iter()
            .filter(|e| e.role == records::EnrollmentRole::Student && e.active_on(today))
            .map(|e| e.person)
            .collect();
        drop(conn);
        let mut consenting = Vec::new();
        for s in &students {
            if self.require_consent(s, Purpose::AdaptiveLearning).await.is_ok() {
                consenting.push(s.clone());
            }
        }
        let mut learners = Vec::new();
        for s in &consenting {
            let state = self.state_of(&subject, s, subject_id).await?;
            let plan = self.plan_for(s, subject_id).await?;
            learners.push(learner_mastery(&subject, &state, &plan.to_plan(), self.now())?);
        }
        let mastery = Mastery::class_mean(&learners);
        let resources = self.rank(&subject, &mastery, limit).await?;
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("class:{class}"),
            basis.as_ref(),
            &format!("recommendations {subject_id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(ClassRecommendations {
            resources,
            students_included: consenting.len(),
            students_without_consent: students.len() - consenting.len(),
        })
    }

    async fn rank(
        &self,
        subject: &crate::learning::LoadedSubject,
        mastery: &Mastery,
        limit: usize,
    ) -> Result<Vec<RecommendedResource>> {
        let library = self.content()?;
        let channels = library.fs().installed_channels().map_err(Error::internal)?;
        let candidates: Vec<_> = channels.values().flat_map(recommend::candidates).collect();
        let graph = &subject.graph;
        let prerequisites = Prerequisites::new(graph.kps().iter().filter_map(|kp| {
            let id = KpId::parse(kp.id.as_str()).ok()?;
            let pre = kp
                .prerequisites
                .iter()
                .filter_map(|&i| KpId::parse(graph.kps()[i as usize].id.as_str()).ok())
                .collect();
            Some((id, pre))
        }));
        // County course assignments are not stored yet, so premium courses stay hidden.
        let school = self.home_school().await?;
        let view = SchoolView { school: &school, today: self.today(), assignments: &[] };
        let ranked = recommend::recommend(
            &candidates,
            mastery,
            &prerequisites,
            &view,
            &BTreeSet::new(),
            &RecommendPolicy::standard(),
            limit,
        );
        Ok(ranked
            .into_iter()
            .map(|r| {
                let title = channels
                    .get(&r.channel)
                    .and_then(|c| c.manifest().resources().find(|p| p.resource.id == r.resource))
                    .map(|p| p.resource.title.clone())
                    .unwrap_or_default();
                RecommendedResource {
                    channel: r.channel.to_string(),
                    course: r.course.to_string(),
                    unit: r.unit.to_string(),
                    resource: r.resource.to_string(),
                    kind: r.kind.as_str(),
                    title,
                    score: r.score,
                    reasons: r.reasons.iter().map(reason_text).collect(),
                }
            })
            .collect())
    }

    /// The school this server runs (the first school organisation), for county assignments.
    async fn home_school(&self) -> Result<OrgId> {
        let mut conn = self.store.read().await?;
        let orgs = store::teaching::orgs(&mut conn).await?;
        orgs.into_iter()
            .find(|o| o.kind == records::OrgKind::School)
            .map(|o| o.id)
            .ok_or_else(|| UserError::NotFound { what: "school" }.into())
    }
}

/// Progress of an import: bytes copied of the bytes to copy, for the channel being imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    pub channel: String,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

fn parse_units(units: &[String]) -> Result<Option<Selection>> {
    if units.is_empty() {
        return Ok(None);
    }
    let ids = units
        .iter()
        .map(|u| UnitId::parse(u.trim()).map_err(|e| UserError::invalid("units", e.to_string()).into()))
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Selection::units(ids)))
}

/// A source that reports the bytes read through it.
struct Counting<S> {
    inner: S,
    done: Arc<std::sync::atomic::AtomicU64>,
}

impl<S: ChannelSource> ChannelSource for Counting<S> {
    fn read_file(&mut self, path: &str, max_len: usize) -> std::io::Result<Option<Vec<u8>>> {
        self.inner.read_file(path, max_len)
    }

    fn file_len(&mut self, path: &str) -> std::io::Result<Option<u64>> {
        self.inner.file_len(path)
    }

    fn open(&mut self, path: &str) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(CountingReader { inner: self.inner.open(path)?, done: self.done.clone() }))
    }
}

struct CountingReader<R> {
    inner: R,
    done: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

fn import_blocking<S: ChannelSource>(
    library: &ContentLibrary,
    source: S,
    request: ImportRequest,
    mut progress: Box<dyn FnMut(ImportProgress) + Send>,
) -> Result<Vec<ImportReport>> {
    let _writing = library.writing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let trusted = library.fs().trusted().map_err(Error::internal)?;
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut source = Counting { inner: source, done: done.clone() };
    let channel_ids: Vec<ChannelId> = if request.channels.is_empty() {
        read_catalog(&mut source).map_err(content_error)?.channels.into_iter().map(|e| e.id).collect()
    } else {
        request
            .channels
            .iter()
            .map(|c| ChannelId::parse(c.trim()).map_err(|e| UserError::invalid("channel", e.to_string()).into()))
            .collect::<Result<_>>()?
    };
    let wanted_units = parse_units(&request.units)?;
    let mut reports = Vec::new();
    let mut store = library.fs().clone();
    let mut units_found: BTreeSet<UnitId> = BTreeSet::new();
    for id in channel_ids {
        let verified = read_channel(&mut source, &id, &trusted).map_err(content_error)?;
        let selection = match &wanted_units {
            None => Selection::All,
            // Partial import: the requested units this channel has (others may be another's).
            Some(Selection::Only { units, .. }) => {
                let known: BTreeSet<&UnitId> = verified.manifest().unit_ids().collect();
                let mine: Vec<UnitId> = units.iter().filter(|u| known.contains(u)).cloned().collect();
                if mine.is_empty() && !request.channels.is_empty() {
                    let first = units.iter().next().expect("a selection from --units is not empty").clone();
                    return Err(content_error(content::ContentError::UnknownUnit { channel: id, unit: first }));
                }
                if mine.is_empty() {
                    continue;
                }
                units_found.extend(mine.iter().cloned());
                Selection::units(mine)
            }
            Some(Selection::All) => Selection::All,
        };
        let plan = plan_import(verified, &selection, &store).map_err(content_error)?;
        let total = plan.bytes_to_fetch();
        done.store(0, std::sync::atomic::Ordering::Relaxed);
        progress(ImportProgress { channel: id.to_string(), bytes_done: 0, bytes_total: total });
        let installed = plan.installed().clone();
        let report = plan.apply(&mut source, &mut store).map_err(content_error)?;
        progress(ImportProgress {
            channel: id.to_string(),
            bytes_done: done.load(std::sync::atomic::Ordering::Relaxed),
            bytes_total: total,
        });
        if report.kind != ImportKind::UpToDate {
            library.reindex([&installed]).map_err(Error::internal)?;
        }
        reports.push(report);
    }
    if let Some(Selection::Only { units, .. }) = &wanted_units
        && let Some(missing) = units.iter().find(|u| !units_found.contains(*u))
    {
        // Units are checked per channel as it is imported, so earlier channels may be in.
        return Err(UserError::invalid("units", format!("no channel of the source has unit {missing}")).into());
    }
    Ok(reports)
}

/// A learner's mastery of the KPs they have answered on (no answers: no evidence).
fn learner_mastery(
    subject: &crate::learning::LoadedSubject,
    state: &LearnerState,
    plan: &learning::next_step::TeacherPlan,
    now: base::Timestamp,
) -> Result<Mastery> {
    let rows = subject.model.mastery_map(state, plan, &NextStepPolicy::standard(), now);
    let values: BTreeMap<KpId, f32> = rows
        .into_iter()
        .filter(|r| r.answers > 0)
        .filter_map(|r| Some((KpId::parse(r.kp.as_str()).ok()?, r.mastery.clamp(0.0, 1.0))))
        .collect();
    Mastery::new(values).map_err(Error::internal)
}

fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::ClosesGap { kp, mastery } => format!("closes gap: {kp} mastery {mastery:.2}"),
        Reason::NextStep { kp } => format!("next step: {kp} (its prerequisites are mastered)"),
        Reason::PrerequisiteGap { kp, mastery } => format!("prerequisite first: {kp} mastery {mastery:.2}"),
        Reason::TeachFirst => "mastery is low: teaching material first".to_owned(),
        Reason::Practice => "mastery is partial: practice".to_owned(),
        Reason::AssignedByCounty { by, required } => {
            format!("assigned by {by}{}", if *required { " (required)" } else { "" })
        }
        Reason::UsedRecently => "used recently".to_owned(),
    }
}

/// A resource kind from its name (`video`, `audio`, `pdf`, `html5`, `exercise`).
pub fn parse_kind(s: &str) -> Result<ResourceKind> {
    ResourceKind::parse(s)
        .ok_or_else(|| UserError::invalid("kind", "expected video, audio, pdf, html5 or exercise").into())
}
