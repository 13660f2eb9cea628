//! Thick-mode pools: OCI's own session pool (ODPI-C `dpiPool`, through the `oracle` crate).
//! OCI does the sizing, waiting, idle timeout, lifetime, pings and tag matching; this module
//! keeps what the TS layer needs beside it: the busy sessions by id (for release and forced
//! close), the counters OCI does not keep, and typed errors for every misuse.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use oracle::conn::Purity;
use oracle::pool::{CloseMode, GetMode, Pool, PoolBuilder, PoolOptions, PoolType};

use oradb_protocol::value::Value;

use crate::conn::ThickConnection;
use crate::error::{codes, Error, Result};
use crate::shard;
use crate::shard_pool::{make_room, shard_full, shard_max, Shards};

/// Sizes and timeouts, as `PoolLimits` of `src/pool.ts` carries them.
#[derive(Debug, Clone, Default)]
pub struct ThickPoolLimits {
    pub min: u32,
    pub max: u32,
    pub increment: u32,
    /// "wait" | "nowait" | "forceget" | "timedwait"
    pub get_mode: String,
    pub wait_timeout_ms: u32,
    /// Acquires allowed to wait for a busy pool; 0: unlimited.
    pub queue_max: u32,
    pub idle_timeout_s: u32,
    pub max_lifetime_s: u32,
    /// Negative: never ping.
    pub ping_interval_s: i32,
    /// Most sessions of one sharding key (its own OCI pool); 0: `max`.
    pub max_per_shard: u32,
}

/// What `createPool()` needs in thick mode.
#[derive(Debug, Clone, Default)]
pub struct ThickPoolOptions {
    pub user: String,
    pub password: String,
    pub connect_string: String,
    pub limits: ThickPoolLimits,
    pub homogeneous: bool,
    pub stmt_cache_size: Option<u32>,
    pub call_timeout_ms: Option<u32>,
    pub driver_name: Option<String>,
    /// DRCP defaults of every acquire.
    pub connection_class: Option<String>,
    /// 0 default, 1 new, 2 self.
    pub purity: u32,
    /// PL/SQL procedure OCI calls itself when a session's tag differs from the requested one.
    pub plsql_fixup: Option<String>,
    /// The pool's sharding keys (empty: none): every session of the pool is on their shard.
    pub sharding_key: Vec<Value>,
    pub super_sharding_key: Vec<Value>,
}

/// One `acquire()`.
#[derive(Debug, Clone, Default)]
pub struct ThickAcquire {
    pub tag: String,
    pub match_any_tag: bool,
    pub user: Option<String>,
    pub password: Option<String>,
    pub connection_class: Option<String>,
    /// 0 the pool's, 1 new, 2 self.
    pub purity: u32,
    /// This session's keys; both empty: the pool's.
    pub sharding_key: Vec<Value>,
    pub super_sharding_key: Vec<Value>,
}

/// Counters for `getStatistics()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThickPoolStats {
    pub open: u32,
    pub busy: u32,
    pub idle: u32,
    /// Acquires in flight (waiting for a session or opening one).
    pub waiting: u32,
    /// Sessions beyond `max` ("forceget").
    pub forced: u32,
    pub hits: u64,
    pub misses: u64,
    pub timeouts: u64,
}

/// A session handed out, with what OCI said about it.
pub struct Acquired {
    pub id: u32,
    pub conn: Arc<ThickConnection>,
    /// The session's tag as the callback rules compare it.
    pub tag: String,
    pub is_new: bool,
}

#[derive(Default)]
struct Busy {
    next_id: u32,
    conns: HashMap<u32, Arc<ThickConnection>>,
    /// Abortable acquires (by request id) not yet given a session (see `ThickPool::enter`).
    getting: HashSet<u32>,
    /// Those of them whose acquire was aborted: OCI cannot stop a get, so the session it
    /// gives them is dropped.
    cancelled: HashSet<u32>,
}

pub struct ThickPool {
    /// `None` once closed. Cloned out for each call (the clone shares the `dpiPool`), so no
    /// lock is held while OCI blocks.
    pool: Mutex<Option<Pool>>,
    /// One OCI pool per sharding key given to `acquire` (its connect descriptor carries it).
    shards: Shards,
    /// The server version of the pool's own sessions, once one was acquired.
    version: OnceLock<String>,
    busy: Mutex<Busy>,
    /// Set first by `close`: new acquires fail, acquires in flight drop what they get.
    closing: AtomicBool,
    in_flight: AtomicU32,
    hits: AtomicU64,
    misses: AtomicU64,
    timeouts: AtomicU64,
    limits: Mutex<ThickPoolLimits>,
    opts: ThickPoolOptions,
}

fn pool_closed() -> Error {
    Error::odb(codes::POOL_CLOSED, "Pool is closed")
}

pub(crate) fn get_mode(l: &ThickPoolLimits) -> Result<GetMode> {
    Ok(match l.get_mode.as_str() {
        "wait" => GetMode::Wait,
        "nowait" => GetMode::NoWait,
        "forceget" => GetMode::ForceGet,
        "timedwait" => GetMode::TimedWait(Duration::from_millis(u64::from(l.wait_timeout_ms))),
        other => {
            return Err(Error::odb(
                codes::INVALID_OPTION,
                format!(
                "Option \"getMode\" must be wait, nowait, forceget or timedwait, not \"{other}\""
            ),
            ))
        }
    })
}

fn check_limits(l: &ThickPoolLimits) -> Result<()> {
    if l.max == 0 || l.min > l.max {
        return Err(Error::odb(
            codes::INVALID_POOL_LIMITS,
            format!(
                "poolMin ({}) must not exceed poolMax ({}), which must be at least 1",
                l.min, l.max
            ),
        ));
    }
    get_mode(l).map(|_| ())
}

/// Checks a `k=v;k=v` tag as thin mode does (OCI would take anything and never match it).
fn check_tag(tag: &str) -> Result<()> {
    for part in tag.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, _)) if !k.trim().is_empty() => {}
            _ => {
                return Err(Error::odb(
                    codes::INVALID_TAG,
                    format!("tag \"{tag}\" is malformed: \"{part}\" is not key=value"),
                ))
            }
        }
    }
    Ok(())
}

pub(crate) fn purity(n: u32) -> Option<Purity> {
    match n {
        1 => Some(Purity::New),
        2 => Some(Purity::Self_),
        _ => None,
    }
}

/// OCI's "no free session" errors as thin mode's codes, by get mode, so the modes read
/// alike; the ORA- text stays. Instant Client 19 says ORA-24496 for both modes; older ones
/// ORA-24418 (nowait) and ORA-24457 (timedwait).
fn pool_error(e: Error, mode: &str) -> Error {
    if !matches!(e.code.as_str(), "ORA-24418" | "ORA-24457" | "ORA-24496") {
        return e;
    }
    let code = match mode {
        "nowait" => codes::POOL_EXHAUSTED,
        "timedwait" => codes::POOL_WAIT_TIMEOUT,
        _ => return e,
    };
    Error::odb(code, &e.message)
}

impl ThickPool {
    /// Creates OCI's session pool and opens its `min` sessions.
    pub fn create(o: ThickPoolOptions) -> Result<ThickPool> {
        let l = &o.limits;
        check_limits(l)?;
        let connect = shard::keyed(&o.connect_string, &o.sharding_key, &o.super_sharding_key)?;
        let pool = build(&o, &connect, l.min, l.max)?;
        Ok(ThickPool {
            pool: Mutex::new(Some(pool)),
            shards: Shards::default(),
            version: OnceLock::new(),
            busy: Mutex::new(Busy::default()),
            closing: AtomicBool::new(false),
            in_flight: AtomicU32::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            timeouts: AtomicU64::new(0),
            limits: Mutex::new(o.limits.clone()),
            opts: o,
        })
    }

    fn pool(&self) -> Result<Pool> {
        if self.closing.load(Ordering::Acquire) {
            return Err(pool_closed());
        }
        let g = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        g.clone().ok_or_else(pool_closed)
    }

    /// The OCI pool an acquire gets its session from: the pool's own, or the one of its keys
    /// (made on first use, opening no session), with the key's descriptor (`None`: own).
    fn pool_for(&self, r: &ThickAcquire) -> Result<(Pool, Option<String>)> {
        let pool = self.pool()?;
        if r.sharding_key.is_empty() && r.super_sharding_key.is_empty() {
            return Ok((pool, None));
        }
        let o = &self.opts;
        let connect = shard::keyed(&o.connect_string, &r.sharding_key, &r.super_sharding_key)?;
        let keyed = self.shards.get_or_make(&connect, || {
            let l = self.limits();
            build(o, &connect, 0, shard_max(&l))
        })?;
        Ok((keyed, Some(connect)))
    }

    fn busy(&self) -> std::sync::MutexGuard<'_, Busy> {
        self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn limits(&self) -> ThickPoolLimits {
        self.limits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn options_for(&self, r: &ThickAcquire) -> Result<PoolOptions> {
        check_tag(&r.tag)?;
        let mut o = PoolOptions::new()
            .tag(&r.tag)
            .match_any_tag(r.match_any_tag);
        match (&r.user, &r.password) {
            (None, None) => {}
            _ if self.opts.homogeneous => {
                return Err(Error::odb(
                    codes::INVALID_ACQUIRE_CREDENTIALS,
                    "user and password can only be given to acquire() on a heterogeneous pool \
                     (created with homogeneous: false)",
                ))
            }
            (Some(u), Some(p)) if !u.is_empty() => o = o.username(u).password(p),
            _ => {
                return Err(Error::odb(
                    codes::INVALID_ACQUIRE_CREDENTIALS,
                    "acquire() needs both user and password on a heterogeneous pool",
                ))
            }
        }
        if let Some(cc) = r
            .connection_class
            .as_ref()
            .or(self.opts.connection_class.as_ref())
        {
            o = o.connection_class(cc);
        }
        if let Some(p) = purity(r.purity).or(purity(self.opts.purity)) {
            o = o.purity(p);
        }
        Ok(o)
    }

    /// Counts an acquire as waiting from now until its `Waiter` drops, or refuses it at once
    /// (closed pool, bad options, `queueMax` reached); does not block. `request` (non-zero)
    /// lets `cancel` abort it.
    pub fn enter(self: &Arc<Self>, r: &ThickAcquire, request: u32) -> Result<Waiter> {
        let pool = self.pool()?;
        self.options_for(r)?;
        let l = self.limits();
        let before = self.in_flight.fetch_add(1, Ordering::AcqRel);
        if request != 0 {
            self.busy().getting.insert(request);
        }
        let w = Waiter {
            pool: self.clone(),
            request,
        };
        let waits = matches!(l.get_mode.as_str(), "wait" | "timedwait");
        if waits && l.queue_max > 0 && before >= l.queue_max && pool.busy_count()? >= l.max {
            return Err(Error::odb(
                codes::POOL_QUEUE_FULL,
                format!(
                    "{before} acquires already wait for a session (queueMax {})",
                    l.queue_max
                ),
            ));
        }
        Ok(w)
    }

    /// Gets a session from OCI (blocking as the get mode says) for an acquire that `enter`
    /// let in. If `cancel` aborted it meanwhile, the session OCI gives is released (OCI cannot
    /// be interrupted).
    pub fn acquire(&self, r: &ThickAcquire, w: &Waiter) -> Result<Acquired> {
        let request = w.request;
        let (pool, key) = self.pool_for(r)?;
        let opts = self.options_for(r)?;
        let l = self.limits();
        if !self.shards.is_empty() {
            let mut others = self.shards.others(key.as_deref());
            if key.is_some() {
                others.push(self.pool()?);
            }
            make_room(&pool, &others, &l)?;
        }
        let keyed = !(r.sharding_key.is_empty() && r.super_sharding_key.is_empty());
        let conn = pool.get_with_options(&opts).map_err(|e| {
            let e = pool_error(e.into(), &l.get_mode);
            if e.code == codes::POOL_WAIT_TIMEOUT {
                self.timeouts.fetch_add(1, Ordering::Relaxed);
            }
            if keyed {
                shard_full(e, &l)
            } else {
                e
            }
        })?;
        let is_new = conn.is_new_connection();
        // After OCI's PL/SQL fix-up the session is in the requested state: report that tag, so
        // the callback rules see nothing left to do.
        let tag = if self.opts.plsql_fixup.is_some() && !r.tag.is_empty() {
            r.tag.clone()
        } else {
            conn.tag().to_string()
        };
        // Every session of the pool's own OCI pool is on one server: its version is asked once.
        // A key's pool may be another database: asked each time.
        let known = if keyed {
            None
        } else {
            self.version.get().cloned()
        };
        let c = Arc::new(ThickConnection::pooled(
            conn,
            self.opts.call_timeout_ms,
            known,
        )?);
        if !keyed {
            let _ = self.version.set(c.server_version().to_string());
        }
        let counter = if is_new { &self.misses } else { &self.hits };
        counter.fetch_add(1, Ordering::Relaxed);
        let mut busy = self.busy();
        // Under the lock `cancel` takes: either it saw this get in flight (and the caller was
        // told it was aborted), or the session is registered and the acquire succeeds.
        busy.getting.remove(&request);
        let aborted = request != 0 && busy.cancelled.remove(&request);
        if aborted || self.closing.load(Ordering::Acquire) {
            drop(busy);
            let _ = c.release("", true);
            return Err(if aborted {
                Error::odb(codes::ACQUIRE_ABORTED, "acquire() was aborted")
            } else {
                pool_closed()
            });
        }
        busy.next_id = busy.next_id.wrapping_add(1).max(1);
        let id = busy.next_id;
        busy.conns.insert(id, c.clone());
        Ok(Acquired {
            id,
            conn: c,
            tag,
            is_new,
        })
    }

    /// Marks an acquire still inside OCI as aborted (see `acquire`). True when it was: the
    /// caller may then fail the acquire at once, as the session it gets will be dropped.
    /// False when it is not in flight (not started, or its session is already registered).
    pub fn cancel(&self, request: u32) -> bool {
        let mut busy = self.busy();
        if request == 0 || !busy.getting.contains(&request) {
            return false;
        }
        busy.cancelled.insert(request)
    }

    /// Gives a session back, retagged when `tag` differs from its tag, or drops it.
    pub fn release(&self, id: u32, tag: &str, drop_it: bool) -> Result<()> {
        let c = self.busy().conns.remove(&id);
        match c {
            Some(c) => c.release(tag, drop_it),
            // Closed with the pool (force): nothing left to give back.
            None if self.closing.load(Ordering::Acquire) => Ok(()),
            None => Err(Error::odb(
                codes::NOT_FROM_POOL,
                "The connection was already released",
            )),
        }
    }

    /// What `reconfigure` refuses before touching OCI: bad limits, a closed pool.
    pub fn check_reconfigure(&self, l: &ThickPoolLimits) -> Result<()> {
        check_limits(l)?;
        self.pool().map(|_| ())
    }

    /// Changes sizes and timeouts. Attribute changes apply at once; new sizes through
    /// OCI's reinitialisation (which may open sessions: run it off the JS thread).
    pub fn reconfigure(&self, l: ThickPoolLimits) -> Result<()> {
        check_limits(&l)?;
        let mut pool = self.pool()?;
        let old = self.limits();
        pool.set_get_mode(&get_mode(&l)?)?;
        pool.set_timeout(Duration::from_secs(u64::from(l.idle_timeout_s)))?;
        pool.set_max_lifetime_connection(Duration::from_secs(u64::from(l.max_lifetime_s)))?;
        pool.set_ping_interval(ping(l.ping_interval_s))?;
        if (old.min, old.max, old.increment) != (l.min, l.max, l.increment) {
            pool.reconfigure(l.min, l.max, l.increment.max(1))?;
        }
        for mut p in self.shards.all() {
            p.set_get_mode(&get_mode(&l)?)?;
            p.set_timeout(Duration::from_secs(u64::from(l.idle_timeout_s)))?;
            p.set_max_lifetime_connection(Duration::from_secs(u64::from(l.max_lifetime_s)))?;
            p.set_ping_interval(ping(l.ping_interval_s))?;
            if shard_max(&old) != shard_max(&l) || old.increment != l.increment {
                p.reconfigure(0, shard_max(&l), l.increment.max(1))?;
            }
        }
        *self.limits.lock().unwrap_or_else(|p| p.into_inner()) = l;
        Ok(())
    }

    /// Counters; OCI's are local attribute reads (no round trip).
    pub fn statistics(&self) -> ThickPoolStats {
        let pool = self.pool.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let (mut open, mut busy) = match pool {
            Some(p) => (p.open_count().unwrap_or(0), p.busy_count().unwrap_or(0)),
            None => (0, 0),
        };
        let own = open;
        for p in self.shards.all() {
            open += p.open_count().unwrap_or(0);
            busy += p.busy_count().unwrap_or(0);
        }
        let max = self.limits().max;
        ThickPoolStats {
            open,
            busy,
            idle: open.saturating_sub(busy),
            // An aborted acquire no longer waits, though OCI's get still runs.
            waiting: self
                .in_flight
                .load(Ordering::Acquire)
                .saturating_sub(self.busy().cancelled.len() as u32),
            forced: own.saturating_sub(max),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
        }
    }

    /// Closes the pool. Busy sessions: ODB-2006 unless `force`; `drain_ms` (≥ 0, may be
    /// infinite) lets them come back first. Forced: their calls are broken, they are closed
    /// (each after its call ends), then OCI's pool.
    pub fn close(&self, force: bool, drain_ms: f64) -> Result<()> {
        if self
            .pool
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
        {
            return Ok(());
        }
        if !force && !self.busy().conns.is_empty() {
            return Err(Error::odb(
                codes::POOL_IN_USE,
                "The pool has sessions in use: release them, or close with force or drainTime",
            ));
        }
        self.closing.store(true, Ordering::Release);
        if drain_ms > 0.0 {
            let until =
                Instant::now().checked_add(Duration::from_secs_f64(drain_ms.min(1e12) / 1e3));
            while !self.busy().conns.is_empty() && until.is_none_or(|t| Instant::now() < t) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let left: Vec<_> = self.busy().conns.drain().map(|(_, c)| c).collect();
        for c in &left {
            let _ = c.break_execution();
        }
        for c in &left {
            let _ = c.release("", true);
        }
        // Acquires still inside OCI get their session from the ones just closed, see
        // `closing` and drop it; give them a moment before the pool goes.
        let until = Instant::now() + Duration::from_secs(5);
        while self.in_flight.load(Ordering::Acquire) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        for p in self.shards.take() {
            // Its sessions were closed above; a failure leaves nothing to do.
            let _ = p.close(&CloseMode::Force);
        }
        let pool = self.pool.lock().unwrap_or_else(|p| p.into_inner()).take();
        match pool {
            Some(p) => Ok(p.close(&CloseMode::Force)?),
            None => Ok(()),
        }
    }
}

/// An OCI pool with `o`'s settings on `connect` (a descriptor when keyed).
fn build(o: &ThickPoolOptions, connect: &str, min: u32, max: u32) -> Result<Pool> {
    let l = &o.limits;
    let mut b = PoolBuilder::new(&o.user, &o.password, connect);
    b.min_connections(min)
        .max_connections(max)
        .connection_increment(l.increment.max(1))
        .get_mode(get_mode(l)?)
        .pool_type(if o.homogeneous {
            PoolType::Homogeneous
        } else {
            PoolType::Heterogeneous
        });
    b.timeout(Duration::from_secs(u64::from(l.idle_timeout_s)))?;
    b.max_lifetime_connection(Duration::from_secs(u64::from(l.max_lifetime_s)))?;
    b.ping_interval(ping(l.ping_interval_s))?;
    if let Some(n) = o.stmt_cache_size {
        b.stmt_cache_size(n);
    }
    if let Some(n) = &o.driver_name {
        b.driver_name(n.as_str());
    }
    if let Some(p) = &o.plsql_fixup {
        b.plsql_fixup_callback(p.as_str());
    }
    Ok(b.build()?)
}

pub(crate) fn ping(s: i32) -> Option<Duration> {
    u64::try_from(s).ok().map(Duration::from_secs)
}

/// An acquire counted as waiting (see `ThickPool::enter`) until this drops, however the
/// acquire ends; forgets its request id then (keeps the sets small).
pub struct Waiter {
    pool: Arc<ThickPool>,
    request: u32,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        if self.request != 0 {
            let mut busy = self.pool.busy();
            busy.getting.remove(&self.request);
            busy.cancelled.remove(&self.request);
        }
        self.pool.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_must_be_key_value_pairs() {
        assert!(check_tag("").is_ok());
        assert!(check_tag("a=1; b=2;;").is_ok());
        assert_eq!(check_tag("a=1;b").unwrap_err().code, codes::INVALID_TAG);
        assert_eq!(check_tag("=1").unwrap_err().code, codes::INVALID_TAG);
    }

    #[test]
    fn limits_are_checked_before_oci_sees_them() {
        let l = ThickPoolLimits {
            min: 3,
            max: 2,
            get_mode: "wait".into(),
            ..Default::default()
        };
        assert_eq!(
            check_limits(&l).unwrap_err().code,
            codes::INVALID_POOL_LIMITS
        );
        let l = ThickPoolLimits {
            max: 2,
            get_mode: "later".into(),
            ..Default::default()
        };
        assert_eq!(check_limits(&l).unwrap_err().code, codes::INVALID_OPTION);
    }

    #[test]
    fn oci_pool_errors_get_thin_codes_and_keep_their_text() {
        let e = Error {
            code: "ORA-24457".into(),
            message: "ORA-24457: OCISessionGet() could not find a free session".into(),
            offset: 0,
            is_recoverable: false,
        };
        assert_eq!(pool_error(e.clone(), "nowait").code, codes::POOL_EXHAUSTED);
        assert_eq!(pool_error(e.clone(), "wait").code, "ORA-24457");
        let e = pool_error(e, "timedwait");
        assert_eq!(e.code, codes::POOL_WAIT_TIMEOUT);
        assert!(e.message.contains("ORA-24457"));
    }
}
