//! The one registry of oradb's own error codes (`ODB-nnnn`), used by every Rust crate and
//! mirrored by `ErrorCode` in `src/errors.ts` under the same names; `tests/errors_test.ts`
//! fails when the two differ, and `docs/errors.md` explains each code to users.
//!
//! Ranges: connect 1xxx, pool 2xxx, bind/type 3xxx, protocol/internal 4xxx, usage 5xxx.
//! A code is public API: never reuse a number for another meaning. Some codes are raised
//! only by the TypeScript layer and are listed here so that the table stays whole.

/// The native addon could not be loaded (TypeScript).
pub const NATIVE_LOAD_FAILED: &str = "ODB-1000";
/// An argument of `makeDsn()` is invalid (TypeScript).
pub const INVALID_DSN_ARGUMENT: &str = "ODB-1001";
/// A connect identifier is neither Easy Connect nor an alias found in tnsnames.ora.
pub const TNS_ALIAS_NOT_FOUND: &str = "ODB-1002";
/// The connect string resolved to no address to connect to.
pub const NO_ADDRESS: &str = "ODB-1003";
/// The connect string (Easy Connect, descriptor or tnsnames.ora entry) is malformed.
pub const INVALID_CONNECT_STRING: &str = "ODB-1004";
/// Deno's permissions do not allow network access to the database (TypeScript).
pub const NET_PERMISSION_DENIED: &str = "ODB-1005";
/// The connection to the database was lost (socket closed or failed); the session is gone.
pub const CONNECTION_LOST: &str = "ODB-1010";
/// The database server could not be reached (connection refused or failed).
pub const CONNECT_FAILED: &str = "ODB-1011";
/// Connecting, the TLS handshake or logging on took longer than `connectTimeout`.
pub const CONNECT_TIMEOUT: &str = "ODB-1012";
/// The server uses a password verifier other than the 12c one.
pub const UNSUPPORTED_VERIFIER: &str = "ODB-1015";
/// The logon exchange failed on data the server sent.
pub const LOGON_FAILED: &str = "ODB-1016";
/// The server could not prove that it knows the password.
pub const SERVER_AUTH_FAILED: &str = "ODB-1017";
/// The server speaks a TNS version older than oradb supports.
pub const UNSUPPORTED_SERVER_VERSION: &str = "ODB-1020";
/// TLS could not be set up: no usable trusted certificates, or a bad wallet.
pub const TLS_SETUP_FAILED: &str = "ODB-1031";
/// The TLS handshake failed, or the host is not a valid TLS server name.
pub const TLS_HANDSHAKE_FAILED: &str = "ODB-1032";
/// Native network encryption: the negotiation or the key exchange failed
/// (the server's answer is unusable), or a protected packet cannot be read.
pub const NETWORK_ENCRYPTION_FAILED: &str = "ODB-1033";
/// Native network encryption or integrity `required` on a `tcps` address:
/// TLS already protects it, and the two are never combined.
pub const NNE_WITH_TLS: &str = "ODB-1034";
/// Thick mode: Oracle's client library (libclntsh) could not be loaded (ODPI-C's DPI-1047).
pub const THICK_LIBRARY_NOT_LOADED: &str = "ODB-1040";
/// Thick mode: not available there yet, or `initOracleClient()` was called with other options.
pub const THICK_UNAVAILABLE: &str = "ODB-1041";
/// The pool is closed.
pub const POOL_CLOSED: &str = "ODB-2001";
/// Every session of the pool is in use and `getMode` is no-wait.
pub const POOL_EXHAUSTED: &str = "ODB-2002";
/// The pool's wait queue is full (`queueMax`).
pub const POOL_QUEUE_FULL: &str = "ODB-2003";
/// `acquire()` waited `waitTimeout` ms for a session.
pub const POOL_WAIT_TIMEOUT: &str = "ODB-2004";
/// A session tag is malformed (it must be `key=value` pairs separated by `;`).
pub const INVALID_TAG: &str = "ODB-2005";
/// The pool cannot close while sessions are in use (give `force` or `drainTime`).
pub const POOL_IN_USE: &str = "ODB-2006";
/// `poolMin` exceeds `poolMax`, or `poolMax` is 0.
pub const INVALID_POOL_LIMITS: &str = "ODB-2007";
/// A connection given to `release()` is not an open connection of that pool.
pub const NOT_FROM_POOL: &str = "ODB-2008";
/// `user`/`password` of `acquire()` do not fit the pool (homogeneous or heterogeneous).
pub const INVALID_ACQUIRE_CREDENTIALS: &str = "ODB-2009";
/// `acquire()` was aborted by its `signal`.
pub const ACQUIRE_ABORTED: &str = "ODB-2010";
/// A bind value is of a kind that cannot be bound (function, symbol, invalid Date…).
pub const UNSUPPORTED_BIND_VALUE: &str = "ODB-3000";
/// A bind value cannot be held by its Oracle type (NaN as NUMBER, overflow, bool as DATE…).
pub const BIND_CONVERSION_FAILED: &str = "ODB-3001";
/// An explicit bind `{ dir, type, maxSize, val }` is malformed.
pub const INVALID_BIND_SPEC: &str = "ODB-3002";
/// Rows of `executeMany()` do not have the shape of the first row.
pub const BIND_SHAPE_MISMATCH: &str = "ODB-3003";
/// A fetched value cannot be converted to the requested JS type.
pub const FETCH_CONVERSION_FAILED: &str = "ODB-3004";
/// Positional binds: the number of values differs from the number of placeholders.
pub const BIND_COUNT_MISMATCH: &str = "ODB-3005";
/// Named binds: a placeholder of the statement has no value.
pub const BIND_MISSING: &str = "ODB-3006";
/// Named binds: a value names no placeholder of the statement (often a typo).
pub const BIND_NOT_IN_STATEMENT: &str = "ODB-3007";
/// An OUT value (RETURNING … INTO) is longer than its bind's `maxSize`: the server
/// sent it cut short.
pub const OUT_VALUE_TRUNCATED: &str = "ODB-3008";
/// A column has an Oracle type that oradb cannot fetch yet.
pub const UNSUPPORTED_FETCH_TYPE: &str = "ODB-3010";
/// A Rust panic or another internal failure of the native layer.
pub const INTERNAL: &str = "ODB-4000";
/// The tagged value buffer from the native layer is malformed (TypeScript).
pub const MALFORMED_VALUE_BUFFER: &str = "ODB-4001";
/// A Node-API call of the native layer failed.
pub const NAPI_FAILED: &str = "ODB-4002";
/// The native layer could not start its I/O runtime or thread.
pub const RUNTIME_START_FAILED: &str = "ODB-4003";
/// The native layer was called with an argument of the wrong type.
pub const INVALID_NATIVE_ARGUMENT: &str = "ODB-4004";
/// The server sent something oradb cannot decode; the session is closed.
pub const PROTOCOL_ERROR: &str = "ODB-4005";
/// The tagged bind buffer from the TypeScript layer is malformed.
pub const MALFORMED_BIND_BUFFER: &str = "ODB-4006";
/// The connection was closed, then used.
pub const CONNECTION_CLOSED: &str = "ODB-5000";
/// The cursor was closed (or never opened), then used.
pub const CURSOR_CLOSED: &str = "ODB-5001";
/// An option has the wrong type or an out-of-range value (TypeScript).
pub const INVALID_OPTION: &str = "ODB-5002";
/// Why `batchErrors` / `dmlRowCounts` fail on a statement that is not DML (both backends).
pub const DML_ONLY_MANY_OPTIONS: &str = "Options \"batchErrors\" and \"dmlRowCounts\" of \
    executeMany() apply to INSERT, UPDATE, DELETE and MERGE statements only";
/// An option name is not known, often a typo (TypeScript).
pub const UNKNOWN_OPTION: &str = "ODB-5003";
/// The call was aborted by its `signal` (TypeScript).
pub const CALL_ABORTED: &str = "ODB-5004";
/// An argument of a method has the wrong type, or a method lost its object (TypeScript).
pub const INVALID_ARGUMENT: &str = "ODB-5005";
/// The user's own code called by oradb threw (TypeScript).
pub const USER_CODE_FAILED: &str = "ODB-5006";
/// The call took longer than `callTimeout` and was cancelled on the server.
pub const CALL_TIMEOUT: &str = "ODB-5011";
/// The LOB was closed (or freed), then used.
pub const LOB_CLOSED: &str = "ODB-5012";
/// The LOB's connection was closed, then the LOB used: its locator is no longer valid.
pub const LOB_CONNECTION_CLOSED: &str = "ODB-5013";
/// The LOB operation does not apply to this kind of LOB (a write to a BFILE, a file method on
/// a CLOB or BLOB).
pub const LOB_OPERATION_UNSUPPORTED: &str = "ODB-5014";
