//! Pure rules around machine-generated text for schools.
//!
//! - [`pii`]: names, ids, phone numbers, e-mail addresses and Chinese identity numbers are
//!   replaced by placeholders (`[NAME_1]`) before a prompt leaves the process, and restored in
//!   the reply afterwards.
//! - [`filter`]: an age-appropriate content filter with Chinese and English term lists.
//! - [`policy`]: per-stage generation rules and the school's remote-endpoint switch, as settings.
//! - [`marking`]: generated text stays "machine-written" until a teacher approves it.
//! - [`prompts`]: prompt templates (lesson plan, misconception feedback, reading-level rewrite,
//!   storybook) in zh-CN and English.
//!
//! What it does not do: run models, read settings files or clocks (time is an argument), or
//! store anything. Invariants: no I/O; every function is deterministic; redaction followed by
//! restoration gives back the original text when the model keeps the placeholders.

pub mod filter;
pub mod marking;
pub mod pii;
pub mod policy;
pub mod prompts;

#[cfg(test)]
mod tests;

/// The language of a text or of the requested output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Simplified Chinese.
    ZhCn,
    /// English.
    En,
}

/// Why a guard rail refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    /// The school does not allow prompts to leave the box.
    #[error("this school's settings keep prompts on the school server; a remote endpoint may not be used")]
    RemoteNotAllowed,
    /// Pupils of this stage may not generate open-ended text on their own.
    #[error("open-ended generation is not available to {0} pupils on their own; a teacher can generate and approve it")]
    OpenEndedNotAllowed(policy::Stage),
    /// Generated text failed the content filter.
    #[error("the text was withheld by the content filter ({category})")]
    Filtered {
        /// The category of the matched term (the term itself is not shown to pupils).
        category: filter::Category,
    },
    /// A machine-written text was shown to pupils before a teacher approved it.
    #[error("machine-written text must be approved by a teacher before pupils see it")]
    NotApproved,
    /// A prompt input is unusable.
    #[error("invalid prompt input: {0}")]
    InvalidInput(String),
}
