/**
 * Validation of option objects: an unknown option (often a typo) or a value of the wrong type
 * fails early, naming the option.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import type { ConnectOptions, ExecuteManyOptions, ExecuteOptions } from "./types.ts";

/** What an option's value must be. */
export type OptionKind =
  | "string"
  | "boolean"
  | "function"
  | "count" // integer >= 0
  | "positive" // integer >= 1
  | "outFormat"
  | "typeList" // array of type numbers
  | "bindDefs" // array or object (checked in _binds_many.ts)
  | "fetchInfo"
  | "signal"
  | "integer" // any integer (negative allowed)
  | "purity"
  | "getMode"
  | "sessionCallback"
  | "drainTime"
  | "networkLevel"
  | "encryptionTypes"
  | "integrityTypes"
  | "shardingKey";

/** Option name → what its value must be. */
export type OptionSchema = Readonly<Record<string, OptionKind>>;

const CONNECT: OptionSchema = {
  user: "string",
  password: "string",
  connectString: "string",
  configDir: "string",
  connectTimeout: "count",
  callTimeout: "count",
  stmtCacheSize: "count",
  prefetchRows: "count",
  fetchArraySize: "positive",
  autoCommit: "boolean",
  connectionClass: "string",
  purity: "purity",
  program: "string",
  machine: "string",
  osUser: "string",
  driverName: "string",
  walletLocation: "string",
  sslServerDnMatch: "boolean",
  sslServerCertDn: "string",
  networkEncryption: "networkLevel",
  encryptionTypes: "encryptionTypes",
  networkIntegrity: "networkLevel",
  integrityTypes: "integrityTypes",
  shardingKey: "shardingKey",
  superShardingKey: "shardingKey",
};

const EXECUTE: OptionSchema = {
  outFormat: "outFormat",
  autoCommit: "boolean",
  fetchAsString: "typeList",
  fetchInfo: "fetchInfo",
  fetchLobs: "boolean",
  fetchTypeHandler: "function",
  maxRows: "count",
  fetchArraySize: "positive",
  prefetchRows: "count",
  signal: "signal",
};

const EXECUTE_MANY: OptionSchema = {
  autoCommit: "boolean",
  batchErrors: "boolean",
  dmlRowCounts: "boolean",
  bindDefs: "bindDefs",
  signal: "signal",
};

/**
 * The largest integer option: counts and timeouts cross into Rust as 32-bit integers, and a
 * larger value must fail here rather than wrap around there (2**32 + 5 ms would become 5 ms).
 */
export const MAX_INT_OPTION = 2 ** 31 - 1;

const isCount = (v: unknown, min: number) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= MAX_INT_OPTION;

function fetchInfoOk(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((info) =>
    typeof info === "object" && info !== null &&
    (typeof info.type === "number" || info.type === "bigint" || info.type === "lob")
  );
}

function namesIn(v: unknown, allowed: string[]): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((n) => allowed.includes(n));
}

function isSignal(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as AbortSignal).aborted === "boolean" &&
    typeof (v as AbortSignal).addEventListener === "function";
}

const EXPECTED: Record<OptionKind, [string, (v: unknown) => boolean]> = {
  string: ["a string", (v) => typeof v === "string"],
  boolean: ["a boolean", (v) => typeof v === "boolean"],
  function: ["a function", (v) => typeof v === "function"],
  count: [`an integer from 0 to ${MAX_INT_OPTION}`, (v) => isCount(v, 0)],
  positive: [`an integer from 1 to ${MAX_INT_OPTION}`, (v) => isCount(v, 1)],
  outFormat: ['"object" or "array"', (v) => v === "object" || v === "array"],
  typeList: [
    "an array of type numbers",
    (v) => Array.isArray(v) && v.every((t) => typeof t === "number"),
  ],
  fetchInfo: ['an object of { type: STRING | "bigint" | "lob" } by column name', fetchInfoOk],
  bindDefs: [
    "an array or an object of { dir, type, maxSize }",
    (v) => typeof v === "object" && v !== null,
  ],
  signal: ["an AbortSignal", isSignal],
  integer: [
    `an integer from ${-MAX_INT_OPTION} to ${MAX_INT_OPTION}`,
    (v) => Number.isInteger(v) && Math.abs(v as number) <= MAX_INT_OPTION,
  ],
  drainTime: [
    "a number of seconds of 0 or more (Infinity: wait for every session)",
    (v) => typeof v === "number" && v >= 0,
  ],
  networkLevel: [
    '"rejected", "accepted", "requested" or "required"',
    (v) => v === "rejected" || v === "accepted" || v === "requested" || v === "required",
  ],
  encryptionTypes: [
    'a non-empty array of "AES256", "AES192", "AES128"',
    (v) => namesIn(v, ["AES256", "AES192", "AES128"]),
  ],
  integrityTypes: [
    'a non-empty array of "SHA512", "SHA384", "SHA256", "SHA1"',
    (v) => namesIn(v, ["SHA512", "SHA384", "SHA256", "SHA1"]),
  ],
  shardingKey: [
    "a non-empty array of strings, finite numbers, bigints, valid Dates or Uint8Arrays",
    (v) => Array.isArray(v) && v.length > 0 && v.every((k) => shardingKeyText(k) !== null),
  ],
  purity: ['"new", "self" or "default"', (v) => v === "new" || v === "self" || v === "default"],
  getMode: [
    '"wait", "nowait", "forceget" or "timedwait"',
    (v) => v === "wait" || v === "nowait" || v === "forceget" || v === "timedwait",
  ],
  sessionCallback: [
    "a function or a PL/SQL procedure name",
    (v) => typeof v === "function" || (typeof v === "string" && PLSQL_NAME.test(v)),
  ],
};

/**
 * @internal A sharding sub-key as the addon takes it (`s:`, `n:`, `d:` local date-time or
 * `b:` hex), or `null` when the value cannot be one (NaN, an invalid Date, an object).
 */
export function shardingKeyText(v: unknown): string | null {
  if (typeof v === "string") return v === "" ? null : `s:${v}`;
  if (typeof v === "bigint") return `n:${v}`;
  if (typeof v === "number") return Number.isFinite(v) ? `n:${v}` : null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    return `d:${p(v.getFullYear(), 4)}-${p(v.getMonth() + 1)}-${p(v.getDate())} ` +
      `${p(v.getHours())}:${p(v.getMinutes())}:${p(v.getSeconds())}`;
  }
  if (v instanceof Uint8Array) {
    return v.length === 0
      ? null
      : `b:${Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  return null;
}

/** `proc`, `pkg.proc` or `schema.pkg.proc`: what may be spliced into a call block. */
export const PLSQL_NAME = /^[A-Za-z][\w$#]*(\.[A-Za-z][\w$#]*){0,2}$/;

/** Sizes and timeouts of a pool: what `reconfigure()` takes. */
const POOL_LIMITS: OptionSchema = {
  poolMin: "count",
  poolMax: "positive",
  poolIncrement: "positive",
  getMode: "getMode",
  waitTimeout: "count",
  queueMax: "count",
  poolTimeout: "count",
  maxLifetimeSession: "count",
  pingInterval: "integer",
  pingTimeout: "count",
  maxSessionsPerShard: "count",
};

const POOL: OptionSchema = {
  ...CONNECT,
  ...POOL_LIMITS,
  homogeneous: "boolean",
  sessionCallback: "sessionCallback",
};

const ACQUIRE: OptionSchema = {
  tag: "string",
  matchAnyTag: "boolean",
  user: "string",
  password: "string",
  connectionClass: "string",
  purity: "purity",
  signal: "signal",
  shardingKey: "shardingKey",
  superShardingKey: "shardingKey",
};

const POOL_CLOSE: OptionSchema = { force: "boolean", drainTime: "drainTime" };

/** Checks `pool.close()` options. */
export function checkPoolCloseOptions(options: unknown): void {
  checkOptions("close()", options, POOL_CLOSE);
}

/** Checks `createPool()` options. */
export function checkPoolOptions(options: unknown): void {
  checkOptions("createPool()", options, POOL, ["user", "password", "connectString"]);
}

/** Checks `reconfigure()` options. */
export function checkPoolLimits(options: unknown): void {
  checkOptions("reconfigure()", options, POOL_LIMITS);
}

/** Checks `acquire()` options. */
export function checkAcquireOptions(options: unknown): void {
  checkOptions("acquire()", options, ACQUIRE);
}

/**
 * Checks `options` against `schema`; `undefined` values count as absent.
 *
 * @param what Names the options in messages, e.g. `connect()`.
 * @param required Options that must be present.
 * @throws {OracleError} `ODB-5003` for an unknown option, `ODB-5002` for a wrong value.
 */
export function checkOptions(
  what: string,
  options: unknown,
  schema: OptionSchema,
  required: readonly string[] = [],
): void {
  if (options === undefined && required.length === 0) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw odbError(ErrorCode.INVALID_OPTION, `Options of ${what} must be an object`);
  }
  const opts = options as Record<string, unknown>;
  for (const [name, value] of Object.entries(opts)) {
    const kind = schema[name];
    if (kind === undefined) {
      throw odbError(ErrorCode.UNKNOWN_OPTION, `Option "${name}" of ${what} is not known`);
    }
    if (value === undefined) continue;
    const [expected, ok] = EXPECTED[kind];
    if (!ok(value)) {
      throw odbError(ErrorCode.INVALID_OPTION, `Option "${name}" of ${what} must be ${expected}`);
    }
  }
  for (const name of required) {
    if (opts[name] === undefined) {
      throw odbError(ErrorCode.INVALID_OPTION, `Option "${name}" of ${what} is required`);
    }
  }
}

/** Checks the options of `connect()`. */
export function checkConnectOptions(options: unknown): asserts options is ConnectOptions {
  checkOptions("connect()", options, CONNECT, ["user", "password", "connectString"]);
}

/** Checks the options of `execute()` / `cursor()`. */
export function checkExecuteOptions(
  what: string,
  options: unknown,
): asserts options is ExecuteOptions | undefined {
  checkOptions(what, options, EXECUTE);
}

/** Checks the options of `executeMany()`. */
export function checkExecuteManyOptions(
  options: unknown,
): asserts options is ExecuteManyOptions | undefined {
  checkOptions("executeMany()", options, EXECUTE_MANY);
}
