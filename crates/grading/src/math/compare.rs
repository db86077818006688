//! Equivalence of two parsed answers: structure first, then numbers, then numeric probing.

use std::collections::BTreeSet;

use crate::math::eval::{self, Env, PercentAs, Val, free_symbols, has_decimal};
use crate::math::parser::{Constant, Node, RelOp};

/// Conventions for one comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Conventions {
    pub(crate) precision: u32,
    pub(crate) percent: PercentAs,
    pub(crate) ordered_lists: bool,
    pub(crate) strict_symbols: bool,
    pub(crate) relation_matches_interval: bool,
}

/// How an equivalence was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// The two trees are identical after normalisation.
    Identical,
    /// Both are numbers (or lists of numbers) and agree within tolerance.
    Numeric,
    /// They agree at every probe point of their variables.
    Probed,
}

impl How {
    fn weaker(self, other: How) -> How {
        match (self, other) {
            (How::Probed, _) | (_, How::Probed) => How::Probed,
            (How::Numeric, _) | (_, How::Numeric) => How::Numeric,
            _ => How::Identical,
        }
    }
}

/// `Some(how)` when `gold` and `pred` are equivalent.
pub(crate) fn equivalent(gold: &Node, pred: &Node, c: &Conventions) -> Option<How> {
    if gold == pred {
        return Some(How::Identical);
    }
    let gold = expand(gold);
    let pred = expand(pred);
    let (gold, pred) = reduce_pair(gold, pred);
    compare(&gold, &pred, c, 0)
}

/// Rewrites `a ± b` into the two values and flattens nested lists.
fn expand(node: &Node) -> Node {
    match node {
        Node::PlusMinus(a, b) => {
            let a = expand(a);
            let b = expand(b);
            let plus = Node::Add(vec![a.clone(), b.clone()]);
            let minus = Node::Add(vec![a, Node::Neg(Box::new(b))]);
            Node::Set(vec![plus, minus])
        }
        Node::List(items) | Node::Set(items) => {
            let mut out = Vec::new();
            for item in items {
                match expand(item) {
                    Node::List(inner) => out.extend(inner),
                    Node::Set(inner) if matches!(item, Node::PlusMinus(..)) => out.extend(inner),
                    other => out.push(other),
                }
            }
            if matches!(node, Node::List(_)) { Node::List(out) } else { Node::Set(out) }
        }
        Node::Rel { parts, ops } => Node::Rel { parts: parts.iter().map(expand).collect(), ops: ops.clone() },
        Node::In(x, s) => Node::In(Box::new(expand(x)), Box::new(expand(s))),
        other => other.clone(),
    }
}

fn is_lone_name(node: &Node) -> bool {
    match node {
        Node::Sym(_) | Node::Apply(..) => true,
        Node::Bracket { open: '(', items, .. } | Node::List(items) => items.iter().all(|i| matches!(i, Node::Sym(_))),
        _ => false,
    }
}

/// Chains such as `x = 5+5+1 = 11` mean their last value; `a ≈ b` trailing a chain is dropped.
fn reduce_chain(node: Node) -> Node {
    match node {
        Node::Rel { mut parts, mut ops } if ops.iter().all(|o| matches!(o, RelOp::Eq | RelOp::Approx)) => {
            while ops.len() > 1 && ops.last() == Some(&RelOp::Approx) {
                ops.pop();
                parts.pop();
            }
            if ops.len() == 1 && ops[0] == RelOp::Approx && !is_lone_name(&parts[0]) {
                return parts.swap_remove(0);
            }
            // `x = 1 + 1 = 2` and `\frac{1}{2} = \frac{10}{9}` (numbers only) mean their last value.
            if parts.len() >= 3 || parts.iter().all(|p| symbols(p).is_empty()) {
                return parts.pop().expect("at least two parts");
            }
            Node::Rel { parts, ops }
        }
        Node::In(x, set) if is_lone_name(&x) => *set,
        other => other,
    }
}

/// `x = 2` means `2` when compared with something that is not an equation.
fn reduce_pair(gold: Node, pred: Node) -> (Node, Node) {
    let gold = reduce_chain(gold);
    let pred = reduce_chain(pred);
    let is_eq =
        |n: &Node| matches!(n, Node::Rel { ops, .. } if ops.len() == 1 && matches!(ops[0], RelOp::Eq | RelOp::Approx));
    let lone_rhs = |n: Node| match n {
        Node::Rel { mut parts, ops }
            if ops.len() == 1 && matches!(ops[0], RelOp::Eq | RelOp::Approx) && is_lone_name(&parts[0]) =>
        {
            parts.pop().expect("two parts")
        }
        other => other,
    };
    match (is_eq(&gold), is_eq(&pred)) {
        (true, false) => (lone_rhs(gold), pred),
        (false, true) => (gold, lone_rhs(pred)),
        _ => (gold, pred),
    }
}

const MAX_RECURSION: usize = 16;

fn compare(gold: &Node, pred: &Node, c: &Conventions, depth: usize) -> Option<How> {
    if depth > MAX_RECURSION {
        return None;
    }
    if gold == pred {
        return Some(How::Identical);
    }
    match (gold, pred) {
        (Node::Set(a), Node::Set(b)) | (Node::Set(a), Node::List(b)) | (Node::List(a), Node::Set(b)) => {
            unordered(a, b, c, depth)
        }
        (Node::List(a), Node::List(b)) => {
            if c.ordered_lists {
                ordered(a, b, c, depth)
            } else {
                unordered(a, b, c, depth)
            }
        }
        (Node::Bracket { open, close, items }, Node::Bracket { open: o2, close: c2, items: i2 }) => {
            if open == o2 && close == c2 { ordered(items, i2, c, depth) } else { None }
        }
        (Node::Bracket { open: '(', close: ')', items }, Node::List(b))
        | (Node::List(b), Node::Bracket { open: '(', close: ')', items }) => ordered(items, b, c, depth),
        (Node::Union(a), Node::Union(b)) | (Node::Intersection(a), Node::Intersection(b)) => unordered(a, b, c, depth),
        (Node::Bracket { .. }, Node::Rel { .. }) if c.relation_matches_interval => {
            let interval = interval_of_relation(pred)?;
            compare(gold, &interval, c, depth + 1)
        }
        (Node::Rel { .. }, Node::Bracket { .. }) => {
            let interval = interval_of_relation(gold)?;
            compare(&interval, pred, c, depth + 1)
        }
        (Node::Rel { parts: p1, ops: o1 }, Node::Rel { parts: p2, ops: o2 }) => relations(p1, o1, p2, o2, c, depth),
        (Node::Text(a), Node::Text(b)) => (text_key(a) == text_key(b)).then_some(How::Identical),
        (Node::Text(a), Node::Sym(b)) | (Node::Sym(b), Node::Text(a)) => {
            (text_key(a) == text_key(b)).then_some(How::Identical)
        }
        (Node::In(..), _) | (_, Node::In(..)) => None,
        _ if is_collection(gold) || is_collection(pred) => None,
        _ => values(gold, pred, c),
    }
}

fn is_collection(node: &Node) -> bool {
    matches!(
        node,
        Node::Set(_)
            | Node::List(_)
            | Node::Bracket { .. }
            | Node::Union(_)
            | Node::Intersection(_)
            | Node::Rel { .. }
            | Node::Text(_)
    )
}

fn text_key(s: &str) -> String {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let t = t.trim_end_matches('.');
    let t = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')).unwrap_or(t);
    t.to_string()
}

fn ordered(a: &[Node], b: &[Node], c: &Conventions, depth: usize) -> Option<How> {
    if a.len() != b.len() {
        return None;
    }
    let mut how = How::Identical;
    for (x, y) in a.iter().zip(b) {
        how = how.weaker(compare(x, y, c, depth + 1)?);
    }
    Some(how)
}

/// Multiset equality: every gold item matched by a different predicted item.
fn unordered(a: &[Node], b: &[Node], c: &Conventions, depth: usize) -> Option<How> {
    if a.len() != b.len() || a.len() > 64 {
        return None;
    }
    let mut used = vec![false; b.len()];
    let mut how = How::Identical;
    for x in a {
        let mut found = None;
        for (k, y) in b.iter().enumerate() {
            if used[k] {
                continue;
            }
            if let Some(h) = compare(x, y, c, depth + 1) {
                found = Some((k, h));
                break;
            }
        }
        let (k, h) = found?;
        used[k] = true;
        how = how.weaker(h);
    }
    Some(how)
}

/// `a < x \le b` (or `x \ge a`) as the interval it describes.
fn interval_of_relation(node: &Node) -> Option<Node> {
    let Node::Rel { parts, ops } = node else {
        return None;
    };
    let (parts, ops) = ascending(parts, ops)?;
    let inf = Node::Const(Constant::Infinity);
    let neg_inf = Node::Neg(Box::new(inf.clone()));
    match (parts.len(), ops.as_slice()) {
        (3, [lo, hi]) if matches!(parts[1], Node::Sym(_)) => Some(Node::Bracket {
            open: if *lo == RelOp::Le { '[' } else { '(' },
            close: if *hi == RelOp::Le { ']' } else { ')' },
            items: vec![parts[0].clone(), parts[2].clone()],
        }),
        (2, [op]) if matches!(parts[0], Node::Sym(_)) => Some(Node::Bracket {
            open: '(',
            close: if *op == RelOp::Le { ']' } else { ')' },
            items: vec![neg_inf, parts[1].clone()],
        }),
        (2, [op]) if matches!(parts[1], Node::Sym(_)) => Some(Node::Bracket {
            open: if *op == RelOp::Le { '[' } else { '(' },
            close: ')',
            items: vec![parts[0].clone(), inf],
        }),
        _ => None,
    }
}

/// A chain rewritten with `<`/`\le` only, when all its inequalities point the same way.
fn ascending(parts: &[Node], ops: &[RelOp]) -> Option<(Vec<Node>, Vec<RelOp>)> {
    if ops.iter().all(|o| matches!(o, RelOp::Lt | RelOp::Le)) {
        return Some((parts.to_vec(), ops.to_vec()));
    }
    if ops.iter().all(|o| matches!(o, RelOp::Gt | RelOp::Ge)) {
        let mut parts = parts.to_vec();
        parts.reverse();
        let ops = ops.iter().rev().map(|o| if *o == RelOp::Gt { RelOp::Lt } else { RelOp::Le }).collect();
        return Some((parts, ops));
    }
    None
}

fn relations(p1: &[Node], o1: &[RelOp], p2: &[Node], o2: &[RelOp], c: &Conventions, depth: usize) -> Option<How> {
    let kind = |o: &RelOp| match o {
        RelOp::Eq | RelOp::Approx => 0,
        RelOp::Ne => 1,
        _ => 2,
    };
    if o1.len() == 1 && o2.len() == 1 {
        let (k1, k2) = (kind(&o1[0]), kind(&o2[0]));
        if k1 != k2 {
            return None;
        }
        if k1 == 2 {
            let (a, oa) = ascending(p1, o1)?;
            let (b, ob) = ascending(p2, o2)?;
            if oa != ob {
                return None;
            }
            // `a < b` is `a - b < 0`; equivalent when the differences have a positive ratio.
            return proportional(&diff(&a[0], &a[1]), &diff(&b[0], &b[1]), true, c);
        }
        return proportional(&diff(&p1[0], &p1[1]), &diff(&p2[0], &p2[1]), false, c);
    }
    // Longer chains: the same relations between equivalent parts.
    let (a, oa) = ascending(p1, o1).unwrap_or((p1.to_vec(), o1.to_vec()));
    let (b, ob) = ascending(p2, o2).unwrap_or((p2.to_vec(), o2.to_vec()));
    if oa.iter().map(kind).ne(ob.iter().map(kind)) || oa != ob {
        return None;
    }
    ordered(&a, &b, c, depth)
}

fn diff(a: &Node, b: &Node) -> Node {
    Node::Add(vec![a.clone(), Node::Neg(Box::new(b.clone()))])
}

/// Probe points: deterministic pseudo-random values per variable name.
struct Point<'a> {
    index: u64,
    negative: bool,
    rename: &'a [(String, String)],
}

impl Env for Point<'_> {
    fn get(&self, name: &str) -> f64 {
        let name = self.rename.iter().find(|(from, _)| from == name).map_or(name, |(_, to)| to.as_str());
        let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ self.index.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            h ^= h >> 29;
        }
        #[allow(clippy::cast_precision_loss)]
        let unit = (h >> 11) as f64 / (1u64 << 53) as f64;
        if self.negative { -2.9 + 5.2 * unit } else { 0.35 + 2.5 * unit }
    }
}

const PROBES: u64 = 8;

fn close(a: f64, b: f64, abs_tol: f64) -> bool {
    if a == b {
        return true;
    }
    if !a.is_finite() || !b.is_finite() {
        return false;
    }
    let d = (a - b).abs();
    d <= abs_tol || d <= 1e-9 * a.abs().max(b.abs())
}

fn tolerance(gold: &Node, pred: &Node, c: &Conventions) -> f64 {
    if has_decimal(gold) || has_decimal(pred) {
        10f64.powi(-i32::try_from(c.precision.min(15)).unwrap_or(15))
    } else {
        1e-12
    }
}

fn symbols(node: &Node) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    free_symbols(node, &mut out);
    out
}

/// The renamings to try for the prediction's variables: identity, and when names need not
/// match, each bijection onto the gold names (up to three variables).
fn renamings(gold: &Node, pred: &Node, c: &Conventions) -> Vec<Vec<(String, String)>> {
    let gs: Vec<String> = symbols(gold).into_iter().collect();
    let ps: Vec<String> = symbols(pred).into_iter().collect();
    let mut out = vec![Vec::new()];
    if c.strict_symbols || gs == ps || gs.len() != ps.len() || gs.is_empty() || gs.len() > 3 {
        return out;
    }
    for perm in permutations(gs.len()) {
        out.push(ps.iter().cloned().zip(perm.iter().map(|&k| gs[k].clone())).collect());
    }
    out
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for k in 0..=p.len() {
            let mut q = p.clone();
            q.insert(k, n - 1);
            out.push(q);
        }
    }
    out
}

/// Numbers, expressions and matrices: equal values at every probe point.
fn values(gold: &Node, pred: &Node, c: &Conventions) -> Option<How> {
    let tol = tolerance(gold, pred, c);
    let constant = symbols(gold).is_empty() && symbols(pred).is_empty();
    for rename in renamings(gold, pred, c) {
        if agree_everywhere(gold, pred, c, tol, &rename, |g, p| vals_close(g, p, tol)) {
            return Some(if constant { How::Numeric } else { How::Probed });
        }
    }
    None
}

fn vals_close(g: &Val, p: &Val, tol: f64) -> Option<bool> {
    match (g, p) {
        (Val::Scalar(a), Val::Scalar(b)) => {
            if a.is_nan() || b.is_nan() {
                return if a.is_nan() && b.is_nan() { None } else { Some(false) };
            }
            Some(close(*a, *b, tol))
        }
        (Val::Matrix { rows, cols, cells }, Val::Matrix { rows: r2, cols: c2, cells: d }) => {
            Some(rows == r2 && cols == c2 && cells.iter().zip(d).all(|(a, b)| close(*a, *b, tol)))
        }
        _ => Some(false),
    }
}

/// Evaluates both at the probe points; `check` says whether one point agrees (`None`: the
/// point is outside both domains and says nothing). Needs at least three informative points.
fn agree_everywhere(
    gold: &Node,
    pred: &Node,
    c: &Conventions,
    _tol: f64,
    rename: &[(String, String)],
    mut check: impl FnMut(&Val, &Val) -> Option<bool>,
) -> bool {
    let mut informative = 0;
    for negative in [false, true] {
        for index in 0..PROBES {
            let g_env = Point { index, negative, rename: &[] };
            let p_env = Point { index, negative, rename };
            let (Ok(g), Ok(p)) = (eval::eval(gold, &g_env, c.percent), eval::eval(pred, &p_env, c.percent)) else {
                return false;
            };
            match check(&g, &p) {
                Some(true) => informative += 1,
                Some(false) => return false,
                None => {}
            }
        }
        if informative >= 3 {
            return true;
        }
    }
    // Constants are decided by one point.
    informative >= 1 && symbols(gold).is_empty() && symbols(pred).is_empty()
}

/// `a` and `b` (differences `lhs - rhs`) are non-zero multiples of each other; with
/// `positive`, by a positive factor (inequalities keep their direction).
fn proportional(a: &Node, b: &Node, positive: bool, c: &Conventions) -> Option<How> {
    let tol = tolerance(a, b, c).max(1e-9);
    for rename in renamings(a, b, c) {
        let mut ratio: Option<f64> = None;
        let ok = agree_everywhere(a, b, c, tol, &rename, |g, p| {
            let (Val::Scalar(x), Val::Scalar(y)) = (g, p) else {
                return Some(false);
            };
            if !x.is_finite() || !y.is_finite() {
                return None;
            }
            if x.abs() <= tol && y.abs() <= tol {
                return Some(true);
            }
            if y.abs() <= tol || x.abs() <= tol {
                return Some(false);
            }
            let r = x / y;
            match ratio {
                None => {
                    ratio = Some(r);
                    Some(!positive || r > 0.0)
                }
                Some(k) => Some(close(r, k, 1e-7)),
            }
        });
        if ok {
            let constant = symbols(a).is_empty() && symbols(b).is_empty();
            return Some(if constant { How::Numeric } else { How::Probed });
        }
    }
    None
}
