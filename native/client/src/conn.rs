//! A connection: a handle over a task that owns the socket. Calls queue in
//! order and run one at a time; `break_execution` does not queue — it
//! interrupts the call in flight.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Notify};

use oradb_protocol::codes;
use oradb_protocol::value::ora_type;

use oradb_protocol::ttc::piggyback::EndToEndAttrs;

use crate::binds::Binds;
use crate::error::{Error, Result};
use crate::exec::{ExecManyOptions, ExecManyResult, ExecOptions, ExecResult, Fetched, State};
use crate::login::{self, SessionInfo};
use crate::options::ConnectOptions;

/// Signals shared between the handle and the connection task.
#[derive(Default)]
pub(crate) struct Control {
    pub break_now: Notify,
    pub busy: AtomicBool,
    /// Call timeout in ms; 0 = none.
    pub call_timeout_ms: AtomicU64,
    pub dead: AtomicBool,
    /// The last response said a transaction is open.
    pub in_txn: AtomicBool,
    /// `force_close` gave up on the call in flight: its wait for the
    /// server ends and the session is dropped.
    pub kill: Notify,
    /// End-to-end attributes set since the last call: they ride on the
    /// next one, as Oracle's clients send them (no round trip of their own).
    pub e2e: std::sync::Mutex<EndToEndAttrs>,
}

/// Which end-to-end attribute `Connection::set_end_to_end` sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndToEnd {
    ClientId,
    Module,
    Action,
    ClientInfo,
    DbOp,
    Ecid,
}

/// A thin-mode session. Cheap to clone; all clones share one session.
#[derive(Clone)]
pub struct Connection {
    // A fair (FIFO) async mutex: calls run one at a time, in the order made,
    // on the caller's own task with no hop through a channel.
    state: Arc<Mutex<State>>,
    ctl: Arc<Control>,
    info: Arc<SessionInfo>,
    /// See `Transport::wake_fd`; fixed for the session's life.
    wake_fd: Option<i32>,
}

fn closed() -> Error {
    Error::usage(codes::CONNECTION_CLOSED, "the connection is closed")
}

impl Connection {
    /// Connects and logs on.
    pub async fn connect(opts: ConnectOptions) -> Result<Connection> {
        let (transport, caps, info) = login::connect(&opts).await?;
        let wake_fd = transport.wake_fd();
        let ctl = Arc::new(Control::default());
        ctl.call_timeout_ms
            .store(opts.call_timeout.as_millis() as u64, Ordering::Relaxed);
        let state = State::new(transport, caps, ctl.clone(), &opts);
        Ok(Connection {
            state: Arc::new(Mutex::new(state)),
            ctl,
            info: Arc::new(info),
            wake_fd,
        })
    }

    /// The plain TCP socket of the session, for a caller that watches it
    /// itself and polls a call with `plain_tcp::with_external_read_wake`;
    /// `None` under TLS. Valid while the session is open.
    pub fn wake_fd(&self) -> Option<i32> {
        self.wake_fd
    }

    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// Uncommitted changes exist (as of the last call).
    pub fn in_transaction(&self) -> bool {
        self.ctl.in_txn.load(Ordering::Relaxed)
    }

    /// True once the session is known to be unusable (socket gone, killed).
    pub fn is_dead(&self) -> bool {
        self.ctl.dead.load(Ordering::Relaxed)
    }

    /// Checks, without a round trip, that the socket was not closed by the
    /// server (a restart, a kill). A busy session counts as alive.
    pub fn probe_alive(&self) -> bool {
        match self.state.try_lock() {
            Ok(mut st) => {
                let alive = st.probe_alive();
                if !alive {
                    self.ctl.dead.store(true, Ordering::SeqCst);
                }
                alive
            }
            Err(_) => !self.is_dead(),
        }
    }

    /// `lob_free_all` without waiting, for a pool's synchronous release: false
    /// when a call (a read-ahead) holds the session, and nothing was done.
    pub fn try_lob_free_all(&self) -> bool {
        match self.state.try_lock() {
            Ok(mut st) => {
                st.lob_free_all();
                true
            }
            Err(_) => false,
        }
    }

    /// Sets an end-to-end attribute (module, action, …) for the session;
    /// it reaches the server with the next call. An empty value clears it.
    pub fn set_end_to_end(&self, which: EndToEnd, value: &str) {
        let mut e = self.ctl.e2e.lock().unwrap_or_else(|p| p.into_inner());
        let slot = match which {
            EndToEnd::ClientId => &mut e.client_id,
            EndToEnd::Module => &mut e.module,
            EndToEnd::Action => &mut e.action,
            EndToEnd::ClientInfo => &mut e.client_info,
            EndToEnd::DbOp => &mut e.dbop,
            EndToEnd::Ecid => &mut e.ecid,
        };
        *slot = Some(value.to_string());
    }

    pub fn set_call_timeout(&self, t: Duration) {
        self.ctl
            .call_timeout_ms
            .store(t.as_millis() as u64, Ordering::Relaxed);
    }
    pub fn call_timeout(&self) -> Duration {
        Duration::from_millis(self.ctl.call_timeout_ms.load(Ordering::Relaxed))
    }

    /// Interrupts the running call (it fails with ORA-01013); no-op when idle.
    pub fn break_execution(&self) {
        if self.ctl.busy.load(Ordering::SeqCst) {
            self.ctl.break_now.notify_one();
        }
    }

    /// Runs one call with the session to itself. The call timeout covers
    /// waiting for a background read-ahead too: it started before this call
    /// (perhaps with no timeout) and may be stuck on a stalled server.
    pub(crate) async fn call<T>(&self, f: impl AsyncFnOnce(&mut State) -> Result<T>) -> Result<T> {
        let ms = self.ctl.call_timeout_ms.load(Ordering::Relaxed);
        let mut st = match self.state.try_lock() {
            Ok(st) => st,
            Err(_) if ms == 0 => self.state.lock().await,
            Err(_) => {
                match tokio::time::timeout(Duration::from_millis(ms), self.state.lock()).await {
                    Ok(st) => st,
                    Err(_) => {
                        // Interrupt what holds the session (the read-ahead
                        // marks itself busy), let it finish its break, and
                        // report this call's timeout; that cursor's next
                        // fetch reports the cancel.
                        self.break_execution();
                        drop(self.state.lock().await);
                        // A break the holder finished before taking must not
                        // hit the next call.
                        let _ = tokio::time::timeout(Duration::ZERO, self.ctl.break_now.notified())
                            .await;
                        return Err(crate::response::interrupted_error(
                            Error::ora(1013, "user requested cancel of current operation", 0),
                            crate::response::Interrupted::Timeout(ms),
                        ));
                    }
                }
            }
        };
        if st.is_dead() {
            // After a lost connection, keep saying so (recoverably): the
            // caller did not close it.
            return Err(if st.closed_by_user {
                closed()
            } else {
                Error::disconnected("it was lost during an earlier call")
            });
        }
        self.ctl.busy.store(true, Ordering::SeqCst);
        let r = f(&mut st).await;
        self.ctl.busy.store(false, Ordering::SeqCst);
        if st.is_dead() {
            self.ctl.dead.store(true, Ordering::SeqCst);
        }
        r
    }

    pub async fn execute(&self, sql: &str, binds: Binds, opts: ExecOptions) -> Result<ExecResult> {
        let batch = opts.array_size.max(1);
        let defer = opts.defer_lobs;
        let r = self
            .call(async |st: &mut State| st.execute(sql, binds, opts).await)
            .await?;
        // A deferred LOB query has no defines yet: nothing to read ahead.
        let deferred = defer
            && r.columns.as_ref().is_some_and(|c| {
                c.iter()
                    .any(|c| matches!(c.db_type, ora_type::CLOB | ora_type::BLOB))
            });
        if r.cursor_id != 0 && !deferred && r.rows.as_ref().is_some_and(|f| !f.done) {
            self.read_ahead(r.cursor_id, batch);
        }
        Ok(r)
    }

    /// Queues a fetch of the next batch behind the current call, so the
    /// server and the Rust side work while JS decodes the batch just returned.
    fn read_ahead(&self, cursor_id: u32, n: u32) {
        let (state, ctl) = (self.state.clone(), self.ctl.clone());
        tokio::spawn(async move {
            let mut st = state.lock().await;
            // Busy like any call, so a break (or a waiting call's timeout)
            // can interrupt it.
            ctl.busy.store(true, Ordering::SeqCst);
            st.read_ahead(cursor_id, n).await;
            ctl.busy.store(false, Ordering::SeqCst);
        });
    }
    pub async fn execute_many(
        &self,
        sql: &str,
        binds: Binds,
        opts: ExecManyOptions,
    ) -> Result<ExecManyResult> {
        self.call(async |st: &mut State| st.execute_many(sql, binds, opts).await)
            .await
    }
    pub async fn fetch(&self, cursor_id: u32, max_rows: u32) -> Result<Fetched> {
        let r = self
            .call(async |st: &mut State| st.fetch(cursor_id, max_rows).await)
            .await?;
        if !r.done {
            self.read_ahead(cursor_id, max_rows);
        }
        Ok(r)
    }
    /// Releases a query cursor; the close rides on the next call.
    pub async fn close_cursor(&self, cursor_id: u32) -> Result<()> {
        self.call(async |st: &mut State| {
            st.queue_close(cursor_id);
            Ok(())
        })
        .await
    }
    pub async fn commit(&self) -> Result<()> {
        self.call(async |st: &mut State| st.simple(oradb_protocol::ttc::func::COMMIT).await)
            .await
    }
    pub async fn rollback(&self) -> Result<()> {
        self.call(async |st: &mut State| st.simple(oradb_protocol::ttc::func::ROLLBACK).await)
            .await
    }
    pub async fn ping(&self) -> Result<()> {
        self.call(async |st: &mut State| st.simple(oradb_protocol::ttc::func::PING).await)
            .await
    }
    /// DRCP only: releases the session to the server's pool (see
    /// `SessionInfo::drcp`); a no-op on a dedicated connection.
    pub async fn drcp_release(&self) -> Result<()> {
        if !self.info.drcp {
            return Ok(());
        }
        self.call(async |st: &mut State| st.session_release().await)
            .await
    }

    /// Closes even while a call is stuck: breaks the call in flight, then
    /// closes as `close` does; whatever is not done within `grace` (a server
    /// that answers neither the call nor the break, or the logoff) is
    /// abandoned and the socket dropped. Never waits much longer than
    /// `grace` for the running call.
    pub async fn force_close(&self, grace: Duration) -> Result<()> {
        self.break_execution();
        if let Ok(r) = tokio::time::timeout(grace, self.close()).await {
            return r;
        }
        // The call in flight sees the kill, fails as disconnected and
        // releases the session; then the socket goes.
        self.ctl.kill.notify_one();
        let mut st = self.state.lock().await;
        st.abandon().await;
        self.ctl.dead.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Rolls back, logs off and closes the socket. Later calls fail with [`codes::CONNECTION_CLOSED`].
    pub async fn close(&self) -> Result<()> {
        {
            let mut st = self.state.lock().await;
            if st.is_dead() && !st.closed_by_user {
                // Closing a connection that was lost succeeds: nothing is left
                // to release, and `await using` must not mask the first error.
                st.closed_by_user = true;
                return Ok(());
            }
        }
        self.call(async |st: &mut State| st.close().await).await
    }
}
