-- The people-facing pages: the language each account chose, used after sign-in on any device.
-- Kept on this server only (not replicated): it is a preference of the account, not a record.

CREATE TABLE account_settings (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    -- A BCP 47 tag of a language the pages are written in (zh-CN, en).
    language TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
