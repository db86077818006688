//! Ids of items, options and responses: validated strings.

use std::fmt;

use crate::error::GradingError;

/// Longest id accepted, in bytes (the same limit as `base` ids).
pub const MAX_ID_LEN: usize = 128;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks that `s` is 1 to 128 bytes with no control characters.
            pub fn parse(s: impl Into<String>) -> Result<Self, GradingError> {
                let s = s.into();
                if s.is_empty() || s.len() > MAX_ID_LEN || s.chars().any(char::is_control) {
                    return Err(GradingError::InvalidId(s));
                }
                Ok(Self(s))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    )*};
}

id_type! {
    /// A question in the item bank.
    ItemId,
    /// An option of a choice item, or an element of an ordering or matching item.
    OptionId,
    /// One student's response to one item in one assignment.
    ResponseId,
}
