//! Fill-in text normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Normalisation {
    Width,
}
