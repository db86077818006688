//! Conversions between stored columns and domain values.

use base::{Date, Timestamp};

use crate::{Error, Result};

/// Joins a list for a comma-separated column. Items never contain commas (they are OneRoster
/// list items, which are themselves comma-separated on the wire).
pub fn join_list(items: &[String]) -> String {
    items.join(",")
}

/// Splits a comma-separated column back into its items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("{what}: {e}"))
}

pub(crate) fn date(s: &str) -> Result<Date> {
    Date::parse(s).map_err(|e| corrupt("date", e))
}

pub(crate) fn opt_date(s: Option<&str>) -> Result<Option<Date>> {
    s.map(date).transpose()
}

pub(crate) fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms)
}

macro_rules! parse_id {
    ($ty:ty, $s:expr) => {
        <$ty>::parse($s).map_err(|e| $crate::rows::corrupt(stringify!($ty), e))
    };
}
pub(crate) use parse_id;
