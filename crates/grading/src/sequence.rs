//! Ordering and matching items.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::GradingError;
use crate::grade::{Confidence, Feedback, Grade};
use crate::id::OptionId;

/// Credit rule of an ordering item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderCredit {
    AllOrNothing,
    /// Fraction of elements in their correct position.
    PerPosition,
    /// Fraction of element pairs in the correct relative order (Kendall-style).
    PairwiseOrder,
}

/// Credit rule of a matching item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchCredit {
    AllOrNothing,
    /// (correct pairs − wrong pairs) / expected pairs, at least 0.
    PerPair,
}

#[derive(Debug, Clone)]
pub(crate) struct OrderingChecker {
    correct: Vec<OptionId>,
    position: BTreeMap<OptionId, usize>,
    credit: OrderCredit,
}

impl OrderingChecker {
    pub(crate) fn new(item: &str, correct: &[OptionId], credit: OrderCredit) -> Result<OrderingChecker, GradingError> {
        if correct.len() < 2 {
            return Err(GradingError::InvalidKey {
                item: item.into(),
                problem: "an ordering needs at least two elements".into(),
            });
        }
        let mut position = BTreeMap::new();
        for (k, o) in correct.iter().enumerate() {
            if position.insert(o.clone(), k).is_some() {
                return Err(GradingError::DuplicateOption { item: item.into(), option: o.to_string() });
            }
        }
        Ok(OrderingChecker { correct: correct.to_vec(), position, credit })
    }

    pub(crate) fn grade(&self, order: &[OptionId], max_points: f64) -> Grade {
        if order.is_empty() {
            return Grade::scored(0.0, max_points, vec![Feedback::Blank], Confidence::CERTAIN);
        }
        let mut feedback: Vec<Feedback> = order
            .iter()
            .filter(|o| !self.position.contains_key(*o))
            .map(|o| Feedback::UnknownOption(o.to_string()))
            .collect();
        let n = self.correct.len();
        let in_place = self.correct.iter().zip(order).filter(|(a, b)| a == b).count();
        let exact = in_place == n && order.len() == n;
        // Positions of the known elements, in the student's order (duplicates ignored).
        let mut seen = BTreeSet::new();
        let ranks: Vec<usize> =
            order.iter().filter_map(|o| self.position.get(o).copied()).filter(|r| seen.insert(*r)).collect();
        #[allow(clippy::cast_precision_loss)]
        let credit = match self.credit {
            OrderCredit::AllOrNothing => f64::from(u8::from(exact)),
            OrderCredit::PerPosition => in_place as f64 / n as f64,
            OrderCredit::PairwiseOrder => {
                let mut concordant = 0usize;
                for i in 0..ranks.len() {
                    for j in i + 1..ranks.len() {
                        if ranks[i] < ranks[j] {
                            concordant += 1;
                        }
                    }
                }
                concordant as f64 / (n * (n - 1) / 2) as f64
            }
        };
        feedback.push(Feedback::PartsCorrect { correct: in_place, total: n });
        Grade::scored(credit, max_points, feedback, Confidence::CERTAIN)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MatchingChecker {
    pairs: BTreeSet<(OptionId, OptionId)>,
    credit: MatchCredit,
}

impl MatchingChecker {
    pub(crate) fn new(
        item: &str,
        pairs: &[(OptionId, OptionId)],
        credit: MatchCredit,
    ) -> Result<MatchingChecker, GradingError> {
        if pairs.is_empty() {
            return Err(GradingError::NoCorrectOption { item: item.into() });
        }
        let set: BTreeSet<(OptionId, OptionId)> = pairs.iter().cloned().collect();
        if set.len() != pairs.len() {
            return Err(GradingError::InvalidKey { item: item.into(), problem: "a pair is listed twice".into() });
        }
        Ok(MatchingChecker { pairs: set, credit })
    }

    pub(crate) fn grade(&self, given: &[(OptionId, OptionId)], max_points: f64) -> Grade {
        if given.is_empty() {
            return Grade::scored(0.0, max_points, vec![Feedback::Blank], Confidence::CERTAIN);
        }
        let given: BTreeSet<&(OptionId, OptionId)> = given.iter().collect();
        let right = given.iter().filter(|p| self.pairs.contains(**p)).count();
        let wrong = given.len() - right;
        let n = self.pairs.len();
        #[allow(clippy::cast_precision_loss)]
        let credit = match self.credit {
            MatchCredit::AllOrNothing => f64::from(u8::from(right == n && wrong == 0)),
            MatchCredit::PerPair => ((right as f64 - wrong as f64) / n as f64).max(0.0),
        };
        Grade::scored(
            credit,
            max_points,
            vec![Feedback::PartsCorrect { correct: right, total: n }],
            Confidence::CERTAIN,
        )
    }
}
