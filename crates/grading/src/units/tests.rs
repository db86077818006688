//! Tests of `units`.
#![allow(clippy::unwrap_used)]

use crate::error::GradingError;
use crate::units::{convert, parse_unit};

fn conv(value: f64, from: &str, to: &str) -> Option<f64> {
    convert(value, &parse_unit(from).unwrap(), &parse_unit(to).unwrap())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= 1e-9 * b.abs().max(1.0))
}

#[test]
fn english_symbols_and_chinese_names_convert_alike() {
    assert!(close(conv(72.0, "km/h", "m/s"), 20.0));
    assert!(close(conv(72.0, "千米每小时", "米/秒"), 20.0));
    assert!(close(conv(72.0, "千米/时", "m/s"), 20.0));
    assert!(close(conv(1.5, "千克", "g"), 1500.0));
    assert!(close(conv(2.0, "升", "mL"), 2000.0));
    assert!(close(conv(3.0, "分钟", "秒"), 180.0));
    assert!(close(conv(1.0, "平方米", "cm^2"), 10_000.0));
    assert!(close(conv(1.0, "m³", "L"), 1000.0));
    assert!(close(conv(9.8, "kg·m/s^2", "N"), 9.8));
    assert!(close(conv(1.0, "g/cm^3", "kg/m3"), 1000.0));
    assert!(close(conv(1.0, "kW·h", "J"), 3.6e6));
}

#[test]
fn celsius_converts_with_its_offset() {
    assert!(close(conv(25.0, "°C", "K"), 298.15));
    assert!(close(conv(300.0, "K", "℃"), 26.85));
}

#[test]
fn units_of_different_quantities_do_not_convert() {
    assert_eq!(conv(1.0, "kg", "m"), None);
    assert_eq!(conv(1.0, "m/s", "m/s^2"), None);
}

#[test]
fn unknown_units_are_named_in_the_error() {
    assert_eq!(parse_unit("furlongs"), Err(GradingError::UnknownUnit("furlongs".into())));
    assert_eq!(parse_unit("m/"), Err(GradingError::UnknownUnit("m/".into())));
}
