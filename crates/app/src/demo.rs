//! The demo school: a generated, realistic junior secondary school to try Inkstone with.
//!
//! Everything is derived from a fixed seed and the app's clock, so the same day gives the same
//! school. The school year is the one containing "today", so the demo always looks current.

mod names;

use base::{
    AcademicSessionId, ClassId, CourseId, Date, EnrollmentId, LineItemId, OrgId, PersonId, RecordId, Timestamp,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use records::{
    AcademicSession, AdminRecord, AdminRecordKind, AttendanceRecord, AttendanceStatus, Class, ClassType, Course,
    Enrollment, EnrollmentRole, Guardianship, LineItem, LineItemCategory, NationalStudentId, Org, OrgKind, Person,
    PersonName, Placement, PlacementKind, ResultRecord, Role, RoleAssignment, Score, SessionKind, Sex,
};
use store::people::Source;

use crate::{App, Caller, Error, Result, UserError};

/// The password of every demo account. Printed at start; never use the demo for real data.
pub const DEMO_PASSWORD: &str = "inkstone-demo";

/// How big a demo school to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    /// Classes per grade (grades 7, 8 and 9).
    pub classes_per_grade: usize,
    pub students: usize,
    pub teachers: usize,
    /// Former students with placements.
    pub alumni: usize,
    /// School days of attendance to record, counting back from today.
    pub attendance_days: usize,
}

impl DemoSize {
    /// The demo school: 24 classes, 1,000 students with guardians, 12 teachers.
    pub const STANDARD: DemoSize =
        DemoSize { classes_per_grade: 8, students: 1000, teachers: 12, alumni: 30, attendance_days: 20 };
    /// A small school for tests: 6 classes, 60 students.
    pub const SMALL: DemoSize =
        DemoSize { classes_per_grade: 2, students: 60, teachers: 3, alumni: 2, attendance_days: 5 };
}

/// What was made, for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSchool {
    pub school: OrgId,
    pub school_name: String,
    pub students: usize,
    pub guardians: usize,
    pub teachers: usize,
    pub classes: usize,
    /// (role, username) of accounts worth signing in as.
    pub logins: Vec<(String, String)>,
}

/// Progress of making the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProgress {
    pub step: &'static str,
    pub done: u64,
    pub total: u64,
}

struct Gen {
    rng: ChaCha8Rng,
    now: Timestamp,
}

impl Gen {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.random_range(0..items.len())]
    }

    fn given_name(&mut self) -> String {
        if self.rng.random_bool(0.7) {
            format!("{}{}", self.pick(names::GIVEN), self.pick(names::GIVEN))
        } else {
            self.pick(names::GIVEN).to_owned()
        }
    }

    fn id(&self) -> String {
        crate::new_id()
    }
}

fn pid(s: &str) -> Result<PersonId> {
    PersonId::parse(s).map_err(Error::internal)
}

fn name(s: &str) -> Result<PersonName> {
    PersonName::parse(s, "name").map_err(Error::internal)
}

/// The first day of the school year containing `today` (1 September).
fn school_year_start(today: Date) -> Result<Date> {
    let year = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    Date::from_ymd(year, 9, 1).map_err(Error::internal)
}

/// School days (Monday to Friday) strictly before `today`, newest first, not before `start`.
fn school_days_before(today: Date, start: Date, n: usize) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = today.plus_days(-1);
    while out.len() < n && d >= start {
        if d.weekday_from_monday() < 5 {
            out.push(d);
        }
        d = d.plus_days(-1);
    }
    out
}

impl App {
    /// Whether the database already holds any organisation.
    pub async fn has_school(&self) -> Result<bool> {
        let mut conn = self.store.read().await?;
        Ok(!store::teaching::orgs(&mut conn).await?.is_empty())
    }

    /// Makes the demo school in an empty database (the operator only).
    pub async fn create_demo(
        &self,
        caller: &Caller,
        size: DemoSize,
        progress: &mut (dyn FnMut(DemoProgress) + Send),
    ) -> Result<DemoSchool> {
        if caller.actor().is_some() {
            return Err(UserError::Forbidden("the demo school is created by the operator".into()).into());
        }
        if self.has_school().await? {
            return Err(UserError::Conflict(
                "this database already holds a school; the demo needs an empty data directory".into(),
            )
            .into());
        }
        let now = self.now();
        let today = now.date_utc();
        let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(20_261_123), now };
        let year_start = school_year_start(today)?;
        let year_end = Date::from_ymd(year_start.year() + 1, 7, 15).map_err(Error::internal)?;
        let term1_end = Date::from_ymd(year_start.year() + 1, 1, 20).map_err(Error::internal)?;
        let term2_start = Date::from_ymd(year_start.year() + 1, 2, 20).map_err(Error::internal)?;

        // Passwords first: hashing is the slow part, and it runs on every core.
        let n_guardians = size.students - size.students / 20;
        let n_accounts = size.students + n_guardians + size.teachers + 3 + size.alumni;
        progress(DemoProgress { step: "hashing demo passwords", done: 0, total: n_accounts as u64 });
        let hashes = hash_many(n_accounts, self.config.password_cost, progress).await?;
        let mut hashes = hashes.into_iter();
        let mut next_hash =
            || hashes.next().ok_or_else(|| Error::internal(anyhow::anyhow!("ran out of password hashes")));

        let mut tx = self.store.write().await?;
        let org =
            |id: &str, sourced: &str, name: &str, kind, identifier: &str, parent: Option<&OrgId>| -> Result<Org> {
                Ok(Org {
                    id: OrgId::parse(id).map_err(Error::internal)?,
                    sourced_id: sourced.to_owned(),
                    name: name.to_owned(),
                    kind,
                    identifier: Some(identifier.to_owned()),
                    parent: parent.cloned(),
                })
            };
        let province = org(&g.id(), "demo-province", "示范省", OrgKind::Province, "51", None)?;
        let county = org(&g.id(), "demo-county", "示范县教育局", OrgKind::County, "510821", Some(&province.id))?;
        let school_name = "示范县第一初级中学";
        let school = org(&g.id(), "demo-school", school_name, OrgKind::School, "5108210001", Some(&county.id))?;
        for o in [&province, &county, &school] {
            store::teaching::insert_org(&mut tx, o, Source::Local, now).await?;
        }

        let session = |id: String,
                       sourced: &str,
                       title: String,
                       kind,
                       start,
                       end,
                       parent: Option<&AcademicSessionId>|
         -> Result<AcademicSession> {
            Ok(AcademicSession {
                id: AcademicSessionId::parse(id).map_err(Error::internal)?,
                sourced_id: sourced.to_owned(),
                title,
                kind,
                start,
                end,
                parent: parent.cloned(),
                school_year: year_start.year() + 1,
                org: Some(school.id.clone()),
            })
        };
        let y = year_start.year();
        let year = session(
            g.id(),
            "demo-year",
            format!("{y}-{}学年", y + 1),
            SessionKind::SchoolYear,
            year_start,
            year_end,
            None,
        )?;
        let term1 = session(
            g.id(),
            "demo-term-1",
            format!("{y}-{}学年第一学期", y + 1),
            SessionKind::Term,
            year_start,
            term1_end,
            Some(&year.id),
        )?;
        let term2 = session(
            g.id(),
            "demo-term-2",
            format!("{y}-{}学年第二学期", y + 1),
            SessionKind::Term,
            term2_start,
            year_end,
            Some(&year.id),
        )?;
        for s in [&year, &term1, &term2] {
            store::teaching::insert_session(&mut tx, s, Source::Local, now).await?;
        }
        let current_term = if today >= term2_start { &term2 } else { &term1 };

        // Courses for the main subjects of each grade; classes are each cohort's mathematics class.
        let mut maths_courses = Vec::new();
        for (gi, grade_name) in names::GRADE_NAMES.iter().enumerate() {
            let grade = format!("{:02}", gi + 7);
            for (zh, _en, code) in names::SUBJECTS {
                let course = Course {
                    id: CourseId::parse(g.id()).map_err(Error::internal)?,
                    sourced_id: format!("demo-course-{}-{grade}", code.to_lowercase()),
                    title: format!("{grade_name}{zh}"),
                    code: Some(format!("{code}{grade}")),
                    org: school.id.clone(),
                    school_year: Some(year.id.clone()),
                    grades: vec![grade.clone()],
                    subjects: vec![zh.to_owned()],
                };
                store::teaching::insert_course(&mut tx, &course, Source::Local, now).await?;
                if code == "MATH" {
                    maths_courses.push(course);
                }
            }
        }
        let mut classes = Vec::new();
        for (gi, course) in maths_courses.iter().enumerate() {
            for k in 1..=size.classes_per_grade {
                let class = Class {
                    id: ClassId::parse(g.id()).map_err(Error::internal)?,
                    sourced_id: format!("demo-class-{}-{k}", gi + 7),
                    title: format!("{}({k})班 数学", names::GRADE_NAMES[gi]),
                    code: Some(format!("MATH{:02}-{k}", gi + 7)),
                    class_type: ClassType::Scheduled,
                    course: course.id.clone(),
                    school: school.id.clone(),
                    location: Some(format!("教学楼{}{:02}", gi + 1, k)),
                    grades: vec![format!("{:02}", gi + 7)],
                    subjects: vec!["数学".into()],
                    periods: vec![format!("{}", (k % 6) + 1)],
                    terms: vec![term1.id.clone(), term2.id.clone()],
                };
                store::teaching::insert_class(&mut tx, &class, Source::Local, now).await?;
                classes.push((gi, class));
            }
        }

        let mut logins = Vec::new();
        let add_person = async |tx: &mut store::Tx,
                                g: &mut Gen,
                                sourced: String,
                                username: String,
                                family: String,
                                given: String,
                                birth: Option<Date>,
                                sex: Sex,
                                grades: Vec<String>,
                                role: Role,
                                org: &OrgId,
                                hash: String|
               -> Result<Person> {
            let person = Person {
                id: pid(&g.id())?,
                sourced_id: sourced.clone(),
                username: Some(username),
                given_name: name(&given)?,
                family_name: name(&family)?,
                preferred_name: None,
                identifier: Some(sourced.trim_start_matches("demo-").to_uppercase()),
                email: None,
                phone: None,
                birth_date: birth,
                sex,
                grades,
                enabled: true,
                primary_org: Some(school.id.clone()),
                locale: None,
            };
            store::people::insert(tx, &person, Source::Local, g.now).await?;
            store::people::set_password_hash(tx, &person.id, &hash, g.now).await?;
            let r = RoleAssignment {
                person: person.id.clone(),
                role,
                org: org.clone(),
                primary: true,
                begin: None,
                end: None,
            };
            let role_id = g.id();
            store::people::insert_role(tx, &role_id, &format!("{sourced}-role"), &r, Source::Local, g.now).await?;
            Ok(person)
        };

        // Staff.
        let admin = add_person(
            &mut tx,
            &mut g,
            "demo-admin".into(),
            "admin".into(),
            "赵".into(),
            "敏".into(),
            None,
            Sex::Female,
            vec![],
            Role::SchoolAdmin,
            &school.id,
            next_hash()?,
        )
        .await?;
        let _counselor = add_person(
            &mut tx,
            &mut g,
            "demo-counselor".into(),
            "counselor".into(),
            "钱".into(),
            "静".into(),
            None,
            Sex::Female,
            vec![],
            Role::Counselor,
            &school.id,
            next_hash()?,
        )
        .await?;
        let _county_admin = add_person(
            &mut tx,
            &mut g,
            "demo-county-admin".into(),
            "county".into(),
            "孙".into(),
            "立".into(),
            None,
            Sex::Male,
            vec![],
            Role::CountyAdmin,
            &county.id,
            next_hash()?,
        )
        .await?;
        logins.push(("school administrator".into(), "admin".into()));
        logins.push(("counselor".into(), "counselor".into()));
        logins.push(("county administrator".into(), "county".into()));
        let mut teachers = Vec::new();
        for t in 0..size.teachers {
            let family = g.pick(names::FAMILY).to_owned();
            let given = g.given_name();
            let sex = if g.rng.random_bool(0.6) { Sex::Female } else { Sex::Male };
            let p = add_person(
                &mut tx,
                &mut g,
                format!("demo-t{:03}", t + 1),
                format!("teacher{:02}", t + 1),
                family,
                given,
                None,
                sex,
                vec![],
                Role::Teacher,
                &school.id,
                next_hash()?,
            )
            .await?;
            teachers.push(p);
        }
        logins.push(("teacher".into(), "teacher01".into()));

        // Teachers: each class has one, spread evenly.
        for (ci, (_, class)) in classes.iter().enumerate() {
            let teacher = &teachers[ci * teachers.len() / classes.len().max(1)];
            let e = Enrollment {
                id: EnrollmentId::parse(g.id()).map_err(Error::internal)?,
                sourced_id: format!("{}-teacher", class.sourced_id),
                class: class.id.clone(),
                school: school.id.clone(),
                person: teacher.id.clone(),
                role: EnrollmentRole::Teacher,
                primary: true,
                begin: Some(year_start),
                end: None,
            };
            store::teaching::insert_enrollment(&mut tx, &e, Source::Local, now).await?;
        }

        // Students, each with a guardian (about one family in twenty has two children here).
        progress(DemoProgress { step: "writing students", done: 0, total: size.students as u64 });
        let mut students: Vec<(Person, usize)> = Vec::new();
        // Students whose families agreed to adaptive learning, with their grade index.
        let mut practising: Vec<(PersonId, usize)> = Vec::new();
        let mut guardians: Vec<Person> = Vec::new();
        for s in 0..size.students {
            let (gi, class) = &classes[s * classes.len() / size.students.max(1)];
            let family = g.pick(names::FAMILY).to_owned();
            let given = g.given_name();
            let sex = if g.rng.random_bool(0.5) { Sex::Female } else { Sex::Male };
            // Grade 7 starts at 12 or 13 on 1 September.
            let birth = year_start.plus_days(-(365 * (12 + *gi as i64)) - g.rng.random_range(0..365));
            let p = add_person(
                &mut tx,
                &mut g,
                format!("demo-s{:04}", s + 1),
                format!("student{:04}", s + 1),
                family.clone(),
                given,
                Some(birth),
                sex,
                vec![format!("{:02}", gi + 7)],
                Role::Student,
                &school.id,
                next_hash()?,
            )
            .await?;
            let digits = format!(
                "510821{}{}{}{}",
                birth.year(),
                format_args!("{:02}", birth.month()),
                format_args!("{:02}", birth.day()),
                format_args!("{:03}", s % 1000)
            );
            let nsid = NationalStudentId::from_identity_digits(&digits).map_err(Error::internal)?;
            store::people::set_national_student_id(&mut tx, &p.id, Some(&nsid), now).await?;
            let e = Enrollment {
                id: EnrollmentId::parse(g.id()).map_err(Error::internal)?,
                sourced_id: format!("{}-{}", class.sourced_id, p.sourced_id),
                class: class.id.clone(),
                school: school.id.clone(),
                person: p.id.clone(),
                role: EnrollmentRole::Student,
                primary: false,
                begin: Some(year_start),
                end: None,
            };
            store::teaching::insert_enrollment(&mut tx, &e, Source::Local, now).await?;
            let admitted = Date::from_ymd(year_start.year() - *gi as i32, 9, 1).map_err(Error::internal)?;
            let admission = AdminRecord {
                id: RecordId::parse(g.id()).map_err(Error::internal)?,
                student: p.id.clone(),
                kind: AdminRecordKind::Admission,
                date: admitted,
                org: Some(school.id.clone()),
                detail: "入学 / admitted".into(),
            };
            store::history::insert_admin_record(&mut tx, &admission, "demo", now).await?;
            // Guardians: reuse the previous family's guardian now and then (siblings).
            let guardian = if guardians.len() < n_guardians && (s % 20 != 19 || guardians.is_empty()) {
                let relation_given = g.given_name();
                let guardian_sex = if g.rng.random_bool(0.5) { Sex::Female } else { Sex::Male };
                let (sourced, username) =
                    (format!("demo-g{:04}", guardians.len() + 1), format!("guardian{:04}", guardians.len() + 1));
                let gp = add_person(
                    &mut tx,
                    &mut g,
                    sourced,
                    username,
                    family,
                    relation_given,
                    None,
                    guardian_sex,
                    vec![],
                    Role::Guardian,
                    &school.id,
                    next_hash()?,
                )
                .await?;
                guardians.push(gp.clone());
                gp
            } else {
                guardians.last().cloned().ok_or_else(|| Error::internal(anyhow::anyhow!("no guardian to share")))?
            };
            let relation = if guardian.sex == Sex::Female { "mother" } else { "father" };
            store::people::upsert_guardianship(
                &mut tx,
                &Guardianship { guardian: guardian.id.clone(), student: p.id.clone(), relation: relation.into() },
                Source::Local,
                now,
            )
            .await?;
            // Most families have agreed to adaptive learning; the rest have not been asked yet.
            if g.rng.random_bool(0.6) {
                let consent = access::consent::Consent {
                    id: base::ConsentId::parse(g.id()).map_err(Error::internal)?,
                    student: p.id.clone(),
                    purpose: access::consent::Purpose::AdaptiveLearning,
                    given_by: access::consent::GivenBy::Guardian,
                    recorded_by: guardian.id.clone(),
                    given_at: Timestamp::from_millis(now.millis() - 30 * 86_400_000),
                    student_age_at_grant: Some(birth.age_on(today)),
                    withdrawn_at: None,
                    withdrawn_by: None,
                };
                store::history::insert_consent(&mut tx, &consent).await?;
                practising.push((p.id.clone(), *gi));
            }
            students.push((p, classes.iter().position(|(_, c)| c.id == class.id).unwrap_or(0)));
            if s % 100 == 0 {
                progress(DemoProgress { step: "writing students", done: s as u64, total: size.students as u64 });
            }
        }
        logins.push(("student".into(), "student0001".into()));
        logins.push(("guardian".into(), "guardian0001".into()));

        // A few awards.
        for (p, _) in students.iter().step_by(25) {
            let award = AdminRecord {
                id: RecordId::parse(g.id()).map_err(Error::internal)?,
                student: p.id.clone(),
                kind: AdminRecordKind::Award,
                date: year_start.plus_days(30),
                org: Some(school.id.clone()),
                detail: "校级数学竞赛三等奖 / school mathematics competition, third prize".into(),
            };
            store::history::insert_admin_record(&mut tx, &award, "demo", now).await?;
        }

        // Coursework: weekly homework since the term began, a mid-term exam, results for what is due.
        progress(DemoProgress { step: "writing coursework", done: 0, total: classes.len() as u64 });
        let ability: Vec<f64> = students.iter().map(|_| g.rng.random_range(0.45..0.98)).collect();
        for (ci, (_, class)) in classes.iter().enumerate() {
            let mut items = Vec::new();
            let mut due = current_term.start.plus_days(11);
            let mut n = 1;
            while due <= today.plus_days(7) && n <= 12 {
                items.push((format!("第{n}周作业 / Week {n} homework"), LineItemCategory::Assignment, due, 20.0));
                due = due.plus_days(7);
                n += 1;
            }
            let midterm = current_term.start.plus_days(56);
            if midterm <= today.plus_days(14) {
                items.push(("期中考试 / Mid-term exam".into(), LineItemCategory::Exam, midterm, 120.0));
            }
            for (title, category, due, max) in items {
                let li = LineItem {
                    id: LineItemId::parse(g.id()).map_err(Error::internal)?,
                    class: class.id.clone(),
                    title,
                    category,
                    session: Some(current_term.id.clone()),
                    assigned: Some(due.plus_days(-7)),
                    due: Some(due),
                    max_score: max,
                };
                store::coursework::insert_line_item(&mut tx, &li, now).await?;
                if due >= today {
                    continue;
                }
                for (si, (p, _)) in students.iter().enumerate().filter(|(_, (_, c))| *c == ci) {
                    if g.rng.random_bool(0.07) {
                        continue; // not handed in
                    }
                    let noise: f64 = g.rng.random_range(-0.15..0.15);
                    let fraction = (ability[si] + noise).clamp(0.0, 1.0);
                    let score = (fraction * max * 2.0).round() / 2.0;
                    let r = ResultRecord {
                        id: RecordId::parse(g.id()).map_err(Error::internal)?,
                        line_item: li.id.clone(),
                        student: p.id.clone(),
                        score: Some(Score::new(score, max).map_err(Error::internal)?),
                        grade: None,
                        comment: None,
                        recorded_at: now,
                        recorded_by: Some(teachers[ci * teachers.len() / classes.len().max(1)].id.clone()),
                    };
                    store::coursework::upsert_result(&mut tx, &r).await?;
                }
            }
            progress(DemoProgress { step: "writing coursework", done: ci as u64 + 1, total: classes.len() as u64 });
        }

        // Attendance for the last school days.
        let days = school_days_before(today, current_term.start, size.attendance_days);
        progress(DemoProgress { step: "writing attendance", done: 0, total: days.len() as u64 });
        for (di, day) in days.iter().enumerate() {
            for (p, ci) in &students {
                let roll: f64 = g.rng.random();
                let status = match roll {
                    r if r < 0.02 => AttendanceStatus::Absent,
                    r if r < 0.035 => AttendanceStatus::Late,
                    r if r < 0.045 => AttendanceStatus::Excused,
                    _ => AttendanceStatus::Present,
                };
                let a = AttendanceRecord {
                    id: RecordId::parse(g.id()).map_err(Error::internal)?,
                    class: classes[*ci].1.id.clone(),
                    student: p.id.clone(),
                    date: *day,
                    status,
                    note: None,
                    recorded_by: None,
                };
                store::coursework::upsert_attendance(&mut tx, &a, now).await?;
            }
            progress(DemoProgress { step: "writing attendance", done: di as u64 + 1, total: days.len() as u64 });
        }

        // Alumni: last year's leavers, with where they went.
        for a in 0..size.alumni {
            let family = g.pick(names::FAMILY).to_owned();
            let given = g.given_name();
            let birth = year_start.plus_days(-(365 * 15) - g.rng.random_range(0..365));
            let p = add_person(
                &mut tx,
                &mut g,
                format!("demo-alumnus{:03}", a + 1),
                format!("alumnus{:03}", a + 1),
                family,
                given,
                Some(birth),
                Sex::Unspecified,
                vec!["09".into()],
                Role::Student,
                &school.id,
                next_hash()?,
            )
            .await?;
            let mut graduated = p.clone();
            graduated.enabled = false;
            store::people::update(&mut tx, &graduated, now).await?;
            let graduation = AdminRecord {
                id: RecordId::parse(g.id()).map_err(Error::internal)?,
                student: p.id.clone(),
                kind: AdminRecordKind::Graduation,
                date: Date::from_ymd(year_start.year(), 7, 1).map_err(Error::internal)?,
                org: Some(school.id.clone()),
                detail: "初中毕业 / completed junior secondary school".into(),
            };
            store::history::insert_admin_record(&mut tx, &graduation, "demo", now).await?;
            let (kind, destination) = names::DESTINATIONS[g.rng.random_range(0..names::DESTINATIONS.len())];
            let placement = Placement {
                id: RecordId::parse(g.id()).map_err(Error::internal)?,
                student: p.id.clone(),
                kind: PlacementKind::parse(kind).map_err(Error::internal)?,
                destination: destination.into(),
                programme: Some(if kind == "vocational" {
                    "护理 / nursing".into()
                } else {
                    "普通高中 / general programme".into()
                }),
                year: year_start.year(),
            };
            store::history::insert_placement(&mut tx, &placement, "demo", now).await?;
        }

        let entry =
            self.audit_entry(caller, "create", "demo", None, &format!("demo school with {} students", students.len()));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        let _ = admin;
        progress(DemoProgress { step: "practice history", done: 0, total: 1 });
        self.demo_learning(caller, &practising, current_term.start).await?;
        if let Some((_, class)) = classes.first() {
            progress(DemoProgress { step: "demo assignment", done: 0, total: 1 });
            let due = base::Timestamp::from_millis(self.now().millis() + 7 * 24 * 3600 * 1000);
            self.demo_assessment(caller, &class.id, due).await?;
        }
        Ok(DemoSchool {
            school: school.id,
            school_name: school_name.to_owned(),
            students: students.len(),
            guardians: guardians.len(),
            teachers: teachers.len(),
            classes: classes.len(),
            logins,
        })
    }
}

impl App {
    /// Installs the built-in junior-secondary maths curriculum with generated items, and gives
    /// the students who practise a simulated history since `start` (answers and model states).
    async fn demo_learning(&self, caller: &Caller, practising: &[(PersonId, usize)], start: Date) -> Result<()> {
        let graph = learning::graph::junior_secondary_maths();
        let items = crate::learning::demo_items(&graph);
        self.install_subject(caller, &graph, &items).await?;
        let subject = self.subject_model(&graph.subject).await?;
        // Each grade practises the items of its own grade and earlier ones.
        let grade_of = |kp: &learning::graph::KpId| graph.kp_index(kp).and_then(|i| graph.kps()[i as usize].grade);
        let specs_by_grade: Vec<Vec<learning::learner::ItemSpec>> = (0..3)
            .map(|gi| {
                items
                    .iter()
                    .filter(|(_, spec)| spec.kps.iter().all(|kp| grade_of(kp).is_none_or(|g| usize::from(g) <= 7 + gi)))
                    .map(|(_, spec)| spec.clone())
                    .collect()
            })
            .collect();
        let now = self.now();
        let history = crate::learning::demo_history(
            &subject.model,
            &subject.graph,
            &specs_by_grade,
            practising,
            Timestamp::from_millis(start_millis(start)),
            now,
        );
        let mut tx = self.store.write().await?;
        let mut answers = Vec::new();
        for (student, log, state) in &history {
            for a in log {
                answers.push(store::learning::Answer {
                    id: crate::new_id(),
                    student: student.clone(),
                    item: a.item.to_string(),
                    subject: Some(graph.subject.clone()),
                    response: String::new(),
                    correct: a.correct,
                    predicted: None,
                    context: "practice (simulated demo history)".into(),
                    at: a.at,
                });
            }
            store::learning::save_learner_state(
                &mut tx,
                student,
                &graph.subject,
                &state.to_blob(),
                i64::from(state.n_answers()),
                now,
            )
            .await?;
        }
        store::learning::insert_answers(&mut tx, &answers).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// 08:00 UTC on `d`, in milliseconds since the epoch.
fn start_millis(d: Date) -> i64 {
    let epoch = Date::from_ymd(1970, 1, 1).map_or(0, |e| e.days_until(d));
    epoch * 86_400_000 + 8 * 3_600_000
}

/// Hashes the demo password `n` times with fresh salts, on every core.
async fn hash_many(
    n: usize,
    cost: crate::PasswordCost,
    progress: &mut (dyn FnMut(DemoProgress) + Send),
) -> Result<Vec<String>> {
    let threads = std::thread::available_parallelism().map_or(2, usize::from).min(n.max(1));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Result<String>>();
    for t in 0..threads {
        let tx = tx.clone();
        let share = n / threads + usize::from(t < n % threads);
        tokio::task::spawn_blocking(move || {
            for _ in 0..share {
                if tx.send(crate::hash_password(DEMO_PASSWORD, cost)).is_err() {
                    return;
                }
            }
        });
    }
    drop(tx);
    let mut out = Vec::with_capacity(n);
    while let Some(hash) = rx.recv().await {
        out.push(hash?);
        if out.len() % 50 == 0 || out.len() == n {
            progress(DemoProgress { step: "hashing demo passwords", done: out.len() as u64, total: n as u64 });
        }
    }
    Ok(out)
}

/// The shape of a generated OneRoster set (for benchmarks and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterSize {
    pub schools: usize,
    pub students: usize,
    pub teachers: usize,
    pub classes: usize,
    /// Student enrollments per student (each class also gets one teacher enrollment).
    pub classes_per_student: usize,
}

impl RosterSize {
    /// The import benchmark's county: 100,000 students, 5,000 teachers, 4,000 classes, 400,000 enrollments.
    pub const COUNTY: RosterSize =
        RosterSize { schools: 40, students: 100_000, teachers: 5_000, classes: 4_000, classes_per_student: 4 };
}

/// A synthetic OneRoster 1.2 bulk set: one county, `schools` schools, and people spread evenly.
/// Every student has a guardian, a demographics row and a valid national student id.
pub fn oneroster_set(size: RosterSize) -> oneroster::WriteSet {
    use oneroster::{RosterFile, Table};
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut pick = |items: &[&'static str]| items[rng.random_range(0..items.len())];
    let mut orgs = Table::for_file(RosterFile::Orgs);
    orgs.push(&[("sourcedId", "cnty".into()), ("name", "示范县教育局".into()), ("type", "district".into())]);
    for s in 0..size.schools {
        orgs.push(&[
            ("sourcedId", format!("sch{s}")),
            ("name", format!("示范县第{}中学", s + 1)),
            ("type", "school".into()),
            ("identifier", format!("SCH{s:04}")),
            ("parentSourcedId", "cnty".into()),
        ]);
    }
    let mut sessions = Table::for_file(RosterFile::AcademicSessions);
    sessions.push(&[
        ("sourcedId", "sy".into()),
        ("title", "2026-2027学年".into()),
        ("type", "schoolYear".into()),
        ("startDate", "2026-09-01".into()),
        ("endDate", "2027-07-15".into()),
        ("schoolYear", "2027".into()),
    ]);
    sessions.push(&[
        ("sourcedId", "t1".into()),
        ("title", "第一学期".into()),
        ("type", "term".into()),
        ("startDate", "2026-09-01".into()),
        ("endDate", "2027-01-20".into()),
        ("parentSourcedId", "sy".into()),
        ("schoolYear", "2027".into()),
    ]);
    let mut courses = Table::for_file(RosterFile::Courses);
    for s in 0..size.schools {
        for (zh, _, code) in names::SUBJECTS {
            courses.push(&[
                ("sourcedId", format!("crs{s}-{code}")),
                ("schoolYearSourcedId", "sy".into()),
                ("title", format!("七年级{zh}")),
                ("courseCode", code.into()),
                ("grades", "07".into()),
                ("orgSourcedId", format!("sch{s}")),
                ("subjects", zh.into()),
                ("subjectCodes", code.into()),
            ]);
        }
    }
    let school_of = |i: usize, n: usize| i * size.schools / n.max(1);
    let mut classes = Table::for_file(RosterFile::Classes);
    for c in 0..size.classes {
        let s = school_of(c, size.classes);
        let (zh, _, code) = names::SUBJECTS[c % names::SUBJECTS.len()];
        classes.push(&[
            ("sourcedId", format!("cls{c}")),
            ("title", format!("七年级({})班 {zh}", c / 4 + 1)),
            ("grades", "07".into()),
            ("courseSourcedId", format!("crs{s}-{code}")),
            ("classType", "scheduled".into()),
            ("schoolSourcedId", format!("sch{s}")),
            ("termSourcedIds", "t1".into()),
            ("subjects", zh.into()),
            ("subjectCodes", code.into()),
        ]);
    }
    let mut users = Table::for_file(RosterFile::Users);
    let mut demographics = Table::for_file(RosterFile::Demographics);
    let mut roles = Table::for_file(RosterFile::Roles);
    let mut enrollments = Table::for_file(RosterFile::Enrollments);
    for t in 0..size.teachers {
        let s = school_of(t, size.teachers);
        users.push(&[
            ("sourcedId", format!("t{t}")),
            ("enabledUser", "true".into()),
            ("username", format!("t{t}")),
            ("givenName", pick(names::GIVEN).into()),
            ("familyName", pick(names::FAMILY).into()),
            ("identifier", format!("T{t:06}")),
            ("primaryOrgSourcedId", format!("sch{s}")),
        ]);
        roles.push(&[
            ("sourcedId", format!("rt{t}")),
            ("userSourcedId", format!("t{t}")),
            ("roleType", "primary".into()),
            ("role", "teacher".into()),
            ("orgSourcedId", format!("sch{s}")),
        ]);
    }
    for c in 0..size.classes {
        let s = school_of(c, size.classes);
        let t = (c * size.teachers / size.classes.max(1)).min(size.teachers.saturating_sub(1));
        enrollments.push(&[
            ("sourcedId", format!("et{c}")),
            ("classSourcedId", format!("cls{c}")),
            ("schoolSourcedId", format!("sch{s}")),
            ("userSourcedId", format!("t{t}")),
            ("role", "teacher".into()),
            ("primary", "true".into()),
            ("beginDate", "2026-09-01".into()),
        ]);
    }
    let classes_per_school = (size.classes / size.schools.max(1)).max(1);
    for i in 0..size.students {
        let s = school_of(i, size.students);
        let family = pick(names::FAMILY);
        let nsid = NationalStudentId::from_identity_digits(&format!("51082120{:02}{:07}", 12 + i % 2, i % 10_000_000))
            .map(|n| n.expose().to_owned())
            .unwrap_or_default();
        users.push(&[
            ("sourcedId", format!("s{i}")),
            ("enabledUser", "true".into()),
            ("username", format!("s{i}")),
            ("givenName", pick(names::GIVEN).into()),
            ("familyName", family.into()),
            ("identifier", format!("S{i:07}")),
            ("agentSourcedIds", format!("g{i}")),
            ("grades", "07".into()),
            ("primaryOrgSourcedId", format!("sch{s}")),
            (oneroster::NATIONAL_ID_COLUMN, nsid),
        ]);
        users.push(&[
            ("sourcedId", format!("g{i}")),
            ("enabledUser", "true".into()),
            ("username", format!("g{i}")),
            ("givenName", pick(names::GIVEN).into()),
            ("familyName", family.into()),
            ("agentSourcedIds", format!("s{i}")),
            ("primaryOrgSourcedId", format!("sch{s}")),
        ]);
        demographics.push(&[
            ("sourcedId", format!("s{i}")),
            ("birthDate", format!("2013-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
            ("sex", if i % 2 == 0 { "female" } else { "male" }.into()),
        ]);
        roles.push(&[
            ("sourcedId", format!("rs{i}")),
            ("userSourcedId", format!("s{i}")),
            ("roleType", "primary".into()),
            ("role", "student".into()),
            ("orgSourcedId", format!("sch{s}")),
        ]);
        roles.push(&[
            ("sourcedId", format!("rg{i}")),
            ("userSourcedId", format!("g{i}")),
            ("roleType", "primary".into()),
            ("role", "guardian".into()),
            ("orgSourcedId", format!("sch{s}")),
        ]);
        for k in 0..size.classes_per_student {
            // The student's classes are k consecutive classes of their own school.
            let first = s * size.classes / size.schools.max(1);
            let c = first + (i / 40 * size.classes_per_student + k) % classes_per_school;
            enrollments.push(&[
                ("sourcedId", format!("es{i}-{k}")),
                ("classSourcedId", format!("cls{c}")),
                ("schoolSourcedId", format!("sch{s}")),
                ("userSourcedId", format!("s{i}")),
                ("role", "student".into()),
                ("primary", "false".into()),
                ("beginDate", "2026-09-01".into()),
            ]);
        }
    }
    oneroster::WriteSet {
        mode: oneroster::FileMode::Bulk,
        tables: vec![orgs, sessions, courses, classes, users, demographics, roles, enrollments],
        system_name: "inkstone generator".into(),
    }
}
