//! Oracle SQL on SQLite (being written).
pub mod oracle;
