//! Practice items for the demo school: a seeded generator of numeric questions with answers,
//! tagged to the built-in junior-secondary maths graph.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::graph::{ItemId, KnowledgeGraph, KpId};

/// One generated practice item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Stable id: the template's short name and a serial number.
    pub id: ItemId,
    /// Knowledge points it exercises (all defined in the graph it was generated for).
    pub kps: Vec<KpId>,
    /// The question in Chinese.
    pub stem_zh: String,
    /// The question in English.
    pub stem_en: String,
    /// The correct answer, in a canonical form (integers, reduced fractions `p/q`, or tuples
    /// such as `(2, -3)`), the same in both languages.
    pub answer: String,
    /// Prior difficulty on the log-odds scale (0 = average), used until answers are logged.
    pub difficulty: f32,
}

type Rng = ChaCha8Rng;

struct Stem {
    zh: String,
    en: String,
    answer: String,
    difficulty: f32,
}

fn stem(zh: String, en: String, answer: impl ToString, difficulty: f32) -> Stem {
    Stem { zh, en, answer: answer.to_string(), difficulty }
}

/// A signed integer in `lo..=hi` other than 0.
fn nz(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    loop {
        let v = rng.random_range(lo..=hi);
        if v != 0 {
            return v;
        }
    }
}

/// Writes a number in parentheses when negative, as in "3 + (-5)".
fn p(v: i64) -> String {
    if v < 0 { format!("({v})") } else { v.to_string() }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs().max(1) } else { gcd(b, a % b) }
}

/// A reduced fraction `n/d` (an integer when `d` divides `n`).
fn fraction(n: i64, d: i64) -> String {
    let g = gcd(n, d);
    let (mut n, mut d) = (n / g, d / g);
    if d < 0 {
        n = -n;
        d = -d;
    }
    if d == 1 { n.to_string() } else { format!("{n}/{d}") }
}

/// `a x + b` written naturally.
fn linear(a: i64, b: i64) -> String {
    let ax = match a {
        1 => "x".to_owned(),
        -1 => "-x".to_owned(),
        _ => format!("{a}x"),
    };
    match b {
        0 => ax,
        b if b > 0 => format!("{ax} + {b}"),
        b => format!("{ax} - {}", -b),
    }
}

type Template = (&'static str, &'static str, fn(&mut Rng) -> Stem);

// (knowledge point, id prefix, generator). Every knowledge point named here exists in the
// built-in graph (checked by a unit test).
const TEMPLATES: &[Template] = &[
    ("rational.signed-numbers", "sn", |r| {
        let (a, b) = (r.random_range(-5..=12), r.random_range(3..=15));
        stem(
            format!("气温是 {a}°C，下降 {b}°C 后是多少 °C？"),
            format!("It is {a}°C and the temperature falls by {b}°C. What is it now, in °C?"),
            a - b,
            -0.5,
        )
    }),
    ("rational.number-line", "nl", |r| {
        let (a, b) = (nz(r, -9, 9), nz(r, -6, 6));
        let (dir_zh, dir_en) = if b > 0 { ("右", "right") } else { ("左", "left") };
        stem(
            format!("数轴上点 A 表示 {a}，向{dir_zh}移动 {} 个单位后表示的数是多少？", b.abs()),
            format!(
                "Point A is at {a} on the number line. Where is it after moving {} units to the {dir_en}?",
                b.abs()
            ),
            a + b,
            -0.3,
        )
    }),
    ("rational.opposites", "op", |r| {
        let a = nz(r, -30, 30);
        stem(format!("{a} 的相反数是多少？"), format!("What is the opposite of {a}?"), -a, -1.0)
    }),
    ("rational.absolute-value", "abs", |r| {
        let (a, b) = (nz(r, -20, 20), nz(r, -20, 20));
        stem(format!("计算：|{a}| + |{b}|"), format!("Compute |{a}| + |{b}|."), a.abs() + b.abs(), -0.5)
    }),
    ("rational.compare", "cmp", |r| {
        let (a, b) = (nz(r, -20, -1), nz(r, -20, -1));
        stem(format!("{a} 和 {b} 中较大的数是哪个？"), format!("Which is larger, {a} or {b}?"), a.max(b), 0.0)
    }),
    ("rational.add", "add", |r| {
        let (a, b) = (nz(r, -50, 50), nz(r, -50, 50));
        stem(format!("计算：{a} + {}", p(b)), format!("Compute {a} + {}.", p(b)), a + b, -0.3)
    }),
    ("rational.subtract", "sub", |r| {
        let (a, b) = (nz(r, -50, 50), nz(r, -50, 50));
        stem(format!("计算：{a} - {}", p(b)), format!("Compute {a} - {}.", p(b)), a - b, 0.0)
    }),
    ("rational.multiply", "mul", |r| {
        let (a, b) = (nz(r, -12, 12), nz(r, -12, 12));
        stem(format!("计算：{a} × {}", p(b)), format!("Compute {a} × {}.", p(b)), a * b, -0.2)
    }),
    ("rational.reciprocals", "rec", |r| {
        let (n, d) = (nz(r, -9, 9), r.random_range(2..=9));
        let f = fraction(n, d);
        stem(format!("{f} 的倒数是多少？"), format!("What is the reciprocal of {f}?"), fraction(d, n), 0.2)
    }),
    ("rational.divide", "div", |r| {
        let (q, b) = (nz(r, -12, 12), nz(r, -9, 9));
        stem(format!("计算：{} ÷ {}", q * b, p(b)), format!("Compute {} ÷ {}.", q * b, p(b)), q, 0.0)
    }),
    ("rational.powers", "pow", |r| {
        let (a, n) = (nz(r, -5, 5), r.random_range(2..=4));
        stem(format!("计算：({a})^{n}"), format!("Compute ({a})^{n}."), a.pow(n as u32), 0.3)
    }),
    ("rational.mixed-operations", "mix", |r| {
        let (a, b, d) = (nz(r, -9, 9), nz(r, -9, 9), nz(r, -5, 5));
        let q = nz(r, -6, 6);
        stem(
            format!("计算：{a} × {} + {} ÷ {}", p(b), q * d, p(d)),
            format!("Compute {a} × {} + {} ÷ {}.", p(b), q * d, p(d)),
            a * b + q,
            0.6,
        )
    }),
    ("rational.scientific-notation", "sci", |r| {
        let (m, e) = (r.random_range(1..=9), r.random_range(3..=9));
        let n = m * 10i64.pow(e as u32);
        stem(
            format!("把 {n} 写成 a × 10^n 的形式，n 等于多少？"),
            format!("Writing {n} as a × 10^n, what is n?"),
            e,
            0.0,
        )
    }),
    ("expr.algebraic", "val", |r| {
        let (x, a, b) = (nz(r, -6, 6), nz(r, -9, 9), nz(r, -9, 9));
        stem(
            format!("当 x = {x} 时，求 {} 的值。", linear(a, b)),
            format!("Find the value of {} when x = {x}.", linear(a, b)),
            a * x + b,
            0.0,
        )
    }),
    ("expr.monomials", "deg", |r| {
        let (c, a, b) = (nz(r, -9, 9), r.random_range(1..=5), r.random_range(1..=5));
        stem(
            format!("单项式 {c}x^{a}y^{b} 的次数是多少？"),
            format!("What is the degree of the monomial {c}x^{a}y^{b}?"),
            a + b,
            0.2,
        )
    }),
    ("expr.like-terms", "lt", |r| {
        let (a, b, c) = (nz(r, -9, 9), nz(r, -9, 9), nz(r, -9, 9));
        stem(
            format!("合并同类项 {a}x + {}x + {}x 后，x 的系数是多少？", p(b), p(c)),
            format!("After combining {a}x + {}x + {}x, what is the coefficient of x?", p(b), p(c)),
            a + b + c,
            0.0,
        )
    }),
    ("expr.brackets", "br", |r| {
        let (a, b, c) = (nz(r, -6, 6), nz(r, -9, 9), nz(r, -9, 9));
        stem(
            format!("化简 {a}(x + {}) - {}x 后，常数项是多少？", p(b), p(c)),
            format!("Simplify {a}(x + {}) - {}x. What is the constant term?", p(b), p(c)),
            a * b,
            0.4,
        )
    }),
    ("lineq.transpose", "le1", |r| {
        let (a, x, b) = (nz(r, -9, 9), nz(r, -10, 10), nz(r, -20, 20));
        stem(
            format!("解方程：{} = {}", linear(a, b), a * x + b),
            format!("Solve {} = {}.", linear(a, b), a * x + b),
            x,
            0.2,
        )
    }),
    ("lineq.brackets", "le2", |r| {
        let (a, x, b) = (nz(r, -6, 6), nz(r, -10, 10), nz(r, -9, 9));
        stem(
            format!("解方程：{a}(x + {}) = {}", p(b), a * (x + b)),
            format!("Solve {a}(x + {}) = {}.", p(b), a * (x + b)),
            x,
            0.5,
        )
    }),
    ("lineq.denominators", "le3", |r| {
        let (a, k, b) = (r.random_range(2..=6), nz(r, -8, 8), nz(r, -9, 9));
        stem(
            format!("解方程：x/{a} + {} = {}", p(b), k + b),
            format!("Solve x/{a} + {} = {}.", p(b), k + b),
            a * k,
            0.8,
        )
    }),
    ("lineq.word-problems", "lew", |r| {
        let (price, n, change) = (r.random_range(2..=9), r.random_range(2..=12), r.random_range(0..=9));
        let paid = price * n + change;
        stem(
            format!("每支笔 {price} 元，小明付了 {paid} 元，找回 {change} 元。他买了几支笔？"),
            format!(
                "Pens cost {price} yuan each. Ming paid {paid} yuan and got {change} yuan back. How many pens did he buy?"
            ),
            n,
            0.4,
        )
    }),
    ("geo.segment-length", "seg", |r| {
        let ab = 2 * r.random_range(2..=30);
        stem(
            format!("点 C 是线段 AB 的中点，AB = {ab} cm，AC 等于多少 cm？"),
            format!("C is the midpoint of segment AB and AB = {ab} cm. How long is AC, in cm?"),
            ab / 2,
            -0.8,
        )
    }),
    ("geo.complement-supplement", "ang", |r| {
        let a = r.random_range(10..=80);
        if r.random_range(0..2) == 0 {
            stem(
                format!("一个角是 {a}°，它的余角是多少度？"),
                format!("An angle is {a}°. What is its complement, in degrees?"),
                90 - a,
                -0.3,
            )
        } else {
            stem(
                format!("一个角是 {a}°，它的补角是多少度？"),
                format!("An angle is {a}°. What is its supplement, in degrees?"),
                180 - a,
                -0.3,
            )
        }
    }),
    ("par.vertical-angles", "va", |r| {
        let a = r.random_range(20..=160);
        stem(
            format!("两条直线相交，其中一个角是 {a}°，与它相邻的补角是多少度？"),
            format!("Two lines cross and one angle is {a}°. What is the angle next to it, in degrees?"),
            180 - a,
            -0.2,
        )
    }),
    ("par.parallel-properties", "pp", |r| {
        let a = r.random_range(30..=150);
        stem(
            format!("直线 a∥b，被第三条直线所截，一对同旁内角中的一个是 {a}°，另一个是多少度？"),
            format!(
                "Lines a and b are parallel and cut by a transversal. One of two co-interior angles is {a}°. What is the other, in degrees?"
            ),
            180 - a,
            0.2,
        )
    }),
    ("real.square-roots", "sqrt", |r| {
        let n = r.random_range(2..=25);
        stem(format!("计算：√{}", n * n), format!("Compute √{}.", n * n), n, -0.2)
    }),
    ("real.cube-roots", "cbrt", |r| {
        let n = nz(r, -9, 9);
        stem(format!("计算：∛({})", n * n * n), format!("Compute ∛({}).", n * n * n), n, 0.2)
    }),
    ("coord.plane", "quad", |r| {
        let (x, y) = (nz(r, -9, 9), nz(r, -9, 9));
        let q = match (x > 0, y > 0) {
            (true, true) => 1,
            (false, true) => 2,
            (false, false) => 3,
            (true, false) => 4,
        };
        stem(
            format!("点 ({x}, {y}) 在第几象限？（填 1–4）"),
            format!("Which quadrant is the point ({x}, {y}) in? (1–4)"),
            q,
            -0.3,
        )
    }),
    ("coord.translation", "tr", |r| {
        let (x, y, c) = (nz(r, -9, 9), nz(r, -9, 9), r.random_range(1..=6));
        stem(
            format!("把点 ({x}, {y}) 向右平移 {c} 个单位，得到的点的坐标是？"),
            format!("The point ({x}, {y}) moves {c} units to the right. Where is it now?"),
            format!("({}, {y})", x + c),
            0.0,
        )
    }),
    ("system.elimination", "sys", |r| {
        let (x, y) = (nz(r, -9, 9), nz(r, -9, 9));
        stem(
            format!("解方程组：x + y = {}，x - y = {}。x 等于多少？", x + y, x - y),
            format!("Solve x + y = {}, x - y = {}. What is x?", x + y, x - y),
            x,
            0.5,
        )
    }),
    ("system.substitution", "sbs", |r| {
        let (x, k, b) = (nz(r, -6, 6), nz(r, -4, 4), nz(r, -9, 9));
        let y = k * x + b;
        stem(
            format!("解方程组：y = {}，x + y = {}。x 等于多少？", linear(k, b), x + y),
            format!("Solve y = {}, x + y = {}. What is x?", linear(k, b), x + y),
            x,
            0.6,
        )
    }),
    ("ineq.linear", "ineq", |r| {
        let (a, k, b) = (r.random_range(2..=9), nz(r, -9, 9), nz(r, -9, 9));
        stem(
            format!("解不等式 {} > {}，x 的取值范围是 x > ?", linear(a, b), a * k + b),
            format!("Solve {} > {}: x > ?", linear(a, b), a * k + b),
            k,
            0.5,
        )
    }),
    ("tri.sides", "ts", |r| {
        let (a, b) = (r.random_range(2..=15), r.random_range(2..=15));
        stem(
            format!("三角形的两边长为 {a} 和 {b}，第三边是整数，它最长是多少？"),
            format!(
                "Two sides of a triangle are {a} and {b}. The third side is a whole number. What is its largest possible length?"
            ),
            a + b - 1,
            0.6,
        )
    }),
    ("tri.angle-sum", "tas", |r| {
        let (a, b) = (r.random_range(20..=80), r.random_range(20..=80));
        stem(
            format!("三角形的两个内角是 {a}° 和 {b}°，第三个内角是多少度？"),
            format!("Two angles of a triangle are {a}° and {b}°. What is the third, in degrees?"),
            180 - a - b,
            -0.4,
        )
    }),
    ("tri.exterior-angles", "ext", |r| {
        let (a, b) = (r.random_range(20..=80), r.random_range(20..=80));
        stem(
            format!("三角形的两个内角是 {a}° 和 {b}°，第三个内角的外角是多少度？"),
            format!(
                "Two angles of a triangle are {a}° and {b}°. What is the exterior angle at the third vertex, in degrees?"
            ),
            a + b,
            0.2,
        )
    }),
    ("tri.polygon-angles", "poly", |r| {
        let n = r.random_range(4..=12);
        stem(
            format!("{n} 边形的内角和是多少度？"),
            format!("What is the sum of the interior angles of a {n}-sided polygon, in degrees?"),
            (n - 2) * 180,
            0.3,
        )
    }),
    ("poly.power-rules", "pr", |r| {
        let (m, n) = (r.random_range(2..=9), r.random_range(2..=9));
        stem(format!("a^{m} · a^{n} = a^?"), format!("a^{m} · a^{n} = a^?"), m + n, -0.2)
    }),
    ("poly.special-products", "sp", |r| {
        let a = nz(r, -9, 9);
        stem(
            format!("展开 (x + {})²，x 的系数是多少？", p(a)),
            format!("Expand (x + {})². What is the coefficient of x?", p(a)),
            2 * a,
            0.4,
        )
    }),
    ("poly.factor-identities", "fi", |r| {
        let a = r.random_range(2..=12);
        stem(
            format!("因式分解 x² - {} = (x + a)(x - a)，正数 a 等于多少？", a * a),
            format!("Factorise x² - {} = (x + a)(x - a). What is the positive a?", a * a),
            a,
            0.3,
        )
    }),
    ("surd.multiply-divide", "sm", |r| {
        let (a, k) = (r.random_range(2..=7), r.random_range(2..=6));
        stem(format!("计算：√{a} × √{}", a * k * k), format!("Compute √{a} × √{}.", a * k * k), a * k, 0.6)
    }),
    ("pyth.theorem", "pt", |r| {
        let triples = [(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25)];
        let (a, b, c) = triples[r.random_range(0..triples.len())];
        let k = r.random_range(1..=4);
        stem(
            format!("直角三角形的两条直角边是 {} 和 {}，斜边是多少？", a * k, b * k),
            format!("A right triangle has legs {} and {}. How long is the hypotenuse?", a * k, b * k),
            c * k,
            0.3,
        )
    }),
    ("func.direct-proportion", "dp", |r| {
        let (k, x) = (nz(r, -6, 6), nz(r, -6, 6));
        stem(
            format!("正比例函数 y = kx 的图象经过点 ({x}, {})，k 等于多少？", k * x),
            format!("The graph of y = kx passes through ({x}, {}). What is k?", k * x),
            k,
            0.3,
        )
    }),
    ("func.linear", "lf", |r| {
        let (k, b, x) = (nz(r, -5, 5), nz(r, -9, 9), nz(r, -6, 6));
        stem(
            format!("一次函数 y = {}，当 x = {x} 时，y 等于多少？", linear(k, b)),
            format!("For y = {}, what is y when x = {x}?", linear(k, b)),
            k * x + b,
            0.0,
        )
    }),
    ("data.mean", "mean", |r| {
        let m = r.random_range(60..=90);
        let d = [r.random_range(1..=9), r.random_range(1..=9)];
        let v = [m - d[0], m + d[0], m - d[1], m + d[1], m];
        stem(
            format!("数据 {}, {}, {}, {}, {} 的平均数是多少？", v[0], v[1], v[2], v[3], v[4]),
            format!("What is the mean of {}, {}, {}, {}, {}?", v[0], v[1], v[2], v[3], v[4]),
            m,
            0.0,
        )
    }),
    ("data.median-mode", "med", |r| {
        let mut v: Vec<i64> = (0..5).map(|_| r.random_range(1..=30)).collect();
        let shown = v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        v.sort_unstable();
        stem(format!("数据 {shown} 的中位数是多少？"), format!("What is the median of {shown}?"), v[2], 0.2)
    }),
    ("quadeq.factorising", "qf", |r| {
        let (a, b) = (nz(r, -9, 9), nz(r, -9, 9));
        let eq = quadratic(-(a + b), a * b);
        stem(format!("方程 {eq} = 0 的较大根是多少？"), format!("What is the larger root of {eq} = 0?"), a.max(b), 0.8)
    }),
    ("quadeq.vieta", "vi", |r| {
        let (b, c) = (nz(r, -12, 12), nz(r, -12, 12));
        let eq = quadratic(b, c);
        stem(
            format!("若 x₁、x₂ 是方程 {eq} = 0 的两根，x₁ + x₂ 等于多少？"),
            format!("If x₁ and x₂ are the roots of {eq} = 0, what is x₁ + x₂?"),
            -b,
            0.7,
        )
    }),
    ("quadfn.graph", "vx", |r| {
        let (h, k) = (nz(r, -6, 6), nz(r, -9, 9));
        stem(
            format!("抛物线 y = (x {})² {} 的顶点坐标是？", sign(-h), sign(k)),
            format!("What is the vertex of y = (x {})² {}?", sign(-h), sign(k)),
            format!("({h}, {k})"),
            0.6,
        )
    }),
    ("prob.classical", "pc", |r| {
        let (red, white) = (r.random_range(1..=9), r.random_range(1..=9));
        stem(
            format!("袋中有 {red} 个红球和 {white} 个白球，随机摸出一个，是红球的概率是多少？"),
            format!(
                "A bag holds {red} red and {white} white balls. What is the probability that a ball drawn at random is red?"
            ),
            fraction(red, red + white),
            0.1,
        )
    }),
    ("inv.concept", "ip", |r| {
        let (a, b) = (nz(r, -9, 9), nz(r, -9, 9));
        stem(
            format!("反比例函数 y = k/x 的图象经过点 ({a}, {b})，k 等于多少？"),
            format!("The graph of y = k/x passes through ({a}, {b}). What is k?"),
            a * b,
            0.4,
        )
    }),
    ("circle.inscribed-angles", "ia", |r| {
        let a = 2 * r.random_range(20..=85);
        stem(
            format!("一条弧所对的圆心角是 {a}°，它所对的圆周角是多少度？"),
            format!("An arc subtends {a}° at the centre. What angle does it subtend on the circle, in degrees?"),
            a / 2,
            0.5,
        )
    }),
    ("sim.properties", "sim", |r| {
        let (k, area) = (r.random_range(2..=5), r.random_range(2..=9));
        stem(
            format!("两个相似三角形的相似比是 {k}:1，小三角形面积是 {area}，大三角形面积是多少？"),
            format!(
                "Two similar triangles have ratio {k}:1. The smaller has area {area}. What is the area of the larger?"
            ),
            k * k * area,
            0.8,
        )
    }),
];

/// `x² + bx + c` written naturally (zero terms left out).
fn quadratic(b: i64, c: i64) -> String {
    let mut out = "x²".to_owned();
    match b {
        0 => {}
        1 => out.push_str(" + x"),
        -1 => out.push_str(" - x"),
        b => out.push_str(&format!(" {}x", sign(b))),
    }
    if c != 0 {
        out.push_str(&format!(" {}", sign(c)));
    }
    out
}

/// `+ 3` or `- 3`, for writing coefficients after a term.
fn sign(v: i64) -> String {
    if v < 0 { format!("- {}", -v) } else { format!("+ {v}") }
}

/// `per_kp` items for every knowledge point of `graph` that has a template, reproducibly from
/// `seed`. Knowledge points without a template get no items.
pub fn generate(graph: &KnowledgeGraph, per_kp: usize, seed: u64) -> Vec<Item> {
    let mut rng = Rng::seed_from_u64(seed);
    let mut items = Vec::new();
    for (kp, prefix, make) in TEMPLATES {
        let Some(kp_id) = KpId::parse(kp) else {
            continue;
        };
        if graph.kp_index(&kp_id).is_none() {
            continue;
        }
        for serial in 1..=per_kp {
            let s = make(&mut rng);
            let id = ItemId::parse(&format!("{prefix}-{serial:04}"))
                .expect("template prefixes are lowercase letters and digits");
            items.push(Item {
                id,
                kps: vec![kp_id.clone()],
                stem_zh: s.zh,
                stem_en: s.en,
                answer: s.answer,
                difficulty: s.difficulty,
            });
        }
    }
    items
}

#[cfg(test)]
mod tests;
