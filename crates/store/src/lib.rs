//! Storage of a school's (or a county's) records on SQLite or PostgreSQL.
//!
//! One [`Store`] serves either backend. SQL is written once where both databases accept it (both
//! take `$1` placeholders, `ON CONFLICT`, `RETURNING`, partial indexes), and the `on!` macro runs
//! the same query text against whichever connection type is open. Where the dialects differ, a
//! function matches on [`Db`] itself. Migrations for both live in `migrations/{sqlite,postgres}` and
//! run when the store opens.
//!
//! On SQLite every write goes through one connection (a pool of one), while reads use a pool of
//! several: SQLite allows one writer at a time, and queuing writers in-process is fairer and faster
//! than letting them spin on `SQLITE_BUSY`. Write transactions start with `BEGIN IMMEDIATE` so a
//! transaction never has to upgrade its lock half-way.
//!
//! This crate knows SQL and nothing else: no HTTP, no access decisions (it gathers the facts that
//! `access` decides on), no clock (times are arguments).
//!
//! Invariants:
//! - the audit chain is only appended through [`audit::append`], which locks the chain head first;
//! - national student ids are read only by functions whose names say so ([`people::national_student_id`]).

#[macro_use]
mod conn;
mod error;
pub mod migrate;
mod rows;

pub mod ai;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod coursework;
pub mod facts;
pub mod history;
pub mod instance;
pub mod learning;
pub mod people;
pub mod replication;
pub mod roster;
pub mod teaching;
pub mod views;

pub use crate::conn::{Backend, Connection, Db, ReadConn, Store, StoreOptions, Tx};
pub use crate::error::{Error, Result};
pub use crate::rows::{join_list, split_list};

/// A new random-looking, time-ordered id for a record made here (UUID v7 text).
pub fn new_id() -> String {
    uuid_v7()
}

fn uuid_v7() -> String {
    // Kept in one place so that every record id has the same shape.
    uuid::Uuid::now_v7().to_string()
}
