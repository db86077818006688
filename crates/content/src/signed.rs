//! The signed envelope around a manifest, publisher keys, and verification against trusted keys.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::ContentError;
use crate::hash::ContentHash;
use crate::manifest::Manifest;

/// The format tag of a version-1 signed channel envelope.
pub const ENVELOPE_FORMAT: &str = "inkstone-channel-envelope/1";
/// Largest envelope accepted, in bytes (the manifest inside is about three quarters of it).
pub const MAX_ENVELOPE_BYTES: usize = 64 << 20;

/// A publisher's ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublisherKey([u8; 32]);

impl PublisherKey {
    /// Reads a base64 (standard alphabet) ed25519 public key.
    pub fn parse(s: &str) -> Result<Self, ContentError> {
        let bytes: [u8; 32] = STANDARD
            .decode(s.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| ContentError::InvalidPublisherKey(s.chars().take(80).collect()))?;
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| ContentError::InvalidPublisherKey(s.chars().take(80).collect()))?;
        Ok(Self(bytes))
    }

    /// The public half of `key`.
    pub fn of(key: &SigningKey) -> Self {
        Self(key.verifying_key().to_bytes())
    }

    /// Base64 text, as [`PublisherKey::parse`] reads it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl fmt::Display for PublisherKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for PublisherKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublisherKey({})", self.to_base64())
    }
}

/// The publishers whose channels this server accepts, by key, with a name for messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedPublishers {
    keys: BTreeMap<PublisherKey, String>,
}

impl TrustedPublishers {
    /// No trusted publishers: every channel is refused.
    pub fn none() -> Self {
        Self::default()
    }

    /// Trusts `key` under `name` (replacing an earlier name for the same key).
    pub fn trust(&mut self, key: PublisherKey, name: impl Into<String>) {
        self.keys.insert(key, name.into());
    }

    /// The name `key` is trusted under, if it is trusted.
    pub fn name_of(&self, key: &PublisherKey) -> Option<&str> {
        self.keys.get(key).map(String::as_str)
    }
}

/// A signed channel as written to `channels/<id>.json`: the exact manifest bytes, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    /// The publisher's public key, base64.
    public_key: String,
    /// The manifest JSON, base64; the signature covers these bytes exactly as decoded.
    manifest: String,
    /// The ed25519 signature of the manifest bytes, base64.
    signature: String,
}

/// Signs `manifest` (after validating it) and returns the envelope's bytes.
pub fn sign_channel(manifest: &Manifest, key: &SigningKey) -> Result<Vec<u8>, ContentError> {
    let manifest_bytes = manifest.to_json()?;
    let signature = key.sign(&manifest_bytes);
    let envelope = Envelope {
        format: ENVELOPE_FORMAT.to_owned(),
        public_key: PublisherKey::of(key).to_base64(),
        manifest: STANDARD.encode(&manifest_bytes),
        signature: STANDARD.encode(signature.to_bytes()),
    };
    let bytes = serde_json::to_vec(&envelope).expect("an envelope is four strings");
    if bytes.len() > MAX_ENVELOPE_BYTES {
        return Err(ContentError::EnvelopeTooLarge { len: bytes.len(), max: MAX_ENVELOPE_BYTES });
    }
    Ok(bytes)
}

/// A channel whose signature verified against a trusted key and whose manifest is valid.
#[derive(Clone, PartialEq)]
pub struct VerifiedChannel {
    manifest: Manifest,
    publisher: PublisherKey,
    publisher_name: String,
    envelope: Vec<u8>,
    manifest_hash: ContentHash,
}

impl VerifiedChannel {
    /// Checks an envelope: size, format, a trusted key, the signature over the exact manifest
    /// bytes, then the manifest itself.
    pub fn verify(envelope: &[u8], trusted: &TrustedPublishers) -> Result<Self, ContentError> {
        let (manifest_bytes, publisher) = open_envelope(envelope)?;
        let Some(name) = trusted.name_of(&publisher) else {
            return Err(ContentError::UntrustedPublisher { key: publisher });
        };
        let manifest = Manifest::from_json(&manifest_bytes)?;
        Ok(Self {
            manifest,
            publisher,
            publisher_name: name.to_owned(),
            envelope: envelope.to_vec(),
            manifest_hash: ContentHash::of(&manifest_bytes),
        })
    }

    /// Re-opens an envelope this server verified and stored at import. The signature is checked
    /// again, but not trust: the key may have been trusted then and retired since, and the
    /// installed content stays readable.
    pub fn reopen_installed(envelope: &[u8]) -> Result<Self, ContentError> {
        let (manifest_bytes, publisher) = open_envelope(envelope)?;
        let manifest = Manifest::from_json(&manifest_bytes)?;
        Ok(Self {
            manifest,
            publisher,
            publisher_name: String::new(),
            envelope: envelope.to_vec(),
            manifest_hash: ContentHash::of(&manifest_bytes),
        })
    }

    /// The validated manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The key that signed it.
    pub fn publisher(&self) -> PublisherKey {
        self.publisher
    }

    /// The name the key is trusted under (empty for a re-opened installed channel).
    pub fn publisher_name(&self) -> &str {
        &self.publisher_name
    }

    /// The envelope's exact bytes, to store and to pass on to peers unchanged.
    pub fn envelope(&self) -> &[u8] {
        &self.envelope
    }

    /// SHA-256 of the signed manifest bytes: two envelopes with the same value carry the same
    /// channel content.
    pub fn manifest_hash(&self) -> ContentHash {
        self.manifest_hash
    }
}

impl fmt::Debug for VerifiedChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedChannel")
            .field("id", &self.manifest.id)
            .field("version", &self.manifest.version)
            .field("publisher", &self.publisher)
            .field("manifest_hash", &self.manifest_hash)
            .field("envelope_bytes", &self.envelope.len())
            .finish_non_exhaustive()
    }
}

/// Checks the envelope's size, format and signature; returns the signed bytes and the signer.
fn open_envelope(envelope: &[u8]) -> Result<(Vec<u8>, PublisherKey), ContentError> {
    if envelope.len() > MAX_ENVELOPE_BYTES {
        return Err(ContentError::EnvelopeTooLarge { len: envelope.len(), max: MAX_ENVELOPE_BYTES });
    }
    let parsed: Envelope = serde_json::from_slice(envelope).map_err(|e| ContentError::EnvelopeSyntax {
        line: e.line(),
        column: e.column(),
        message: crate::error::json_message(&e),
    })?;
    if parsed.format != ENVELOPE_FORMAT {
        return Err(ContentError::EnvelopeFormat(parsed.format.chars().take(80).collect()));
    }
    let publisher = PublisherKey::parse(&parsed.public_key)?;
    let manifest_bytes = STANDARD
        .decode(&parsed.manifest)
        .map_err(|_| ContentError::EnvelopeField { field: "manifest", problem: "is not base64" })?;
    let signature: [u8; 64] = STANDARD
        .decode(&parsed.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(ContentError::EnvelopeField { field: "signature", problem: "is not a base64 ed25519 signature" })?;
    let key = VerifyingKey::from_bytes(&publisher.0).expect("PublisherKey::parse checked the key");
    key.verify_strict(&manifest_bytes, &Signature::from_bytes(&signature))
        .map_err(|_| ContentError::BadSignature { key: publisher })?;
    Ok((manifest_bytes, publisher))
}

#[cfg(test)]
mod tests;
