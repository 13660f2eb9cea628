/**
 * The one error class of oradb, its own error codes, and the conversion of errors that the
 * native addon rejects with.
 *
 * @module
 */

/**
 * oradb's own error codes, grouped by range: connect 1xxx, pool 2xxx, bind/type 3xxx,
 * protocol/internal 4xxx, usage 5xxx. Server errors keep their `ORA-nnnnn` code. The native
 * layer uses the same table (`native/protocol/src/codes.rs`); `docs/errors.md` explains each.
 *
 * @example
 * ```ts
 * import { ErrorCode, OracleError } from "./errors.ts";
 *
 * function isClosed(err: unknown): boolean {
 *   return err instanceof OracleError && err.code === ErrorCode.CONNECTION_CLOSED;
 * }
 * ```
 */
export const ErrorCode = {
  /** The native addon could not be loaded. */
  NATIVE_LOAD_FAILED: "ODB-1000",
  /** An argument of `makeDsn()` is invalid. */
  INVALID_DSN_ARGUMENT: "ODB-1001",
  /** A connect identifier is neither Easy Connect nor an alias found in tnsnames.ora. */
  TNS_ALIAS_NOT_FOUND: "ODB-1002",
  /** The connect string resolved to no address to connect to. */
  NO_ADDRESS: "ODB-1003",
  /** The connect string (Easy Connect, descriptor or tnsnames.ora entry) is malformed. */
  INVALID_CONNECT_STRING: "ODB-1004",
  /**
   * Deno's permissions do not allow network access to the database (`--allow-net`); checked
   * before the native layer opens a socket, which Deno's permissions would not see.
   */
  NET_PERMISSION_DENIED: "ODB-1005",
  /** The connection to the database was lost (socket closed or failed); the session is gone. */
  CONNECTION_LOST: "ODB-1010",
  /** The database server could not be reached (connection refused or failed). */
  CONNECT_FAILED: "ODB-1011",
  /** Connecting, the TLS handshake or logging on took longer than `connectTimeout`. */
  CONNECT_TIMEOUT: "ODB-1012",
  /** The server uses a password verifier other than the 12c one. */
  UNSUPPORTED_VERIFIER: "ODB-1015",
  /** The logon exchange failed on data the server sent. */
  LOGON_FAILED: "ODB-1016",
  /** The server could not prove that it knows the password. */
  SERVER_AUTH_FAILED: "ODB-1017",
  /** The server speaks a TNS version older than oradb supports. */
  UNSUPPORTED_SERVER_VERSION: "ODB-1020",
  /** TLS could not be set up: no usable trusted certificates, or a bad wallet. */
  TLS_SETUP_FAILED: "ODB-1031",
  /** The TLS handshake failed, or the host is not a valid TLS server name. */
  TLS_HANDSHAKE_FAILED: "ODB-1032",
  /** Native network encryption: the negotiation or key exchange failed, or a packet is unreadable. */
  NETWORK_ENCRYPTION_FAILED: "ODB-1033",
  /** `networkEncryption`/`networkIntegrity` `"required"` on a `tcps` address (TLS already protects it). */
  NNE_WITH_TLS: "ODB-1034",
  /** Thick mode: Oracle's client library (libclntsh) could not be loaded (ODPI-C's DPI-1047). */
  THICK_LIBRARY_NOT_LOADED: "ODB-1040",
  /**
   * Thick mode: the call is not available in thick mode yet, or `initOracleClient()` was
   * already called with other options.
   */
  THICK_UNAVAILABLE: "ODB-1041",
  /** The pool is closed. */
  POOL_CLOSED: "ODB-2001",
  /** Every session of the pool is in use and `getMode` is no-wait. */
  POOL_EXHAUSTED: "ODB-2002",
  /** The pool's wait queue is full (`queueMax`). */
  POOL_QUEUE_FULL: "ODB-2003",
  /** `acquire()` waited `waitTimeout` ms for a session. */
  POOL_WAIT_TIMEOUT: "ODB-2004",
  /** A session tag is malformed (it must be `key=value` pairs separated by `;`). */
  INVALID_TAG: "ODB-2005",
  /** The pool cannot close while sessions are in use (give `force` or `drainTime`). */
  POOL_IN_USE: "ODB-2006",
  /** `poolMin` exceeds `poolMax`, or `poolMax` is 0. */
  INVALID_POOL_LIMITS: "ODB-2007",
  /** A connection given to `pool.release()` is not an open connection of that pool. */
  NOT_FROM_POOL: "ODB-2008",
  /** `user`/`password` of `acquire()` do not fit the pool (homogeneous or heterogeneous). */
  INVALID_ACQUIRE_CREDENTIALS: "ODB-2009",
  /** `acquire()` was aborted by its `signal`. */
  ACQUIRE_ABORTED: "ODB-2010",
  /** A bind value cannot be bound at all (function, symbol, plain object, invalid Date…). */
  UNSUPPORTED_BIND_VALUE: "ODB-3000",
  /** A bind value cannot be held by its Oracle type (NaN as NUMBER, overflow, bool as DATE…). */
  BIND_CONVERSION_FAILED: "ODB-3001",
  /** An explicit bind `{ dir, type, maxSize, val }` is malformed. */
  INVALID_BIND_SPEC: "ODB-3002",
  /** Rows of `executeMany()` do not have the shape of the first row. */
  BIND_SHAPE_MISMATCH: "ODB-3003",
  /** A fetched value cannot be converted to the requested JS type. */
  FETCH_CONVERSION_FAILED: "ODB-3004",
  /** Positional binds: the number of values differs from the number of placeholders. */
  BIND_COUNT_MISMATCH: "ODB-3005",
  /** Named binds: a placeholder of the statement has no value. */
  BIND_MISSING: "ODB-3006",
  /** Named binds: a value names no placeholder of the statement (often a typo). */
  BIND_NOT_IN_STATEMENT: "ODB-3007",
  /** An OUT value (RETURNING … INTO) is longer than its bind's `maxSize`: the server sent it cut short. */
  OUT_VALUE_TRUNCATED: "ODB-3008",
  /** A column has an Oracle type that oradb cannot fetch yet. */
  UNSUPPORTED_FETCH_TYPE: "ODB-3010",
  /** A Rust panic or another internal failure of the native layer. */
  INTERNAL: "ODB-4000",
  /** The tagged value buffer from the native layer is malformed. */
  MALFORMED_VALUE_BUFFER: "ODB-4001",
  /** A Node-API call of the native layer failed. */
  NAPI_FAILED: "ODB-4002",
  /** The native layer could not start its I/O runtime or thread. */
  RUNTIME_START_FAILED: "ODB-4003",
  /** The native layer was called with an argument of the wrong type. */
  INVALID_NATIVE_ARGUMENT: "ODB-4004",
  /** The server sent something oradb cannot decode; the session is closed. */
  PROTOCOL_ERROR: "ODB-4005",
  /** The tagged bind buffer from the TypeScript layer is malformed. */
  MALFORMED_BIND_BUFFER: "ODB-4006",
  /** The connection was closed, then used. */
  CONNECTION_CLOSED: "ODB-5000",
  /** The cursor was closed (or never opened), then used. */
  CURSOR_CLOSED: "ODB-5001",
  /** An option has the wrong type or an out-of-range value. */
  INVALID_OPTION: "ODB-5002",
  /** An option name is not known (often a typo). */
  UNKNOWN_OPTION: "ODB-5003",
  /** The call was aborted by its `signal`. */
  CALL_ABORTED: "ODB-5004",
  /** An argument of a method has the wrong type, or a method was called without its object. */
  INVALID_ARGUMENT: "ODB-5005",
  /**
   * The user's own code called by oradb (a `sessionCallback`, `fetchTypeHandler` or fetch
   * `converter`) threw; what it threw is the `cause`. An `OracleError` it threw (from a call
   * it made) comes back unchanged instead.
   */
  USER_CODE_FAILED: "ODB-5006",
  /** The call took longer than `callTimeout` and was cancelled on the server. */
  CALL_TIMEOUT: "ODB-5011",
  /** The LOB was closed (or freed), then used. */
  LOB_CLOSED: "ODB-5012",
  /** The LOB's connection was closed, then the LOB used. */
  LOB_CONNECTION_CLOSED: "ODB-5013",
  /** The LOB operation does not apply to this kind of LOB (a write to a BFILE, a file method on a CLOB or BLOB). */
  LOB_OPERATION_UNSUPPORTED: "ODB-5014",
} as const;

/**
 * One of the {@linkcode ErrorCode} values.
 *
 * @example
 * ```ts
 * import { ErrorCode, type OdbErrorCode } from "./errors.ts";
 *
 * const code: OdbErrorCode = ErrorCode.CONNECTION_CLOSED;
 * ```
 */
export type OdbErrorCode = typeof ErrorCode[keyof typeof ErrorCode];

/**
 * Fields of an {@linkcode OracleError} besides its message.
 *
 * @example
 * ```ts
 * import { OracleError, type OracleErrorOptions } from "./errors.ts";
 *
 * const options: OracleErrorOptions = { code: "ORA-00001", offset: 0 };
 * const err = new OracleError("ORA-00001: unique constraint violated", options);
 * ```
 */
export interface OracleErrorOptions {
  /** `ORA-nnnnn` for server errors, `ODB-nnnn` for oradb's own. */
  code: string;
  /** Character offset of the error in the SQL text, when the server reports one. */
  offset?: number;
  /** True when retrying the same call on a new session may succeed. */
  isRecoverable?: boolean;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * An error from the database or from oradb itself.
 *
 * `code` is stable (`ORA-00942`, `ODB-5000`); `errorNum` is its numeric part; the message starts
 * with the code, like Oracle's own messages.
 *
 * @example
 * ```ts
 * import { OracleError } from "./errors.ts";
 *
 * const err = new OracleError("ORA-00942: table or view does not exist", { code: "ORA-00942" });
 * console.log(err.errorNum); // 942
 * ```
 */
export class OracleError extends Error {
  /** `ORA-nnnnn` for server errors, `ODB-nnnn` for oradb's own. */
  readonly code: string;
  /** The numeric part of `code`: 942 for `ORA-00942`, 5000 for `ODB-5000`. */
  readonly errorNum: number;
  /** Character offset of the error in the SQL text (0 when unknown). */
  readonly offset: number;
  /** True when retrying the same call on a new session may succeed. */
  readonly isRecoverable: boolean;

  /** Creates an error; prefer the code's message format `CODE: Sentence case text`. */
  constructor(message: string, options: OracleErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OracleError";
    this.code = options.code;
    this.errorNum = codeNumber(options.code);
    this.offset = options.offset ?? 0;
    this.isRecoverable = options.isRecoverable ?? false;
  }
}

function codeNumber(code: string): number {
  const dash = code.indexOf("-");
  const n = Number.parseInt(code.slice(dash + 1), 10);
  return Number.isNaN(n) ? 0 : n;
}

/**
 * Creates one of oradb's own errors: the message is prefixed with the code.
 *
 * @example
 * ```ts
 * import { ErrorCode, odbError } from "./errors.ts";
 *
 * const err = odbError(ErrorCode.CONNECTION_CLOSED, "Connection is closed");
 * console.log(err.message); // "ODB-5000: Connection is closed"
 * ```
 */
export function odbError(code: OdbErrorCode, text: string, cause?: unknown): OracleError {
  return new OracleError(`${code}: ${text}`, { code, cause });
}

/**
 * Captures where a public method was called from, before it awaits the native layer, so that a
 * later rejection can point at the user's code instead of at the glue.
 *
 * @example
 * ```ts
 * import { callSite } from "./errors.ts";
 *
 * const site = callSite();
 * console.log(typeof site.stack); // "string"
 * ```
 */
export function callSite(): Error {
  // V8 formats frames only when `stack` is read, but walking them costs per frame: a few
  // above the public method are what a user reads, and capturing 10 cost ~9 µs a call here.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 6;
  const site = new Error("call site");
  Error.stackTraceLimit = limit;
  return site;
}

/**
 * Converts what a public async method caught (see {@linkcode toOracleError}) and gives it the
 * stack of that method, called from its `catch` block. V8 appends the awaiting callers as
 * `at async …` frames, so the user's call shows without the cost of an eager
 * {@linkcode callSite} on every successful call (about 5 µs each). Needs the user to `await`
 * the method, as async stack traces do.
 *
 * @example
 * ```ts
 * import { atCaller } from "./errors.ts";
 *
 * async function publicMethod(): Promise<void> {
 *   try {
 *     await Promise.reject(new Error("ORA-00942: table or view does not exist"));
 *   } catch (e) {
 *     throw atCaller(e);
 *   }
 * }
 * ```
 */
export function atCaller(raw: unknown): OracleError {
  const err = toOracleError(raw);
  // Frames from atCaller up are dropped: the first one left is the public method.
  const capture = (Error as { captureStackTrace?: (o: object, f: unknown) => void })
    .captureStackTrace;
  capture?.(err, atCaller);
  return err;
}

/**
 * Replaces the frames of `err` with those of `site` (from {@linkcode callSite}), keeping the
 * error's own first line. Returns `err`.
 *
 * @example
 * ```ts
 * import { callSite, OracleError, withCallSite } from "./errors.ts";
 *
 * const site = callSite();
 * const err = withCallSite(new OracleError("ODB-4000: Boom", { code: "ODB-4000" }), site);
 * console.log(err.stack?.startsWith("OracleError: ODB-4000: Boom\n")); // true
 * ```
 */
export function withCallSite<E extends Error>(err: E, site: Error | undefined): E {
  const frames = site?.stack;
  if (frames === undefined) return err;
  const nl = frames.indexOf("\n");
  // The first frame is callSite() itself: drop it along with the "Error: call site" line.
  const second = nl < 0 ? -1 : frames.indexOf("\n", nl + 1);
  const tail = second < 0 ? "" : frames.slice(second);
  Object.defineProperty(err, "stack", {
    value: `${err.name}: ${err.message}${tail}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return err;
}

/** The shape of an error that the native addon rejects with (see native/node/BOUNDARY.md). */
interface NativeErrorShape {
  message?: unknown;
  code?: unknown;
  offset?: unknown;
  isRecoverable?: unknown;
}

/**
 * Converts anything the native layer rejected with into an {@linkcode OracleError} whose stack
 * points at `site`: its `code`, or else an `ODB-nnnn` that starts its message, or else
 * `ODB-4000`. The original error is kept as `cause`. An `OracleError` passes through with
 * its stack re-pointed.
 *
 * @example
 * ```ts
 * import { callSite, toOracleError } from "./errors.ts";
 *
 * const site = callSite();
 * const native = Object.assign(new Error("ORA-00942: table or view does not exist"), {
 *   code: "ORA-00942",
 *   offset: 14,
 *   isRecoverable: false,
 * });
 * const err = toOracleError(native, site);
 * console.log(err.code, err.errorNum, err.offset); // "ORA-00942" 942 14
 * ```
 */
export function toOracleError(raw: unknown, site?: Error): OracleError {
  if (raw instanceof OracleError) return withCallSite(raw, site);
  if (raw instanceof TypeError && /#\w/.test(raw.message)) {
    // A private field read on the wrong `this`: a method taken off its object.
    const err = odbError(
      ErrorCode.INVALID_ARGUMENT,
      "A method of oradb was called without its object (as after `const { execute } = conn`)",
      raw,
    );
    return withCallSite(err, site);
  }
  const shape: NativeErrorShape = typeof raw === "object" && raw !== null ? raw : {};
  const message = typeof shape.message === "string" ? shape.message : String(raw);
  // A napi rejection carries a napi status as `code`; ours put the ODB code first in the text.
  const leading = /^(ODB-\d{4}): /.exec(message)?.[1];
  const code = typeof shape.code === "string" && /^(ORA|ODB)-\d+$/.test(shape.code)
    ? shape.code
    : leading ?? ErrorCode.INTERNAL;
  const text = message.startsWith(`${code}:`) ? message : `${code}: ${message}`;
  const err = new OracleError(text, {
    code,
    offset: typeof shape.offset === "number" ? shape.offset : 0,
    isRecoverable: shape.isRecoverable === true,
    cause: raw,
  });
  return withCallSite(err, site);
}

/**
 * Wraps what the user's own code (named by `what`, e.g. `sessionCallback`) threw, so that it is
 * not mistaken for an internal failure: an {@linkcode OracleError} passes through unchanged,
 * anything else becomes `ODB-5006` with it as `cause`.
 *
 * @example
 * ```ts
 * import { userCodeError } from "./errors.ts";
 *
 * const err = userCodeError("fetchTypeHandler", new Error("boom"));
 * console.log(err.code, err.message); // "ODB-5006" "ODB-5006: fetchTypeHandler threw: boom"
 * ```
 */
export function userCodeError(what: string, thrown: unknown): OracleError {
  if (thrown instanceof OracleError) return thrown;
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  return odbError(ErrorCode.USER_CODE_FAILED, `${what} threw: ${text}`, thrown);
}
