//! Store tests: every test runs on SQLite and on PostgreSQL with a fresh database.

#![allow(clippy::unwrap_used, unreachable_pub)]

mod audit_chain;
mod auth;
mod fixtures;
mod people;
mod roster;
mod schema;
mod views;
