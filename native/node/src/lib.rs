//! Node-API glue: converts JS values and errors to and from `oradb-client`
//! and nothing else. Network I/O and decoding run on the addon's tokio
//! threads; results reach JS as one buffer per batch of rows.

#![deny(clippy::all)]

mod values;

use std::future::Future;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use oradb_client::binds::{BindSpec, Binds, Dir};
use oradb_client::exec::{ExecManyOptions, ExecOptions};
use oradb_client::options::{ConnectOptions, Purity};
use oradb_client::Connection;

/// A failed call, resolved (not rejected) so it can carry typed fields;
/// `src/_native.ts` turns it into a thrown error before anyone sees it.
#[napi(object)]
pub struct NativeFailure {
    pub oradb_error: bool,
    pub code: String,
    pub message: String,
    pub offset: u32,
    pub is_recoverable: bool,
}

type Out<T> = Result<Either<T, NativeFailure>>;

fn failure(e: &oradb_client::Error) -> NativeFailure {
    NativeFailure {
        oradb_error: true,
        code: e.code().to_string(),
        message: e.message().to_string(),
        offset: e.offset(),
        is_recoverable: e.is_recoverable(),
    }
}

/// Awaits a client call. A panic inside it is caught by napi-rs's own task
/// wrapper, which rejects the promise (TS reports ODB-4000), so none reaches Node.
async fn guarded<T: Send + 'static>(
    fut: impl Future<Output = oradb_client::Result<T>> + Send + 'static,
) -> std::result::Result<T, NativeFailure> {
    fut.await.map_err(|e| failure(&e))
}

fn done<T>(r: std::result::Result<T, NativeFailure>) -> Out<T> {
    Ok(match r {
        Ok(v) => Either::A(v),
        Err(f) => Either::B(f),
    })
}

#[napi(object)]
pub struct NativeConnectOptions {
    pub user: String,
    pub password: String,
    pub connect_string: String,
    pub config_dir: Option<String>,
    pub connect_timeout_ms: Option<u32>,
    pub call_timeout_ms: Option<u32>,
    pub stmt_cache_size: Option<u32>,
    pub prefetch_rows: Option<u32>,
    pub connection_class: Option<String>,
    pub purity: Option<u32>,
    pub program: Option<String>,
    pub machine: Option<String>,
    pub os_user: Option<String>,
    pub driver_name: Option<String>,
}

#[napi(object)]
pub struct NativeBinds {
    /// `null` for positional binds.
    pub names: Either<Vec<String>, Null>,
    pub dirs: Vec<u32>,
    pub types: Vec<u32>,
    pub max_sizes: Vec<u32>,
    pub values: Buffer,
}

#[napi(object)]
pub struct NativeExecOptions {
    pub auto_commit: bool,
    pub prefetch_rows: u32,
    pub array_size: u32,
    pub fetch_as_string: Vec<u32>,
}

#[napi(object)]
pub struct NativeExecManyOptions {
    pub auto_commit: bool,
    pub batch_errors: bool,
    pub dml_row_counts: bool,
}

/// Bytes copied into a JS-heap Buffer. An external buffer would count as
/// external memory, which makes V8 run full collections as batches arrive.
pub struct HeapBytes(Vec<u8>);

impl TypeName for HeapBytes {
    fn type_name() -> &'static str {
        "Buffer"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for HeapBytes {}

impl From<Vec<u8>> for HeapBytes {
    fn from(v: Vec<u8>) -> Self {
        HeapBytes(v)
    }
}

impl FromNapiValue for HeapBytes {
    unsafe fn from_napi_value(env: napi::sys::napi_env, v: napi::sys::napi_value) -> Result<Self> {
        // SAFETY: forwarded to napi-rs's own Buffer conversion.
        let b = unsafe { Buffer::from_napi_value(env, v)? };
        Ok(HeapBytes(b.to_vec()))
    }
}

impl ToNapiValue for HeapBytes {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        let mut data = std::ptr::null_mut();
        let mut out = std::ptr::null_mut();
        // SAFETY: copies `val.0` into a new Buffer owned by the JS heap.
        let status = unsafe {
            napi::sys::napi_create_buffer_copy(
                env,
                val.0.len(),
                val.0.as_ptr().cast(),
                &mut data,
                &mut out,
            )
        };
        if status != napi::sys::Status::napi_ok {
            return Err(napi::Error::new(
                Status::GenericFailure,
                "ODB-4002: cannot allocate a result buffer",
            ));
        }
        Ok(out)
    }
}

#[napi(object)]
pub struct NativeRows {
    pub data: HeapBytes,
    pub row_count: u32,
    pub done: bool,
}

#[napi(object)]
pub struct NativeColumn {
    pub name: String,
    pub db_type: u32,
    pub size: u32,
    pub precision: i32,
    pub scale: i32,
    pub nullable: bool,
}

#[napi(object)]
pub struct NativeExecResult {
    pub cursor_id: u32,
    pub columns: Either<Vec<NativeColumn>, Null>,
    pub rows: Either<NativeRows, Null>,
    pub rows_affected: f64,
    pub out_binds: Either<HeapBytes, Null>,
    pub last_rowid: Either<String, Null>,
}

/// `null` (not `undefined`) for absent values, as BOUNDARY.md promises.
fn nullable<T>(v: Option<T>) -> Either<T, Null> {
    match v {
        Some(v) => Either::A(v),
        None => Either::B(Null),
    }
}

#[napi(object)]
pub struct NativeBatchError {
    pub offset: u32,
    pub code: String,
    pub message: String,
}

#[napi(object)]
pub struct NativeExecManyResult {
    pub rows_affected: f64,
    pub dml_row_counts: Either<Vec<f64>, Null>,
    pub batch_errors: Either<Vec<NativeBatchError>, Null>,
}

fn options(o: NativeConnectOptions) -> ConnectOptions {
    let mut c = ConnectOptions {
        user: o.user,
        password: o.password,
        connect_string: o.connect_string,
        ..Default::default()
    };
    c.config_dir = o.config_dir.map(Into::into);
    if let Some(ms) = o.connect_timeout_ms {
        c.connect_timeout = Duration::from_millis(ms as u64);
    }
    if let Some(ms) = o.call_timeout_ms {
        c.call_timeout = Duration::from_millis(ms as u64);
    }
    if let Some(n) = o.stmt_cache_size {
        c.stmt_cache_size = n as usize;
    }
    if let Some(n) = o.prefetch_rows {
        c.prefetch_rows = n;
    }
    c.connection_class = o.connection_class;
    c.purity = match o.purity {
        Some(1) => Purity::New,
        Some(2) => Purity::SelfPurity,
        _ => Purity::Default,
    };
    if let Some(v) = o.program {
        c.program = v;
    }
    if let Some(v) = o.machine {
        c.machine = v;
    }
    if let Some(v) = o.os_user {
        c.os_user = v;
    }
    if let Some(v) = o.driver_name {
        c.driver_name = v;
    }
    c
}

fn binds(b: &NativeBinds, rows: usize) -> std::result::Result<Binds, NativeFailure> {
    let n = b.dirs.len();
    let specs = (0..n)
        .map(|i| BindSpec {
            name: match &b.names {
                Either::A(v) => v.get(i).cloned(),
                Either::B(_) => None,
            },
            dir: match b.dirs[i] {
                2 => Dir::Out,
                3 => Dir::InOut,
                _ => Dir::In,
            },
            ora_type: b.types.get(i).copied().unwrap_or(0) as u8,
            max_size: b.max_sizes.get(i).copied().unwrap_or(0),
        })
        .collect();
    let rows = values::parse_rows(&b.values, rows, n).map_err(|m| NativeFailure {
        oradb_error: true,
        code: m.get(..8).unwrap_or("ODB-3002").to_string(),
        message: m,
        offset: 0,
        is_recoverable: false,
    })?;
    Ok(Binds { specs, rows })
}

fn rows(r: oradb_client::exec::Fetched) -> NativeRows {
    NativeRows {
        row_count: r.rows.rows,
        data: r.rows.data.into(),
        done: r.done,
    }
}

/// Connects and logs on.
#[napi]
pub async fn connect(opts: NativeConnectOptions) -> Out<NativeConnection> {
    let o = options(opts);
    done(
        guarded(async move { Connection::connect(o).await })
            .await
            .map(|inner| NativeConnection {
                inner,
                pooled: None,
            }),
    )
}

#[napi]
pub struct NativeConnection {
    inner: Connection,
    /// Pooled sessions: the pool's id for release, the tag and whether it is new.
    pooled: Option<(u32, String, bool)>,
}

#[napi]
impl NativeConnection {
    /// Pool id of a pooled session (0 for a standalone connection).
    #[napi(getter)]
    pub fn pool_id(&self) -> u32 {
        self.pooled.as_ref().map_or(0, |p| p.0)
    }

    /// The session's tag when it was acquired.
    #[napi(getter)]
    pub fn pool_tag(&self) -> String {
        self.pooled
            .as_ref()
            .map(|p| p.1.clone())
            .unwrap_or_default()
    }

    /// True when the pooled session was never used before.
    #[napi(getter)]
    pub fn pool_is_new(&self) -> bool {
        self.pooled.as_ref().is_some_and(|p| p.2)
    }

    #[napi(getter)]
    pub fn server_version(&self) -> String {
        self.inner.info().server_version.clone()
    }

    #[napi]
    pub async fn execute(
        &self,
        sql: String,
        binds: NativeBinds,
        opts: NativeExecOptions,
    ) -> Out<NativeExecResult> {
        let b = match self::binds(&binds, 1) {
            Ok(b) => b,
            Err(f) => return done(Err(f)),
        };
        let o = ExecOptions {
            auto_commit: opts.auto_commit,
            prefetch_rows: opts.prefetch_rows,
            array_size: opts.array_size,
            fetch_as_string: opts.fetch_as_string.iter().map(|i| *i as usize).collect(),
        };
        let c = self.inner.clone();
        let r = match guarded(async move { c.execute(&sql, b, o).await }).await {
            Ok(r) => r,
            Err(f) => return done(Err(f)),
        };
        done(Ok(NativeExecResult {
            cursor_id: r.cursor_id,
            columns: nullable(r.columns.map(|cols| {
                cols.into_iter()
                    .map(|c| NativeColumn {
                        name: c.name,
                        db_type: c.db_type as u32,
                        size: c.size,
                        precision: c.precision as i32,
                        scale: c.scale as i32,
                        nullable: c.nullable,
                    })
                    .collect()
            })),
            rows: nullable(r.rows.map(rows)),
            rows_affected: r.rows_affected as f64,
            out_binds: nullable(r.out_binds.map(|b| HeapBytes(b.data))),
            last_rowid: nullable(r.last_rowid),
        }))
    }

    #[napi]
    pub async fn execute_many(
        &self,
        sql: String,
        binds: NativeBinds,
        row_count: u32,
        opts: NativeExecManyOptions,
    ) -> Out<NativeExecManyResult> {
        let b = match self::binds(&binds, row_count as usize) {
            Ok(b) => b,
            Err(f) => return done(Err(f)),
        };
        let o = ExecManyOptions {
            auto_commit: opts.auto_commit,
            batch_errors: opts.batch_errors,
            dml_row_counts: opts.dml_row_counts,
        };
        let c = self.inner.clone();
        let r = match guarded(async move { c.execute_many(&sql, b, o).await }).await {
            Ok(r) => r,
            Err(f) => return done(Err(f)),
        };
        done(Ok(NativeExecManyResult {
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
        }))
    }

    #[napi]
    pub async fn fetch(&self, cursor_id: u32, max_rows: u32) -> Out<NativeRows> {
        let c = self.inner.clone();
        done(
            guarded(async move { c.fetch(cursor_id, max_rows).await })
                .await
                .map(rows),
        )
    }

    #[napi]
    pub async fn close_cursor(&self, cursor_id: u32) -> Out<()> {
        let c = self.inner.clone();
        done(guarded(async move { c.close_cursor(cursor_id).await }).await)
    }

    #[napi]
    pub async fn commit(&self) -> Out<()> {
        let c = self.inner.clone();
        done(guarded(async move { c.commit().await }).await)
    }

    #[napi]
    pub async fn rollback(&self) -> Out<()> {
        let c = self.inner.clone();
        done(guarded(async move { c.rollback().await }).await)
    }

    #[napi]
    pub async fn ping(&self) -> Out<()> {
        let c = self.inner.clone();
        done(guarded(async move { c.ping().await }).await)
    }

    #[napi]
    pub async fn break_execution(&self) -> Result<()> {
        self.inner.break_execution();
        Ok(())
    }

    #[napi]
    pub async fn close(&self) -> Out<()> {
        let c = self.inner.clone();
        done(guarded(async move { c.close().await }).await)
    }

    #[napi]
    pub fn set_call_timeout(&self, ms: u32) {
        self.inner
            .set_call_timeout(Duration::from_millis(ms as u64));
    }

    #[napi]
    pub fn get_call_timeout(&self) -> u32 {
        self.inner.call_timeout().as_millis() as u32
    }
}

#[napi(object)]
pub struct NativePoolOptions {
    pub connect: NativeConnectOptions,
    pub pool_min: u32,
    pub pool_max: u32,
    pub pool_increment: u32,
    /// "wait" | "nowait" | "forceget" | "timedwait"
    pub get_mode: String,
    pub wait_timeout_ms: u32,
    pub queue_max: u32,
    pub pool_timeout_s: u32,
    pub max_lifetime_session_s: u32,
    pub ping_interval_s: i32,
}

#[napi(object)]
pub struct NativePoolStats {
    pub open: u32,
    pub busy: u32,
    pub idle: u32,
    pub waiting: u32,
    pub forced: u32,
    pub hits: f64,
    pub misses: f64,
    pub timeouts: f64,
}

#[napi]
pub struct NativePool {
    inner: oradb_client::pool::Pool,
    out: std::sync::Arc<
        std::sync::Mutex<(
            u32,
            std::collections::HashMap<u32, oradb_client::pool::PooledSession>,
        )>,
    >,
}

/// Creates a pool (opens `poolMin` sessions; the first before returning).
#[napi]
pub async fn create_pool(opts: NativePoolOptions) -> Out<NativePool> {
    use oradb_client::pool::{GetMode, Pool, PoolOptions};
    let secs = |s: u32| (s > 0).then(|| Duration::from_secs(s as u64));
    let o = PoolOptions {
        connect: options(opts.connect),
        min: opts.pool_min,
        max: opts.pool_max,
        increment: opts.pool_increment,
        get_mode: match opts.get_mode.as_str() {
            "nowait" => GetMode::NoWait,
            "forceget" => GetMode::ForceGet,
            "timedwait" => GetMode::TimedWait,
            _ => GetMode::Wait,
        },
        wait_timeout: Duration::from_millis(opts.wait_timeout_ms as u64),
        queue_max: opts.queue_max as usize,
        idle_timeout: secs(opts.pool_timeout_s),
        max_lifetime: secs(opts.max_lifetime_session_s),
        ping_interval: (opts.ping_interval_s >= 0)
            .then(|| Duration::from_secs(opts.ping_interval_s as u64)),
    };
    done(
        guarded(async move { Pool::create(o).await })
            .await
            .map(|inner| NativePool {
                inner,
                out: Default::default(),
            }),
    )
}

#[napi]
impl NativePool {
    #[napi]
    pub async fn acquire(&self, tag: String, match_any_tag: bool) -> Out<NativeConnection> {
        let pool = self.inner.clone();
        let s = match guarded(async move { pool.acquire(&tag, match_any_tag).await }).await {
            Ok(s) => s,
            Err(f) => return done(Err(f)),
        };
        let conn = s.conn.clone();
        let (tag, is_new) = (s.tag.clone(), s.is_new);
        let id = {
            let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
            out.0 = out.0.wrapping_add(1).max(1);
            let id = out.0;
            out.1.insert(id, s);
            id
        };
        done(Ok(NativeConnection {
            inner: conn,
            pooled: Some((id, tag, is_new)),
        }))
    }

    #[napi]
    pub async fn release(&self, id: u32, tag: String, drop: bool) -> Out<()> {
        let s = self
            .out
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .remove(&id);
        let Some(s) = s else {
            return done(Err(NativeFailure {
                oradb_error: true,
                code: "ODB-2008".into(),
                message: "ODB-2008: the connection was already released".into(),
                offset: 0,
                is_recoverable: false,
            }));
        };
        let pool = self.inner.clone();
        done(guarded(async move { pool.release(s, Some(&tag), drop).await }).await)
    }

    #[napi]
    pub async fn close(&self, force: bool) -> Out<()> {
        let pool = self.inner.clone();
        done(guarded(async move { pool.close(force).await }).await)
    }

    #[napi]
    pub fn statistics(&self) -> NativePoolStats {
        let s = self.inner.stats();
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
