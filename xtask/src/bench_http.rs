//! `bench-http`: the HTTP benchmark of issue #2 (wrk at 50 connections against a demo school the
//! size of the Kolibri peer's), on SQLite and on a throwaway PostgreSQL.
//!
//! For each database it creates a demo school in a fresh data directory with the release
//! `inkstone` binary, starts `inkstone serve`, waits until the server is idle and reads its idle
//! memory, signs in learners from every class and one teacher per class, checks that every request
//! it will send answers 2xx, then runs wrk (`-t1 -cN -dS` after a warm-up, once the server is idle
//! again) on each scenario while sampling the server's memory and CPU, and finally times a class
//! of learners signing in at once. Wall-clock figures depend on what else runs on the machine, so
//! every run also records the load average and the server's own CPU time, to normalise to
//! requests per CPU-second.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::postgres::Postgres;

#[cfg(test)]
mod tests;

/// The password of every demo account (`app::demo::DEMO_PASSWORD`).
const DEMO_PASSWORD: &str = "inkstone-demo";
const SESSION_COOKIE: &str = "inkstone_session";

const USAGE: &str = "usage: cargo xtask bench-http [options]

  --binary PATH            the inkstone binary (default: build it with cargo build --release -p cli)
  --backend B              sqlite, postgres or both (default: both)
  --postgres-url URL       an empty PostgreSQL database to use instead of a throwaway server
  --data-dir DIR           SQLite data directory to use and keep; the demo is created unless
                           DIR/inkstone.db exists (default: a fresh temporary directory)
  --connections N          wrk connections (default 50)
  --duration S             seconds per measured wrk run (default 20)
  --warmup S               seconds of warm-up before each run (default 3)
  --idle S                 seconds to wait, once the server is idle, before reading idle memory (default 30)
  --learners N             learners to sign in, spread over every class (default 50)
  --classes-per-grade N    demo size (default 2, so 6 classes)
  --students N             demo size (default 180)
  --teachers N             demo size (default 6)
  --wait-quiet LOAD        before each measured step, wait (at most 15 min) until the 1-minute
                           load average is below LOAD
  --no-login-load          skip the wrk sign-in scenario (the 50-at-once sign-in still runs)
  --keep                   keep the temporary data directory and request lists
  --out FILE               also write every figure as JSON";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
struct Options {
    binary: Option<PathBuf>,
    backends: Vec<Backend>,
    postgres_url: Option<String>,
    data_dir: Option<PathBuf>,
    connections: u32,
    duration_s: u32,
    warmup_s: u32,
    idle_s: u64,
    learners: usize,
    classes_per_grade: usize,
    students: usize,
    teachers: usize,
    wait_quiet: Option<f64>,
    login_load: bool,
    keep: bool,
    out: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut o = Options {
            binary: None,
            backends: vec![Backend::Sqlite, Backend::Postgres],
            postgres_url: None,
            data_dir: None,
            connections: 50,
            duration_s: 20,
            warmup_s: 3,
            idle_s: 30,
            learners: 50,
            classes_per_grade: 2,
            students: 180,
            teachers: 6,
            wait_quiet: None,
            login_load: true,
            keep: false,
            out: None,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().with_context(|| format!("{flag} needs a value\n\n{USAGE}"));
            match flag.as_str() {
                "--binary" => o.binary = Some(PathBuf::from(value()?)),
                "--backend" => {
                    o.backends = match value()?.as_str() {
                        "sqlite" => vec![Backend::Sqlite],
                        "postgres" => vec![Backend::Postgres],
                        "both" => vec![Backend::Sqlite, Backend::Postgres],
                        other => bail!("--backend must be sqlite, postgres or both, not {other:?}"),
                    }
                }
                "--postgres-url" => o.postgres_url = Some(value()?.clone()),
                "--data-dir" => o.data_dir = Some(PathBuf::from(value()?)),
                "--connections" => o.connections = number(flag, value()?)?,
                "--duration" => o.duration_s = number(flag, value()?)?,
                "--warmup" => o.warmup_s = number(flag, value()?)?,
                "--idle" => o.idle_s = number(flag, value()?)?,
                "--learners" => o.learners = number(flag, value()?)?,
                "--classes-per-grade" => o.classes_per_grade = number(flag, value()?)?,
                "--students" => o.students = number(flag, value()?)?,
                "--teachers" => o.teachers = number(flag, value()?)?,
                "--wait-quiet" => o.wait_quiet = Some(number(flag, value()?)?),
                "--no-login-load" => o.login_load = false,
                "--keep" => o.keep = true,
                "--out" => o.out = Some(PathBuf::from(value()?)),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => bail!("unknown option {other:?}\n\n{USAGE}"),
            }
        }
        if o.connections == 0 || o.duration_s == 0 || o.learners == 0 || o.students == 0 || o.teachers == 0 {
            bail!("--connections, --duration, --learners, --students and --teachers must be at least 1");
        }
        if o.learners > o.students {
            bail!("--learners ({}) cannot exceed --students ({})", o.learners, o.students);
        }
        Ok(o)
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> anyhow::Result<T> {
    value.parse().map_err(|_| anyhow::anyhow!("{flag} takes a number, not {value:?}"))
}

/// Runs the benchmark with the command line's options.
pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let opts = Options::parse(args)?;
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed: apt-get install wrk");
    }
    let binary = inkstone_binary(&opts)?;
    let script = root.join("xtask/bench/rotate.lua");
    if !script.is_file() {
        bail!("the wrk script {} is missing", script.display());
    }
    println!("inkstone binary: {}", binary.display());
    let mut reports = Vec::new();
    for &backend in &opts.backends {
        let report = run_backend(&opts, backend, &binary, &script)
            .with_context(|| format!("benchmarking on {}", backend.name()))?;
        print_report(&report);
        reports.push(report);
    }
    if let Some(out) = &opts.out {
        let text = serde_json::to_string_pretty(&Value::Array(reports)).context("encoding the results")?;
        std::fs::write(out, text + "\n").with_context(|| format!("writing {}", out.display()))?;
        println!("\nfigures written to {}", out.display());
    }
    Ok(())
}

/// The binary given, or the release binary built now (cargo makes this a no-op when it is fresh).
fn inkstone_binary(opts: &Options) -> anyhow::Result<PathBuf> {
    if let Some(b) = &opts.binary {
        if !b.is_file() {
            bail!("--binary {} does not exist", b.display());
        }
        return Ok(b.clone());
    }
    crate::step("release build", crate::cargo().args(["build", "--release", "-p", "cli"]))?;
    let meta = crate::cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("running cargo metadata")?;
    if !meta.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&meta.stderr));
    }
    let meta: Value = serde_json::from_slice(&meta.stdout).context("reading cargo metadata's output")?;
    let target = meta["target_directory"].as_str().context("cargo metadata gives no target_directory")?;
    let path = Path::new(target).join("release/inkstone");
    if !path.is_file() {
        bail!("the release build left no binary at {}", path.display());
    }
    Ok(path)
}

/// The server process; stopped (SIGTERM, then SIGKILL after 15 s) when dropped.
#[derive(Debug)]
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Removes a temporary data directory when dropped, unless asked to keep it.
#[derive(Debug)]
struct Scratch {
    dir: PathBuf,
    remove: bool,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn inkstone(binary: &Path, data_dir: &Path, database: Option<&str>) -> Command {
    let mut cmd = Command::new(binary);
    cmd.arg("--data-dir").arg(data_dir);
    if let Some(url) = database {
        cmd.args(["--database", url]);
    }
    cmd
}

fn run_backend(opts: &Options, backend: Backend, binary: &Path, script: &Path) -> anyhow::Result<Value> {
    println!("\n=== Inkstone on {}", backend.name());
    // The throwaway PostgreSQL lives as long as this function (dropped last).
    let pg = match (backend, &opts.postgres_url) {
        (Backend::Postgres, Some(url)) => Some(Postgres::external(url.clone())),
        (Backend::Postgres, None) => Some(Postgres::start().context("starting a throwaway PostgreSQL")?),
        (Backend::Sqlite, _) => None,
    };
    let database = pg.as_ref().map(|p| p.url.clone());
    let (dir, given) = match (&opts.data_dir, backend) {
        (Some(d), Backend::Sqlite) => (d.clone(), true),
        _ => {
            (std::env::temp_dir().join(format!("inkstone-bench-http-{}-{}", std::process::id(), backend.name())), false)
        }
    };
    if !given && dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let _scratch = Scratch { dir: dir.clone(), remove: !given && !opts.keep };

    // The demo school, unless the given SQLite directory already holds one.
    let demo_s = if given && dir.join("inkstone.db").exists() {
        println!("using the school already in {}", dir.display());
        None
    } else {
        let log = dir.join("demo.log");
        let t = Instant::now();
        let status = inkstone(binary, &dir, database.as_deref())
            .arg("demo")
            .args(["--classes-per-grade", &opts.classes_per_grade.to_string()])
            .args(["--students", &opts.students.to_string()])
            .args(["--teachers", &opts.teachers.to_string()])
            .stdout(log_file(&log)?)
            .stderr(log_file(&log)?)
            .status()
            .context("running inkstone demo")?;
        if !status.success() {
            bail!("inkstone demo failed ({status}); see {}", log.display());
        }
        let s = t.elapsed().as_secs_f64();
        println!("demo school created in {s:.1} s");
        Some(s)
    };

    // The server.
    let port = free_port()?;
    let log = dir.join("server.log");
    let t = Instant::now();
    let child = inkstone(binary, &dir, database.as_deref())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(log_file(&log)?)
        .stderr(log_file(&log)?)
        .spawn()
        .context("starting inkstone serve")?;
    let mut server = Server { child, port };
    wait_for_health(&mut server, &log)?;
    let start_ms = t.elapsed().as_millis();
    let pid = server.pid();
    println!("serving on 127.0.0.1:{port} (pid {pid}) after {start_ms} ms; waiting {} s once idle", opts.idle_s);
    wait_idle(pid, 120);
    std::thread::sleep(Duration::from_secs(opts.idle_s));
    let idle_rss_kib = rss_kib(pid);
    let idle_threads = proc_status_field(pid, "Threads:").unwrap_or(0);
    println!("idle RSS {:.1} MiB, {idle_threads} threads", kib_to_mib(idle_rss_kib));

    // Learners spread evenly over the student numbers, so over every class; a teacher per class.
    let n = opts.learners;
    let usernames: Vec<String> = (0..n).map(|i| format!("student{:04}", 1 + i * opts.students / n)).collect();
    let t = Instant::now();
    let mut learners = Vec::new();
    for u in &usernames {
        learners.push(sign_in(port, u)?);
    }
    let sequential_logins_s = t.elapsed().as_secs_f64();
    for l in &mut learners {
        l.load_profile(port)?;
    }
    let mut teacher_of_class: BTreeMap<String, Session> = BTreeMap::new();
    for k in 1..=opts.teachers {
        let mut teacher = sign_in(port, &format!("teacher{k:02}"))?;
        teacher.load_profile(port)?;
        for class in teacher.teaching.clone() {
            teacher_of_class.entry(class).or_insert_with(|| teacher.clone());
        }
    }
    let all_classes: BTreeSet<&String> = teacher_of_class.keys().collect();
    let learner_classes: BTreeSet<&String> = learners.iter().flat_map(|l| &l.learning).collect();
    if all_classes.is_empty() {
        bail!("no teacher teaches any class: is this the demo school?");
    }
    if !all_classes.iter().all(|c| learner_classes.contains(c)) {
        bail!(
            "the {n} learners signed in cover {} of the {} classes; sign in more with --learners",
            learner_classes.len(),
            all_classes.len()
        );
    }
    println!(
        "signed in {n} learners ({:.2} s one after another) covering all {} classes, and {} teachers",
        sequential_logins_s,
        all_classes.len(),
        teacher_of_class.values().map(|t| &t.username).collect::<BTreeSet<_>>().len()
    );

    // The request lists.
    let work = dir.join("bench-http");
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let mut scenarios: Vec<(&str, Vec<Request>)> = vec![
        ("health", vec![Request::get("/api/health", None)]),
        (
            "learner_classes",
            learners
                .iter()
                .map(|l| Request::get(&format!("/api/students/{}/classes", l.person_id), Some(&l.cookie)))
                .collect(),
        ),
        (
            "class_summary",
            teacher_of_class
                .iter()
                .map(|(class, t)| Request::get(&format!("/api/classes/{class}/summary"), Some(&t.cookie)))
                .collect(),
        ),
    ];
    if opts.login_load {
        scenarios.push(("login", usernames.iter().map(|u| Request::login(u)).collect()));
    }

    // Every request must answer 2xx before it is measured; the first of each tells the size.
    let mut single = BTreeMap::new();
    for (name, requests) in &scenarios {
        let check: &[Request] = if *name == "login" { &requests[..1] } else { requests };
        for (i, r) in check.iter().enumerate() {
            let t = Instant::now();
            let resp = http(port, &r.method, &r.path, r.cookie.as_deref(), r.body.as_deref())?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if !(200..300).contains(&resp.status) {
                bail!(
                    "{} {} answered {} before the run: {}",
                    r.method,
                    r.path,
                    resp.status,
                    String::from_utf8_lossy(&resp.body)
                );
            }
            if i == 0 {
                single.insert(name.to_string(), json!({"bytes": resp.body.len(), "ms": round(ms, 2)}));
            }
        }
    }

    let mut runs = Vec::new();
    for (name, requests) in &scenarios {
        let list = work.join(format!("{name}.tsv"));
        let text: String = requests.iter().map(Request::line).collect();
        std::fs::write(&list, text).with_context(|| format!("writing {}", list.display()))?;
        let run = wrk_run(opts, &server, script, name, &list)?;
        runs.push(run);
    }

    let burst = login_burst(opts, &server, &usernames)?;
    let peak_hwm_kib = proc_status_field(pid, "VmHWM:").unwrap_or(0);
    let rss_after_kib = rss_kib(pid);
    server.stop();
    drop(pg);
    Ok(json!({
        "backend": backend.name(),
        "demo": {
            "classes": all_classes.len(),
            "students": opts.students,
            "teachers": opts.teachers,
            "created_s": demo_s.map(|s| round(s, 1)),
        },
        "start_ms": start_ms,
        "idle_rss_kib": idle_rss_kib,
        "idle_threads": idle_threads,
        "sequential_logins": {"n": n, "total_s": round(sequential_logins_s, 3)},
        "single_requests": single,
        "wrk": {"threads": 1, "connections": opts.connections, "duration_s": opts.duration_s, "warmup_s": opts.warmup_s},
        "runs": runs,
        "login_burst": burst,
        "rss_after_kib": rss_after_kib,
        "peak_rss_hwm_kib": peak_hwm_kib,
    }))
}

fn log_file(path: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::File::options().create(true).append(true).open(path).with_context(|| format!("opening {}", path.display()))
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn wait_for_health(server: &mut Server, log: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            bail!("inkstone serve exited ({status}); see {}", log.display());
        }
        if http(server.port, "GET", "/api/health", None, None).is_ok_and(|r| r.status == 200) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the server did not answer /api/health within 120 s; see {}", log.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One request of a scenario.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    cookie: Option<String>,
    body: Option<String>,
}

impl Request {
    fn get(path: &str, cookie: Option<&str>) -> Self {
        Request { method: "GET".into(), path: path.into(), cookie: cookie.map(Into::into), body: None }
    }

    fn login(username: &str) -> Self {
        Request {
            method: "POST".into(),
            path: "/api/session".into(),
            cookie: None,
            body: Some(json!({"username": username, "password": DEMO_PASSWORD}).to_string()),
        }
    }

    /// The line `rotate.lua` reads: METHOD, PATH, COOKIE, BODY separated by tabs.
    fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\n",
            self.method,
            self.path,
            self.cookie.as_deref().unwrap_or(""),
            self.body.as_deref().unwrap_or("")
        )
    }
}

/// A signed-in person: the session cookie and what `/api/me` says.
#[derive(Debug, Clone)]
struct Session {
    username: String,
    /// `inkstone_session=…`, ready for a Cookie header.
    cookie: String,
    person_id: String,
    learning: Vec<String>,
    teaching: Vec<String>,
}

impl Session {
    fn load_profile(&mut self, port: u16) -> anyhow::Result<()> {
        let resp = http(port, "GET", "/api/me", Some(&self.cookie), None)?;
        if resp.status != 200 {
            bail!("GET /api/me as {} answered {}", self.username, resp.status);
        }
        let me: Value = serde_json::from_slice(&resp.body).context("reading /api/me")?;
        let ids = |key: &str| -> Vec<String> {
            me[key]
                .as_array()
                .map(|a| a.iter().filter_map(|c| c["id"].as_str().map(Into::into)).collect())
                .unwrap_or_default()
        };
        self.person_id = me["person"]["id"].as_str().context("/api/me gives no person.id")?.to_owned();
        self.learning = ids("learning");
        self.teaching = ids("teaching");
        Ok(())
    }
}

fn sign_in(port: u16, username: &str) -> anyhow::Result<Session> {
    let body = json!({"username": username, "password": DEMO_PASSWORD}).to_string();
    let resp = http(port, "POST", "/api/session", None, Some(&body))?;
    if resp.status != 200 {
        bail!("signing in as {username} answered {}: {}", resp.status, String::from_utf8_lossy(&resp.body));
    }
    let cookie = resp
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.split(';').next())
        .find(|pair| pair.trim_start().starts_with(&format!("{SESSION_COOKIE}=")))
        .with_context(|| format!("signing in as {username} set no {SESSION_COOKIE} cookie"))?
        .trim()
        .to_owned();
    Ok(Session { username: username.into(), cookie, person_id: String::new(), learning: vec![], teaching: vec![] })
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// One HTTP/1.1 request to the server on loopback, on its own connection. A client library would
/// add a dependency for this one loopback use; the server always answers with Content-Length or
/// chunked bodies, both handled here.
fn http(port: u16, method: &str, path: &str, cookie: Option<&str>, body: Option<&str>) -> anyhow::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).with_context(|| format!("connecting to port {port}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nConnection: close\r\n"
    );
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    req.push_str(body.unwrap_or(""));
    stream.write_all(req.as_bytes()).with_context(|| format!("sending {method} {path}"))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).with_context(|| format!("reading the answer to {method} {path}"))?;
    parse_response(&raw).with_context(|| format!("parsing the answer to {method} {path}"))
}

fn parse_response(raw: &[u8]) -> anyhow::Result<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").context("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).context("headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().context("no status line")?;
    let status: u16 = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).context("no status code")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else if let Some(len) = header("content-length") {
        let len: usize = len.parse().context("bad content-length")?;
        rest.get(..len).context("body shorter than its content-length")?.to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response { status, headers, body })
}

fn dechunk(mut rest: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n").context("chunk size line unterminated")?;
        let size_text = std::str::from_utf8(&rest[..eol]).context("chunk size is not text")?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .with_context(|| format!("bad chunk size {size_text:?}"))?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(rest.get(..size).context("chunk shorter than its size")?);
        rest = rest.get(size + 2..).context("chunk not followed by CRLF")?;
    }
}

/// One wrk scenario: warm-up, then the measured run with memory and CPU sampled.
fn wrk_run(opts: &Options, server: &Server, script: &Path, name: &str, list: &Path) -> anyhow::Result<Value> {
    let pid = server.pid();
    let url = format!("http://127.0.0.1:{}/", server.port);
    let wrk = |secs: u32| {
        let mut cmd = Command::new("wrk");
        cmd.args(["-t1", &format!("-c{}", opts.connections), &format!("-d{secs}s"), "--timeout", "10s", "-s"])
            .arg(script)
            .arg(&url)
            .env("INKSTONE_BENCH_REQUESTS", list);
        cmd
    };
    wait_idle(pid, 120);
    if opts.warmup_s > 0 {
        let out = wrk(opts.warmup_s).stderr(Stdio::piped()).output().context("running wrk (warm-up)")?;
        if !out.status.success() {
            bail!("wrk failed in the {name} warm-up: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    wait_idle(pid, 120);
    if let Some(limit) = opts.wait_quiet {
        wait_quiet(limit, 900);
    }
    let load_before = loadavg();
    let (hz, busy0, cpu0, t0) = (clock_ticks(), busy_ticks(), cpu_ticks(pid), Instant::now());
    let sampler = RssSampler::start(pid);
    let out = wrk(opts.duration_s).output().context("running wrk")?;
    let peak_rss_kib = sampler.stop();
    let secs = t0.elapsed().as_secs_f64();
    let (busy1, cpu1) = (busy_ticks(), cpu_ticks(pid));
    let load_after = loadavg();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk failed in {name}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    }
    let result: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH-RESULT "))
        .with_context(|| format!("wrk printed no result line for {name}: {stdout}"))
        .and_then(|j| serde_json::from_str(j).context("reading wrk's result line"))?;
    let field = |k: &str| result[k].as_f64().unwrap_or(0.0);
    let requests = field("requests");
    let rps = requests / (field("duration_us") / 1e6);
    let server_cpu_s = cpu1.saturating_sub(cpu0) as f64 / hz;
    let other_cpu_s = busy1.saturating_sub(busy0).saturating_sub(cpu1.saturating_sub(cpu0)) as f64 / hz;
    let socket_errors =
        field("errors_connect") + field("errors_read") + field("errors_write") + field("errors_timeout");
    let run = json!({
        "scenario": name,
        "distinct_requests": std::fs::read_to_string(list).map(|t| t.lines().count()).unwrap_or(0),
        "requests": requests,
        "rps": round(rps, 1),
        "p50_ms": round(field("latency_p50_us") / 1000.0, 2),
        "p90_ms": round(field("latency_p90_us") / 1000.0, 2),
        "p99_ms": round(field("latency_p99_us") / 1000.0, 2),
        "max_ms": round(field("latency_max_us") / 1000.0, 2),
        "mean_ms": round(field("latency_mean_us") / 1000.0, 2),
        "bytes_per_response": if requests > 0.0 { round(field("bytes") / requests, 0) } else { 0.0 },
        "http_errors": field("errors_status"),
        "socket_errors": socket_errors,
        "peak_rss_kib": peak_rss_kib,
        "server_cpu_pct": round(100.0 * server_cpu_s / secs, 0),
        "other_cpu_pct": round(100.0 * other_cpu_s / secs, 0),
        "rps_per_server_cpu_s": if server_cpu_s > 0.0 { round(requests / server_cpu_s, 1) } else { 0.0 },
        "load_before": load_before,
        "load_after": load_after,
    });
    println!(
        "{name}: {} req/s, p50 {} ms, p99 {} ms, HTTP errors {}, socket errors {}, server CPU {}%, load {} -> {}",
        run["rps"],
        run["p50_ms"],
        run["p99_ms"],
        run["http_errors"],
        run["socket_errors"],
        run["server_cpu_pct"],
        run["load_before"].as_str().unwrap_or(""),
        run["load_after"].as_str().unwrap_or("")
    );
    Ok(run)
}

/// A class signing in at once: one connection per learner, all released together; the time until
/// the last answer arrives.
fn login_burst(opts: &Options, server: &Server, usernames: &[String]) -> anyhow::Result<Value> {
    let pid = server.pid();
    wait_idle(pid, 120);
    if let Some(limit) = opts.wait_quiet {
        wait_quiet(limit, 900);
    }
    let load_before = loadavg();
    let (hz, busy0, cpu0) = (clock_ticks(), busy_ticks(), cpu_ticks(pid));
    let sampler = RssSampler::start(pid);
    let barrier = Arc::new(Barrier::new(usernames.len() + 1));
    let threads: Vec<_> = usernames
        .iter()
        .map(|u| {
            let (barrier, port) = (Arc::clone(&barrier), server.port);
            let body = json!({"username": u, "password": DEMO_PASSWORD}).to_string();
            std::thread::spawn(move || {
                barrier.wait();
                let t = Instant::now();
                let status = http(port, "POST", "/api/session", None, Some(&body)).map(|r| r.status);
                (status, t.elapsed(), Instant::now())
            })
        })
        .collect();
    barrier.wait();
    let t0 = Instant::now();
    let mut latencies = Vec::new();
    let mut last = t0;
    let mut ok = 0;
    for th in threads {
        let (status, latency, finished) = th.join().map_err(|_| anyhow::anyhow!("a sign-in thread panicked"))?;
        if status? == 200 {
            ok += 1;
        }
        latencies.push(latency.as_secs_f64());
        last = last.max(finished);
    }
    let total_s = (last - t0).as_secs_f64();
    let peak_rss_kib = sampler.stop();
    let (busy1, cpu1) = (busy_ticks(), cpu_ticks(pid));
    latencies.sort_by(f64::total_cmp);
    let server_cpu_s = cpu1.saturating_sub(cpu0) as f64 / hz;
    let burst = json!({
        "n": usernames.len(),
        "ok": ok,
        "total_s": round(total_s, 3),
        "p50_s": round(latencies[latencies.len() / 2], 3),
        "max_s": round(latencies.last().copied().unwrap_or(0.0), 3),
        "server_cpu_s": round(server_cpu_s, 2),
        "other_cpu_s": round(busy1.saturating_sub(busy0).saturating_sub(cpu1.saturating_sub(cpu0)) as f64 / hz, 2),
        "peak_rss_kib": peak_rss_kib,
        "load_before": load_before,
        "load_after": loadavg(),
    });
    println!(
        "{} learners signing in at once: all answered in {:.3} s ({ok} OK), peak RSS {:.1} MiB",
        usernames.len(),
        total_s,
        kib_to_mib(peak_rss_kib)
    );
    if ok != usernames.len() {
        bail!("only {ok} of {} sign-ins at once succeeded", usernames.len());
    }
    Ok(burst)
}

/// Samples a process tree's RSS every 100 ms in a thread and keeps the highest.
#[derive(Debug)]
struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(rss_kib(pid)));
        let thread = std::thread::spawn({
            let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
            move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        RssSampler { stop, peak, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

/// A process and all its descendants.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut idx = 0;
    while idx < all.len() {
        let p = all[idx];
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) {
            for task in tasks.filter_map(Result::ok) {
                let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
                all.extend(children.split_whitespace().filter_map(|c| c.parse::<u32>().ok()));
            }
        }
        idx += 1;
    }
    all
}

fn proc_status_field(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with(key))?.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory of a process and its descendants, in KiB.
fn rss_kib(pid: u32) -> u64 {
    process_tree(pid).into_iter().filter_map(|p| proc_status_field(p, "VmRSS:")).sum()
}

/// User plus system CPU time of a process (all its threads), in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces; utime and
    // stime are the 14th and 15th fields of the whole line.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let get = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

/// Busy clock ticks of the whole machine (all CPUs), from /proc/stat.
fn busy_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = stat.lines().find(|l| l.starts_with("cpu ")) else { return 0 };
    let f: Vec<u64> = cpu.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user, nice, system, (idle, iowait,) irq, softirq, steal
    [0, 1, 2, 5, 6, 7].iter().filter_map(|&i| f.get(i)).sum()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// Blocks until the process used under 5% of one core over a second (at most `max_s` seconds).
fn wait_idle(pid: u32, max_s: u32) {
    let hz = clock_ticks();
    for _ in 0..max_s {
        let a = cpu_ticks(pid);
        std::thread::sleep(Duration::from_secs(1));
        if ((cpu_ticks(pid) - a) as f64) < 0.05 * hz {
            return;
        }
    }
    println!("warning: the server was still busy after {max_s} s");
}

/// "1m/5m/15m" load averages.
fn loadavg() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join("/")
}

fn wait_quiet(limit: f64, max_s: u32) {
    for _ in 0..max_s {
        let one: f64 = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|t| t.split_whitespace().next().and_then(|v| v.parse().ok()))
            .unwrap_or(0.0);
        if one < limit {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    println!("warning: the load is still {} after {max_s} s; measuring anyway", loadavg());
}

fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn round(v: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (v * m).round() / m
}

fn print_report(r: &Value) {
    let mib = |v: &Value| kib_to_mib(v.as_u64().unwrap_or(0));
    println!(
        "\nInkstone on {} — demo school of {} classes, {} students, {} teachers; server answered after {} ms",
        r["backend"].as_str().unwrap_or("?"),
        r["demo"]["classes"],
        r["demo"]["students"],
        r["demo"]["teachers"],
        r["start_ms"]
    );
    println!(
        "idle RSS {:.1} MiB ({} threads); peak RSS over the whole run (VmHWM) {:.1} MiB",
        mib(&r["idle_rss_kib"]),
        r["idle_threads"],
        mib(&r["peak_rss_hwm_kib"])
    );
    println!(
        "{:<16} {:>9} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>9} {:>7} {:>7} {:>10}  load before -> after",
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "HTTP≥400",
        "sock",
        "B/resp",
        "peak MiB",
        "srv CPU",
        "oth CPU",
        "req/CPU-s"
    );
    for run in r["runs"].as_array().into_iter().flatten() {
        println!(
            "{:<16} {:>9} {:>8} {:>8} {:>8} {:>8} {:>6} {:>8} {:>9.1} {:>6}% {:>6}% {:>10}  {} -> {}",
            run["scenario"].as_str().unwrap_or("?"),
            run["rps"],
            run["p50_ms"],
            run["p99_ms"],
            run["max_ms"],
            run["http_errors"],
            run["socket_errors"],
            run["bytes_per_response"],
            mib(&run["peak_rss_kib"]),
            run["server_cpu_pct"],
            run["other_cpu_pct"],
            run["rps_per_server_cpu_s"],
            run["load_before"].as_str().unwrap_or(""),
            run["load_after"].as_str().unwrap_or("")
        );
    }
    let b = &r["login_burst"];
    println!(
        "{} learners signing in at once: {}/{} OK, all answered in {} s (p50 {} s), server CPU {} s, peak RSS {:.1} MiB, load {} -> {}",
        b["n"],
        b["ok"],
        b["n"],
        b["total_s"],
        b["p50_s"],
        b["server_cpu_s"],
        mib(&b["peak_rss_kib"]),
        b["load_before"].as_str().unwrap_or(""),
        b["load_after"].as_str().unwrap_or("")
    );
    println!(
        "{} learners signing in one after another: {} s",
        r["sequential_logins"]["n"], r["sequential_logins"]["total_s"]
    );
}
