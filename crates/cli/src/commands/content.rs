//! `content import|export|list|trust`: content channels from a USB disk, a peer or a county hub.

use std::io::{self, Read};
use std::path::PathBuf;

use anyhow::{Context, bail};
use app::content::{Folder, ImportRequest};
use content::store::ChannelSource;

use super::{open, operator, say};
use crate::settings::Settings;

/// Content channel commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ContentCommand {
    /// Import channels from a folder in the export layout (a USB disk) or from a peer server.
    Import {
        /// The folder (holding catalog.json, channels/ and blobs/).
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        dir: Option<PathBuf>,
        /// A peer school or county hub running `inkstone serve`, e.g. `http://hub.example:8080`
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Only these channels (comma-separated ids); every channel offered if absent.
        #[arg(long, value_delimiter = ',')]
        channel: Vec<String>,
        /// Only these units (comma-separated ids): a partial import; every unit if absent.
        #[arg(long, value_delimiter = ',')]
        units: Vec<String>,
    },
    /// Export an installed channel into a folder (a USB disk); files already there are kept.
    Export {
        #[arg(long)]
        channel: String,
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Only these installed units (comma-separated ids).
        #[arg(long, value_delimiter = ',')]
        units: Vec<String>,
    },
    /// List installed channels and trusted publishers.
    List,
    /// Trust a publisher's key (base64 ed25519) for channel imports.
    Trust {
        #[arg(long)]
        key: String,
        #[arg(long)]
        name: String,
    },
}

pub(crate) async fn run(settings: &Settings, command: ContentCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let caller = operator();
    match command {
        ContentCommand::Trust { key, name } => {
            app.content_trust(&caller, &key, &name).await?;
            say(format!("Trusting channels signed by {key} ({name})."));
        }
        ContentCommand::List => {
            for c in app.content_channels()? {
                say(format!(
                    "{} v{}  {}  ({}; {}/{} units, {} resources, {} bytes)",
                    c.id, c.version, c.title, c.publisher, c.units_installed, c.units_total, c.resources, c.bytes
                ));
            }
            for (key, name) in app.content_trusted()? {
                say(format!("trusted publisher {key}  {name}"));
            }
        }
        ContentCommand::Export { channel, to, units } => {
            let report = app.content_export(&caller, &channel, &units, &to).await?;
            say(format!(
                "Exported {} units of {channel} to {}: {} files written ({} bytes), {} already there.",
                report.units,
                to.display(),
                report.blobs_written,
                report.bytes_written,
                report.blobs_skipped
            ));
        }
        ContentCommand::Import { dir, from, channel, units } => {
            let request = ImportRequest { channels: channel, units };
            let bar = crate::progress::bytes_bar();
            let bar2 = bar.clone();
            let progress = Box::new(move |p: app::content::ImportProgress| {
                bar2.set_length(p.bytes_total);
                bar2.set_position(p.bytes_done);
                bar2.set_message(p.channel);
            });
            let reports = match (dir, from) {
                (Some(dir), _) => {
                    if !dir.join(content::layout::CATALOG_PATH).is_file() && !dir.join("channels").is_dir() {
                        bail!("{} is not a channel export (it has no catalog.json)", dir.display());
                    }
                    let tick = Ticking { inner: Folder::new(&dir), bar: bar.clone() };
                    app.content_import(&caller, tick, request, progress)
                        .await
                        .with_context(|| format!("importing from {}", dir.display()))?
                }
                (None, Some(url)) => {
                    let source = Ticking { inner: HttpSource::new(&url), bar: bar.clone() };
                    app.content_import(&caller, source, request, progress)
                        .await
                        .with_context(|| format!("importing from {url}"))?
                }
                (None, None) => bail!("give a folder or --from URL"),
            };
            bar.finish_and_clear();
            for r in &reports {
                say(format!(
                    "{} v{}: {:?}, {} units installed, {} files ({} bytes) copied, {} bytes already here.",
                    r.channel, r.version, r.kind, r.units, r.blobs_fetched, r.bytes_fetched, r.bytes_reused
                ));
            }
            if reports.is_empty() {
                say("Nothing to import.");
            }
        }
    }
    app.store().close().await;
    Ok(())
}

/// A source whose blob reads advance a byte progress bar.
struct Ticking<S> {
    inner: S,
    bar: indicatif::ProgressBar,
}

impl<S: ChannelSource> ChannelSource for Ticking<S> {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        self.inner.read_file(path, max_len)
    }

    fn file_len(&mut self, path: &str) -> io::Result<Option<u64>> {
        self.inner.file_len(path)
    }

    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(self.bar.wrap_read(self.inner.open(path)?)))
    }
}

/// A peer's content library over HTTP (`GET /content/...`, served by `inkstone serve`).
struct HttpSource {
    base: String,
    agent: ureq::Agent,
}

impl HttpSource {
    fn new(url: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        Self { base: format!("{}/content", url.trim_end_matches('/')), agent }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }
}

fn http_err(url: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{url}: {e}"))
}

impl ChannelSource for HttpSource {
    fn read_file(&mut self, path: &str, max_len: usize) -> io::Result<Option<Vec<u8>>> {
        let url = self.url(path);
        let mut response = self.agent.get(&url).call().map_err(|e| http_err(&url, e))?;
        match response.status().as_u16() {
            404 => return Ok(None),
            200 => {}
            status => return Err(http_err(&url, format!("the peer answered {status}"))),
        }
        response.body_mut().with_config().limit(max_len as u64).read_to_vec().map(Some).map_err(|e| http_err(&url, e))
    }

    fn file_len(&mut self, path: &str) -> io::Result<Option<u64>> {
        let url = self.url(path);
        let response = self.agent.head(&url).call().map_err(|e| http_err(&url, e))?;
        match response.status().as_u16() {
            404 => Ok(None),
            200 => response
                .headers()
                .get("content-length")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .map(Some)
                .ok_or_else(|| http_err(&url, "the answer has no Content-Length")),
            status => Err(http_err(&url, format!("the peer answered {status}"))),
        }
    }

    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        let url = self.url(path);
        let response = self.agent.get(&url).call().map_err(|e| http_err(&url, e))?;
        if response.status().as_u16() != 200 {
            return Err(http_err(&url, format!("the peer answered {}", response.status())));
        }
        Ok(Box::new(response.into_body().into_reader()))
    }
}
