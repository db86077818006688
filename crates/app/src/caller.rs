//! Who is calling a use case.

use access::Principal;
use base::{PersonId, RecordId};

/// How a person proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    /// A browser session; state-changing requests must echo `csrf_token`.
    Session { token_hash: String, csrf_token: String },
    /// An API token for scripts (no CSRF: it is not sent automatically by browsers).
    Token { id: RecordId },
}

/// A signed-in person and their role grants today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub principal: Principal,
    pub auth: AuthMethod,
    /// The language the person chose for the pages (a BCP 47 tag), if any; read with the
    /// session so every device they sign in on uses it.
    pub language: Option<String>,
}

impl Actor {
    /// The person.
    pub fn person(&self) -> &PersonId {
        &self.principal.person
    }
}

/// Whoever calls a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A signed-in person, subject to the access policy.
    Person(Actor),
    /// The server's operator at the command line. Whoever can run the binary on the data
    /// directory can read the database file anyway, so the policy does not restrict them; every
    /// action is still audited under their operating-system user name.
    Operator { user: String },
}

impl Caller {
    /// The audit log's name for the caller.
    pub fn audit_name(&self) -> String {
        match self {
            Caller::Person(a) => a.person().to_string(),
            Caller::Operator { user } => format!("cli:{user}"),
        }
    }

    /// The signed-in person, if any.
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Caller::Person(a) => Some(a),
            Caller::Operator { .. } => None,
        }
    }
}
