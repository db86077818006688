-- Replication bookkeeping (the sync crate decides what travels; this is how changes are found).
-- Every replicated table gets a sync_seq column: the value of this server's change counter when the
-- row was last written, set by triggers so that no write path can forget it. A peer's watermark is
-- a sync_seq per table. Hard deletions leave a tombstone with their own sequence number. The
-- counter only grows and is shared by all tables, so the order of changes is the order of commits
-- (writes are serialised: SQLite has one writer; on PostgreSQL the triggers take a transaction-level
-- advisory lock before drawing a number, so no transaction can commit a smaller number later).

CREATE TABLE sync_tombstones (
    seq BIGINT PRIMARY KEY,
    tbl TEXT NOT NULL,
    -- The deleted row's key columns as a JSON array.
    row_key TEXT NOT NULL
);

-- Per peer and direction: 'in' watermarks are the peer's sequence numbers up to which this server
-- has applied the peer's changes; 'out' watermarks are what the peer has acknowledged (by a signed
-- receipt) of this server's changes.
CREATE TABLE sync_watermarks (
    peer_key TEXT NOT NULL,
    direction TEXT NOT NULL,
    side TEXT NOT NULL,
    tbl TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (peer_key, direction, side, tbl)
);

-- Bytes sent to each peer per month, against the link's budget.
CREATE TABLE sync_usage (
    peer_key TEXT NOT NULL,
    month TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (peer_key, month)
);

-- What each applied batch did, for the operator (the audit log records who ran it).
CREATE TABLE sync_applied (
    digest TEXT PRIMARY KEY,
    peer_key TEXT NOT NULL,
    direction TEXT NOT NULL,
    n_changes BIGINT NOT NULL,
    n_bytes BIGINT NOT NULL,
    applied_at BIGINT NOT NULL
);

ALTER TABLE orgs ADD COLUMN sync_seq BIGINT;
ALTER TABLE academic_sessions ADD COLUMN sync_seq BIGINT;
ALTER TABLE courses ADD COLUMN sync_seq BIGINT;
ALTER TABLE classes ADD COLUMN sync_seq BIGINT;
ALTER TABLE class_terms ADD COLUMN sync_seq BIGINT;
ALTER TABLE people ADD COLUMN sync_seq BIGINT;
ALTER TABLE roles ADD COLUMN sync_seq BIGINT;
ALTER TABLE guardianships ADD COLUMN sync_seq BIGINT;
ALTER TABLE enrollments ADD COLUMN sync_seq BIGINT;
ALTER TABLE line_items ADD COLUMN sync_seq BIGINT;
ALTER TABLE results ADD COLUMN sync_seq BIGINT;
ALTER TABLE attendance ADD COLUMN sync_seq BIGINT;
ALTER TABLE admin_records ADD COLUMN sync_seq BIGINT;
ALTER TABLE placements ADD COLUMN sync_seq BIGINT;
ALTER TABLE consents ADD COLUMN sync_seq BIGINT;
ALTER TABLE subjects ADD COLUMN sync_seq BIGINT;
ALTER TABLE items ADD COLUMN sync_seq BIGINT;
ALTER TABLE learner_states ADD COLUMN sync_seq BIGINT;
ALTER TABLE answers ADD COLUMN sync_seq BIGINT;

CREATE INDEX orgs_sync ON orgs (sync_seq);
CREATE INDEX academic_sessions_sync ON academic_sessions (sync_seq);
CREATE INDEX courses_sync ON courses (sync_seq);
CREATE INDEX classes_sync ON classes (sync_seq);
CREATE INDEX class_terms_sync ON class_terms (sync_seq);
CREATE INDEX people_sync ON people (sync_seq);
CREATE INDEX roles_sync ON roles (sync_seq);
CREATE INDEX guardianships_sync ON guardianships (sync_seq);
CREATE INDEX enrollments_sync ON enrollments (sync_seq);
CREATE INDEX line_items_sync ON line_items (sync_seq);
CREATE INDEX results_sync ON results (sync_seq);
CREATE INDEX attendance_sync ON attendance (sync_seq);
CREATE INDEX admin_records_sync ON admin_records (sync_seq);
CREATE INDEX placements_sync ON placements (sync_seq);
CREATE INDEX consents_sync ON consents (sync_seq);
CREATE INDEX subjects_sync ON subjects (sync_seq);
CREATE INDEX items_sync ON items (sync_seq);
CREATE INDEX learner_states_sync ON learner_states (sync_seq);
CREATE INDEX answers_sync ON answers (sync_seq);

-- Dialect-specific from here: the counter, the backfill of existing rows and the triggers.

CREATE SEQUENCE sync_seq;

-- Rows written before this migration get distinct numbers, so the first sync can be cut into batches.
UPDATE orgs SET sync_seq = nextval('sync_seq');
UPDATE academic_sessions SET sync_seq = nextval('sync_seq');
UPDATE courses SET sync_seq = nextval('sync_seq');
UPDATE classes SET sync_seq = nextval('sync_seq');
UPDATE class_terms SET sync_seq = nextval('sync_seq');
UPDATE people SET sync_seq = nextval('sync_seq');
UPDATE roles SET sync_seq = nextval('sync_seq');
UPDATE guardianships SET sync_seq = nextval('sync_seq');
UPDATE enrollments SET sync_seq = nextval('sync_seq');
UPDATE line_items SET sync_seq = nextval('sync_seq');
UPDATE results SET sync_seq = nextval('sync_seq');
UPDATE attendance SET sync_seq = nextval('sync_seq');
UPDATE admin_records SET sync_seq = nextval('sync_seq');
UPDATE placements SET sync_seq = nextval('sync_seq');
UPDATE consents SET sync_seq = nextval('sync_seq');
UPDATE subjects SET sync_seq = nextval('sync_seq');
UPDATE items SET sync_seq = nextval('sync_seq');
UPDATE learner_states SET sync_seq = nextval('sync_seq');
UPDATE answers SET sync_seq = nextval('sync_seq');

CREATE FUNCTION sync_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Held to the end of the transaction: numbers are drawn in commit order.
    PERFORM pg_advisory_xact_lock(7370100);
    NEW.sync_seq := nextval('sync_seq');
    RETURN NEW;
END
$$;

CREATE FUNCTION sync_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k jsonb := '[]'::jsonb;
    col text;
BEGIN
    PERFORM pg_advisory_xact_lock(7370100);
    FOREACH col IN ARRAY TG_ARGV LOOP
        k := k || jsonb_build_array(to_jsonb(OLD) -> col);
    END LOOP;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES (nextval('sync_seq'), TG_TABLE_NAME, k::text);
    RETURN OLD;
END
$$;

CREATE TRIGGER orgs_sync_stamp BEFORE INSERT OR UPDATE ON orgs FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER orgs_sync_delete AFTER DELETE ON orgs FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER academic_sessions_sync_stamp BEFORE INSERT OR UPDATE ON academic_sessions FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER academic_sessions_sync_delete AFTER DELETE ON academic_sessions FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER courses_sync_stamp BEFORE INSERT OR UPDATE ON courses FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER courses_sync_delete AFTER DELETE ON courses FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER classes_sync_stamp BEFORE INSERT OR UPDATE ON classes FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER classes_sync_delete AFTER DELETE ON classes FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER class_terms_sync_stamp BEFORE INSERT OR UPDATE ON class_terms FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER class_terms_sync_delete AFTER DELETE ON class_terms FOR EACH ROW EXECUTE FUNCTION sync_tombstone('class_id', 'session_id');
CREATE TRIGGER people_sync_stamp BEFORE INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER people_sync_delete AFTER DELETE ON people FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER roles_sync_stamp BEFORE INSERT OR UPDATE ON roles FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER roles_sync_delete AFTER DELETE ON roles FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER guardianships_sync_stamp BEFORE INSERT OR UPDATE ON guardianships FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER guardianships_sync_delete AFTER DELETE ON guardianships FOR EACH ROW EXECUTE FUNCTION sync_tombstone('guardian_id', 'student_id');
CREATE TRIGGER enrollments_sync_stamp BEFORE INSERT OR UPDATE ON enrollments FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER enrollments_sync_delete AFTER DELETE ON enrollments FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER line_items_sync_stamp BEFORE INSERT OR UPDATE ON line_items FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER line_items_sync_delete AFTER DELETE ON line_items FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER results_sync_stamp BEFORE INSERT OR UPDATE ON results FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER results_sync_delete AFTER DELETE ON results FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER attendance_sync_stamp BEFORE INSERT OR UPDATE ON attendance FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER attendance_sync_delete AFTER DELETE ON attendance FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER admin_records_sync_stamp BEFORE INSERT OR UPDATE ON admin_records FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER admin_records_sync_delete AFTER DELETE ON admin_records FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER placements_sync_stamp BEFORE INSERT OR UPDATE ON placements FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER placements_sync_delete AFTER DELETE ON placements FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER consents_sync_stamp BEFORE INSERT OR UPDATE ON consents FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER consents_sync_delete AFTER DELETE ON consents FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER subjects_sync_stamp BEFORE INSERT OR UPDATE ON subjects FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER subjects_sync_delete AFTER DELETE ON subjects FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER items_sync_stamp BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER items_sync_delete AFTER DELETE ON items FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
CREATE TRIGGER learner_states_sync_stamp BEFORE INSERT OR UPDATE ON learner_states FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER learner_states_sync_delete AFTER DELETE ON learner_states FOR EACH ROW EXECUTE FUNCTION sync_tombstone('student_id', 'subject_id');
CREATE TRIGGER answers_sync_stamp BEFORE INSERT OR UPDATE ON answers FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER answers_sync_delete AFTER DELETE ON answers FOR EACH ROW EXECUTE FUNCTION sync_tombstone('id');
