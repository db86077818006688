//! Sealed envelopes: a batch encrypted to its recipient and signed by its sender.
//!
//! Layout (all fixed-size fields first, so a truncated file is caught before any work):
//!
//! ```text
//! "INKSYNC1"            8 bytes  magic and version
//! sender ed25519 key   32 bytes
//! recipient ed25519 key 32 bytes
//! ephemeral x25519 key 32 bytes
//! nonce                24 bytes
//! ciphertext            n bytes  XChaCha20-Poly1305 of the deflated batch, the header as AAD
//! signature            64 bytes  ed25519 by the sender over everything before it
//! ```
//!
//! The key is HKDF-SHA256 of the x25519 agreement between the ephemeral key and the recipient's
//! ed25519 key in Montgomery form, so only the recipient can read a batch and a copy of the disk
//! (or the wire) learns nothing; the signature proves the sender and makes any change, truncation
//! or extension detectable before decryption is attempted.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::Sha256;

use crate::SyncError;

const MAGIC: &[u8; 8] = b"INKSYNC1";
const HEADER: usize = 8 + 32 + 32 + 32 + 24;
const TAG: usize = 16;
const SIG: usize = 64;
const INFO: &[u8] = b"inkstone-sync/1 batch key";

/// Fresh randomness for one envelope. The caller draws it from the operating system; the domain
/// takes it as an argument so that it does no I/O.
#[derive(Clone)]
pub struct Freshness {
    pub ephemeral_secret: [u8; 32],
    pub nonce: [u8; 24],
}

impl std::fmt::Debug for Freshness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Freshness(..)")
    }
}

/// Who sealed an envelope and for whom, read before it is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeHeader {
    pub sender: VerifyingKey,
    pub recipient: VerifyingKey,
}

fn key_for(shared: &MontgomeryPoint, ephemeral_public: &[u8], recipient: &[u8]) -> [u8; 32] {
    let mut salt = Vec::with_capacity(64);
    salt.extend_from_slice(ephemeral_public);
    salt.extend_from_slice(recipient);
    let hk = hkdf::Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes());
    let mut key = [0u8; 32];
    hk.expand(INFO, &mut key).expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

/// Encrypts `plaintext` to `recipient` and signs the whole envelope with `sender`.
pub fn seal(plaintext: &[u8], sender: &SigningKey, recipient: &VerifyingKey, fresh: &Freshness) -> Vec<u8> {
    let ephemeral_public = MontgomeryPoint::mul_base_clamped(fresh.ephemeral_secret);
    let shared = recipient.to_montgomery().mul_clamped(fresh.ephemeral_secret);
    let mut out = Vec::with_capacity(HEADER + plaintext.len() + TAG + SIG);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(sender.verifying_key().as_bytes());
    out.extend_from_slice(recipient.as_bytes());
    out.extend_from_slice(ephemeral_public.as_bytes());
    out.extend_from_slice(&fresh.nonce);
    let key = key_for(&shared, ephemeral_public.as_bytes(), recipient.as_bytes());
    let cipher = XChaCha20Poly1305::new_from_slice(&key).expect("the key is 32 bytes");
    let ciphertext = cipher
        .encrypt(&XNonce::from(fresh.nonce), Payload { msg: plaintext, aad: &out[..HEADER] })
        .expect("XChaCha20-Poly1305 takes messages far larger than a batch");
    out.extend_from_slice(&ciphertext);
    let signature = sender.sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    out
}

/// Reads who sent an envelope and for whom, checking only its shape. Call [`open`] next.
pub fn header(envelope: &[u8]) -> Result<EnvelopeHeader, SyncError> {
    if envelope.len() < HEADER + TAG + SIG {
        return Err(SyncError::Truncated { len: envelope.len() });
    }
    if &envelope[..8] != MAGIC {
        return Err(SyncError::NotABatch);
    }
    let key = |range: std::ops::Range<usize>| -> Result<VerifyingKey, SyncError> {
        let bytes: [u8; 32] = envelope[range].try_into().expect("the range is 32 bytes");
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| SyncError::Corrupt("a key in the header is not an ed25519 key".into()))
    };
    Ok(EnvelopeHeader { sender: key(8..40)?, recipient: key(40..72)? })
}

/// Verifies the sender's signature (the caller has checked that it trusts `header.sender`) and
/// decrypts with the recipient's key.
pub fn open(envelope: &[u8], recipient: &SigningKey) -> Result<(EnvelopeHeader, Vec<u8>), SyncError> {
    let header = header(envelope)?;
    if header.recipient != recipient.verifying_key() {
        return Err(SyncError::NotForUs);
    }
    let (signed, signature) = envelope.split_at(envelope.len() - SIG);
    let signature = Signature::from_bytes(&signature.try_into().expect("the split leaves 64 bytes"));
    header.sender.verify(signed, &signature).map_err(|_| SyncError::BadSignature)?;
    let ephemeral: [u8; 32] = signed[72..104].try_into().expect("the range is 32 bytes");
    let nonce: [u8; 24] = signed[104..HEADER].try_into().expect("the range is 24 bytes");
    let shared = MontgomeryPoint(ephemeral).mul_clamped(recipient.to_scalar_bytes());
    let key = key_for(&shared, &ephemeral, recipient.verifying_key().as_bytes());
    let cipher = XChaCha20Poly1305::new_from_slice(&key).expect("the key is 32 bytes");
    let plaintext = cipher
        .decrypt(&XNonce::from(nonce), Payload { msg: &signed[HEADER..], aad: &signed[..HEADER] })
        .map_err(|_| SyncError::Undecryptable)?;
    Ok((header, plaintext))
}
