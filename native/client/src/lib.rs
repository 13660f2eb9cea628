//! Async thin Oracle Database client: Oracle Net spoken in Rust over tokio,
//! no Oracle client libraries.

pub mod error;
pub mod transport;

pub use error::{Error, ErrorKind, Result};
