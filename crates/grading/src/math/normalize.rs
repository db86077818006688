//! Text clean-up of a LaTeX or plain answer before it is tokenised.

/// Rewrites notation that means nothing for the value: sizing commands, spacing, degree signs,
/// currency, thousands separators, and escaped backslashes (`\\frac` from a JSON string).
pub(crate) fn normalize(src: &str) -> String {
    let mut s = unescape_commands(src);
    for (from, to) in [
        ("^{\\circ}", ""),
        ("^\\circ", ""),
        ("^{\\degree}", ""),
        ("^\\degree", ""),
        ("\\degree", ""),
        ("\\circ", ""),
        ("°", ""),
        ("\\$", ""),
        ("\\left", ""),
        ("\\right", ""),
        ("\\bigl", ""),
        ("\\bigr", ""),
        ("\\Bigl", ""),
        ("\\Bigr", ""),
        ("\\displaystyle", ""),
        ("\\textstyle", ""),
        ("\\limits", ""),
        ("\\qquad", " "),
        ("\\quad", " "),
        ("\\dots", ""),
        ("\\ldots", ""),
        ("\\cdots", ""),
        ("\\mathrm{d}", "d"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s = join_thousands_marks(&s);
    s = join_spaced_thousands(&s);
    s = join_braced_commas(&s);
    s = s.replace('$', " ");
    let trimmed = s.trim().trim_end_matches(['.', ',', ';']).trim();
    // A whole answer written as `1,234,567`: thousands, not a list.
    if is_thousands_number(trimmed) {
        return trimmed.replace(',', "");
    }
    trimmed.to_string()
}

/// `\\frac` becomes `\frac`; a real row break `\\` before a letter pair is rare in answers.
fn unescape_commands(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        // Exactly two backslashes before a word: an escaped command. Three are a row break
        // followed by a command (`\\\end`) and stay as they are.
        let run_start = i == 0 || chars[i - 1] != '\\';
        if run_start
            && chars[i] == '\\'
            && chars.get(i + 1) == Some(&'\\')
            && chars.get(i + 2).is_some_and(char::is_ascii_alphabetic)
            && chars.get(i + 3).is_some_and(char::is_ascii_alphabetic)
        {
            out.push('\\');
            i += 2;
            continue;
        }
        // `\\(`, `\\)`, `\\[`, `\\]`, `\\{`, `\\}` written with an escaped backslash.
        if chars[i] == '\\'
            && chars.get(i + 1) == Some(&'\\')
            && matches!(chars.get(i + 2), Some('(' | ')' | '{' | '}' | '%' | '$'))
        {
            out.push('\\');
            i += 2;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// `16,\!386` and `11,\! 111`: a thin-space thousands mark.
fn join_thousands_marks(s: &str) -> String {
    if !s.contains(",\\!") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find(",\\!") {
        out.push_str(&rest[..p]);
        rest = rest[p + 3..].trim_start();
    }
    out.push_str(rest);
    out
}

/// `1\,000` and `12\;345`: a LaTeX thin space between a digit and a group of three digits.
fn join_spaced_thousands(s: &str) -> String {
    if !(s.contains("\\,") || s.contains("\\;") || s.contains("\\ ")) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let is_space_cmd = chars[i] == '\\' && matches!(chars.get(i + 1), Some(',' | ';' | ' '));
        if is_space_cmd && i > 0 && chars[i - 1].is_ascii_digit() {
            let group = chars[i + 2..].iter().take_while(|c| c.is_ascii_digit()).count();
            if group == 3 {
                i += 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// `14{,}916` and `14 {, }916`: a braced comma between digit groups is a thousands mark,
/// removed with the spaces around it.
fn join_braced_commas(s: &str) -> String {
    if !(s.contains("{,}") || s.contains("{, }")) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('{') {
        let after = &rest[p..];
        let len = if after.starts_with("{,}") {
            3
        } else if after.starts_with("{, }") {
            4
        } else {
            out.push_str(&rest[..=p]);
            rest = &rest[p + 1..];
            continue;
        };
        out.push_str(rest[..p].trim_end());
        rest = rest[p + len..].trim_start();
    }
    out.push_str(rest);
    out
}

fn is_thousands_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && !groups[0].starts_with('0')
        && groups[0].bytes().all(|b| b.is_ascii_digit())
        && groups[1..].iter().all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}
