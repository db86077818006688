use super::*;

fn t(s: i64) -> Timestamp {
    Timestamp::from_millis(s * 1000)
}

#[test]
fn five_failures_lock_a_username_until_the_window_passes() {
    let mut th = LoginThrottle::new(5, 50, 900_000);
    for i in 0..5 {
        assert_eq!(th.check("li.na", "10.0.0.2", t(i)), Ok(()));
        th.fail("li.na", "10.0.0.2", t(i));
    }
    assert_eq!(th.check("LI.NA", "10.0.0.9", t(10)), Err(890), "case and address do not matter");
    assert_eq!(th.check("wang.fang", "10.0.0.9", t(10)), Ok(()), "other users are unaffected");
    assert_eq!(th.check("li.na", "10.0.0.2", t(900)), Ok(()), "the first failure has aged out");
}

#[test]
fn successes_never_count_so_a_class_can_sign_in_together() {
    let mut th = LoginThrottle::new(5, 3, 900_000);
    for i in 0..50 {
        assert_eq!(th.check(&format!("student{i}"), "10.0.0.1", t(0)), Ok(()));
        th.succeed(&format!("student{i}"));
    }
}

#[test]
fn many_failures_from_one_address_lock_the_address() {
    let mut th = LoginThrottle::new(5, 3, 900_000);
    for i in 0..3 {
        th.fail(&format!("guess{i}"), "10.9.9.9", t(0));
    }
    assert!(th.check("someone.else", "10.9.9.9", t(1)).is_err());
    assert!(th.check("someone.else", "10.0.0.1", t(1)).is_ok());
}
