//! Single and multiple choice, with partial-credit rules, and true/false.

use std::collections::BTreeSet;

use crate::error::GradingError;
use crate::grade::{Confidence, Feedback, Grade};
use crate::id::OptionId;

/// How a multiple-choice response earns partial credit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PartialCredit {
    /// Full credit only for exactly the correct set.
    AllOrNothing,
    /// (correct selected − wrong selected) / number correct, at least 0.
    RightMinusWrong,
    /// Fraction of options judged right (selected if correct, left if not).
    PerOption,
    /// Chinese exam rule (全部选对得满分，部分选对得部分分，有选错的得0分): any wrong
    /// selection gives 0; a non-empty subset of the correct options gives `partial`.
    NoWrongPartial { partial: f64 },
}

/// The key of a choice item.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceKey {
    /// Every option id, in display order.
    pub options: Vec<OptionId>,
    /// The correct options. For a single-choice item several ids mean "any of these".
    pub correct: BTreeSet<OptionId>,
    /// Single choice: one selection allowed.
    pub single: bool,
    /// Multiple choice only.
    pub partial_credit: PartialCredit,
}

#[derive(Debug, Clone)]
pub(crate) struct ChoiceChecker {
    options: BTreeSet<OptionId>,
    correct: BTreeSet<OptionId>,
    single: bool,
    partial_credit: PartialCredit,
}

impl ChoiceChecker {
    pub(crate) fn new(item: &str, key: &ChoiceKey) -> Result<ChoiceChecker, GradingError> {
        let mut options = BTreeSet::new();
        for o in &key.options {
            if !options.insert(o.clone()) {
                return Err(GradingError::DuplicateOption { item: item.into(), option: o.to_string() });
            }
        }
        if key.correct.is_empty() {
            return Err(GradingError::NoCorrectOption { item: item.into() });
        }
        if let Some(o) = key.correct.iter().find(|o| !options.contains(*o)) {
            return Err(GradingError::UnknownCorrectOption { item: item.into(), option: o.to_string() });
        }
        if let PartialCredit::NoWrongPartial { partial } = key.partial_credit
            && !(0.0..=1.0).contains(&partial)
        {
            return Err(GradingError::InvalidKey {
                item: item.into(),
                problem: "partial credit must be between 0 and 1".into(),
            });
        }
        Ok(ChoiceChecker {
            options,
            correct: key.correct.clone(),
            single: key.single,
            partial_credit: key.partial_credit,
        })
    }

    pub(crate) fn grade(&self, selected: &[OptionId], max_points: f64) -> Grade {
        if selected.is_empty() {
            return Grade::scored(0.0, max_points, vec![Feedback::Blank], Confidence::CERTAIN);
        }
        let mut feedback = Vec::new();
        let chosen: BTreeSet<&OptionId> = selected.iter().collect();
        for o in &chosen {
            if !self.options.contains(*o) {
                feedback.push(Feedback::UnknownOption(o.to_string()));
            }
        }
        if self.single {
            if chosen.len() > 1 {
                feedback.push(Feedback::TooManySelected { selected: chosen.len(), max: 1 });
                return Grade::scored(0.0, max_points, feedback, Confidence::CERTAIN);
            }
            let pick = chosen.iter().next().expect("non-empty selection");
            let right = self.correct.contains(*pick);
            feedback.push(if right {
                Feedback::SelectedCorrect(pick.to_string())
            } else {
                Feedback::SelectedWrong(pick.to_string())
            });
            return Grade::scored(if right { 1.0 } else { 0.0 }, max_points, feedback, Confidence::CERTAIN);
        }
        let mut hits = 0usize;
        let mut wrong = 0usize;
        for o in &chosen {
            if self.correct.contains(*o) {
                hits += 1;
                feedback.push(Feedback::SelectedCorrect(o.to_string()));
            } else {
                wrong += 1;
                feedback.push(Feedback::SelectedWrong(o.to_string()));
            }
        }
        for o in &self.correct {
            if !chosen.contains(o) {
                feedback.push(Feedback::MissedCorrect(o.to_string()));
            }
        }
        let n_correct = self.correct.len();
        let all_right = hits == n_correct && wrong == 0;
        #[allow(clippy::cast_precision_loss)]
        let (credit, rule) = match self.partial_credit {
            PartialCredit::AllOrNothing => (if all_right { 1.0 } else { 0.0 }, "all or nothing"),
            PartialCredit::RightMinusWrong => {
                (((hits as f64 - wrong as f64) / n_correct as f64).max(0.0), "right minus wrong")
            }
            PartialCredit::PerOption => {
                let n = self.options.len().max(1);
                let missed = n_correct - hits;
                let judged_right = n.saturating_sub(wrong + missed);
                (judged_right as f64 / n as f64, "per option")
            }
            PartialCredit::NoWrongPartial { partial } => {
                let c = if wrong > 0 {
                    0.0
                } else if all_right {
                    1.0
                } else {
                    partial
                };
                (c, "no wrong, partial")
            }
        };
        if !all_right {
            feedback.push(Feedback::PartialCredit { rule, credit });
        }
        Grade::scored(credit, max_points, feedback, Confidence::CERTAIN)
    }
}

/// Reads a true/false answer typed as text: `T`/`F`, `true`/`false`, `对`/`错`, `√`/`×`, ...
pub fn parse_true_false(text: &str) -> Option<bool> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "t" | "true" | "yes" | "y" | "对" | "正确" | "是" | "√" | "✓" | "✔" | "1" => Some(true),
        "f" | "false" | "no" | "n" | "错" | "错误" | "否" | "×" | "✗" | "✘" | "x" | "0" => Some(false),
        _ => None,
    }
}
