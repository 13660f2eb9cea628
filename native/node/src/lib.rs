//! Node-API glue: converts JS values and errors to and from `oradb-client`
//! and nothing else. Network I/O and decoding run on the addon's tokio
//! threads; results reach JS as one buffer per batch of rows.

#![deny(clippy::all)]

mod call;
mod lob;
pub mod log;
pub mod object;
pub mod thick;
pub mod thick_gate;
mod thick_lob;
pub mod thick_pool;
mod uv;
mod values;

use std::future::Future;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::JsObject;
use napi_derive::napi;
use oradb_client::binds::Binds;
use oradb_client::exec::{ExecManyOptions, ExecOptions};
use oradb_client::options::{ConnectOptions, Purity};
use oradb_client::Connection;
use oradb_protocol::codes;

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

type Out<T> = Either<T, NativeFailure>;

fn failure(e: &oradb_client::Error) -> NativeFailure {
    NativeFailure {
        oradb_error: true,
        code: e.code().to_string(),
        message: e.message().to_string(),
        offset: e.offset(),
        is_recoverable: e.is_recoverable(),
    }
}

/// Bind data up to this size is encoded on the JS thread by an eager call
/// (see `call::spawn_eager`); beyond it, on the I/O thread.
const EAGER_MAX_BIND_BYTES: usize = 32 * 1024;

/// Awaits a client call. A panic inside it is caught by `call::spawn`, which
/// rejects the promise with [`codes::INTERNAL`], so none reaches Node.
async fn guarded<T: Send + 'static>(
    fut: impl Future<Output = oradb_client::Result<T>> + Send + 'static,
) -> std::result::Result<T, NativeFailure> {
    fut.await.map_err(|e| failure(&e))
}

fn done<T>(r: std::result::Result<T, NativeFailure>) -> Out<T> {
    match r {
        Ok(v) => Either::A(v),
        Err(f) => Either::B(f),
    }
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
    /// The session time zone (`+05:30`), set at logon.
    pub time_zone: Option<String>,
    pub wallet_location: Option<String>,
    pub ssl_server_dn_match: Option<bool>,
    pub ssl_server_cert_dn: Option<String>,
    pub network_encryption: Option<String>,
    pub encryption_types: Option<Vec<String>>,
    pub network_integrity: Option<String>,
    pub integrity_types: Option<Vec<String>>,
    /// Sub-keys as `s:`/`n:`/`d:`/`b:` text (src/_options.ts `shardingKeyText`).
    pub sharding_key: Option<Vec<String>>,
    pub super_sharding_key: Option<Vec<String>>,
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
                format!("{}: cannot allocate a result buffer", codes::NAPI_FAILED),
            ));
        }
        Ok(out)
    }
}

/// A small Uint8Array argument copied on the JS thread. napi-rs's `Buffer`
/// keeps a reference that, dropped on a tokio thread, costs an extra
/// wake-up of the JS thread per argument.
pub struct Bytes(Vec<u8>);

impl TypeName for Bytes {
    fn type_name() -> &'static str {
        "Uint8Array"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Bytes {}

impl FromNapiValue for Bytes {
    unsafe fn from_napi_value(env: napi::sys::napi_env, v: napi::sys::napi_value) -> Result<Self> {
        use napi::sys;
        let mut ty = 0;
        // SAFETY: N-API calls on the JS thread with valid out-pointers; the
        // bytes are copied before returning.
        unsafe {
            sys::napi_typeof(env, v, &mut ty);
            if ty == sys::ValueType::napi_null || ty == sys::ValueType::napi_undefined {
                return Ok(Bytes(Vec::new()));
            }
            let mut kind = 0;
            let mut len = 0usize;
            let mut data = std::ptr::null_mut();
            let mut ab = std::ptr::null_mut();
            let mut offset = 0usize;
            let status = sys::napi_get_typedarray_info(
                env,
                v,
                &mut kind,
                &mut len,
                &mut data,
                &mut ab,
                &mut offset,
            );
            if status != sys::Status::napi_ok || kind != sys::TypedarrayType::uint8_array {
                return Err(Error::new(
                    Status::InvalidArg,
                    format!(
                        "{}: expected a Uint8Array argument",
                        codes::INVALID_NATIVE_ARGUMENT
                    ),
                ));
            }
            if len == 0 || data.is_null() {
                return Ok(Bytes(Vec::new()));
            }
            Ok(Bytes(
                std::slice::from_raw_parts(data.cast::<u8>(), len).to_vec(),
            ))
        }
    }
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
    /// With OUT binds: per iteration, one tagged value per bind (thin only).
    pub out_binds: Option<HeapBytes>,
}

fn options(o: NativeConnectOptions) -> oradb_client::Result<ConnectOptions> {
    let network = oradb_client::options::network_policy_in(
        o.config_dir.as_deref().map(std::path::Path::new),
        o.network_encryption.as_deref(),
        o.encryption_types.as_deref(),
        o.network_integrity.as_deref(),
        o.integrity_types.as_deref(),
    )?;
    let mut c = ConnectOptions {
        user: o.user,
        password: o.password,
        connect_string: o.connect_string,
        ..Default::default()
    };
    c.config_dir = o.config_dir.map(Into::into);
    if let Some(k) = &o.sharding_key {
        c.sharding_key = oradb_client::options::sharding_key("shardingKey", k)?;
    }
    if let Some(k) = &o.super_sharding_key {
        c.super_sharding_key = oradb_client::options::sharding_key("superShardingKey", k)?;
    }
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
    c.time_zone = o.time_zone;
    c.wallet_location = o.wallet_location.map(Into::into);
    if let Some(v) = o.ssl_server_dn_match {
        c.ssl_server_dn_match = v;
    }
    c.ssl_server_cert_dn = o.ssl_server_cert_dn;
    c.network = network;
    Ok(c)
}

fn bad_binds(m: String) -> NativeFailure {
    NativeFailure {
        oradb_error: true,
        code: codes::MALFORMED_BIND_BUFFER.into(),
        message: format!(
            "{}: bind buffer is malformed: {m}",
            codes::MALFORMED_BIND_BUFFER
        ),
        offset: 0,
        is_recoverable: false,
    }
}

/// Bind specs and `rows` rows of tagged values (BOUNDARY.md, "Bind specs").
fn binds(specs: &[u8], values: &[u8], rows: usize) -> std::result::Result<Binds, NativeFailure> {
    let (specs, arrays) = values::parse_specs_arrays(specs).map_err(bad_binds)?;
    let (mut rows, saw_array) =
        values::parse_rows_arrays(values, rows, specs.len()).map_err(bad_binds)?;
    // Scalar binds only (the executeMany fast path): nothing to look at again.
    if saw_array || arrays.iter().any(Option::is_some) {
        values::apply_arrays(&mut rows, &arrays).map_err(bad_binds)?;
    }
    Ok(Binds { specs, rows })
}

/// Rows, then a 5-byte trailer (row count, done), so the row data is never
/// copied to make room for a header.
fn rows_bytes(r: oradb_client::exec::Fetched) -> HeapBytes {
    let mut data = r.rows.data;
    data.extend_from_slice(&r.rows.rows.to_le_bytes());
    data.push(r.done as u8);
    HeapBytes(data)
}

/// An execute result as one buffer (BOUNDARY.md, "Execute result"): one
/// napi call instead of an object per column and a property per field.
fn exec_bytes(r: oradb_client::exec::ExecResult) -> HeapBytes {
    let (mut out, row_count, done) = match r.rows {
        Some(f) => (f.rows.data, Some(f.rows.rows), f.done),
        None => (Vec::new(), None, false),
    };
    let meta_at = out.len() as u32;
    let flags = r.columns.is_some() as u8
        | (row_count.is_some() as u8) << 1
        | (done as u8) << 2
        | (r.out_binds.is_some() as u8) << 3
        | (r.last_rowid.is_some() as u8) << 4
        | (r.implicit_results.is_some() as u8) << 5;
    out.push(flags);
    out.extend_from_slice(&r.cursor_id.to_le_bytes());
    out.extend_from_slice(&(r.rows_affected as f64).to_le_bytes());
    if let Some(cols) = &r.columns {
        oradb_client::rowbuf::write_columns(&mut out, cols);
    }
    if let Some(n) = row_count {
        out.extend_from_slice(&n.to_le_bytes());
    }
    if let Some(b) = &r.out_binds {
        out.extend_from_slice(&(b.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&b.data);
    }
    if let Some(id) = &r.last_rowid {
        out.extend_from_slice(&(id.len() as u32).to_le_bytes());
        out.extend_from_slice(id.as_bytes());
    }
    if let Some(b) = &r.implicit_results {
        out.extend_from_slice(&(b.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&b.data);
    }
    out.extend_from_slice(&meta_at.to_le_bytes());
    HeapBytes(out)
}

/// Column indexes in the execute options after the first three words: a
/// set high bit marks a LOB column fetched as locators, else a NUMBER
/// column fetched as text.
fn column_words(words: &[u32], lobs: bool) -> Vec<usize> {
    const LOB: u32 = 0x8000_0000;
    words
        .iter()
        .skip(3)
        .filter(|w| (*w & LOB != 0) == lobs)
        .map(|w| (w & !LOB) as usize)
        .collect()
}

/// Connects and logs on.
#[napi]
pub fn connect(env: Env, opts: NativeConnectOptions) -> Result<JsObject> {
    log::init();
    let o = options(opts);
    call::spawn(env, async move {
        done(
            guarded(async move { Connection::connect(o?).await })
                .await
                .map(|inner| NativeConnection {
                    inner,
                    pooled: None,
                }),
        )
    })
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

    /// The native network encryption algorithm in use (`AES256`…), or null.
    #[napi(getter)]
    pub fn network_encryption(&self) -> Option<String> {
        let n = self.inner.info().network;
        n.encryption.map(|a| a.name().to_string())
    }

    /// The native network integrity algorithm in use (`SHA512`…), or null.
    #[napi(getter)]
    pub fn network_integrity(&self) -> Option<String> {
        let n = self.inner.info().network;
        n.integrity.map(|a| a.name().to_string())
    }

    /// Executes once; resolves to the execute-result buffer (BOUNDARY.md).
    /// `opts` holds u32s: flags (bit 0 autoCommit), prefetch rows, array
    /// size, then the column indexes to fetch as text.
    #[napi]
    pub fn execute(
        &self,
        env: Env,
        sql: String,
        specs: Bytes,
        values: Bytes,
        opts: Bytes,
    ) -> Result<JsObject> {
        let c = self.inner.clone();
        // Large binds are encoded on the I/O thread, not on the JS thread.
        let eager = values.0.len() <= EAGER_MAX_BIND_BYTES;
        let wake_fd = c.wake_fd();
        let fut = async move {
            let b = match binds(&specs.0, &values.0, 1) {
                Ok(b) => b,
                Err(f) => return done(Err(f)),
            };
            let words: Vec<u32> = opts
                .0
                .chunks_exact(4)
                .map(|i| u32::from_le_bytes([i[0], i[1], i[2], i[3]]))
                .collect();
            let word = |i: usize| words.get(i).copied().unwrap_or(0);
            let o = ExecOptions {
                auto_commit: word(0) & 1 != 0,
                prefetch_rows: word(1),
                array_size: word(2),
                fetch_as_string: column_words(&words, false),
                fetch_lobs: column_words(&words, true),
                defer_lobs: word(0) & 2 != 0,
            };
            done(
                guarded(async move { c.execute(&sql, b, o).await })
                    .await
                    .map(exec_bytes),
            )
        };
        if eager {
            call::spawn_eager(env, wake_fd, fut)
        } else {
            call::spawn(env, fut)
        }
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
        call::spawn(env, async move {
            let b = match binds(&specs.0, &values, row_count as usize) {
                Ok(b) => b,
                Err(f) => return done(Err(f)),
            };
            let o = ExecManyOptions {
                auto_commit: flags & 1 != 0,
                batch_errors: flags & 2 != 0,
                dml_row_counts: flags & 4 != 0,
            };
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
                out_binds: r.out_binds.map(|b| HeapBytes(b.data)),
            }))
        })
    }

    #[napi]
    pub fn fetch(&self, env: Env, cursor_id: u32, max_rows: u32) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(
                guarded(async move { c.fetch(cursor_id, max_rows).await })
                    .await
                    .map(rows_bytes),
            )
        })
    }

    #[napi]
    pub fn close_cursor(&self, env: Env, cursor_id: u32) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(guarded(async move { c.close_cursor(cursor_id).await }).await)
        })
    }

    #[napi]
    pub fn commit(&self, env: Env) -> Result<JsObject> {
        let c = self.inner.clone();
        // A small request and answer: on the JS thread like a small execute.
        let wake_fd = c.wake_fd();
        call::spawn_eager(env, wake_fd, async move {
            done(guarded(async move { c.commit().await }).await)
        })
    }

    #[napi]
    pub fn rollback(&self, env: Env) -> Result<JsObject> {
        let c = self.inner.clone();
        // A small request and answer: on the JS thread like a small execute.
        let wake_fd = c.wake_fd();
        call::spawn_eager(env, wake_fd, async move {
            done(guarded(async move { c.rollback().await }).await)
        })
    }

    #[napi]
    pub fn ping(&self, env: Env) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(guarded(async move { c.ping().await }).await)
        })
    }

    #[napi]
    pub fn break_execution(&self, env: Env) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            c.break_execution();
        })
    }

    #[napi]
    pub fn close(&self, env: Env) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(guarded(async move { c.close().await }).await)
        })
    }

    /// Sets an end-to-end attribute, sent with the next call: 0 client id,
    /// 1 module, 2 action, 3 client info, 4 DB operation, 5 ECID.
    #[napi]
    pub fn set_end_to_end(&self, which: u32, value: String) {
        use oradb_client::EndToEnd as E;
        let which = match which {
            0 => E::ClientId,
            1 => E::Module,
            2 => E::Action,
            3 => E::ClientInfo,
            4 => E::DbOp,
            _ => E::Ecid,
        };
        self.inner.set_end_to_end(which, &value);
    }

    /// False once the session is known to be gone (closed socket, killed),
    /// checked without a round trip.
    #[napi]
    pub fn is_healthy(&self) -> bool {
        self.inner.probe_alive()
    }

    /// Closes even while a call is stuck (see `Connection::force_close`).
    #[napi]
    pub fn force_close(&self, env: Env, grace_ms: u32) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            let grace = Duration::from_millis(u64::from(grace_ms));
            done(guarded(async move { c.force_close(grace).await }).await)
        })
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
    /// 0 = no limit.
    pub max_sessions_per_shard: u32,
    pub homogeneous: bool,
}

#[napi(object)]
pub struct NativePoolLimits {
    pub pool_min: u32,
    pub pool_max: u32,
    pub pool_increment: u32,
    pub get_mode: String,
    pub wait_timeout_ms: u32,
    pub queue_max: u32,
    pub pool_timeout_s: u32,
    pub max_lifetime_session_s: u32,
    pub ping_interval_s: i32,
    /// 0 = no limit.
    pub max_sessions_per_shard: u32,
}

#[napi(object)]
#[derive(Default)]
pub struct NativeAcquire {
    pub tag: String,
    pub match_any_tag: bool,
    pub user: Option<String>,
    pub password: Option<String>,
    pub connection_class: Option<String>,
    /// 0 the pool's, 1 new, 2 self.
    pub purity: u32,
    /// This session's keys as `s:`/`n:`/`d:`/`b:` text; both absent: the pool's.
    pub sharding_key: Option<Vec<String>>,
    pub super_sharding_key: Option<Vec<String>>,
}

fn limits(o: &NativePoolLimits) -> oradb_client::pool::PoolLimits {
    use oradb_client::pool::GetMode;
    let secs = |s: u32| (s > 0).then(|| Duration::from_secs(s as u64));
    oradb_client::pool::PoolLimits {
        min: o.pool_min,
        max: o.pool_max,
        increment: o.pool_increment.max(1),
        get_mode: match o.get_mode.as_str() {
            "nowait" => GetMode::NoWait,
            "forceget" => GetMode::ForceGet,
            "timedwait" => GetMode::TimedWait,
            _ => GetMode::Wait,
        },
        wait_timeout: Duration::from_millis(o.wait_timeout_ms as u64),
        queue_max: o.queue_max as usize,
        idle_timeout: secs(o.pool_timeout_s),
        max_lifetime: secs(o.max_lifetime_session_s),
        ping_interval: (o.ping_interval_s >= 0)
            .then(|| Duration::from_secs(o.ping_interval_s as u64)),
        max_per_shard: o.max_sessions_per_shard,
    }
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
    out: Checkouts,
    /// Waiting acquires that can be aborted, by request id.
    cancels: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<u32, std::sync::Arc<tokio::sync::Notify>>>,
    >,
}

fn acquire_request(req: NativeAcquire) -> oradb_client::Result<oradb_client::pool::AcquireRequest> {
    let key = |option: &str, k: Option<Vec<String>>| {
        k.map(|k| oradb_client::options::sharding_key(option, &k))
            .transpose()
    };
    Ok(oradb_client::pool::AcquireRequest {
        sharding_key: key("shardingKey", req.sharding_key)?,
        super_sharding_key: key("superShardingKey", req.super_sharding_key)?,
        tag: req.tag,
        match_any_tag: req.match_any_tag,
        user: req.user,
        password: req.password,
        connection_class: req.connection_class,
        purity: match req.purity {
            1 => Some(Purity::New),
            2 => Some(Purity::SelfPurity),
            _ => None,
        },
    })
}

/// Registers a handed-out session under a fresh id for `release`.
fn checkout(out: &Checkouts, s: oradb_client::pool::PooledSession) -> NativeConnection {
    let conn = s.conn.clone();
    let (tag, is_new) = (s.tag.clone(), s.is_new);
    let id = {
        let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
        out.0 = out.0.wrapping_add(1).max(1);
        let id = out.0;
        out.1.insert(id, s);
        id
    };
    NativeConnection {
        inner: conn,
        pooled: Some((id, tag, is_new)),
    }
}

/// Sessions handed to JS, by id: the last id given and the sessions.
type Checkouts = std::sync::Arc<
    std::sync::Mutex<(
        u32,
        std::collections::HashMap<u32, oradb_client::pool::PooledSession>,
    )>,
>;

/// Creates a pool (opens `poolMin` sessions; the first before returning).
#[napi]
pub fn create_pool(env: Env, opts: NativePoolOptions) -> Result<JsObject> {
    log::init();
    use oradb_client::pool::{Pool, PoolOptions};
    let l = NativePoolLimits {
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
    };
    let connect = options(opts.connect);
    let homogeneous = opts.homogeneous;
    let limits = limits(&l);
    call::spawn(env, async move {
        done(
            guarded(async move {
                let o = PoolOptions {
                    connect: connect?,
                    homogeneous,
                    limits,
                };
                Pool::create(o).await
            })
            .await
            .map(|inner| NativePool {
                inner,
                out: Default::default(),
                cancels: Default::default(),
            }),
        )
    })
}

#[napi]
impl NativePool {
    /// Acquires a session; `request_id` (non-zero) lets `cancel_acquire` stop the wait.
    #[napi]
    pub fn acquire(&self, env: Env, req: NativeAcquire, request_id: u32) -> Result<JsObject> {
        self.start_acquire(env, req, request_id, None)
    }

    /// `acquire` for a parked waiter told to retry (see `take_parked`): it
    /// keeps its place in the queue; `left_ms` (>= 0) is what remains of a
    /// timed wait.
    #[napi]
    pub fn acquire_queued(
        &self,
        env: Env,
        req: NativeAcquire,
        id: f64,
        request_id: u32,
        left_ms: i32,
    ) -> Result<JsObject> {
        let left = u64::try_from(left_ms).ok().map(Duration::from_millis);
        self.start_acquire(env, req, request_id, Some((id as u64, left)))
    }

    fn start_acquire(
        &self,
        env: Env,
        req: NativeAcquire,
        request_id: u32,
        resume: Option<(u64, Option<Duration>)>,
    ) -> Result<JsObject> {
        let r = match acquire_request(req) {
            Ok(r) => r,
            Err(e) => return call::spawn(env, async move { done::<()>(Err(failure(&e))) }),
        };
        let pool = self.inner.clone();
        let out = self.out.clone();
        let cancel = std::sync::Arc::new(tokio::sync::Notify::new());
        if request_id != 0 {
            self.cancels
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(request_id, cancel.clone());
        }
        let cancels = self.cancels.clone();
        call::spawn(env, async move {
            let out = tokio::select! {
                r = Self::acquire_on(pool, out, r, resume) => r,
                _ = cancel.notified() => done(Err(NativeFailure {
                    oradb_error: true,
                    code: codes::ACQUIRE_ABORTED.into(),
                    message: format!("{}: acquire() was aborted", codes::ACQUIRE_ABORTED),
                    offset: 0,
                    is_recoverable: false,
                })),
            };
            cancels
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&request_id);
            out
        })
    }

    /// Stops a waiting `acquire` (its promise resolves to ODB-2010); a no-op
    /// once it has completed.
    #[napi]
    pub fn cancel_acquire(&self, request_id: u32) {
        if let Some(n) = self
            .cancels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&request_id)
        {
            n.notify_one();
        }
    }

    async fn acquire_on(
        pool: oradb_client::pool::Pool,
        out: Checkouts,
        req: oradb_client::pool::AcquireRequest,
        resume: Option<(u64, Option<Duration>)>,
    ) -> Out<NativeConnection> {
        let s = match guarded(async move {
            match resume {
                Some((id, left)) => pool.acquire_queued(&req, id, left).await,
                None => pool.acquire(&req).await,
            }
        })
        .await
        {
            Ok(s) => s,
            Err(f) => return done(Err(f)),
        };
        done(Ok(checkout(&out, s)))
    }

    /// The synchronous fast path: an idle session that needs no ping (no
    /// I/O: a lock and a non-blocking probe), or, when the request must wait,
    /// its id as a parked waiter (a number): its session comes from `take_parked`. `null`: call
    /// `acquire`. `req` may be `null` for the pool's defaults.
    #[napi]
    pub fn try_acquire_or_park(
        &self,
        req: Option<NativeAcquire>,
    ) -> Either4<NativeConnection, NativeFailure, f64, Null> {
        use oradb_client::pool::TryAcquire;
        // `null`: the pool's defaults (no tag, credentials or class), the
        // common case, without reading an object's properties.
        let req = match acquire_request(req.unwrap_or_default()) {
            Ok(r) => r,
            Err(e) => return Either4::B(failure(&e)),
        };
        match self.inner.try_acquire_or_park(&req) {
            Ok(TryAcquire::Session(s)) => Either4::A(checkout(&self.out, s)),
            Ok(TryAcquire::Parked(id)) => Either4::C(id as f64),
            Ok(TryAcquire::Async) => Either4::D(Null),
            Err(e) => Either4::B(failure(&e)),
        }
    }

    /// What parked waiters got, flattened: id, then the connection or
    /// `null` (retry with `acquire_queued`), for each.
    #[napi]
    pub fn take_parked(&self) -> Vec<Either3<f64, NativeConnection, Null>> {
        use oradb_client::pool::ParkedOutcome;
        let mut v = Vec::new();
        for (id, outcome) in self.inner.take_parked() {
            v.push(Either3::A(id as f64));
            v.push(match outcome {
                ParkedOutcome::Session(s) => Either3::B(checkout(&self.out, s)),
                ParkedOutcome::Retry => Either3::C(Null),
            });
        }
        v
    }

    /// Resolves when parked waiters may have got something off the JS
    /// thread (or after `wake_parked`); then call `take_parked`.
    #[napi]
    pub fn parked_ready(&self, env: Env) -> Result<JsObject> {
        let pool = self.inner.clone();
        call::spawn(env, async move {
            pool.parked_ready().await;
            done(Ok(()))
        })
    }

    /// Ends a pending `parked_ready` (nobody is parked any more).
    #[napi]
    pub fn wake_parked(&self) {
        self.inner.wake_parked();
    }

    /// A parked waiter gives up: a session it got meanwhile (use it), or
    /// `null` (it left the queue), or ODB-2004 when `timed_out`.
    #[napi]
    pub fn leave_parked(
        &self,
        id: f64,
        timed_out: bool,
    ) -> Either3<NativeConnection, NativeFailure, Null> {
        match self.inner.leave_parked(id as u64, timed_out) {
            Ok(Some(s)) => Either3::A(checkout(&self.out, s)),
            Ok(None) => Either3::C(Null),
            Err(e) => Either3::B(failure(&e)),
        }
    }

    /// The synchronous fast path of `release`: 1 when the session went back
    /// at once (2: and a parked waiter got something, see `take_parked`);
    /// 0 when it needs `release` (a rollback or a close).
    #[napi]
    pub fn try_release(&self, id: u32, tag: String, drop: bool) -> u32 {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let Some(s) = out.1.remove(&id) else {
            return 0;
        };
        match self.inner.try_release(s, Some(&tag), drop) {
            None => {
                std::mem::drop(out);
                if self.inner.has_parked_outcomes() {
                    2
                } else {
                    1
                }
            }
            Some(s) => {
                out.1.insert(id, s);
                0
            }
        }
    }

    #[napi]
    pub fn release(&self, env: Env, id: u32, tag: String, drop: bool) -> Result<JsObject> {
        let pool = self.inner.clone();
        let out = self.out.clone();
        call::spawn(env, async move {
            Self::release_on(pool, out, id, tag, drop).await
        })
    }

    async fn release_on(
        pool: oradb_client::pool::Pool,
        out: Checkouts,
        id: u32,
        tag: String,
        drop: bool,
    ) -> Out<()> {
        let s = out.lock().unwrap_or_else(|p| p.into_inner()).1.remove(&id);
        let Some(s) = s else {
            return done(Err(NativeFailure {
                oradb_error: true,
                code: codes::NOT_FROM_POOL.into(),
                message: format!(
                    "{}: the connection was already released",
                    codes::NOT_FROM_POOL
                ),
                offset: 0,
                is_recoverable: false,
            }));
        };
        done(guarded(async move { pool.release(s, Some(&tag), drop).await }).await)
    }

    /// `drain_ms` < 0: no drain time; a double so that long drains and
    /// Infinity (wait for every session) are not truncated.
    #[napi]
    pub fn close(&self, env: Env, force: bool, drain_ms: f64) -> Result<JsObject> {
        let pool = self.inner.clone();
        let drain = (drain_ms >= 0.0)
            .then(|| Duration::try_from_secs_f64(drain_ms / 1000.0).unwrap_or(Duration::MAX));
        call::spawn(env, async move {
            done(guarded(async move { pool.close(force, drain).await }).await)
        })
    }

    #[napi]
    pub fn reconfigure(&self, l: NativePoolLimits) -> Out<()> {
        done(self.inner.reconfigure(limits(&l)).map_err(|e| failure(&e)))
    }

    /// Acquires waiting for a session: `statistics().waiting` without building the object
    /// (the Kysely dialect asks at every release).
    #[napi]
    pub fn waiting(&self) -> u32 {
        self.inner.stats().waiting
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
