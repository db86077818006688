//! Queries: free text in Chinese and/or English, filters, and what a hit returns.

use std::collections::BTreeSet;

use content::manifest::ResourceKind;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery, TermSetQuery};
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
    /// Runs a search. Ranking: BM25F over each language's text, titles counting three times
    /// and descriptions twice. Every query word must match (in the resource's Chinese or its
    /// English text); if that gives fewer hits than asked for, resources matching some words
    /// follow; if nothing matches at all, English words of five letters or more are matched
    /// with one or two typos.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let limit = query.limit.min(MAX_LIMIT);
        let wanted = query.offset.saturating_add(limit).saturating_add(1);
        let analysed = self.analyse(&query.text);
        let filters = filters(f, query);
        let languages = [(f.zh, &analysed.zh), (f.en, &analysed.en)];
        if analysed.zh.is_empty() && analysed.en.is_empty() {
            let hits = run(&searcher, f, &combine(Vec::new(), &filters, 0), wanted)?;
            return Ok(page(hits, query.offset, limit, Match::AllWords));
        }

        // One query per language, merged by score: each stays a flat set of term queries.
        let mut hits = Vec::new();
        for (field, words) in languages {
            if !words.is_empty() {
                let all_words = words.iter().map(|w| (Occur::Must, word(field, w))).collect();
                hits = merge(hits, run(&searcher, f, &combine(all_words, &filters, 0), wanted)?, wanted);
            }
        }
        let n_all_words = hits.len();
        if hits.len() < wanted && analysed.zh.len().max(analysed.en.len()) > 1 {
            for (field, words) in languages {
                if words.len() > 1 {
                    let some_words = words.iter().map(|w| (Occur::Should, word(field, w))).collect();
                    let more = run(&searcher, f, &combine(some_words, &filters, 1), wanted)?;
                    hits = append_new(hits, more, wanted);
                }
            }
        }
        // The page shows some-words hits only if it reaches past the every-word ones.
        let shown_end = hits.len().min(query.offset.saturating_add(limit));
        let mut matched = if shown_end > n_all_words.max(query.offset) { Match::SomeWords } else { Match::AllWords };
        if hits.is_empty() {
            let fuzzy: Vec<(Occur, Box<dyn Query>)> = analysed
                .en
                .iter()
                .filter(|w| w.chars().count() >= 5)
                .map(|w| {
                    // A typo and the stemmer may each change a letter of a long word.
                    let distance = if w.chars().count() >= 8 { 2 } else { 1 };
                    let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.en, w), distance, true);
                    (Occur::Should, Box::new(fuzzy) as Box<dyn Query>)
                })
                .collect();
            if !fuzzy.is_empty() {
                hits = run(&searcher, f, &combine(fuzzy, &filters, 1), wanted)?;
                matched = Match::Fuzzy;
            }
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

fn word(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
}

/// Filter clauses: required, but adding nothing to the score. A one-term filter is a term
/// query weighted zero, so that a filtered search remains a pure term intersection.
fn filters(f: &Fields, q: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut any_of = |field: Field, values: Vec<String>| {
        let term = |v: &String| {
            Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::WithFreqs)) as Box<dyn Query>
        };
        let query: Box<dyn Query> = match values.as_slice() {
            [] => return,
            [one] => term(one),
            many => Box::new(BooleanQuery::union(many.iter().map(term).collect())),
        };
        out.push((Occur::Must, Box::new(BoostQuery::new(query, 0.0))));
    };
    any_of(f.subject, q.subjects.clone());
    any_of(f.grade, q.grades.iter().map(u8::to_string).collect());
    any_of(f.kp, q.kps.clone());
    any_of(f.kind, q.kinds.iter().map(|k| k.as_str().to_owned()).collect());
    any_of(f.channel, q.channels.clone());
    if !q.hidden_courses.is_empty() {
        let hidden =
            q.hidden_courses.iter().map(|(ch, course)| Term::from_field_text(f.course, &format!("{ch}/{course}")));
        out.push((Occur::MustNot, Box::new(TermSetQuery::new(hidden))));
    }
    out
}

/// The text clauses and the filters as one flat query; `min_should` words must match when the
/// words are optional. With neither text nor filters, every resource.
fn combine(
    mut clauses: Vec<(Occur, Box<dyn Query>)>,
    filters: &[(Occur, Box<dyn Query>)],
    min_should: usize,
) -> Box<dyn Query> {
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    if !clauses.iter().any(|(o, _)| *o != Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    // A lone clause is passed as is: wrapped, it would lose its specialised top-k scoring.
    if let [(Occur::Must | Occur::Should, _)] = clauses.as_slice() {
        return clauses.pop().expect("one clause").1;
    }
    Box::new(BooleanQuery::with_minimum_required_clauses(clauses, min_should))
}

/// Two ranked lists as one, best first, each resource once, at most `wanted`.
fn merge(a: Vec<Hit>, b: Vec<Hit>, wanted: usize) -> Vec<Hit> {
    if a.is_empty() {
        return b;
    }
    let mut all = append_new(a, b, usize::MAX);
    all.sort_by(|x, y| y.score.total_cmp(&x.score));
    all.truncate(wanted);
    all
}

/// `hits` followed by those of `more` not already in it, at most `wanted`.
fn append_new(mut hits: Vec<Hit>, more: Vec<Hit>, wanted: usize) -> Vec<Hit> {
    let seen: BTreeSet<(String, String)> = hits.iter().map(|h| (h.channel.clone(), h.resource.clone())).collect();
    hits.extend(more.into_iter().filter(|h| !seen.contains(&(h.channel.clone(), h.resource.clone()))));
    hits.truncate(wanted);
    hits
}

fn run(searcher: &Searcher, f: &Fields, query: &dyn Query, wanted: usize) -> Result<Vec<Hit>, SearchError> {
    let top = searcher
        .search(query, &TopDocs::with_limit(wanted).order_by_score())
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
