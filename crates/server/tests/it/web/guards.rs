//! Signing in and out, languages, and people opening pages that are not theirs.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use test_support::store_test;

use super::Browser;

store_test!(signing_in_with_the_form_lands_each_role_on_its_own_page, |db| {
    let mut b = Browser::demo(&db).await;
    b.accept_language = Some("en".into());
    let wrong = b.post_form("/sign-in", &[("username", "teacher01"), ("password", "wrong"), ("next", "")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("The username or password is wrong.") && wrong.input("username") == "teacher01",
        "{}",
        wrong.show()
    );
    for (user, home, text) in [
        ("admin", "/admin", "Schools at a glance"),
        ("teacher01", "/teach", "(1)班"),
        ("student0001", "/learn", "My classes"),
        ("guardian0001", "/family", "My children"),
    ] {
        let mut person = b.another();
        person.accept_language = Some("en".into());
        assert_eq!(person.sign_in(user).await.location(), home, "{user}");
        let page = person.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{user}: {}", page.show());
        assert!(page.body.contains(text), "{user}: {}", page.show());
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
        // Signing out ends the session: the same cookie no longer opens the page.
        let csrf = page.input("csrf");
        let out = person.post_form("/sign-out", &[("csrf", &csrf)]).await;
        assert_eq!(out.location(), "/sign-in?notice=signed-out");
        let after = person.get(home).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert!(after.location().starts_with("/sign-in?next="), "{}", after.location());
    }
});

store_test!(pages_speak_chinese_by_default_english_when_asked_and_keep_the_choice, |db| {
    let mut b = Browser::demo(&db).await;
    let zh = b.get("/sign-in").await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">") && zh.body.contains("用户名"), "{}", zh.show());
    b.accept_language = Some("en-GB,en;q=0.9".into());
    let en = b.get("/sign-in").await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Username"), "{}", en.show());
    // The switcher keeps the choice in a cookie, over the browser's preference, and goes back.
    let switch = b.get("/lang/zh-CN?next=%2Fsign-in").await;
    assert_eq!((switch.status, switch.location()), (StatusCode::SEE_OTHER, "/sign-in"));
    assert_eq!(b.cookies["inkstone_lang"], "zh-CN");
    assert!(b.get("/sign-in").await.body.contains("用户名"));
    // Only local pages: never off to another site.
    for evil in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("next", evil).finish();
        assert_eq!(b.get(&format!("/lang/en?{q}")).await.location(), "/", "{evil}");
    }
    // Signed in, a Chinese page's dates and numbers are Chinese too.
    b.get("/lang/zh-CN?next=%2F").await;
    b.sign_in("student0001").await;
    let page = b.get("/learn").await;
    assert!(
        page.body.contains("截止") && page.body.contains("年") && page.body.contains("任课教师"),
        "{}",
        page.show()
    );
});

store_test!(a_language_chosen_while_signed_in_follows_the_person_to_every_device, |db| {
    let mut phone = Browser::demo(&db).await;
    phone.accept_language = Some("en".into());
    phone.sign_in("student0001").await;
    let page = phone.get("/learn").await;
    assert!(page.body.contains("<html lang=\"en\">"), "{}", page.show());
    // Signed in, the switcher's link carries the session's token; following it saves the choice.
    let link = page.body.split("href=\"/lang/zh-CN?").nth(1).unwrap();
    let link = format!("/lang/zh-CN?{}", crate::web::unescape(&link[..link.find('"').unwrap()]));
    assert!(link.contains("csrf="), "{link}");
    let switched = phone.get(&link).await;
    assert_eq!((switched.status, switched.location()), (StatusCode::SEE_OTHER, "/learn"));
    assert!(phone.get("/learn").await.body.contains("<html lang=\"zh-CN\">"));

    // Another device whose browser asks for English, and with an English cookie, signs in: Chinese.
    let mut desktop = phone.another();
    desktop.accept_language = Some("en-GB,en;q=0.9".into());
    desktop.get("/lang/en?next=%2F").await;
    assert!(desktop.get("/sign-in").await.body.contains("<html lang=\"en\">"), "signed out, the cookie speaks");
    desktop.sign_in("student0001").await;
    let page = desktop.get("/learn").await;
    assert!(page.body.contains("<html lang=\"zh-CN\">") && page.body.contains("任课教师"), "{}", page.show());
    // Someone else, who never chose, gets what their browser asks for.
    let mut other = desktop.another();
    other.accept_language = Some("en".into());
    other.sign_in("teacher01").await;
    assert!(other.get("/teach").await.body.contains("<html lang=\"en\">"));

    // A language link without the session's token (from another site) changes only the cookie.
    let forged = desktop.get("/lang/en?next=%2Flearn").await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER);
    assert!(desktop.get("/learn").await.body.contains("<html lang=\"zh-CN\">"), "the account's choice stands");
    // Switching back while signed in saves English on the account, seen on the phone too.
    let page = desktop.get("/learn").await;
    let link = page.body.split("href=\"/lang/en?").nth(1).unwrap();
    let link = format!("/lang/en?{}", crate::web::unescape(&link[..link.find('"').unwrap()]));
    desktop.get(&link).await;
    assert!(phone.get("/learn").await.body.contains("<html lang=\"en\">"));
    // After signing out, the device's cookie decides again.
    let csrf = phone.get("/learn").await.input("csrf");
    phone.post_form("/sign-out", &[("csrf", &csrf)]).await;
    assert!(phone.get("/sign-in").await.body.contains("<html lang=\"zh-CN\">"), "the phone's cookie says Chinese");
});

store_test!(a_learner_opening_teacher_and_admin_pages_gets_a_friendly_refusal, |db| {
    let mut b = Browser::demo(&db).await;
    b.accept_language = Some("en".into());
    let (class, ..) = b.class_of("student0001").await;
    let other = b.id_of("student0030").await;
    b.sign_in("student0001").await;
    for path in [
        format!("/teach/classes/{class}"),
        format!("/teach/classes/{class}/attendance"),
        format!("/teach/students/{other}"),
        "/teach".to_owned(),
        "/admin".to_owned(),
        "/admin/people".to_owned(),
        "/admin/roster".to_owned(),
        format!("/family/children/{other}"),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.show());
        assert!(page.body.contains("This page is not for your role"), "{path}: {}", page.show());
        assert_eq!(page.headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    }
    // A teacher opening a class that is not theirs learns nothing about it.
    let mut t = b.another();
    t.accept_language = Some("en".into());
    t.sign_in("teacher03").await;
    let page = t.get(&format!("/teach/classes/{class}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.show());
    assert!(page.body.contains("This page does not exist, or it is not one you may open."));
    // Ids that cannot exist, and unknown pages, are friendly 404s too; the API keeps problem+json.
    assert_eq!(t.get("/teach/classes/..%2Fx").await.status, StatusCode::NOT_FOUND);
    let nowhere = t.get("/no/such/page").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert!(nowhere.body.contains("<html lang=\"en\">"), "{}", nowhere.show());
    let api = t.get("/api/no/such").await;
    assert_eq!(api.headers[header::CONTENT_TYPE], "application/problem+json");
    // Nobody signed in is sent to sign in, and comes back afterwards.
    let mut anon = b.another();
    let page = anon.get(&format!("/teach/classes/{class}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let next = format!("/teach/classes/{class}");
    let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("next", &next).finish();
    assert_eq!(page.location(), format!("/sign-in?{q}"));
    let back = anon
        .post_form("/sign-in", &[("username", "teacher01"), ("password", app::demo::DEMO_PASSWORD), ("next", &next)])
        .await;
    assert_eq!(back.location(), next);
});

store_test!(posts_without_the_form_token_or_from_another_site_are_refused, |db| {
    let mut b = Browser::demo(&db).await;
    b.accept_language = Some("en".into());
    let (class, ..) = b.class_of("student0001").await;
    let before = b.summary(&class).await;
    b.sign_in("teacher01").await;
    let path = format!("/teach/classes/{class}/attendance");
    let form = b.get(&path).await;
    let once = form.input("once");
    let missing = b.post_form(&path, &[("date", "2026-11-16"), ("once", &once)]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN, "{}", missing.show());
    assert!(missing.body.contains("This form has expired"), "{}", missing.show());
    let wrong = b.post_form(&path, &[("csrf", "forged"), ("date", "2026-11-16"), ("once", &once)]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // A cross-site form post carries the other site's Origin.
    let csrf = form.input("csrf");
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("date", "2026-11-16")
        .finish();
    let req = Request::post(&path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "school.lan")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(b.send(req).await.status, StatusCode::FORBIDDEN);
    let req = Request::post("/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "school.lan")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::from("username=admin&password=inkstone-demo"))
        .unwrap();
    assert_eq!(b.send(req).await.status, StatusCode::FORBIDDEN);
    // Nothing was recorded by any of them.
    assert_eq!(b.summary(&class).await, before);
});
