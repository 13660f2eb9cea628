//! Thick mode: oradb's connection calls over Oracle's client library (libclntsh), through ODPI-C
//! and the `oracle` crate. Calls block; the caller (`native/node`) runs them off the JS thread.
//! Arguments and results are the compact buffers of `native/node/BOUNDARY.md`, so the TS layer
//! cannot tell the backends apart. This crate never depends on napi.

#![deny(clippy::all)]

mod arrays;
mod binds;
mod calls;
mod conn;
mod conn_lob;
mod error;
mod fetch;
mod init;
mod lob;
mod many;
mod pool;
mod query;
mod raw_conn;
mod shard;
mod shard_pool;
mod socket;
mod values;
mod watchdog;

pub use conn::{ExecOpts, ThickConnectOptions, ThickConnection};
pub use error::{Error, Result, LIBRARY_NOT_LOADED, UNAVAILABLE};
pub use init::{init, is_initialized, InitOptions};
pub use many::{ExecManyOpts, ExecManyResult};
pub use pool::{
    Acquired, ThickAcquire, ThickPool, ThickPoolLimits, ThickPoolOptions, ThickPoolStats, Waiter,
};
