use super::*;

fn id(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

fn org(s: &str) -> OrgId {
    OrgId::parse(s).unwrap()
}

fn principal(person: &str, grants: &[(Role, &str)]) -> Principal {
    Principal {
        person: id(person),
        grants: grants.iter().map(|(role, o)| Grant { role: *role, org: org(o) }).collect(),
    }
}

fn facts() -> StudentFacts {
    StudentFacts {
        student: Some(id("s1")),
        orgs: vec![org("school-1"), org("county-1"), org("province-1")],
        teachers: vec![id("t1")],
        guardians: vec![id("g1")],
        duties: vec![],
    }
}

const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

/// Renders one decision per access kind, so a table shows the whole policy for a principal.
fn check(p: &Principal, facts: &StudentFacts) -> String {
    [Access::Read, Access::ReadSensitive, Access::WriteCoursework, Access::WriteRecord, Access::ManageConsent]
        .into_iter()
        .map(|a| match authorize_student(p, a, facts, NOW) {
            Ok(basis) => format!("{a:?}=ok({basis})"),
            Err(d) => format!("{a:?}=no({d:?})"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn each_relationship_gets_exactly_its_rights() {
    let f = facts();
    let table = [
        ("self", check(&principal("s1", &[(Role::Student, "school-1")]), &f)),
        ("other student", check(&principal("s2", &[(Role::Student, "school-1")]), &f)),
        ("guardian", check(&principal("g1", &[(Role::Guardian, "school-1")]), &f)),
        ("other guardian", check(&principal("g2", &[(Role::Guardian, "school-1")]), &f)),
        ("teacher", check(&principal("t1", &[(Role::Teacher, "school-1")]), &f)),
        ("other teacher", check(&principal("t2", &[(Role::Teacher, "school-1")]), &f)),
        ("counselor", check(&principal("c1", &[(Role::Counselor, "school-1")]), &f)),
        ("school admin", check(&principal("a1", &[(Role::SchoolAdmin, "school-1")]), &f)),
        ("other school admin", check(&principal("a2", &[(Role::SchoolAdmin, "school-2")]), &f)),
        ("county admin", check(&principal("c9", &[(Role::CountyAdmin, "county-1")]), &f)),
    ]
    .map(|(who, decisions)| format!("{who}: {decisions}"))
    .join("\n");
    expect_test::expect![[r#"
        self: Read=ok(own) ReadSensitive=ok(own) WriteCoursework=no(RoleCannot) WriteRecord=no(RoleCannot) ManageConsent=ok(own)
        other student: Read=no(NotRelated) ReadSensitive=no(NotRelated) WriteCoursework=no(NotRelated) WriteRecord=no(NotRelated) ManageConsent=no(NotRelated)
        guardian: Read=ok(guardian) ReadSensitive=ok(guardian) WriteCoursework=no(RoleCannot) WriteRecord=no(RoleCannot) ManageConsent=ok(guardian)
        other guardian: Read=no(NotRelated) ReadSensitive=no(NotRelated) WriteCoursework=no(NotRelated) WriteRecord=no(NotRelated) ManageConsent=no(NotRelated)
        teacher: Read=ok(teacher) ReadSensitive=no(RoleCannot) WriteCoursework=ok(teacher) WriteRecord=no(RoleCannot) ManageConsent=no(RoleCannot)
        other teacher: Read=no(NotRelated) ReadSensitive=no(NotRelated) WriteCoursework=no(NotRelated) WriteRecord=no(NotRelated) ManageConsent=no(NotRelated)
        counselor: Read=ok(counselor) ReadSensitive=no(RoleCannot) WriteCoursework=no(RoleCannot) WriteRecord=no(RoleCannot) ManageConsent=no(RoleCannot)
        school admin: Read=ok(school_admin:school-1) ReadSensitive=ok(school_admin:school-1) WriteCoursework=ok(school_admin:school-1) WriteRecord=ok(school_admin:school-1) ManageConsent=ok(school_admin:school-1)
        other school admin: Read=no(NotRelated) ReadSensitive=no(NotRelated) WriteCoursework=no(NotRelated) WriteRecord=no(NotRelated) ManageConsent=no(NotRelated)
        county admin: Read=no(AggregateOnly) ReadSensitive=no(AggregateOnly) WriteCoursework=no(AggregateOnly) WriteRecord=no(AggregateOnly) ManageConsent=no(AggregateOnly)"#]]
    .assert_eq(&table);
}

#[test]
fn a_duty_opens_individual_records_to_its_holder_until_it_expires() {
    let county = principal("c9", &[(Role::CountyAdmin, "county-1")]);
    let duty = |holder: &str, scope, expires: i64, revoked| Duty {
        id: RecordId::parse("d1").unwrap(),
        holder: id(holder),
        scope,
        reason: "transfer appeal".into(),
        starts: Timestamp::from_millis(0),
        expires: Timestamp::from_millis(expires),
        revoked,
    };
    let read = |d: Duty| {
        let mut f = facts();
        f.duties.push(d);
        authorize_student(&county, Access::Read, &f, NOW)
    };
    let later = NOW.millis() + 1;
    assert_eq!(
        read(duty("c9", DutyScope::Student(id("s1")), later, false)),
        Ok(Basis::Duty(RecordId::parse("d1").unwrap()))
    );
    assert_eq!(
        read(duty("c9", DutyScope::Org(org("school-1")), later, false)),
        Ok(Basis::Duty(RecordId::parse("d1").unwrap()))
    );
    assert_eq!(read(duty("c9", DutyScope::Student(id("s2")), later, false)), Err(Denied::AggregateOnly));
    assert_eq!(read(duty("c8", DutyScope::Student(id("s1")), later, false)), Err(Denied::AggregateOnly));
    assert_eq!(read(duty("c9", DutyScope::Student(id("s1")), NOW.millis(), false)), Err(Denied::AggregateOnly));
    assert_eq!(read(duty("c9", DutyScope::Student(id("s1")), later, true)), Err(Denied::AggregateOnly));
}

#[test]
fn a_county_admin_elsewhere_gets_nothing_at_all() {
    let other = principal("c8", &[(Role::CountyAdmin, "county-2")]);
    assert_eq!(authorize_student(&other, Access::Read, &facts(), NOW), Err(Denied::NotRelated));
}

#[test]
fn class_rosters_are_for_their_teachers_and_school_admins() {
    let facts = ClassFacts {
        class: ClassId::parse("c1").unwrap(),
        orgs: vec![org("school-1"), org("county-1")],
        teachers: vec![id("t1")],
    };
    assert_eq!(authorize_class(&principal("t1", &[]), Access::WriteCoursework, &facts), Ok(Basis::Teacher));
    assert_eq!(
        authorize_class(&principal("t2", &[(Role::Teacher, "school-1")]), Access::Read, &facts),
        Err(Denied::NotRelated)
    );
    assert!(authorize_class(&principal("a1", &[(Role::SchoolAdmin, "school-1")]), Access::Read, &facts).is_ok());
    assert_eq!(
        authorize_class(&principal("c9", &[(Role::CountyAdmin, "county-1")]), Access::Read, &facts),
        Err(Denied::AggregateOnly)
    );
}

#[test]
fn organisations_are_managed_by_their_admins_and_those_above() {
    let ancestry = [org("school-1"), org("county-1")];
    assert!(authorize_org(&principal("a1", &[(Role::SchoolAdmin, "school-1")]), &ancestry).is_ok());
    assert!(authorize_org(&principal("c9", &[(Role::CountyAdmin, "county-1")]), &ancestry).is_ok());
    assert!(authorize_org(&principal("t1", &[(Role::Teacher, "school-1")]), &ancestry).is_err());
    assert!(authorize_org(&principal("a2", &[(Role::SchoolAdmin, "school-2")]), &ancestry).is_err());
}
