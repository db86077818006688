//! Knowledge-point graphs: knowledge points with prerequisites (a DAG) and items tagged to them.
//!
//! The file format is TOML, version 1 (see [`KnowledgeGraph::parse`]); [`junior_secondary_maths`]
//! is the graph the demo school ships with.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::LearningError;

/// The graph file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

macro_rules! graph_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks the id: 1 to 64 characters from `a-z 0-9 . _ -`.
            pub fn parse(s: &str) -> Option<Self> {
                let ok = !s.is_empty()
                    && s.len() <= 64
                    && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
                ok.then(|| Self(s.to_owned()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

graph_id! {
    /// A knowledge point's id, e.g. `linear-eq.transpose`.
    KpId
}
graph_id! {
    /// An item's id, e.g. `le-0042`.
    ItemId
}

/// One knowledge point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnowledgePoint {
    /// Stable id.
    pub id: KpId,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// School grade where it is taught (e.g. 7–9), if stated.
    pub grade: Option<u8>,
    /// Dense indices of the direct prerequisites.
    pub prerequisites: Vec<u32>,
}

/// An item and the knowledge points it exercises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTag {
    /// Stable id.
    pub id: ItemId,
    /// Dense indices of its knowledge points (at least one).
    pub kps: Vec<u32>,
}

/// A validated knowledge-point graph for one subject.
///
/// Invariants: ids are unique; every prerequisite and tag refers to a defined knowledge point;
/// prerequisites are acyclic; every item has at least one knowledge point. Knowledge points
/// and items are addressed by dense indices (their position in the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnowledgeGraph {
    /// Subject id, e.g. `maths-junior-secondary`.
    pub subject: String,
    /// Subject name in Chinese.
    pub name_zh: String,
    /// Subject name in English.
    pub name_en: String,
    kps: Vec<KnowledgePoint>,
    items: Vec<ItemTag>,
    kp_index: HashMap<KpId, u32>,
    item_index: HashMap<ItemId, u32>,
    // Invariant: every knowledge point comes after all of its prerequisites.
    topo_order: Vec<u32>,
}

#[derive(Deserialize)]
struct VersionProbe {
    version: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code, reason = "checked by VersionProbe")]
    version: u32,
    subject: String,
    name_zh: String,
    name_en: String,
    #[serde(default, rename = "kp")]
    kps: Vec<RawKp>,
    #[serde(default, rename = "item")]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKp {
    id: Spanned<String>,
    zh: String,
    en: String,
    grade: Option<u8>,
    #[serde(default)]
    requires: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    kps: Vec<Spanned<String>>,
}

#[derive(Serialize)]
struct OutFile<'a> {
    version: u32,
    subject: &'a str,
    name_zh: &'a str,
    name_en: &'a str,
    #[serde(rename = "kp")]
    kps: Vec<OutKp<'a>>,
    #[serde(rename = "item", skip_serializing_if = "Vec::is_empty")]
    items: Vec<OutItem<'a>>,
}

#[derive(Serialize)]
struct OutKp<'a> {
    id: &'a str,
    zh: &'a str,
    en: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    requires: Vec<&'a str>,
}

#[derive(Serialize)]
struct OutItem<'a> {
    id: &'a str,
    kps: Vec<&'a str>,
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl KnowledgeGraph {
    /// Parses and validates a graph file.
    ///
    /// ```toml
    /// version = 1
    /// subject = "maths-junior-secondary"
    /// name_zh = "初中数学"
    /// name_en = "Junior secondary mathematics"
    ///
    /// [[kp]]
    /// id = "rational.number-line"   # a-z 0-9 . _ -, at most 64 characters
    /// zh = "数轴"
    /// en = "The number line"
    /// grade = 7                      # optional
    /// requires = ["rational.concept"] # optional; must not form a cycle
    ///
    /// [[item]]                       # optional
    /// id = "nl-0001"
    /// kps = ["rational.number-line"] # at least one
    /// ```
    pub fn parse(text: &str) -> Result<Self, LearningError> {
        let syntax = |e: toml::de::Error| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            LearningError::Syntax { line, column, message: e.message().trim().to_owned() }
        };
        let probe: VersionProbe = toml::from_str(text).map_err(syntax)?;
        if *probe.version.get_ref() != FORMAT_VERSION {
            return Err(LearningError::UnsupportedVersion {
                found: *probe.version.get_ref(),
                supported: FORMAT_VERSION,
            });
        }
        let raw: RawFile = toml::from_str(text).map_err(syntax)?;
        let line_of = |s: &Spanned<String>| line_col(text, s.span().start).0;

        let mut kp_index: HashMap<KpId, u32> = HashMap::new();
        let mut kp_lines = Vec::new();
        for (idx, kp) in raw.kps.iter().enumerate() {
            let line = line_of(&kp.id);
            let id = KpId::parse(kp.id.get_ref())
                .ok_or_else(|| LearningError::InvalidId { id: kp.id.get_ref().clone(), line })?;
            if let Some(&first) = kp_index.get(&id) {
                return Err(LearningError::Duplicate {
                    what: "knowledge point",
                    id: id.0,
                    line,
                    first_line: kp_lines[first as usize],
                });
            }
            kp_index.insert(id, idx as u32);
            kp_lines.push(line);
        }
        let resolve = |referrer: &str, s: &Spanned<String>| -> Result<u32, LearningError> {
            KpId::parse(s.get_ref()).and_then(|id| kp_index.get(&id).copied()).ok_or_else(|| LearningError::UnknownKp {
                referrer: referrer.to_owned(),
                missing: s.get_ref().clone(),
                line: line_of(s),
            })
        };
        let mut kps = Vec::with_capacity(raw.kps.len());
        for kp in &raw.kps {
            let mut prerequisites = Vec::new();
            for r in &kp.requires {
                let p = resolve(kp.id.get_ref(), r)?;
                if !prerequisites.contains(&p) {
                    prerequisites.push(p);
                }
            }
            kps.push(KnowledgePoint {
                id: KpId(kp.id.get_ref().clone()),
                name_zh: kp.zh.clone(),
                name_en: kp.en.clone(),
                grade: kp.grade,
                prerequisites,
            });
        }
        let topo_order = topological_order(&kps).map_err(|cycle| LearningError::Cycle {
            line: kp_lines[cycle[0] as usize],
            cycle: cycle.iter().map(|&k| kps[k as usize].id.0.clone()).collect(),
        })?;

        let mut item_index: HashMap<ItemId, u32> = HashMap::new();
        let mut item_lines = Vec::new();
        let mut items = Vec::with_capacity(raw.items.len());
        for (idx, item) in raw.items.iter().enumerate() {
            let line = line_of(&item.id);
            let id = ItemId::parse(item.id.get_ref())
                .ok_or_else(|| LearningError::InvalidId { id: item.id.get_ref().clone(), line })?;
            if let Some(&first) = item_index.get(&id) {
                return Err(LearningError::Duplicate {
                    what: "item",
                    id: id.0,
                    line,
                    first_line: item_lines[first as usize],
                });
            }
            if item.kps.is_empty() {
                return Err(LearningError::UntaggedItem { item: id.0, line });
            }
            let mut tags = Vec::new();
            for kp in &item.kps {
                let k = resolve(item.id.get_ref(), kp)?;
                if !tags.contains(&k) {
                    tags.push(k);
                }
            }
            item_index.insert(id.clone(), idx as u32);
            item_lines.push(line);
            items.push(ItemTag { id, kps: tags });
        }
        Ok(Self {
            subject: raw.subject,
            name_zh: raw.name_zh,
            name_en: raw.name_en,
            kps,
            items,
            kp_index,
            item_index,
            topo_order,
        })
    }

    /// Writes the graph in the current file format; [`KnowledgeGraph::parse`] reads it back
    /// unchanged.
    pub fn to_toml(&self) -> String {
        let out = OutFile {
            version: FORMAT_VERSION,
            subject: &self.subject,
            name_zh: &self.name_zh,
            name_en: &self.name_en,
            kps: self
                .kps
                .iter()
                .map(|kp| OutKp {
                    id: kp.id.as_str(),
                    zh: &kp.name_zh,
                    en: &kp.name_en,
                    grade: kp.grade,
                    requires: kp.prerequisites.iter().map(|&p| self.kps[p as usize].id.as_str()).collect(),
                })
                .collect(),
            items: self
                .items
                .iter()
                .map(|item| OutItem {
                    id: item.id.as_str(),
                    kps: item.kps.iter().map(|&k| self.kps[k as usize].id.as_str()).collect(),
                })
                .collect(),
        };
        toml::to_string(&out).expect("a graph of strings and integers always serialises to TOML")
    }

    /// The knowledge points, by dense index.
    pub fn kps(&self) -> &[KnowledgePoint] {
        &self.kps
    }

    /// The tagged items, by dense index.
    pub fn items(&self) -> &[ItemTag] {
        &self.items
    }

    /// Dense index of a knowledge point.
    pub fn kp_index(&self, id: &KpId) -> Option<u32> {
        self.kp_index.get(id).copied()
    }

    /// Dense index of an item.
    pub fn item_index(&self, id: &ItemId) -> Option<u32> {
        self.item_index.get(id).copied()
    }

    /// Knowledge points ordered so that each comes after all of its prerequisites.
    pub fn topological_order(&self) -> &[u32] {
        &self.topo_order
    }
}

/// Depth-first topological sort (prerequisites first); on a cycle returns its knowledge points with the
/// first repeated at the end.
fn topological_order(kps: &[KnowledgePoint]) -> Result<Vec<u32>, Vec<u32>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; kps.len()];
    let mut order = Vec::with_capacity(kps.len());
    let mut path: Vec<u32> = Vec::new();
    for root in 0..kps.len() {
        if mark[root] != Mark::New {
            continue;
        }
        // Explicit stack of (node, next prerequisite position) so deep graphs cannot overflow.
        let mut stack: Vec<(u32, usize)> = vec![(root as u32, 0)];
        mark[root] = Mark::Open;
        path.push(root as u32);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let prereqs = &kps[node as usize].prerequisites;
            if *next < prereqs.len() {
                let p = prereqs[*next];
                *next += 1;
                match mark[p as usize] {
                    Mark::New => {
                        mark[p as usize] = Mark::Open;
                        stack.push((p, 0));
                        path.push(p);
                    }
                    Mark::Open => {
                        // `p` is on the current path, so the path from `p` on, back to `p`, is a
                        // cycle in which each knowledge point requires the next.
                        let start = path.iter().position(|&q| q == p).expect("open nodes are on the path");
                        let mut cycle: Vec<u32> = path[start..].to_vec();
                        cycle.push(p);
                        return Err(cycle);
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node as usize] = Mark::Done;
                order.push(node);
                stack.pop();
                path.pop();
            }
        }
    }
    Ok(order)
}

/// The junior-secondary (grades 7–9) mathematics graph of the demo school, following the
/// Chinese national curriculum's units.
pub fn junior_secondary_maths() -> KnowledgeGraph {
    KnowledgeGraph::parse(include_str!("graph/junior_secondary_maths.toml"))
        .expect("the built-in graph is valid (checked by a unit test)")
}

#[cfg(test)]
mod tests;
