-- Adaptive learning: each subject's knowledge-point graph and fitted model, the item bank,
-- one learner-model state per (student, subject), every answer, and teachers' plans.

CREATE TABLE subjects (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- The knowledge-point graph in the learning crate's TOML file format.
    graph TEXT NOT NULL,
    -- The fitted learning::SubjectModel (its own versioned format).
    model BYTEA NOT NULL,
    model_revision BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE items (
    id TEXT PRIMARY KEY,
    subject_id TEXT REFERENCES subjects (id),
    stem_zh TEXT,
    stem_en TEXT,
    -- The answer key as JSON, in the app's versioned item format.
    answer_key TEXT NOT NULL,
    kps TEXT NOT NULL,
    difficulty DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX items_subject ON items (subject_id);

CREATE TABLE learner_states (
    student_id TEXT NOT NULL REFERENCES people (id),
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    state BYTEA NOT NULL,
    n_answers BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (student_id, subject_id)
);

CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES people (id),
    item_id TEXT NOT NULL REFERENCES items (id),
    subject_id TEXT REFERENCES subjects (id),
    response TEXT NOT NULL,
    correct BOOLEAN NOT NULL,
    predicted DOUBLE PRECISION,
    context TEXT NOT NULL,
    answered_at BIGINT NOT NULL
);
CREATE INDEX answers_student ON answers (student_id, answered_at);
CREATE INDEX answers_subject ON answers (subject_id, student_id, answered_at);

CREATE TABLE teacher_plans (
    scope TEXT NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    plan TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (scope, subject_id)
);
