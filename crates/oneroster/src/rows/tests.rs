use super::*;
use crate::Rejection;

fn files(list: &[(&str, &str)]) -> RosterFiles {
    let mut f = RosterFiles::new();
    for (name, text) in list {
        f.insert(name, text.as_bytes().to_vec());
    }
    f
}

fn manifest_for(entries: &[(&str, &str)]) -> String {
    let mut s = String::from("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n");
    for (k, v) in entries {
        s.push_str(&format!("file.{k},{v}\n"));
    }
    s
}

/// Parses every row of `T`'s file and renders one line per row: the record or its errors.
fn check<T: RowType + std::fmt::Debug>(mode: &str, csv: &str) -> String {
    let name = T::FILE.file_name();
    let f = files(&[("manifest.csv", &manifest_for(&[(T::FILE.key(), mode)])), (&name, csv)]);
    let manifest = Manifest::parse(&f).unwrap();
    let rows = match parse_rows::<T>(&f, &manifest) {
        Ok(rows) => rows.unwrap(),
        Err(e) => return e.to_string(),
    };
    rows.map(|r| match r {
        Ok(row) => format!("{} {:?} {:?}", row.meta.sourced_id, row.meta.status, row.record),
        Err(errors) => errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    })
    .collect::<Vec<_>>()
    .join("\n")
}

const ORGS: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\n";

#[test]
fn bulk_rows_parse_with_crlf_bom_and_quotes() {
    let csv =
        format!("\u{feff}{ORGS}org-1,,,\"示例县, 教育局\",district,C1,\r\norg-2,,,第一中学,school,,org-1\r\n\r\n");
    expect_test::expect![[r#"
        org-1 Active Some(OrgRow { name: "示例县, 教育局", kind: County, identifier: Some("C1"), parent: None })
        org-2 Active Some(OrgRow { name: "第一中学", kind: School, identifier: None, parent: Some("org-1") })"#]]
    .assert_eq(&check::<OrgRow>("bulk", &csv));
}

#[test]
fn each_bad_field_is_reported_with_line_and_column() {
    let csv = format!("{ORGS}org-1,active,,County,district,,\norg-2,,,,school,,\norg-3,,,X,city,,\norg-4,,,Y\n");
    expect_test::expect![[r#"
        orgs.csv:2:2 (status): must be blank in a bulk file (the manifest says bulk)
        orgs.csv:3:4 (name): is required
        orgs.csv:4:5 (type): "city" is not one of: department, school, district, local, state, national
        orgs.csv:5: expected 7 fields like the header, found 4"#]]
    .assert_eq(&check::<OrgRow>("bulk", &csv));
}

#[test]
fn delta_rows_need_a_status_and_a_timestamp() {
    let csv = format!(
        "{ORGS}org-1,active,2026-10-08T09:30:00.000Z,County,district,,\norg-2,tobedeleted,2026-10-08T09:30:00Z,,,,\norg-3,,,Z,school,,\norg-4,removed,yesterday,Z,school,,\n"
    );
    expect_test::expect![[r#"
        org-1 Active Some(OrgRow { name: "County", kind: County, identifier: None, parent: None })
        org-2 ToBeDeleted None
        orgs.csv:4:2 (status): is required; orgs.csv:4:3 (dateLastModified): is required
        orgs.csv:5:2 (status): expected active or tobedeleted, found "removed"; orgs.csv:5:3 (dateLastModified): expected a timestamp like 2026-10-08T09:30:00.000Z, found "yesterday""#]]
    .assert_eq(&check::<OrgRow>("delta", &csv));
}

#[test]
fn a_wrong_header_is_rejected_at_its_column() {
    let csv = "sourcedId,status,dataLastModified,name,type,identifier,parentSourcedId\n";
    expect_test::expect![[r#"orgs.csv:1:3 (dataLastModified): expected the column "dateLastModified" here (OneRoster 1.2 column names and order are fixed), found "dataLastModified""#]]
        .assert_eq(&check::<OrgRow>("bulk", csv));
    let csv = format!("{},extra\n", ORGS.trim_end());
    expect_test::expect!["orgs.csv:1:8 (extra): extra columns must be named metadata.<something>"].assert_eq(&check::<
        OrgRow,
    >(
        "bulk", &csv,
    ));
}

#[test]
fn users_check_booleans_names_ids_and_the_national_id() {
    let header = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns,metadata.nationalStudentId\n";
    let csv = format!(
        "{header}u1,,,true,wang.fang,{{local:S1}},芳,王,,S1,,,,g1,07,,,,,,org-1,,G11010519491231002X\n\
         u2,,,TRUE,li,{{bad}},,李,,,,,,,7,secret,,,,,,,G110105194912310021\n"
    );
    expect_test::expect![[r#"
        u1 Active Some(UserRow { enabled: true, username: "wang.fang", user_ids: [("local", "S1")], given_name: "芳", family_name: "王", middle_name: None, identifier: Some("S1"), email: None, sms: None, phone: None, agents: ["g1"], grades: ["07"], has_password: false, preferred_given_name: None, preferred_family_name: None, primary_org: Some("org-1"), national_student_id: Some(NationalStudentId(G110************02X)) })
        users.csv:3:4 (enabledUser): expected true or false (lower case), found "TRUE"; users.csv:3:7 (givenName): is required; users.csv:3:6 (userIds): {bad} has no colon between type and id; users.csv:3:15 (grades): "7" is not a grade code (01–13, KG, PK, …, or ext:…); users.csv:3:23 (metadata.nationalStudentId): national student id "G110************021" is not valid: the check character does not match"#]]
    .assert_eq(&check::<UserRow>("bulk", &csv));
}

#[test]
fn subjects_and_codes_must_pair_up() {
    let header = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\n";
    let csv = format!("{header}c1,,,,Physics,,\"09,10\",org-1,\"Science, Physics\",PHY\n");
    expect_test::expect!["courses.csv:2:10 (subjectCodes): has 1 code(s) for 2 subject(s); they must pair up"]
        .assert_eq(&check::<CourseRow>("bulk", &csv));
}

#[test]
fn roles_use_the_1_2_vocabulary() {
    let header = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n";
    let csv = format!(
        "{header}r1,,,u1,primary,administrator,,,org-1,\nr2,,,u1,secondary,districtAdministrator,1/05/2023,,org-1,\n"
    );
    expect_test::expect![[r#"
        roles.csv:2:6 (role): "administrator" is not a OneRoster 1.2 role: use siteAdministrator or districtAdministrator
        roles.csv:3:7 (beginDate): expected a date as YYYY-MM-DD, found "1/05/2023""#]]
    .assert_eq(&check::<RoleRow>("bulk", &csv));
}

#[test]
fn invalid_utf8_names_the_line_and_column() {
    let name = "orgs.csv";
    let mut bytes = ORGS.as_bytes().to_vec();
    bytes.extend_from_slice(b"org-1,,,\xd6\xd0\xce\xc4,school,,\n");
    let mut f = files(&[("manifest.csv", &manifest_for(&[("orgs", "bulk")]))]);
    f.insert(name, bytes);
    let manifest = Manifest::parse(&f).unwrap();
    let errors: Vec<String> = parse_rows::<OrgRow>(&f, &manifest)
        .unwrap()
        .unwrap()
        .filter_map(|r| r.err())
        .flatten()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("orgs.csv:2:4 (name): the text is not valid UTF-8"), "{}", errors[0]);
}

#[test]
fn an_unterminated_quote_stops_the_file_with_its_line() {
    let csv = format!("{ORGS}org-1,,,\"never closed,school,,\n");
    let out = check::<OrgRow>("bulk", &csv);
    assert!(out.starts_with("orgs.csv:") && out.lines().count() == 1, "{out}");
}

fn manifest_errors(list: &[(&str, &str)]) -> String {
    match Manifest::parse(&files(list)) {
        Ok(_) => "ok".into(),
        Err(Rejection { errors, .. }) => errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
    }
}

#[test]
fn the_manifest_must_match_the_files_present() {
    let m = manifest_for(&[("orgs", "bulk"), ("users", "absent"), ("scoreScales", ""), ("lineItems", "bulk")]);
    expect_test::expect![[r#"
        manifest.csv:4: the manifest lists orgs.csv as bulk but the file is missing
        manifest.csv:5: users.csv is present but the manifest says absent
        manifest.csv:6: file.scoreScales is ""; it must be absent, bulk or delta
        manifest.csv:7: the manifest lists lineItems.csv as bulk but the file is missing
        userprofiles.csv: userprofiles.csv is not listed in the manifest (file names are case-sensitive: did you mean userProfiles.csv?)"#]]
    .assert_eq(&manifest_errors(&[("manifest.csv", &m), ("users.csv", ORGS), ("userprofiles.csv", "x")]));
    let old = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n";
    expect_test::expect![[r#"manifest.csv:3: oneroster.version is "1.1"; Inkstone imports OneRoster 1.2 CSV (ask the sending system for a 1.2 export)"#]]
        .assert_eq(&manifest_errors(&[("manifest.csv", old)]));
    expect_test::expect!["manifest.csv: manifest.csv is missing: every OneRoster set starts with one"]
        .assert_eq(&manifest_errors(&[]));
}

#[test]
fn a_written_set_reads_back() {
    let mut users = crate::Table::for_file(RosterFile::Users);
    users.push(&[
        ("sourcedId", "u1".into()),
        ("enabledUser", "true".into()),
        ("username", "wang.fang".into()),
        ("givenName", "芳".into()),
        ("familyName", "王, \"小\"".into()),
        (crate::NATIONAL_ID_COLUMN, "G11010519491231002X".into()),
    ]);
    let set = crate::WriteSet { mode: FileMode::Bulk, tables: vec![users], system_name: "test".into() };
    let zipped = RosterFiles::from_zip(&set.to_zip(), crate::ZipLimits::DEFAULT).unwrap();
    let manifest = Manifest::parse(&zipped).unwrap();
    let rows: Vec<_> = parse_rows::<UserRow>(&zipped, &manifest).unwrap().unwrap().collect();
    let user = rows[0].as_ref().unwrap().record.as_ref().unwrap();
    assert_eq!(user.family_name, "王, \"小\"");
    assert_eq!(user.national_student_id.as_ref().map(|n| n.expose()), Some("G11010519491231002X"));
}

#[test]
fn a_zip_bomb_is_refused() {
    let big = crate::Table {
        file: RosterFile::Orgs,
        columns: vec!["sourcedId".into()],
        rows: vec![vec!["x".repeat(10_000)]; 200],
    };
    let set = crate::WriteSet { mode: FileMode::Bulk, tables: vec![big], system_name: "test".into() };
    let limits = crate::ZipLimits { max_total_bytes: 100_000, max_entries: 10 };
    let err = RosterFiles::from_zip(&set.to_zip(), limits).unwrap_err();
    assert!(err.reason.contains("unpacks to more than"), "{err}");
    assert!(RosterFiles::from_zip(b"not a zip", crate::ZipLimits::DEFAULT).is_err());
}
