use super::*;

const DAY: i64 = MS_PER_DAY;

fn at_day(day: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + day * DAY)
}

#[test]
fn a_first_review_starts_from_the_published_default_parameters() {
    // fsrs-rs `next_states` documentation: default FSRS-6 parameters, new card.
    let scheduler = ReviewScheduler::with_default_parameters(0.9);
    let again = scheduler.review(None, false, at_day(0));
    let good = scheduler.review(None, true, at_day(0));
    assert_eq!((again.stability, again.difficulty), (0.212, 6.4133));
    assert_eq!((good.stability, good.difficulty), (2.3065, 2.118104));
    assert_eq!(good.reviews, 1);
}

#[test]
fn a_review_history_matches_the_fsrs_reference_vector() {
    // fsrs-rs inference tests (`test_next_states`): ratings Again, Good, Good, Good at
    // intervals 0, 1, 3, 8 days with the test parameters, then a review 21 days later.
    let parameters = [
        0.6845422,
        1.6790825,
        4.7349424,
        10.042885,
        7.4410233,
        0.64219797,
        1.071918,
        0.0025195254,
        1.432437,
        0.1544,
        0.8692766,
        2.0696752,
        0.0953,
        0.2975,
        2.4691248,
        0.19542035,
        3.201072,
        0.18046261,
        0.121442534,
    ];
    let scheduler = ReviewScheduler::with_parameters(&parameters, 0.9).unwrap();
    let mut state = scheduler.review(None, false, at_day(0));
    for day in [1, 4, 12] {
        state = scheduler.review(Some(state), true, at_day(day));
    }
    let again = scheduler.review(Some(state), false, at_day(33));
    let good = scheduler.review(Some(state), true, at_day(33));
    assert_eq!((again.stability, again.difficulty), (2.9691455, 8.000659));
    assert_eq!((good.stability, good.difficulty), (31.722992, 7.382128));
    assert_eq!(good.reviews, 5);
}

#[test]
fn recall_fades_to_the_desired_retention_on_the_due_date() {
    let scheduler = ReviewScheduler::with_default_parameters(0.9);
    let state = scheduler.review(None, true, at_day(0));
    assert_eq!(scheduler.retrievability(&state, at_day(0)), 1.0);
    let due = scheduler.due(&state);
    let r = scheduler.retrievability(&state, due);
    assert!((r - 0.9).abs() < 1e-3, "retrievability on the due date is {r}");
    assert!(scheduler.retrievability(&state, at_day(30)) < r);
}

#[test]
fn a_review_dated_before_the_last_one_counts_as_the_same_day() {
    let scheduler = ReviewScheduler::with_default_parameters(0.9);
    let state = scheduler.review(None, true, at_day(5));
    let earlier = scheduler.review(Some(state), true, at_day(2));
    assert_eq!(earlier.last_review(), at_day(5));
    assert!(earlier.stability.is_finite() && earlier.stability > 0.0);
}

#[test]
fn invalid_parameters_are_an_error_not_a_panic() {
    assert!(ReviewScheduler::with_parameters(&[1.0, 2.0], 0.9).is_err());
    assert!(ReviewScheduler::with_parameters(&[f32::NAN; 21], 0.9).is_err());
}
