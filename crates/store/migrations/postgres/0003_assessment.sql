-- Assessment: the item bank's catalogue over `items` (whose answer key holds each item's QTI),
-- assignments made from it, students' submissions with the machine's and the teacher's grades,
-- every grading event (who, when, why), and the scoring models trained on this school's own
-- graded answers.

CREATE TABLE bank_items (
    item_id TEXT PRIMARY KEY REFERENCES items (id),
    qti_identifier TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    prompt TEXT,
    max_points DOUBLE PRECISION NOT NULL,
    -- Lower-cased title, prompt, option labels and knowledge points, for search.
    search_text TEXT NOT NULL,
    -- SHA-256 of the item's QTI 3.0 text: importing the same item again finds it.
    content_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX bank_items_subject ON bank_items (subject, kind);
CREATE UNIQUE INDEX bank_items_content ON bank_items (content_hash);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes (id),
    -- The class's gradebook column that released totals are written to.
    line_item_id TEXT NOT NULL REFERENCES line_items (id),
    title TEXT NOT NULL,
    due_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX assignments_class ON assignments (class_id);

CREATE TABLE assignment_items (
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    item_index BIGINT NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id),
    max_points DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (assignment_id, item_index),
    UNIQUE (assignment_id, item_id)
);

-- One row per student per item of an assignment: the latest response, the machine's latest
-- grade, and where the teacher's workflow stands (suggested, accepted, overridden, released).
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    item_id TEXT NOT NULL REFERENCES items (id),
    student_id TEXT NOT NULL REFERENCES people (id),
    response TEXT NOT NULL,
    revision BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    machine_points DOUBLE PRECISION,
    machine_confidence DOUBLE PRECISION NOT NULL,
    machine_basis TEXT NOT NULL,
    feedback TEXT NOT NULL,
    needs_teacher BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    points DOUBLE PRECISION,
    updated_at BIGINT NOT NULL,
    UNIQUE (assignment_id, student_id, item_id)
);
CREATE INDEX submissions_student ON submissions (student_id);
CREATE INDEX submissions_item ON submissions (item_id, status);

-- The grading history of a submission, in order: suggested, accepted, overridden, released,
-- reopened. The status columns above are this history replayed.
CREATE TABLE grade_events (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    points DOUBLE PRECISION,
    from_points DOUBLE PRECISION,
    confidence DOUBLE PRECISION,
    note TEXT,
    actor TEXT,
    at BIGINT NOT NULL,
    PRIMARY KEY (submission_id, seq)
);

-- Serialised scoring models (the scoring crate's formats): `pool` (short answers, pooled over
-- questions), `question:<item>` and `essay:<item>`.
CREATE TABLE scoring_models (
    scope TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    n_examples BIGINT NOT NULL,
    trained_at BIGINT NOT NULL
);
