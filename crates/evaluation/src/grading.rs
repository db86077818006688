//! Grading evaluation (issue #4).
