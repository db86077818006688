//! Knowledge-tracing evaluation (issue #3).
