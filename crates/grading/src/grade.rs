//! Grades: points, why, and how sure the machine is.

/// How sure a machine grade is, from 0 (a guess) to 1 (certain).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Confidence(f64);

impl Confidence {
    /// Certain: exact matches of objective answers.
    pub const CERTAIN: Confidence = Confidence(1.0);
    /// No machine opinion at all.
    pub const NONE: Confidence = Confidence(0.0);

    /// Clamps into `0..=1`; NaN becomes 0.
    pub fn new(value: f64) -> Confidence {
        if value.is_nan() { Confidence(0.0) } else { Confidence(value.clamp(0.0, 1.0)) }
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

/// Below this confidence a machine grade is only a suggestion that a teacher must confirm.
pub const SUGGESTION_BELOW: Confidence = Confidence(0.9);

/// What the machine concluded about one response.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Scored by the machine.
    Scored { points: f64, max_points: f64 },
    /// A free-text answer: the trained scorer (crate `scoring`) or a teacher must grade it.
    NeedsScorer,
    /// The machine cannot grade this response; a teacher must.
    NeedsTeacher,
}

/// One structured reason behind a grade.
#[derive(Debug, Clone, PartialEq)]
pub enum Feedback {
    /// The response was empty.
    Blank,
    /// The response could not be read (bad encoding, too long, unparseable math, ...).
    Unreadable(String),
    /// Choice items: an option that should have been selected and was.
    SelectedCorrect(String),
    /// Choice items: a selected option that is wrong.
    SelectedWrong(String),
    /// Choice items: a correct option that was not selected.
    MissedCorrect(String),
    /// Choice items: a selected id that is not an option of the item.
    UnknownOption(String),
    /// Choice items: more options selected than the item allows.
    TooManySelected { selected: usize, max: usize },
    /// Numeric items: how far the answer is from the key, in the key's unit.
    NumericDistance { answer: f64, expected: f64, tolerance: f64, within: bool },
    /// Numeric items: the answer was converted from its unit to the key's unit.
    ConvertedUnit { from: String, to: String },
    /// Numeric items: the key expects a unit and the answer has none.
    MissingUnit { expected: String },
    /// Numeric items: the unit cannot be understood or measures something else.
    WrongUnit { given: String, expected: String },
    /// Numeric items: significant figures do not meet the rule.
    SignificantFigures { given: u32, required: u32 },
    /// Math items: equivalent to the reference, and how that was established.
    MathEquivalent(crate::math::Method),
    /// Math items: not equivalent to the reference.
    MathNotEquivalent,
    /// Text items: normalisations applied before matching (width, script, punctuation, ...).
    Normalised(Vec<crate::text::Normalisation>),
    /// Fill-in items: the blank matched this accepted answer.
    BlankMatched { blank: usize, accepted: String },
    /// Fill-in items: the blank matched nothing.
    BlankWrong { blank: usize },
    /// Ordering and matching items: how many positions or pairs were right.
    PartsCorrect { correct: usize, total: usize },
    /// A partial-credit rule produced the score.
    PartialCredit { rule: &'static str, credit: f64 },
    /// Free text: only a trained scorer or a teacher can grade it.
    NeedsScorer,
}

/// A machine grade: outcome, reasons and confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub outcome: Outcome,
    pub feedback: Vec<Feedback>,
    pub confidence: Confidence,
}

impl Grade {
    pub(crate) fn scored(credit: f64, max_points: f64, feedback: Vec<Feedback>, confidence: Confidence) -> Grade {
        let credit = if credit.is_nan() { 0.0 } else { credit.clamp(0.0, 1.0) };
        Grade { outcome: Outcome::Scored { points: credit * max_points, max_points }, feedback, confidence }
    }

    pub(crate) fn needs_teacher(feedback: Vec<Feedback>) -> Grade {
        Grade { outcome: Outcome::NeedsTeacher, feedback, confidence: Confidence::NONE }
    }

    /// Points awarded, if the machine scored the response.
    pub fn points(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Scored { points, .. } => Some(points),
            _ => None,
        }
    }

    /// True when a teacher must confirm or give the grade: not scored, or scored with low
    /// confidence. Every machine grade stays a suggestion until released (see `review`).
    pub fn is_uncertain(&self) -> bool {
        !matches!(self.outcome, Outcome::Scored { .. }) || self.confidence < SUGGESTION_BELOW
    }
}
