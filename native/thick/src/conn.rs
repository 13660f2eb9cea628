//! One thick-mode connection: the calls of `oradb_client::Connection`, blocking, with results
//! in the buffers `src/_native.ts` decodes (BOUNDARY.md).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use oracle::conn::CloseMode;
use oracle::{Connection, Connector};

use crate::arrays;
use crate::binds::{bind_all, out_binds, specs};
use crate::calls::Calls;
use crate::error::{Error, Result};
use crate::fetch::Appended;
use crate::many::{self, ExecManyOpts, ExecManyResult};
use crate::query::query_result;
use crate::raw_conn::RawConn;
use crate::socket::{self, SessionSocket};
use crate::watchdog;

/// What `connect()` needs in thick mode.
#[derive(Debug, Clone, Default)]
pub struct ThickConnectOptions {
    pub user: String,
    pub password: String,
    pub connect_string: String,
    pub stmt_cache_size: Option<u32>,
    pub call_timeout_ms: Option<u32>,
    pub driver_name: Option<String>,
    pub connection_class: Option<String>,
    /// DRCP purity: 1 new, 2 self, anything else OCI's default.
    pub purity: Option<u32>,
    /// Sharding keys (empty: none): they go into the connect descriptor (`crate::shard`).
    pub sharding_key: Vec<oradb_protocol::value::Value>,
    pub super_sharding_key: Vec<oradb_protocol::value::Value>,
}

/// Options of one execute, as the u32 words of BOUNDARY.md carry them.
#[derive(Debug, Clone, Default)]
pub struct ExecOpts {
    pub auto_commit: bool,
    pub prefetch_rows: u32,
    pub array_size: u32,
    pub fetch_as_string: Vec<usize>,
    /// CLOB/BLOB columns fetched as locators (`Lob` objects) rather than whole.
    pub lob_columns: Vec<usize>,
    /// A query with LOB columns returns no rows yet: TS, which has not seen the statement,
    /// executes it again once it knows which LOBs are wanted whole (as in thin mode).
    pub defer_lobs: bool,
}

/// A session over OCI. Calls block and are served one at a time; `break_execution` may run
/// beside a call from another thread.
pub struct ThickConnection {
    /// Read-locked by every call and by break; write-locked only to switch autocommit.
    /// Shared with the timer that breaks a call past its timeout (`crate::watchdog`).
    conn: Arc<RwLock<Connection>>,
    /// `callTimeout` in ms (0: none), enforced by `call`.
    timeout_ms: AtomicU32,
    calls: Mutex<Calls>,
    closed: AtomicBool,
    server_version: String,
    /// The session's socket when found at logon (`crate::socket`): a forced close cuts it.
    socket: Option<SessionSocket>,
}

fn closed() -> Error {
    Error::odb(
        crate::error::codes::CONNECTION_CLOSED,
        "the connection is closed",
    )
}

impl ThickConnection {
    /// Logs on through OCI (the library must be loaded: see `crate::init`).
    pub fn connect(o: &ThickConnectOptions) -> Result<ThickConnection> {
        let connect_string =
            crate::shard::keyed(&o.connect_string, &o.sharding_key, &o.super_sharding_key)?;
        let mut c = Connector::new(&o.user, &o.password, &connect_string);
        if let Some(n) = o.stmt_cache_size {
            c.stmt_cache_size(n);
        }
        if let Some(n) = &o.driver_name {
            c.driver_name(n.as_str());
        }
        if let Some(cc) = &o.connection_class {
            c.connection_class(cc.as_str());
        }
        if let Some(p) = o.purity.and_then(crate::pool::purity) {
            c.purity(p);
        }
        let (conn, sock) = socket::around(socket::port_of(&connect_string), || c.connect());
        let mut me = Self::wrap(conn?, o.call_timeout_ms, None)?;
        me.socket = sock;
        Ok(me)
    }

    /// A session of a thick pool; `release` gives it back.
    /// `server_version`: the pool's, when known (asking OCI costs a round trip per acquire).
    pub(crate) fn pooled(
        conn: Connection,
        call_timeout_ms: Option<u32>,
        server_version: Option<String>,
    ) -> Result<Self> {
        Self::wrap(conn, call_timeout_ms, server_version)
    }

    fn wrap(
        conn: Connection,
        call_timeout_ms: Option<u32>,
        server_version: Option<String>,
    ) -> Result<ThickConnection> {
        let ms = call_timeout_ms.unwrap_or(0);
        if ms > 0 {
            conn.set_call_timeout(watchdog::backstop(ms))?;
        }
        let server_version = match server_version {
            Some(v) => v,
            None => conn.server_version().map(|(v, _)| v.to_string())?,
        };
        Ok(ThickConnection {
            conn: Arc::new(RwLock::new(conn)),
            timeout_ms: AtomicU32::new(ms),
            calls: Mutex::new(Calls::default()),
            closed: AtomicBool::new(false),
            server_version,
            socket: None,
        })
    }

    /// The server's version, e.g. "23.4.0.24.5".
    pub fn server_version(&self) -> &str {
        &self.server_version
    }

    pub(crate) fn calls(&self) -> Result<std::sync::MutexGuard<'_, Calls>> {
        let g = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        if self.closed.load(Ordering::Acquire) {
            return Err(closed());
        }
        Ok(g)
    }

    /// Runs one call of the session under its call lock, broken when it outlasts
    /// `callTimeout` (then ODB-5011).
    pub(crate) fn call<T>(&self, f: impl FnOnce(&mut Calls) -> Result<T>) -> Result<T> {
        let mut calls = self.calls()?;
        let timed = watchdog::arm(&self.conn, self.timeout_ms.load(Ordering::Relaxed));
        let r = f(&mut calls);
        match timed {
            Some(t) => t.settle(r),
            None => r,
        }
    }

    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, Connection> {
        self.conn.read().unwrap_or_else(|p| p.into_inner())
    }

    fn set_autocommit(&self, on: bool) {
        if self.read().autocommit() != on {
            let mut w = self.conn.write().unwrap_or_else(|p| p.into_inner());
            w.set_autocommit(on);
        }
    }

    /// Executes once; returns the execute-result buffer. A query keeps its cursor open for
    /// `fetch` after its first `prefetch_rows` rows (none when the query ended there).
    pub fn execute(&self, sql: &str, spec: &[u8], vals: &[u8], o: &ExecOpts) -> Result<Vec<u8>> {
        self.call(|calls| {
            let r = self.execute_in(calls, sql, spec, vals, o);
            if r.is_err() {
                self.forget(sql);
            }
            r
        })
    }

    /// Drops `sql` from OCI's statement cache, closing its cursor (with the next call), as
    /// thin mode does after an error and after `executeMany`. ODPI-C keeps a statement that failed on its data
    /// (ORA-00001 and the like) cached: a loop of failing INSERTs then left one cursor open
    /// that thin mode closes. Prepared again outside the cache, the cached handle is
    /// released with OCI's delete mode; preparing is local, no round trip.
    fn forget(&self, sql: &str) {
        if let Ok(stmt) = self.read().statement(sql).exclude_from_cache().build() {
            drop(stmt);
        }
    }

    fn execute_in(
        &self,
        calls: &mut Calls,
        sql: &str,
        spec: &[u8],
        vals: &[u8],
        o: &ExecOpts,
    ) -> Result<Vec<u8>> {
        self.set_autocommit(o.auto_commit);
        let conn = self.read();
        let specs = specs(spec)?;
        if specs.iter().any(|s| s.array.is_some()) {
            let raw = match calls.raw.take() {
                Some(r) => r,
                None => RawConn::of(&conn)?,
            };
            let r = arrays::execute(&raw, sql, &specs, vals, o.auto_commit);
            calls.raw = Some(raw);
            return r;
        }
        let mut b = conn.statement(sql);
        if o.prefetch_rows > 0 {
            b.prefetch_rows(o.prefetch_rows);
        }
        if o.array_size > 0 {
            b.fetch_array_size(o.array_size);
        }
        // LOB columns are always fetched as locators; the ones not asked for as `Lob`s are then
        // read whole through them. Defined as LONG (the oracle crate's whole fetch), they leave
        // the session unable to fetch locators afterwards (ORA-03115 from the test server, the
        // same with python-oracledb's thick mode) and an empty LOB would come back NULL.
        b.lob_locator();
        // A query with `CURSOR(…)` columns runs outside OCI's cache (see `Calls::nesting`).
        if calls.nesting.contains(sql) {
            b.exclude_from_cache();
        }
        let mut stmt = b.build()?;
        bind_all(&mut stmt, &specs, vals, &calls.lobs)?;
        if stmt.is_query() {
            let rs = stmt.into_result_set::<Appended>(&[])?;
            return query_result(calls, rs, sql, o);
        }
        stmt.execute(&[])?;
        let (r, ids) = calls.collect(|| -> Result<_> {
            let outs = out_binds(&stmt, &specs)?;
            let implicit = if stmt.is_plsql() {
                crate::conn_lob::put_implicit(&stmt)?
            } else {
                None
            };
            Ok((outs, implicit))
        });
        let (outs, implicit) = r?;
        let mut out = Vec::new();
        let rows = if stmt.is_dml() {
            stmt.row_count()? as f64
        } else {
            0.0
        };
        let rowid = if stmt.is_dml() {
            stmt.last_row_id()?
        } else {
            None
        };
        out.push(
            if outs.is_some() { 8 } else { 0 }
                | if rowid.is_some() { 16 } else { 0 }
                | if implicit.is_some() { 32 } else { 0 },
        );
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&rows.to_le_bytes());
        if let Some(b) = outs {
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(&b);
        }
        if let Some(id) = rowid {
            out.extend_from_slice(&(id.len() as u32).to_le_bytes());
            out.extend_from_slice(id.as_bytes());
        }
        if let Some(b) = implicit {
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(&b);
            calls.hold(&ids, stmt);
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        Ok(out)
    }

    /// Executes `sql` once per row of `vals` (`rows` rows of the binds in `spec`).
    pub fn execute_many(
        &self,
        sql: &str,
        spec: &[u8],
        vals: &[u8],
        rows: usize,
        auto_commit: bool,
        o: ExecManyOpts,
    ) -> Result<ExecManyResult> {
        self.call(|calls| {
            self.set_autocommit(auto_commit);
            let r = many::run(&self.read(), calls, sql, &specs(spec)?, vals, rows, o);
            // Closed after the call, as thin mode does: kept in OCI's cache, its cursor stayed
            // open where thin mode's does not, until some later statements evicted it.
            self.forget(sql);
            r
        })
    }

    /// Up to `max_rows` more rows, then u32 row count and u8 done (BOUNDARY.md).
    pub fn fetch(&self, cursor_id: u32, max_rows: u32) -> Result<Vec<u8>> {
        self.call(|calls| {
            // Out of the map while it fetches: nested cursors it reads go into the map.
            let mut cur = calls.cursors.remove(&cursor_id).ok_or_else(|| {
                Error::odb(
                    crate::error::codes::CURSOR_CLOSED,
                    format!("cursor {cursor_id} is not open"),
                )
            })?;
            let mut out = Vec::new();
            let (n, done) = calls.fetch_rows(&mut cur, max_rows, &mut out)?;
            if done {
                calls.deferred.remove(&cursor_id);
            }
            calls.settle(cursor_id, cur, done);
            out.extend_from_slice(&n.to_le_bytes());
            out.push(done as u8);
            Ok(out)
        })
    }

    /// Drops an open cursor (no error when it is already gone).
    pub fn close_cursor(&self, cursor_id: u32) -> Result<()> {
        let mut calls = self.calls()?;
        calls.cursors.remove(&cursor_id);
        // A deferred query is closed unfetched, then run again: kept in OCI's cache, its rows
        // would be cancelled with that call (function 120), which the test server does not
        // answer for LOB columns (ORA-03115); dropped from the cache, it is closed instead.
        if let Some(sql) = calls.deferred.remove(&cursor_id) {
            self.forget(&sql);
        }
        Ok(())
    }

    pub fn commit(&self) -> Result<()> {
        self.call(|_| Ok(self.read().commit()?))
    }

    pub fn rollback(&self) -> Result<()> {
        self.call(|_| Ok(self.read().rollback()?))
    }

    pub fn ping(&self) -> Result<()> {
        self.call(|_| Ok(self.read().ping()?))
    }

    /// Interrupts the running call (it fails with ORA-01013); does not wait for it.
    /// True while a call holds the session (a break then has something to interrupt).
    pub fn busy(&self) -> bool {
        self.calls.try_lock().is_err()
    }

    pub fn break_execution(&self) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            return Ok(());
        }
        Ok(self.read().break_execution()?)
    }

    /// Sets an end-to-end attribute (0 client id, 1 module, 2 action, 3 client
    /// info, 4 DB operation; 5 ECID is refused: the oracle crate does not
    /// reach OCI_ATTR_ECONTEXT_ID); OCI sends it with the next call.
    pub fn set_end_to_end(&self, which: u32, value: &str) -> Result<()> {
        let c = self.read();
        Ok(match which {
            0 => c.set_client_identifier(value),
            1 => c.set_module(value),
            2 => c.set_action(value),
            3 => c.set_client_info(value),
            4 => c.set_db_op(value),
            _ => {
                return Err(Error::odb(
                    crate::error::UNAVAILABLE,
                    "ecid is not yet available in thick mode",
                ))
            }
        }?)
    }

    /// False once closed or when OCI knows the session is gone (no round trip).
    pub fn is_healthy(&self) -> bool {
        !self.closed.load(Ordering::Acquire)
            && matches!(self.read().status(), Ok(oracle::ConnStatus::Normal))
    }

    pub fn set_call_timeout(&self, ms: u32) -> Result<()> {
        self.read().set_call_timeout(watchdog::backstop(ms))?;
        self.timeout_ms.store(ms, Ordering::Relaxed);
        Ok(())
    }

    pub fn call_timeout_ms(&self) -> u32 {
        self.timeout_ms.load(Ordering::Relaxed)
    }

    /// Breaks a running call and closes. A call that has not ended `grace` after the break (a
    /// server or network gone silent) has its socket cut, which ends it, when the socket is
    /// known; otherwise this waits for OCI as `close` does.
    pub fn force_close(&self, grace: Duration) -> Result<()> {
        if self.busy() {
            let _ = self.break_execution();
            let until = std::time::Instant::now() + grace;
            while self.busy() && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(10));
            }
            if self.busy() {
                if let Some(s) = &self.socket {
                    s.cut();
                }
            }
        }
        self.close()
    }

    /// Closes the cursors, then the session; again: nothing to do.
    pub fn close(&self) -> Result<()> {
        self.close_with(CloseMode::Default)
    }

    /// A pooled session back to OCI's pool: with `tag` as its tag (empty: untagged), or
    /// dropped. Waits for a call in flight; again: nothing to do.
    pub(crate) fn release(&self, tag: &str, drop_it: bool) -> Result<()> {
        // Always retagged when either tag is set: OCI releases without RETAG under the tag the
        // session had when found, which after a PL/SQL fix-up is not the one it now has (a
        // retag is local to OCI, no round trip).
        let retag = !tag.is_empty() || !self.read().tag().is_empty();
        let mode = match (drop_it, retag) {
            (true, _) => CloseMode::Drop,
            (false, true) => CloseMode::Retag(tag),
            (false, false) => CloseMode::Default,
        };
        self.close_with(mode)
    }

    fn close_with(&self, mode: CloseMode) -> Result<()> {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        if self.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        // Statements and LOBs must be gone before OCI lets the session go.
        calls.cursors.clear();
        calls.deferred.clear();
        calls.raw = None;
        calls.lobs.clear();
        match self.read().close_with_mode(mode) {
            Ok(()) => Ok(()),
            // The server or the network ended the session already: closing is done, as in
            // thin mode (OCI's own handles go when the `Connection` drops).
            Err(e) => match Error::from(e) {
                e if e.is_session_dead() => Ok(()),
                e => Err(e),
            },
        }
    }
}
