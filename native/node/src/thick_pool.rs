//! Thick-mode pools: the methods of `NativePool`, routed to OCI's session pool (`oradb-thick`).
//! Acquire, release, reconfigure and close may block in OCI, so they run on the blocking pool.
//! OCI queues waiting acquires itself: the JS-side parking of thin pools is never used here
//! (`tryAcquireOrPark` always answers "go through the I/O thread").

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::*;
use napi::JsObject;
use napi_derive::napi;
use tokio::sync::{Notify, Semaphore};

use oradb_thick::{ThickAcquire, ThickPool, ThickPoolLimits, ThickPoolOptions};

use crate::thick::{blocking, NativeThickConnection};
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
            gate: Arc::new(Semaphore::new(OCI_WAITERS)),
            own: Mutex::new(own),
        }))
    })
}

#[napi]
pub struct NativeThickPool {
    inner: Arc<ThickPool>,
    /// Wakes an abortable acquire (by request id) that has no session yet.
    aborts: Arc<Mutex<HashMap<u32, Arc<Notify>>>>,
    /// Acquires blocked inside OCI at once. Each holds a thread of the runtime's blocking pool
    /// (512): unbounded, 1000 waiting acquires took them all, and the calls and releases that
    /// would end their wait queued behind them for ever. The rest wait here, in order.
    gate: Arc<Semaphore>,
    /// In "wait" mode, acquires without a sharding key beyond `poolMax` wait here, not inside
    /// OCI: a thread per waiter there made 50 tasks on 10 sessions spend most of their CPU
    /// switching threads and contending for OCI's pool lock. Not in "timedwait" mode (the
    /// wait must be OCI's, to time out) nor for keyed acquires (another key's pool may be free).
    own: Mutex<Option<Arc<Semaphore>>>,
}

/// At most this many acquires wait inside OCI (half the blocking pool).
const OCI_WAITERS: usize = 256;

fn own_gate(l: &ThickPoolLimits) -> Option<Arc<Semaphore>> {
    (l.get_mode == "wait").then(|| Arc::new(Semaphore::new(l.max.max(1) as usize)))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[napi]
impl NativeThickPool {
    fn aborts(&self) -> MutexGuard<'_, HashMap<u32, Arc<Notify>>> {
        lock(&self.aborts)
    }

    /// Gets a session; `request_id` (non-zero) lets `cancel_acquire` abort it.
    #[napi]
    pub fn acquire(&self, env: Env, req: NativeAcquire, request_id: u32) -> Result<JsObject> {
        let p = self.inner.clone();
        let r = match acquire_request(req) {
            Ok(r) => r,
            Err(e) => {
                return call::spawn(env, async move { done::<NativeThickConnection>(Err(e)) })
            }
        };
        // Counted as waiting now, on the JS thread, so statistics and queueMax see it at once.
        let waiter = match p.enter(&r, request_id) {
            Ok(w) => w,
            Err(e) => {
                let e = crate::thick::failure(e);
                return call::spawn(env, async move { done::<NativeThickConnection>(Err(e)) });
            }
        };
        let abort = (request_id != 0).then(|| {
            let n = Arc::new(Notify::new());
            self.aborts().insert(request_id, n.clone());
            n
        });
        let aborts = self.aborts.clone();
        let gate = self.gate.clone();
        let own = match r.sharding_key.is_empty() && r.super_sharding_key.is_empty() {
            true => lock(&self.own).clone(),
            false => None,
        };
        call::spawn_eager(env, None, async move {
            let get = async move {
                // The semaphores are never closed.
                let mine = match own {
                    Some(s) => s.acquire_owned().await.ok(),
                    None => None,
                };
                let permit = gate.acquire_owned().await.ok();
                blocking(move || {
                    let _permits = (mine, permit);
                    p.acquire(&r, &waiter)
                })
                .await
            };
            let got = match abort {
                None => get.await,
                Some(n) => {
                    let got = tokio::select! {
                        biased;
                        got = get => got,
                        // Only notified before the acquire has its session: if OCI's get
                        // runs, it drops the session it gets.
                        () = n.notified() => Err(crate::thick::failure(oradb_thick::Error::odb(
                            oradb_protocol::codes::ACQUIRE_ABORTED,
                            "acquire() was aborted",
                        ))),
                    };
                    lock(&aborts).remove(&request_id);
                    got
                }
            };
            done(got.map(NativeThickConnection::pooled))
        })
    }

    /// The acquire fails at once with ODB-2010; if OCI's get already runs (it cannot be
    /// stopped), the session it gives is dropped (`ThickPool::cancel`).
    #[napi]
    pub fn cancel_acquire(&self, request_id: u32) {
        if self.inner.cancel(request_id) {
            if let Some(n) = self.aborts().get(&request_id) {
                n.notify_one();
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

    /// Gives a session back (retagged when `tag` is not its tag), or drops it.
    #[napi]
    pub fn release(&self, env: Env, id: u32, tag: String, drop: bool) -> Result<JsObject> {
        let p = self.inner.clone();
        call::spawn_eager(env, None, async move {
            done(blocking(move || p.release(id, &tag, drop)).await)
        })
    }

    /// `drain_ms` < 0: no drain time.
    #[napi]
    pub fn close(&self, env: Env, force: bool, drain_ms: f64) -> Result<JsObject> {
        let p = self.inner.clone();
        call::spawn(env, async move {
            done(blocking(move || p.close(force, drain_ms.max(0.0))).await)
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
