//! School units: parsing (`km/h`, `m·s^-2`, `千克`, `米每秒`, `平方厘米`) and conversion.
//!
//! A small table rather than a general units library: school answers use a few dozen units,
//! in English symbols and Chinese names, and need exactly two operations (parse and convert).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::error::GradingError;

/// Exponents of the SI base dimensions: length, mass, time, current, temperature, amount,
/// luminous intensity.
pub type Dimension = [i8; 7];

const NONE: Dimension = [0; 7];
const LENGTH: Dimension = [1, 0, 0, 0, 0, 0, 0];
const MASS: Dimension = [0, 1, 0, 0, 0, 0, 0];
const TIME: Dimension = [0, 0, 1, 0, 0, 0, 0];
const CURRENT: Dimension = [0, 0, 0, 1, 0, 0, 0];
const TEMPERATURE: Dimension = [0, 0, 0, 0, 1, 0, 0];
const AMOUNT: Dimension = [0, 0, 0, 0, 0, 1, 0];
const LUMINOUS: Dimension = [0, 0, 0, 0, 0, 0, 1];
const AREA: Dimension = [2, 0, 0, 0, 0, 0, 0];
const VOLUME: Dimension = [3, 0, 0, 0, 0, 0, 0];
const FORCE: Dimension = [1, 1, -2, 0, 0, 0, 0];
const ENERGY: Dimension = [2, 1, -2, 0, 0, 0, 0];
const POWER: Dimension = [2, 1, -3, 0, 0, 0, 0];
const PRESSURE: Dimension = [-1, 1, -2, 0, 0, 0, 0];
const CHARGE: Dimension = [0, 0, 1, 1, 0, 0, 0];
const VOLTAGE: Dimension = [2, 1, -3, -1, 0, 0, 0];
const RESISTANCE: Dimension = [2, 1, -3, -2, 0, 0, 0];
const FREQUENCY: Dimension = [0, 0, -1, 0, 0, 0, 0];
const SPEED: Dimension = [1, 0, -1, 0, 0, 0, 0];

/// A unit: its scale to SI and its dimension. `offset` is non-zero only for °C.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub factor: f64,
    pub offset: f64,
    pub dimension: Dimension,
}

impl Unit {
    const fn new(factor: f64, dimension: Dimension) -> Unit {
        Unit { factor, offset: 0.0, dimension }
    }

    /// The dimensionless unit of a bare number.
    pub const ONE: Unit = Unit::new(1.0, NONE);
}

/// Whole-word units (English symbols and names, Chinese names). Checked before SI prefixes.
const NAMED: &[(&str, f64, Dimension)] = &[
    // Length.
    ("m", 1.0, LENGTH),
    ("米", 1.0, LENGTH),
    ("公尺", 1.0, LENGTH),
    ("km", 1e3, LENGTH),
    ("千米", 1e3, LENGTH),
    ("公里", 1e3, LENGTH),
    ("dm", 0.1, LENGTH),
    ("分米", 0.1, LENGTH),
    ("cm", 0.01, LENGTH),
    ("厘米", 0.01, LENGTH),
    ("公分", 0.01, LENGTH),
    ("mm", 1e-3, LENGTH),
    ("毫米", 1e-3, LENGTH),
    ("μm", 1e-6, LENGTH),
    ("um", 1e-6, LENGTH),
    ("微米", 1e-6, LENGTH),
    ("nm", 1e-9, LENGTH),
    ("纳米", 1e-9, LENGTH),
    ("里", 500.0, LENGTH),
    ("in", 0.0254, LENGTH),
    ("ft", 0.3048, LENGTH),
    ("mi", 1609.344, LENGTH),
    ("mile", 1609.344, LENGTH),
    ("miles", 1609.344, LENGTH),
    // Mass.
    ("kg", 1.0, MASS),
    ("千克", 1.0, MASS),
    ("公斤", 1.0, MASS),
    ("g", 1e-3, MASS),
    ("克", 1e-3, MASS),
    ("mg", 1e-6, MASS),
    ("毫克", 1e-6, MASS),
    ("t", 1e3, MASS),
    ("吨", 1e3, MASS),
    ("斤", 0.5, MASS),
    ("两", 0.05, MASS),
    // Time.
    ("s", 1.0, TIME),
    ("sec", 1.0, TIME),
    ("秒", 1.0, TIME),
    ("ms", 1e-3, TIME),
    ("毫秒", 1e-3, TIME),
    ("min", 60.0, TIME),
    ("分", 60.0, TIME),
    ("分钟", 60.0, TIME),
    ("h", 3600.0, TIME),
    ("hr", 3600.0, TIME),
    ("时", 3600.0, TIME),
    ("小时", 3600.0, TIME),
    ("d", 86400.0, TIME),
    ("day", 86400.0, TIME),
    ("天", 86400.0, TIME),
    ("日", 86400.0, TIME),
    // Area and volume with their own names.
    ("ha", 1e4, AREA),
    ("公顷", 1e4, AREA),
    ("亩", 10000.0 / 15.0, AREA),
    ("L", 1e-3, VOLUME),
    ("l", 1e-3, VOLUME),
    ("升", 1e-3, VOLUME),
    ("mL", 1e-6, VOLUME),
    ("ml", 1e-6, VOLUME),
    ("毫升", 1e-6, VOLUME),
    ("cc", 1e-6, VOLUME),
    // Mechanics and electricity.
    ("N", 1.0, FORCE),
    ("牛", 1.0, FORCE),
    ("牛顿", 1.0, FORCE),
    ("kN", 1e3, FORCE),
    ("千牛", 1e3, FORCE),
    ("J", 1.0, ENERGY),
    ("焦", 1.0, ENERGY),
    ("焦耳", 1.0, ENERGY),
    ("kJ", 1e3, ENERGY),
    ("千焦", 1e3, ENERGY),
    ("cal", 4.184, ENERGY),
    ("kcal", 4184.0, ENERGY),
    ("kWh", 3.6e6, ENERGY),
    ("度", 3.6e6, ENERGY),
    ("千瓦时", 3.6e6, ENERGY),
    ("W", 1.0, POWER),
    ("瓦", 1.0, POWER),
    ("瓦特", 1.0, POWER),
    ("kW", 1e3, POWER),
    ("千瓦", 1e3, POWER),
    ("Pa", 1.0, PRESSURE),
    ("帕", 1.0, PRESSURE),
    ("帕斯卡", 1.0, PRESSURE),
    ("kPa", 1e3, PRESSURE),
    ("千帕", 1e3, PRESSURE),
    ("MPa", 1e6, PRESSURE),
    ("兆帕", 1e6, PRESSURE),
    ("atm", 101_325.0, PRESSURE),
    ("A", 1.0, CURRENT),
    ("安", 1.0, CURRENT),
    ("安培", 1.0, CURRENT),
    ("mA", 1e-3, CURRENT),
    ("毫安", 1e-3, CURRENT),
    ("C", 1.0, CHARGE),
    ("库", 1.0, CHARGE),
    ("库仑", 1.0, CHARGE),
    ("V", 1.0, VOLTAGE),
    ("伏", 1.0, VOLTAGE),
    ("伏特", 1.0, VOLTAGE),
    ("mV", 1e-3, VOLTAGE),
    ("kV", 1e3, VOLTAGE),
    ("千伏", 1e3, VOLTAGE),
    ("Ω", 1.0, RESISTANCE),
    ("ohm", 1.0, RESISTANCE),
    ("欧", 1.0, RESISTANCE),
    ("欧姆", 1.0, RESISTANCE),
    ("kΩ", 1e3, RESISTANCE),
    ("千欧", 1e3, RESISTANCE),
    ("Hz", 1.0, FREQUENCY),
    ("赫", 1.0, FREQUENCY),
    ("赫兹", 1.0, FREQUENCY),
    ("kHz", 1e3, FREQUENCY),
    ("MHz", 1e6, FREQUENCY),
    ("K", 1.0, TEMPERATURE),
    ("开", 1.0, TEMPERATURE),
    ("开尔文", 1.0, TEMPERATURE),
    ("mol", 1.0, AMOUNT),
    ("摩", 1.0, AMOUNT),
    ("摩尔", 1.0, AMOUNT),
    ("cd", 1.0, LUMINOUS),
    ("km/h", 1000.0 / 3600.0, SPEED),
    ("kph", 1000.0 / 3600.0, SPEED),
    ("mph", 1609.344 / 3600.0, SPEED),
    ("节", 1852.0 / 3600.0, SPEED),
];

/// Celsius: an offset scale, only convertible on its own (not inside `J/°C`).
const CELSIUS: &[&str] = &["°C", "℃", "摄氏度", "degC", "oC"];

/// Parses a unit expression. An empty string is the dimensionless unit.
pub fn parse_unit(text: &str) -> Result<Unit, GradingError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Unit::ONE);
    }
    if CELSIUS.contains(&t) {
        return Ok(Unit { factor: 1.0, offset: 273.15, dimension: TEMPERATURE });
    }
    if let Some(u) = named(t) {
        return Ok(u);
    }
    compound(t).ok_or_else(|| GradingError::UnknownUnit(t.to_string()))
}

fn named(t: &str) -> Option<Unit> {
    static BY_NAME: OnceLock<HashMap<&'static str, Unit>> = OnceLock::new();
    BY_NAME.get_or_init(|| NAMED.iter().map(|&(n, f, d)| (n, Unit::new(f, d))).collect()).get(t).copied()
}

/// `kg·m/s^2`, `m s^-1`, `米/秒²`, `千米每小时`, `平方米`, `g/cm³`.
fn compound(t: &str) -> Option<Unit> {
    let t = t.replace("每", "/").replace(['·', '⋅', '*', '×'], " ");
    let mut total = Unit::ONE;
    for (k, part) in t.split('/').enumerate() {
        let part = part.trim();
        if part.is_empty() {
            return None;
        }
        let sign: i32 = if k == 0 { 1 } else { -1 };
        for factor in part.split_whitespace() {
            let (u, power) = power_of(factor)?;
            total = multiply(total, u, sign * power)?;
        }
    }
    Some(total)
}

/// One factor with its power: `s^2`, `s^-1`, `m²`, `m³`, `平方米`, `立方厘米`.
fn power_of(factor: &str) -> Option<(Unit, i32)> {
    if let Some(rest) = factor.strip_prefix("平方") {
        return Some((named(rest)?, 2));
    }
    if let Some(rest) = factor.strip_prefix("立方") {
        return Some((named(rest)?, 3));
    }
    for (sup, p) in [("²", 2), ("³", 3), ("⁻¹", -1), ("⁻²", -2), ("⁻³", -3)] {
        if let Some(base) = factor.strip_suffix(sup) {
            return Some((named(base)?, p));
        }
    }
    if let Some((base, exp)) = factor.split_once('^') {
        let exp = exp.trim_matches(['{', '}', '(', ')']);
        return Some((named(base)?, exp.parse().ok()?));
    }
    // `m2`, `cm3`, `s-1`: a trailing integer is a power.
    let split = factor.find(|c: char| c.is_ascii_digit() || c == '-');
    if let Some(p) = split.filter(|&p| p > 0)
        && let (Some(u), Ok(exp)) = (named(&factor[..p]), factor[p..].parse::<i32>())
    {
        return Some((u, exp));
    }
    Some((named(factor)?, 1))
}

fn multiply(a: Unit, b: Unit, power: i32) -> Option<Unit> {
    if b.offset != 0.0 || a.offset != 0.0 {
        return None;
    }
    let mut dimension = a.dimension;
    for (d, e) in dimension.iter_mut().zip(b.dimension) {
        let v = i32::from(*d) + i32::from(e) * power;
        *d = i8::try_from(v).ok()?;
    }
    Some(Unit { factor: a.factor * b.factor.powi(power), offset: 0.0, dimension })
}

/// Converts `value` in unit `from` to unit `to`; `None` when they measure different things.
pub fn convert(value: f64, from: &Unit, to: &Unit) -> Option<f64> {
    if from.dimension != to.dimension {
        return None;
    }
    let si = value * from.factor + from.offset;
    Some((si - to.offset) / to.factor)
}

#[cfg(test)]
mod tests;
