//! Session pool: min/max/increment, get modes, multi-property tags with
//! matchAnyTag, session lifetime and idle limits, health checks and close.
//! Session callbacks run in the caller (the TS layer): `acquire` reports
//! whether the session is new and which tag it carries.

mod tag;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

pub use tag::Tag;

use crate::error::{Error, ErrorKind, Result};
use crate::options::ConnectOptions;
use crate::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetMode {
    Wait,
    NoWait,
    ForceGet,
    TimedWait,
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub connect: ConnectOptions,
    pub min: u32,
    pub max: u32,
    pub increment: u32,
    pub get_mode: GetMode,
    /// For TimedWait.
    pub wait_timeout: Duration,
    /// Waiters allowed in the queue; 0 = unlimited.
    pub queue_max: usize,
    /// Idle sessions older than this close (down to `min`).
    pub idle_timeout: Option<Duration>,
    /// Sessions older than this close when released.
    pub max_lifetime: Option<Duration>,
    /// A session idle longer than this is pinged before it is handed out.
    pub ping_interval: Option<Duration>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub open: u32,
    pub busy: u32,
    pub idle: u32,
    pub waiting: u32,
    pub forced: u32,
    pub hits: u64,
    pub misses: u64,
    pub timeouts: u64,
}

/// A session handed out by `acquire`.
pub struct PooledSession {
    pub conn: Connection,
    /// The session's tag when handed out ("" if untagged).
    pub tag: String,
    /// Never used before: the session callback must run.
    pub is_new: bool,
    created: Instant,
    forced: bool,
}

struct Idle {
    conn: Connection,
    tag: Tag,
    created: Instant,
    last_used: Instant,
}

#[derive(Default)]
struct State {
    idle: Vec<Idle>,
    open: u32,
    forced: u32,
    busy: u32,
    waiting: u32,
    closed: bool,
    stats: PoolStats,
}

struct Inner {
    opts: PoolOptions,
    state: Mutex<State>,
    available: Notify,
}

/// What `acquire` does next.
enum Next {
    Idle(Idle),
    Open { forced: bool },
    Wait,
}

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

fn pool_error(code: &str, msg: impl Into<String>) -> Error {
    Error::odb(ErrorKind::Pool, code, msg)
}

impl Pool {
    /// Validates the sizes and opens `min` sessions (the first synchronously,
    /// so bad credentials fail here; the rest in the background).
    pub async fn create(opts: PoolOptions) -> Result<Pool> {
        if opts.max == 0 || opts.min > opts.max {
            return Err(pool_error(
                "ODB-2007",
                format!(
                    "poolMin ({}) must not exceed poolMax ({}), and poolMax must be at least 1",
                    opts.min, opts.max
                ),
            ));
        }
        let pool = Pool {
            inner: Arc::new(Inner {
                opts,
                state: Mutex::new(State::default()),
                available: Notify::new(),
            }),
        };
        if pool.inner.opts.min > 0 {
            let first = pool.open_session().await?;
            pool.lock().open += 1;
            pool.put_idle(first, Tag::default(), Instant::now());
            for _ in 1..pool.inner.opts.min {
                pool.spawn_open();
            }
        }
        Ok(pool)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn open_session(&self) -> Result<Connection> {
        Connection::connect(self.inner.opts.connect.clone()).await
    }

    fn put_idle(&self, conn: Connection, tag: Tag, created: Instant) {
        self.lock().idle.push(Idle {
            conn,
            tag,
            created,
            last_used: Instant::now(),
        });
        self.inner.available.notify_one();
    }

    /// Opens one more session in the background (counted as open at once).
    fn spawn_open(&self) {
        self.lock().open += 1;
        let pool = self.clone();
        tokio::spawn(async move {
            match pool.open_session().await {
                Ok(c) => pool.put_idle(c, Tag::default(), Instant::now()),
                Err(e) => {
                    tracing::warn!("pool could not open a session: {e}");
                    pool.lock().open -= 1;
                    pool.inner.available.notify_one();
                }
            }
        });
    }

    /// Index of the idle session to hand out for `want`.
    fn pick(idle: &[Idle], want: &Tag, match_any: bool) -> Option<usize> {
        let newest = |f: &dyn Fn(&Idle) -> bool| {
            idle.iter()
                .enumerate()
                .filter(|(_, s)| f(s))
                .max_by_key(|(_, s)| s.last_used)
                .map(|(i, _)| i)
        };
        if let Some(i) = newest(&|s| &s.tag == want) {
            return Some(i);
        }
        if want.is_empty() || !match_any {
            if let Some(i) = newest(&|s| s.tag.is_empty()) {
                return Some(i);
            }
        }
        if match_any || want.is_empty() {
            return newest(&|_| true);
        }
        None
    }

    pub async fn acquire(&self, tag: &str, match_any: bool) -> Result<PooledSession> {
        let want = Tag::parse(tag)?;
        let opts = &self.inner.opts;
        let deadline = (opts.get_mode == GetMode::TimedWait)
            .then(|| tokio::time::Instant::now() + opts.wait_timeout);
        loop {
            let notified = self.inner.available.notified();
            // Decide under the lock; act (await) after releasing it.
            match self.decide(&want, match_any)? {
                Next::Idle(s) => {
                    if let Some(s) = self.check(s).await {
                        return Ok(PooledSession {
                            tag: s.tag.to_string(),
                            is_new: false,
                            created: s.created,
                            conn: s.conn,
                            forced: false,
                        });
                    }
                }
                Next::Open { forced } => return self.new_session(forced).await,
                Next::Wait => {
                    let timed_out = match deadline {
                        Some(d) => tokio::time::timeout_at(d, notified).await.is_err(),
                        None => {
                            notified.await;
                            false
                        }
                    };
                    let mut st = self.lock();
                    st.waiting -= 1;
                    if timed_out {
                        st.stats.timeouts += 1;
                        return Err(pool_error(
                            "ODB-2004",
                            format!(
                                "timed out after {} ms waiting for a pooled session",
                                opts.wait_timeout.as_millis()
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn decide(&self, want: &Tag, match_any: bool) -> Result<Next> {
        let opts = &self.inner.opts;
        let mut st = self.lock();
        if st.closed {
            return Err(pool_error("ODB-2001", "the pool is closed"));
        }
        Self::trim(&mut st, opts);
        if let Some(i) = Self::pick(&st.idle, want, match_any) {
            st.busy += 1;
            st.stats.hits += 1;
            return Ok(Next::Idle(st.idle.swap_remove(i)));
        }
        if st.open < opts.max {
            st.open += 1;
            st.busy += 1;
            st.stats.misses += 1;
            return Ok(Next::Open { forced: false });
        }
        match opts.get_mode {
            GetMode::NoWait => Err(pool_error(
                "ODB-2002",
                format!(
                    "the pool is exhausted: all {} sessions are in use",
                    opts.max
                ),
            )),
            GetMode::ForceGet => {
                st.forced += 1;
                st.busy += 1;
                Ok(Next::Open { forced: true })
            }
            GetMode::Wait | GetMode::TimedWait => {
                if opts.queue_max > 0 && st.waiting as usize >= opts.queue_max {
                    return Err(pool_error(
                        "ODB-2003",
                        format!("the pool's wait queue is full ({} waiting)", st.waiting),
                    ));
                }
                st.waiting += 1;
                Ok(Next::Wait)
            }
        }
    }

    async fn new_session(&self, forced: bool) -> Result<PooledSession> {
        match self.open_session().await {
            Ok(conn) => Ok(PooledSession {
                conn,
                tag: String::new(),
                is_new: true,
                created: Instant::now(),
                forced,
            }),
            Err(e) => {
                let mut st = self.lock();
                st.busy -= 1;
                if forced {
                    st.forced -= 1;
                } else {
                    st.open -= 1;
                }
                self.inner.available.notify_one();
                Err(e)
            }
        }
    }

    /// A dead or (after the ping interval) unresponsive session is dropped.
    async fn check(&self, s: Idle) -> Option<Idle> {
        let stale = self
            .inner
            .opts
            .ping_interval
            .is_some_and(|p| s.last_used.elapsed() >= p);
        if !s.conn.is_dead() && (!stale || s.conn.ping().await.is_ok()) {
            return Some(s);
        }
        let mut st = self.lock();
        st.open -= 1;
        st.busy -= 1;
        None
    }

    /// Closes idle sessions past the idle timeout, keeping `min` open.
    fn trim(st: &mut State, opts: &PoolOptions) {
        let Some(limit) = opts.idle_timeout else {
            return;
        };
        while st.open > opts.min {
            let Some(i) = st.idle.iter().position(|s| s.last_used.elapsed() >= limit) else {
                break;
            };
            let s = st.idle.swap_remove(i);
            st.open -= 1;
            tokio::spawn(async move { s.conn.close().await });
        }
    }

    /// Returns a session: retagged when `tag` is given, closed when `drop` is
    /// set or it is forced, dead or past its lifetime.
    pub async fn release(&self, s: PooledSession, tag: Option<&str>, drop: bool) -> Result<()> {
        let new_tag = match tag {
            Some(t) => Tag::parse(t)?,
            None => Tag::parse(&s.tag)?,
        };
        let expired = self
            .inner
            .opts
            .max_lifetime
            .is_some_and(|l| s.created.elapsed() >= l);
        let closed = self.lock().closed;
        let discard = drop || s.forced || expired || closed || s.conn.is_dead();
        if !discard && s.conn.in_transaction() {
            // Uncommitted work never travels to the next user of the session.
            s.conn.rollback().await?;
        }
        {
            let mut st = self.lock();
            st.busy -= 1;
            if s.forced {
                st.forced -= 1;
            } else if discard {
                st.open -= 1;
            }
        }
        if discard {
            let _ = s.conn.close().await;
            self.inner.available.notify_one();
            return Ok(());
        }
        self.put_idle(s.conn, new_tag, s.created);
        Ok(())
    }

    /// Closes the pool. Without `force` it fails while sessions are in use;
    /// with it, busy calls are broken and sessions close as they come back.
    pub async fn close(&self, force: bool) -> Result<()> {
        let idle = {
            let mut st = self.lock();
            if st.busy > 0 && !force {
                return Err(pool_error(
                    "ODB-2006",
                    format!("the pool has {} sessions in use (ORA-24422)", st.busy),
                ));
            }
            st.closed = true;
            st.open -= st.idle.len() as u32;
            std::mem::take(&mut st.idle)
        };
        self.inner.available.notify_waiters();
        for s in idle {
            let _ = s.conn.close().await;
        }
        Ok(())
    }

    pub fn stats(&self) -> PoolStats {
        let st = self.lock();
        PoolStats {
            open: st.open,
            busy: st.busy,
            idle: st.idle.len() as u32,
            waiting: st.waiting,
            forced: st.forced,
            ..st.stats.clone()
        }
    }
}
