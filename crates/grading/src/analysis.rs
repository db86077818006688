//! Item analysis of a test: difficulty, discrimination, distractors, reliability, flags.
//!
//! Every statistic is a [`Stat`]: a value, or the reason it is undefined (one student, no
//! variance, all blank). Nothing here returns NaN.

use std::collections::BTreeMap;

use crate::error::GradingError;

/// A statistic, or why it has no value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    Value(f64),
    Undefined(Undefined),
}

impl Stat {
    pub fn value(self) -> Option<f64> {
        match self {
            Stat::Value(v) => Some(v),
            Stat::Undefined(_) => None,
        }
    }

    fn from(v: f64, otherwise: Undefined) -> Stat {
        if v.is_finite() { Stat::Value(v) } else { Stat::Undefined(otherwise) }
    }
}

/// Why a statistic is undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undefined {
    /// Fewer than two students.
    TooFewStudents,
    /// Fewer than two items (reliability).
    TooFewItems,
    /// Everybody scored the same on the item.
    ItemHasNoVariance,
    /// Everybody has the same score on the rest of the test (or the whole test).
    TotalHasNoVariance,
    /// KR-20 needs every item scored right/wrong only.
    NotDichotomous,
}

/// Scores of a test: one row per student, one column per item; `None` is a blank response
/// (scored 0, counted separately).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreMatrix {
    max_points: Vec<f64>,
    /// Invariant: `n_students * n_items` long, row-major, every value in `0..=max_points`.
    scores: Vec<Option<f64>>,
    n_students: usize,
    /// Selected option per cell, for choice items (same layout as `scores`).
    choices: Option<Vec<Option<String>>>,
    /// Key option per item for choice items.
    keys: Vec<Option<String>>,
    /// Options offered per item (empty for items that are not choice items).
    offered: Vec<Vec<String>>,
}

impl ScoreMatrix {
    /// Checks the shape and the scores.
    pub fn new(max_points: Vec<f64>, rows: Vec<Vec<Option<f64>>>) -> Result<ScoreMatrix, GradingError> {
        let n_items = max_points.len();
        if n_items == 0 {
            return Err(GradingError::InvalidMatrix("a test needs at least one item".into()));
        }
        if let Some(k) = max_points.iter().position(|m| !(m.is_finite() && *m > 0.0)) {
            return Err(GradingError::InvalidMatrix(format!("item {}: max points must be > 0", k + 1)));
        }
        let mut scores = Vec::with_capacity(rows.len() * n_items);
        for (s, row) in rows.iter().enumerate() {
            if row.len() != n_items {
                return Err(GradingError::InvalidMatrix(format!(
                    "student {} has {} scores for {n_items} items",
                    s + 1,
                    row.len()
                )));
            }
            for (i, cell) in row.iter().enumerate() {
                if let Some(v) = cell
                    && !(v.is_finite() && *v >= 0.0 && *v <= max_points[i])
                {
                    return Err(GradingError::InvalidMatrix(format!(
                        "student {}, item {}: score {v} outside 0..={}",
                        s + 1,
                        i + 1,
                        max_points[i]
                    )));
                }
                scores.push(*cell);
            }
        }
        Ok(ScoreMatrix {
            keys: vec![None; n_items],
            offered: vec![Vec::new(); n_items],
            max_points,
            scores,
            n_students: rows.len(),
            choices: None,
        })
    }

    /// Adds, for distractor analysis, the option each student chose (same shape as the
    /// scores; `None` for blanks and non-choice items), each item's key, and the options each
    /// item offers (empty for non-choice items) so that options nobody chose are reported.
    pub fn with_choices(
        mut self,
        choices: Vec<Vec<Option<String>>>,
        keys: Vec<Option<String>>,
        offered: Vec<Vec<String>>,
    ) -> Result<ScoreMatrix, GradingError> {
        let n_items = self.max_points.len();
        if keys.len() != n_items
            || offered.len() != n_items
            || choices.len() != self.n_students
            || choices.iter().any(|r| r.len() != n_items)
        {
            return Err(GradingError::InvalidMatrix(
                "choices, keys and offered options must match the score matrix".into(),
            ));
        }
        self.choices = Some(choices.into_iter().flatten().collect());
        self.keys = keys;
        self.offered = offered;
        Ok(self)
    }

    pub fn n_students(&self) -> usize {
        self.n_students
    }

    pub fn n_items(&self) -> usize {
        self.max_points.len()
    }

    fn score(&self, student: usize, item: usize) -> f64 {
        self.scores[student * self.n_items() + item].unwrap_or(0.0)
    }
}

/// Thresholds for flagging items (classical test theory rules of thumb).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlagRules {
    /// Flag items with difficulty (mean fraction of points) below this.
    pub too_hard_below: f64,
    /// Flag items with difficulty above this.
    pub too_easy_above: f64,
    /// Flag items whose discrimination is below this.
    pub low_discrimination_below: f64,
    /// Flag items left blank by more than this fraction of students.
    pub many_blanks_above: f64,
}

impl FlagRules {
    /// Common classroom thresholds: difficulty outside 0.2–0.9, discrimination below 0.2,
    /// more than 20 % blank.
    pub fn classroom() -> FlagRules {
        FlagRules { too_hard_below: 0.2, too_easy_above: 0.9, low_discrimination_below: 0.2, many_blanks_above: 0.2 }
    }
}

/// Why an item is flagged for review.
#[derive(Debug, Clone, PartialEq)]
pub enum Flag {
    TooHard {
        difficulty: f64,
    },
    TooEasy {
        difficulty: f64,
    },
    LowDiscrimination {
        discrimination: f64,
    },
    /// Stronger students do worse on the item: likely a wrong key or a misleading stem.
    NegativeDiscrimination {
        discrimination: f64,
    },
    /// Everybody scored the same: the item tells nothing about differences.
    NoVariance,
    ManyBlanks {
        fraction: f64,
    },
    /// A wrong option chosen more often by stronger students than the key is.
    DistractorAttractsStrong {
        option: String,
    },
    /// A wrong option nobody chose: it does no work.
    DistractorNeverChosen {
        option: String,
    },
    /// The test is more reliable without this item.
    AlphaRisesWithoutItem {
        alpha_without: f64,
    },
}

/// How one option of a choice item was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionStats {
    pub option: String,
    pub is_key: bool,
    pub count: usize,
    pub proportion: f64,
    /// Point-biserial between choosing this option and the rest-of-test score.
    pub discrimination: Stat,
}

/// Statistics of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats {
    /// Mean score as a fraction of max points (the p-value); blanks count as 0.
    pub difficulty: Stat,
    /// Corrected item-total correlation (point-biserial for right/wrong items): the item
    /// against the total of the other items.
    pub discrimination: Stat,
    pub n_blank: usize,
    /// Cronbach's alpha of the test without this item.
    pub alpha_if_deleted: Stat,
    /// Choice items with recorded choices: one entry per option seen or keyed.
    pub options: Vec<OptionStats>,
    pub flags: Vec<Flag>,
}

/// The analysis of a whole test.
#[derive(Debug, Clone, PartialEq)]
pub struct TestAnalysis {
    pub items: Vec<ItemStats>,
    /// Kuder–Richardson 20; defined only when every item is scored right/wrong.
    pub kr20: Stat,
    pub cronbach_alpha: Stat,
    pub mean_total: Stat,
    pub sd_total: Stat,
}

fn mean(xs: &[f64]) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let n = xs.len() as f64;
    xs.iter().sum::<f64>() / n
}

/// Population variance (divide by n), used consistently so the n/(n-1) factors cancel.
fn variance(xs: &[f64]) -> f64 {
    let m = mean(xs);
    #[allow(clippy::cast_precision_loss)]
    let n = xs.len() as f64;
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n
}

/// Pearson correlation; undefined when either side has no variance.
fn correlation(xs: &[f64], ys: &[f64]) -> Stat {
    if xs.len() < 2 {
        return Stat::Undefined(Undefined::TooFewStudents);
    }
    let (vx, vy) = (variance(xs), variance(ys));
    if vx <= 1e-12 {
        return Stat::Undefined(Undefined::ItemHasNoVariance);
    }
    if vy <= 1e-12 {
        return Stat::Undefined(Undefined::TotalHasNoVariance);
    }
    let (mx, my) = (mean(xs), mean(ys));
    let cov = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>() / xs.len() as f64;
    Stat::from((cov / (vx.sqrt() * vy.sqrt())).clamp(-1.0, 1.0), Undefined::TotalHasNoVariance)
}

/// Cronbach's alpha over the given item columns.
fn alpha(columns: &[Vec<f64>], totals: &[f64]) -> Stat {
    let k = columns.len();
    if k < 2 {
        return Stat::Undefined(Undefined::TooFewItems);
    }
    if totals.len() < 2 {
        return Stat::Undefined(Undefined::TooFewStudents);
    }
    let vt = variance(totals);
    if vt <= 1e-12 {
        return Stat::Undefined(Undefined::TotalHasNoVariance);
    }
    let sum_items: f64 = columns.iter().map(|c| variance(c)).sum();
    #[allow(clippy::cast_precision_loss)]
    let kf = k as f64;
    Stat::from(kf / (kf - 1.0) * (1.0 - sum_items / vt), Undefined::TotalHasNoVariance)
}

/// Analyses a test. Degenerate inputs (one student, zero variance, all blank) give
/// `Stat::Undefined` with the reason, never NaN.
pub fn analyse(matrix: &ScoreMatrix, rules: &FlagRules) -> TestAnalysis {
    let n = matrix.n_students();
    let k = matrix.n_items();
    let columns: Vec<Vec<f64>> = (0..k).map(|i| (0..n).map(|s| matrix.score(s, i)).collect()).collect();
    let totals: Vec<f64> = (0..n).map(|s| (0..k).map(|i| matrix.score(s, i)).sum()).collect();
    let cronbach_alpha = alpha(&columns, &totals);
    let dichotomous =
        columns.iter().enumerate().all(|(i, c)| c.iter().all(|v| *v == 0.0 || *v == matrix.max_points[i]));
    let kr20 = if !dichotomous {
        Stat::Undefined(Undefined::NotDichotomous)
    } else if k < 2 {
        Stat::Undefined(Undefined::TooFewItems)
    } else if n < 2 {
        Stat::Undefined(Undefined::TooFewStudents)
    } else {
        // With 0/max items rescaled to 0/1, KR-20 is alpha on the 0/1 matrix.
        let binary: Vec<Vec<f64>> =
            columns.iter().enumerate().map(|(i, c)| c.iter().map(|v| v / matrix.max_points[i]).collect()).collect();
        let binary_totals: Vec<f64> = (0..n).map(|s| binary.iter().map(|c| c[s]).sum()).collect();
        alpha(&binary, &binary_totals)
    };
    let (mean_total, sd_total) = if n == 0 {
        (Stat::Undefined(Undefined::TooFewStudents), Stat::Undefined(Undefined::TooFewStudents))
    } else {
        (Stat::Value(mean(&totals)), Stat::Value(variance(&totals).sqrt()))
    };
    let mut items = Vec::with_capacity(k);
    for i in 0..k {
        let column = &columns[i];
        let rest: Vec<f64> = totals.iter().zip(column).map(|(t, x)| t - x).collect();
        let difficulty = if n == 0 {
            Stat::Undefined(Undefined::TooFewStudents)
        } else {
            Stat::Value(mean(column) / matrix.max_points[i])
        };
        let discrimination = correlation(column, &rest);
        let n_blank = (0..n).filter(|s| matrix.scores[s * k + i].is_none()).count();
        let others: Vec<Vec<f64>> =
            columns.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c.clone()).collect();
        let alpha_if_deleted = alpha(&others, &rest);
        let options = option_stats(matrix, i, &rest);
        let mut flags = Vec::new();
        if let Stat::Value(p) = difficulty {
            if p < rules.too_hard_below {
                flags.push(Flag::TooHard { difficulty: p });
            } else if p > rules.too_easy_above {
                flags.push(Flag::TooEasy { difficulty: p });
            }
        }
        match discrimination {
            Stat::Value(r) if r < 0.0 => flags.push(Flag::NegativeDiscrimination { discrimination: r }),
            Stat::Value(r) if r < rules.low_discrimination_below => {
                flags.push(Flag::LowDiscrimination { discrimination: r })
            }
            Stat::Undefined(Undefined::ItemHasNoVariance) => flags.push(Flag::NoVariance),
            _ => {}
        }
        if n > 0 {
            #[allow(clippy::cast_precision_loss)]
            let fraction = n_blank as f64 / n as f64;
            if fraction > rules.many_blanks_above {
                flags.push(Flag::ManyBlanks { fraction });
            }
        }
        if let (Stat::Value(without), Stat::Value(with)) = (alpha_if_deleted, cronbach_alpha)
            && without > with + 0.01
        {
            flags.push(Flag::AlphaRisesWithoutItem { alpha_without: without });
        }
        let key_disc = options.iter().find(|o| o.is_key).and_then(|o| o.discrimination.value());
        for o in options.iter().filter(|o| !o.is_key) {
            if o.count == 0 {
                flags.push(Flag::DistractorNeverChosen { option: o.option.clone() });
            } else if let (Some(d), Some(kd)) = (o.discrimination.value(), key_disc)
                && d > 0.0
                && d > kd
            {
                flags.push(Flag::DistractorAttractsStrong { option: o.option.clone() });
            }
        }
        items.push(ItemStats { difficulty, discrimination, n_blank, alpha_if_deleted, options, flags });
    }
    TestAnalysis { items, kr20, cronbach_alpha, mean_total, sd_total }
}

fn option_stats(matrix: &ScoreMatrix, item: usize, rest: &[f64]) -> Vec<OptionStats> {
    let Some(choices) = &matrix.choices else {
        return Vec::new();
    };
    let k = matrix.n_items();
    let n = matrix.n_students();
    let key = matrix.keys[item].clone();
    if key.is_none() && matrix.offered[item].is_empty() && (0..n).all(|s| choices[s * k + item].is_none()) {
        return Vec::new();
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(key) = &key {
        counts.insert(key.clone(), 0);
    }
    for option in &matrix.offered[item] {
        counts.entry(option.clone()).or_default();
    }
    for s in 0..n {
        if let Some(c) = &choices[s * k + item] {
            *counts.entry(c.clone()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(option, count)| {
            let chose: Vec<f64> = (0..n)
                .map(|s| f64::from(u8::from(choices[s * k + item].as_deref() == Some(option.as_str()))))
                .collect();
            #[allow(clippy::cast_precision_loss)]
            let proportion = if n == 0 { 0.0 } else { count as f64 / n as f64 };
            OptionStats {
                is_key: key.as_deref() == Some(option.as_str()),
                discrimination: correlation(&chose, rest),
                option,
                count,
                proportion,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
