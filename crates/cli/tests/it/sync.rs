//! Sneakernet replication with the real binary, killed with SIGKILL while it applies batches.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

fn inkstone(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_inkstone"));
    c.arg("--data-dir").arg(data).env("INKSTONE_LOG", "warn").env_remove("INKSTONE_DATABASE_URL");
    c
}

fn ok(mut c: Command) -> String {
    let out: Output = c.output().unwrap();
    assert!(out.status.success(), "{c:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

async fn counts(data: &Path) -> BTreeMap<&'static str, u64> {
    let store = store::Store::open(&store::StoreOptions::Sqlite { path: data.join("inkstone.db") }).await.unwrap();
    let mut conn = store.read().await.unwrap();
    let mut out = BTreeMap::new();
    for t in sync::schema::TABLES {
        out.insert(t.name, store::replication::count_rows(&mut conn, t).await.unwrap());
    }
    drop(conn);
    store.close().await;
    out
}

#[tokio::test]
async fn a_hub_killed_while_importing_resumes_with_nothing_lost_or_doubled() {
    let tmp = tempfile::tempdir().unwrap();
    let (school, hub, usb) = (tmp.path().join("school"), tmp.path().join("hub"), tmp.path().join("usb"));
    ok({
        let mut c = inkstone(&school);
        c.args(["demo", "--small"]);
        c
    });
    let key = |dir: &Path| {
        let mut c = inkstone(dir);
        c.args(["sync", "key"]);
        ok(c).trim().to_owned()
    };
    let (school_key, hub_key) = (key(&school), key(&hub));
    for (dir, other, name) in [(&school, &hub_key, "hub"), (&hub, &school_key, "school")] {
        let mut c = inkstone(dir);
        c.args(["transfer", "trust", "--key", other, "--name", name]);
        ok(c);
    }
    let mut export = inkstone(&school);
    export.args(["sync", "export", "--peer", &hub_key, "--batch-bytes", "100000", "--to"]).arg(&usb);
    ok(export);
    let n_batches = std::fs::read_dir(&usb).unwrap().count();
    assert!(n_batches >= 4, "{n_batches} batches");

    // Kill the importing hub at growing delays: each time it has applied some batches, or is in
    // the middle of one, which must then leave no trace.
    for delay_ms in [30, 80, 150, 250, 400, 600] {
        let mut import = inkstone(&hub);
        import.args(["sync", "import"]).arg(&usb);
        let mut child = import.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL on Unix.
        child.wait().unwrap();
    }
    let mut import = inkstone(&hub);
    import.args(["sync", "import"]).arg(&usb);
    ok(import);
    let expected = counts(&school).await;
    assert_eq!(counts(&hub).await, expected);

    // Importing the same folder again is a no-op.
    let mut again = inkstone(&hub);
    again.args(["sync", "import"]).arg(&usb);
    let said = ok(again);
    assert!(said.contains("Applied 0 batches"), "{said}");
    assert_eq!(counts(&hub).await, expected);

    // The hub's audit chain is whole, and the school takes in the hub's receipts: nothing is left
    // to send.
    let mut verify = inkstone(&hub);
    verify.args(["audit", "verify"]);
    ok(verify);
    let mut take = inkstone(&school);
    take.args(["sync", "import"]).arg(&usb);
    let said = ok(take);
    assert!(said.contains("acknowledged"), "{said}");
    let next = tmp.path().join("usb2");
    let mut export = inkstone(&school);
    export.args(["sync", "export", "--peer", &hub_key, "--to"]).arg(&next);
    let said = ok(export);
    assert!(said.starts_with("Wrote 0 batches"), "{said}");
}
