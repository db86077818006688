//! Charts drawn on the server as inline SVG (no script, no library), each with a title and a
//! description for screen readers; the pages also show the numbers as a table.

use askama::Template;

use super::i18n::{Arg, Tr};

/// Rendered SVG markup. Every text inside came through the templates' HTML escaping.
#[derive(Debug, Clone, Default)]
pub(crate) struct Svg(String);

impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn render(t: &impl Template) -> Svg {
    match t.render() {
        Ok(s) => Svg(s),
        Err(e) => {
            tracing::error!(error = %e, "rendering a chart failed");
            Svg::default()
        }
    }
}

/// Chart area inside the SVG's view box.
const W: f64 = 600.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// One result on a timeline.
#[derive(Debug, Clone)]
pub(crate) struct TimePoint {
    /// What the result was for, e.g. the assignment's title.
    pub(crate) label: String,
    /// When, already localised.
    pub(crate) when: String,
    /// Score as a share of the maximum, 0 to 1.
    pub(crate) fraction: f64,
}

#[derive(Debug)]
struct Dot {
    x: String,
    y: String,
    tip: String,
}

#[derive(Debug)]
struct Grid {
    y: String,
    label: String,
}

#[derive(Template)]
#[template(path = "charts/line.svg")]
struct LineChart {
    id: String,
    title: String,
    desc: String,
    height: String,
    line: String,
    dots: Vec<Dot>,
    grid: Vec<Grid>,
    first: String,
    last: String,
    bottom: String,
}

fn percent_grid(tr: &Tr, top: f64, plot_h: f64) -> Vec<Grid> {
    [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|f| Grid { y: f1(top + plot_h * (1.0 - f)), label: tr.pct(*f) }).collect()
}

/// Results over time as a line of dots, oldest first.
pub(crate) fn results_over_time(tr: &Tr, id: &str, title: &str, points: &[TimePoint]) -> Svg {
    let height = 220.0;
    let plot_h = height - TOP - 28.0;
    let n = points.len();
    let step = if n > 1 { (W - LEFT - RIGHT) / (n - 1) as f64 } else { 0.0 };
    let at = |i: usize, f: f64| {
        let x = if n > 1 { LEFT + step * i as f64 } else { (LEFT + W - RIGHT) / 2.0 };
        (x, TOP + plot_h * (1.0 - f.clamp(0.0, 1.0)))
    };
    let dots: Vec<Dot> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = at(i, p.fraction);
            Dot { x: f1(x), y: f1(y), tip: format!("{} · {} · {}", p.when, p.label, tr.pct(p.fraction)) }
        })
        .collect();
    let line = dots.iter().map(|d| format!("{},{}", d.x, d.y)).collect::<Vec<_>>().join(" ");
    let desc = match (points.first(), points.last()) {
        (Some(first), Some(last)) => {
            let lo = points.iter().map(|p| p.fraction).fold(f64::INFINITY, f64::min);
            let hi = points.iter().map(|p| p.fraction).fold(f64::NEG_INFINITY, f64::max);
            tr.targs(
                "chart-results-desc",
                &[
                    ("n", Arg::Num(n as f64)),
                    ("low", Arg::Text(tr.pct(lo))),
                    ("high", Arg::Text(tr.pct(hi))),
                    ("first", Arg::Text(tr.pct(first.fraction))),
                    ("last", Arg::Text(tr.pct(last.fraction))),
                ],
            )
        }
        _ => tr.t("chart-no-data"),
    };
    render(&LineChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        height: f1(height),
        line,
        dots,
        grid: percent_grid(tr, TOP, plot_h),
        first: points.first().map(|p| p.when.clone()).unwrap_or_default(),
        last: if n > 1 { points.last().map(|p| p.when.clone()).unwrap_or_default() } else { String::new() },
        bottom: f1(height - 8.0),
    })
}

#[derive(Debug)]
struct Bar {
    x: String,
    y: String,
    w: String,
    h: String,
    label: String,
    value: String,
    label_x: String,
    value_y: String,
}

#[derive(Template)]
#[template(path = "charts/columns.svg")]
struct ColumnChart {
    id: String,
    title: String,
    desc: String,
    height: String,
    bars: Vec<Bar>,
    base: String,
    label_y: String,
}

/// How many students' mean scores fall in each band: below 60%, then every 10%.
pub(crate) fn score_bands(fractions: &[f64]) -> [usize; 5] {
    let mut bands = [0; 5];
    for f in fractions {
        // Tenths of the whole score, rounded down (with a tolerance, so 0.7 is 7 tenths, not 6.99..).
        let tenths = (f * 10.0 + 1e-9).floor().max(0.0) as usize;
        let idx = tenths.saturating_sub(5).min(4);
        bands[idx] += 1;
    }
    bands
}

/// Labels of [`score_bands`].
pub(crate) const BAND_LABELS: [&str; 5] = ["0–59%", "60–69%", "70–79%", "80–89%", "90–100%"];

/// A column chart of the class's mean scores by band.
pub(crate) fn score_distribution(tr: &Tr, id: &str, title: &str, bands: &[usize; 5]) -> Svg {
    let height = 200.0;
    let base = height - 28.0;
    let plot_h = base - TOP - 14.0;
    let max = bands.iter().copied().max().unwrap_or(0).max(1) as f64;
    let slot = (W - LEFT - RIGHT) / bands.len() as f64;
    let bars = bands
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let h = plot_h * (*n as f64 / max);
            let x = LEFT + slot * i as f64 + slot * 0.15;
            Bar {
                x: f1(x),
                y: f1(base - h),
                w: f1(slot * 0.7),
                h: f1(h),
                label: BAND_LABELS[i].to_owned(),
                value: tr.num(*n as f64, 0),
                label_x: f1(x + slot * 0.35),
                value_y: f1(base - h - 4.0),
            }
        })
        .collect();
    let desc = tr.targs(
        "chart-bands-desc",
        &BAND_LABELS
            .iter()
            .zip(["b0", "b1", "b2", "b3", "b4"])
            .zip(bands)
            .map(|((_, name), n)| (name, Arg::Num(*n as f64)))
            .collect::<Vec<_>>(),
    );
    render(&ColumnChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        height: f1(height),
        bars,
        base: f1(base),
        label_y: f1(base + 18.0),
    })
}

#[derive(Debug)]
struct Row {
    y: String,
    text_y: String,
    label: String,
    w: String,
    value: String,
}

#[derive(Template)]
#[template(path = "charts/bars.svg")]
struct BarChart {
    id: String,
    title: String,
    desc: String,
    height: String,
    rows: Vec<Row>,
    bar_x: String,
    full: String,
    value_x: String,
}

/// One bar of a completion chart.
#[derive(Debug, Clone)]
pub(crate) struct Completion {
    pub(crate) label: String,
    pub(crate) done: usize,
    pub(crate) total: usize,
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

/// Horizontal bars: how many of the class have a result in each column.
pub(crate) fn completion(tr: &Tr, id: &str, title: &str, rows: &[Completion]) -> Svg {
    let row_h = 26.0;
    let height = TOP * 2.0 + row_h * rows.len().max(1) as f64;
    let bar_x = 200.0;
    let full = W - bar_x - 70.0;
    let rendered = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let share = if r.total == 0 { 0.0 } else { r.done as f64 / r.total as f64 };
            let y = TOP + row_h * i as f64;
            Row {
                y: f1(y + 4.0),
                text_y: f1(y + 18.0),
                label: shorten(&r.label, 16),
                w: f1(full * share),
                value: format!("{}/{}", r.done, r.total),
            }
        })
        .collect();
    let complete = rows.iter().filter(|r| r.total > 0 && r.done == r.total).count();
    let desc = tr
        .targs("chart-completion-desc", &[("n", Arg::Num(rows.len() as f64)), ("complete", Arg::Num(complete as f64))]);
    render(&BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        height: f1(height),
        rows: rendered,
        bar_x: f1(bar_x),
        full: f1(full),
        value_x: f1(bar_x + full + 8.0),
    })
}

/// One tile of a tile map: a knowledge point, coloured by its class, with a tooltip.
#[derive(Debug, Clone)]
pub(crate) struct Tile {
    /// The group it is drawn under (e.g. the grade), already localised.
    pub(crate) group: String,
    /// CSS class that colours it.
    pub(crate) class: String,
    /// Name and value, read by screen readers and shown on hover.
    pub(crate) tip: String,
    /// Drawn with a dot (e.g. someone is struggling).
    pub(crate) mark: bool,
}

#[derive(Debug)]
struct PlacedTile {
    x: String,
    y: String,
    class: String,
    tip: String,
    mark: bool,
    mark_x: String,
    mark_y: String,
}

#[derive(Debug)]
struct GroupLabel {
    y: String,
    label: String,
}

#[derive(Template)]
#[template(path = "charts/tiles.svg")]
struct TileChart {
    id: String,
    title: String,
    desc: String,
    height: String,
    size: String,
    groups: Vec<GroupLabel>,
    tiles: Vec<PlacedTile>,
}

/// Tiles per row of a tile map.
const TILES_PER_ROW: usize = 12;

/// A tile map: one small square per knowledge point in curriculum order, grouped under labels,
/// wrapping at twelve a row so that a hundred points fit a phone's screen.
pub(crate) fn tile_map(id: &str, title: &str, desc: String, tiles: &[Tile]) -> Svg {
    let pitch = (W - 4.0) / TILES_PER_ROW as f64;
    let size = pitch - 6.0;
    let label_h = 22.0;
    let mut y = 0.0;
    let mut groups = Vec::new();
    let mut placed = Vec::new();
    let mut idx = 0;
    while idx < tiles.len() {
        let group = &tiles[idx].group;
        let n = tiles[idx..].iter().take_while(|t| &t.group == group).count();
        groups.push(GroupLabel { y: f1(y + 16.0), label: group.clone() });
        y += label_h;
        for (k, t) in tiles[idx..idx + n].iter().enumerate() {
            let (row, col) = (k / TILES_PER_ROW, k % TILES_PER_ROW);
            let (x, ty) = (2.0 + pitch * col as f64, y + pitch * row as f64);
            placed.push(PlacedTile {
                x: f1(x),
                y: f1(ty),
                class: t.class.clone(),
                tip: t.tip.clone(),
                mark: t.mark,
                mark_x: f1(x + size - 8.0),
                mark_y: f1(ty + 8.0),
            });
        }
        y += pitch * n.div_ceil(TILES_PER_ROW) as f64 + 6.0;
        idx += n;
    }
    render(&TileChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        height: f1(y.max(40.0)),
        size: f1(size),
        groups,
        tiles: placed,
    })
}

/// One question of an assignment on the difficulty/discrimination chart.
#[derive(Debug, Clone)]
pub(crate) struct ItemPoint {
    /// Its name for the tooltip (`Question 3`).
    pub(crate) label: String,
    /// Drawn next to the dot (`3`).
    pub(crate) short: String,
    /// Share of the points earned, 0 to 1 (`None` when undefined).
    pub(crate) difficulty: Option<f64>,
    /// Item-rest correlation, −1 to 1 (`None` when undefined).
    pub(crate) discrimination: Option<f64>,
    pub(crate) flagged: bool,
}

#[derive(Debug)]
struct ScatterDot {
    x: String,
    y: String,
    label_x: String,
    label_y: String,
    anchor: &'static str,
    short: String,
    tip: String,
    flagged: bool,
}

#[derive(Template)]
#[template(path = "charts/scatter.svg")]
struct ScatterChart {
    id: String,
    title: String,
    desc: String,
    height: String,
    base: String,
    tick_y: String,
    bottom: String,
    band_x: String,
    band_y: String,
    band_w: String,
    band_h: String,
    grid: Vec<Grid>,
    columns: Vec<Grid>,
    dots: Vec<ScatterDot>,
    x_label: String,
    y_label: String,
}

/// Difficulty (left hard, right easy) against discrimination (up separates stronger from weaker
/// students), one dot per question; the shaded band is where questions work well (difficulty 0.2
/// to 0.9, discrimination 0.2 and up, the classroom flag rules). Questions whose statistics are
/// undefined are left out and counted in the description.
pub(crate) fn item_scatter(tr: &Tr, id: &str, title: &str, points: &[ItemPoint]) -> Svg {
    let height = 320.0;
    let base = height - 44.0;
    let plot_h = base - TOP;
    let plot_w = W - LEFT - RIGHT;
    let x_of = |d: f64| LEFT + plot_w * d.clamp(0.0, 1.0);
    let y_of = |r: f64| TOP + plot_h * (1.0 - (r.clamp(-1.0, 1.0) + 1.0) / 2.0);
    let dots: Vec<ScatterDot> = points
        .iter()
        .filter_map(|p| {
            let (d, r) = (p.difficulty?, p.discrimination?);
            let (x, y) = (x_of(d), y_of(r));
            let tip = tr.targs(
                "chart-analysis-tip",
                &[("item", Arg::Text(p.label.clone())), ("p", Arg::Text(tr.num(d, 2))), ("d", Arg::Text(tr.num(r, 2)))],
            );
            Some(ScatterDot {
                x: f1(x),
                y: f1(y),
                // Numbers sit to the right of their dot (left of it at the right edge), so
                // questions of equal difficulty do not cover each other's numbers.
                label_x: f1(if d > 0.94 { x - 9.0 } else { x + 9.0 }),
                label_y: f1(y + 4.0),
                anchor: if d > 0.94 { "end" } else { "start" },
                short: p.short.clone(),
                tip,
                flagged: p.flagged,
            })
        })
        .collect();
    let grid = [-1.0, -0.5, 0.0, 0.5, 1.0].iter().map(|r| Grid { y: f1(y_of(*r)), label: tr.num(*r, 1) }).collect();
    let columns = [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|d| Grid { y: f1(x_of(*d)), label: tr.num(*d, 2) }).collect();
    let desc = tr.targs(
        "chart-analysis-desc",
        &[
            ("n", Arg::Num(dots.len() as f64)),
            ("flagged", Arg::Num(points.iter().filter(|p| p.flagged).count() as f64)),
            ("undefined", Arg::Num((points.len() - dots.len()) as f64)),
        ],
    );
    render(&ScatterChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        height: f1(height),
        base: f1(base),
        tick_y: f1(base + 16.0),
        bottom: f1(height - 6.0),
        band_x: f1(x_of(0.2)),
        band_y: f1(y_of(1.0)),
        band_w: f1(x_of(0.9) - x_of(0.2)),
        band_h: f1(y_of(0.2) - y_of(1.0)),
        grid,
        columns,
        dots,
        x_label: tr.t("chart-analysis-x"),
        y_label: tr.t("chart-analysis-y"),
    })
}

#[cfg(test)]
mod tests;
