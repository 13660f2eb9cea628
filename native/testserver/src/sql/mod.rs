//! Oracle SQL on SQLite (being written).
