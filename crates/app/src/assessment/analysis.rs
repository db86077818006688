//! Item analysis of an assignment: difficulty, discrimination, distractors, reliability, flags.

use std::collections::{BTreeSet, HashMap};

use access::Access;
pub use grading::analysis::Flag as ItemFlag;
use grading::analysis::{FlagRules, ScoreMatrix, Stat, analyse};
use grading::item::AnswerKey;

use super::ItemKind;
use super::responses::StudentResponse;
use crate::{App, Caller, Error, Result, UserError};

/// How one option of a choice item was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionAnalysis {
    pub option: String,
    pub is_key: bool,
    pub count: usize,
    pub proportion: f64,
    /// Point-biserial between choosing it and the rest-of-test score (none when undefined).
    pub discrimination: Option<f64>,
}

/// Statistics of one item of an assignment. Undefined statistics are `None` (too few
/// students, no variance), never NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysedItem {
    pub item_id: String,
    pub index: usize,
    pub kind: ItemKind,
    /// Mean score as a fraction of the maximum (p-value); unanswered counts as 0.
    pub difficulty: Option<f64>,
    /// Corrected item-total correlation (point-biserial for right/wrong items).
    pub discrimination: Option<f64>,
    pub alpha_if_deleted: Option<f64>,
    /// Students who did not answer it.
    pub n_blank: usize,
    /// Single-choice and true/false items: each option's share.
    pub options: Vec<OptionAnalysis>,
    /// Why the item deserves a look, in words (`too hard (p = 0.12)`, …).
    pub flags: Vec<String>,
    /// The same reasons as data, for pages that word them in the reader's language.
    pub reasons: Vec<ItemFlag>,
}

/// The item analysis of an assignment over the students who submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentAnalysis {
    pub assignment: String,
    pub n_students: usize,
    /// Points used: the teacher's where decided, else the machine's (unscored counts as 0).
    pub n_unscored: usize,
    pub kr20: Option<f64>,
    pub cronbach_alpha: Option<f64>,
    pub mean_total: Option<f64>,
    pub sd_total: Option<f64>,
    pub items: Vec<AnalysedItem>,
}

fn flag_text(f: &grading::analysis::Flag) -> String {
    use grading::analysis::Flag as F;
    match f {
        F::TooHard { difficulty } => format!("too hard (p = {difficulty:.2})"),
        F::TooEasy { difficulty } => format!("too easy (p = {difficulty:.2})"),
        F::LowDiscrimination { discrimination } => format!("low discrimination ({discrimination:.2})"),
        F::NegativeDiscrimination { discrimination } => {
            format!("negative discrimination ({discrimination:.2}): check the key")
        }
        F::NoVariance => "everybody scored the same".to_owned(),
        F::ManyBlanks { fraction } => format!("{:.0}% left it blank", fraction * 100.0),
        F::DistractorAttractsStrong { option } => format!("option {option} attracts strong students"),
        F::DistractorNeverChosen { option } => format!("option {option} was never chosen"),
        F::AlphaRisesWithoutItem { alpha_without } => format!("reliability rises to {alpha_without:.2} without it"),
    }
}

impl App {
    /// Item analysis of an assignment, for the class's teachers (and administrators).
    pub async fn item_analysis(&self, caller: &Caller, id: &str) -> Result<AssignmentAnalysis> {
        let a = self.assignment_row(id).await?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &a.class).await?;
        let items = self.assignment_items(id).await?;
        let mut conn = self.store.read().await?;
        let submissions = store::assessment::submissions_of_assignment(&mut conn, id).await?;
        drop(conn);
        let students: Vec<_> =
            submissions.iter().map(|s| s.student.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        if students.is_empty() {
            return Err(UserError::Conflict("nobody has submitted yet".into()).into());
        }
        let row_of: HashMap<_, usize> = students.iter().enumerate().map(|(k, s)| (s.clone(), k)).collect();
        let col_of: HashMap<&str, usize> =
            items.iter().enumerate().map(|(k, (ai, _))| (ai.item_id.as_str(), k)).collect();
        let n_items = items.len();
        let mut scores = vec![vec![None; n_items]; students.len()];
        let mut choices = vec![vec![None; n_items]; students.len()];
        let mut n_unscored = 0;
        for s in &submissions {
            let (Some(&r), Some(&c)) = (row_of.get(&s.student), col_of.get(s.item.as_str())) else { continue };
            let max = items[c].0.max_points;
            match s.points {
                Some(p) => scores[r][c] = Some(p.clamp(0.0, max)),
                None => {
                    // Answered but not graded yet: counts as 0, not as blank.
                    scores[r][c] = Some(0.0);
                    n_unscored += 1;
                }
            }
            if matches!(items[c].1.kind, ItemKind::SingleChoice | ItemKind::TrueFalse) {
                choices[r][c] = StudentResponse::from_json(&s.response)?.single_choice();
            }
        }
        let mut keys = Vec::with_capacity(n_items);
        let mut offered = Vec::with_capacity(n_items);
        for (_, l) in &items {
            match &l.item.key {
                AnswerKey::Choice(c) if c.single => {
                    keys.push(c.correct.iter().next().map(|o| o.as_str().to_owned()));
                    offered.push(c.options.iter().map(|o| o.as_str().to_owned()).collect());
                }
                AnswerKey::TrueFalse(b) => {
                    keys.push(Some(b.to_string()));
                    offered.push(vec!["true".to_owned(), "false".to_owned()]);
                }
                _ => {
                    keys.push(None);
                    offered.push(Vec::new());
                }
            }
        }
        let max_points: Vec<f64> = items.iter().map(|(ai, _)| ai.max_points).collect();
        let matrix = ScoreMatrix::new(max_points, scores)
            .and_then(|m| m.with_choices(choices, keys, offered))
            .map_err(Error::internal)?;
        let result = analyse(&matrix, &FlagRules::classroom());
        let analysed = items
            .iter()
            .zip(&result.items)
            .map(|((ai, l), st)| AnalysedItem {
                item_id: ai.item_id.clone(),
                index: usize::try_from(ai.index).unwrap_or(0),
                kind: l.kind,
                difficulty: st.difficulty.value(),
                discrimination: st.discrimination.value(),
                alpha_if_deleted: st.alpha_if_deleted.value(),
                n_blank: st.n_blank,
                options: st
                    .options
                    .iter()
                    .map(|o| OptionAnalysis {
                        option: o.option.clone(),
                        is_key: o.is_key,
                        count: o.count,
                        proportion: o.proportion,
                        discrimination: o.discrimination.value(),
                    })
                    .collect(),
                flags: st.flags.iter().map(flag_text).collect(),
                reasons: st.flags.clone(),
            })
            .collect();
        let entry = self.audit_entry(
            caller,
            "read",
            &format!("class:{}", a.class),
            basis.as_ref(),
            &format!("item analysis of assignment {id}"),
        );
        self.audit_now(vec![entry]).await?;
        Ok(AssignmentAnalysis {
            assignment: id.to_owned(),
            n_students: students.len(),
            n_unscored,
            kr20: Stat::value(result.kr20),
            cronbach_alpha: result.cronbach_alpha.value(),
            mean_total: result.mean_total.value(),
            sd_total: result.sd_total.value(),
            items: analysed,
        })
    }
}
