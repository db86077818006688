//! Tests of the free-text protocols on generated datasets in a temporary folder.
