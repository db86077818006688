//! Personal-data placeholders: redact before a prompt leaves the process, restore afterwards.

/// What counts as personal data besides the patterns found automatically (phone numbers,
/// e-mail addresses, 18-digit identity numbers): names and ids known from the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPersonalData {
    /// Full names, given names, nicknames (any script).
    pub names: Vec<String>,
    /// Student numbers and other identifiers.
    pub ids: Vec<String>,
}

/// The kind of a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonalKind {
    /// A person's name.
    Name,
    /// A roster identifier.
    Id,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A resident identity card number.
    IdCard,
}

impl PersonalKind {
    fn label(self) -> &'static str {
        match self {
            PersonalKind::Name => "NAME",
            PersonalKind::Id => "ID",
            PersonalKind::Phone => "PHONE",
            PersonalKind::Email => "EMAIL",
            PersonalKind::IdCard => "IDCARD",
        }
    }
}

/// A redacted text and the table that restores it. Keep the table in the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The text with placeholders such as `[NAME_1]`.
    pub text: String,
    // Invariant: placeholders are unique; each maps to exactly one original.
    mapping: Vec<(String, String)>,
}

impl Redacted {
    /// (placeholder, original) pairs, in order of first appearance.
    pub fn mapping(&self) -> &[(String, String)] {
        &self.mapping
    }

    /// Restores the originals in a model's reply. Placeholders the model wrote with full-width
    /// brackets (`【NAME_1】`) or without brackets are restored too.
    pub fn restore(&self, reply: &str) -> String {
        let mut out = reply.to_owned();
        // Longest placeholders first so that NAME_1 does not eat into NAME_10.
        let mut mapping: Vec<&(String, String)> = self.mapping.iter().collect();
        mapping.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        for (placeholder, original) in &mapping {
            let bare = &placeholder[1..placeholder.len() - 1];
            out = out.replace(placeholder.as_str(), original).replace(&format!("【{bare}】"), original);
        }
        for (placeholder, original) in &mapping {
            let bare = &placeholder[1..placeholder.len() - 1];
            out = replace_bare(&out, bare, original);
        }
        out
    }
}

/// Replaces `bare` (e.g. `NAME_1`) where it is not followed by another digit.
fn replace_bare(text: &str, bare: &str, original: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(bare) {
        let after = &rest[i + bare.len()..];
        out.push_str(&rest[..i]);
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(bare);
        } else {
            out.push_str(original);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Redacts several texts (the messages of one prompt) with one shared placeholder table, so
/// that a name is `[NAME_1]` in every message.
pub fn redact_many(texts: &[&str], known: &KnownPersonalData) -> (Vec<String>, Redacted) {
    // U+001E (record separator) never belongs to a name, number or address, so no span crosses it.
    let joined = texts.join("\u{1E}");
    let redacted = redact(&joined, known);
    let parts = if texts.is_empty() { Vec::new() } else { redacted.text.split('\u{1E}').map(str::to_owned).collect() };
    (parts, redacted)
}

/// Replaces personal data in `text` with numbered placeholders.
pub fn redact(text: &str, known: &KnownPersonalData) -> Redacted {
    let mut spans: Vec<(usize, usize, PersonalKind)> = Vec::new();
    // Longer known strings first, so "王小明" wins over "小明".
    let mut known_terms: Vec<(&str, PersonalKind)> = known
        .names
        .iter()
        .map(|n| (n.as_str(), PersonalKind::Name))
        .chain(known.ids.iter().map(|i| (i.as_str(), PersonalKind::Id)))
        .filter(|(t, _)| !t.trim().is_empty())
        .collect();
    known_terms.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
    for (term, kind) in known_terms {
        for (start, _) in text.match_indices(term) {
            let end = start + term.len();
            let ascii_word = term.chars().all(|c| c.is_ascii_alphanumeric());
            let boundary_ok = !ascii_word
                || (!text[..start].ends_with(|c: char| c.is_ascii_alphanumeric())
                    && !text[end..].starts_with(|c: char| c.is_ascii_alphanumeric()));
            if boundary_ok && !overlaps(&spans, start, end) {
                spans.push((start, end, kind));
            }
        }
    }
    for (start, end, kind) in find_patterns(text) {
        if !overlaps(&spans, start, end) {
            spans.push((start, end, kind));
        }
    }
    spans.sort_unstable_by_key(|&(start, end, _)| (start, end));

    let mut out = String::with_capacity(text.len());
    let mut mapping: Vec<(String, String)> = Vec::new();
    let mut counters: std::collections::HashMap<PersonalKind, usize> = std::collections::HashMap::new();
    let mut pos = 0;
    for (start, end, kind) in spans {
        out.push_str(&text[pos..start]);
        let original = &text[start..end];
        let placeholder =
            match mapping.iter().find(|(p, o)| o == original && p.starts_with(&format!("[{}_", kind.label()))) {
                Some((p, _)) => p.clone(),
                None => {
                    let n = counters.entry(kind).or_insert(0);
                    *n += 1;
                    let p = format!("[{}_{}]", kind.label(), n);
                    mapping.push((p.clone(), original.to_owned()));
                    p
                }
            };
        out.push_str(&placeholder);
        pos = end;
    }
    out.push_str(&text[pos..]);
    Redacted { text: out, mapping }
}

fn overlaps(spans: &[(usize, usize, PersonalKind)], start: usize, end: usize) -> bool {
    spans.iter().any(|&(s, e, _)| start < e && s < end)
}

/// Phone numbers (mainland mobile `1[3-9]` + 9 digits, optionally `+86`), 18-character
/// identity numbers, and e-mail addresses.
fn find_patterns(text: &str) -> Vec<(usize, usize, PersonalKind)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            let digits = &text[i..j];
            let id_card_end =
                if j < bytes.len() && (bytes[j] == b'X' || bytes[j] == b'x') && digits.len() == 17 { j + 1 } else { j };
            let next_is_word = id_card_end < bytes.len() && bytes[id_card_end].is_ascii_alphanumeric();
            if !next_is_word {
                // A mobile number is 1[3-9] and 9 more digits, optionally after +86 / 86.
                let mobile = if digits.len() == 13 && digits.starts_with("86") { &digits[2..] } else { digits };
                let start = if mobile.len() != digits.len() && i >= 1 && bytes[i - 1] == b'+' { i - 1 } else { i };
                let mobile_bytes = mobile.as_bytes();
                if mobile.len() == 11 && mobile_bytes[0] == b'1' && matches!(mobile_bytes[1], b'3'..=b'9') {
                    found.push((start, j, PersonalKind::Phone));
                } else if (digits.len() == 18 && id_card_end == j) || (digits.len() == 17 && id_card_end == j + 1) {
                    found.push((i, id_card_end, PersonalKind::IdCard));
                }
            }
            i = j.max(i + 1);
            continue;
        }
        if bytes[i] == b'@' {
            let is_local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+');
            let is_domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
            let mut s = i;
            while s > 0 && is_local(bytes[s - 1]) {
                s -= 1;
            }
            let mut e = i + 1;
            while e < bytes.len() && is_domain(bytes[e]) {
                e += 1;
            }
            while e > i + 1 && bytes[e - 1] == b'.' {
                e -= 1;
            }
            if s < i && text[i + 1..e].contains('.') {
                found.push((s, e, PersonalKind::Email));
                i = e;
                continue;
            }
        }
        i += 1;
    }
    found
}
