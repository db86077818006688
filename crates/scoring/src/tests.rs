//! Unit tests of the scorers on small generated data.
