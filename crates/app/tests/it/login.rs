//! Signing in: right and wrong passwords, throttling, sessions, CSRF and tokens.

use app::{AuthMethod, Caller, LoginRequest, UserError};
use test_support::store_test;

use crate::{demo_app, sign_in};

fn attempt(username: &str, password: &str) -> LoginRequest {
    LoginRequest { username: username.into(), password: password.into(), client: "10.1.1.1".into() }
}

fn code(e: app::Error) -> &'static str {
    e.as_user().map_or("internal", UserError::code)
}

store_test!(wrong_passwords_and_unknown_users_look_the_same_and_are_throttled, |db| {
    let (app, clock) = demo_app(&db).await;
    assert_eq!(code(app.login(attempt("teacher01", "wrong password")).await.unwrap_err()), "bad-credentials");
    assert_eq!(code(app.login(attempt("nobody", "wrong password")).await.unwrap_err()), "bad-credentials");
    for _ in 0..4 {
        let _ = app.login(attempt("teacher01", "wrong password")).await;
    }
    // Five failures: even the right password is refused until the window passes.
    let err = app.login(attempt("teacher01", app::demo::DEMO_PASSWORD)).await.unwrap_err();
    assert!(matches!(err.as_user(), Some(UserError::RateLimited { retry_after_seconds }) if *retry_after_seconds > 0));
    clock.advance_seconds(15 * 60);
    assert!(app.login(attempt("teacher01", app::demo::DEMO_PASSWORD)).await.is_ok());
    // Failed attempts are audited.
    let recent = app.audit_recent(&crate::operator(), None, 50).await.unwrap();
    assert!(recent.iter().filter(|e| e.action == "login-failed").count() >= 6);
});

store_test!(sessions_expire_when_idle_and_end_on_logout, |db| {
    let (app, clock) = demo_app(&db).await;
    let signed = app.login(attempt("student0001", app::demo::DEMO_PASSWORD)).await.unwrap();
    assert!(app.authenticate_session(&signed.token).await.is_ok());
    assert_eq!(code(app.authenticate_session("forged-token").await.unwrap_err()), "unauthenticated");
    clock.advance_seconds(9 * 3600);
    assert_eq!(code(app.authenticate_session(&signed.token).await.unwrap_err()), "unauthenticated", "8 h idle");
    let signed = app.login(attempt("student0001", app::demo::DEMO_PASSWORD)).await.unwrap();
    app.logout(&signed.token).await.unwrap();
    assert_eq!(code(app.authenticate_session(&signed.token).await.unwrap_err()), "unauthenticated");
});

store_test!(a_language_kept_on_the_account_comes_back_with_every_new_session, |db| {
    let (app, _clock) = demo_app(&db).await;
    let phone = app.login(attempt("student0001", app::demo::DEMO_PASSWORD)).await.unwrap();
    let actor = app.authenticate_session(&phone.token).await.unwrap();
    assert_eq!(actor.language, None);
    app.set_language(&actor, "zh-CN").await.unwrap();
    let desktop = app.login(attempt("student0001", app::demo::DEMO_PASSWORD)).await.unwrap();
    assert_eq!(app.authenticate_session(&desktop.token).await.unwrap().language.as_deref(), Some("zh-CN"));
    // Only the pages' own languages are kept.
    assert_eq!(code(app.set_language(&actor, "fr").await.unwrap_err()), "invalid");
    assert_eq!(app.authenticate_session(&phone.token).await.unwrap().language.as_deref(), Some("zh-CN"));
    let teacher = app.login(attempt("teacher01", app::demo::DEMO_PASSWORD)).await.unwrap();
    assert_eq!(app.authenticate_session(&teacher.token).await.unwrap().language, None, "per person");
});

store_test!(forms_need_the_session_csrf_token_but_api_tokens_do_not, |db| {
    let (app, _) = demo_app(&db).await;
    let Caller::Person(actor) = sign_in(&app, "teacher01").await else { unreachable!() };
    let AuthMethod::Session { csrf_token, .. } = &actor.auth else { unreachable!() };
    assert!(app.check_csrf(&actor, Some(csrf_token)).is_ok());
    assert_eq!(code(app.check_csrf(&actor, Some("stale")).unwrap_err()), "csrf-failed");
    assert_eq!(code(app.check_csrf(&actor, None).unwrap_err()), "csrf-failed");

    let created = app.create_api_token(&actor, "nightly export", Some(30)).await.unwrap();
    assert!(created.secret.starts_with("ink_"));
    let token_actor = app.authenticate_token(&created.secret).await.unwrap();
    assert_eq!(token_actor.person(), actor.person());
    assert!(app.check_csrf(&token_actor, None).is_ok());
    app.revoke_api_token(&actor, &created.token.id).await.unwrap();
    assert_eq!(code(app.authenticate_token(&created.secret).await.unwrap_err()), "unauthenticated");
});

store_test!(changing_a_password_ends_other_sessions, |db| {
    let (app, _) = demo_app(&db).await;
    let first = app.login(attempt("teacher02", app::demo::DEMO_PASSWORD)).await.unwrap();
    let actor = app.authenticate_session(&first.token).await.unwrap();
    assert_eq!(
        code(app.change_password(&actor, "not it", "a new long password").await.unwrap_err()),
        "bad-credentials"
    );
    assert_eq!(code(app.change_password(&actor, app::demo::DEMO_PASSWORD, "short").await.unwrap_err()), "invalid");
    app.change_password(&actor, app::demo::DEMO_PASSWORD, "a new long password").await.unwrap();
    assert!(app.authenticate_session(&first.token).await.is_err());
    assert!(app.login(attempt("teacher02", "a new long password")).await.is_ok());
});
