//! A throwaway PostgreSQL server from the system's packages: no Docker, loopback only, durability
//! off (the data is thrown away), removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A running server (or an external one we were pointed at).
#[derive(Debug)]
pub(crate) struct Postgres {
    pub url: String,
    pub dir: PathBuf,
    bindir: Option<PathBuf>,
    owner: Option<String>,
}

fn find_bindir() -> anyhow::Result<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Ok(out) = Command::new("sh").args(["-c", "command -v initdb"]).output() {
        let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !path.is_empty() {
            let real = std::fs::canonicalize(&path).unwrap_or_else(|_| PathBuf::from(&path));
            if let Some(dir) = real.parent() {
                return Ok(dir.to_owned());
            }
        }
    }
    // Debian keeps the server binaries off PATH.
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path().join("bin")).filter(|p| p.join("initdb").exists()).collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions.pop().context("no PostgreSQL server found: apt-get install postgresql, or set PG_BINDIR")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run_as(owner: Option<&str>, program: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    let mut cmd = match owner {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args).output().with_context(|| format!("running {}", program.display()))
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl Postgres {
    /// A server we did not start and will not stop.
    pub(crate) fn external(url: String) -> Self {
        Postgres { url, dir: PathBuf::new(), bindir: None, owner: None }
    }

    /// Starts a fresh server in a temporary directory.
    pub(crate) fn start() -> anyhow::Result<Self> {
        let t = Instant::now();
        let bindir = find_bindir()?;
        // PostgreSQL refuses to run as root; the Debian package's `postgres` account runs it then.
        let owner = if is_root() {
            Some(std::env::var("PG_EPHEMERAL_USER").unwrap_or_else(|_| "postgres".into()))
        } else {
            None
        };
        let dir = std::env::temp_dir().join(format!("inkstone-pg-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        if let Some(user) = &owner {
            let status = Command::new("chown").arg(user).arg(&dir).status()?;
            if !status.success() {
                bail!("cannot give {} to the {user} account", dir.display());
            }
        }
        let data = dir.join("data");
        let data_s = data.to_string_lossy().to_string();
        let out = run_as(
            owner.as_deref(),
            &bindir.join("initdb"),
            &["--pgdata", &data_s, "--username=postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
        )?;
        if !out.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let port = free_port()?;
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\nmax_connections = 300\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n",
            dir.display()
        );
        let conf_path = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path).unwrap_or_default();
        text.push_str(&conf);
        std::fs::write(&conf_path, text)?;
        let log = dir.join("server.log").to_string_lossy().to_string();
        let out = run_as(
            owner.as_deref(),
            &bindir.join("pg_ctl"),
            &["--pgdata", &data_s, "--log", &log, "--wait", "--timeout=60", "start"],
        )?;
        if !out.status.success() {
            bail!("PostgreSQL did not start: {}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        // Wait for TCP too.
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("PostgreSQL is not accepting connections on port {port}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        println!("PostgreSQL on 127.0.0.1:{port}, ready in {} ms", t.elapsed().as_millis());
        Ok(Postgres { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), dir, bindir: Some(bindir), owner })
    }

    /// Leaves the server running after this process ends.
    pub(crate) fn keep(mut self) {
        self.bindir = None;
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let Some(bindir) = &self.bindir else { return };
        let data = self.dir.join("data").to_string_lossy().to_string();
        let _ = run_as(
            self.owner.as_deref(),
            &bindir.join("pg_ctl"),
            &["--pgdata", &data, "--mode=fast", "--wait", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
