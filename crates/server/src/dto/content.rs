//! The JSON shapes of content: installed channels, search hits, recommendations.

use app::content as c;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Text in Chinese and/or English.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TextDto {
    #[serde(rename = "zh-CN", skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl From<&content::manifest::Text> for TextDto {
    fn from(t: &content::manifest::Text) -> Self {
        Self { zh: t.zh.clone(), en: t.en.clone() }
    }
}

/// An installed channel.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChannelDto {
    pub id: String,
    pub version: u64,
    pub title: String,
    pub publisher: String,
    pub units_installed: usize,
    pub units_total: usize,
    pub resources: usize,
    pub bytes: u64,
}

impl From<&c::ChannelSummary> for ChannelDto {
    fn from(s: &c::ChannelSummary) -> Self {
        Self {
            id: s.id.clone(),
            version: s.version,
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            units_installed: s.units_installed,
            units_total: s.units_total,
            resources: s.resources,
            bytes: s.bytes,
        }
    }
}

/// A search: words and filters (lists are comma-separated; any value of a list matches).
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SearchParams {
    /// Words in Chinese and/or English (may be empty to browse by filters).
    #[serde(default)]
    pub q: String,
    /// Subject codes, e.g. `maths`.
    pub subject: Option<String>,
    /// Grades 1–12.
    pub grade: Option<String>,
    /// Knowledge point ids.
    pub kp: Option<String>,
    /// Kinds: video, audio, pdf, html5, exercise.
    pub kind: Option<String>,
    /// Channel ids.
    pub channel: Option<String>,
    /// Hits to skip.
    pub offset: Option<usize>,
    /// Hits to return (1–100, default 20).
    pub limit: Option<usize>,
}

/// A resource found.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SearchHitDto {
    pub channel: String,
    pub course: String,
    pub unit: String,
    pub resource: String,
    pub kind: String,
    pub subject: String,
    pub title: TextDto,
    pub kps: Vec<String>,
    pub score: f32,
}

impl From<&c::SearchHit> for SearchHitDto {
    fn from(h: &c::SearchHit) -> Self {
        Self {
            channel: h.channel.clone(),
            course: h.course.clone(),
            unit: h.unit.clone(),
            resource: h.resource.clone(),
            kind: h.kind.to_owned(),
            subject: h.subject.clone(),
            title: (&h.title).into(),
            kps: h.kps.clone(),
            score: h.score,
        }
    }
}

/// A page of search hits.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SearchResultsDto {
    pub hits: Vec<SearchHitDto>,
    /// Whether more hits follow.
    pub more: bool,
}

/// Which subject, and how many recommendations.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct RecommendQuery {
    /// The learner-model subject whose mastery decides, e.g. `maths-junior-secondary`.
    pub subject: String,
    /// How many resources (1–50, default 10).
    pub n: Option<usize>,
}

/// A recommended resource with its reasons.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecommendationDto {
    pub channel: String,
    pub course: String,
    pub unit: String,
    pub resource: String,
    pub kind: String,
    pub title: TextDto,
    pub score: f32,
    /// Gaps first, weakest first; then what raised or lowered the rank.
    pub reasons: Vec<String>,
}

impl From<&c::RecommendedResource> for RecommendationDto {
    fn from(r: &c::RecommendedResource) -> Self {
        Self {
            channel: r.channel.clone(),
            course: r.course.clone(),
            unit: r.unit.clone(),
            resource: r.resource.clone(),
            kind: r.kind.to_owned(),
            title: (&r.title).into(),
            score: r.score,
            reasons: r.reasons.clone(),
        }
    }
}

/// A class's recommendations and whom they are based on.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClassRecommendationsDto {
    pub resources: Vec<RecommendationDto>,
    pub students_included: usize,
    pub students_without_consent: usize,
}
