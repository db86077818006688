//! `users set-password`.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;

use super::{open, operator, say};
use crate::settings::Settings;

/// Account commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum UsersCommand {
    /// Set (or reset) a person's password; their sessions end.
    SetPassword {
        username: String,
        /// Read the new password from this file; otherwise from standard input.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

pub(crate) async fn run(settings: &Settings, command: UsersCommand) -> anyhow::Result<()> {
    let UsersCommand::SetPassword { username, password_file } = command;
    let password = match password_file {
        Some(path) => std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("reading the password from standard input")?;
            s
        }
    };
    let password = password.trim_end_matches(['\r', '\n']);
    let app = open(settings).await?;
    app.set_password(&operator(), &username, password).await?;
    say(format!("The password of {username} is set; their sessions have ended."));
    app.store().close().await;
    Ok(())
}
