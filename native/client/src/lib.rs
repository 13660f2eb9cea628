//! Async thin Oracle Database client: Oracle Net spoken in Rust over tokio,
//! no Oracle client libraries. One request at a time per connection; a
//! break jumps the queue.

pub mod binds;
mod conn;
pub mod error;
pub mod exec;
mod json;
mod lob;
mod login;
mod nne;
pub mod object;
pub mod options;
#[cfg(unix)]
pub mod plain_tcp;
pub mod pool;
mod response;
pub mod rowbuf;
mod scan_cache;
mod sql;
mod stmt_cache;
pub mod tls;
pub mod transport;
pub mod vector;

pub use conn::{Connection, EndToEnd};
pub use error::{Error, ErrorKind, Result};
pub use lob::LobRead;
pub use login::SessionInfo;
