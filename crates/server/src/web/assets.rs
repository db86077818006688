//! The embedded stylesheet, script and icon, under content-hashed names cached for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub(crate) struct Asset {
    /// The name in the source tree, e.g. `app.css`.
    pub(crate) name: &'static str,
    /// The name it is served under, e.g. `app.3f2a9c1d04b7.css`: it changes whenever the content does.
    pub(crate) hashed: String,
    pub(crate) etag: String,
    pub(crate) content_type: &'static str,
    pub(crate) body: &'static [u8],
}

const FILES: [(&str, &str, &[u8]); 3] = [
    ("app.css", "text/css; charset=utf-8", include_bytes!("../../static/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../../static/app.js")),
    ("icon.svg", "image/svg+xml", include_bytes!("../../static/icon.svg")),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, content_type, body)| {
            let digest = hex::encode(Sha256::digest(body));
            let short = &digest[..12];
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            Asset { name, hashed: format!("{stem}.{short}.{ext}"), etag: format!("\"{short}\""), content_type, body }
        })
        .collect()
});

/// The URL a page links to for an embedded file.
pub(crate) fn url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or_else(|| format!("/static/{name}"), |a| format!("/static/{}", a.hashed))
}

/// Serves an embedded file: hashed names are immutable; plain names are revalidated by ETag.
pub(crate) async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some((asset, immutable)) = ASSETS.iter().find_map(|a| {
        if a.hashed == file {
            Some((a, true))
        } else if a.name == file {
            Some((a, false))
        } else {
            None
        }
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "public, no-cache" };
    let etag = HeaderValue::from_str(&asset.etag).expect("a quoted hex digest is a valid header value");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == asset.etag || t.trim() == "*"));
    let common = [(header::CACHE_CONTROL, HeaderValue::from_static(cache)), (header::ETAG, etag)];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (common, [(header::CONTENT_TYPE, asset.content_type)], asset.body).into_response()
}
