//! Tests of the benchmark's own plumbing: HTTP answers, request lists and options.

use super::*;

#[test]
fn an_answer_with_content_length_gives_status_cookie_and_exact_body() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nset-cookie: inkstone_session=abc; HttpOnly; Path=/\r\ncontent-length: 7\r\n\r\n{\"a\":1}";
    let r = parse_response(raw).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"{\"a\":1}");
    assert!(r.headers.contains(&("set-cookie".into(), "inkstone_session=abc; HttpOnly; Path=/".into())));
}

#[test]
fn a_chunked_answer_is_reassembled() {
    let raw =
        b"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n";
    let r = parse_response(raw).unwrap();
    assert_eq!(r.status, 401);
    assert_eq!(r.body, b"{\"a\":1}");
}

#[test]
fn a_truncated_answer_is_an_error() {
    assert!(parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort").is_err());
    assert!(parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 10").is_err());
}

#[test]
fn request_lines_have_four_tab_separated_fields() {
    assert_eq!(Request::get("/api/health", None).line(), "GET\t/api/health\t\t\n");
    assert_eq!(
        Request::login("student0001").line(),
        "POST\t/api/session\t\t{\"password\":\"inkstone-demo\",\"username\":\"student0001\"}\n"
    );
}

#[test]
fn options_default_to_the_issues_load_shape_and_reject_nonsense() {
    let o = Options::parse(&[]).unwrap();
    assert_eq!((o.connections, o.duration_s, o.warmup_s, o.learners), (50, 20, 3, 50));
    assert_eq!((o.classes_per_grade, o.students, o.teachers), (2, 180, 6));
    assert_eq!(o.backends, vec![Backend::Sqlite, Backend::Postgres]);
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(Options::parse(&args(&["--backend", "sqlite"])).unwrap().backends, vec![Backend::Sqlite]);
    assert!(Options::parse(&args(&["--backend", "mysql"])).is_err());
    assert!(Options::parse(&args(&["--learners", "500"])).is_err());
    assert!(Options::parse(&args(&["--duration"])).is_err());
    assert!(Options::parse(&args(&["--connections", "many"])).is_err());
}

#[test]
fn this_process_has_memory_and_cpu_time_in_proc() {
    let pid = std::process::id();
    let mut x = 0u64;
    for i in 0..5_000_000u64 {
        x = x.wrapping_mul(31).wrapping_add(i);
    }
    assert!(x != 1);
    assert!(rss_kib(pid) > 0);
    assert!(process_tree(pid).contains(&pid));
    assert!(busy_ticks() > 0);
    assert!(cpu_ticks(pid) < busy_ticks());
}
