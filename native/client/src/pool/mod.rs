//! Session pool: min/max/increment, get modes, multi-property tags with
//! matchAnyTag, heterogeneous credentials, DRCP class and purity per
//! acquire, session lifetime and idle limits, health checks, reconfigure,
//! drain and force close. Session callbacks run in the caller (the TS
//! layer): `acquire` reports whether the session is new and its tag.

mod tag;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, Notify};

pub use tag::Tag;

use oradb_protocol::codes;

use crate::error::{Error, ErrorKind, Result};
use crate::options::{ConnectOptions, Purity};
use crate::Connection;
use oradb_protocol::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetMode {
    Wait,
    NoWait,
    ForceGet,
    TimedWait,
}

/// The pool's sizes and timeouts: what `reconfigure` may change.
#[derive(Debug, Clone)]
pub struct PoolLimits {
    pub min: u32,
    pub max: u32,
    /// Sessions opened at a time when the pool grows.
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
    /// Most sessions open for one (super)sharding key; 0 = no limit. Sessions without a
    /// key (the catalog's) are not limited by it.
    pub max_per_shard: u32,
}

impl PoolLimits {
    fn check(&self) -> Result<()> {
        if self.max == 0 || self.min > self.max {
            return Err(pool_error(
                codes::INVALID_POOL_LIMITS,
                format!(
                    "poolMin ({}) must not exceed poolMax ({}), and poolMax must be at least 1",
                    self.min, self.max
                ),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub connect: ConnectOptions,
    /// All sessions use `connect`'s credentials; when false, `acquire` may
    /// name a user (a heterogeneous pool).
    pub homogeneous: bool,
    pub limits: PoolLimits,
}

/// What one `acquire` asks for.
#[derive(Debug, Clone, Default)]
pub struct AcquireRequest {
    pub tag: String,
    pub match_any_tag: bool,
    /// Heterogeneous pools only.
    pub user: Option<String>,
    pub password: Option<String>,
    /// DRCP connection class; `None` = the pool's.
    pub connection_class: Option<String>,
    /// `None` = the pool's purity. `New` never reuses a pooled session.
    pub purity: Option<Purity>,
    /// The session's sharding key and super sharding key; when both are `None`, the pool's
    /// own. Giving either replaces both (a missing one is then no key).
    pub sharding_key: Option<Vec<Value>>,
    pub super_sharding_key: Option<Vec<Value>>,
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

/// Which sessions can serve a request: same user, same DRCP class, same shard
/// key, and for credentials given to `acquire`, the same password (as a keyed
/// hash, so a wrong password never borrows another caller's authenticated session).
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    user: String,
    class: Option<String>,
    cred: u64,
    shard: Shard,
}

/// The (super)sharding key a session was opened with; `None`: no key (the
/// catalog, or an unsharded database). Compared by the encoded CONNECT_DATA
/// values, which are what the shard director routes by.
#[derive(Clone, Default)]
struct Shard(Option<Arc<ShardKeys>>);

struct ShardKeys {
    id: String,
    key: Vec<Value>,
    super_key: Vec<Value>,
}

impl Shard {
    fn new(key: Vec<Value>, super_key: Vec<Value>) -> Result<Shard> {
        if key.is_empty() && super_key.is_empty() {
            return Ok(Shard(None));
        }
        let enc = |k: &[Value], what: &str| -> Result<String> {
            if k.is_empty() {
                return Ok(String::new());
            }
            oradb_protocol::sharding::encode(k)
                .map_err(|e| Error::usage(codes::INVALID_OPTION, format!("{what}: {}", e.message)))
        };
        let id = format!(
            "{}|{}",
            enc(&key, "shardingKey")?,
            enc(&super_key, "superShardingKey")?
        );
        Ok(Shard(Some(Arc::new(ShardKeys { id, key, super_key }))))
    }

    fn id(&self) -> Option<&str> {
        self.0.as_ref().map(|k| k.id.as_str())
    }
}

impl PartialEq for Shard {
    fn eq(&self, other: &Shard) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Shard {}

impl std::hash::Hash for Shard {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.id().hash(h)
    }
}

/// A session handed out by `acquire`.
pub struct PooledSession {
    pub conn: Connection,
    /// The session's tag when handed out ("" if untagged).
    pub tag: String,
    /// Never used before: the session callback must run.
    pub is_new: bool,
    id: u64,
    key: Key,
    created: Instant,
    forced: bool,
}

struct Idle {
    conn: Connection,
    tag: Tag,
    key: Key,
    created: Instant,
    last_used: Instant,
}

/// Why a waiter wakes: a session handed straight to it, or a change (room
/// freed, pool closed or reconfigured) that calls for deciding again.
enum Wake {
    Session(Idle),
    Retry,
}

/// How a sleeping waiter is woken.
enum Deliver {
    /// An async `acquire` waiting on this one-shot.
    Task(oneshot::Sender<Wake>),
    /// A caller parked by `try_acquire_or_park`: what it gets waits in
    /// `State::parked_out` for `take_parked`, so a session released on the
    /// caller's own thread reaches the next waiter with no thread hop.
    Parked,
}

/// What a parked waiter got (see `Pool::take_parked`).
pub enum ParkedOutcome {
    Session(PooledSession),
    /// Room was freed, or the pool closed or changed: call `acquire_queued`
    /// with the same id, which keeps the waiter's place.
    Retry,
}

/// What `try_acquire_or_park` did.
pub enum TryAcquire {
    Session(PooledSession),
    /// Queued (FIFO) under this id; see `take_parked`.
    Parked(u64),
    /// Needs I/O (open or ping a session): call `acquire`.
    Async,
}

thread_local! {
    /// Set while a caller that collects parked outcomes itself (right after
    /// `try_release`) is inside the pool: no signal is needed then.
    static COLLECTS_ITSELF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// One waiting `acquire`, in FIFO order. Its entry stays in the queue across
/// retries, so a waiter never loses its place.
struct Waiter {
    id: u64,
    key: Key,
    want: Tag,
    match_any: bool,
    fresh: bool,
    /// Set while the waiter is asleep; taken by whoever wakes it.
    tx: Option<Deliver>,
}

impl Waiter {
    /// Whether `s` may serve this waiter (the rules of `Pool::pick` for one session).
    fn accepts(&self, s: &Idle) -> bool {
        !self.fresh
            && s.key == self.key
            && (s.tag == self.want || s.tag.is_empty() || self.match_any || self.want.is_empty())
    }
}

struct State {
    limits: PoolLimits,
    idle: Vec<Idle>,
    /// Waiting acquires, first come first served.
    queue: VecDeque<Waiter>,
    /// What parked waiters got, for `take_parked`.
    parked_out: Vec<(u64, ParkedOutcome)>,
    /// Sessions handed out, by id, so a force close can break their calls.
    busy_conns: HashMap<u64, Connection>,
    next_id: u64,
    open: u32,
    forced: u32,
    busy: u32,
    /// Open (and opening) sessions per sharding key, for `max_per_shard`;
    /// forced sessions are not counted, as they are not in `open`.
    per_shard: HashMap<String, u32>,
    closed: bool,
    stats: PoolStats,
}

impl State {
    /// One more (or one fewer) open session of `key`'s shard.
    fn shard_opened(&mut self, key: &Key) {
        if let Some(id) = key.shard.id() {
            *self.per_shard.entry(id.to_string()).or_default() += 1;
        }
    }

    fn shard_closed(&mut self, key: &Key) {
        if let Some(id) = key.shard.id() {
            if let Some(n) = self.per_shard.get_mut(id) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.per_shard.remove(id);
                }
            }
        }
    }

    /// Whether `key`'s shard has `max_per_shard` sessions open already.
    fn shard_full(&self, key: &Key) -> bool {
        let max = self.limits.max_per_shard;
        match key.shard.id() {
            Some(id) if max > 0 => self.per_shard.get(id).copied().unwrap_or(0) >= max,
            _ => false,
        }
    }

    /// Sessions `key`'s shard may still open (`u32::MAX`: no limit).
    fn shard_room(&self, key: &Key) -> u32 {
        let max = self.limits.max_per_shard;
        match key.shard.id() {
            Some(id) if max > 0 => max.saturating_sub(self.per_shard.get(id).copied().unwrap_or(0)),
            _ => u32::MAX,
        }
    }
}

struct Inner {
    connect: ConnectOptions,
    /// The pool's own sharding key (from `connect`): for acquires without one.
    shard: Shard,
    homogeneous: bool,
    /// Per-pool random hash keys for `Key::cred`.
    hasher: std::collections::hash_map::RandomState,
    /// The runtime the pool was created on: background work is spawned
    /// there, also from the synchronous fast paths called on other threads.
    rt: tokio::runtime::Handle,
    state: Mutex<State>,
    /// Signalled whenever a busy session comes back (for drain).
    returned: Notify,
    /// Signalled when a parked waiter got something off the caller's thread.
    parked: Notify,
}

/// What `acquire` does next.
enum Next {
    Idle(Idle),
    Open {
        forced: bool,
    },
    /// Queued (or still queued) under this id.
    Wait(oneshot::Receiver<Wake>, u64),
}

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

fn pool_error(code: &str, msg: impl Into<String>) -> Error {
    Error::odb(ErrorKind::Pool, code, msg)
}

/// Undoes a slot taken under the lock (a session being opened) if the
/// acquire is dropped (cancelled) or fails before it completes.
struct Slot<'a> {
    pool: &'a Pool,
    kind: SlotKind,
    key: &'a Key,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotKind {
    Opening { forced: bool },
    Done,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let SlotKind::Opening { forced } = self.kind {
            let mut st = self.pool.lock();
            st.busy -= 1;
            if forced {
                st.forced -= 1;
            } else {
                st.open -= 1;
                st.shard_closed(self.key);
            }
            // Room for the next waiter.
            self.pool.retry_head(&mut st);
        }
    }
}

/// A place in the wait queue. Dropping it (a cancelled, failed or timed-out
/// acquire) leaves the queue; a session handed over meanwhile goes back.
struct Queued<'a> {
    pool: &'a Pool,
    id: u64,
    rx: Option<oneshot::Receiver<Wake>>,
}

impl Queued<'_> {
    /// Whether the entry was still queued (and is now removed).
    fn leave(&mut self) -> bool {
        let mut st = self.pool.lock();
        let before = st.queue.len();
        st.queue.retain(|w| w.id != self.id);
        before != st.queue.len()
    }

    /// A session delivered to this waiter that it will not use: accounted
    /// back and offered to the next waiter.
    fn take_delivered(&mut self) -> Option<Idle> {
        match self.rx.as_mut()?.try_recv() {
            Ok(Wake::Session(s)) => Some(s),
            _ => None,
        }
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if self.leave() {
            return;
        }
        if let Some(s) = self.take_delivered() {
            {
                let mut st = self.pool.lock();
                st.busy -= 1;
                st.stats.hits -= 1;
            }
            self.pool.put_idle(s.conn, s.tag, s.key, s.created);
        }
    }
}

impl Pool {
    /// Validates the sizes and opens `min` sessions (the first synchronously,
    /// so bad credentials fail here; the rest in the background).
    pub async fn create(opts: PoolOptions) -> Result<Pool> {
        opts.limits.check()?;
        let min = opts.limits.min;
        let shard = Shard::new(
            opts.connect.sharding_key.clone(),
            opts.connect.super_sharding_key.clone(),
        )?;
        let pool = Pool {
            inner: Arc::new(Inner {
                connect: opts.connect,
                shard,
                homogeneous: opts.homogeneous,
                hasher: Default::default(),
                rt: tokio::runtime::Handle::current(),
                state: Mutex::new(State {
                    limits: opts.limits,
                    idle: Vec::new(),
                    busy_conns: HashMap::new(),
                    next_id: 0,
                    open: 0,
                    forced: 0,
                    busy: 0,
                    per_shard: HashMap::new(),
                    queue: VecDeque::new(),
                    parked_out: Vec::new(),
                    closed: false,
                    stats: PoolStats::default(),
                }),
                returned: Notify::new(),
                parked: Notify::new(),
            }),
        };
        if min > 0 {
            let key = pool.default_key();
            let first = pool.open_session(&key, None, None).await?;
            {
                let mut st = pool.lock();
                st.open += 1;
                st.shard_opened(&key);
            }
            pool.put_idle(first, Tag::default(), key, Instant::now());
            pool.spawn_open(min - 1);
        }
        Ok(pool)
    }

    fn rt(&self) -> &tokio::runtime::Handle {
        &self.inner.rt
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn default_key(&self) -> Key {
        Key {
            user: self.inner.connect.user.to_uppercase(),
            class: self.inner.connect.connection_class.clone(),
            cred: 0,
            shard: self.inner.shard.clone(),
        }
    }

    async fn open_session(
        &self,
        key: &Key,
        password: Option<&str>,
        purity: Option<Purity>,
    ) -> Result<Connection> {
        let mut o = self.inner.connect.clone();
        if let Some(p) = password {
            o.user = key.user.clone();
            o.password = p.to_string();
        }
        o.connection_class = key.class.clone();
        (o.sharding_key, o.super_sharding_key) = match &key.shard.0 {
            Some(k) => (k.key.clone(), k.super_key.clone()),
            None => (Vec::new(), Vec::new()),
        };
        if let Some(p) = purity {
            o.purity = p;
        }
        Connection::connect(o).await
    }

    /// Makes a session available: handed straight to the first waiter it
    /// suits (FIFO), else idle. A session no waiter takes still wakes the
    /// first one, which may close it to make room for what it needs.
    fn put_idle(&self, conn: Connection, tag: Tag, key: Key, created: Instant) {
        let mut s = Idle {
            conn,
            tag,
            key,
            created,
            last_used: Instant::now(),
        };
        let mut st = self.lock();
        let mut i = 0;
        while i < st.queue.len() {
            let w = &mut st.queue[i];
            if w.tx.is_none() || !w.accepts(&s) {
                i += 1;
                continue;
            }
            let tx = w.tx.take().expect("checked");
            let id = w.id;
            st.queue.remove(i);
            st.busy += 1;
            st.stats.hits += 1;
            match tx {
                Deliver::Parked => {
                    let out = Self::hand_out_in(&mut st, s, false);
                    self.park_outcome(&mut st, id, ParkedOutcome::Session(out));
                    return;
                }
                Deliver::Task(tx) => match tx.send(Wake::Session(s)) {
                    Ok(()) => return,
                    // That waiter is gone (its future dropped); try the next.
                    Err(Wake::Session(back)) => {
                        st.busy -= 1;
                        st.stats.hits -= 1;
                        s = back;
                    }
                    Err(Wake::Retry) => unreachable!("sent a session"),
                },
            }
        }
        st.idle.push(s);
        self.retry_head(&mut st);
    }

    /// Records what a parked waiter got, and signals `parked_ready` unless
    /// the caller collects it itself.
    fn park_outcome(&self, st: &mut State, id: u64, out: ParkedOutcome) {
        st.parked_out.push((id, out));
        if !COLLECTS_ITSELF.with(|c| c.get()) {
            self.inner.parked.notify_one();
        }
    }

    /// Wakes the first sleeping waiter to decide again (room was freed).
    fn retry_head(&self, st: &mut State) {
        for i in 0..st.queue.len() {
            // Room is of no use to a waiter whose shard is at its limit.
            if st.shard_full(&st.queue[i].key) {
                continue;
            }
            let w = &mut st.queue[i];
            let id = w.id;
            let woken = match w.tx.take() {
                Some(Deliver::Task(tx)) => tx.send(Wake::Retry).is_ok(),
                Some(Deliver::Parked) => {
                    self.park_outcome(st, id, ParkedOutcome::Retry);
                    true
                }
                None => false,
            };
            if woken {
                return;
            }
        }
    }

    /// Wakes every sleeping waiter (pool closed or reconfigured).
    fn retry_all(&self, st: &mut State) {
        for i in 0..st.queue.len() {
            let w = &mut st.queue[i];
            let id = w.id;
            match w.tx.take() {
                Some(Deliver::Task(tx)) => {
                    let _ = tx.send(Wake::Retry);
                }
                Some(Deliver::Parked) => self.park_outcome(st, id, ParkedOutcome::Retry),
                None => {}
            }
        }
    }

    /// Opens sessions in the background until `min` are open again (after
    /// sessions were discarded: dead, too old, dropped).
    fn replenish(&self) {
        let grow = {
            let st = self.lock();
            if st.closed {
                0
            } else {
                st.limits.min.saturating_sub(st.open)
            }
        };
        self.spawn_open(grow);
    }

    /// Opens `n` more default sessions in the background (counted as open
    /// at once, so the pool never overshoots its maximum).
    fn spawn_open(&self, n: u32) {
        if n == 0 {
            return;
        }
        let key = self.default_key();
        let n = {
            let mut st = self.lock();
            // The pool's own shard may be at maxSessionsPerShard.
            let n = n.min(st.shard_room(&key));
            st.open += n;
            for _ in 0..n {
                st.shard_opened(&key);
            }
            n
        };
        for _ in 0..n {
            let pool = self.clone();
            let key = key.clone();
            self.rt().spawn(async move {
                match pool.open_session(&key, None, None).await {
                    Ok(c) => pool.put_idle(c, Tag::default(), key, Instant::now()),
                    Err(e) => {
                        tracing::warn!("pool could not open a session: {e}");
                        let mut st = pool.lock();
                        st.open -= 1;
                        st.shard_closed(&key);
                        pool.retry_head(&mut st);
                    }
                }
            });
        }
    }

    /// Index of the idle session to hand out for `want` among those of `key`.
    fn pick(idle: &[Idle], key: &Key, want: &Tag, match_any: bool) -> Option<usize> {
        let newest = |f: &dyn Fn(&Idle) -> bool| {
            idle.iter()
                .enumerate()
                .filter(|(_, s)| &s.key == key && f(s))
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

    /// Hands out a session for `req`, waiting as the get mode says.
    /// Dropping the future (cancelling) gives back whatever it reserved.
    pub async fn acquire(&self, req: &AcquireRequest) -> Result<PooledSession> {
        self.acquire_from(req, None, None).await
    }

    /// `acquire` for a parked waiter told to retry: it keeps its place in
    /// the queue, and a timed wait ends `left` from now (what remains of it).
    pub async fn acquire_queued(
        &self,
        req: &AcquireRequest,
        id: u64,
        left: Option<Duration>,
    ) -> Result<PooledSession> {
        self.acquire_from(req, Some(id), left).await
    }

    async fn acquire_from(
        &self,
        req: &AcquireRequest,
        queued_id: Option<u64>,
        left: Option<Duration>,
    ) -> Result<PooledSession> {
        let want = Tag::parse(&req.tag)?;
        let key = self.key_for(req)?;
        let fresh = req.purity == Some(Purity::New);
        let deadline = {
            let st = self.lock();
            (st.limits.get_mode == GetMode::TimedWait).then(|| {
                (
                    tokio::time::Instant::now() + left.unwrap_or(st.limits.wait_timeout),
                    st.limits.wait_timeout,
                )
            })
        };
        let mut queued: Option<Queued> = queued_id.map(|id| Queued {
            pool: self,
            id,
            rx: None,
        });
        loop {
            // Decide under the lock; act (await) after releasing it.
            let my_id = queued.as_ref().map(|q| q.id);
            let next = match self.decide(&want, &key, req.match_any_tag, fresh, my_id) {
                Ok(n) => n,
                Err(e) => return Err(e),
            };
            let s = match next {
                Next::Idle(s) => s,
                Next::Open { forced } => {
                    let mut slot = Slot {
                        pool: self,
                        kind: SlotKind::Opening { forced },
                        key: &key,
                    };
                    let conn = self
                        .open_session(&key, req.password.as_deref(), req.purity)
                        .await?;
                    slot.kind = SlotKind::Done;
                    drop(slot);
                    return Ok(self.hand_out(
                        conn,
                        String::new(),
                        true,
                        key,
                        Instant::now(),
                        forced,
                    ));
                }
                Next::Wait(rx, id) => {
                    let q = match queued.as_mut() {
                        Some(q) => q,
                        None => queued.insert(Queued {
                            pool: self,
                            id,
                            rx: None,
                        }),
                    };
                    // A resumed waiter whose entry was gone was queued anew.
                    q.id = id;
                    let rx = q.rx.insert(rx);
                    let woke = match deadline {
                        Some((d, _)) => tokio::time::timeout_at(d, rx).await.ok(),
                        None => Some(rx.await),
                    };
                    let delivered = match woke {
                        Some(Ok(Wake::Session(s))) => Some(s),
                        // Room freed, pool closed or reconfigured: decide
                        // again, keeping the place in the queue.
                        Some(Ok(Wake::Retry)) | Some(Err(_)) => None,
                        None => {
                            // Timed out; a session delivered at the deadline still counts.
                            if q.leave() {
                                self.lock().stats.timeouts += 1;
                                let ms = deadline.map_or(0, |(_, t)| t.as_millis());
                                return Err(pool_error(
                                    codes::POOL_WAIT_TIMEOUT,
                                    format!("timed out after {ms} ms waiting for a pooled session"),
                                ));
                            }
                            q.take_delivered()
                        }
                    };
                    let Some(s) = delivered else { continue };
                    // Out of the queue with a session: nothing left to undo.
                    q.rx = None;
                    queued = None;
                    s
                }
            };
            if let Some(s) = self.check(s).await {
                return Ok(self.hand_out_idle(s));
            }
        }
    }

    /// The synchronous fast path of `acquire`: an idle session that needs no
    /// ping, handed out without a trip through the runtime. `None` when the
    /// request must wait, open a session or ping one (call `acquire`).
    /// Never blocks: one short lock and a non-blocking socket probe.
    pub fn try_acquire(&self, req: &AcquireRequest) -> Result<Option<PooledSession>> {
        let want = Tag::parse(&req.tag)?;
        let key = self.key_for(req)?;
        self.try_idle(req, &want, &key)
    }

    /// `try_acquire` with the request's tag and key already worked out.
    fn try_idle(
        &self,
        req: &AcquireRequest,
        want: &Tag,
        key: &Key,
    ) -> Result<Option<PooledSession>> {
        if req.purity == Some(Purity::New) {
            return Ok(None);
        }
        loop {
            let s = {
                let mut st = self.lock();
                if st.closed {
                    return Err(pool_error(codes::POOL_CLOSED, "the pool is closed"));
                }
                Self::trim(&mut st, self.rt());
                let Some(i) = Self::pick(&st.idle, key, want, req.match_any_tag) else {
                    return Ok(None);
                };
                let stale = st
                    .limits
                    .ping_interval
                    .is_some_and(|p| st.idle[i].last_used.elapsed() >= p);
                if stale {
                    return Ok(None);
                }
                st.busy += 1;
                st.stats.hits += 1;
                st.idle.swap_remove(i)
            };
            if !s.conn.is_dead() && s.conn.probe_alive() {
                return Ok(Some(self.hand_out_idle(s)));
            }
            {
                let mut st = self.lock();
                st.open -= 1;
                st.busy -= 1;
                st.shard_closed(&s.key);
            }
            self.rt().spawn(async move { s.conn.close().await });
        }
    }

    /// `try_acquire`, and when the request would wait for a session (the
    /// pool is full and the get mode waits), it is queued as a parked waiter
    /// instead: what it gets is collected with `take_parked`, signalled by
    /// `parked_ready` when it happens off the caller's thread.
    pub fn try_acquire_or_park(&self, req: &AcquireRequest) -> Result<TryAcquire> {
        let want = Tag::parse(&req.tag)?;
        let key = self.key_for(req)?;
        if let Some(s) = self.try_idle(req, &want, &key)? {
            return Ok(TryAcquire::Session(s));
        }
        let mut st = self.lock();
        let waits = matches!(st.limits.get_mode, GetMode::Wait | GetMode::TimedWait);
        // Room to open one, an idle session to close for room (or to ping),
        // or a mode that does not wait: `acquire` decides.
        if st.closed || !waits || st.open < st.limits.max || !st.idle.is_empty() {
            return Ok(TryAcquire::Async);
        }
        let fresh = req.purity == Some(Purity::New);
        let id = Self::enqueue(
            &mut st,
            key,
            want,
            req.match_any_tag,
            fresh,
            Deliver::Parked,
        )?;
        Ok(TryAcquire::Parked(id))
    }

    /// Puts a new waiter at the end of the queue (bounded by `queue_max`).
    fn enqueue(
        st: &mut State,
        key: Key,
        want: Tag,
        match_any: bool,
        fresh: bool,
        tx: Deliver,
    ) -> Result<u64> {
        if st.limits.queue_max > 0 && st.queue.len() >= st.limits.queue_max {
            return Err(pool_error(
                codes::POOL_QUEUE_FULL,
                format!("the pool's wait queue is full ({} waiting)", st.queue.len()),
            ));
        }
        st.next_id += 1;
        let id = st.next_id;
        st.queue.push_back(Waiter {
            id,
            key,
            want,
            match_any,
            fresh,
            tx: Some(tx),
        });
        Ok(id)
    }

    /// What parked waiters got since the last call.
    pub fn take_parked(&self) -> Vec<(u64, ParkedOutcome)> {
        std::mem::take(&mut self.lock().parked_out)
    }

    /// Resolves once a parked waiter may have got something off the
    /// caller's thread (or `wake_parked` was called).
    pub async fn parked_ready(&self) {
        self.inner.parked.notified().await
    }

    /// Ends a pending `parked_ready`.
    pub fn wake_parked(&self) {
        self.inner.parked.notify_one();
    }

    /// A parked waiter gives up (its wait timed out, or it was aborted). A
    /// session it got meanwhile is returned (the caller uses it: it came in
    /// time); otherwise it leaves the queue, and a timeout is an error.
    pub fn leave_parked(&self, id: u64, timed_out: bool) -> Result<Option<PooledSession>> {
        let mut st = self.lock();
        st.queue.retain(|w| w.id != id);
        let got = st.parked_out.iter().position(|(i, _)| *i == id);
        match got.map(|p| st.parked_out.remove(p).1) {
            Some(ParkedOutcome::Session(s)) => return Ok(Some(s)),
            // The room it was told of goes to the next waiter.
            Some(ParkedOutcome::Retry) => self.retry_head(&mut st),
            None => {}
        }
        if !timed_out {
            return Ok(None);
        }
        st.stats.timeouts += 1;
        Err(pool_error(
            codes::POOL_WAIT_TIMEOUT,
            format!(
                "timed out after {} ms waiting for a pooled session",
                st.limits.wait_timeout.as_millis()
            ),
        ))
    }

    /// The synchronous fast path of `release`: a healthy session with no open
    /// transaction goes back to the idle list at once. Otherwise (rollback or
    /// close needed) the session is given back to the caller for `release`.
    pub fn try_release(
        &self,
        s: PooledSession,
        tag: Option<&str>,
        drop: bool,
    ) -> Option<PooledSession> {
        let Ok(new_tag) = (match tag {
            Some(t) => Tag::parse(t),
            None => Tag::parse(&s.tag),
        }) else {
            return Some(s);
        };
        // DRCP sessions go back to the server's pool too: that needs a write.
        if drop || s.forced || s.conn.is_dead() || s.conn.in_transaction() || s.conn.info().drcp {
            return Some(s);
        }
        // The next user must not find this one's LOBs (as in `release`); a
        // session busy with a read-ahead takes the slow path for that.
        if !s.conn.try_lob_free_all() {
            return Some(s);
        }
        {
            let mut st = self.lock();
            let expired = st
                .limits
                .max_lifetime
                .is_some_and(|l| s.created.elapsed() >= l);
            if expired || st.closed || st.open > st.limits.max {
                return Some(s);
            }
            st.busy -= 1;
            st.busy_conns.remove(&s.id);
        }
        self.inner.returned.notify_waiters();
        // The caller collects parked outcomes right after (`take_parked`).
        struct Collecting;
        impl Drop for Collecting {
            fn drop(&mut self) {
                COLLECTS_ITSELF.with(|c| c.set(false));
            }
        }
        COLLECTS_ITSELF.with(|c| c.set(true));
        let _collecting = Collecting;
        self.put_idle(s.conn, new_tag, s.key, s.created);
        None
    }

    /// Whether parked waiters have outcomes to collect.
    pub fn has_parked_outcomes(&self) -> bool {
        !self.lock().parked_out.is_empty()
    }

    fn key_for(&self, req: &AcquireRequest) -> Result<Key> {
        let class = req
            .connection_class
            .clone()
            .or_else(|| self.inner.connect.connection_class.clone());
        let shard = match (&req.sharding_key, &req.super_sharding_key) {
            (None, None) => self.inner.shard.clone(),
            (k, s) => Shard::new(k.clone().unwrap_or_default(), s.clone().unwrap_or_default())?,
        };
        match (&req.user, &req.password) {
            (None, None) => Ok(Key {
                class,
                shard,
                ..self.default_key()
            }),
            _ if self.inner.homogeneous => Err(pool_error(
                codes::INVALID_ACQUIRE_CREDENTIALS,
                "user and password can only be given to acquire() on a heterogeneous pool \
                 (created with homogeneous: false)",
            )),
            (Some(u), Some(p)) if !u.is_empty() => {
                use std::hash::BuildHasher;
                Ok(Key {
                    user: u.to_uppercase(),
                    class,
                    cred: self.inner.hasher.hash_one((u.to_uppercase(), p)) | 1,
                    shard,
                })
            }
            _ => Err(pool_error(
                codes::INVALID_ACQUIRE_CREDENTIALS,
                "acquire() needs both user and password on a heterogeneous pool",
            )),
        }
    }

    /// An idle session (already counted busy) handed out again.
    fn hand_out_idle(&self, s: Idle) -> PooledSession {
        Self::hand_out_in(&mut self.lock(), s, false)
    }

    fn hand_out(
        &self,
        conn: Connection,
        tag: String,
        is_new: bool,
        key: Key,
        created: Instant,
        forced: bool,
    ) -> PooledSession {
        let s = Idle {
            conn,
            tag: Tag::default(),
            key,
            created,
            last_used: Instant::now(),
        };
        let mut out = Self::hand_out_in(&mut self.lock(), s, forced);
        out.tag = tag;
        out.is_new = is_new;
        out
    }

    /// Registers a session (already counted busy) as handed out.
    fn hand_out_in(st: &mut State, s: Idle, forced: bool) -> PooledSession {
        st.next_id += 1;
        let id = st.next_id;
        st.busy_conns.insert(id, s.conn.clone());
        PooledSession {
            conn: s.conn,
            tag: s.tag.to_string(),
            is_new: false,
            id,
            key: s.key,
            created: s.created,
            forced,
        }
    }

    /// What to do for a request; `queued` is the caller's wait-queue entry
    /// when it is already waiting (it leaves the queue unless it must wait on).
    fn decide(
        &self,
        want: &Tag,
        key: &Key,
        match_any: bool,
        fresh: bool,
        queued: Option<u64>,
    ) -> Result<Next> {
        let mut st = self.lock();
        let leave = |st: &mut State| {
            if let Some(id) = queued {
                st.queue.retain(|w| w.id != id);
            }
        };
        if st.closed {
            leave(&mut st);
            return Err(pool_error(codes::POOL_CLOSED, "the pool is closed"));
        }
        Self::trim(&mut st, self.rt());
        if !fresh {
            if let Some(i) = Self::pick(&st.idle, key, want, match_any) {
                leave(&mut st);
                st.busy += 1;
                st.stats.hits += 1;
                return Ok(Next::Idle(st.idle.swap_remove(i)));
            }
        }
        let limits = st.limits.clone();
        // A shard at maxSessionsPerShard waits (or fails) as a full pool does.
        let mut shard_full = st.shard_full(key);
        if shard_full {
            // An idle session of that shard that cannot serve this request (another tag,
            // user or class, or purity NEW) makes room for one that can.
            if let Some(i) = st.idle.iter().position(|s| s.key.shard == key.shard) {
                let s = st.idle.swap_remove(i);
                st.open -= 1;
                st.shard_closed(&s.key);
                self.rt().spawn(async move { s.conn.close().await });
                shard_full = false;
            }
        }
        if !shard_full && st.open >= limits.max && !st.idle.is_empty() {
            // Full, but an idle session of another user/class (or a stale
            // one, for purity NEW) can make room for the one asked for.
            let i = st
                .idle
                .iter()
                .enumerate()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(i, _)| i)
                .unwrap_or(0);
            let s = st.idle.swap_remove(i);
            st.open -= 1;
            st.shard_closed(&s.key);
            self.rt().spawn(async move { s.conn.close().await });
        }
        if !shard_full && st.open < limits.max {
            leave(&mut st);
            st.open += 1;
            st.shard_opened(key);
            st.busy += 1;
            st.stats.misses += 1;
            // Grow by the increment: the extra sessions open in the background.
            if *key == self.default_key() {
                let extra = limits.increment.saturating_sub(1).min(limits.max - st.open);
                drop(st);
                self.spawn_open(extra);
            }
            return Ok(Next::Open { forced: false });
        }
        if limits.get_mode != GetMode::Wait && limits.get_mode != GetMode::TimedWait {
            leave(&mut st);
        }
        match limits.get_mode {
            GetMode::NoWait if shard_full => Err(pool_error(
                codes::POOL_EXHAUSTED,
                format!(
                    "the pool is exhausted for this sharding key: all {} of its sessions \
                     (maxSessionsPerShard) are in use",
                    limits.max_per_shard
                ),
            )),
            GetMode::NoWait => Err(pool_error(
                codes::POOL_EXHAUSTED,
                format!(
                    "the pool is exhausted: all {} sessions are in use",
                    limits.max
                ),
            )),
            GetMode::ForceGet => {
                st.forced += 1;
                st.busy += 1;
                st.stats.misses += 1;
                Ok(Next::Open { forced: true })
            }
            GetMode::Wait | GetMode::TimedWait => {
                let (tx, rx) = oneshot::channel();
                if let Some(w) = queued.and_then(|id| st.queue.iter_mut().find(|w| w.id == id)) {
                    w.tx = Some(Deliver::Task(tx));
                    return Ok(Next::Wait(rx, w.id));
                }
                let id = Self::enqueue(
                    &mut st,
                    key.clone(),
                    want.clone(),
                    match_any,
                    fresh,
                    Deliver::Task(tx),
                )?;
                Ok(Next::Wait(rx, id))
            }
        }
    }

    /// A dead session (its socket closed, e.g. by a server restart) or, after
    /// the ping interval, an unresponsive one is dropped.
    async fn check(&self, s: Idle) -> Option<Idle> {
        let ping_interval = self.lock().limits.ping_interval;
        let stale = ping_interval.is_some_and(|p| s.last_used.elapsed() >= p);
        let alive = !s.conn.is_dead() && s.conn.probe_alive();
        if alive && (!stale || s.conn.ping().await.is_ok()) {
            return Some(s);
        }
        {
            let mut st = self.lock();
            st.open -= 1;
            st.busy -= 1;
            st.shard_closed(&s.key);
        }
        self.rt().spawn(async move { s.conn.close().await });
        self.replenish();
        None
    }

    /// Closes idle sessions past the idle timeout, keeping `min` open.
    fn trim(st: &mut State, rt: &tokio::runtime::Handle) {
        let Some(limit) = st.limits.idle_timeout else {
            return;
        };
        while st.open > st.limits.min {
            let Some(i) = st.idle.iter().position(|s| s.last_used.elapsed() >= limit) else {
                break;
            };
            let s = st.idle.swap_remove(i);
            st.open -= 1;
            st.shard_closed(&s.key);
            rt.spawn(async move { s.conn.close().await });
        }
    }

    /// Returns a session: retagged when `tag` is given, closed when `drop` is
    /// set or it is forced, dead or past its lifetime.
    pub async fn release(&self, s: PooledSession, tag: Option<&str>, drop: bool) -> Result<()> {
        let new_tag = match tag {
            Some(t) => Tag::parse(t),
            None => Tag::parse(&s.tag),
        };
        let (expired, closed, over) = {
            let st = self.lock();
            (
                st.limits
                    .max_lifetime
                    .is_some_and(|l| s.created.elapsed() >= l),
                st.closed,
                st.open > st.limits.max,
            )
        };
        let discard =
            drop || s.forced || expired || closed || over || s.conn.is_dead() || new_tag.is_err();
        if !discard {
            // The next user of the session must not find this one's LOBs.
            s.conn.lob_free_all().await;
        }
        if !discard && s.conn.in_transaction() {
            // Uncommitted work never travels to the next user of the session.
            if let Err(e) = s.conn.rollback().await {
                tracing::debug!("rollback on release failed: {e}");
            }
        }
        if !discard && s.conn.info().drcp {
            // The server's pooled session is free for others until the next
            // call on this connection attaches one again.
            if let Err(e) = s.conn.drcp_release().await {
                tracing::debug!("DRCP release failed: {e}");
            }
        }
        let discard = discard || s.conn.is_dead();
        {
            let mut st = self.lock();
            st.busy -= 1;
            st.busy_conns.remove(&s.id);
            if s.forced {
                st.forced -= 1;
            } else if discard {
                st.open -= 1;
                st.shard_closed(&s.key);
            }
        }
        self.inner.returned.notify_waiters();
        if discard {
            let _ = s.conn.close().await;
            self.retry_head(&mut self.lock());
            self.replenish();
            // A bad tag still returns the session (dropped) before failing.
            return new_tag.map(|_| ());
        }
        self.put_idle(s.conn, new_tag?, s.key, s.created);
        Ok(())
    }

    /// Changes sizes and timeouts. Growing to a larger `min` opens sessions in
    /// the background; shrinking closes idle ones now and busy ones as they
    /// come back.
    pub fn reconfigure(&self, limits: PoolLimits) -> Result<()> {
        limits.check()?;
        let (grow, surplus) = {
            let mut st = self.lock();
            if st.closed {
                return Err(pool_error(codes::POOL_CLOSED, "the pool is closed"));
            }
            st.limits = limits;
            let grow = st.limits.min.saturating_sub(st.open);
            let mut surplus = Vec::new();
            while st.open > st.limits.max && !st.idle.is_empty() {
                let s = st.idle.pop().expect("not empty");
                st.open -= 1;
                st.shard_closed(&s.key);
                surplus.push(s);
            }
            (grow, surplus)
        };
        for s in surplus {
            self.rt().spawn(async move { s.conn.close().await });
        }
        self.spawn_open(grow);
        // Waiters may now fit (a larger max) or must re-check their mode.
        self.retry_all(&mut self.lock());
        Ok(())
    }

    /// Closes the pool. Without `force` it fails while sessions are in use.
    /// With `drain`, new acquires fail at once and busy sessions get that
    /// long to come back; then (or at once, with `force` and no drain)
    /// their calls are broken and every session closes.
    pub async fn close(&self, force: bool, drain: Option<Duration>) -> Result<()> {
        {
            let mut st = self.lock();
            if st.busy > 0 && !force && drain.is_none() {
                return Err(pool_error(
                    codes::POOL_IN_USE,
                    format!("the pool has {} sessions in use (ORA-24422)", st.busy),
                ));
            }
            st.closed = true;
            // Waiters fail with "closed" now.
            self.retry_all(&mut st);
        }
        if let Some(d) = drain {
            // No deadline when it lies beyond what an Instant can hold (Duration::MAX).
            let deadline = tokio::time::Instant::now().checked_add(d);
            loop {
                let returned = self.inner.returned.notified();
                if self.lock().busy == 0 {
                    break;
                }
                match deadline {
                    Some(at) => {
                        if tokio::time::timeout_at(at, returned).await.is_err() {
                            break;
                        }
                    }
                    None => returned.await,
                }
            }
        }
        let (idle, busy) = {
            let mut st = self.lock();
            st.open -= st.idle.len() as u32;
            for i in 0..st.idle.len() {
                let key = st.idle[i].key.clone();
                st.shard_closed(&key);
            }
            let busy: Vec<Connection> = st.busy_conns.values().cloned().collect();
            (std::mem::take(&mut st.idle), busy)
        };
        for c in &busy {
            c.break_execution();
        }
        for s in idle {
            let _ = s.conn.close().await;
        }
        for c in busy {
            // The call in flight ends with ORA-01013; the session then closes
            // and its holder's later calls fail with "closed".
            let _ = c.close().await;
        }
        Ok(())
    }

    pub fn stats(&self) -> PoolStats {
        let st = self.lock();
        PoolStats {
            open: st.open,
            busy: st.busy,
            idle: st.idle.len() as u32,
            waiting: st.queue.len() as u32,
            forced: st.forced,
            ..st.stats.clone()
        }
    }

    /// The current sizes and timeouts.
    pub fn limits(&self) -> PoolLimits {
        self.lock().limits.clone()
    }
}
