use super::*;

#[test]
fn timestamps_round_trip_through_rfc3339() {
    let t = Timestamp::parse_rfc3339("2026-10-08T09:30:00.000Z").unwrap();
    assert_eq!(t.to_rfc3339(), "2026-10-08T09:30:00.000Z");
    assert_eq!(t.date_utc().to_string(), "2026-10-08");
    let offset = Timestamp::parse_rfc3339("2026-10-08T17:30:00+08:00").unwrap();
    assert_eq!(offset, t);
    assert_eq!(Timestamp::parse_rfc3339("yesterday"), Err(DateError::BadTimestamp));
}

#[test]
fn extreme_timestamps_format_without_panicking() {
    assert!(!Timestamp::from_millis(i64::MAX).to_rfc3339().is_empty());
    assert!(!Timestamp::from_millis(i64::MIN).to_rfc3339().is_empty());
}

#[test]
fn dates_parse_strictly_and_count_age() {
    assert_eq!(Date::parse("2026-02-30"), Err(DateError::BadDate));
    assert_eq!(Date::parse("1/05/2023"), Err(DateError::BadDate));
    let born = Date::parse("2012-11-24").unwrap();
    assert_eq!(born.age_on(Date::parse("2026-11-23").unwrap()), 13);
    assert_eq!(born.age_on(Date::parse("2026-11-24").unwrap()), 14);
    assert_eq!(born.age_on(Date::parse("2000-01-01").unwrap()), 0);
    assert_eq!(born.plus_days(7).to_string(), "2012-12-01");
    assert_eq!(born.days_until(born.plus_days(-3)), -3);
}
