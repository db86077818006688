//! Per-stage generation rules and the remote-endpoint switch: settings, not code paths.

use crate::GuardError;
use crate::filter::{self, Category};

/// A school stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// 小学, grades 1–6.
    Primary,
    /// 初中, grades 7–9.
    JuniorSecondary,
    /// 高中, grades 10–12.
    SeniorSecondary,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Primary => "primary-school",
            Stage::JuniorSecondary => "junior-secondary",
            Stage::SeniorSecondary => "senior-secondary",
        })
    }
}

/// What pupils of one stage may do with generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRules {
    /// Pupils may start open-ended generation (free chat, storybooks) on their own.
    pub open_ended_for_pupils: bool,
    /// Categories withheld from pupils of this stage.
    pub blocked_categories: Vec<Category>,
    /// Longest generated text shown to a pupil, in characters.
    pub max_output_chars: usize,
}

impl StageRules {
    /// The project's recommended rules: primary pupils get no open-ended generation on their
    /// own and every category is blocked; older pupils may generate, with violence allowed
    /// from senior secondary (history and literature discuss it).
    pub fn recommended(stage: Stage) -> StageRules {
        use Category::*;
        match stage {
            Stage::Primary => StageRules {
                open_ended_for_pupils: false,
                blocked_categories: vec![Violence, Sexual, SelfHarm, Drugs, Profanity, Gambling],
                max_output_chars: 1500,
            },
            Stage::JuniorSecondary => StageRules {
                open_ended_for_pupils: true,
                blocked_categories: vec![Violence, Sexual, SelfHarm, Drugs, Profanity, Gambling],
                max_output_chars: 3000,
            },
            Stage::SeniorSecondary => StageRules {
                open_ended_for_pupils: true,
                blocked_categories: vec![Sexual, SelfHarm, Drugs, Profanity, Gambling],
                max_output_chars: 6000,
            },
        }
    }
}

/// A school's generation settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationPolicy {
    /// Whether any prompt may go to a remote endpoint (after redaction) at all.
    pub remote_endpoint_allowed: bool,
    /// Rules for primary pupils.
    pub primary: StageRules,
    /// Rules for junior-secondary pupils.
    pub junior_secondary: StageRules,
    /// Rules for senior-secondary pupils.
    pub senior_secondary: StageRules,
}

impl GenerationPolicy {
    /// The rules for `stage`.
    pub fn rules(&self, stage: Stage) -> &StageRules {
        match stage {
            Stage::Primary => &self.primary,
            Stage::JuniorSecondary => &self.junior_secondary,
            Stage::SeniorSecondary => &self.senior_secondary,
        }
    }

    /// Refuses unless prompts may leave the box.
    pub fn check_remote(&self) -> Result<(), GuardError> {
        if self.remote_endpoint_allowed { Ok(()) } else { Err(GuardError::RemoteNotAllowed) }
    }

    /// Refuses open-ended generation started by a pupil of `stage` when the rules forbid it.
    pub fn check_pupil_open_ended(&self, stage: Stage) -> Result<(), GuardError> {
        if self.rules(stage).open_ended_for_pupils { Ok(()) } else { Err(GuardError::OpenEndedNotAllowed(stage)) }
    }

    /// Checks text before a pupil of `stage` sees it: filtered categories and length.
    /// Returns the text, cut at the stage's length limit (at a character boundary).
    pub fn check_for_pupil<'t>(&self, stage: Stage, text: &'t str) -> Result<&'t str, GuardError> {
        let rules = self.rules(stage);
        if let Some(finding) = filter::first_blocked(text, &rules.blocked_categories) {
            return Err(GuardError::Filtered { category: finding.category });
        }
        Ok(match text.char_indices().nth(rules.max_output_chars) {
            Some((cut, _)) => &text[..cut],
            None => text,
        })
    }
}
