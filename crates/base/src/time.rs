//! Points in time and calendar dates. Neither reads the clock.

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// A point in time, as whole milliseconds since the Unix epoch, UTC.
///
/// Milliseconds in an `i64` store the same way in SQLite and PostgreSQL and sort correctly.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The epoch itself.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// Builds a timestamp from milliseconds since the epoch.
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    /// Milliseconds since the epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// This instant plus `ms` milliseconds (saturating).
    pub const fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// This instant plus whole seconds.
    pub const fn plus_seconds(self, s: i64) -> Self {
        self.plus_millis(s.saturating_mul(1000))
    }

    /// The UTC calendar date this instant falls on.
    pub fn date_utc(self) -> Date {
        Date(self.to_offset_date_time().date())
    }

    /// Parses RFC 3339 text such as `2026-10-08T09:30:00.000Z`.
    pub fn parse_rfc3339(s: &str) -> Result<Self, DateError> {
        let t = time::OffsetDateTime::parse(s, &Rfc3339).map_err(|_| DateError::BadTimestamp)?;
        let ms = t.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(ms).map(Self).map_err(|_| DateError::BadTimestamp)
    }

    /// Formats as RFC 3339 in UTC with milliseconds, e.g. `2026-10-08T09:30:00.000Z`.
    pub fn to_rfc3339(self) -> String {
        let t = self.to_offset_date_time();
        let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
        t.format(&fmt).expect("a fixed format of an in-range UTC time always formats")
    }

    fn to_offset_date_time(self) -> time::OffsetDateTime {
        // Out-of-range values clamp to the largest representable instants rather than panic.
        let nanos = i128::from(self.0) * 1_000_000;
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if self.0 < 0 {
            time::PrimitiveDateTime::MIN.assume_utc()
        } else {
            time::PrimitiveDateTime::MAX.assume_utc()
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.to_rfc3339())
    }
}

/// Why text is not a date or timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as YYYY-MM-DD")]
    BadDate,
    #[error("expected an RFC 3339 timestamp such as 2026-10-08T09:30:00.000Z")]
    BadTimestamp,
}

/// A calendar date without a time zone, as schools use them (term start, birth date).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let fmt = format_description!("[year]-[month]-[day]");
        time::Date::parse(s, &fmt).map(Self).map_err(|_| DateError::BadDate)
    }

    /// Builds a date from its parts, if it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        let month = time::Month::try_from(month).map_err(|_| DateError::BadDate)?;
        time::Date::from_calendar_date(year, month, day).map(Self).map_err(|_| DateError::BadDate)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        u8::from(self.0.month())
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.0.day()
    }

    /// The date `n` days later (or earlier for negative `n`), saturating at the calendar's ends.
    pub fn plus_days(self, n: i64) -> Self {
        Self(self.0.checked_add(time::Duration::days(n)).unwrap_or(if n < 0 {
            time::Date::MIN
        } else {
            time::Date::MAX
        }))
    }

    /// Whole days from `self` to `other` (negative if `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).whole_days()
    }

    /// Days since Monday, 0–6.
    pub fn weekday_from_monday(self) -> u8 {
        self.0.weekday().number_days_from_monday()
    }

    /// Completed years of age on `today` for someone born on `self`.
    pub fn age_on(self, today: Date) -> u32 {
        let mut age = today.year() - self.year();
        if (today.month(), today.day()) < (self.month(), self.day()) {
            age -= 1;
        }
        u32::try_from(age).unwrap_or(0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

#[cfg(test)]
mod tests;
