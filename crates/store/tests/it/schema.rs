//! The two dialects' migrations stay in step.

#[test]
fn sqlite_and_postgres_migrations_differ_only_in_type_names() {
    for (sqlite, postgres) in store::migrate::texts() {
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
