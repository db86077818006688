-- Inkstone schema, version 1.
-- The SQLite and PostgreSQL migrations are the same statements with column types spelled for each
-- database (SQLite: INTEGER, REAL; PostgreSQL: BIGINT, DOUBLE PRECISION, BOOLEAN); a store test
-- checks that the two files stay in step.
-- Conventions: ids are TEXT (UUID v7 for records made here, kept as given for imported sourcedIds'
-- own column); times are INTEGER milliseconds since the epoch, UTC; dates are TEXT YYYY-MM-DD;
-- lists are TEXT joined with commas; deleted_at IS NULL means the row is live (soft deletion keeps
-- the history a records system owes its students).

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    identifier TEXT,
    parent_id TEXT REFERENCES orgs (id),
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX orgs_parent ON orgs (parent_id);

CREATE TABLE academic_sessions (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    parent_id TEXT REFERENCES academic_sessions (id),
    school_year INTEGER NOT NULL,
    org_id TEXT REFERENCES orgs (id),
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    code TEXT,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    school_year_id TEXT REFERENCES academic_sessions (id),
    grades TEXT NOT NULL,
    subjects TEXT NOT NULL,
    subject_codes TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);

CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    code TEXT,
    class_type TEXT NOT NULL,
    course_id TEXT NOT NULL REFERENCES courses (id),
    school_id TEXT NOT NULL REFERENCES orgs (id),
    location TEXT,
    grades TEXT NOT NULL,
    subjects TEXT NOT NULL,
    subject_codes TEXT NOT NULL,
    periods TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX classes_school ON classes (school_id);

CREATE TABLE class_terms (
    class_id TEXT NOT NULL REFERENCES classes (id),
    session_id TEXT NOT NULL REFERENCES academic_sessions (id),
    PRIMARY KEY (class_id, session_id)
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    username TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    middle_name TEXT,
    preferred_name TEXT,
    identifier TEXT,
    email TEXT,
    phone TEXT,
    sms TEXT,
    user_ids TEXT NOT NULL,
    birth_date TEXT,
    sex TEXT NOT NULL,
    grades TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    primary_org_id TEXT REFERENCES orgs (id),
    locale TEXT,
    password_hash TEXT,
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
-- Usernames are unique among live people; a deleted person's name may be reused.
CREATE UNIQUE INDEX people_username ON people (username) WHERE deleted_at IS NULL;
CREATE INDEX people_primary_org ON people (primary_org_id);

-- Sensitive identifiers live apart, so that no query for a roster or a profile can read them by
-- accident; the store reads this table only in functions named for it.
CREATE TABLE person_sensitive (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    national_student_id TEXT,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX person_sensitive_nsid ON person_sensitive (national_student_id);

CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    is_primary INTEGER NOT NULL,
    begin_date TEXT,
    end_date TEXT,
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX roles_person ON roles (person_id);

CREATE TABLE guardianships (
    guardian_id TEXT NOT NULL REFERENCES people (id),
    student_id TEXT NOT NULL REFERENCES people (id),
    relation TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX guardianships_student ON guardianships (student_id);

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,
    class_id TEXT NOT NULL REFERENCES classes (id),
    school_id TEXT NOT NULL REFERENCES orgs (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,
    is_primary INTEGER NOT NULL,
    begin_date TEXT,
    end_date TEXT,
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX enrollments_person ON enrollments (person_id);
CREATE INDEX enrollments_class ON enrollments (class_id);

CREATE TABLE line_items (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes (id),
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    session_id TEXT REFERENCES academic_sessions (id),
    assigned_date TEXT,
    due_date TEXT,
    max_score REAL NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX line_items_class ON line_items (class_id);

CREATE TABLE results (
    id TEXT PRIMARY KEY,
    line_item_id TEXT NOT NULL REFERENCES line_items (id),
    student_id TEXT NOT NULL REFERENCES people (id),
    score REAL,
    grade TEXT,
    comment TEXT,
    recorded_at INTEGER NOT NULL,
    recorded_by TEXT REFERENCES people (id),
    UNIQUE (line_item_id, student_id)
);
CREATE INDEX results_student ON results (student_id);

CREATE TABLE attendance (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes (id),
    student_id TEXT NOT NULL REFERENCES people (id),
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT REFERENCES people (id),
    recorded_at INTEGER NOT NULL,
    UNIQUE (class_id, student_id, day)
);
CREATE INDEX attendance_student ON attendance (student_id);

CREATE TABLE admin_records (
    id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    org_id TEXT REFERENCES orgs (id),
    detail TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT
);
CREATE INDEX admin_records_student ON admin_records (student_id);

CREATE TABLE placements (
    id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    destination TEXT NOT NULL,
    programme TEXT,
    year INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT
);
CREATE INDEX placements_student ON placements (student_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES people (id),
    purpose TEXT NOT NULL,
    given_by TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    given_at INTEGER NOT NULL,
    student_age_at_grant INTEGER,
    withdrawn_at INTEGER,
    withdrawn_by TEXT
);
CREATE INDEX consents_student ON consents (student_id);

CREATE TABLE duties (
    id TEXT PRIMARY KEY,
    holder_id TEXT NOT NULL REFERENCES people (id),
    scope_kind TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX duties_holder ON duties (holder_id);

-- Only a SHA-256 of each session token is stored, so a copy of the database cannot sign anyone in.
CREATE TABLE login_sessions (
    token_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX login_sessions_person ON login_sessions (person_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    basis TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject);

-- The end of the audit chain. Every append updates this one row first, which serialises appends
-- on both databases (a row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- This server's identity: the key that signs its transfer bundles.
CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Other schools' public keys, trusted to sign the transfer bundles this server imports.
CREATE TABLE trusted_peers (
    public_key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    added_by TEXT NOT NULL
);

CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    direction TEXT NOT NULL,
    student_id TEXT NOT NULL REFERENCES people (id),
    counterpart TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    at INTEGER NOT NULL,
    by_actor TEXT NOT NULL,
    -- For transfers in: the verified bundle's record of the student's earlier schooling.
    payload TEXT
);
CREATE UNIQUE INDEX transfers_in_once ON transfers (direction, bundle_sha256);
