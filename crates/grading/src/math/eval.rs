//! Numeric evaluation of math syntax trees, scalars and matrices.

use std::collections::BTreeSet;

use crate::math::parser::{Constant, Func, Node};

/// How `\%` is read: as a fraction of 100 or as decoration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PercentAs {
    Fraction,
    Plain,
}

/// A value: a real number or a matrix of real numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Scalar(f64),
    Matrix { rows: usize, cols: usize, cells: Vec<f64> },
}

/// Why a tree has no numeric value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EvalError {
    /// The tree is not an arithmetic expression (a list, a set, a relation, text, ...).
    NotArithmetic,
    /// Matrix shapes do not fit the operation.
    Shape,
}

/// Values of the variables at one probe point.
pub(crate) trait Env {
    fn get(&self, name: &str) -> f64;
}

/// Evaluates `node` at the point given by `env`. Domain errors give NaN, not an error.
pub(crate) fn eval(node: &Node, env: &dyn Env, percent: PercentAs) -> Result<Val, EvalError> {
    Ok(match node {
        Node::Num { value, .. } => Val::Scalar(*value),
        Node::Const(c) => Val::Scalar(match c {
            Constant::Pi => std::f64::consts::PI,
            Constant::E => std::f64::consts::E,
            Constant::Infinity => f64::INFINITY,
        }),
        Node::Sym(name) => Val::Scalar(env.get(name)),
        Node::Neg(x) => scale(eval(x, env, percent)?, -1.0),
        Node::Add(terms) => {
            let mut acc = eval(&terms[0], env, percent)?;
            for t in &terms[1..] {
                acc = add(acc, eval(t, env, percent)?)?;
            }
            acc
        }
        Node::Mul(factors) => {
            let mut acc = eval(&factors[0], env, percent)?;
            for f in &factors[1..] {
                acc = mul(acc, eval(f, env, percent)?)?;
            }
            acc
        }
        Node::Div(a, b) => {
            let den = scalar(eval(b, env, percent)?)?;
            scale(eval(a, env, percent)?, 1.0 / den)
        }
        Node::Pow(a, b) => {
            let base = scalar(eval(a, env, percent)?)?;
            let exp = scalar(eval(b, env, percent)?)?;
            Val::Scalar(real_pow(base, exp))
        }
        Node::Func(func, args) => {
            let x = scalar(eval(&args[0], env, percent)?)?;
            let second = match args.get(1) {
                Some(a) => Some(scalar(eval(a, env, percent)?)?),
                None => None,
            };
            Val::Scalar(apply(*func, x, second))
        }
        Node::Apply(name, args) => {
            let mut values = Vec::with_capacity(args.len());
            for a in args {
                values.push(scalar(eval(a, env, percent)?)?);
            }
            Val::Scalar(opaque_function(name, &values))
        }
        Node::Factorial(x) => Val::Scalar(factorial(scalar(eval(x, env, percent)?)?)),
        Node::Percent(x) => match percent {
            PercentAs::Fraction => scale(eval(x, env, percent)?, 0.01),
            PercentAs::Plain => eval(x, env, percent)?,
        },
        Node::Matrix(rows) => {
            let n_rows = rows.len();
            let n_cols = rows.first().map_or(0, Vec::len);
            let mut cells = Vec::with_capacity(n_rows * n_cols);
            for row in rows {
                for cell in row {
                    cells.push(scalar(eval(cell, env, percent)?)?);
                }
            }
            Val::Matrix { rows: n_rows, cols: n_cols, cells }
        }
        Node::PlusMinus(..)
        | Node::Bracket { .. }
        | Node::List(_)
        | Node::Set(_)
        | Node::Union(_)
        | Node::Intersection(_)
        | Node::Rel { .. }
        | Node::In(..)
        | Node::Text(_) => return Err(EvalError::NotArithmetic),
    })
}

fn scalar(v: Val) -> Result<f64, EvalError> {
    match v {
        Val::Scalar(x) => Ok(x),
        Val::Matrix { rows: 1, cols: 1, cells } => Ok(cells[0]),
        Val::Matrix { .. } => Err(EvalError::Shape),
    }
}

fn scale(v: Val, k: f64) -> Val {
    match v {
        Val::Scalar(x) => Val::Scalar(x * k),
        Val::Matrix { rows, cols, cells } => {
            Val::Matrix { rows, cols, cells: cells.into_iter().map(|c| c * k).collect() }
        }
    }
}

fn add(a: Val, b: Val) -> Result<Val, EvalError> {
    match (a, b) {
        (Val::Scalar(x), Val::Scalar(y)) => Ok(Val::Scalar(x + y)),
        (Val::Matrix { rows, cols, cells }, Val::Matrix { rows: r2, cols: c2, cells: d })
            if rows == r2 && cols == c2 =>
        {
            Ok(Val::Matrix { rows, cols, cells: cells.iter().zip(&d).map(|(x, y)| x + y).collect() })
        }
        _ => Err(EvalError::Shape),
    }
}

fn mul(a: Val, b: Val) -> Result<Val, EvalError> {
    match (a, b) {
        (Val::Scalar(x), Val::Scalar(y)) => Ok(Val::Scalar(x * y)),
        (Val::Scalar(k), m @ Val::Matrix { .. }) | (m @ Val::Matrix { .. }, Val::Scalar(k)) => Ok(scale(m, k)),
        (Val::Matrix { rows, cols, cells }, Val::Matrix { rows: r2, cols: c2, cells: d }) => {
            if cols != r2 {
                return Err(EvalError::Shape);
            }
            let mut out = vec![0.0; rows * c2];
            for i in 0..rows {
                for j in 0..c2 {
                    out[i * c2 + j] = (0..cols).map(|k| cells[i * cols + k] * d[k * c2 + j]).sum();
                }
            }
            Ok(Val::Matrix { rows, cols: c2, cells: out })
        }
    }
}

/// Real power: odd roots of negative numbers stay real (`(-8)^(1/3) = -2`).
fn real_pow(base: f64, exp: f64) -> f64 {
    if base < 0.0 && exp.fract() != 0.0 {
        let recip = 1.0 / exp;
        if (recip - recip.round()).abs() < 1e-9 && recip.round().rem_euclid(2.0) == 1.0 {
            return -(-base).powf(exp);
        }
    }
    base.powf(exp)
}

fn apply(func: Func, x: f64, second: Option<f64>) -> f64 {
    match func {
        Func::Sin => x.sin(),
        Func::Cos => x.cos(),
        Func::Tan => x.tan(),
        Func::Sec => 1.0 / x.cos(),
        Func::Csc => 1.0 / x.sin(),
        Func::Cot => 1.0 / x.tan(),
        Func::Asin => x.asin(),
        Func::Acos => x.acos(),
        Func::Atan => x.atan(),
        Func::Sinh => x.sinh(),
        Func::Cosh => x.cosh(),
        Func::Tanh => x.tanh(),
        Func::Ln => x.ln(),
        Func::Log => match second {
            Some(base) => x.ln() / base.ln(),
            None => x.log10(),
        },
        Func::Exp => x.exp(),
        Func::Sqrt => x.sqrt(),
        Func::Root => {
            let n = second.unwrap_or(2.0);
            real_pow(x, 1.0 / n)
        }
        Func::Abs => x.abs(),
    }
}

fn factorial(x: f64) -> f64 {
    if x < 0.0 || x.fract() != 0.0 || x > 170.0 {
        return f64::NAN;
    }
    let mut acc = 1.0;
    let mut k = 2.0;
    while k <= x {
        acc *= k;
        k += 1.0;
    }
    acc
}

/// A fixed pseudo-random function of a name and its arguments: two answers using `f(x)`
/// agree exactly when they apply `f` to equal arguments.
fn opaque_function(name: &str, args: &[f64]) -> f64 {
    if name == "binom" && args.len() == 2 {
        let (n, k) = (args[0], args[1]);
        return factorial(n) / (factorial(k) * factorial(n - k));
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    for a in args {
        // Rounding first makes the function continuous enough for tolerance comparisons.
        let q = (a * 1e6).round().to_bits();
        h = (h ^ q).wrapping_mul(0x0100_0000_01b3);
    }
    #[allow(clippy::cast_precision_loss)]
    let unit = (h >> 11) as f64 / (1u64 << 53) as f64;
    0.5 + 2.0 * unit
}

/// The free variables of a tree, by name.
pub(crate) fn free_symbols(node: &Node, out: &mut BTreeSet<String>) {
    match node {
        Node::Sym(s) => {
            out.insert(s.clone());
        }
        Node::Num { .. } | Node::Const(_) | Node::Text(_) => {}
        Node::Neg(x) | Node::Factorial(x) | Node::Percent(x) => free_symbols(x, out),
        Node::Div(a, b) | Node::Pow(a, b) | Node::PlusMinus(a, b) | Node::In(a, b) => {
            free_symbols(a, out);
            free_symbols(b, out);
        }
        Node::Add(xs)
        | Node::Mul(xs)
        | Node::Func(_, xs)
        | Node::Apply(_, xs)
        | Node::List(xs)
        | Node::Set(xs)
        | Node::Union(xs)
        | Node::Intersection(xs)
        | Node::Bracket { items: xs, .. } => {
            for x in xs {
                free_symbols(x, out);
            }
        }
        Node::Rel { parts, .. } => {
            for x in parts {
                free_symbols(x, out);
            }
        }
        Node::Matrix(rows) => {
            for row in rows {
                for x in row {
                    free_symbols(x, out);
                }
            }
        }
    }
}

/// Whether a decimal literal (an approximate number) appears in the tree.
pub(crate) fn has_decimal(node: &Node) -> bool {
    match node {
        Node::Num { decimal, .. } => *decimal,
        Node::Sym(_) | Node::Const(_) | Node::Text(_) => false,
        Node::Neg(x) | Node::Factorial(x) | Node::Percent(x) => has_decimal(x),
        Node::Div(a, b) | Node::Pow(a, b) | Node::PlusMinus(a, b) | Node::In(a, b) => has_decimal(a) || has_decimal(b),
        Node::Add(xs)
        | Node::Mul(xs)
        | Node::Func(_, xs)
        | Node::Apply(_, xs)
        | Node::List(xs)
        | Node::Set(xs)
        | Node::Union(xs)
        | Node::Intersection(xs)
        | Node::Bracket { items: xs, .. } => xs.iter().any(has_decimal),
        Node::Rel { parts, .. } => parts.iter().any(has_decimal),
        Node::Matrix(rows) => rows.iter().flatten().any(has_decimal),
    }
}
