//! A connection: a handle over a task that owns the socket. Calls queue in
//! order and run one at a time; `break_execution` does not queue — it
//! interrupts the call in flight.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, Notify};

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
}

enum Op {
    Execute(
        String,
        Binds,
        ExecOptions,
        oneshot::Sender<Result<ExecResult>>,
    ),
    ExecuteMany(
        String,
        Binds,
        ExecManyOptions,
        oneshot::Sender<Result<ExecManyResult>>,
    ),
    Fetch(u32, u32, oneshot::Sender<Result<Fetched>>),
    CloseCursor(u32, oneshot::Sender<Result<()>>),
    Simple(u8, oneshot::Sender<Result<()>>),
    Close(oneshot::Sender<Result<()>>),
}

/// A thin-mode session. Cheap to clone; all clones share one session.
#[derive(Clone)]
pub struct Connection {
    tx: mpsc::UnboundedSender<Op>,
    ctl: Arc<Control>,
    info: Arc<SessionInfo>,
}

fn closed() -> Error {
    Error::usage("ODB-5001", "the connection is closed")
}

impl Connection {
    /// Connects and logs on.
    pub async fn connect(opts: ConnectOptions) -> Result<Connection> {
        let (transport, caps, info) = login::connect(&opts).await?;
        let ctl = Arc::new(Control::default());
        ctl.call_timeout_ms
            .store(opts.call_timeout.as_millis() as u64, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        let state = State::new(transport, caps, ctl.clone(), &opts);
        tokio::spawn(run(state, rx));
        Ok(Connection {
            tx,
            ctl,
            info: Arc::new(info),
        })
    }

    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// True once the session is known to be unusable (socket gone, killed).
    pub fn is_dead(&self) -> bool {
        self.ctl.dead.load(Ordering::Relaxed)
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

    async fn call<T>(&self, make: impl FnOnce(oneshot::Sender<Result<T>>) -> Op) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(make(tx)).map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
    }

    pub async fn execute(&self, sql: &str, binds: Binds, opts: ExecOptions) -> Result<ExecResult> {
        let sql = sql.to_string();
        self.call(|tx| Op::Execute(sql, binds, opts, tx)).await
    }
    pub async fn execute_many(
        &self,
        sql: &str,
        binds: Binds,
        opts: ExecManyOptions,
    ) -> Result<ExecManyResult> {
        let sql = sql.to_string();
        self.call(|tx| Op::ExecuteMany(sql, binds, opts, tx)).await
    }
    pub async fn fetch(&self, cursor_id: u32, max_rows: u32) -> Result<Fetched> {
        self.call(|tx| Op::Fetch(cursor_id, max_rows, tx)).await
    }
    /// Releases a query cursor; the close rides on the next call.
    pub async fn close_cursor(&self, cursor_id: u32) -> Result<()> {
        self.call(|tx| Op::CloseCursor(cursor_id, tx)).await
    }
    pub async fn commit(&self) -> Result<()> {
        self.call(|tx| Op::Simple(oradb_protocol::ttc::func::COMMIT, tx))
            .await
    }
    pub async fn rollback(&self) -> Result<()> {
        self.call(|tx| Op::Simple(oradb_protocol::ttc::func::ROLLBACK, tx))
            .await
    }
    pub async fn ping(&self) -> Result<()> {
        self.call(|tx| Op::Simple(oradb_protocol::ttc::func::PING, tx))
            .await
    }
    /// Rolls back, logs off and closes the socket. Later calls fail with ODB-5001.
    pub async fn close(&self) -> Result<()> {
        self.call(Op::Close).await
    }
}

async fn run(mut st: State, mut rx: mpsc::UnboundedReceiver<Op>) {
    while let Some(op) = rx.recv().await {
        let ctl = st.ctl.clone();
        ctl.busy.store(true, Ordering::SeqCst);
        let stop = matches!(op, Op::Close(_));
        match op {
            Op::Execute(sql, b, o, tx) => drop(tx.send(st.execute(&sql, b, o).await)),
            Op::ExecuteMany(sql, b, o, tx) => drop(tx.send(st.execute_many(&sql, b, o).await)),
            Op::Fetch(id, n, tx) => drop(tx.send(st.fetch(id, n).await)),
            Op::CloseCursor(id, tx) => {
                st.queue_close(id);
                drop(tx.send(Ok(())))
            }
            Op::Simple(code, tx) => drop(tx.send(st.simple(code).await)),
            Op::Close(tx) => drop(tx.send(st.close().await)),
        }
        ctl.busy.store(false, Ordering::SeqCst);
        if stop || st.is_dead() {
            ctl.dead.store(true, Ordering::SeqCst);
            break;
        }
    }
    // Fail whatever is still queued rather than leave callers hanging.
    rx.close();
    while let Ok(op) = rx.try_recv() {
        match op {
            Op::Execute(.., tx) => drop(tx.send(Err(closed()))),
            Op::ExecuteMany(.., tx) => drop(tx.send(Err(closed()))),
            Op::Fetch(.., tx) => drop(tx.send(Err(closed()))),
            Op::CloseCursor(_, tx) | Op::Simple(_, tx) => drop(tx.send(Err(closed()))),
            Op::Close(tx) => drop(tx.send(Ok(()))),
        }
    }
}
