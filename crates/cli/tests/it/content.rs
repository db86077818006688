//! Content channels between two real servers: one `serve`s its library, the other imports it
//! over loopback HTTP; a USB-disk round trip; and a bad URL or missing folder named clearly.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn inkstone(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_inkstone"));
    c.arg("--data-dir").arg(data).env("INKSTONE_LOG", "warn").env_remove("INKSTONE_DATABASE_URL");
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    let mut c = inkstone(data);
    c.args(args);
    c.output().unwrap()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = run(data, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Kills the server when the test ends, passing or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn serve(data: &Path) -> (Server, String) {
    let port = free_port();
    let mut c = inkstone(data);
    c.args(["serve", "--listen", &format!("127.0.0.1:{port}")]).stdout(Stdio::null()).stderr(Stdio::null());
    let server = Server(c.spawn().unwrap());
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, url)
}

#[test]
fn a_school_imports_a_channel_from_a_peer_server_over_http_and_again_copies_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, school, usb) = (tmp.path().join("hub"), tmp.path().join("school"), tmp.path().join("usb"));
    ok(&hub, &["demo", "--small"]);
    let listed = ok(&hub, &["content", "list"]);
    assert!(listed.contains("inkstone-demo-maths v1"), "{listed}");
    let key = listed.lines().find_map(|l| l.strip_prefix("trusted publisher ")).unwrap().split_whitespace().next();
    let key = key.unwrap().to_owned();
    let (_server, url) = serve(&hub);

    // Untrusted: refused, nothing installed.
    let refused = run(&school, &["content", "import", "--from", &url]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not trust"));
    assert!(!ok(&school, &["content", "list"]).contains("inkstone-demo-maths"));

    ok(&school, &["content", "trust", "--key", &key, "--name", "county hub"]);
    let said = ok(&school, &["content", "import", "--from", &url, "--units", "unit-rational"]);
    assert!(said.contains("inkstone-demo-maths v1: New, 1 units installed"), "{said}");
    let said = ok(&school, &["content", "import", "--from", &url]);
    assert!(said.contains("Extend"), "{said}");
    let said = ok(&school, &["content", "import", "--from", &url]);
    assert!(said.contains("UpToDate") && said.contains("0 files (0 bytes) copied"), "{said}");

    // The school's copy is identical: its own library serves the same files.
    let sub = "channels/inkstone-demo-maths.json";
    assert_eq!(
        std::fs::read(hub.join("content/library").join(sub)).unwrap(),
        std::fs::read(school.join("content/library").join(sub)).unwrap()
    );

    // And a USB disk from the school imports into a third server.
    let said = ok(&school, &["content", "export", "--channel", "inkstone-demo-maths", "--to", usb.to_str().unwrap()]);
    assert!(said.contains("files written"), "{said}");
    let third = tmp.path().join("third");
    ok(&third, &["content", "trust", "--key", &key, "--name", "county hub"]);
    let said = ok(&third, &["content", "import", usb.to_str().unwrap()]);
    assert!(said.contains("New"), "{said}");
}

#[test]
fn importing_from_a_folder_that_is_not_an_export_names_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&tmp.path().join("data"), &["content", "import", tmp.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a channel export") && stderr.contains(tmp.path().to_str().unwrap()), "{stderr}");
}
