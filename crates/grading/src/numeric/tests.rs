//! Tests of `numeric`.
#![allow(clippy::unwrap_used)]

use expect_test::{Expect, expect};

use crate::numeric::parse_quantity;

fn check(inputs: &str, expect: Expect) {
    let mut out = String::new();
    for line in inputs.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match parse_quantity(line) {
            Ok(q) => {
                out.push_str(&format!("{line:<16} value={} figures={:?} unit={:?}\n", q.value, q.sig_figs, q.unit))
            }
            Err(e) => out.push_str(&format!("{line:<16} error: {e}\n")),
        }
    }
    expect.assert_eq(&out);
}

#[test]
fn numbers_are_read_with_exponents_separators_and_units() {
    check(
        "
        42
        -1,234.50
        3.0e8 m/s
        6.02×10^23
        6.02 × 10²³ mol
        1.6x10^{-19} C
        0.00120 kg
        1200
        3/4
        ２５米
        .5
        ",
        expect![[r#"
            42               value=42 figures=Some((2, 2)) unit=""
            -1,234.50        value=-1234.5 figures=Some((6, 6)) unit=""
            3.0e8 m/s        value=300000000 figures=Some((2, 2)) unit="m/s"
            6.02×10^23       value=602000000000000000000000 figures=Some((3, 3)) unit=""
            6.02 × 10²³ mol  value=602000000000000000000000 figures=Some((3, 3)) unit="mol"
            1.6x10^{-19} C   value=0.00000000000000000016 figures=Some((2, 2)) unit="C"
            0.00120 kg       value=0.0012 figures=Some((3, 3)) unit="kg"
            1200             value=1200 figures=Some((2, 4)) unit=""
            3/4              value=0.75 figures=None unit=""
            ２５米              value=25 figures=Some((2, 2)) unit="米"
            .5               value=0.5 figures=Some((1, 1)) unit=""
        "#]],
    );
}

#[test]
fn text_that_is_not_a_number_is_an_error() {
    check(
        "
        about five
        1/0
        m/s
        ",
        expect![[r#"
            about five       error: cannot read "about five" as a number
            1/0              error: cannot read "1/0" as a number
            m/s              error: cannot read "m/s" as a number
        "#]],
    );
}
