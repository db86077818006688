//! Receipts: a receiver's signed statement of the watermarks it holds for a sender.
//!
//! A sender advances what it believes the receiver holds only from a receipt signed by the
//! receiver's key, so a lost USB stick or a dropped HTTP response means a resend (which the
//! watermark rule makes harmless), never a lost change.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::SyncError;

/// The format tag of version 1 receipts.
pub const RECEIPT_FORMAT: &str = "inkstone-sync-receipt/1";

/// What the receiver holds. A versioned file format, hence serde.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: String,
    /// The receiver's public key, base64 (the signer).
    pub from: String,
    /// The sender's public key, base64.
    pub to: String,
    /// `up` or `down`: the direction of the batches acknowledged.
    pub direction: String,
    pub created_at: i64,
    /// Per table, the sender's sequence number up to which the receiver holds every change.
    pub watermarks: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SignedReceipt {
    /// The receipt JSON, base64; signed as these exact bytes.
    receipt: String,
    signature: String,
}

/// Signs a receipt with the receiver's key.
pub fn sign(receipt: &Receipt, key: &SigningKey) -> Vec<u8> {
    let bytes = serde_json::to_vec(receipt).expect("a receipt is plain data");
    let signature = key.sign(&bytes);
    serde_json::to_vec(&SignedReceipt {
        receipt: STANDARD.encode(&bytes),
        signature: STANDARD.encode(signature.to_bytes()),
    })
    .expect("two strings")
}

/// Whether bytes look like a signed receipt (as opposed to a sealed batch).
pub fn is_receipt(bytes: &[u8]) -> bool {
    bytes.first() == Some(&b'{')
}

/// Reads a receipt and verifies its signature against the key it claims; the caller checks that
/// the key is the peer it expects.
pub fn verify(bytes: &[u8]) -> Result<(Receipt, VerifyingKey), SyncError> {
    let bad = |why: String| SyncError::BadReceipt(why);
    let signed: SignedReceipt = serde_json::from_slice(bytes)
        .map_err(|e| bad(format!("not a receipt (line {}, column {}): {e}", e.line(), e.column())))?;
    let body = STANDARD.decode(&signed.receipt).map_err(|_| bad("the receipt is not base64".into()))?;
    let signature: [u8; 64] = STANDARD
        .decode(&signed.signature)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| bad("the signature is not 64 bytes of base64".into()))?;
    let receipt: Receipt = serde_json::from_slice(&body).map_err(|e| bad(format!("the receipt body: {e}")))?;
    if receipt.format != RECEIPT_FORMAT {
        return Err(bad(format!("format {:?}, expected {RECEIPT_FORMAT:?}", receipt.format)));
    }
    let key = crate::parse_key(&receipt.from)?;
    key.verify(&body, &Signature::from_bytes(&signature)).map_err(|_| SyncError::BadSignature)?;
    Ok((receipt, key))
}
