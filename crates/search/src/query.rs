//! Queries: free text in Chinese and/or English, filters, and what a hit returns.

use std::collections::BTreeSet;

use content::manifest::ResourceKind;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::analysis::{self, terms};
use crate::error::SearchError;
use crate::index::{Fields, SearchIndex};

/// Longest query text used, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most distinct terms used from one query text (per language).
pub const MAX_QUERY_TERMS: usize = 16;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 1000;

/// Weights of the fields in the score: a match in a title counts most.
const TITLE_BOOST: Score = 3.0;
const DESCRIPTION_BOOST: Score = 1.5;
const TRANSCRIPT_BOOST: Score = 1.0;

/// A search: text and filters. Empty filters do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Words in Chinese and/or English; may be empty to browse by filters alone.
    pub text: String,
    /// Any of these subjects.
    pub subjects: Vec<String>,
    /// Any of these grades.
    pub grades: Vec<u8>,
    /// Resources on any of these knowledge points.
    pub kps: Vec<String>,
    /// Any of these kinds.
    pub kinds: Vec<ResourceKind>,
    /// Only these channels.
    pub channels: Vec<String>,
    /// Courses to leave out, as (channel, course): premium courses the school may not see.
    pub hidden_courses: Vec<(String, String)>,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
}

/// One resource found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub channel: String,
    pub resource: String,
    /// BM25 relevance; comparable within one search only. 0 when browsing without text.
    pub score: f32,
}

/// How the hits were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Every query word matched (or there was no text).
    AllWords,
    /// Too few resources had every word, so resources with some of them follow.
    SomeWords,
    /// Nothing matched as typed; these match English words one or two letters away.
    Fuzzy,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Whether more hits follow the last one returned.
    pub more: bool,
    pub matched: Match,
}

/// Query text analysed for each language.
struct Analysed {
    zh: Vec<String>,
    en: Vec<String>,
}

impl SearchIndex {
    /// Runs a search. Ranking: every query word must match (in the Chinese or in the English
    /// text of a resource, in any of title, description and transcript); if that gives fewer
    /// hits than asked for, resources matching some words follow; if nothing matches at all,
    /// English words of five letters or more are matched with one or two typos.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let limit = query.limit.min(MAX_LIMIT);
        let wanted = query.offset.saturating_add(limit).saturating_add(1);
        let analysed = self.analyse(&query.text);
        let filters = filters(f, query);
        if analysed.zh.is_empty() && analysed.en.is_empty() {
            let hits = run(&searcher, f, Box::new(BooleanQuery::new(browse(filters))), wanted)?;
            return Ok(page(hits, query.offset, limit, Match::AllWords));
        }

        let all_words = text_query(f, &analysed, Occur::Must);
        let mut hits = run(&searcher, f, with_filters(all_words, &filters), wanted)?;
        let n_all_words = hits.len();
        let n_words = analysed.zh.len().max(analysed.en.len());
        if hits.len() < wanted && n_words > 1 {
            let some_words = text_query(f, &analysed, Occur::Should);
            let seen: BTreeSet<(String, String)> =
                hits.iter().map(|h| (h.channel.clone(), h.resource.clone())).collect();
            let more = run(&searcher, f, with_filters(some_words, &filters), wanted)?;
            hits.extend(more.into_iter().filter(|h| !seen.contains(&(h.channel.clone(), h.resource.clone()))));
            hits.truncate(wanted);
        }
        // The page shows some-words hits only if it reaches past the every-word ones.
        let shown_end = hits.len().min(query.offset.saturating_add(limit));
        let mut matched = if shown_end > n_all_words.max(query.offset) { Match::SomeWords } else { Match::AllWords };
        if hits.is_empty()
            && let Some(fuzzy) = fuzzy_query(f, &analysed.en)
        {
            hits = run(&searcher, f, with_filters(fuzzy, &filters), wanted)?;
            matched = Match::Fuzzy;
        }
        Ok(page(hits, query.offset, limit, matched))
    }

    fn analyse(&self, text: &str) -> Analysed {
        let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
        let distinct = |mut v: Vec<String>| {
            let mut seen = BTreeSet::new();
            v.retain(|t| seen.insert(t.clone()));
            v.truncate(MAX_QUERY_TERMS);
            v
        };
        Analysed {
            zh: distinct(terms(&mut analysis::zh_query_analyzer(), &text)),
            // A run of Chinese characters is one "word" to the English tokenizer; it can only
            // match English text by accident, so only words with Latin letters or digits count.
            en: distinct(
                terms(&mut analysis::en_analyzer(), &text)
                    .into_iter()
                    .filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric() || ('\u{c0}'..'\u{250}').contains(&c)))
                    .collect(),
            ),
        }
    }
}

/// One word in any of a language's three fields, weighted by field.
fn word_query(fields: [Field; 3], word: &str) -> Box<dyn Query> {
    let [title, description, transcript] = fields;
    let term = |field| TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, Box::new(BoostQuery::new(Box::new(term(title)), TITLE_BOOST))),
        (Occur::Should, Box::new(BoostQuery::new(Box::new(term(description)), DESCRIPTION_BOOST))),
        (Occur::Should, Box::new(BoostQuery::new(Box::new(term(transcript)), TRANSCRIPT_BOOST))),
    ]))
}

/// The words of each language combined with `each` (Must: all words, Should: any word); a
/// resource matches through its Chinese or its English text.
fn text_query(f: &Fields, analysed: &Analysed, each: Occur) -> Box<dyn Query> {
    let mut languages: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (words, fields) in [
        (&analysed.zh, [f.title_zh, f.description_zh, f.transcript_zh]),
        (&analysed.en, [f.title_en, f.description_en, f.transcript_en]),
    ] {
        if !words.is_empty() {
            let clauses = words.iter().map(|w| (each, word_query(fields, w))).collect();
            languages.push((Occur::Should, Box::new(BooleanQuery::new(clauses))));
        }
    }
    Box::new(BooleanQuery::new(languages))
}

/// English words (stemmed) in titles and descriptions, one edit away for five to seven
/// letters, two for eight or more (a typo and the stemmer may each change one letter).
fn fuzzy_query(f: &Fields, en: &[String]) -> Option<Box<dyn Query>> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = en
        .iter()
        .filter(|w| w.chars().count() >= 5)
        .flat_map(|w| {
            let distance = if w.chars().count() >= 8 { 2 } else { 1 };
            [(f.title_en, TITLE_BOOST), (f.description_en, DESCRIPTION_BOOST)].map(|(field, boost)| {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, w), distance, true);
                (Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), boost)) as Box<dyn Query>)
            })
        })
        .collect();
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// Filter clauses: required, but adding nothing to the score.
fn filters(f: &Fields, q: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // Term queries rather than a `TermSetQuery`: they skip through the postings alongside the
    // text part instead of first collecting every match of the filter into a bit set.
    let mut any_of = |terms: Vec<Term>| {
        let term = |t: Term| Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>;
        let query: Box<dyn Query> = match terms.len() {
            0 => return,
            1 => term(terms.into_iter().next().expect("one term")),
            _ => Box::new(BooleanQuery::union(terms.into_iter().map(term).collect())),
        };
        out.push((Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0))));
    };
    any_of(q.subjects.iter().map(|s| Term::from_field_text(f.subject, s)).collect());
    any_of(q.grades.iter().map(|&g| Term::from_field_u64(f.grade, u64::from(g))).collect());
    any_of(q.kps.iter().map(|k| Term::from_field_text(f.kp, k)).collect());
    any_of(q.kinds.iter().map(|k| Term::from_field_text(f.kind, k.as_str())).collect());
    any_of(q.channels.iter().map(|c| Term::from_field_text(f.channel, c)).collect());
    if !q.hidden_courses.is_empty() {
        let hidden =
            q.hidden_courses.iter().map(|(ch, course)| Term::from_field_text(f.course, &format!("{ch}/{course}")));
        out.push((Occur::MustNot, Box::new(TermSetQuery::new(hidden))));
    }
    out
}

fn with_filters(text: Box<dyn Query>, filters: &[(Occur, Box<dyn Query>)]) -> Box<dyn Query> {
    let mut clauses = vec![(Occur::Must, text)];
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    Box::new(BooleanQuery::new(clauses))
}

/// Browsing without text: the filters alone, or every resource if there are none.
fn browse(mut filters: Vec<(Occur, Box<dyn Query>)>) -> Vec<(Occur, Box<dyn Query>)> {
    if !filters.iter().any(|(o, _)| *o == Occur::Must) {
        filters.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
    }
    filters
}

fn run(searcher: &Searcher, f: &Fields, query: Box<dyn Query>, wanted: usize) -> Result<Vec<Hit>, SearchError> {
    let top = searcher
        .search(&query, &TopDocs::with_limit(wanted).order_by_score())
        .map_err(|source| SearchError::Index { action: "search", source })?;
    top.into_iter().map(|(score, address)| hit(searcher, f, score, address)).collect()
}

fn hit(searcher: &Searcher, f: &Fields, score: Score, address: DocAddress) -> Result<Hit, SearchError> {
    let doc: TantivyDocument =
        searcher.doc(address).map_err(|source| SearchError::Index { action: "read a hit", source })?;
    let key = doc.get_first(f.key).and_then(|v| v.as_str()).ok_or(SearchError::Damaged)?;
    let (channel, resource) = key.split_once('/').ok_or(SearchError::Damaged)?;
    Ok(Hit { channel: channel.to_owned(), resource: resource.to_owned(), score })
}

fn page(mut hits: Vec<Hit>, offset: usize, limit: usize, matched: Match) -> SearchResults {
    let more = hits.len() > offset.saturating_add(limit);
    let hits = if offset >= hits.len() { Vec::new() } else { hits.drain(offset..).take(limit).collect() };
    SearchResults { hits, more, matched }
}
