//! Tests of signing and verifying channel envelopes.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;

use super::*;
use crate::manifest::tests::SAMPLE;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn trusting(seed: u8) -> TrustedPublishers {
    let mut trusted = TrustedPublishers::none();
    trusted.trust(PublisherKey::of(&key(seed)), "county");
    trusted
}

fn signed_sample() -> Vec<u8> {
    sign_channel(&Manifest::from_json(SAMPLE.as_bytes()).unwrap(), &key(1)).unwrap()
}

/// Decodes the envelope, lets `edit` change its fields, and encodes it again.
fn edit_envelope(envelope: &[u8], edit: impl FnOnce(&mut Envelope)) -> Vec<u8> {
    let mut parsed: Envelope = serde_json::from_slice(envelope).unwrap();
    edit(&mut parsed);
    serde_json::to_vec(&parsed).unwrap()
}

#[test]
fn a_signed_channel_verifies_with_the_publishers_key() {
    let verified = VerifiedChannel::verify(&signed_sample(), &trusting(1)).unwrap();
    assert_eq!(verified.manifest().id.as_str(), "county-maths-7");
    assert_eq!(verified.publisher(), PublisherKey::of(&key(1)));
    assert_eq!(verified.publisher_name(), "county");
}

#[test]
fn a_channel_signed_by_an_untrusted_key_is_refused() {
    let err = VerifiedChannel::verify(&signed_sample(), &trusting(2)).unwrap_err();
    assert!(matches!(err, ContentError::UntrustedPublisher { .. }), "{err}");
    assert!(err.to_string().contains("does not trust"));
}

#[test]
fn a_changed_manifest_breaks_the_signature() {
    let envelope = edit_envelope(&signed_sample(), |e| {
        let text = String::from_utf8(STANDARD.decode(&e.manifest).unwrap()).unwrap();
        let edited = text.replace(r#""version":2"#, r#""version":9"#);
        assert_ne!(edited, text);
        e.manifest = STANDARD.encode(edited);
    });
    let err = VerifiedChannel::verify(&envelope, &trusting(1)).unwrap_err();
    assert!(matches!(err, ContentError::BadSignature { .. }), "{err}");
}

#[test]
fn swapping_in_a_trusted_key_does_not_make_a_signature_valid() {
    let mut trusted = trusting(1);
    trusted.trust(PublisherKey::of(&key(2)), "other county");
    let envelope = edit_envelope(&signed_sample(), |e| e.public_key = PublisherKey::of(&key(2)).to_base64());
    let err = VerifiedChannel::verify(&envelope, &trusted).unwrap_err();
    assert!(matches!(err, ContentError::BadSignature { .. }), "{err}");
}

#[test]
fn a_truncated_envelope_is_a_syntax_error() {
    let envelope = signed_sample();
    let err = VerifiedChannel::verify(&envelope[..envelope.len() / 2], &trusting(1)).unwrap_err();
    assert!(matches!(err, ContentError::EnvelopeSyntax { .. }), "{err}");
}

#[test]
fn an_envelope_of_another_format_is_refused() {
    let envelope = edit_envelope(&signed_sample(), |e| e.format = "inkstone-transfer/1".into());
    let err = VerifiedChannel::verify(&envelope, &trusting(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"the channel file has format "inkstone-transfer/1"; this server reads "inkstone-channel-envelope/1""#
    );
}

#[test]
fn a_signed_but_invalid_manifest_is_refused() {
    // A publisher's bug, not tampering: the signature is fine but the content is not.
    let bytes = SAMPLE.replace("\"version\": 2", "\"version\": 0").into_bytes();
    let envelope = Envelope {
        format: ENVELOPE_FORMAT.into(),
        public_key: PublisherKey::of(&key(1)).to_base64(),
        manifest: STANDARD.encode(&bytes),
        signature: STANDARD.encode(key(1).sign(&bytes).to_bytes()),
    };
    let err = VerifiedChannel::verify(&serde_json::to_vec(&envelope).unwrap(), &trusting(1)).unwrap_err();
    assert!(matches!(err, ContentError::InvalidManifest { .. }), "{err}");
}

#[test]
fn an_oversized_envelope_is_refused_before_parsing() {
    let err = VerifiedChannel::verify(&vec![b' '; MAX_ENVELOPE_BYTES + 1], &trusting(1)).unwrap_err();
    assert!(matches!(err, ContentError::EnvelopeTooLarge { .. }), "{err}");
}

#[test]
fn an_installed_envelope_reopens_without_trust_but_with_its_signature_checked() {
    let envelope = signed_sample();
    let reopened = VerifiedChannel::reopen_installed(&envelope).unwrap();
    assert_eq!(reopened.manifest_hash(), VerifiedChannel::verify(&envelope, &trusting(1)).unwrap().manifest_hash());
    let mut damaged = envelope.clone();
    let at = damaged.len() / 2;
    damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
    assert!(VerifiedChannel::reopen_installed(&damaged).is_err());
}

#[test]
fn publisher_keys_read_back_from_base64_and_reject_junk() {
    let k = PublisherKey::of(&key(3));
    assert_eq!(PublisherKey::parse(&k.to_base64()).unwrap(), k);
    assert!(PublisherKey::parse("not a key").is_err());
    assert!(PublisherKey::parse(&STANDARD.encode([1u8; 31])).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_damaged_envelope_is_an_error_never_a_panic(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut envelope = signed_sample();
        let i = at.index(envelope.len());
        let changed = envelope[i] != byte;
        envelope[i] = byte;
        let verified = VerifiedChannel::verify(&envelope, &trusting(1));
        // Only a change JSON reads the same way (such as an escape) may still verify.
        if changed && let Ok(v) = verified {
            prop_assert_eq!(v.manifest_hash(), VerifiedChannel::verify(&signed_sample(), &trusting(1)).unwrap().manifest_hash());
        }
    }

    #[test]
    fn arbitrary_bytes_are_an_error_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(VerifiedChannel::verify(&bytes, &trusting(1)).is_err());
        prop_assert!(Manifest::from_json(&bytes).is_err());
    }
}
