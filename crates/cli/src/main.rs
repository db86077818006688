//! The `inkstone` binary: one program runs a school server, or a county hub on PostgreSQL, and
//! gives the operator the commands to import rosters, back up, verify the audit log, move
//! students between schools and run the benchmarks.
//!
//! This crate owns the outside world's edges that no other crate may touch: the command line,
//! environment variables, the settings file, the terminal (progress bars), signals and the
//! data directory's lock.

// The binary is where the environment is read.
#![allow(clippy::disallowed_methods)]

mod commands;
mod progress;
mod settings;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{RawServeSettings, RawSettings};

/// Inkstone: an open, offline-first school server.
#[derive(Debug, Parser)]
#[command(name = "inkstone", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    settings: RawSettings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the school server (the web API and, with --demo, a demo school to try it with).
    Serve {
        #[command(flatten)]
        serve: RawServeSettings,
        /// Create the demo school first if the database is empty.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        size: commands::serve::DemoSizeArgs,
    },
    /// Create the demo school in an empty data directory, without serving.
    Demo {
        #[command(flatten)]
        size: commands::serve::DemoSizeArgs,
    },
    /// Import records.
    #[command(subcommand)]
    Import(commands::roster::ImportCommand),
    /// Export records.
    #[command(subcommand)]
    Export(commands::roster::ExportCommand),
    /// Check or anchor the tamper-evident audit log.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Write a consistent copy of the database while the server runs.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Replace the database with a backup (the server must be stopped).
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Manage accounts.
    #[command(subcommand)]
    Users(commands::users::UsersCommand),
    /// Move a student's whole record to another school, or receive one.
    #[command(subcommand)]
    Transfer(commands::transfer::TransferCommand),
    /// Run a benchmark protocol over a dataset.
    #[command(subcommand)]
    Eval(commands::eval::EvalCommand),
    /// Measure this server's speed.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
    /// Replicate with a county hub: by USB disk (export/import) or over HTTP (run).
    #[command(subcommand)]
    Sync(commands::sync::SyncCommand),
    /// Content channels: import from a USB disk or a peer, export, list, trust publishers.
    #[command(subcommand)]
    Content(commands::content::ContentCommand),
    /// Install and check the AI model files.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
    /// Runs the inference worker (started by `serve`; speaks a binary protocol on stdin/stdout).
    #[command(name = "__inference-worker", hide = true)]
    InferenceWorker {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    commands::init_tracing();
    if let Command::InferenceWorker { args } = cli.command {
        // No async runtime: the worker is a plain loop over stdin and stdout.
        return ExitCode::from(u8::try_from(inference::worker::worker_main(args)).unwrap_or(1));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(70);
        }
    };
    match runtime.block_on(commands::run(cli.settings, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The user's mistakes exit 1 with what to fix; our failures exit 70 (EX_SOFTWARE).
            let code = match e.downcast_ref::<app::Error>() {
                Some(app::Error::Internal(_)) => 70,
                _ => 1,
            };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}
