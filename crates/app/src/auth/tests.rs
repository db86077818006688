use super::*;

#[test]
fn passwords_hash_with_argon2id_and_verify() {
    let hash = hash_password("correct horse battery", PasswordCost::Standard).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "OWASP's parameters: {hash}");
    assert!(verify_password("correct horse battery", &hash));
    assert!(!verify_password("correct horse batterY", &hash));
    assert_ne!(
        hash,
        hash_password("correct horse battery", PasswordCost::Standard).unwrap(),
        "every hash has its own salt"
    );
}

#[test]
fn short_and_absurd_passwords_are_refused_with_a_reason() {
    let short = hash_password("1234567", PasswordCost::Standard).unwrap_err();
    assert_eq!(short.as_user().map(UserError::code), Some("invalid"));
    assert!(hash_password(&"x".repeat(2000), PasswordCost::CheapForTests).is_err());
    assert!(!verify_password(&"x".repeat(2000), DUMMY_HASH));
}

#[test]
fn the_dummy_hash_is_a_real_argon2id_hash_so_unknown_users_cost_the_same() {
    let parsed = argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).unwrap();
    assert_eq!(parsed.algorithm.as_str(), "argon2id");
    assert!(!verify_password("anything at all", DUMMY_HASH));
}

#[test]
fn secrets_are_random_and_stored_only_as_hashes() {
    let (a, b) = (random_secret(32).unwrap(), random_secret(32).unwrap());
    assert_ne!(a, b);
    assert_eq!(a.len(), 43);
    assert_eq!(secret_hash(&a).len(), 64);
    assert_ne!(secret_hash(&a), a);
}

#[test]
fn cheap_test_hashes_still_verify_with_the_standard_verifier() {
    let hash = hash_password("correct horse battery", PasswordCost::CheapForTests).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{hash}");
    assert!(verify_password("correct horse battery", &hash));
}
