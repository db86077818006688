//! The rules: which changes a receiver admits, which row wins a conflict, what de-identification removes.
//!
//! Watermarks. A receiver holds, per sending server and table, the sender's sequence number up to
//! which it has applied every change. A batch's table part covers `(after, upto]`:
//! - `upto <= held`: already applied (a replay or a resend): nothing is done;
//! - `after <= held < upto`: applied (rows already held are resolved by the conflict rule, so an
//!   overlap is harmless) and the watermark moves to `upto`;
//! - `after > held`: a gap (an earlier batch is missing): the whole batch is refused.
//!
//! Conflicts. A row's version is the largest of its table's version timestamps (`updated_at`
//! and `deleted_at`, `recorded_at`, `given_at` and `withdrawn_at`, ...). An incoming row replaces
//! the local one only if its version is strictly newer; on a tie the local row stays, so an echo of
//! a row back to where it came from never writes, and a de-identified copy never overwrites the
//! named original. Deletions (only learner-model states and class terms are ever deleted, the
//! rest is soft-deleted with `deleted_at`) always apply: an erasure must reach every copy.

use crate::batch::{Row, Value};
use crate::schema::Table;

/// What to do with a table part of a batch, given the receiver's watermark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Apply,
    AlreadyHeld,
    Gap { held: u64 },
}

/// Decides whether a table part covering `(after, upto]` applies on top of `held`.
pub fn admit(after: u64, upto: u64, held: u64) -> Admission {
    if upto <= held {
        Admission::AlreadyHeld
    } else if after > held {
        Admission::Gap { held }
    } else {
        Admission::Apply
    }
}

/// What to do with an incoming row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Insert,
    Replace,
    KeepLocal,
}

/// The row's version: its largest version timestamp (0 when it has none).
pub fn version(table: &Table, row: &[Value]) -> i64 {
    table
        .version
        .iter()
        .filter_map(|c| table.column(c).and_then(|i| row.get(i)).and_then(Value::as_int))
        .max()
        .unwrap_or(0)
}

/// Resolves an incoming row against the local row with the same key, if any.
pub fn resolve(table: &Table, local: Option<&[Value]>, incoming: &[Value]) -> Resolution {
    match local {
        None => Resolution::Insert,
        Some(local) if version(table, incoming) > version(table, local) => Resolution::Replace,
        Some(_) => Resolution::KeepLocal,
    }
}

/// The key values of a row, in key order.
pub fn key_of(table: &Table, row: &[Value]) -> Row {
    table.key_indices().into_iter().map(|i| row[i].clone()).collect()
}

/// What leaves a school about people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deidentify {
    /// Rows travel as they are (a hub that keeps the county's records).
    Off,
    /// Names, contact details, usernames and free-text notes are removed; a person keeps a stable
    /// pseudonym made from their id, and a birth date keeps only its year.
    Pseudonymise,
}

fn set(table: &Table, row: &mut [Value], column: &str, value: Value) {
    if let Some(i) = table.column(column) {
        row[i] = value;
    }
}

/// Applies the policy to a row about to leave.
pub fn deidentify(policy: Deidentify, table: &Table, row: &mut [Value]) {
    if policy == Deidentify::Off {
        return;
    }
    match table.name {
        "people" => {
            let id = match &row[table.column("id").expect("people have ids")] {
                Value::Text(id) => id.clone(),
                other => format!("{other:?}"),
            };
            set(table, row, "given_name", Value::Text(pseudonym(&id)));
            set(table, row, "family_name", Value::Text(String::new()));
            set(table, row, "user_ids", Value::Text(String::new()));
            for column in ["username", "middle_name", "preferred_name", "identifier", "email", "phone", "sms"] {
                set(table, row, column, Value::Null);
            }
            let i = table.column("birth_date").expect("people have birth dates");
            if let Value::Text(date) = &row[i] {
                let year: String = date.chars().take(4).collect();
                row[i] = Value::Text(format!("{year}-01-01"));
            }
        }
        "results" => set(table, row, "comment", Value::Null),
        "attendance" => set(table, row, "note", Value::Null),
        "admin_records" => set(table, row, "detail", Value::Text(String::new())),
        _ => {}
    }
}

/// A person's stable pseudonym: the first 8 hex digits of the SHA-256 of their id. The hub knows
/// ids anyway; the pseudonym only has to be stable and say nothing more.
pub fn pseudonym(id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.as_bytes());
    format!("S-{}", &hex::encode(digest)[..8])
}
