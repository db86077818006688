//! Checks of the workspace's shape that the compiler cannot make.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail};

/// Domain crates: pure, synchronous, no I/O.
const DOMAIN: &[&str] = &[
    "base",
    "records",
    "access",
    "audit",
    "oneroster",
    "grading",
    "qti",
    "learning",
    "scoring",
    "content",
    "guardrails",
    "sync",
];
/// Crates (internal and external) a domain crate must never reach, directly or not.
const IO: &[&str] = &[
    "store",
    "app",
    "server",
    "cli",
    "inference",
    "search",
    "evaluation",
    "tokio",
    "sqlx",
    "axum",
    "hyper",
    "reqwest",
    "ureq",
    "tantivy",
];

pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    dependency_direction(&mut problems)?;
    module_docs(root, &mut problems)?;
    if !problems.is_empty() {
        for p in &problems {
            println!("tidy: {p}");
        }
        bail!("{} tidy problem(s)", problems.len());
    }
    println!("tidy: dependencies point down and every crate and module is documented");
    Ok(())
}

/// Walks `cargo metadata`'s resolved graph: no domain crate may reach an I/O crate.
fn dependency_direction(problems: &mut Vec<String>) -> anyhow::Result<()> {
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1"])
        .output()
        .context("running cargo metadata")?;
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).context("parsing cargo metadata")?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        if let (Some(id), Some(name)) = (p["id"].as_str(), p["name"].as_str()) {
            names.insert(id.to_owned(), name.to_owned());
        }
    }
    // Normal (not dev or build) dependency edges.
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().into_iter().flatten() {
        let from = node["id"].as_str().unwrap_or_default().to_owned();
        let deps = node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null()))
            .filter_map(|d| d["pkg"].as_str().map(str::to_owned))
            .collect();
        edges.insert(from, deps);
    }
    let workspace: BTreeSet<String> = meta["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect();
    for id in &workspace {
        let name = &names[id];
        if !DOMAIN.contains(&name.as_str()) {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut stack = vec![(id.clone(), vec![name.clone()])];
        while let Some((at, path)) = stack.pop() {
            for dep in edges.get(&at).into_iter().flatten() {
                let dep_name = &names[dep];
                let mut p = path.clone();
                p.push(dep_name.clone());
                if IO.contains(&dep_name.as_str()) {
                    problems.push(format!("domain crate {name} reaches {dep_name}: {}", p.join(" -> ")));
                    continue;
                }
                if seen.insert(dep.clone()) {
                    stack.push((dep.clone(), p));
                }
            }
        }
    }
    Ok(())
}

/// Every crate root and module file opens with a `//!` doc line.
fn module_docs(root: &Path, problems: &mut Vec<String>) -> anyhow::Result<()> {
    let mut stack = vec![root.join("crates"), root.join("xtask/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            if path.is_dir() {
                if !["target", "tests", "benches", "examples", "migrations", "node_modules"].contains(&name.as_str()) {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || name == "tests.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            if !text.trim_start().starts_with("//!") {
                problems.push(format!("{} does not open with a `//!` line saying what it is", path.display()));
            }
        }
    }
    Ok(())
}
