//! Oracle-Net-compatible test server backed by SQLite: real, unmodified thin
//! clients connect to it over TCP and their SQL runs on SQLite.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = oradb_testserver::TestServer::start(Default::default()).await?;
//! println!("listening on {}", server.addr());
//! # Ok(()) }
//! ```

pub mod admin;
pub mod config;
pub mod drcp;
pub mod faults;
mod handshake;
mod json;
pub(crate) mod nne;
pub mod registry;
pub mod server;
mod session;
pub mod shard;
pub mod tls;
mod transport;

/// The SQL/PL-SQL engine, its own crate; `crate::sql::…` paths keep working.
pub use oradb_sqlengine as sql;

pub use config::Config;
pub use server::TestServer;
