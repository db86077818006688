use super::*;

#[test]
fn national_student_ids_check_the_identity_number() {
    // 11010519491231002X is the published sample identity number of GB 11643-1999.
    let id = NationalStudentId::parse("g11010519491231002x").unwrap();
    assert_eq!(id.expose(), "G11010519491231002X");
    assert_eq!(id.masked(), "G110************02X");
    assert_eq!(format!("{id:?}"), "NationalStudentId(G110************02X)");
    assert!(NationalStudentId::parse("G110105194912310021").is_err(), "wrong check character");
    assert!(NationalStudentId::parse("G1101051949123100").is_err(), "too short");
    assert!(NationalStudentId::parse("X11010519491231002X").is_err(), "unknown prefix");
    assert!(NationalStudentId::parse("L2026ABC0000000001").is_err(), "17 characters after L");
    assert!(NationalStudentId::parse("L2026ABC00000000012").is_ok());
    assert_eq!(NationalStudentId::from_identity_digits("11010519491231002").unwrap().expose(), "G11010519491231002X");
}

#[test]
fn errors_about_national_ids_never_contain_the_whole_id() {
    let err = NationalStudentId::parse("G110105194912310021").unwrap_err().to_string();
    assert!(!err.contains("110105194912310021"), "{err}");
}

#[test]
fn names_are_trimmed_and_bounded() {
    assert_eq!(PersonName::parse("  芳 ", "given name").unwrap().as_str(), "芳");
    assert_eq!(PersonName::parse(" ", "given name"), Err(RecordError::Empty { field: "given name" }));
    assert!(PersonName::parse(&"x".repeat(101), "given name").is_err());
}

#[test]
fn chinese_names_read_family_name_first() {
    let mut p = Person {
        id: PersonId::parse("p1").unwrap(),
        sourced_id: "p1".into(),
        username: None,
        given_name: PersonName::parse("芳", "given").unwrap(),
        family_name: PersonName::parse("王", "family").unwrap(),
        preferred_name: None,
        identifier: None,
        email: None,
        phone: None,
        birth_date: None,
        sex: Sex::Female,
        grades: vec![],
        enabled: true,
        primary_org: None,
        locale: None,
    };
    assert_eq!(p.display_name(), "王芳");
    p.given_name = PersonName::parse("Anna", "given").unwrap();
    p.family_name = PersonName::parse("Smith", "family").unwrap();
    assert_eq!(p.display_name(), "Anna Smith");
}

#[test]
fn roles_round_trip_through_their_names() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Ok(role));
    }
    assert!(Role::parse("administrator").is_err());
}
