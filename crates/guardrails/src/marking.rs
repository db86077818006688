//! Provenance of generated text: machine-written until a teacher approves it.

use base::{PersonId, Timestamp};

use crate::GuardError;

/// Who stands behind a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// Written by a model; not yet checked by a teacher.
    MachineWritten {
        /// The model that wrote it.
        model: String,
        /// When.
        generated_at: Timestamp,
    },
    /// Written by a model and approved (possibly after edits) by a teacher.
    TeacherApproved {
        /// The model that wrote the draft.
        model: String,
        /// The approving teacher.
        teacher: PersonId,
        /// When it was approved.
        approved_at: Timestamp,
        /// Whether the teacher changed the text before approving.
        edited: bool,
    },
}

/// A generated text with its provenance. The only way to approval is [`approve`](Self::approve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedText {
    text: String,
    model: String,
    generated_at: Timestamp,
    edited: bool,
    // Invariant: `Some` only while `text` is exactly what the teacher approved.
    approval: Option<(PersonId, Timestamp)>,
}

impl MarkedText {
    /// A fresh model output.
    pub fn machine_written(text: String, model: String, generated_at: Timestamp) -> MarkedText {
        MarkedText { text, model, generated_at, edited: false, approval: None }
    }

    /// The text (for teachers; pupils go through [`Self::for_pupils`]).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its provenance.
    pub fn provenance(&self) -> Provenance {
        match &self.approval {
            None => Provenance::MachineWritten { model: self.model.clone(), generated_at: self.generated_at },
            Some((teacher, approved_at)) => Provenance::TeacherApproved {
                model: self.model.clone(),
                teacher: teacher.clone(),
                approved_at: *approved_at,
                edited: self.edited,
            },
        }
    }

    /// Whether a teacher has approved it.
    pub fn is_approved(&self) -> bool {
        self.approval.is_some()
    }

    /// A teacher's edit. Editing an approved text makes it a draft again, because the
    /// approval was for other words.
    pub fn edit(&mut self, text: String) {
        if text != self.text {
            self.text = text;
            self.edited = true;
            self.approval = None;
        }
    }

    /// Approves the current text.
    pub fn approve(&mut self, teacher: PersonId, now: Timestamp) {
        if self.approval.is_none() {
            self.approval = Some((teacher, now));
        }
    }

    /// The text if pupils may see it.
    pub fn for_pupils(&self) -> Result<&str, GuardError> {
        if self.is_approved() { Ok(&self.text) } else { Err(GuardError::NotApproved) }
    }

    /// The label shown next to the text: "AI draft" until approved.
    pub fn label(&self, language: crate::Language) -> &'static str {
        match (self.is_approved(), language) {
            (false, crate::Language::ZhCn) => "AI 草稿（待教师审核）",
            (false, crate::Language::En) => "AI draft (awaiting teacher review)",
            (true, crate::Language::ZhCn) => "AI 生成，教师已审核",
            (true, crate::Language::En) => "AI-generated, approved by a teacher",
        }
    }
}
