//! The OpenAPI document's top-level description.

use utoipa::openapi::{InfoBuilder, OpenApi};

/// Fills in the document's title, version and description.
pub(crate) fn finish(mut doc: OpenApi) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("Inkstone API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "A school's records, roles, consent and audit log. Errors are application/problem+json with a stable `code`. \
             Sign in with POST /api/session (cookie + CSRF token in X-CSRF-Token for changes) or send an API token as \
             `Authorization: Bearer <token>`.",
        ))
        .build();
    doc
}
