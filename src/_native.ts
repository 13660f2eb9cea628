/**
 * The only file that loads the Node-API addon (native/node), in Deno and in Node, and the typed
 * shape of what it exports (native/node/BOUNDARY.md).
 *
 * @module
 */

import { createRequire } from "node:module";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ErrorCode, odbError } from "./errors.ts";

/** Options of the native `connect()`. */
export interface NativeConnectOptions {
  user: string;
  password: string;
  connectString: string;
  configDir?: string;
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  stmtCacheSize?: number;
  prefetchRows?: number;
  connectionClass?: string;
  purity?: number;
  program?: string;
  machine?: string;
  osUser?: string;
  driverName?: string;
}

/** Binds of one statement (or of `rowCount` rows for executeMany). */
export interface NativeBinds {
  names: string[] | null;
  dirs: number[];
  types: number[];
  maxSizes: number[];
  values: Uint8Array;
}

/** Options of the native `execute()`. */
export interface NativeExecOptions {
  autoCommit: boolean;
  prefetchRows: number;
  arraySize: number;
  fetchAsString: number[];
}

/** Options of the native `executeMany()`. */
export interface NativeExecManyOptions {
  autoCommit: boolean;
  batchErrors: boolean;
  dmlRowCounts: boolean;
}

/** A batch of rows as tagged values, row-major. */
export interface NativeRows {
  data: Uint8Array;
  rowCount: number;
  done: boolean;
}

/** Column description from the server. */
export interface NativeColumn {
  name: string;
  dbType: number;
  size: number;
  precision: number;
  scale: number;
  nullable: boolean;
}

/** Result of the native `execute()`. */
export interface NativeExecResult {
  cursorId: number;
  columns: NativeColumn[] | null;
  rows: NativeRows | null;
  rowsAffected: number;
  outBinds: Uint8Array | null;
  lastRowid: string | null;
}

/** Result of the native `executeMany()`. */
export interface NativeExecManyResult {
  rowsAffected: number;
  dmlRowCounts: number[] | null;
  batchErrors: { offset: number; code: string; message: string }[] | null;
}

/** A native connection; calls on it are served one at a time. */
export interface NativeConnection {
  execute(sql: string, binds: NativeBinds, opts: NativeExecOptions): Promise<NativeExecResult>;
  executeMany(
    sql: string,
    binds: NativeBinds,
    rowCount: number,
    opts: NativeExecManyOptions,
  ): Promise<NativeExecManyResult>;
  fetch(cursorId: number, maxRows: number): Promise<NativeRows>;
  closeCursor(cursorId: number): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  ping(): Promise<void>;
  breakExecution(): Promise<void>;
  close(): Promise<void>;
  setCallTimeout(ms: number): void;
  getCallTimeout(): number;
  readonly serverVersion: string;
  /** Pool id of a pooled session (0 when standalone), its tag and whether it is new. */
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
}

/** Options of the native `createPool()`. */
export interface NativePoolOptions {
  connect: NativeConnectOptions;
  poolMin: number;
  poolMax: number;
  poolIncrement: number;
  getMode: string;
  waitTimeoutMs: number;
  queueMax: number;
  poolTimeoutS: number;
  maxLifetimeSessionS: number;
  pingIntervalS: number;
}

/** Pool counters. */
export interface NativePoolStats {
  open: number;
  busy: number;
  idle: number;
  waiting: number;
  forced: number;
  hits: number;
  misses: number;
  timeouts: number;
}

/** A native session pool. */
export interface NativePool {
  acquire(tag: string, matchAnyTag: boolean): Promise<NativeConnection>;
  release(id: number, tag: string, drop: boolean): Promise<void>;
  close(force: boolean): Promise<void>;
  statistics(): NativePoolStats;
}

/** What the addon exports. */
export interface NativeAddon {
  connect(opts: NativeConnectOptions): Promise<NativeConnection>;
  createPool(opts: NativePoolOptions): Promise<NativePool>;
}

/**
 * Path of the addon: `ORADB_NATIVE` if set, else `native/node/oradb.node` of the repository,
 * reached from `src/_native.ts` (Deno, sources) or from `dist/src/_native.js` (Node, built).
 */
export function nativePath(): string {
  const fromEnv = readEnv("ORADB_NATIVE");
  if (fromEnv) return fromEnv;
  const up = import.meta.url.endsWith(".ts") ? "../" : "../../";
  return fileURLToPath(new URL(`${up}native/node/oradb.node`, import.meta.url));
}

function readEnv(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    // Deno without --allow-env throws; the default path is the sensible answer then.
    return undefined;
  }
}

let addon: NativeAddon | undefined;

/**
 * Loads the addon once and returns it.
 *
 * @throws {OracleError} `ODB-1000` when the file is missing or cannot be loaded.
 */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  const path = nativePath();
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)(path);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw odbError(
      ErrorCode.NATIVE_LOAD_FAILED,
      `Native addon could not be loaded from ${path} (set ORADB_NATIVE to its path; under Deno ` +
        `run with --allow-ffi --allow-read): ${reason}`,
      e,
    );
  }
  if (typeof (loaded as NativeAddon | null)?.connect !== "function") {
    throw odbError(
      ErrorCode.NATIVE_LOAD_FAILED,
      `Native addon at ${path} does not export "connect"`,
    );
  }
  addon = withTypedFailures(loaded as RawAddon);
  return addon;
}

/** A failed call as the addon resolves it (native/node/BOUNDARY.md). */
interface NativeFailure {
  oradbError: true;
  code: string;
  message: string;
  offset: number;
  isRecoverable: boolean;
}

type RawAddon = {
  connect(opts: NativeConnectOptions): Promise<unknown>;
  createPool(opts: NativePoolOptions): Promise<unknown>;
};

function isFailure(v: unknown): v is NativeFailure {
  return typeof v === "object" && v !== null && (v as NativeFailure).oradbError === true;
}

/** Throws a resolved failure as an Error carrying its typed fields. */
function unwrap<T>(v: unknown): T {
  if (isFailure(v)) {
    throw Object.assign(new Error(v.message), {
      code: v.code,
      offset: v.offset,
      isRecoverable: v.isRecoverable,
    });
  }
  return v as T;
}

const CALLS = [
  "execute",
  "executeMany",
  "fetch",
  "closeCursor",
  "commit",
  "rollback",
  "ping",
  "close",
] as const;

/**
 * The addon resolves failures with typed fields instead of rejecting (napi-rs rejections can
 * only carry a message); this turns them back into rejections at the single loading point.
 */
function rethrowing<T extends object>(obj: T, names: readonly string[]): T {
  const target = obj as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of names) {
    const call = target[name].bind(obj);
    Object.defineProperty(obj, name, {
      value: async (...args: unknown[]) => unwrap(await call(...args)),
    });
  }
  return obj;
}

function withTypedFailures(raw: RawAddon): NativeAddon {
  return {
    async connect(opts: NativeConnectOptions): Promise<NativeConnection> {
      return rethrowing(unwrap<NativeConnection>(await raw.connect(opts)), CALLS);
    },
    async createPool(opts: NativePoolOptions): Promise<NativePool> {
      const pool = rethrowing(unwrap<NativePool>(await raw.createPool(opts)), ["release", "close"]);
      const acquire = pool.acquire.bind(pool);
      Object.defineProperty(pool, "acquire", {
        value: async (tag: string, any: boolean) =>
          rethrowing(unwrap<NativeConnection>(await acquire(tag, any)), CALLS),
      });
      return pool;
    },
  };
}
