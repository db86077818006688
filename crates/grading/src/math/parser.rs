//! Recursive-descent parser from tokens to a math syntax tree.

use crate::error::GradingError;
use crate::math::lexer::Token;

/// Deepest nesting accepted; deeper input is rejected instead of overflowing the stack.
const MAX_DEPTH: usize = 64;

/// A parsed math answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A number; `decimal` records that it was written with a decimal point.
    Num {
        value: f64,
        decimal: bool,
    },
    /// `\pi`, `e` and infinity.
    Const(Constant),
    /// A variable (`x`, `x_1`, `\alpha`).
    Sym(String),
    Neg(Box<Node>),
    Add(Vec<Node>),
    Mul(Vec<Node>),
    Div(Box<Node>, Box<Node>),
    Pow(Box<Node>, Box<Node>),
    /// A known function applied to its arguments.
    Func(Func, Vec<Node>),
    /// An unknown function such as `f(x)`, compared as an opaque function of its arguments.
    Apply(String, Vec<Node>),
    Factorial(Box<Node>),
    Percent(Box<Node>),
    /// `a \pm b`: both `a + b` and `a - b`.
    PlusMinus(Box<Node>, Box<Node>),
    /// `(a, b)`, `[a, b)`, ...: a tuple or an interval, decided when compared.
    Bracket {
        open: char,
        close: char,
        items: Vec<Node>,
    },
    /// A bare comma-separated list.
    List(Vec<Node>),
    /// `\{a, b\}`.
    Set(Vec<Node>),
    Union(Vec<Node>),
    Intersection(Vec<Node>),
    Matrix(Vec<Vec<Node>>),
    /// A chain such as `a < b \le c` or `x = 1`: `ops.len() == parts.len() - 1`.
    Rel {
        parts: Vec<Node>,
        ops: Vec<RelOp>,
    },
    /// `x \in S`.
    In(Box<Node>, Box<Node>),
    Text(String),
}

/// Named constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Constant {
    Pi,
    E,
    Infinity,
}

/// Known functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Sin,
    Cos,
    Tan,
    Sec,
    Csc,
    Cot,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Ln,
    /// Logarithm; with two arguments the second is the base, otherwise base 10.
    Log,
    Exp,
    Sqrt,
    /// `\sqrt[n]{x}`: arguments are the radicand and the index.
    Root,
    Abs,
}

/// Relation operators, with `>`/`\ge` kept so that chains read as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelOp {
    Eq,
    Approx,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Parses a whole token stream; every token must be used.
pub(crate) fn parse(tokens: Vec<Token>) -> Result<Node, GradingError> {
    if tokens.is_empty() {
        return Err(GradingError::EmptyAnswer);
    }
    let mut parser = Parser { tokens, pos: 0, depth: 0 };
    let node = parser.list(&[])?;
    if parser.pos < parser.tokens.len() {
        return Err(GradingError::MathSyntax(format!(
            "unexpected {} after the answer",
            describe(&parser.tokens[parser.pos])
        )));
    }
    Ok(node)
}

fn describe(token: &Token) -> String {
    match token {
        Token::Num(n) => format!("number {n}"),
        Token::Based { digits, base } => format!("number {digits}_{base}"),
        Token::Ident(s) => format!("name {s:?}"),
        Token::Command(s) => format!("\\{s}"),
        Token::Text(s) => format!("text {s:?}"),
        Token::Sym(c) => format!("{c:?}"),
        Token::RowSep => "\\\\".into(),
        Token::Percent => "%".into(),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn func_named(name: &str) -> Option<Func> {
    Some(match name {
        "sin" => Func::Sin,
        "cos" => Func::Cos,
        "tan" | "tg" => Func::Tan,
        "sec" => Func::Sec,
        "csc" | "cosec" => Func::Csc,
        "cot" | "ctg" => Func::Cot,
        "arcsin" | "asin" => Func::Asin,
        "arccos" | "acos" => Func::Acos,
        "arctan" | "atan" => Func::Atan,
        "sinh" => Func::Sinh,
        "cosh" => Func::Cosh,
        "tanh" => Func::Tanh,
        "ln" => Func::Ln,
        "log" | "lg" => Func::Log,
        "exp" => Func::Exp,
        "sqrt" => Func::Sqrt,
        "abs" => Func::Abs,
        _ => return None,
    })
}

fn rel_named(token: &Token) -> Option<RelOp> {
    Some(match token {
        Token::Sym('=') => RelOp::Eq,
        Token::Sym('<') => RelOp::Lt,
        Token::Sym('>') => RelOp::Gt,
        Token::Command(c) => match c.as_str() {
            "le" | "leq" | "leqslant" | "leqq" => RelOp::Le,
            "ge" | "geq" | "geqslant" | "geqq" => RelOp::Ge,
            "lt" => RelOp::Lt,
            "gt" => RelOp::Gt,
            "ne" | "neq" => RelOp::Ne,
            "approx" | "simeq" | "sim" | "equiv" | "cong" => RelOp::Approx,
            _ => return None,
        },
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn at_sym(&self, c: char) -> bool {
        self.peek() == Some(&Token::Sym(c))
    }

    fn at_command(&self, name: &str) -> bool {
        matches!(self.peek(), Some(Token::Command(c)) if c == name)
    }

    fn expect_sym(&mut self, c: char) -> Result<(), GradingError> {
        if self.at_sym(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(GradingError::MathSyntax(match self.peek() {
                Some(t) => format!("expected {c:?}, found {}", describe(t)),
                None => format!("expected {c:?} before the end"),
            }))
        }
    }

    fn enter(&mut self) -> Result<(), GradingError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GradingError::MathTooDeep);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// True at a token that ends the current list: one of `stops`, or nothing left.
    fn at_stop(&self, stops: &[Token]) -> bool {
        match self.peek() {
            None => true,
            Some(t) => stops.contains(t),
        }
    }

    /// `item (, item)*`: one item alone, or a `List`.
    fn list(&mut self, stops: &[Token]) -> Result<Node, GradingError> {
        let mut items = Vec::new();
        loop {
            if self.at_sym(',') || self.at_sym(';') {
                // Empty items ("1,,2", a trailing comma) are skipped.
                self.pos += 1;
                continue;
            }
            if self.at_stop(stops) {
                break;
            }
            items.push(self.relation()?);
            if self.at_sym(',') || self.at_sym(';') {
                self.pos += 1;
            } else {
                break;
            }
        }
        match items.len() {
            0 => Err(GradingError::MathSyntax(match self.peek() {
                Some(t) => format!("expected a value before {}", describe(t)),
                None => "expected a value before the end".into(),
            })),
            1 => Ok(items.pop().expect("one item")),
            _ => Ok(Node::List(items)),
        }
    }

    fn relation(&mut self) -> Result<Node, GradingError> {
        let first = self.set_expr()?;
        if self.at_command("in") {
            self.pos += 1;
            let set = self.set_expr()?;
            return Ok(Node::In(Box::new(first), Box::new(set)));
        }
        let mut parts = vec![first];
        let mut ops = Vec::new();
        while let Some(op) = self.peek().and_then(rel_named) {
            self.pos += 1;
            ops.push(op);
            parts.push(self.set_expr()?);
        }
        if ops.is_empty() { Ok(parts.pop().expect("one part")) } else { Ok(Node::Rel { parts, ops }) }
    }

    fn set_expr(&mut self) -> Result<Node, GradingError> {
        let first = self.additive()?;
        if !(self.at_command("cup") || self.at_command("cap") || self.at_command("setminus")) {
            return Ok(first);
        }
        let mut unions = vec![first];
        let mut current_is_cap = false;
        loop {
            if self.at_command("cup") {
                self.pos += 1;
                current_is_cap = false;
                unions.push(self.additive()?);
            } else if self.at_command("cap") {
                self.pos += 1;
                let rhs = self.additive()?;
                let lhs = unions.pop().expect("a left operand");
                let node = match lhs {
                    Node::Intersection(mut xs) if current_is_cap => {
                        xs.push(rhs);
                        Node::Intersection(xs)
                    }
                    other => Node::Intersection(vec![other, rhs]),
                };
                current_is_cap = true;
                unions.push(node);
            } else if self.at_command("setminus") {
                return Err(GradingError::MathUnsupported("set difference".into()));
            } else {
                break;
            }
        }
        Ok(if unions.len() == 1 { unions.pop().expect("one") } else { Node::Union(unions) })
    }

    fn additive(&mut self) -> Result<Node, GradingError> {
        self.enter()?;
        let mut terms = vec![self.term()?];
        let mut pm: Option<(Node, Node)> = None;
        loop {
            if self.at_sym('+') {
                self.pos += 1;
                terms.push(self.term()?);
            } else if self.at_sym('-') {
                self.pos += 1;
                let t = self.term()?;
                terms.push(Node::Neg(Box::new(t)));
            } else if self.at_command("pm") || self.at_command("mp") {
                self.pos += 1;
                let rhs = self.term()?;
                let lhs = collapse_add(std::mem::take(&mut terms));
                if let Some((a, b)) = pm.take() {
                    // A second ± in one sum is rare; keep both as nested alternatives.
                    pm = Some((Node::PlusMinus(Box::new(a), Box::new(b)), rhs));
                    let _ = lhs;
                } else {
                    pm = Some((lhs, rhs));
                }
                terms = Vec::new();
            } else {
                break;
            }
        }
        self.leave();
        match pm {
            None => Ok(collapse_add(terms)),
            Some((a, b)) => {
                let b = if terms.is_empty() {
                    b
                } else {
                    let mut all = vec![b];
                    all.extend(terms);
                    collapse_add(all)
                };
                Ok(Node::PlusMinus(Box::new(a), Box::new(b)))
            }
        }
    }

    fn term(&mut self) -> Result<Node, GradingError> {
        let mut factors = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Token::Sym('*')) => {
                    self.pos += 1;
                    factors.push(self.unary()?);
                }
                Some(Token::Command(c)) if c == "cdot" || c == "times" || c == "ast" => {
                    self.pos += 1;
                    factors.push(self.unary()?);
                }
                Some(Token::Sym('/')) => {
                    self.pos += 1;
                    let den = self.unary()?;
                    let num = collapse_mul(std::mem::take(&mut factors));
                    factors.push(Node::Div(Box::new(num), Box::new(den)));
                }
                Some(Token::Command(c)) if c == "div" => {
                    self.pos += 1;
                    let den = self.unary()?;
                    let num = collapse_mul(std::mem::take(&mut factors));
                    factors.push(Node::Div(Box::new(num), Box::new(den)));
                }
                Some(t) if self.starts_implicit_factor(t) => {
                    let is_frac = matches!(t, Token::Command(c) if c.ends_with("frac"));
                    let next = self.power()?;
                    // A mixed number: `2\frac{1}{2}` is 2½, not 2 × ½.
                    if is_frac && factors.len() == 1 && is_integer(&factors[0]) && is_simple_fraction(&next) {
                        let whole = factors.pop().expect("one factor");
                        factors.push(Node::Add(vec![whole, next]));
                    } else {
                        factors.push(next);
                    }
                }
                _ => break,
            }
        }
        Ok(collapse_mul(factors))
    }

    /// Whether `t` can begin a factor multiplied without an operator (`2x`, `3\sqrt{2}`).
    fn starts_implicit_factor(&self, t: &Token) -> bool {
        match t {
            Token::Num(_) | Token::Based { .. } | Token::Ident(_) => true,
            Token::Sym('(') | Token::Sym('{') => true,
            // A `[` after a factor is an interval only after a comma; here it multiplies.
            Token::Sym('[') => false,
            Token::Text(_) => false,
            Token::Command(c) => {
                !matches!(
                    c.as_str(),
                    "cdot"
                        | "times"
                        | "div"
                        | "pm"
                        | "mp"
                        | "cup"
                        | "cap"
                        | "setminus"
                        | "in"
                        | "}"
                        | "end"
                        | "quad"
                        | "qquad"
                ) && rel_named(t).is_none()
            }
            _ => false,
        }
    }

    fn unary(&mut self) -> Result<Node, GradingError> {
        self.enter()?;
        let node = if self.at_sym('-') {
            self.pos += 1;
            Node::Neg(Box::new(self.unary()?))
        } else if self.at_sym('+') {
            self.pos += 1;
            self.unary()?
        } else if self.at_command("pm") {
            self.pos += 1;
            let rhs = self.unary()?;
            Node::PlusMinus(Box::new(Node::Num { value: 0.0, decimal: false }), Box::new(rhs))
        } else {
            self.power()?
        };
        self.leave();
        Ok(node)
    }

    fn power(&mut self) -> Result<Node, GradingError> {
        let base = self.postfix()?;
        if self.at_sym('^') {
            self.pos += 1;
            let exponent = self.exponent()?;
            return Ok(Node::Pow(Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    /// The exponent after `^`: a group, or one signed atom.
    fn exponent(&mut self) -> Result<Node, GradingError> {
        self.enter()?;
        let node = if self.at_sym('-') {
            self.pos += 1;
            Node::Neg(Box::new(self.exponent()?))
        } else {
            let atom = self.postfix()?;
            if self.at_sym('^') {
                self.pos += 1;
                let e = self.exponent()?;
                Node::Pow(Box::new(atom), Box::new(e))
            } else {
                atom
            }
        };
        self.leave();
        Ok(node)
    }

    fn postfix(&mut self) -> Result<Node, GradingError> {
        let mut node = self.primary()?;
        loop {
            match self.peek() {
                Some(Token::Sym('!')) => {
                    self.pos += 1;
                    node = Node::Factorial(Box::new(node));
                }
                Some(Token::Percent) => {
                    self.pos += 1;
                    node = Node::Percent(Box::new(node));
                }
                Some(Token::Sym('\'')) => self.pos += 1,
                Some(Token::Sym('_')) => {
                    // A subscript on a non-name (e.g. a number) is decoration: dropped.
                    self.pos += 1;
                    let sub = self.subscript_text()?;
                    if let Node::Sym(name) = node {
                        node = Node::Sym(format!("{name}_{sub}"));
                    }
                }
                _ => break,
            }
        }
        Ok(node)
    }

    /// The text of a subscript: `{..}` or one token.
    fn subscript_text(&mut self) -> Result<String, GradingError> {
        let mut out = String::new();
        if self.at_sym('{') {
            self.pos += 1;
            let mut depth = 1usize;
            while let Some(t) = self.bump() {
                match t {
                    Token::Sym('{') => depth += 1,
                    Token::Sym('}') => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(out);
                        }
                    }
                    _ => {}
                }
                out.push_str(&token_text(&t));
            }
            return Err(GradingError::MathSyntax("unclosed subscript".into()));
        }
        match self.bump() {
            Some(t) => out.push_str(&token_text(&t)),
            None => return Err(GradingError::MathSyntax("subscript missing".into())),
        }
        Ok(out)
    }

    /// A LaTeX argument: `{..}` or a single token (`\frac34` reads `3` then `4`).
    fn argument(&mut self) -> Result<Node, GradingError> {
        if self.at_sym('{') {
            self.pos += 1;
            let node = self.list(&[Token::Sym('}')])?;
            self.expect_sym('}')?;
            return Ok(node);
        }
        if let Some(Token::Num(text)) = self.peek().cloned() {
            let mut chars = text.chars();
            let first = chars.next().expect("numbers are non-empty");
            let rest: String = chars.collect();
            if !rest.is_empty() && first != '.' {
                self.tokens[self.pos] = Token::Num(rest);
                let value = f64::from(first.to_digit(10).expect("a digit"));
                return Ok(Node::Num { value, decimal: false });
            }
        }
        self.postfix()
    }

    fn primary(&mut self) -> Result<Node, GradingError> {
        self.enter()?;
        let node = self.primary_inner();
        self.leave();
        node
    }

    fn primary_inner(&mut self) -> Result<Node, GradingError> {
        let Some(token) = self.bump() else {
            return Err(GradingError::MathSyntax("the answer ends where a value was expected".into()));
        };
        match token {
            Token::Num(text) => {
                let value: f64 = text.parse().map_err(|_| GradingError::MathSyntax(format!("bad number {text:?}")))?;
                Ok(Node::Num { value, decimal: text.contains('.') })
            }
            Token::Based { digits, base } => {
                let value = u64::from_str_radix(&digits, base)
                    .map_err(|_| GradingError::MathSyntax(format!("{digits} is not a base-{base} number")))?;
                // Precision loss above 2^53 does not matter for a value compared with tolerance.
                #[allow(clippy::cast_precision_loss)]
                Ok(Node::Num { value: value as f64, decimal: false })
            }
            Token::Percent => Err(GradingError::MathSyntax("percent sign without a number".into())),
            Token::Text(text) => Ok(Node::Text(text.trim().to_string())),
            Token::RowSep => Err(GradingError::MathSyntax("row separator outside a matrix".into())),
            Token::Ident(name) => self.identifier(name),
            Token::Sym('(') => self.bracketed('('),
            Token::Sym('[') => self.bracketed('['),
            Token::Sym('{') => {
                let node = self.list(&[Token::Sym('}')])?;
                self.expect_sym('}')?;
                Ok(node)
            }
            Token::Sym('|') => {
                let inner = self.additive()?;
                self.expect_sym('|')?;
                Ok(Node::Func(Func::Abs, vec![inner]))
            }
            Token::Command(c) => self.command(&c),
            Token::Sym(c) => Err(GradingError::MathSyntax(format!("unexpected {c:?}"))),
        }
    }

    fn identifier(&mut self, name: String) -> Result<Node, GradingError> {
        if let Some(func) = func_named(&name) {
            return self.function(func);
        }
        match name.as_str() {
            "pi" => return Ok(Node::Const(Constant::Pi)),
            "inf" | "oo" => return Ok(Node::Const(Constant::Infinity)),
            "e" => return Ok(Node::Const(Constant::E)),
            _ => {}
        }
        if matches!(name.as_str(), "f" | "g" | "h") && self.at_sym('(') {
            self.pos += 1;
            let args = self.list(&[Token::Sym(')')])?;
            self.expect_sym(')')?;
            let args = match args {
                Node::List(xs) => xs,
                one => vec![one],
            };
            return Ok(Node::Apply(name, args));
        }
        Ok(Node::Sym(name))
    }

    /// A function name already read; then an optional power, then the argument.
    fn function(&mut self, func: Func) -> Result<Node, GradingError> {
        // `\log_2 x`, `\log_{10}(x)`.
        let mut base = None;
        if func == Func::Log && self.at_sym('_') {
            self.pos += 1;
            base = Some(self.argument()?);
        }
        // `\sin^2 x` is `(\sin x)^2`; `\sin^{-1}` is the inverse.
        let mut power = None;
        if self.at_sym('^') {
            self.pos += 1;
            power = Some(self.exponent()?);
        }
        let arg = if self.at_sym('(') {
            self.pos += 1;
            let inner = self.list(&[Token::Sym(')')])?;
            self.expect_sym(')')?;
            inner
        } else if self.at_sym('{') {
            self.argument()?
        } else {
            self.power()?
        };
        let mut args = vec![arg];
        if let Some(b) = base {
            args.push(b);
        }
        let inverse =
            matches!(&power, Some(Node::Neg(inner)) if matches!(**inner, Node::Num { value, .. } if value == 1.0));
        if inverse {
            let inv = match func {
                Func::Sin => Some(Func::Asin),
                Func::Cos => Some(Func::Acos),
                Func::Tan => Some(Func::Atan),
                _ => None,
            };
            if let Some(inv) = inv {
                return Ok(Node::Func(inv, args));
            }
        }
        let applied = Node::Func(func, args);
        Ok(match power {
            Some(p) => Node::Pow(Box::new(applied), Box::new(p)),
            None => applied,
        })
    }

    /// `(`/`[` already read: a group, a tuple or an interval, closed by `)` or `]`.
    fn bracketed(&mut self, open: char) -> Result<Node, GradingError> {
        let stops = [Token::Sym(')'), Token::Sym(']')];
        let inner = self.list(&stops)?;
        let close = match self.bump() {
            Some(Token::Sym(c @ (')' | ']'))) => c,
            _ => return Err(GradingError::MathSyntax(format!("unclosed {open:?}"))),
        };
        match inner {
            Node::List(items) => Ok(Node::Bracket { open, close, items }),
            one if open == '(' && close == ')' => Ok(one),
            // `\left[\begin{array}..\end{array}\right]` is the matrix itself.
            one @ Node::Matrix(_) => Ok(one),
            one => Ok(Node::Bracket { open, close, items: vec![one] }),
        }
    }

    fn command(&mut self, name: &str) -> Result<Node, GradingError> {
        if let Some(func) = func_named(name) {
            if func == Func::Sqrt {
                return self.sqrt();
            }
            return self.function(func);
        }
        match name {
            "frac" | "dfrac" | "tfrac" | "cfrac" => {
                let num = self.argument()?;
                let den = self.argument()?;
                Ok(Node::Div(Box::new(num), Box::new(den)))
            }
            "binom" | "dbinom" | "tbinom" => {
                let n = self.argument()?;
                let k = self.argument()?;
                Ok(Node::Apply("binom".into(), vec![n, k]))
            }
            "pi" => Ok(Node::Const(Constant::Pi)),
            "infty" | "infinity" => Ok(Node::Const(Constant::Infinity)),
            "emptyset" | "varnothing" => Ok(Node::Set(Vec::new())),
            "{" => {
                if self.at_command("}") {
                    self.pos += 1;
                    return Ok(Node::Set(Vec::new()));
                }
                let inner = self.list(&[Token::Command("}".into())])?;
                match self.bump() {
                    Some(Token::Command(c)) if c == "}" => {}
                    _ => return Err(GradingError::MathSyntax("unclosed \\{".into())),
                }
                Ok(Node::Set(match inner {
                    Node::List(xs) => xs,
                    one => vec![one],
                }))
            }
            "|" => {
                let inner = self.additive()?;
                match self.bump() {
                    Some(Token::Command(c)) if c == "|" => Ok(Node::Func(Func::Abs, vec![inner])),
                    _ => Err(GradingError::MathSyntax("unclosed \\|".into())),
                }
            }
            "boxed" | "fbox" | "overline" | "mathbb" | "bar" | "hat" | "vec" | "displaystyle" => {
                if self.at_sym('{') {
                    self.argument()
                } else {
                    self.postfix()
                }
            }
            "begin" => self.environment(),
            "lfloor" | "lceil" => {
                let inner = self.additive()?;
                match self.bump() {
                    Some(Token::Command(c)) if c == "rfloor" || c == "rceil" => {
                        Ok(Node::Apply(name.to_string(), vec![inner]))
                    }
                    _ => Err(GradingError::MathSyntax(format!("unclosed \\{name}"))),
                }
            }
            "langle" => {
                let inner = self.list(&[Token::Command("rangle".into())])?;
                match self.bump() {
                    Some(Token::Command(c)) if c == "rangle" => {}
                    _ => return Err(GradingError::MathSyntax("unclosed \\langle".into())),
                }
                Ok(match inner {
                    Node::List(items) => Node::Bracket { open: '(', close: ')', items },
                    one => one,
                })
            }
            "end" | "}" | "rangle" | "rfloor" | "rceil" => {
                Err(GradingError::MathSyntax(format!("unexpected \\{name}")))
            }
            // Greek letters and any other command name read as a variable.
            other => Ok(Node::Sym(other.to_string())),
        }
    }

    fn sqrt(&mut self) -> Result<Node, GradingError> {
        if self.at_sym('[') {
            self.pos += 1;
            let index = self.list(&[Token::Sym(']')])?;
            self.expect_sym(']')?;
            let radicand = self.argument()?;
            return Ok(Node::Func(Func::Root, vec![radicand, index]));
        }
        let radicand = if self.at_sym('(') {
            self.pos += 1;
            let inner = self.list(&[Token::Sym(')')])?;
            self.expect_sym(')')?;
            inner
        } else {
            self.argument()?
        };
        Ok(Node::Func(Func::Sqrt, vec![radicand]))
    }

    /// `\begin{name} .. \end{name}`: matrices and arrays; other environments are unwrapped.
    fn environment(&mut self) -> Result<Node, GradingError> {
        let name = self.environment_name()?;
        if name == "array" && self.at_sym('{') {
            // The column specification, such as `{cc}`.
            self.environment_name()?;
        }
        let is_matrix = name.ends_with("matrix") || name == "array";
        let mut rows: Vec<Vec<Node>> = Vec::new();
        let mut row: Vec<Node> = Vec::new();
        let stops = [Token::Sym('&'), Token::RowSep, Token::Command("end".into())];
        loop {
            match self.peek() {
                None => {
                    return Err(GradingError::MathSyntax(format!("unclosed environment {name}")));
                }
                Some(Token::Command(c)) if c == "end" => {
                    self.pos += 1;
                    let end = self.environment_name()?;
                    if end != name {
                        return Err(GradingError::MathSyntax(format!("environment {name} closed by {end}")));
                    }
                    break;
                }
                Some(Token::Sym('&')) => {
                    self.pos += 1;
                    if row.is_empty() {
                        return Err(GradingError::MathSyntax("empty matrix cell".into()));
                    }
                }
                Some(Token::RowSep) => {
                    self.pos += 1;
                    if !row.is_empty() {
                        rows.push(std::mem::take(&mut row));
                    }
                }
                Some(_) => row.push(self.list(&stops)?),
            }
        }
        if !row.is_empty() {
            rows.push(row);
        }
        if !is_matrix {
            // align, cases and friends: only a single cell is meaningful as an answer.
            return match (rows.len(), rows.first().map(Vec::len)) {
                (1, Some(1)) => Ok(rows.remove(0).remove(0)),
                _ => Err(GradingError::MathUnsupported(format!("environment {name}"))),
            };
        }
        let width = rows.first().map_or(0, Vec::len);
        if width == 0 || rows.iter().any(|r| r.len() != width) {
            return Err(GradingError::MathSyntax("matrix rows of different lengths".into()));
        }
        Ok(Node::Matrix(rows))
    }

    /// Reads `{letters}` after `\begin`/`\end` and returns the letters.
    fn environment_name(&mut self) -> Result<String, GradingError> {
        self.expect_sym('{')?;
        let mut name = String::new();
        loop {
            match self.bump() {
                Some(Token::Sym('}')) => return Ok(name),
                Some(Token::Sym('*')) => name.push('*'),
                Some(t @ (Token::Ident(_) | Token::Num(_))) => name.push_str(&token_text(&t)),
                Some(Token::Sym('|')) => name.push('|'),
                _ => return Err(GradingError::MathSyntax("bad environment name".into())),
            }
        }
    }
}

fn token_text(token: &Token) -> String {
    match token {
        Token::Num(n) => n.clone(),
        Token::Based { digits, base } => format!("{digits}_{base}"),
        Token::Ident(s) | Token::Command(s) | Token::Text(s) => s.clone(),
        Token::Sym(c) => c.to_string(),
        Token::RowSep => "\\\\".into(),
        Token::Percent => "%".into(),
    }
}

fn is_integer(node: &Node) -> bool {
    matches!(node, Node::Num { value, decimal: false } if value.fract() == 0.0)
}

fn is_simple_fraction(node: &Node) -> bool {
    matches!(node, Node::Div(a, b) if is_integer(a) && is_integer(b))
}

fn collapse_add(mut terms: Vec<Node>) -> Node {
    if terms.len() == 1 { terms.pop().expect("one term") } else { Node::Add(terms) }
}

fn collapse_mul(mut factors: Vec<Node>) -> Node {
    if factors.len() == 1 { factors.pop().expect("one factor") } else { Node::Mul(factors) }
}
