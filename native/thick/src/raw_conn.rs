//! The connection's own `dpiConn`, which the `oracle` crate keeps private, for the few calls
//! that go to ODPI-C directly (`crate::arrays`). Every `unsafe` says why it holds.

use std::os::raw::{c_uint, c_void};

use odpic_sys::{dpiConn, dpiConn_addRef, dpiConn_getStmtCacheSize, dpiConn_release};
use oracle::Connection;

use crate::error::{codes, Error, Result};
use crate::lob::{check, Lob, LobKind};

/// A reference of our own on a connection's `dpiConn`.
pub(crate) struct RawConn(pub(crate) *mut dpiConn);

// SAFETY: a dpiConn may be used from any thread as long as calls on it do not overlap; every
// use holds the connection's call lock (`ThickConnection::call`).
unsafe impl Send for RawConn {}
unsafe impl Sync for RawConn {}

impl Drop for RawConn {
    fn drop(&mut self) {
        // SAFETY: releases the reference `of` added, once.
        unsafe { dpiConn_release(self.0) };
    }
}

/// The head of ODPI-C 5.4.1's `struct dpiLob` (dpiImpl.h: `dpiType_HEAD`, then the dpiConn
/// that made it). odpic-sys is pinned (=0.1.1), so the layout cannot move under us.
#[repr(C)]
struct LobHead {
    type_def: *const c_void,
    check_int: u32,
    ref_count: c_uint,
    env: *mut c_void,
    conn: *mut dpiConn,
}

impl RawConn {
    /// The `dpiConn` under `conn`, which the crate keeps private: read from a temporary LOB
    /// made on it (one round trip, once per connection).
    pub(crate) fn of(conn: &Connection) -> Result<RawConn> {
        let lob = Lob::temporary(conn, LobKind::Blob)?;
        // SAFETY: `lob.handle()` is a live dpiLob of ODPI-C 5.4.1, whose layout `LobHead`
        // mirrors; the dpiConn it names lives as long as `conn`, and the reference added here
        // keeps it until `RawConn` drops.
        let raw = unsafe { (*(lob.handle() as *const LobHead)).conn };
        // SAFETY: ODPI-C checks the handle's type before using it (DPI-1002 otherwise).
        check(unsafe { dpiConn_addRef(raw) })?;
        let me = RawConn(raw);
        // The same statement cache size as the crate reports: the same connection.
        let mut size = 0u32;
        // SAFETY: a referenced dpiConn and a valid out pointer.
        check(unsafe { dpiConn_getStmtCacheSize(me.0, &mut size) })?;
        if conn.stmt_cache_size().ok() != Some(size) {
            return Err(Error::odb(
                codes::INTERNAL,
                "the connection's ODPI-C handle could not be found",
            ));
        }
        Ok(me)
    }
}
