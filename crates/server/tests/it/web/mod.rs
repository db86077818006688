//! The web pages, driven in-process like a browser would: form posts with the hidden CSRF field,
//! cookies, redirects, languages, escaping, and the bad input of issue #5.

mod assess;
mod flows;
mod guards;
mod practice;
mod roster;
mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use test_support::TestDb;
use tower::ServiceExt;

/// A page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).map_or("", |v| v.to_str().unwrap())
    }

    /// The value of the first `<input>` named `name` (HTML-unescaped), whatever the attributes' order.
    pub fn input(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\"");
        let at = self.body.find(&needle).unwrap_or_else(|| panic!("no input {name} in {}", self.show()));
        let open = self.body[..at].rfind('<').unwrap();
        let tag = &self.body[open..open + self.body[open..].find('>').unwrap()];
        match tag.find(" value=\"") {
            Some(v) => {
                let start = v + " value=\"".len();
                unescape(&tag[start..start + tag[start..].find('"').unwrap()])
            }
            None => String::new(),
        }
    }

    /// The status and a short excerpt, for assertion messages.
    pub fn show(&self) -> String {
        format!("{} {}", self.status, self.body.chars().take(3000).collect::<String>())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// A browser with a cookie jar, over the real router and a small demo school.
pub struct Browser {
    pub router: axum::Router,
    pub app: app::App,
    pub clock: Arc<app::FixedClock>,
    pub cookies: BTreeMap<String, String>,
    pub accept_language: Option<String>,
}

impl Browser {
    pub async fn demo(db: &TestDb) -> Browser {
        let c = crate::Client::demo(db).await;
        Browser { router: c.router, app: c.app, clock: c.clock, cookies: BTreeMap::new(), accept_language: None }
    }

    /// Another browser on the same server (another person's device).
    pub fn another(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            app: self.app.clone(),
            clock: self.clock.clone(),
            cookies: BTreeMap::new(),
            accept_language: None,
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Page {
        if !self.cookies.is_empty() {
            let jar = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            req.headers_mut().insert(header::COOKIE, jar.parse().unwrap());
        }
        if let Some(l) = &self.accept_language {
            req.headers_mut().insert(header::ACCEPT_LANGUAGE, l.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes().to_vec();
        for set in parts.headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = String::from_utf8(bytes.clone()).unwrap_or_else(|_| format!("<{} bytes, not UTF-8>", bytes.len()));
        Page { status: parts.status, headers: parts.headers, bytes, body }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(s.finish()))
            .unwrap();
        self.send(req).await
    }

    /// Signs in through the form, as a person would.
    pub async fn sign_in(&mut self, username: &str) -> Page {
        let page = self
            .post_form("/sign-in", &[("username", username), ("password", app::demo::DEMO_PASSWORD), ("next", "")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.show());
        page
    }

    pub async fn id_of(&self, username: &str) -> String {
        let mut c = self.app.store().read().await.unwrap();
        store::people::credentials(&mut c, username).await.unwrap().unwrap().person.to_string()
    }

    /// The class a demo student is in, as (id, title, sourced id).
    pub async fn class_of(&self, username: &str) -> (String, String, String) {
        let operator = app::Caller::Operator { user: "t".into() };
        let student: base::PersonId = self.id_of(username).await.parse().unwrap();
        let classes = self.app.learner_classes(&operator, &student).await.unwrap();
        let class = classes.first().unwrap();
        let all = self.app.visible_classes(&operator).await.unwrap();
        let full = all.iter().find(|k| k.id == class.class).unwrap();
        (class.class.to_string(), class.title.clone(), full.sourced_id.clone())
    }

    pub async fn summary(&self, class: &str) -> store::views::ClassSummary {
        let operator = app::Caller::Operator { user: "t".into() };
        self.app.class_summary(&operator, &class.parse().unwrap()).await.unwrap()
    }
}

/// What a page must never contain when someone typed script into a form.
pub const SCRIPT: &str = "<script>alert(1)</script>";

/// Asserts `text` shows `SCRIPT` only escaped.
pub fn assert_escaped(page: &Page) {
    assert!(!page.body.contains(SCRIPT), "raw script in the page: {}", page.show());
    assert!(
        page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the escaped script is not shown: {}",
        page.show()
    );
}
