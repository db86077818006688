//! A small school, written through the store's own functions.

use base::{AcademicSessionId, ClassId, CourseId, Date, EnrollmentId, OrgId, PersonId, Timestamp};
use records::{
    AcademicSession, Class, ClassType, Course, Enrollment, EnrollmentRole, Guardianship, Org, OrgKind, Person,
    PersonName, Role, RoleAssignment, SessionKind, Sex,
};
use store::people::Source;
use store::{Store, people, teaching};

pub const NOW: Timestamp = Timestamp::from_millis(1_795_000_000_000); // 2026-11-16
pub fn today() -> Date {
    NOW.date_utc()
}

pub fn pid(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}
pub fn oid(s: &str) -> OrgId {
    OrgId::parse(s).unwrap()
}
pub fn cid(s: &str) -> ClassId {
    ClassId::parse(s).unwrap()
}

pub fn person(id: &str, family: &str, given: &str, username: Option<&str>) -> Person {
    Person {
        id: pid(id),
        sourced_id: format!("src-{id}"),
        username: username.map(str::to_owned),
        given_name: PersonName::parse(given, "given").unwrap(),
        family_name: PersonName::parse(family, "family").unwrap(),
        preferred_name: None,
        identifier: None,
        email: None,
        phone: None,
        birth_date: Some(Date::parse("2013-05-01").unwrap()),
        sex: Sex::Unspecified,
        grades: vec!["07".into()],
        enabled: true,
        primary_org: Some(oid("school")),
        locale: None,
    }
}

/// county > school; classes A (teacher t1; students s1, s2) and B (teacher t2; student s3);
/// g1 is s1's guardian; a1 administers the school; c1 the county.
pub async fn school(store: &Store) {
    let mut tx = store.write().await.unwrap();
    let org = |id: &str, kind, parent: Option<&str>| Org {
        id: oid(id),
        sourced_id: format!("src-{id}"),
        name: format!("{id} name"),
        kind,
        identifier: None,
        parent: parent.map(oid),
    };
    teaching::insert_org(&mut tx, &org("county", OrgKind::County, None), Source::Local, NOW).await.unwrap();
    teaching::insert_org(&mut tx, &org("school", OrgKind::School, Some("county")), Source::Local, NOW).await.unwrap();
    let term = AcademicSession {
        id: AcademicSessionId::parse("term").unwrap(),
        sourced_id: "src-term".into(),
        title: "Term 1".into(),
        kind: SessionKind::Term,
        start: Date::parse("2026-09-01").unwrap(),
        end: Date::parse("2027-01-20").unwrap(),
        parent: None,
        school_year: 2027,
        org: Some(oid("school")),
    };
    teaching::insert_session(&mut tx, &term, Source::Local, NOW).await.unwrap();
    let course = Course {
        id: CourseId::parse("math7").unwrap(),
        sourced_id: "src-math7".into(),
        title: "七年级数学".into(),
        code: None,
        org: oid("school"),
        school_year: None,
        grades: vec!["07".into()],
        subjects: vec!["数学".into()],
    };
    teaching::insert_course(&mut tx, &course, Source::Local, NOW).await.unwrap();
    for k in ["A", "B"] {
        let class = Class {
            id: cid(k),
            sourced_id: format!("src-{k}"),
            title: format!("七年级({k})班 数学"),
            code: None,
            class_type: ClassType::Scheduled,
            course: course.id.clone(),
            school: oid("school"),
            location: None,
            grades: vec!["07".into()],
            subjects: vec!["数学".into()],
            periods: vec![],
            terms: vec![term.id.clone()],
        };
        teaching::insert_class(&mut tx, &class, Source::Local, NOW).await.unwrap();
    }
    let people = [
        ("t1", "张", "伟", Role::Teacher, "school"),
        ("t2", "李", "娜", Role::Teacher, "school"),
        ("s1", "王", "芳", Role::Student, "school"),
        ("s2", "刘", "洋", Role::Student, "school"),
        ("s3", "陈", "杰", Role::Student, "school"),
        ("g1", "王", "强", Role::Guardian, "school"),
        ("a1", "赵", "敏", Role::SchoolAdmin, "school"),
        ("c1", "孙", "丽", Role::CountyAdmin, "county"),
    ];
    for (id, family, given, role, org) in people {
        people::insert(&mut tx, &person(id, family, given, Some(id)), Source::Local, NOW).await.unwrap();
        let r = RoleAssignment { person: pid(id), role, org: oid(org), primary: true, begin: None, end: None };
        people::insert_role(&mut tx, &format!("role-{id}"), &format!("src-role-{id}"), &r, Source::Local, NOW)
            .await
            .unwrap();
    }
    let enrol = |id: &str, class: &str, person: &str, role| Enrollment {
        id: EnrollmentId::parse(id).unwrap(),
        sourced_id: format!("src-{id}"),
        class: cid(class),
        school: oid("school"),
        person: pid(person),
        role,
        primary: role == EnrollmentRole::Teacher,
        begin: Some(Date::parse("2026-09-01").unwrap()),
        end: None,
    };
    for (id, class, person, role) in [
        ("e1", "A", "t1", EnrollmentRole::Teacher),
        ("e2", "A", "s1", EnrollmentRole::Student),
        ("e3", "A", "s2", EnrollmentRole::Student),
        ("e4", "B", "t2", EnrollmentRole::Teacher),
        ("e5", "B", "s3", EnrollmentRole::Student),
    ] {
        teaching::insert_enrollment(&mut tx, &enrol(id, class, person, role), Source::Local, NOW).await.unwrap();
    }
    people::upsert_guardianship(
        &mut tx,
        &Guardianship { guardian: pid("g1"), student: pid("s1"), relation: "father".into() },
        Source::Local,
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}
