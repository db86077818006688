//! The two dialects' migrations stay in step.

#[test]
fn sqlite_and_postgres_migrations_differ_only_in_type_names() {
    for (sqlite, postgres) in store::migrate::texts() {
        // Triggers and counters cannot be spelled alike; a migration marks where its common part ends.
        let common = |text: &'static str| text.split("-- Dialect-specific from here").next().unwrap_or(text);
        let (sqlite, postgres) = (common(sqlite), common(postgres));
        let statements = |text: &str| -> Vec<String> {
            text.lines().filter(|l| !l.trim_start().starts_with("--")).map(str::to_owned).collect()
        };
        let normalised = postgres
            .replace("DOUBLE PRECISION", "REAL")
            .replace("BIGINT", "INTEGER")
            .replace("BOOLEAN", "INTEGER")
            .replace("BYTEA", "BLOB");
        let (pg, lite) = (statements(&normalised), statements(sqlite));
        assert_eq!(pg.len(), lite.len(), "the migrations have different numbers of lines");
        for (i, (a, b)) in pg.iter().zip(&lite).enumerate() {
            assert_eq!(a, b, "statement line {} differs between PostgreSQL and SQLite", i + 1);
        }
    }
}
