-- Replication bookkeeping (the sync crate decides what travels; this is how changes are found).
-- Every replicated table gets a sync_seq column: the value of this server's change counter when the
-- row was last written, set by triggers so that no write path can forget it. A peer's watermark is
-- a sync_seq per table. Hard deletions leave a tombstone with their own sequence number. The
-- counter only grows and is shared by all tables, so the order of changes is the order of commits
-- (writes are serialised: SQLite has one writer; on PostgreSQL the triggers take a transaction-level
-- advisory lock before drawing a number, so no transaction can commit a smaller number later).

CREATE TABLE sync_tombstones (
    seq INTEGER PRIMARY KEY,
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
    seq INTEGER NOT NULL,
    PRIMARY KEY (peer_key, direction, side, tbl)
);

-- Bytes sent to each peer per month, against the link's budget.
CREATE TABLE sync_usage (
    peer_key TEXT NOT NULL,
    month TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (peer_key, month)
);

-- What each applied batch did, for the operator (the audit log records who ran it).
CREATE TABLE sync_applied (
    digest TEXT PRIMARY KEY,
    peer_key TEXT NOT NULL,
    direction TEXT NOT NULL,
    n_changes INTEGER NOT NULL,
    n_bytes INTEGER NOT NULL,
    applied_at INTEGER NOT NULL
);

ALTER TABLE orgs ADD COLUMN sync_seq INTEGER;
ALTER TABLE academic_sessions ADD COLUMN sync_seq INTEGER;
ALTER TABLE courses ADD COLUMN sync_seq INTEGER;
ALTER TABLE classes ADD COLUMN sync_seq INTEGER;
ALTER TABLE class_terms ADD COLUMN sync_seq INTEGER;
ALTER TABLE people ADD COLUMN sync_seq INTEGER;
ALTER TABLE roles ADD COLUMN sync_seq INTEGER;
ALTER TABLE guardianships ADD COLUMN sync_seq INTEGER;
ALTER TABLE enrollments ADD COLUMN sync_seq INTEGER;
ALTER TABLE line_items ADD COLUMN sync_seq INTEGER;
ALTER TABLE results ADD COLUMN sync_seq INTEGER;
ALTER TABLE attendance ADD COLUMN sync_seq INTEGER;
ALTER TABLE admin_records ADD COLUMN sync_seq INTEGER;
ALTER TABLE placements ADD COLUMN sync_seq INTEGER;
ALTER TABLE consents ADD COLUMN sync_seq INTEGER;
ALTER TABLE subjects ADD COLUMN sync_seq INTEGER;
ALTER TABLE items ADD COLUMN sync_seq INTEGER;
ALTER TABLE learner_states ADD COLUMN sync_seq INTEGER;
ALTER TABLE answers ADD COLUMN sync_seq INTEGER;

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

CREATE TABLE sync_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO sync_clock (id, seq) VALUES (1, 0);

-- Rows written before this migration get distinct numbers, so the first sync can be cut into batches.
UPDATE orgs SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM orgs), 0) WHERE id = 1;
UPDATE academic_sessions SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM academic_sessions), 0) WHERE id = 1;
UPDATE courses SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM courses), 0) WHERE id = 1;
UPDATE classes SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM classes), 0) WHERE id = 1;
UPDATE class_terms SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM class_terms), 0) WHERE id = 1;
UPDATE people SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM people), 0) WHERE id = 1;
UPDATE roles SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM roles), 0) WHERE id = 1;
UPDATE guardianships SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM guardianships), 0) WHERE id = 1;
UPDATE enrollments SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM enrollments), 0) WHERE id = 1;
UPDATE line_items SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM line_items), 0) WHERE id = 1;
UPDATE results SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM results), 0) WHERE id = 1;
UPDATE attendance SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM attendance), 0) WHERE id = 1;
UPDATE admin_records SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM admin_records), 0) WHERE id = 1;
UPDATE placements SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM placements), 0) WHERE id = 1;
UPDATE consents SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM consents), 0) WHERE id = 1;
UPDATE subjects SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM subjects), 0) WHERE id = 1;
UPDATE items SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM items), 0) WHERE id = 1;
UPDATE learner_states SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM learner_states), 0) WHERE id = 1;
UPDATE answers SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) + rowid;
UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM answers), 0) WHERE id = 1;

-- The stamping UPDATE changes sync_seq, so the update trigger's WHEN clause keeps it from firing again.
CREATE TRIGGER orgs_sync_insert AFTER INSERT ON orgs BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE orgs SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER orgs_sync_update AFTER UPDATE ON orgs WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE orgs SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER orgs_sync_delete AFTER DELETE ON orgs BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'orgs', json_array(OLD.id));
END;
CREATE TRIGGER academic_sessions_sync_insert AFTER INSERT ON academic_sessions BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE academic_sessions SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER academic_sessions_sync_update AFTER UPDATE ON academic_sessions WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE academic_sessions SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER academic_sessions_sync_delete AFTER DELETE ON academic_sessions BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'academic_sessions', json_array(OLD.id));
END;
CREATE TRIGGER courses_sync_insert AFTER INSERT ON courses BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE courses SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER courses_sync_update AFTER UPDATE ON courses WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE courses SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER courses_sync_delete AFTER DELETE ON courses BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'courses', json_array(OLD.id));
END;
CREATE TRIGGER classes_sync_insert AFTER INSERT ON classes BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE classes SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER classes_sync_update AFTER UPDATE ON classes WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE classes SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER classes_sync_delete AFTER DELETE ON classes BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'classes', json_array(OLD.id));
END;
CREATE TRIGGER class_terms_sync_insert AFTER INSERT ON class_terms BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE class_terms SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER class_terms_sync_update AFTER UPDATE ON class_terms WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE class_terms SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER class_terms_sync_delete AFTER DELETE ON class_terms BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'class_terms', json_array(OLD.class_id, OLD.session_id));
END;
CREATE TRIGGER people_sync_insert AFTER INSERT ON people BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE people SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER people_sync_update AFTER UPDATE ON people WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE people SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER people_sync_delete AFTER DELETE ON people BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'people', json_array(OLD.id));
END;
CREATE TRIGGER roles_sync_insert AFTER INSERT ON roles BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE roles SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER roles_sync_update AFTER UPDATE ON roles WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE roles SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER roles_sync_delete AFTER DELETE ON roles BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'roles', json_array(OLD.id));
END;
CREATE TRIGGER guardianships_sync_insert AFTER INSERT ON guardianships BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE guardianships SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER guardianships_sync_update AFTER UPDATE ON guardianships WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE guardianships SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER guardianships_sync_delete AFTER DELETE ON guardianships BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'guardianships', json_array(OLD.guardian_id, OLD.student_id));
END;
CREATE TRIGGER enrollments_sync_insert AFTER INSERT ON enrollments BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE enrollments SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER enrollments_sync_update AFTER UPDATE ON enrollments WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE enrollments SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER enrollments_sync_delete AFTER DELETE ON enrollments BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'enrollments', json_array(OLD.id));
END;
CREATE TRIGGER line_items_sync_insert AFTER INSERT ON line_items BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE line_items SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER line_items_sync_update AFTER UPDATE ON line_items WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE line_items SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER line_items_sync_delete AFTER DELETE ON line_items BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'line_items', json_array(OLD.id));
END;
CREATE TRIGGER results_sync_insert AFTER INSERT ON results BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE results SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER results_sync_update AFTER UPDATE ON results WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE results SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER results_sync_delete AFTER DELETE ON results BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'results', json_array(OLD.id));
END;
CREATE TRIGGER attendance_sync_insert AFTER INSERT ON attendance BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE attendance SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER attendance_sync_update AFTER UPDATE ON attendance WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE attendance SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER attendance_sync_delete AFTER DELETE ON attendance BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'attendance', json_array(OLD.id));
END;
CREATE TRIGGER admin_records_sync_insert AFTER INSERT ON admin_records BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE admin_records SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER admin_records_sync_update AFTER UPDATE ON admin_records WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE admin_records SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER admin_records_sync_delete AFTER DELETE ON admin_records BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'admin_records', json_array(OLD.id));
END;
CREATE TRIGGER placements_sync_insert AFTER INSERT ON placements BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE placements SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER placements_sync_update AFTER UPDATE ON placements WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE placements SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER placements_sync_delete AFTER DELETE ON placements BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'placements', json_array(OLD.id));
END;
CREATE TRIGGER consents_sync_insert AFTER INSERT ON consents BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE consents SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER consents_sync_update AFTER UPDATE ON consents WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE consents SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER consents_sync_delete AFTER DELETE ON consents BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'consents', json_array(OLD.id));
END;
CREATE TRIGGER subjects_sync_insert AFTER INSERT ON subjects BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE subjects SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER subjects_sync_update AFTER UPDATE ON subjects WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE subjects SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER subjects_sync_delete AFTER DELETE ON subjects BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'subjects', json_array(OLD.id));
END;
CREATE TRIGGER items_sync_insert AFTER INSERT ON items BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE items SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER items_sync_update AFTER UPDATE ON items WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE items SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER items_sync_delete AFTER DELETE ON items BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'items', json_array(OLD.id));
END;
CREATE TRIGGER learner_states_sync_insert AFTER INSERT ON learner_states BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE learner_states SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER learner_states_sync_update AFTER UPDATE ON learner_states WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE learner_states SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER learner_states_sync_delete AFTER DELETE ON learner_states BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'learner_states', json_array(OLD.student_id, OLD.subject_id));
END;
CREATE TRIGGER answers_sync_insert AFTER INSERT ON answers BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE answers SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER answers_sync_update AFTER UPDATE ON answers WHEN NEW.sync_seq IS OLD.sync_seq BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE answers SET sync_seq = (SELECT seq FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER answers_sync_delete AFTER DELETE ON answers BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    INSERT INTO sync_tombstones (seq, tbl, row_key) VALUES ((SELECT seq FROM sync_clock WHERE id = 1), 'answers', json_array(OLD.id));
END;
