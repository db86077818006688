//! Tests of `math`.
#![allow(clippy::unwrap_used)]

use expect_test::{Expect, expect};
use proptest::prelude::*;

use crate::error::GradingError;
use crate::math::{ListOrder, MathAnswer, MathSettings, MathVerdict, PercentConvention, equivalent};

/// One line per pair: `reference | answer`. Prints the verdict of each.
fn check_with(settings: &MathSettings, pairs: &str, expect: Expect) {
    let mut out = String::new();
    for line in pairs.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (reference, answer) = line.split_once(" | ").expect("reference | answer");
        let verdict = match equivalent(reference, answer, settings) {
            MathVerdict::Equivalent(how) => format!("equivalent ({how:?})"),
            MathVerdict::NotEquivalent => "not equivalent".to_string(),
            MathVerdict::Unreadable(e) => format!("unreadable: {e}"),
            MathVerdict::ReferenceUnreadable(e) => format!("reference unreadable: {e}"),
        };
        out.push_str(&format!("{line}  =>  {verdict}\n"));
    }
    expect.assert_eq(&out);
}

fn check(pairs: &str, expect: Expect) {
    check_with(&MathSettings::school(), pairs, expect);
}

#[test]
fn numbers_compare_by_value_in_any_notation() {
    check(
        r"
        0.5 | 1/2
        0.5 | \frac{1}{2}
        \dfrac{3}{4} | 0.75
        \frac34 | 0.75
        12345 | 12,345
        2500 | 2 500
        3.14 | \pi
        -7 | −7
        1/3 | 0.333333
        1/3 | 0.33
        2\frac{1}{2} | 2.5
        1000 | 1\,000
        4 | \textbf{4}
        ",
        expect![[r#"
            0.5 | 1/2  =>  equivalent (Numeric)
            0.5 | \frac{1}{2}  =>  equivalent (Numeric)
            \dfrac{3}{4} | 0.75  =>  equivalent (Numeric)
            \frac34 | 0.75  =>  equivalent (Numeric)
            12345 | 12,345  =>  equivalent (Identical)
            2500 | 2 500  =>  equivalent (Identical)
            3.14 | \pi  =>  not equivalent
            -7 | −7  =>  equivalent (Identical)
            1/3 | 0.333333  =>  equivalent (Numeric)
            1/3 | 0.33  =>  not equivalent
            2\frac{1}{2} | 2.5  =>  equivalent (Numeric)
            1000 | 1\,000  =>  equivalent (Identical)
            4 | \textbf{4}  =>  equivalent (Identical)
        "#]],
    );
}

#[test]
fn expressions_are_equivalent_when_they_agree_at_every_probe_point() {
    check(
        r"
        (x+1)^2 | x^2+2x+1
        (x+1)^2 | x^2+x+1
        \sin^2 x + \cos^2 x | 1
        \frac{x^2-1}{x-1} | x+1
        2\sqrt{2} | \sqrt{8}
        \sqrt[3]{x} | x^{1/3}
        e^{\ln 5} | 5
        \log_2 8 | 3
        x y | y*x
        a+b | b+a+0
        x+1 | y+1
        ",
        expect![[r#"
            (x+1)^2 | x^2+2x+1  =>  equivalent (Probed)
            (x+1)^2 | x^2+x+1  =>  not equivalent
            \sin^2 x + \cos^2 x | 1  =>  equivalent (Probed)
            \frac{x^2-1}{x-1} | x+1  =>  equivalent (Probed)
            2\sqrt{2} | \sqrt{8}  =>  equivalent (Numeric)
            \sqrt[3]{x} | x^{1/3}  =>  equivalent (Probed)
            e^{\ln 5} | 5  =>  equivalent (Numeric)
            \log_2 8 | 3  =>  equivalent (Numeric)
            x y | y*x  =>  equivalent (Probed)
            a+b | b+a+0  =>  equivalent (Probed)
            x+1 | y+1  =>  not equivalent
        "#]],
    );
}

#[test]
fn sets_tuples_intervals_and_lists_follow_their_own_rules() {
    check(
        r"
        \{1, 2, 3\} | \{3, 1, 2\}
        (1, 2) | (2, 1)
        (1, 2) | (1, 2]
        [0, 1) | [0,1)
        (-\infty, 2] \cup (3, \infty) | (3, \infty) \cup (-\infty, 2]
        1, 2, 3 | 3, 2, 1
        x = 2 | 2
        x \in [1, 5] | [1,5]
        1 \pm \sqrt{2} | 1 - \sqrt2, 1+\sqrt2
        \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} | \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}
        \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} | \begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}
        ",
        expect![[r#"
            \{1, 2, 3\} | \{3, 1, 2\}  =>  equivalent (Identical)
            (1, 2) | (2, 1)  =>  not equivalent
            (1, 2) | (1, 2]  =>  not equivalent
            [0, 1) | [0,1)  =>  equivalent (Identical)
            (-\infty, 2] \cup (3, \infty) | (3, \infty) \cup (-\infty, 2]  =>  equivalent (Identical)
            1, 2, 3 | 3, 2, 1  =>  equivalent (Identical)
            x = 2 | 2  =>  equivalent (Identical)
            x \in [1, 5] | [1,5]  =>  equivalent (Identical)
            1 \pm \sqrt{2} | 1 - \sqrt2, 1+\sqrt2  =>  equivalent (Identical)
            \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} | \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}  =>  equivalent (Identical)
            \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} | \begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}  =>  not equivalent
        "#]],
    );
}

#[test]
fn equations_and_inequalities_compare_as_relations() {
    check(
        r"
        y = 2x + 1 | 2x - y + 1 = 0
        y = 2x + 1 | y = 2x - 1
        x > 3 | 3 < x
        x > 3 | -x < -3
        x > 3 | x < 3
        x \ge 3 | x > 3
        -1 \le x < 4 | [-1, 4)
        ",
        expect![[r#"
            y = 2x + 1 | 2x - y + 1 = 0  =>  equivalent (Probed)
            y = 2x + 1 | y = 2x - 1  =>  not equivalent
            x > 3 | 3 < x  =>  equivalent (Probed)
            x > 3 | -x < -3  =>  equivalent (Probed)
            x > 3 | x < 3  =>  not equivalent
            x \ge 3 | x > 3  =>  not equivalent
            -1 \le x < 4 | [-1, 4)  =>  equivalent (Identical)
        "#]],
    );
}

#[test]
fn answers_are_found_inside_worked_solutions() {
    check(
        r"
        12 | We add the two parts, so the total is $\boxed{12}$.
        12 | The final answer is $12$. I hope it is correct.
        3/4 | First $x = 2$, then the ratio is \(\frac{3}{4}\).
        40 | It costs 20 dollars each, so together they cost 40
        \text{Paris} | The capital is $\text{Paris}$.
        ",
        expect![[r#"
            12 | We add the two parts, so the total is $\boxed{12}$.  =>  equivalent (Identical)
            12 | The final answer is $12$. I hope it is correct.  =>  equivalent (Identical)
            3/4 | First $x = 2$, then the ratio is \(\frac{3}{4}\).  =>  equivalent (Identical)
            40 | It costs 20 dollars each, so together they cost 40  =>  equivalent (Identical)
            \text{Paris} | The capital is $\text{Paris}$.  =>  equivalent (Identical)
        "#]],
    );
}

#[test]
fn percent_and_list_order_follow_the_item_settings() {
    let pairs = r"
        25\% | 0.25
        25\% | 25
        1, 2 | 2, 1
    ";
    let mut settings = MathSettings::school();
    check_with(
        &settings,
        pairs,
        expect![[r#"
            25\% | 0.25  =>  equivalent (Numeric)
            25\% | 25  =>  not equivalent
            1, 2 | 2, 1  =>  equivalent (Identical)
        "#]],
    );
    settings.percent = PercentConvention::Ignore;
    settings.lists = ListOrder::Ordered;
    check_with(
        &settings,
        pairs,
        expect![[r#"
            25\% | 0.25  =>  not equivalent
            25\% | 25  =>  equivalent (Numeric)
            1, 2 | 2, 1  =>  not equivalent
        "#]],
    );
    settings.percent = PercentConvention::Either;
    check_with(
        &settings,
        pairs,
        expect![[r#"
            25\% | 0.25  =>  equivalent (Numeric)
            25\% | 25  =>  equivalent (Numeric)
            1, 2 | 2, 1  =>  not equivalent
        "#]],
    );
}

#[test]
fn variable_names_matter_only_when_the_item_is_strict() {
    let mut settings = MathSettings::school();
    check_with(
        &settings,
        "f(x) | f(t)",
        expect![[r#"
        f(x) | f(t)  =>  not equivalent
    "#]],
    );
    settings.strict_variables = false;
    check_with(
        &settings,
        "f(x) | f(t)",
        expect![[r#"
        f(x) | f(t)  =>  equivalent (Probed)
    "#]],
    );
}

#[test]
fn bad_math_gets_a_clear_verdict_not_a_panic() {
    check(
        r"
        2 | \frac{1}{
        2 | ((((
        2 | )2(
        2 | \begin{pmatrix} 1 & 2
        x+1 | §§§
        \frac{1}{ | 2
        ",
        expect![[r#"
            2 | \frac{1}{  =>  unreadable: cannot read the math: expected a value before the end
            2 | ((((  =>  unreadable: cannot read the math: expected a value before the end
            2 | )2(  =>  unreadable: cannot read the math: unexpected ')'
            2 | \begin{pmatrix} 1 & 2  =>  unreadable: cannot read the math: unclosed environment pmatrix
            x+1 | §§§  =>  unreadable: cannot read the math: unexpected character '§'
            \frac{1}{ | 2  =>  reference unreadable: cannot read the math: expected a value before the end
        "#]],
    );
}

#[test]
fn empty_and_oversized_answers_are_errors() {
    let settings = MathSettings::school();
    assert_eq!(MathAnswer::parse("   ", &settings).unwrap_err(), GradingError::EmptyAnswer);
    let huge = "1+".repeat(150_000);
    assert!(matches!(MathAnswer::parse(&huge, &settings), Err(GradingError::AnswerTooLong { .. })));
}

#[test]
fn deeply_nested_math_is_rejected_without_overflowing_the_stack() {
    let settings = MathSettings::school();
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let answer = MathAnswer::parse(&deep, &settings).unwrap();
    assert_eq!(answer.error(), Some(&GradingError::MathTooDeep));
}

#[test]
fn huge_pastes_of_delimiters_and_digits_are_read_in_linear_time() {
    let settings = MathSettings::school();
    for unit in ["\\[", "\\(", "$$a", "{,}", "1 ", "\\boxed{", "(", "x^"] {
        let paste = unit.repeat(60_000 / unit.len());
        // Each completes quickly (a quadratic scan would take minutes) with a defined verdict.
        let _ = equivalent("1", &paste, &settings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(s in "\\PC{0,80}") {
        let settings = MathSettings::school();
        let _ = equivalent(&s, "1", &settings);
        let _ = equivalent("x+1", &s, &settings);
    }

    #[test]
    fn the_parser_never_panics_on_latex_like_text(s in "[0-9a-z\\\\{}()\\[\\]^_+\\-*/=<>,.$ &%|!]{0,60}") {
        let settings = MathSettings::school();
        let _ = equivalent(&s, &s, &settings);
    }
}
