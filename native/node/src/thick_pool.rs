//! Thick-mode pools: the methods of `NativePool`, routed to OCI's session pool (`oradb-thick`).
//! Acquire, release, reconfigure and close may block in OCI, so they run on the blocking pool.
//! OCI queues waiting acquires itself: the JS-side parking of thin pools is never used here
//! (`tryAcquireOrPark` always answers "go through the I/O thread").

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::*;
use napi::JsObject;
use napi_derive::napi;
use oradb_thick::{ThickAcquire, ThickPool, ThickPoolLimits, ThickPoolOptions, Waiter};

use crate::call::Pending;
use crate::thick::{blocking, NativeThickConnection};
use crate::thick_gate::{hand_on, Gate, Job};
use crate::{call, done, NativeAcquire, NativePoolLimits, NativePoolOptions, NativePoolStats, Out};

fn limits(l: NativePoolLimits) -> ThickPoolLimits {
    ThickPoolLimits {
        min: l.pool_min,
        max: l.pool_max,
        increment: l.pool_increment,
        get_mode: l.get_mode,
        wait_timeout_ms: l.wait_timeout_ms,
        queue_max: l.queue_max,
        idle_timeout_s: l.pool_timeout_s,
        max_lifetime_s: l.max_lifetime_session_s,
        ping_interval_s: l.ping_interval_s,
        max_per_shard: l.max_sessions_per_shard,
    }
}

/// Sharding keys from their `s:`/`n:`/`d:`/`b:` text (absent: none).
pub(crate) fn keys(
    option: &'static str,
    k: &Option<Vec<String>>,
) -> std::result::Result<Vec<oradb_protocol::value::Value>, crate::NativeFailure> {
    match k {
        Some(k) => oradb_client::options::sharding_key(option, k).map_err(|e| crate::failure(&e)),
        None => Ok(Vec::new()),
    }
}

fn acquire_request(r: NativeAcquire) -> std::result::Result<ThickAcquire, crate::NativeFailure> {
    Ok(ThickAcquire {
        sharding_key: keys("shardingKey", &r.sharding_key)?,
        super_sharding_key: keys("superShardingKey", &r.super_sharding_key)?,
        tag: r.tag,
        match_any_tag: r.match_any_tag,
        user: r.user,
        password: r.password,
        connection_class: r.connection_class,
        purity: r.purity,
    })
}

/// Creates OCI's session pool (opens `poolMin` sessions). `plsql_fixup`: the PL/SQL session
/// callback, which OCI then calls itself.
#[napi]
pub fn thick_create_pool(
    env: Env,
    opts: NativePoolOptions,
    plsql_fixup: Option<String>,
) -> Result<JsObject> {
    let c = opts.connect;
    let (sharding_key, super_sharding_key) = match (
        keys("shardingKey", &c.sharding_key),
        keys("superShardingKey", &c.super_sharding_key),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return call::spawn(env, async move { done::<NativeThickPool>(Err(e)) })
        }
    };
    let o = ThickPoolOptions {
        sharding_key,
        super_sharding_key,
        user: c.user,
        password: c.password,
        connect_string: c.connect_string,
        limits: limits(NativePoolLimits {
            pool_min: opts.pool_min,
            pool_max: opts.pool_max,
            pool_increment: opts.pool_increment,
            get_mode: opts.get_mode,
            wait_timeout_ms: opts.wait_timeout_ms,
            queue_max: opts.queue_max,
            pool_timeout_s: opts.pool_timeout_s,
            max_lifetime_session_s: opts.max_lifetime_session_s,
            ping_interval_s: opts.ping_interval_s,
            max_sessions_per_shard: opts.max_sessions_per_shard,
        }),
        homogeneous: opts.homogeneous,
        stmt_cache_size: c.stmt_cache_size,
        call_timeout_ms: c.call_timeout_ms,
        driver_name: c.driver_name,
        connection_class: c.connection_class,
        purity: c.purity.unwrap_or(0),
        plsql_fixup,
    };
    let own = own_gate(&o.limits);
    call::spawn(env, async move {
        let r = blocking(move || ThickPool::create(o)).await;
        done(r.map(|p| NativeThickPool {
            inner: Arc::new(p),
            aborts: Arc::default(),
            waiters: Gate::new(OCI_WAITERS),
            own: Mutex::new(own),
            held: Arc::default(),
        }))
    })
}

type Slot = Arc<Mutex<Option<Pending<Out<NativeThickConnection>>>>>;

#[napi]
pub struct NativeThickPool {
    inner: Arc<ThickPool>,
    /// The unsettled promise of each abortable acquire (by request id): `cancel_acquire`
    /// settles it at once when OCI's get already runs (it cannot be stopped).
    aborts: Arc<Mutex<HashMap<u32, Slot>>>,
    /// Acquires inside OCI at once when `own` does not apply. Each holds a thread of the
    /// runtime's blocking pool (512): unbounded, 1000 waiting acquires took them all, and the
    /// calls and releases that would end their wait queued behind them for ever.
    waiters: Arc<Gate>,
    /// In "wait" mode, acquires without a sharding key take one of `poolMax` permits until
    /// their release, so OCI's get always finds a session and the rest wait here, as jobs: a
    /// thread per waiter inside OCI made 50 tasks on 10 sessions spend most of their CPU
    /// switching threads. Not in "timedwait" mode (the wait must be OCI's, to time out) nor
    /// for keyed acquires (another key's pool may be free).
    own: Mutex<Option<Arc<Gate>>>,
    /// Sessions out with a permit of `own` (by pool id): their release hands it on.
    held: Arc<Mutex<HashMap<u32, Arc<Gate>>>>,
}

/// At most this many acquires wait inside OCI (half the blocking pool).
const OCI_WAITERS: usize = 256;

fn own_gate(l: &ThickPoolLimits) -> Option<Arc<Gate>> {
    (l.get_mode == "wait").then(|| Gate::new(l.max.max(1) as usize))
}

fn aborted() -> crate::NativeFailure {
    crate::thick::failure(oradb_thick::Error::odb(
        oradb_protocol::codes::ACQUIRE_ABORTED,
        "acquire() was aborted",
    ))
}

/// One acquire's get, run when it holds a permit of its gate.
struct Get {
    pool: Arc<ThickPool>,
    aborts: Arc<Mutex<HashMap<u32, Slot>>>,
    held: Arc<Mutex<HashMap<u32, Arc<Gate>>>>,
    request: ThickAcquire,
    request_id: u32,
    /// The session keeps the permit until its release (else it goes back after the get).
    keeps: bool,
    slot: Slot,
}

impl Get {
    /// Gets the session (`permit`: the gate it holds a permit of; `None`: aborted while
    /// waiting) and settles the acquire's promise. Returns the permit to hand on, if any.
    fn run(self, waiter: Waiter, permit: Option<Arc<Gate>>) -> Option<Arc<Gate>> {
        let got = match permit {
            None => Err(aborted()),
            Some(_) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.pool.acquire(&self.request, &waiter)
            }))
            .unwrap_or_else(|_| {
                Err(oradb_thick::Error::odb(
                    oradb_protocol::codes::INTERNAL,
                    "thick-mode acquire panicked",
                ))
            })
            .map_err(crate::thick::failure),
        };
        drop(waiter);
        if self.request_id != 0 {
            lock(&self.aborts).remove(&self.request_id);
        }
        let pending = lock(&self.slot).take();
        let got = match (got, &pending) {
            // Settled as aborted meanwhile: nobody takes this session.
            (Ok(a), None) => {
                let _ = self.pool.release(a.id, "", true);
                Err(aborted())
            }
            (got, _) => got,
        };
        let mut pass = None;
        match (&got, permit) {
            (Ok(a), Some(g)) if self.keeps => {
                lock(&self.held).insert(a.id, g);
            }
            (_, g) => pass = g,
        }
        if let Some(p) = pending {
            p.complete(done(got.map(NativeThickConnection::pooled)));
        }
        pass
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[napi]
impl NativeThickPool {
    fn aborts(&self) -> MutexGuard<'_, HashMap<u32, Slot>> {
        lock(&self.aborts)
    }

    /// Gets a session; `request_id` (non-zero) lets `cancel_acquire` abort it.
    #[napi]
    pub fn acquire(&self, env: Env, req: NativeAcquire, request_id: u32) -> Result<JsObject> {
        let (promise, pending) = Pending::<Out<NativeThickConnection>>::new(env)?;
        let r = match acquire_request(req) {
            Ok(r) => r,
            Err(e) => {
                pending.complete(done(Err(e)));
                return Ok(promise);
            }
        };
        // Counted as waiting now, on the JS thread, so statistics and queueMax see it at once.
        let waiter = match self.inner.enter(&r, request_id) {
            Ok(w) => w,
            Err(e) => {
                pending.complete(done(Err(crate::thick::failure(e))));
                return Ok(promise);
            }
        };
        let slot: Slot = Arc::new(Mutex::new(Some(pending)));
        if request_id != 0 {
            self.aborts().insert(request_id, slot.clone());
        }
        let own = match r.sharding_key.is_empty() && r.super_sharding_key.is_empty() {
            true => lock(&self.own).clone(),
            false => None,
        };
        let keeps = own.is_some();
        let gate = own.unwrap_or_else(|| self.waiters.clone());
        let get = Get {
            pool: self.inner.clone(),
            aborts: self.aborts.clone(),
            held: self.held.clone(),
            request: r,
            request_id,
            keeps,
            slot,
        };
        let job: Job = Box::new(move |permit| get.run(waiter, permit));
        if let Some(job) = gate.enter(request_id, job) {
            call::runtime().spawn_blocking(move || {
                if let Some(g) = job(Some(gate)) {
                    hand_on(&g);
                }
            });
        }
        Ok(promise)
    }

    /// The acquire fails at once with ODB-2010: taken out of its gate if it waits there, else
    /// (OCI's get already runs and cannot be stopped) the session it gets is dropped
    /// (`ThickPool::cancel`).
    #[napi]
    pub fn cancel_acquire(&self, request_id: u32) {
        let own = lock(&self.own).clone();
        for gate in own.iter().chain(std::iter::once(&self.waiters)) {
            if let Some(job) = gate.cancel(request_id) {
                job(None);
                return;
            }
        }
        if self.inner.cancel(request_id) {
            let slot = self.aborts().remove(&request_id);
            if let Some(p) = slot.and_then(|s| lock(&s).take()) {
                p.complete(done(Err(aborted())));
            }
        }
    }

    /// Always null: every acquire goes to OCI off the JS thread.
    #[napi]
    pub fn try_acquire_or_park(&self, _req: Option<NativeAcquire>) -> Null {
        Null
    }

    /// Nothing is ever parked on the JS side (OCI queues waiters).
    #[napi]
    pub fn take_parked(&self) -> Vec<u32> {
        Vec::new()
    }

    #[napi]
    pub fn parked_ready(&self, env: Env) -> Result<JsObject> {
        call::spawn(env, async move { done(Ok(())) })
    }

    #[napi]
    pub fn wake_parked(&self) {}

    #[napi]
    pub fn leave_parked(&self, _id: f64, _timed_out: bool) -> Null {
        Null
    }

    /// Not reached (nothing parks); the same as `acquire`.
    #[napi]
    pub fn acquire_queued(
        &self,
        env: Env,
        req: NativeAcquire,
        _id: f64,
        request_id: u32,
        _left_ms: f64,
    ) -> Result<JsObject> {
        self.acquire(env, req, request_id)
    }

    /// 0: the release needs `release` (OCI may do a round trip).
    #[napi]
    pub fn try_release(&self, _id: u32, _tag: String, _drop: bool) -> u32 {
        0
    }

    /// Gives a session back (retagged when `tag` is not its tag), or drops it; then its
    /// permit goes to the next waiting acquire, which runs on this thread.
    #[napi]
    pub fn release(&self, env: Env, id: u32, tag: String, drop: bool) -> Result<JsObject> {
        let (p, held) = (self.inner.clone(), self.held.clone());
        let (promise, pending) = Pending::<Out<()>>::new(env)?;
        call::runtime().spawn_blocking(move || {
            pending.settle_with(|| done(p.release(id, &tag, drop).map_err(crate::thick::failure)));
            let permit = lock(&held).remove(&id);
            if let Some(g) = permit {
                hand_on(&g);
            }
        });
        Ok(promise)
    }

    /// `drain_ms` < 0: no drain time. Once closed, the permits of the sessions it closed go to
    /// the acquires still waiting, which then fail (the pool is closed).
    #[napi]
    pub fn close(&self, env: Env, force: bool, drain_ms: f64) -> Result<JsObject> {
        let (p, held) = (self.inner.clone(), self.held.clone());
        call::spawn(env, async move {
            let r = blocking(move || {
                p.close(force, drain_ms.max(0.0))?;
                let left: Vec<_> = lock(&held).drain().map(|(_, g)| g).collect();
                for g in left {
                    hand_on(&g);
                }
                Ok(())
            });
            done(r.await)
        })
    }

    /// Checks the limits here; OCI applies them on the blocking pool (growing `poolMin` opens
    /// sessions), so `statistics` shows new sizes a moment later.
    #[napi]
    pub fn reconfigure(&self, env: Env, l: NativePoolLimits) -> Out<()> {
        let l = limits(l);
        if let Err(e) = self.inner.check_reconfigure(&l) {
            return done(Err(crate::thick::failure(e)));
        }
        // Acquires already waiting on the old gate keep it; new ones take the new size.
        *lock(&self.own) = own_gate(&l);
        let p = self.inner.clone();
        // The promise is dropped: a failure here (the pool closed meanwhile) has no one to tell.
        let started = call::spawn(env, async move {
            done(blocking(move || p.reconfigure(l)).await)
        });
        done(started.map(|_| ()).map_err(|e| crate::NativeFailure {
            oradb_error: true,
            code: oradb_protocol::codes::INTERNAL.to_string(),
            message: format!("{}: {e}", oradb_protocol::codes::INTERNAL),
            offset: 0,
            is_recoverable: false,
        }))
    }

    #[napi]
    pub fn statistics(&self) -> NativePoolStats {
        let s = self.inner.statistics();
        NativePoolStats {
            open: s.open,
            busy: s.busy,
            idle: s.idle,
            waiting: s.waiting,
            forced: s.forced,
            hits: s.hits as f64,
            misses: s.misses as f64,
            timeouts: s.timeouts as f64,
        }
    }
}
