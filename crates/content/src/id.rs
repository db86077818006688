//! Validated ids of channels, courses, units, resources, exercise items and knowledge points.

use std::fmt;

use crate::error::ContentError;

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

/// Why `s` is not a usable id, if it is not: empty, too long, or holding a control character.
fn problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        Some("it is empty")
    } else if s.len() > MAX_ID_LEN {
        Some("it is longer than 128 bytes")
    } else if s.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    }
}

/// Channel ids name files in an export (`channels/<id>.json`), so they are restricted further.
fn channel_problem(s: &str) -> Option<&'static str> {
    if let Some(p) = problem(s) {
        return Some(p);
    }
    let first_ok = s.as_bytes()[0].is_ascii_lowercase() || s.as_bytes()[0].is_ascii_digit();
    let rest_ok = s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if first_ok && rest_ok {
        None
    } else {
        Some("channel ids use a-z, 0-9, '.', '_' and '-' and start with a letter or digit")
    }
}

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident $what:literal $check:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks that `s` is a usable id.
            pub fn parse(s: impl Into<String>) -> Result<Self, ContentError> {
                let s = s.into();
                match $check(&s) {
                    None => Ok(Self(s)),
                    Some(problem) => Err(ContentError::InvalidId { what: $what, id: s, problem }),
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ContentError;
            fn try_from(s: String) -> Result<Self, ContentError> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
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
    /// A channel, e.g. `county-maths-junior`. Stable across versions.
    ChannelId "channel" channel_problem,
    /// A course inside a channel.
    CourseId "course" problem,
    /// A unit inside a course; unique in its channel.
    UnitId "unit" problem,
    /// A resource; unique in its channel.
    ResourceId "resource" problem,
    /// An exercise item (its body lives in the exercise's item file), e.g. `le-0042`.
    ItemId "item" problem,
    /// A knowledge point, e.g. `linear-eq.transpose`, as the knowledge graph names it.
    KpId "knowledge point" problem,
}
