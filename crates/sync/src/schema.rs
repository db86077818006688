//! The replicated tables: their columns, keys, version columns, priority and direction.

/// How a column's values travel and are bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Text,
    Int,
    Real,
    /// `INTEGER` 0/1 on SQLite, `BOOLEAN` on PostgreSQL; travels as 0/1.
    Bool,
    /// Travels as base64 text.
    Blob,
}

/// What goes first when a link's byte budget is short. Lower sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Rosters and records: who is enrolled where, results, attendance, administrative records.
    Records,
    /// Answers and learner-model states.
    LearningEvents,
}

/// One replicated table.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// Columns that travel, key columns included. Columns not listed (a password hash) never
    /// leave the server and are never overwritten by a peer.
    pub columns: &'static [(&'static str, ColType)],
    /// The primary key's columns.
    pub key: &'static [&'static str],
    /// Timestamp columns whose largest value is the row's version (see [`crate::rules`]).
    pub version: &'static [&'static str],
    pub priority: Priority,
    /// Rows reference other rows of the same table: the table is never split between batches.
    pub self_referencing: bool,
    /// Sent from a hub down to its schools (rosters and the item bank); every table goes up.
    pub down: bool,
    /// For tables sent down: the SQL condition that keeps the rows of one school, `$1` being the
    /// school's org id (hubs hold every school's rosters, a school receives only its own).
    pub down_filter: Option<&'static str>,
}

impl Table {
    /// The index of a column, if the table has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|(c, _)| *c == name)
    }

    /// The indices of the key columns.
    pub fn key_indices(&self) -> Vec<usize> {
        self.key.iter().map(|k| self.column(k).expect("key columns are listed among the columns")).collect()
    }
}

use ColType::{Blob, Bool, Int, Real, Text};

macro_rules! cols {
    ($($name:literal : $ty:expr),* $(,)?) => { &[$(($name, $ty)),*] };
}

/// Every replicated table, parents before children: a batch lists its tables in this order, so
/// applying it in order never meets a missing parent row. Records come before learning events,
/// which is also the order a short budget is spent in.
///
/// Not replicated: `person_sensitive` (national ids never leave the school), sessions, API tokens,
/// the audit log (each server keeps its own chain), the instance key, trusted peers, transfers and
/// duties.
pub static TABLES: &[Table] = &[
    Table {
        name: "orgs",
        columns: cols!["id": Text, "sourced_id": Text, "name": Text, "kind": Text, "identifier": Text, "parent_id": Text,
            "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: true,
        down: true,
        down_filter: None,
    },
    Table {
        name: "academic_sessions",
        columns: cols!["id": Text, "sourced_id": Text, "title": Text, "kind": Text, "start_date": Text, "end_date": Text,
            "parent_id": Text, "school_year": Int, "org_id": Text, "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: true,
        down: true,
        down_filter: None,
    },
    Table {
        name: "courses",
        columns: cols!["id": Text, "sourced_id": Text, "title": Text, "code": Text, "org_id": Text, "school_year_id": Text,
            "grades": Text, "subjects": Text, "subject_codes": Text, "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: None,
    },
    Table {
        name: "classes",
        columns: cols!["id": Text, "sourced_id": Text, "title": Text, "code": Text, "class_type": Text, "course_id": Text,
            "school_id": Text, "location": Text, "grades": Text, "subjects": Text, "subject_codes": Text, "periods": Text,
            "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: Some("school_id = $1"),
    },
    Table {
        name: "class_terms",
        columns: cols!["class_id": Text, "session_id": Text],
        key: &["class_id", "session_id"],
        version: &[],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: Some("class_id IN (SELECT id FROM classes WHERE school_id = $1)"),
    },
    Table {
        name: "people",
        columns: cols!["id": Text, "sourced_id": Text, "username": Text, "given_name": Text, "family_name": Text,
            "middle_name": Text, "preferred_name": Text, "identifier": Text, "email": Text, "phone": Text, "sms": Text,
            "user_ids": Text, "birth_date": Text, "sex": Text, "grades": Text, "enabled": Bool, "primary_org_id": Text,
            "locale": Text, "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: Some(
            "id IN (SELECT person_id FROM roles WHERE org_id = $1) \
             OR id IN (SELECT guardian_id FROM guardianships WHERE student_id IN (SELECT person_id FROM roles WHERE org_id = $1))",
        ),
    },
    Table {
        name: "roles",
        columns: cols!["id": Text, "sourced_id": Text, "person_id": Text, "role": Text, "org_id": Text, "is_primary": Bool,
            "begin_date": Text, "end_date": Text, "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: Some("org_id = $1"),
    },
    Table {
        name: "guardianships",
        columns: cols!["guardian_id": Text, "student_id": Text, "relation": Text, "source": Text, "updated_at": Int,
            "deleted_at": Int],
        key: &["guardian_id", "student_id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: Some("student_id IN (SELECT person_id FROM roles WHERE org_id = $1)"),
    },
    Table {
        name: "enrollments",
        columns: cols!["id": Text, "sourced_id": Text, "class_id": Text, "school_id": Text, "person_id": Text, "role": Text,
            "is_primary": Bool, "begin_date": Text, "end_date": Text, "source": Text, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: true,
        down_filter: Some("school_id = $1"),
    },
    Table {
        name: "line_items",
        columns: cols!["id": Text, "class_id": Text, "title": Text, "category": Text, "session_id": Text,
            "assigned_date": Text, "due_date": Text, "max_score": Real, "updated_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["updated_at", "deleted_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "results",
        columns: cols!["id": Text, "line_item_id": Text, "student_id": Text, "score": Real, "grade": Text, "comment": Text,
            "recorded_at": Int, "recorded_by": Text],
        key: &["id"],
        version: &["recorded_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "attendance",
        columns: cols!["id": Text, "class_id": Text, "student_id": Text, "day": Text, "status": Text, "note": Text,
            "recorded_by": Text, "recorded_at": Int],
        key: &["id"],
        version: &["recorded_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "admin_records",
        columns: cols!["id": Text, "student_id": Text, "kind": Text, "day": Text, "org_id": Text, "detail": Text,
            "created_at": Int, "created_by": Text],
        key: &["id"],
        version: &["created_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "placements",
        columns: cols!["id": Text, "student_id": Text, "kind": Text, "destination": Text, "programme": Text, "year": Int,
            "created_at": Int, "created_by": Text],
        key: &["id"],
        version: &["created_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "consents",
        columns: cols!["id": Text, "student_id": Text, "purpose": Text, "given_by": Text, "recorded_by": Text,
            "given_at": Int, "student_age_at_grant": Int, "withdrawn_at": Int, "withdrawn_by": Text],
        key: &["id"],
        version: &["given_at", "withdrawn_at"],
        priority: Priority::Records,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "subjects",
        columns: cols!["id": Text, "name_zh": Text, "name_en": Text, "graph": Text, "model": Blob, "model_revision": Int,
            "updated_at": Int],
        key: &["id"],
        version: &["updated_at"],
        priority: Priority::LearningEvents,
        self_referencing: false,
        down: true,
        down_filter: None,
    },
    Table {
        name: "items",
        columns: cols!["id": Text, "subject_id": Text, "stem_zh": Text, "stem_en": Text, "answer_key": Text, "kps": Text,
            "difficulty": Real, "source": Text, "created_at": Int, "deleted_at": Int],
        key: &["id"],
        version: &["created_at", "deleted_at"],
        priority: Priority::LearningEvents,
        self_referencing: false,
        down: true,
        down_filter: None,
    },
    Table {
        name: "learner_states",
        columns: cols!["student_id": Text, "subject_id": Text, "state": Blob, "n_answers": Int, "updated_at": Int],
        key: &["student_id", "subject_id"],
        version: &["updated_at"],
        priority: Priority::LearningEvents,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
    Table {
        name: "answers",
        columns: cols!["id": Text, "student_id": Text, "item_id": Text, "subject_id": Text, "response": Text,
            "correct": Bool, "predicted": Real, "context": Text, "answered_at": Int],
        key: &["id"],
        version: &["answered_at"],
        priority: Priority::LearningEvents,
        self_referencing: false,
        down: false,
        down_filter: None,
    },
];

/// The table with this name, if it is replicated.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Which way a batch goes, which decides the tables it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// School to hub: every replicated table.
    Up,
    /// Hub to school: the tables marked `down`, filtered to the school.
    Down,
}

impl Direction {
    /// The word used in batch files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }

    /// Reads the word back.
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "up" => Some(Direction::Up),
            "down" => Some(Direction::Down),
            _ => None,
        }
    }

    /// The tables a batch in this direction carries, in order.
    pub fn tables(self) -> impl Iterator<Item = &'static Table> {
        TABLES.iter().filter(move |t| self == Direction::Up || t.down)
    }
}
