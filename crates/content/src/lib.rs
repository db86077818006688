//! Content channels: signed, versioned packages of courses → units → resources (video, audio,
//! PDF, HTML5 apps, exercises) aligned to knowledge points, and everything needed to move them
//! between a county hub, a peer school and a USB disk safely; plus the recommendation score
//! that picks resources closing a learner's knowledge-point gaps.
//!
//! What it does:
//! - [`manifest`]: the channel manifest file format, validated on read.
//! - [`signed`]: ed25519-signed envelopes over the exact manifest bytes; trusted publisher keys.
//! - [`layout`]: the export layout (`catalog.json`, `channels/<id>.json`, `blobs/<h0h1>/<hash>`).
//! - [`import`]: read and verify a channel, plan a (partial) import against a store's quota and
//!   installed version, then apply it all or nothing; [`export`]: the reverse, for USB disks.
//! - [`recommend`]: scoring of resources against mastery data, county course assignments.
//!
//! What it does not: no I/O and no clock. Bytes move through three traits the caller
//! implements ([`store::ChannelSource`], [`store::ContentStore`], [`store::ExportTarget`]);
//! [`memory`] has in-memory versions. It does not estimate mastery (the learning crate does) or
//! index text (the search crate does).
//!
//! Invariants: files are named by their SHA-256 and every file is checked against its hash
//! and size while it is copied; an import never installs a channel that is unsigned, signed by
//! an untrusted key, older than the installed version, or missing a file of a selected unit;
//! a failed import leaves the store as it was (staged blobs are discarded; the channel record
//! is written last, in one commit).

pub mod error;
pub mod export;
pub mod hash;
pub mod id;
pub mod import;
pub mod installed;
pub mod layout;
pub mod manifest;
pub mod memory;
pub mod recommend;
pub mod signed;
pub mod store;

pub use crate::error::ContentError;
