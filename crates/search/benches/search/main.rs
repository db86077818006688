//! Search latency over a generated catalogue of resources.
//!
//! `INKSTONE_SEARCH_DOCS` sets the catalogue size (default 2,000, so `cargo test --benches`
//! stays cheap); the target is 1,000,000. `INKSTONE_SEARCH_INDEX_DIR` keeps the index
//! in a folder that later runs reuse (rebuilt if the size or generator changed); otherwise it is
//! built in a temporary folder. `INKSTONE_SEARCH_QUERIES` sets how many queries are timed one by
//! one for the percentiles (default 2,000). Prints build time, index size, and p50/p95/p99 per
//! query class; asserts that marked documents are found first and that every hit satisfies its
//! query's filters.
//!
//! Example: `INKSTONE_SEARCH_DOCS=1000000 INKSTONE_SEARCH_INDEX_DIR=/tmp/inkstone-search-1m \
//! cargo bench -p search --bench search`
// Printing the figures is this bench's job.
#![allow(clippy::print_stdout)]

mod corpus;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use search::{SearchIndex, SearchQuery};

use crate::corpus::QueryClass;

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v.trim().replace('_', "").parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("the index folder is readable")
        .map(|e| e.expect("a readable folder entry").metadata().expect("file metadata").len())
        .sum()
}

/// Opens the cached index in `dir` if it was built for `n_docs` by this generator, or builds it.
fn index(dir: &Path, n_docs: usize) -> SearchIndex {
    let marker = dir.join("inkstone-bench.txt");
    let wanted = format!("generator={} docs={n_docs}\n", corpus::VERSION);
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        // An index written by an older schema fails to open and is rebuilt.
        if let Ok(index) = SearchIndex::open_or_create(dir) {
            println!("reusing the index in {} ({} docs, {} MB)", dir.display(), index.num_docs(), dir_bytes(dir) >> 20);
            return index;
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("the stale index folder can be removed");
    }
    let started = Instant::now();
    let index = SearchIndex::open_or_create(dir).expect("a new index");
    let indexer = index.indexer(2, 600_000_000).expect("an indexer");
    let mut text_bytes = 0;
    for i in 0..n_docs {
        let doc = corpus::doc(i);
        text_bytes += [
            &doc.title_zh,
            &doc.title_en,
            &doc.description_zh,
            &doc.description_en,
            &doc.transcript_zh,
            &doc.transcript_en,
        ]
        .iter()
        .map(|t| t.len())
        .sum::<usize>();
        indexer.add(&doc).expect("a document is added");
    }
    let added = started.elapsed();
    indexer.commit_and_merge().expect("commit and merge");
    let built = started.elapsed();
    std::fs::write(&marker, wanted).expect("the marker is written");
    println!(
        "built {n_docs} docs ({} MB of text, {} bytes a document) in {:.1} s (adding {:.1} s, commit and merge to \
         one segment {:.1} s); index {} MB on disk",
        text_bytes >> 20,
        text_bytes / n_docs.max(1),
        built.as_secs_f64(),
        added.as_secs_f64(),
        (built - added).as_secs_f64(),
        dir_bytes(dir) >> 20,
    );
    index
}

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    let idx = (sorted.len() * p / 100).min(sorted.len() - 1);
    sorted[idx].as_secs_f64() * 1000.0
}

/// Checks every hit against the generator: filters hold, and marked documents come first.
fn check(index: &SearchIndex, n_docs: usize, n_queries: usize) {
    for i in (0..n_docs).step_by(corpus::NEEDLE_EVERY) {
        let results =
            index.search(&SearchQuery { text: corpus::needle(i), limit: 5, ..SearchQuery::default() }).expect("search");
        let first = results.hits.first().map(|h| h.resource.clone());
        assert_eq!(first, Some(format!("r{i}")), "the marked document {i} comes first");
    }
    for q in (0..n_queries.min(500)).map(|i| corpus::query(i).1) {
        for hit in index.search(&q).expect("search").hits {
            let doc = corpus::doc(hit.resource[1..].parse().expect("generated ids are r<number>"));
            assert!(q.subjects.is_empty() || q.subjects.contains(&doc.subject), "{q:?} gave {doc:?}");
            assert!(q.grades.is_empty() || doc.grades.iter().any(|g| q.grades.contains(g)), "{q:?} gave {doc:?}");
            assert!(q.kinds.is_empty() || q.kinds.contains(&doc.kind), "{q:?} gave {doc:?}");
            assert!(q.kps.is_empty() || doc.kps.iter().any(|k| q.kps.contains(k)), "{q:?} gave {doc:?}");
        }
    }
}

fn latency(index: &SearchIndex, n_queries: usize) {
    let queries: Vec<(QueryClass, SearchQuery)> = (0..n_queries).map(corpus::query).collect();
    // Warm the page cache and the searcher once, as a running server would be.
    let mut n_hits = 0;
    for (_, q) in &queries {
        n_hits += index.search(q).expect("search").hits.len();
    }
    assert!(n_hits > 0, "the workload finds something");
    let mut by_class: BTreeMap<QueryClass, Vec<Duration>> = BTreeMap::new();
    let mut all = Vec::with_capacity(queries.len());
    for (class, q) in &queries {
        let started = Instant::now();
        black_box(index.search(q).expect("search"));
        let took = started.elapsed();
        by_class.entry(*class).or_default().push(took);
        all.push(took);
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("{n_queries} queries, one at a time, one thread; load average {}", load.trim());
    println!("{:<18} {:>6} {:>8} {:>8} {:>8} {:>8}", "class", "n", "p50 ms", "p95 ms", "p99 ms", "max ms");
    let mut rows: Vec<(String, Vec<Duration>)> = by_class.into_iter().map(|(c, t)| (format!("{c:?}"), t)).collect();
    rows.push(("all".to_owned(), all));
    for (name, mut times) in rows {
        times.sort();
        println!(
            "{name:<18} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            times.len(),
            percentile(&times, 50),
            percentile(&times, 95),
            percentile(&times, 99),
            times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        );
    }
}

fn bench(c: &mut Criterion) {
    let n_docs = env_usize("INKSTONE_SEARCH_DOCS", 2_000);
    let n_queries = env_usize("INKSTONE_SEARCH_QUERIES", 2_000);
    let temp;
    let dir: PathBuf = match std::env::var_os("INKSTONE_SEARCH_INDEX_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            temp = tempfile::tempdir().expect("a temporary folder");
            temp.path().join("index")
        }
    };
    let index = index(&dir, n_docs);
    assert_eq!(index.num_docs(), n_docs as u64);
    check(&index, n_docs, n_queries);
    latency(&index, n_queries);

    let queries: Vec<SearchQuery> = (0..n_queries).map(|i| corpus::query(i).1).collect();
    let mut i = 0;
    c.bench_function("search/mixed_workload_query", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(index.search(&queries[i]).expect("search"))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
