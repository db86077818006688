//! Tokens of LaTeX and plain-text math answers.

use crate::error::GradingError;

/// One lexical token of a math answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// A number literal as written (digits and at most one decimal point).
    Num(String),
    /// A number written in another base, such as `204_5`.
    Based { digits: String, base: u32 },
    /// A letter or a known multi-letter name (`sin`, `pi`, `x_1`).
    Ident(String),
    /// A LaTeX command without its backslash (`frac`, `le`, `{` for `\{`).
    Command(String),
    /// Text from `\text{..}` and friends.
    Text(String),
    /// A single punctuation or operator character.
    Sym(char),
    /// `\\`, the row separator of a matrix.
    RowSep,
    /// A percent sign or word.
    Percent,
}

/// Longest command or identifier accepted; longer runs are prose, not math.
const MAX_WORD: usize = 32;

/// Multi-letter names read as one identifier in plain input.
pub(crate) const PLAIN_NAMES: &[&str] = &[
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sqrt", "sin", "cos", "tan", "sec", "csc", "cot", "log",
    "exp", "abs", "ln", "lg", "pi", "inf", "oo",
];

/// Tokenises a normalised answer. Whitespace separates tokens and is otherwise dropped.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, GradingError> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let mut decimal = false;
            if i < chars.len() && chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                decimal = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().collect();
            // `204_5` and `204_{5}`: a number in another base.
            if !decimal
                && i < chars.len()
                && chars[i] == '_'
                && let Some((base, next)) = read_base(&chars, i + 1)
                && text.chars().all(|d| d.is_digit(base))
            {
                tokens.push(Token::Based { digits: text, base });
                i = next;
                continue;
            }
            tokens.push(Token::Num(text));
            continue;
        }
        if c == '\\' {
            let next = chars.get(i + 1).copied();
            match next {
                None => return Err(GradingError::MathSyntax("lone backslash at the end".into())),
                Some('\\') => {
                    tokens.push(Token::RowSep);
                    i += 2;
                }
                Some(n) if n.is_ascii_alphabetic() => {
                    let start = i + 1;
                    i += 1;
                    while i < chars.len() && chars[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    if i - start > MAX_WORD {
                        return Err(GradingError::MathSyntax("command name too long".into()));
                    }
                    let name: String = chars[start..i].iter().collect();
                    if is_text_command(&name) {
                        let (text, next) = read_group(&chars, i)?;
                        // `\textbf{4}`, `\text{13}`: a number in text style is still a number.
                        let t = text.trim();
                        let numeric = !t.is_empty()
                            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
                            && t.chars().filter(|&c| c == '.').count() <= 1
                            && t.chars().any(|c| c.is_ascii_digit());
                        tokens.push(if numeric { Token::Num(t.to_string()) } else { Token::Text(text) });
                        i = next;
                    } else {
                        tokens.push(Token::Command(name));
                    }
                }
                Some('%') => {
                    tokens.push(Token::Percent);
                    i += 2;
                }
                Some(n @ ('{' | '}' | '|')) => {
                    tokens.push(Token::Command(n.to_string()));
                    i += 2;
                }
                // Spacing commands such as `\,` `\;` `\!` `\ ` and an escaped `\$`.
                Some(_) => i += 2,
            }
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() && c.is_ascii_alphabetic() {
                i += 1;
            }
            if i == start {
                // A non-ASCII letter (Greek typed directly, or a CJK character): one identifier.
                tokens.push(Token::Ident(c.to_string()));
                i += 1;
                continue;
            }
            let word: String = chars[start..i].iter().collect();
            if word.len() > MAX_WORD {
                return Err(GradingError::MathSyntax("word too long to be math".into()));
            }
            push_word(&mut tokens, &word);
            continue;
        }
        match c {
            '%' => tokens.push(Token::Percent),
            '×' | '·' | '⋅' => tokens.push(Token::Sym('*')),
            '÷' => tokens.push(Token::Sym('/')),
            '−' | '–' => tokens.push(Token::Sym('-')),
            '≤' => tokens.push(Token::Command("le".into())),
            '≥' => tokens.push(Token::Command("ge".into())),
            '≠' => tokens.push(Token::Command("ne".into())),
            '≈' => tokens.push(Token::Command("approx".into())),
            '±' => tokens.push(Token::Command("pm".into())),
            '∞' => tokens.push(Token::Command("infty".into())),
            'π' => tokens.push(Token::Command("pi".into())),
            '√' => tokens.push(Token::Command("sqrt".into())),
            '∪' => tokens.push(Token::Command("cup".into())),
            '∩' => tokens.push(Token::Command("cap".into())),
            '∈' => tokens.push(Token::Command("in".into())),
            '²' => {
                tokens.push(Token::Sym('^'));
                tokens.push(Token::Num("2".into()));
            }
            '³' => {
                tokens.push(Token::Sym('^'));
                tokens.push(Token::Num("3".into()));
            }
            '°' => {}
            '<' | '>' | '!' | '=' => {
                let next = chars.get(i + 1).copied();
                match (c, next) {
                    ('<', Some('=')) => {
                        tokens.push(Token::Command("le".into()));
                        i += 1;
                    }
                    ('>', Some('=')) => {
                        tokens.push(Token::Command("ge".into()));
                        i += 1;
                    }
                    ('!', Some('=')) => {
                        tokens.push(Token::Command("ne".into()));
                        i += 1;
                    }
                    ('=', Some('=')) => {
                        tokens.push(Token::Sym('='));
                        i += 1;
                    }
                    _ => tokens.push(Token::Sym(c)),
                }
            }
            '+' | '-' | '*' | '/' | '^' | '_' | '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | '|' | '&' | '\''
            | ':' => tokens.push(Token::Sym(c)),
            '$' | '"' | '?' | '`' | '~' => {}
            '.' => {}
            other => {
                return Err(GradingError::MathSyntax(format!("unexpected character {other:?}")));
            }
        }
        i += 1;
    }
    Ok(drop_unit_text(tokens))
}

/// Text after a value is a unit (`15\mbox{ cm}^2`, `10\text{ units}`): dropped with its power.
/// Text that says "and"/"or" separates list items.
fn drop_unit_text(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut iter = tokens.into_iter().peekable();
    while let Some(token) = iter.next() {
        if let Token::Text(text) = &token {
            let t = text.trim().to_ascii_lowercase();
            if t == "and" || t == "or" || t == "," {
                out.push(Token::Sym(','));
                continue;
            }
            let after_value = matches!(
                out.last(),
                Some(Token::Num(_) | Token::Based { .. } | Token::Ident(_) | Token::Percent)
                    | Some(Token::Sym(')' | '}' | ']'))
            ) || matches!(out.last(), Some(Token::Command(c)) if c == "pi" || c == "infty");
            if after_value && !t.is_empty() {
                if iter.peek() == Some(&Token::Sym('^')) {
                    iter.next();
                    if let Some(Token::Sym('{')) = iter.next() {
                        let mut depth = 1usize;
                        for t in iter.by_ref() {
                            match t {
                                Token::Sym('{') => depth += 1,
                                Token::Sym('}') => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                continue;
            }
        }
        out.push(token);
    }
    out
}

/// Reads the base after `_` in `204_5` or `204_{5}`; returns the base and the index after it.
fn read_base(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let (digits, next) = if chars.get(i) == Some(&'{') {
        let end = chars[i..].iter().position(|&c| c == '}')? + i;
        (chars[i + 1..end].iter().collect::<String>(), end + 1)
    } else {
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        (chars[i..j].iter().collect::<String>(), j)
    };
    let base: u32 = digits.trim().parse().ok()?;
    (2..=16).contains(&base).then_some((base, next))
}

fn is_text_command(name: &str) -> bool {
    matches!(
        name,
        "text"
            | "textbf"
            | "textit"
            | "textrm"
            | "textnormal"
            | "mbox"
            | "mathrm"
            | "textsf"
            | "texttt"
            | "hbox"
            | "mathbf"
            | "mathit"
            | "operatorname"
    )
}

/// Reads a `{..}` group (or a single character) after a text command, with nesting.
fn read_group(chars: &[char], mut i: usize) -> Result<(String, usize), GradingError> {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    if i >= chars.len() {
        return Ok((String::new(), i));
    }
    if chars[i] != '{' {
        return Ok((chars[i].to_string(), i + 1));
    }
    let mut depth = 0usize;
    let start = i + 1;
    while i < chars.len() {
        match chars[i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((chars[start..i].iter().collect(), i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(GradingError::MathSyntax("unclosed { after a text command".into()))
}

/// Splits a run of ASCII letters into known names and single-letter variables.
fn push_word(tokens: &mut Vec<Token>, word: &str) {
    let lower = word.to_ascii_lowercase();
    if matches!(lower.as_str(), "percent" | "percentage" | "pct") {
        tokens.push(Token::Percent);
        return;
    }
    if matches!(lower.as_str(), "and" | "or") {
        tokens.push(Token::Sym(','));
        return;
    }
    let mut rest = word;
    'outer: while !rest.is_empty() {
        for name in PLAIN_NAMES {
            if rest.starts_with(name) {
                tokens.push(Token::Ident((*name).to_string()));
                rest = &rest[name.len()..];
                continue 'outer;
            }
        }
        let (first, tail) = rest.split_at(1);
        tokens.push(Token::Ident(first.to_string()));
        rest = tail;
    }
}
