//! `bench sync`: a school the size of the Morango peer's replicates to a hub over HTTP on loopback.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use sync::batch::Value;

use super::say;
use super::sync::{LinkArgs, PushStats, push_http};
use crate::settings::{Database, Settings};

/// The school to replicate.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SyncBenchArgs {
    /// Classes per grade (grades 7 to 9).
    #[arg(long, default_value_t = 2)]
    classes_per_grade: usize,
    #[arg(long, default_value_t = 180)]
    students: usize,
    #[arg(long, default_value_t = 6)]
    teachers: usize,
    /// School days of attendance.
    #[arg(long, default_value_t = 60)]
    attendance_days: usize,
    /// Replicated records to reach before the full sync: the demo's own are topped up with copies
    /// of its practice answers (new ids, a minute later). 67,852 is the Morango peer's record count.
    #[arg(long, default_value_t = 67_852)]
    records: u64,
    /// New records for the incremental sync.
    #[arg(long, default_value_t = 50)]
    new_records: usize,
}

/// CPU seconds this process has used (user + system, Linux), so that figures taken on a busy
/// machine can be read without the time spent waiting for a core.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with the last ')'): utime and stime are 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn stats_line(what: &str, s: &PushStats) -> String {
    format!(
        "{what}: {} changes, {} requests, {:.3} MB sent + {:.3} MB received (HTTP bodies), {:.2} s",
        s.n_changes,
        s.requests,
        s.sent_bytes as f64 / 1e6,
        s.received_bytes as f64 / 1e6,
        s.seconds
    )
}

pub(crate) async fn run(settings: &Settings, args: SyncBenchArgs) -> anyhow::Result<()> {
    let dir = settings.data_dir.join("bench-sync");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let caller = super::operator();
    let config = |name: &str| app::AppConfig::school(name).with_cheap_passwords_for_tests();
    let school_store = store::Store::open(&store::StoreOptions::Sqlite { path: dir.join("school.db") })
        .await
        .context("opening the school's database")?;
    let school = app::App::new(school_store, Arc::new(app::SystemClock), config("bench school"));
    let hub_options = match &settings.database {
        Database::Sqlite { .. } => store::StoreOptions::Sqlite { path: dir.join("hub.db") },
        Database::Postgres { url, .. } => store::StoreOptions::Postgres { url: url.clone(), max_connections: 8 },
    };
    let hub_store = store::Store::open(&hub_options).await.context("opening the hub's database")?;
    let hub = app::App::new(hub_store, Arc::new(app::SystemClock), config("bench hub"));

    let t = Instant::now();
    let size = app::demo::DemoSize {
        classes_per_grade: args.classes_per_grade.max(1),
        students: args.students.max(1),
        teachers: args.teachers.max(1),
        alumni: 10,
        attendance_days: args.attendance_days,
    };
    school.create_demo(&caller, size, &mut |_| {}).await?;
    let demo_records = records(&school).await?;
    if args.records > demo_records {
        add_answers(&school, usize::try_from(args.records - demo_records).unwrap_or(usize::MAX)).await?;
    }
    let n_records = records(&school).await?;
    let school_size = footprint(&school).await?;
    say(format!(
        "School: {} students, {n_records} replicated records ({demo_records} from the demo), database {:.1} MB (made in {:.0} s)",
        args.students,
        school_size.database_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    ));

    let (school_key, hub_key) = (school.public_key().await?, hub.public_key().await?);
    school.trust_peer(&caller, &hub_key, "bench hub").await?;
    hub.trust_peer(&caller, &school_key, "bench school").await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding a loopback port")?;
    let url = format!("http://{}", listener.local_addr().context("reading the bound address")?);
    let router = server::router(hub.clone(), server::ServerSettings::lan());
    let serving = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await
    });
    let hub_before = footprint(&hub).await?;

    let link = LinkArgs::up_to(hub_key.clone());
    let cpu = cpu_seconds();
    let full = push_http(&school, &caller, &url, &link).await?;
    say(format!(
        "{}, {:.1} CPU-s for both ends (load average {})",
        stats_line("Full sync", &full),
        cpu_seconds() - cpu,
        load_average()
    ));
    anyhow::ensure!(
        full.n_changes as u64 == n_records,
        "the full sync moved {} of {n_records} records",
        full.n_changes
    );
    anyhow::ensure!(records(&hub).await? == n_records, "the hub does not hold every record");
    let noop = push_http(&school, &caller, &url, &link).await?;
    say(stats_line("No-op sync", &noop));

    add_answers(&school, args.new_records).await?;
    let cpu = cpu_seconds();
    let incremental = push_http(&school, &caller, &url, &link).await?;
    say(format!(
        "{}, {:.2} CPU-s for both ends (load average {})",
        stats_line(&format!("Incremental sync ({} new records)", args.new_records), &incremental),
        cpu_seconds() - cpu,
        load_average()
    ));
    anyhow::ensure!(incremental.n_changes == args.new_records, "the incremental sync moved {}", incremental.n_changes);
    serving.abort();

    let school_after = footprint(&school).await?;
    let hub_after = footprint(&hub).await?;
    let pct = |f: &store::replication::Footprint| {
        100.0 * f.bookkeeping_bytes as f64 / (f.database_bytes - f.bookkeeping_bytes).max(1) as f64
    };
    say(format!(
        "Bookkeeping at the school: {:.2} MB of {:.1} MB (+{:.1} % over the data without it)",
        school_after.bookkeeping_bytes as f64 / 1e6,
        school_after.database_bytes as f64 / 1e6,
        pct(&school_after)
    ));
    say(format!(
        "Hub ({}): {:.1} MB before, {:.1} MB after; bookkeeping {:.2} MB (+{:.1} %)",
        if matches!(settings.database, Database::Postgres { .. }) { "PostgreSQL" } else { "SQLite" },
        hub_before.database_bytes as f64 / 1e6,
        hub_after.database_bytes as f64 / 1e6,
        hub_after.bookkeeping_bytes as f64 / 1e6,
        pct(&hub_after)
    ));
    say(
        "Morango (Kolibri 0.19.5, ../shared/peers/kolibri README): full 101.5 MB, 705 requests; incremental 117 KB, 29 requests; server database 48 -> 242 MB.",
    );
    Ok(())
}

async fn records(app: &app::App) -> anyhow::Result<u64> {
    let mut conn = app.store().read().await?;
    let mut n = 0;
    for t in sync::schema::TABLES {
        n += store::replication::count_rows(&mut conn, t).await?;
    }
    Ok(n)
}

async fn footprint(app: &app::App) -> anyhow::Result<store::replication::Footprint> {
    let mut conn = app.store().read().await?;
    Ok(store::replication::footprint(&mut conn, sync::schema::TABLES).await?)
}

/// Adds `n` answers: copies of the latest ones (round and round) with new ids, a minute later.
async fn add_answers(app: &app::App, n: usize) -> anyhow::Result<()> {
    let answers = sync::schema::table("answers").context("the answers table is replicated")?;
    let (id, at) = (
        answers.column("id").context("answers have ids")?,
        answers.column("answered_at").context("answers have times")?,
    );
    let mut conn = app.store().read().await?;
    let rows = store::replication::changes(&mut conn, answers, 0, None, false, usize::MAX).await?;
    drop(conn);
    let mut new_rows = Vec::new();
    for (_, change) in rows.iter().rev().cycle().take(n) {
        if let store::replication::Change::Row(row) = change {
            let mut row = row.clone();
            row[id] = Value::Text(store::new_id());
            if let Value::Int(t) = row[at] {
                row[at] = Value::Int(t + 60_000);
            }
            new_rows.push(row);
        }
    }
    anyhow::ensure!(new_rows.len() == n, "the school has no answers to copy");
    let mut tx = app.store().write().await?;
    store::replication::upsert(&mut tx, answers, &new_rows).await?;
    tx.commit().await?;
    Ok(())
}
