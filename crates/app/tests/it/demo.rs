//! The demo school.

use test_support::store_test;

use crate::{app, operator, sign_in};

store_test!(the_demo_school_has_classes_people_coursework_and_logins, |db| {
    let (app, _) = app(&db).await;
    let made = app.create_demo(&operator(), app::demo::DemoSize::SMALL, &mut |_| {}).await.unwrap();
    assert_eq!((made.classes, made.students, made.teachers), (6, 60, 3));
    assert_eq!(made.guardians, 57);
    for (_, username) in &made.logins {
        sign_in(&app, username).await;
    }
    let again = app.create_demo(&operator(), app::demo::DemoSize::SMALL, &mut |_| {}).await.unwrap_err();
    assert_eq!(again.as_user().map(app::UserError::code), Some("conflict"));
    let student = sign_in(&app, "student0001").await;
    let me = app.me(&student).await.unwrap();
    let classes = app.learner_classes(&student, &me.person.id).await.unwrap();
    assert_eq!(classes.len(), 1);
    assert!(classes[0].items.iter().any(|i| i.done));
    assert!(classes[0].attendance_days > 0);
});
