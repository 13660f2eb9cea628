//! Oracle-Net-compatible test server backed by SQLite.

pub mod sql;
