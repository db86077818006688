//! Replication between servers: a peer pushes sealed batches and reads its receipt.
//!
//! No session or token here: a batch is signed by a trusted peer's key and encrypted to this
//! server's, and a receipt says only how far a trusted peer's changes have arrived.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

/// Which receipt.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ReceiptQuery {
    /// The asking peer's public key (base64).
    peer: String,
    /// `up` or `down`.
    direction: String,
}

fn receipt_response(receipt: Vec<u8>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], receipt)
}

/// This server's signed receipt of what it holds of a trusted peer's changes.
#[utoipa::path(get, path = "/api/sync/receipt", tag = "sync", params(ReceiptQuery),
    responses((status = 200, description = "the signed receipt"), (status = 403), (status = 422)))]
pub(crate) async fn receipt(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ReceiptQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let direction = app::replication::Direction::parse(&q.direction)
        .ok_or_else(|| app::UserError::invalid("direction", "expected up or down"))?;
    Ok(receipt_response(s.app.sync_peer_receipt(&q.peer, direction).await?))
}

/// Applies a sealed batch from a trusted peer and answers with the new receipt.
#[utoipa::path(post, path = "/api/sync/batches", tag = "sync",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the sealed batch"),
    responses((status = 200, description = "the signed receipt"), (status = 403), (status = 422)))]
pub(crate) async fn push(State(s): State<AppState>, body: Bytes) -> Result<impl IntoResponse, ApiError> {
    let caller = app::Caller::Operator { user: "sync-peer".to_owned() };
    let applied = s.app.sync_apply(&caller, &body).await?;
    Ok(receipt_response(applied.receipt))
}
