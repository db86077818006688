//! Finding the answer inside a longer text: `\boxed{..}`, `$..$`, "final answer is ..", numbers.
//!
//! Candidates come out in priority order; the caller parses them one by one and keeps the first
//! that parses. Within one priority the rightmost candidate comes first, because a worked
//! solution states its answer last.

/// One piece of text that may be the answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    /// LaTeX or plain math source.
    pub(crate) src: String,
    /// A percent sign or word followed the candidate outside its delimiters.
    pub(crate) percent: bool,
    /// Start and end (in chars) of the candidate in the text, for "rightmost first".
    pub(crate) span: (usize, usize),
}

/// Which kinds of candidate to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    /// Math environments and `\boxed{..}`.
    pub(crate) latex: bool,
    /// Bare numbers and simple arithmetic in prose.
    pub(crate) plain: bool,
}

/// A math environment found in the text.
#[derive(Debug, Clone)]
struct Env {
    start: usize,
    end: usize,
    content: String,
    percent: bool,
}

/// Candidates grouped by priority, best group first, rightmost first inside a group.
pub(crate) fn candidates(text: &str, look: Look) -> Vec<Vec<Candidate>> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().map(char::to_ascii_lowercase).collect();
    let envs = if look.latex { find_envs(&chars) } else { Vec::new() };
    let chains = chain_envs(&chars, &envs);
    let boxed_envs: Vec<Env> =
        envs.iter().filter(|e| !boxed_spans(&e.content.chars().collect::<Vec<_>>()).is_empty()).cloned().collect();
    let boxed_chains = chain_envs(&chars, &boxed_envs);
    let numbers = if look.plain { find_plain(&chars) } else { Vec::new() };

    let final_is = find_all(&lower, "final answer is");
    let final_any = find_all(&lower, "final answer");
    let answer_colon: Vec<usize> = find_all(&lower, "answer:");
    let answer_any = find_all(&lower, "answer");

    let mut groups: Vec<Vec<Candidate>> = Vec::new();

    // Priority 0: "final answer is X. I hope".
    let mut p0 = Vec::new();
    for chain in &chains {
        let (start, end) = (chain.start, chain.end);
        if final_is.iter().any(|&a| gap_is(&chars, a, start, GapRule::ColonSpaces)) && followed_by_i_hope(&chars, end) {
            p0.push(chain.candidate());
        }
    }
    for n in &numbers {
        if final_is.iter().any(|&a| gap_is(&chars, a, n.value_start, GapRule::ColonSpacesPrefix))
            && followed_by_i_hope(&chars, n.end)
        {
            p0.push(n.candidate.clone());
        }
    }
    groups.push(p0);

    // Priority 50: "final answer .. is X", and boxed answers.
    let mut p50 = Vec::new();
    for chain in &chains {
        if final_any.iter().any(|&a| gap_is(&chars, a, chain.start, GapRule::IsWithin(100, true))) {
            p50.push(chain.candidate());
        }
    }
    for n in &numbers {
        if final_any.iter().any(|&a| gap_is(&chars, a, n.value_start, GapRule::IsWithin(100, false))) {
            p50.push(n.candidate.clone());
        }
    }
    if look.latex {
        p50.extend(boxed_candidates(&chars, &boxed_chains));
    }
    groups.push(p50);

    // Priority 100 and 200: after the word "answer" (with a colon first).
    for anchors in [&answer_colon, &answer_any] {
        let anchor_len = if std::ptr::eq(anchors, &answer_colon) { 7 } else { 6 };
        let mut group = Vec::new();
        for &a in anchors.iter() {
            let after = a + anchor_len;
            if let Some(chain) = chains.iter().find(|c| c.start >= after)
                && chain.start - after <= 50
            {
                group.push(chain.candidate());
            }
            for n in &numbers {
                if n.value_start < after || n.followed_by_equals {
                    continue;
                }
                let gap = &chars[after..n.value_start];
                if gap.contains(&'\n') {
                    continue;
                }
                let last_eq = gap.iter().rposition(|&c| c == '=');
                let near = gap.len() <= 50
                    || last_eq.is_some_and(|p| p <= 100 && gap[p + 1..].iter().all(|c| c.is_whitespace()));
                if near {
                    group.push(n.candidate.clone());
                }
            }
        }
        groups.push(group);
    }

    // Priority 300: anything.
    let mut p300: Vec<Candidate> = chains.iter().map(Chain::candidate).collect();
    p300.extend(numbers.iter().map(|n| n.candidate.clone()));
    groups.push(p300);

    for group in &mut groups {
        group.sort_by(|a, b| b.span.1.cmp(&a.span.1).then(a.span.0.cmp(&b.span.0)));
        group.dedup();
    }
    groups
}

/// Positions just after each occurrence of `needle` in `hay`.
fn find_all(hay: &[char], needle: &str) -> Vec<usize> {
    let needle: Vec<char> = needle.chars().collect();
    if hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == needle[..])
        .map(|i| i + needle.len())
        .collect()
}

#[derive(Clone, Copy)]
enum GapRule {
    /// `:?\s*`
    ColonSpaces,
    /// `:?\s*` ending in at least one whitespace (a number needs a space before it).
    ColonSpacesPrefix,
    /// `.{0,n}?\s+is:?\s*`; the bool says whether newlines may be crossed.
    IsWithin(usize, bool),
}

fn gap_is(chars: &[char], from: usize, to: usize, rule: GapRule) -> bool {
    if to < from {
        return false;
    }
    let gap = &chars[from..to];
    match rule {
        GapRule::ColonSpaces => {
            let rest = gap.strip_prefix(&[':']).unwrap_or(gap);
            rest.iter().all(|c| c.is_whitespace())
        }
        GapRule::ColonSpacesPrefix => {
            let rest = gap.strip_prefix(&[':']).unwrap_or(gap);
            !rest.is_empty() && rest.iter().all(|c| c.is_whitespace())
        }
        GapRule::IsWithin(limit, cross_lines) => {
            if !cross_lines && gap.contains(&'\n') {
                return false;
            }
            // Strip `\s*` and `:?` from the end, then require `\s+is`.
            let mut end = gap.len();
            while end > 0 && gap[end - 1].is_whitespace() {
                end -= 1;
            }
            if end > 0 && gap[end - 1] == ':' {
                end -= 1;
            }
            if end < 2 || gap[end - 2..end] != ['i', 's'] {
                return false;
            }
            let before_is = end - 2;
            let mut lead = before_is;
            while lead > 0 && gap[lead - 1].is_whitespace() {
                lead -= 1;
            }
            lead < before_is && lead <= limit
        }
    }
}

/// `\.?\s?I hope` right after position `end`.
fn followed_by_i_hope(chars: &[char], end: usize) -> bool {
    let mut i = end;
    if chars.get(i) == Some(&'.') {
        i += 1;
    }
    if chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    let hope: Vec<char> = "I hope".chars().collect();
    chars.get(i..i + hope.len()) == Some(&hope[..])
}

/// Math environments, scanned left to right without overlap.
fn find_envs(chars: &[char]) -> Vec<Env> {
    let mut envs = Vec::new();
    let mut i = 0;
    // Per delimiter kind, a position before which no environment of that kind can close: a
    // failed scan proves it, so a paste full of unclosed delimiters stays linear.
    let mut fail_until = [0usize; 4];
    while i < chars.len() {
        if let Some((content_start, content_end, end)) = env_at(chars, i, &mut fail_until) {
            let content: String = chars[content_start..content_end].iter().collect();
            let (percent, after) = percent_after(chars, end);
            envs.push(Env { start: i, end: after, content, percent });
            i = end;
        } else {
            i += 1;
        }
    }
    envs
}

/// The environment starting at `i`: (content start, content end, end after the delimiter).
fn env_at(chars: &[char], i: usize, fail_until: &mut [usize; 4]) -> Option<(usize, usize, usize)> {
    let at = |k: usize, s: &str| -> bool {
        let mut n = 0;
        for (offset, c) in s.chars().enumerate() {
            if chars.get(k + offset) != Some(&c) {
                return false;
            }
            n += 1;
        }
        n > 0
    };
    let escaped = i > 0 && chars[i - 1] == '\\';
    if escaped {
        return None;
    }
    // Kind 0: `$$..$$`, 1: `\[..\]`, 2: `$..$` (one line), 3: `\(..\)` (one line).
    let kind = if at(i, "$$") {
        0
    } else if at(i, "\\[") {
        1
    } else if chars[i] == '$' {
        if i > 0 && chars[i - 1].is_ascii_digit() {
            return None;
        }
        2
    } else if at(i, "\\(") {
        3
    } else {
        return None;
    };
    if i < fail_until[kind] {
        return None;
    }
    let open_len = if kind == 2 { 1 } else { 2 };
    let one_line = kind >= 2;
    let mut j = i + open_len;
    while j < chars.len() {
        if one_line && chars[j] == '\n' {
            break;
        }
        let closes = match kind {
            0 => at(j, "$$") && chars[j - 1] != '\\',
            1 => at(j, "\\]"),
            2 => chars[j] == '$' && chars[j - 1] != '\\',
            _ => at(j, "\\)"),
        };
        if closes && j > i + open_len {
            let close_len = if kind == 2 { 1 } else { 2 };
            return Some((i + open_len, j, j + close_len));
        }
        j += 1;
    }
    fail_until[kind] = j;
    None
}

/// An optional percent sign or word after an environment: (found, end position).
fn percent_after(chars: &[char], end: usize) -> (bool, usize) {
    let mut i = end;
    while i < chars.len() && chars[i].is_whitespace() && chars[i] != '\n' {
        i += 1;
    }
    for word in ["\\%", "%", "percentage", "percent", "pct"] {
        let w: Vec<char> = word.chars().collect();
        if chars.get(i..i + w.len()).is_some_and(|s| s.iter().zip(&w).all(|(a, b)| a.eq_ignore_ascii_case(b))) {
            return (true, i + w.len());
        }
    }
    (false, end)
}

/// Environments joined by "," / "and" / "or" (up to six), read as one list.
#[derive(Debug, Clone)]
struct Chain {
    start: usize,
    end: usize,
    parts: Vec<(String, bool)>,
}

impl Chain {
    fn candidate(&self) -> Candidate {
        let src = if self.parts.len() == 1 {
            wrap_percent(&boxed_all(&self.parts[0].0), self.parts[0].1)
        } else {
            self.parts
                .iter()
                .map(|(s, p)| format!("{{{}}}", wrap_percent(&boxed_all(s), *p)))
                .collect::<Vec<_>>()
                .join(",")
        };
        Candidate { src, percent: false, span: (self.start, self.end) }
    }
}

fn wrap_percent(src: &str, percent: bool) -> String {
    if percent { format!("{{{src}}}\\%") } else { src.to_string() }
}

fn chain_envs(chars: &[char], envs: &[Env]) -> Vec<Chain> {
    let mut chains = Vec::new();
    let mut k = 0;
    while k < envs.len() {
        let mut chain =
            Chain { start: envs[k].start, end: envs[k].end, parts: vec![(envs[k].content.clone(), envs[k].percent)] };
        let mut next = k + 1;
        while next < envs.len() && chain.parts.len() < 6 {
            let between: String = chars[chain.end..envs[next].start].iter().collect();
            let t = between.trim().trim_start_matches(',').trim();
            if t.is_empty() || t == "and" || t == "or" {
                chain.parts.push((envs[next].content.clone(), envs[next].percent));
                chain.end = envs[next].end;
                next += 1;
            } else {
                break;
            }
        }
        chains.push(chain);
        k = next;
    }
    chains
}

/// The contents of every `\boxed{..}` in `src`, joined by commas; `src` itself if none.
pub(crate) fn boxed_all(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let found = boxed_spans(&chars);
    if found.is_empty() {
        return src.to_string();
    }
    found
        .iter()
        .map(|&(s, e, _)| format!("{{{}}}", chars[s..e].iter().collect::<String>()))
        .collect::<Vec<_>>()
        .join(",")
}

/// `(content start, content end, end after the closing brace)` of each `\boxed{..}`/`\fbox{..}`.
fn boxed_spans(chars: &[char]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let hit = ["\\boxed", "\\fbox"].iter().find_map(|kw| {
            let kw: Vec<char> = kw.chars().collect();
            (chars.get(i..i + kw.len()) == Some(&kw[..])).then_some(kw.len())
        });
        let Some(len) = hit else {
            i += 1;
            continue;
        };
        let mut j = i + len;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if chars.get(j) != Some(&'{') {
            i += len;
            continue;
        }
        let mut depth = 0usize;
        let mut k = j;
        let mut closed = None;
        while k < chars.len() {
            match chars[k] {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        closed = Some(k);
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        match closed {
            Some(k) => {
                out.push((j + 1, k, k + 1));
                i = k + 1;
            }
            None => break,
        }
    }
    out
}

/// Boxed answers: environments that contain a box, and the last box anywhere.
fn boxed_candidates(chars: &[char], chains: &[Chain]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for chain in chains {
        if chain.parts.iter().any(|(s, _)| s.contains("\\boxed") || s.contains("\\fbox")) {
            out.push(chain.candidate());
        }
    }
    let spans = boxed_spans(chars);
    if let (Some(first), Some(last)) = (spans.first(), spans.last()) {
        let content: String = chars[last.0..last.1].iter().collect();
        // The peer's pattern runs from the first box to the last closing brace of the text.
        let end = chars.iter().rposition(|&c| c == '}').map_or(last.2, |p| p + 1);
        out.push(Candidate { src: content, percent: false, span: (first.0, end) });
    }
    out
}

/// A number or a simple arithmetic expression found in prose.
#[derive(Debug, Clone)]
struct PlainMatch {
    candidate: Candidate,
    /// Where the value itself starts (after its anchor).
    value_start: usize,
    end: usize,
    followed_by_equals: bool,
}

/// Longest arithmetic expression read from prose, in characters.
const MAX_PLAIN_EXPRESSION: usize = 200;

const CURRENCY: &str = "$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₭₮₯₰₱₲₳₴₵₶₷₸₺₻₼₾₿";

/// Numbers (with thousands separators, decimal commas, percent) and short arithmetic.
fn find_plain(chars: &[char]) -> Vec<PlainMatch> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let anchored = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '=';
        if !anchored {
            i += 1;
            continue;
        }
        let mut s = i;
        if chars.get(s..s + 2) == Some(&['*', '*']) {
            s += 2;
        }
        if let Some(m) = plain_expression(chars, s) {
            i = m.end.max(i + 1);
            out.push(m);
            continue;
        }
        let mut v = s;
        if chars.get(v).is_some_and(|c| CURRENCY.contains(*c)) {
            v += 1;
        }
        if let Some((number, end)) = plain_number(chars, v) {
            let (percent, after) = plain_percent(chars, end);
            let followed_by_equals = next_non_space(chars, after) == Some('=');
            out.push(PlainMatch {
                candidate: Candidate { src: number, percent, span: (i, after) },
                value_start: v,
                end: after,
                followed_by_equals,
            });
            i = after;
            continue;
        }
        i += 1;
    }
    out
}

fn next_non_space(chars: &[char], mut i: usize) -> Option<char> {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    chars.get(i).copied()
}

fn plain_percent(chars: &[char], end: usize) -> (bool, usize) {
    let (found, after) = percent_after(chars, end);
    (found, after)
}

/// One number at `i` in the formats people type; returns it in plain form and its end.
pub(crate) fn plain_number(chars: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i;
    let neg = chars.get(j) == Some(&'-');
    if neg {
        j += 1;
    }
    let digits_from = |k: usize| -> usize {
        let mut e = k;
        while e < chars.len() && chars[e].is_ascii_digit() {
            e += 1;
        }
        e
    };
    let sign = if neg { "-" } else { "" };
    // Format 1: thousands separated by "," or " " (first group 1-3 digits, not starting with 0).
    let first_end = digits_from(j);
    if first_end > j && chars[j] != '0' && first_end - j <= 3 {
        let mut k = first_end;
        let mut groups: Vec<String> = vec![chars[j..first_end].iter().collect()];
        while k < chars.len() && (chars[k] == ',' || chars[k] == ' ') {
            let g_end = digits_from(k + 1);
            if g_end - (k + 1) == 3 {
                groups.push(chars[k + 1..g_end].iter().collect());
                k = g_end;
            } else {
                break;
            }
        }
        if groups.len() > 1 {
            let mut text = format!("{sign}{}", groups.concat());
            if chars.get(k) == Some(&'.') && chars.get(k + 1).is_some_and(char::is_ascii_digit) {
                let d_end = digits_from(k + 1);
                text.push('.');
                text.extend(&chars[k + 1..d_end]);
                k = d_end;
            }
            return Some((text, k));
        }
    }
    // Format 2: integer with a decimal point or a decimal comma.
    if first_end > j {
        if matches!(chars.get(first_end), Some('.' | ',')) && chars.get(first_end + 1).is_some_and(char::is_ascii_digit)
        {
            let d_end = digits_from(first_end + 1);
            let int: String = chars[j..first_end].iter().collect();
            let frac: String = chars[first_end + 1..d_end].iter().collect();
            return Some((format!("{sign}{int}.{frac}"), d_end));
        }
        let int: String = chars[j..first_end].iter().collect();
        return Some((format!("{sign}{int}"), first_end));
    }
    // Format 3: ".5".
    if !neg && chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
        let d_end = digits_from(j + 1);
        let frac: String = chars[j + 1..d_end].iter().collect();
        return Some((format!("0.{frac}"), d_end));
    }
    None
}

/// A short arithmetic expression such as `1/2` or `(3+4)*2`: digits, operators, parentheses.
fn plain_expression(chars: &[char], i: usize) -> Option<PlainMatch> {
    let is_op = |c: char| matches!(c, '+' | '-' | '*' | '×' | '/' | '^' | '÷' | '(' | ')');
    let is_expr_char = |c: char| c.is_ascii_digit() || c == '.' || c == ' ' || is_op(c);
    let mut j = i;
    if chars.get(j) == Some(&'-') {
        j += 1;
    }
    if chars.get(j) == Some(&'(') {
        j += 1;
    }
    if chars.get(j) == Some(&'-') {
        j += 1;
    }
    if !chars.get(j).is_some_and(char::is_ascii_digit) {
        return None;
    }
    // Expressions in prose are short; a bounded scan keeps long digit runs linear.
    let limit = (j + MAX_PLAIN_EXPRESSION).min(chars.len());
    let mut end = j;
    while end < limit && is_expr_char(chars[end]) {
        end += 1;
    }
    // Give back characters until the match ends well: the next char is a valid suffix and the
    // last kept char is a digit or a closing parenthesis.
    loop {
        if end <= j {
            return None;
        }
        let last = chars[end - 1];
        let suffix_ok = match chars.get(end) {
            None => true,
            Some(&c) => matches!(c, '.' | ',' | ':' | ')' | '$') || c.is_whitespace(),
        };
        if (last.is_ascii_digit() || last == ')') && suffix_ok {
            break;
        }
        end -= 1;
    }
    let body: String = chars[i..end].iter().collect();
    let has_operator = chars[j..end].iter().any(|&c| matches!(c, '+' | '-' | '*' | '×' | '/' | '^' | '÷'));
    if !has_operator {
        return None;
    }
    let followed_by_equals = next_non_space(chars, end) == Some('=');
    Some(PlainMatch {
        candidate: Candidate { src: body.trim().to_string(), percent: false, span: (i, end) },
        value_start: i,
        end,
        followed_by_equals,
    })
}
