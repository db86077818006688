//! Numeric answers: a number with optional exponent and unit, checked with tolerance,
//! significant figures and unit conversion.

use std::borrow::Cow;

use crate::error::GradingError;
use crate::grade::{Confidence, Feedback, Grade};
use crate::units::{self, Unit};

/// How close a numeric answer must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Equal up to floating-point rounding.
    Exact,
    /// Within this distance, in the key's unit.
    Absolute(f64),
    /// Within this fraction of the key's value (0.01 = 1 %).
    Relative(f64),
}

/// A significant-figures rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SigFigRule {
    pub required: u32,
    /// Credit kept (0..=1) when the value is right but the figures are not.
    pub credit_if_wrong: f64,
}

/// What happens with units.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitRule {
    /// No unit expected; an answer with a unit is read as a unit conversion only if the key
    /// has one, otherwise the unit is ignored.
    None,
    /// The key is in this unit; answers in compatible units are converted.
    /// `missing_credit` is the credit kept when the answer has no unit at all.
    Expected { unit: String, missing_credit: f64 },
}

/// The answer key of a numeric item.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericKey {
    pub value: f64,
    pub tolerance: Tolerance,
    pub unit: UnitRule,
    pub sig_figs: Option<SigFigRule>,
}

/// A number read from an answer: value, significant-figure range and unit text.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    /// Fewest and most significant figures the written number can have (`1200` is 2 to 4).
    pub sig_figs: Option<(u32, u32)>,
    pub unit: String,
}

/// Reads `-1,234.50`, `3.0e8`, `3.0×10^8`, `6.02 × 10²³`, `1/3`, `50 km/h`, `２５米`.
pub fn parse_quantity(text: &str) -> Result<Quantity, GradingError> {
    let trimmed = text.trim();
    let not_a_number = || GradingError::NotANumber(trimmed.to_string());
    // Full-width digits and signs, and Unicode minus signs, only when present.
    let t: Cow<'_, str> = if trimmed.is_ascii() {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(
            trimmed
                .chars()
                .map(|c| match c as u32 {
                    0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    0x3000 => ' ',
                    0x2212 | 0x2013 => '-',
                    _ => c,
                })
                .collect(),
        )
    };
    let t = t.as_ref();
    if t.is_empty() {
        return Err(GradingError::EmptyAnswer);
    }
    let bytes = t.as_bytes();
    let mut i = 0;
    let mut sign = 1.0;
    if bytes[0] == b'-' || bytes[0] == b'+' {
        if bytes[0] == b'-' {
            sign = -1.0;
        }
        i = 1;
    }
    let start = i;
    let mut seen_point = false;
    let mut has_separator = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit() {
        } else if c == b'.' && !seen_point {
            seen_point = true;
        } else if c == b',' && !seen_point && thousands_group_follows(&bytes[i + 1..]) {
            has_separator = true;
        } else {
            break;
        }
        i += 1;
    }
    let mantissa = &t[start..i];
    if !mantissa.bytes().any(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    let digits: Cow<'_, str> =
        if has_separator { Cow::Owned(mantissa.replace(',', "")) } else { Cow::Borrowed(mantissa) };
    let mut value: f64 = digits.parse().map_err(|_| not_a_number())?;
    let sig_figs = Some(sig_fig_range(&digits));
    let mut rest = t[i..].trim_start();
    let mut exact_fraction = false;
    // A simple fraction `a/b` with integer parts.
    if let Some(after) = rest.strip_prefix('/') {
        let after = after.trim_start();
        let den_len = after.bytes().take_while(u8::is_ascii_digit).count();
        if den_len > 0 && !seen_point {
            let den: f64 = after[..den_len].parse().map_err(|_| not_a_number())?;
            if den == 0.0 {
                return Err(not_a_number());
            }
            value /= den;
            exact_fraction = true;
            rest = &after[den_len..];
        }
    }
    let (exponent, after_exp) = read_exponent(rest);
    if let Some(e) = exponent {
        // Parsing `6.02e23` as one literal avoids the rounding of 6.02 × 10^23.
        value = if exact_fraction {
            value * 10f64.powi(e)
        } else {
            format!("{digits}e{e}").parse().map_err(|_| not_a_number())?
        };
        rest = after_exp;
    }
    let value = sign * value;
    if !value.is_finite() {
        return Err(not_a_number());
    }
    Ok(Quantity { value, sig_figs: if exact_fraction { None } else { sig_figs }, unit: rest.trim().to_string() })
}

fn thousands_group_follows(after_comma: &[u8]) -> bool {
    after_comma.iter().take_while(|b| b.is_ascii_digit()).count() == 3
}

/// Significant figures of a written mantissa such as `0.00120` (3) or `1200` (2 to 4).
fn sig_fig_range(digits: &str) -> (u32, u32) {
    let has_point = digits.contains('.');
    let all: Vec<char> = digits.chars().filter(char::is_ascii_digit).collect();
    let Some(first) = all.iter().position(|&c| c != '0') else {
        // Zero: "0" has one figure, "0.00" has as many as its decimals, at least one.
        let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
        let n = u32::try_from(decimals.max(1)).unwrap_or(u32::MAX);
        return (n, n);
    };
    let significant = &all[first..];
    let n = u32::try_from(significant.len()).unwrap_or(u32::MAX);
    if has_point {
        return (n, n);
    }
    let trailing_zeros = significant.iter().rev().take_while(|&&c| c == '0').count();
    let min = u32::try_from(significant.len() - trailing_zeros).unwrap_or(u32::MAX);
    (min.max(1), n)
}

/// `e8`, `E-3`, `×10^8`, `x10^{-3}`, `*10^8`, `· 10²³`, `\times 10^{8}`: the exponent and the
/// text after it, or `None` and the text unchanged.
fn read_exponent(rest: &str) -> (Option<i32>, &str) {
    let signed_len = |s: &str| {
        s.bytes().enumerate().take_while(|(k, b)| b.is_ascii_digit() || (*k == 0 && (*b == b'-' || *b == b'+'))).count()
    };
    let r = rest.trim_start();
    if let Some(after) = r.strip_prefix(['e', 'E']) {
        let n = signed_len(after);
        if let Ok(e) = after[..n].parse::<i32>() {
            return (Some(e), &after[n..]);
        }
        return (None, rest);
    }
    for times in ["\\times", "×", "x", "X", "*", "·", "⋅"] {
        let Some(after) = r.strip_prefix(times) else {
            continue;
        };
        let Some(after) = after.trim_start().strip_prefix("10") else {
            continue;
        };
        if let Some(after) = after.strip_prefix('^') {
            let braced = after.starts_with('{');
            let inner = after.trim_start_matches('{');
            let n = signed_len(inner);
            if let Ok(e) = inner[..n].parse::<i32>() {
                let tail = &inner[n..];
                let tail = if braced { tail.strip_prefix('}').unwrap_or(tail) } else { tail };
                return (Some(e), tail);
            }
        }
        const SUPERSCRIPTS: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        let mut e: i32 = 0;
        let mut negative = false;
        let mut used = 0;
        for c in after.chars() {
            if c == '⁻' && used == 0 {
                negative = true;
            } else if let Some(d) = SUPERSCRIPTS.chars().position(|s| s == c) {
                e = e.saturating_mul(10).saturating_add(i32::try_from(d).unwrap_or(0));
            } else {
                break;
            }
            used += c.len_utf8();
        }
        if used > 0 && (used > '⁻'.len_utf8() || !negative) {
            return (Some(if negative { -e } else { e }), &after[used..]);
        }
    }
    (None, rest)
}

/// A numeric key with its unit parsed once.
#[derive(Debug, Clone)]
pub(crate) struct NumericChecker {
    key: NumericKey,
    key_unit: Option<Unit>,
}

impl NumericChecker {
    pub(crate) fn new(item: &str, key: &NumericKey) -> Result<NumericChecker, GradingError> {
        if !key.value.is_finite() {
            return Err(GradingError::InvalidKey {
                item: item.into(),
                problem: "the key value is not a finite number".into(),
            });
        }
        let bad_tol = match key.tolerance {
            Tolerance::Exact => false,
            Tolerance::Absolute(t) | Tolerance::Relative(t) => !(t.is_finite() && t >= 0.0),
        };
        if bad_tol {
            return Err(GradingError::InvalidKey {
                item: item.into(),
                problem: "the tolerance must be a finite number ≥ 0".into(),
            });
        }
        let key_unit = match &key.unit {
            UnitRule::None => None,
            UnitRule::Expected { unit, .. } => Some(
                units::parse_unit(unit)
                    .map_err(|e| GradingError::InvalidKey { item: item.into(), problem: e.to_string() })?,
            ),
        };
        Ok(NumericChecker { key: key.clone(), key_unit })
    }

    pub(crate) fn grade(&self, answer: &str, max_points: f64) -> Grade {
        let quantity = match parse_quantity(answer) {
            Ok(q) => q,
            Err(GradingError::EmptyAnswer) => {
                return Grade::scored(0.0, max_points, vec![Feedback::Blank], Confidence::CERTAIN);
            }
            Err(e) => {
                return Grade::scored(0.0, max_points, vec![Feedback::Unreadable(e.to_string())], Confidence::new(0.6));
            }
        };
        let mut feedback = Vec::new();
        let mut credit = 1.0;
        let mut confidence = Confidence::CERTAIN;
        let mut value = quantity.value;
        if let (UnitRule::Expected { unit, missing_credit }, Some(key_unit)) = (&self.key.unit, &self.key_unit) {
            if quantity.unit.is_empty() {
                feedback.push(Feedback::MissingUnit { expected: unit.clone() });
                credit *= missing_credit.clamp(0.0, 1.0);
            } else {
                // The key's own unit, written as in the key, needs no parsing.
                let given = if quantity.unit == *unit { Ok(*key_unit) } else { units::parse_unit(&quantity.unit) };
                match given {
                    Ok(given) => match units::convert(value, &given, key_unit) {
                        Some(v) => {
                            if quantity.unit != *unit {
                                feedback
                                    .push(Feedback::ConvertedUnit { from: quantity.unit.clone(), to: unit.clone() });
                            }
                            value = v;
                        }
                        None => {
                            feedback.push(Feedback::WrongUnit { given: quantity.unit.clone(), expected: unit.clone() });
                            return Grade::scored(0.0, max_points, feedback, Confidence::CERTAIN);
                        }
                    },
                    Err(_) => {
                        // An unknown unit may still be right (a synonym not in the table):
                        // a teacher should look.
                        feedback.push(Feedback::WrongUnit { given: quantity.unit.clone(), expected: unit.clone() });
                        confidence = Confidence::new(0.5);
                        credit *= missing_credit.clamp(0.0, 1.0);
                    }
                }
            }
        }
        let tolerance = match self.key.tolerance {
            Tolerance::Exact => 1e-9 * self.key.value.abs().max(1e-300),
            Tolerance::Absolute(t) => t,
            Tolerance::Relative(r) => r * self.key.value.abs(),
        };
        let distance = (value - self.key.value).abs();
        // A hair of slack so that 0.1 + 0.2 style rounding never decides a grade.
        let within = distance <= tolerance + 1e-12 * self.key.value.abs().max(1.0);
        feedback.push(Feedback::NumericDistance { answer: value, expected: self.key.value, tolerance, within });
        if !within {
            return Grade::scored(0.0, max_points, feedback, confidence);
        }
        if let (Some(rule), Some((min, max))) = (&self.key.sig_figs, quantity.sig_figs)
            && !(min..=max).contains(&rule.required)
        {
            let given = if rule.required < min { min } else { max };
            feedback.push(Feedback::SignificantFigures { given, required: rule.required });
            credit *= rule.credit_if_wrong.clamp(0.0, 1.0);
        }
        Grade::scored(credit, max_points, feedback, confidence)
    }
}

#[cfg(test)]
mod tests;
