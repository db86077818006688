//! Numeric answers: a number with optional exponent and unit, checked with tolerance,
//! significant figures and unit conversion.

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
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .collect::<String>()
        .replace(['−', '–'], "-");
    if t.is_empty() {
        return Err(GradingError::EmptyAnswer);
    }
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    let mut sign = 1.0;
    if chars[0] == '-' || chars[0] == '+' {
        if chars[0] == '-' {
            sign = -1.0;
        }
        i = 1;
    }
    let mantissa_start = i;
    let mut digits = String::new();
    let mut seen_point = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == '.' && !seen_point {
            seen_point = true;
            digits.push('.');
        } else if c == ',' && !seen_point && thousands_group_follows(&chars, i) {
            // A thousands separator: skipped.
        } else {
            break;
        }
        i += 1;
    }
    if !digits.chars().any(|c| c.is_ascii_digit()) {
        return Err(GradingError::NotANumber(text.trim().to_string()));
    }
    let mut value: f64 = digits
        .parse()
        .map_err(|_| GradingError::NotANumber(text.trim().to_string()))?;
    let sig_figs = Some(sig_fig_range(&digits));
    let _ = mantissa_start;
    let rest: String = chars[i..].iter().collect();
    let mut rest = rest.trim_start().to_string();
    let mut exact_fraction = false;
    // A simple fraction `a/b` with integer parts.
    if let Some(after) = rest.strip_prefix('/') {
        let den_digits: String = after
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !den_digits.is_empty() && !digits.contains('.') {
            let den: f64 = den_digits
                .parse()
                .map_err(|_| GradingError::NotANumber(text.trim().to_string()))?;
            if den == 0.0 {
                return Err(GradingError::NotANumber(text.trim().to_string()));
            }
            value /= den;
            exact_fraction = true;
            let consumed = after.trim_start().len() - den_digits.len();
            rest = after.trim_start()[den_digits.len()..].to_string();
            let _ = consumed;
        }
    }
    let (exponent, after_exp) = read_exponent(&rest);
    if let Some(e) = exponent {
        // Parsing `6.02e23` as one literal avoids the rounding of 6.02 × 10^23.
        value = if exact_fraction {
            value * 10f64.powi(e)
        } else {
            format!("{digits}e{e}")
                .parse()
                .map_err(|_| GradingError::NotANumber(text.trim().to_string()))?
        };
        rest = after_exp;
    }
    let value = sign * value;
    if !value.is_finite() {
        return Err(GradingError::NotANumber(text.trim().to_string()));
    }
    Ok(Quantity {
        value,
        sig_figs: if exact_fraction { None } else { sig_figs },
        unit: rest.trim().to_string(),
    })
}

fn thousands_group_follows(chars: &[char], comma: usize) -> bool {
    let group: Vec<&char> = chars[comma + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    group.len() == 3
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

/// `e8`, `E-3`, `×10^8`, `x10^{-3}`, `*10^8`, `· 10²³`, `\times 10^{8}`.
fn read_exponent(rest: &str) -> (Option<i32>, String) {
    let r = rest.trim_start();
    if let Some(after) = r.strip_prefix(['e', 'E']) {
        let n: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
            .collect();
        if let Ok(e) = n.parse::<i32>() {
            return (Some(e), after[n.len()..].to_string());
        }
        return (None, rest.to_string());
    }
    for times in ["\\times", "×", "x", "X", "*", "·", "⋅"] {
        if let Some(after) = r.strip_prefix(times) {
            let after = after.trim_start();
            if let Some(after) = after.strip_prefix("10") {
                if let Some(after) = after.strip_prefix('^') {
                    let inner = after.trim_start_matches('{');
                    let n: String = inner
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
                        .collect();
                    if let Ok(e) = n.parse::<i32>() {
                        let tail = inner[n.len()..].trim_start_matches('}');
                        return (Some(e), tail.to_string());
                    }
                }
                let sup: String = after
                    .chars()
                    .take_while(|c| "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺".contains(*c))
                    .collect();
                if !sup.is_empty() {
                    let plain: String = sup
                        .chars()
                        .map(|c| match c {
                            '⁻' => '-',
                            '⁺' => '+',
                            _ => char::from_digit(
                                "⁰¹²³⁴⁵⁶⁷⁸⁹"
                                    .chars()
                                    .position(|s| s == c)
                                    .and_then(|p| u32::try_from(p).ok())
                                    .unwrap_or(0),
                                10,
                            )
                            .unwrap_or('0'),
                        })
                        .collect();
                    if let Ok(e) = plain.parse::<i32>() {
                        return (Some(e), after[sup.len()..].to_string());
                    }
                }
            }
        }
    }
    (None, rest.to_string())
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
            UnitRule::Expected { unit, .. } => {
                Some(
                    units::parse_unit(unit).map_err(|e| GradingError::InvalidKey {
                        item: item.into(),
                        problem: e.to_string(),
                    })?,
                )
            }
        };
        Ok(NumericChecker {
            key: key.clone(),
            key_unit,
        })
    }

    pub(crate) fn grade(&self, answer: &str, max_points: f64) -> Grade {
        let quantity = match parse_quantity(answer) {
            Ok(q) => q,
            Err(GradingError::EmptyAnswer) => {
                return Grade::scored(0.0, max_points, vec![Feedback::Blank], Confidence::CERTAIN);
            }
            Err(e) => {
                return Grade::scored(
                    0.0,
                    max_points,
                    vec![Feedback::Unreadable(e.to_string())],
                    Confidence::new(0.6),
                );
            }
        };
        let mut feedback = Vec::new();
        let mut credit = 1.0;
        let mut confidence = Confidence::CERTAIN;
        let mut value = quantity.value;
        if let (
            UnitRule::Expected {
                unit,
                missing_credit,
            },
            Some(key_unit),
        ) = (&self.key.unit, &self.key_unit)
        {
            if quantity.unit.is_empty() {
                feedback.push(Feedback::MissingUnit {
                    expected: unit.clone(),
                });
                credit *= missing_credit.clamp(0.0, 1.0);
            } else {
                match units::parse_unit(&quantity.unit) {
                    Ok(given) => match units::convert(value, &given, key_unit) {
                        Some(v) => {
                            if quantity.unit != *unit {
                                feedback.push(Feedback::ConvertedUnit {
                                    from: quantity.unit.clone(),
                                    to: unit.clone(),
                                });
                            }
                            value = v;
                        }
                        None => {
                            feedback.push(Feedback::WrongUnit {
                                given: quantity.unit.clone(),
                                expected: unit.clone(),
                            });
                            return Grade::scored(0.0, max_points, feedback, Confidence::CERTAIN);
                        }
                    },
                    Err(_) => {
                        // An unknown unit may still be right (a synonym not in the table):
                        // a teacher should look.
                        feedback.push(Feedback::WrongUnit {
                            given: quantity.unit.clone(),
                            expected: unit.clone(),
                        });
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
        feedback.push(Feedback::NumericDistance {
            answer: value,
            expected: self.key.value,
            tolerance,
            within,
        });
        if !within {
            return Grade::scored(0.0, max_points, feedback, confidence);
        }
        if let (Some(rule), Some((min, max))) = (&self.key.sig_figs, quantity.sig_figs)
            && !(min..=max).contains(&rule.required)
        {
            let given = if rule.required < min { min } else { max };
            feedback.push(Feedback::SignificantFigures {
                given,
                required: rule.required,
            });
            credit *= rule.credit_if_wrong.clamp(0.0, 1.0);
        }
        Grade::scored(credit, max_points, feedback, confidence)
    }
}

#[cfg(test)]
mod tests;
