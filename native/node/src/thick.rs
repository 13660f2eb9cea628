//! Thick-mode glue: the same connection calls as `NativeConnection`, routed to `oradb-thick`.
//! ODPI-C calls block, so each one runs on the runtime's blocking pool, never on the JS thread.
//! The frequent calls start eagerly (`call::spawn_eager`): handing the call to the blocking
//! pool is done on the JS thread, which saves a wake-up of the I/O thread per call.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::JsObject;
use napi_derive::napi;
use oradb_thick::{ExecManyOpts, ExecOpts, InitOptions, ThickConnectOptions, ThickConnection};

use crate::{
    call, done, nullable, Bytes, HeapBytes, NativeBatchError, NativeConnectOptions,
    NativeExecManyResult, NativeFailure, Out,
};

pub(crate) fn failure(e: oradb_thick::Error) -> NativeFailure {
    NativeFailure {
        oradb_error: true,
        code: e.code,
        message: e.message,
        offset: e.offset,
        is_recoverable: e.is_recoverable,
    }
}

/// Runs a blocking ODPI-C call on the blocking pool; a panic there is ODB-4000.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> oradb_thick::Result<T> + Send + 'static,
) -> std::result::Result<T, NativeFailure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(failure),
        Err(_) => Err(failure(oradb_thick::Error::odb(
            oradb_protocol::codes::INTERNAL,
            "thick-mode call panicked",
        ))),
    }
}

#[napi(object)]
pub struct NativeThickInit {
    pub lib_dir: Option<String>,
    pub config_dir: Option<String>,
    pub driver_name: Option<String>,
}

/// Runs a blocking ODPI-C call on the blocking pool, which settles its promise itself (no
/// trip through the I/O thread).
pub(crate) fn direct<T: ToNapiValue + Send + 'static>(
    env: Env,
    f: impl FnOnce() -> oradb_thick::Result<T> + Send + 'static,
) -> Result<JsObject> {
    let (promise, pending) = call::Pending::<Out<T>>::new(env)?;
    pending.run_blocking(move || done(f().map_err(failure)));
    Ok(promise)
}

/// Loads Oracle's client library (once per process).
#[napi]
pub fn thick_init(env: Env, opts: NativeThickInit) -> Result<JsObject> {
    let o = InitOptions {
        lib_dir: opts.lib_dir,
        config_dir: opts.config_dir,
        driver_name: opts.driver_name,
    };
    call::spawn(env, async move {
        done(blocking(move || oradb_thick::init(&o)).await)
    })
}

/// Logs on through OCI; `thickInit` must have succeeded.
#[napi]
pub fn thick_connect(env: Env, opts: NativeConnectOptions) -> Result<JsObject> {
    let key = |option: &'static str, k: &Option<Vec<String>>| match k {
        Some(k) => oradb_client::options::sharding_key(option, k),
        None => Ok(Vec::new()),
    };
    let (sharding_key, super_sharding_key) = match (
        key("shardingKey", &opts.sharding_key),
        key("superShardingKey", &opts.super_sharding_key),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return call::spawn(env, async move {
                done::<NativeThickConnection>(Err(crate::failure(&e)))
            })
        }
    };
    let o = ThickConnectOptions {
        user: opts.user,
        password: opts.password,
        connect_string: opts.connect_string,
        stmt_cache_size: opts.stmt_cache_size,
        call_timeout_ms: opts.call_timeout_ms,
        driver_name: opts.driver_name,
        connection_class: opts.connection_class,
        purity: opts.purity,
        sharding_key,
        super_sharding_key,
    };
    call::spawn(env, async move {
        done(
            blocking(move || ThickConnection::connect(&o))
                .await
                .map(|c| NativeThickConnection::standalone(Arc::new(c))),
        )
    })
}

#[napi]
pub struct NativeThickConnection {
    pub(crate) inner: Arc<ThickConnection>,
    /// Id in its pool (0: standalone), tag and new-session flag as OCI gave them.
    pool: (u32, String, bool),
}

impl NativeThickConnection {
    fn standalone(inner: Arc<ThickConnection>) -> Self {
        NativeThickConnection {
            inner,
            pool: (0, String::new(), false),
        }
    }

    pub(crate) fn pooled(a: oradb_thick::Acquired) -> Self {
        NativeThickConnection {
            inner: a.conn,
            pool: (a.id, a.tag, a.is_new),
        }
    }
}

macro_rules! run {
    ($self:ident, $env:ident, |$c:ident| $body:expr) => {{
        let $c = $self.inner.clone();
        direct($env, move || $body)
    }};
}

#[napi]
impl NativeThickConnection {
    /// Id in its pool; 0 when standalone.
    #[napi(getter)]
    pub fn pool_id(&self) -> u32 {
        self.pool.0
    }

    /// The session's tag when acquired (OCI's; the requested one after a PL/SQL fix-up).
    #[napi(getter)]
    pub fn pool_tag(&self) -> String {
        self.pool.1.clone()
    }

    /// True when OCI opened the session for this acquire.
    #[napi(getter)]
    pub fn pool_is_new(&self) -> bool {
        self.pool.2
    }

    #[napi(getter)]
    pub fn server_version(&self) -> String {
        self.inner.server_version().to_string()
    }

    /// Same arguments and result buffer as `NativeConnection.execute`.
    #[napi]
    pub fn execute(
        &self,
        env: Env,
        sql: String,
        specs: Bytes,
        values: Bytes,
        opts: Bytes,
    ) -> Result<JsObject> {
        let words: Vec<u32> = opts
            .0
            .chunks_exact(4)
            .map(|i| u32::from_le_bytes([i[0], i[1], i[2], i[3]]))
            .collect();
        let word = |i: usize| words.get(i).copied().unwrap_or(0);
        let o = ExecOpts {
            auto_commit: word(0) & 1 != 0,
            prefetch_rows: word(1),
            array_size: word(2),
            fetch_as_string: words
                .iter()
                .skip(3)
                .filter(|i| **i & 0x8000_0000 == 0)
                .map(|i| *i as usize)
                .collect(),
            defer_lobs: word(0) & 2 != 0,
            // LOB columns to fetch as locators: their index plus the high bit.
            lob_columns: words
                .iter()
                .skip(3)
                .filter(|i| **i & 0x8000_0000 != 0)
                .map(|i| (*i & 0x7fff_ffff) as usize)
                .collect(),
        };
        let c = self.inner.clone();
        direct(env, move || {
            c.execute(&sql, &specs.0, &values.0, &o)
                .map(HeapBytes::from)
        })
    }

    /// `flags`: 1 autoCommit, 2 batchErrors, 4 dmlRowCounts.
    #[napi]
    pub fn execute_many(
        &self,
        env: Env,
        sql: String,
        specs: Bytes,
        values: Buffer,
        row_count: u32,
        flags: u32,
    ) -> Result<JsObject> {
        let c = self.inner.clone();
        let values = values.to_vec();
        let o = ExecManyOpts {
            batch_errors: flags & 2 != 0,
            dml_row_counts: flags & 4 != 0,
        };
        call::spawn(env, async move {
            let run = move || {
                c.execute_many(
                    &sql,
                    &specs.0,
                    &values,
                    row_count as usize,
                    flags & 1 != 0,
                    o,
                )
            };
            done(blocking(run).await.map(|r| {
                NativeExecManyResult {
                    rows_affected: r.rows_affected as f64,
                    dml_row_counts: nullable(
                        r.dml_row_counts
                            .map(|v| v.into_iter().map(|n| n as f64).collect()),
                    ),
                    batch_errors: nullable(r.batch_errors.map(|v| {
                        v.into_iter()
                            .map(|e| NativeBatchError {
                                offset: e.offset,
                                code: e.code,
                                message: e.message,
                            })
                            .collect()
                    })),
                    out_binds: r.out_binds.map(HeapBytes),
                }
            }))
        })
    }

    #[napi]
    pub fn fetch(&self, env: Env, cursor_id: u32, max_rows: u32) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || {
            c.fetch(cursor_id, max_rows).map(HeapBytes::from)
        })
    }

    #[napi]
    pub fn close_cursor(&self, env: Env, cursor_id: u32) -> Result<JsObject> {
        run!(self, env, |c| c.close_cursor(cursor_id))
    }

    #[napi]
    pub fn commit(&self, env: Env) -> Result<JsObject> {
        run!(self, env, |c| c.commit())
    }

    #[napi]
    pub fn rollback(&self, env: Env) -> Result<JsObject> {
        run!(self, env, |c| c.rollback())
    }

    #[napi]
    pub fn ping(&self, env: Env) -> Result<JsObject> {
        run!(self, env, |c| c.ping())
    }

    /// Jumps the queue: runs beside the call in flight.
    #[napi]
    pub fn break_execution(&self, env: Env) -> Result<JsObject> {
        run!(self, env, |c| c.break_execution())
    }

    #[napi]
    pub fn close(&self, env: Env) -> Result<JsObject> {
        run!(self, env, |c| c.close())
    }

    /// Breaks the call in flight, then closes (OCI waits for the break itself).
    #[napi]
    pub fn force_close(&self, env: Env, grace_ms: u32) -> Result<JsObject> {
        // Only a running call is broken: a break on an idle session costs a round trip, and
        // under native network encryption OCI 19.3 cannot resume after one (ORA-12599), so
        // `await using` on an idle connection failed there.
        let grace = std::time::Duration::from_millis(u64::from(grace_ms));
        run!(self, env, |c| c.force_close(grace))
    }

    /// Sets an end-to-end attribute (see `NativeConnection::set_end_to_end`).
    #[napi]
    pub fn set_end_to_end(&self, which: u32, value: String) {
        // A failure here is OCI refusing the value; the attribute stays as it was.
        let _ = self.inner.set_end_to_end(which, &value);
    }

    /// False once the session is known to be gone, without a round trip.
    #[napi]
    pub fn is_healthy(&self) -> bool {
        self.inner.is_healthy()
    }

    #[napi]
    pub fn set_call_timeout(&self, ms: u32) {
        // A failure here leaves the old timeout; the next call reports a broken session.
        let _ = self.inner.set_call_timeout(ms);
    }

    #[napi]
    pub fn get_call_timeout(&self) -> u32 {
        self.inner.call_timeout_ms()
    }
}
