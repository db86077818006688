use super::*;

#[test]
fn ids_reject_empty_long_and_control_text() {
    assert_eq!(PersonId::parse(""), Err(IdError::Empty));
    assert_eq!(PersonId::parse("a".repeat(MAX_ID_LEN + 1)), Err(IdError::TooLong));
    assert_eq!(PersonId::parse("a\nb"), Err(IdError::ControlCharacter));
    assert_eq!(PersonId::parse("usr-s-001").map(|id| id.to_string()), Ok("usr-s-001".to_owned()));
    assert!(PersonId::parse("a".repeat(MAX_ID_LEN)).is_ok());
}
