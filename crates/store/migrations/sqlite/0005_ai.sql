-- Machine-written texts (lesson plans, feedback, rewrites, storybooks): kept as drafts until a
-- teacher approves them, with the model that wrote them and who approved them.

CREATE TABLE ai_texts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    -- The audit name of whoever asked (a person id, or cli:<user> for the operator).
    requested_by TEXT NOT NULL,
    class_id TEXT REFERENCES classes (id),
    student_id TEXT REFERENCES people (id),
    -- The request as JSON in the app's versioned format (kept on the school server only).
    request TEXT NOT NULL,
    body TEXT NOT NULL,
    model TEXT NOT NULL,
    -- local or remote
    endpoint TEXT NOT NULL,
    generated_at INTEGER NOT NULL,
    edited INTEGER NOT NULL,
    approved_by TEXT REFERENCES people (id),
    approved_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ai_texts_requested ON ai_texts (requested_by, generated_at);
CREATE INDEX ai_texts_student ON ai_texts (student_id);
