//! The administrator's pages: roster import with every problem shown, people, the audit log, backups.

use std::io::Write;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use test_support::store_test;

use super::{Browser, SCRIPT, assert_escaped};

const MANIFEST: &str = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.academicSessions,absent\n\
file.categories,absent\nfile.classes,absent\nfile.classResources,absent\nfile.courses,absent\nfile.courseResources,absent\n\
file.demographics,absent\nfile.enrollments,delta\nfile.lineItemLearningObjectiveIds,absent\nfile.lineItems,absent\n\
file.lineItemScoreScales,absent\nfile.orgs,absent\nfile.resources,absent\nfile.resultLearningObjectiveIds,absent\n\
file.results,absent\nfile.resultScoreScales,absent\nfile.roles,delta\nfile.scoreScales,absent\nfile.userProfiles,absent\n\
file.userResources,absent\nfile.users,delta\nsource.systemName,web-test\nsource.systemCode,web-test\n";
const USERS: &str = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n";
const ROLES: &str = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n";
const ENROLLMENTS: &str =
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n";

/// A delta set adding one student, named `given`, to the class `class_sourced`.
fn delta(given: &str, class_sourced: &str, org: &str) -> Vec<u8> {
    let users = format!(
        "{USERS}web-new-1,active,2026-11-10T00:00:00Z,true,newstudent,,\"{given}\",测试,,S9999,,,,,07,,,,,,{org},\n"
    );
    let roles =
        format!("{ROLES}web-new-1-role,active,2026-11-10T00:00:00Z,web-new-1,primary,student,2026-09-01,,{org},\n");
    let enrollments = format!(
        "{ENROLLMENTS}web-new-1-enr,active,2026-11-10T00:00:00Z,{class_sourced},{org},web-new-1,student,false,2026-09-01,\n"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    for (name, text) in [
        ("manifest.csv", MANIFEST.to_owned()),
        ("users.csv", users),
        ("roles.csv", roles),
        ("enrollments.csv", enrollments),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "XinkstoneBoundary7";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    if let Some(bytes) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.zip\"\r\nContent-Type: application/zip\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(b: &mut Browser, csrf: &str, once: &str, zip: &[u8]) -> super::Page {
    let (ct, body) = multipart(&[("csrf", csrf), ("once", once)], Some(zip));
    b.send(Request::post("/admin/roster").header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await
}

store_test!(an_administrator_imports_a_roster_and_sees_every_problem_as_a_table, |db| {
    let mut a = Browser::demo(&db).await;
    a.accept_language = Some("en".into());
    let (_, _, class_sourced) = a.class_of("student0001").await;
    a.sign_in("admin").await;
    let form = a.get("/admin/roster").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.show());
    let csrf = form.input("csrf");

    // A set referring to a school that does not exist: rejected, every problem listed, nothing changed.
    let rejected = upload(&mut a, &csrf, "r-1", &delta("小明", &class_sourced, "no-such-school")).await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.show());
    let page = a.get(rejected.location()).await;
    assert!(page.body.contains("Not imported: nothing was changed"), "{}", page.show());
    assert!(page.body.contains("<td>users.csv</td><td class=\"num\">2</td>"), "{}", page.show());
    assert!(page.body.contains("primaryOrgSourcedId"), "{}", page.show());
    // Not a zip at all.
    let junk = upload(&mut a, &csrf, "r-2", b"this is not a zip").await;
    let page = a.get(junk.location()).await;
    assert!(page.body.contains("Not imported"), "{}", page.show());

    // A good set, adding a student whose name has script in it.
    let imported = upload(&mut a, &csrf, "r-3", &delta(SCRIPT, &class_sourced, "demo-school")).await;
    assert!(imported.location().contains("notice=roster-imported"), "{}", imported.location());
    let page = a.get(imported.location()).await;
    assert!(
        page.body.contains("What each file changed")
            && page.body.contains("<td>users.csv</td><td>delta</td><td class=\"num\">1</td>"),
        "{}",
        page.show()
    );
    // The same upload again (double click) is not imported twice.
    let again = upload(&mut a, &csrf, "r-3", &delta(SCRIPT, &class_sourced, "demo-school")).await;
    assert_eq!(again.location(), "/admin/roster?notice=already-saved");
    // Another administrator's outcome is not readable by key.
    let key = imported.location().split("outcome=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let mut t = a.another();
    t.sign_in("teacher01").await;
    assert_eq!(t.get(&format!("/admin/roster?outcome={key}")).await.status, StatusCode::FORBIDDEN);

    // People: the new student, escaped; paging through the school.
    let people = a.get("/admin/people?q=%E6%B5%8B%E8%AF%95").await;
    assert_eq!(people.status, StatusCode::OK, "{}", people.show());
    assert_escaped(&people);
    let students = a.get("/admin/people?role=student").await;
    assert!(students.body.contains("rel=\"next\""), "50 a page of 61 students: {}", students.show());
    let next = students
        .body
        .split("rel=\"next\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let second = a.get(&next).await;
    assert_eq!(second.status, StatusCode::OK, "{next}: {}", second.show());
    assert!(second.body.contains("First page") && !second.body.contains("rel=\"next\""), "{}", second.show());

    // The teacher's class now lists the new student, escaped.
    let (class, ..) = a.class_of("student0001").await;
    t.accept_language = Some("en".into());
    assert_escaped(&t.get(&format!("/teach/classes/{class}")).await);

    // The audit log shows the import, and verifies intact; a wrong anchor is found.
    let audit = a.get("/admin/audit").await;
    assert!(audit.body.contains("OneRoster: users.csv delta: 1 written"), "{}", audit.show());
    let head = audit.body.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_owned();
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("verify", "1")
        .append_pair("anchor", &head)
        .finish();
    let verified = a.get(&format!("/admin/audit?{q}")).await;
    assert!(verified.body.contains("The log is intact"), "{}", verified.show());
    let forged = format!("{}:{}", head.split(':').next().unwrap(), "0".repeat(64));
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("verify", "1")
        .append_pair("anchor", &forged)
        .finish();
    let broken = a.get(&format!("/admin/audit?{q}")).await;
    assert!(broken.body.contains("The log has been tampered with"), "{}", broken.show());
    let older = a.get("/admin/audit?before=10").await;
    assert!(older.body.contains("<td class=\"num\">9</td>"), "{}", older.show());

    // Backups: the command to run, and the anchor to keep.
    let backup = a.get("/admin/backup").await;
    assert!(
        backup.body.contains("inkstone backup --out") && backup.body.contains("inkstone audit verify --anchor"),
        "{}",
        backup.show()
    );
});
