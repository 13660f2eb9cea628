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
  walletLocation?: string;
  sslServerDnMatch?: boolean;
  sslServerCertDn?: string;
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
  /** Breaks the call in flight and closes; gives up on the server after `graceMs`. */
  forceClose(graceMs: number): Promise<void>;
  /** 0 client id, 1 module, 2 action, 3 client info, 4 DB operation, 5 ECID; sent with the next call. */
  setEndToEnd(which: number, value: string): void;
  /** False once the session is known to be gone, without a round trip. */
  isHealthy(): boolean;
  setCallTimeout(ms: number): void;
  getCallTimeout(): number;
  readonly serverVersion: string;
  /** False for a thick-mode connection (Oracle's client library). */
  readonly thin: boolean;
  /** Pool id of a pooled session (0 when standalone), its tag and whether it is new. */
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
}

/** Sizes and timeouts of a native pool. */
export interface NativePoolLimits {
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

/** One native acquire. */
export interface NativeAcquire {
  tag: string;
  matchAnyTag: boolean;
  user?: string;
  password?: string;
  connectionClass?: string;
  /** 0 the pool's, 1 new, 2 self. */
  purity: number;
}

/** Options of the native `createPool()`. */
export interface NativePoolOptions {
  connect: NativeConnectOptions;
  homogeneous: boolean;
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
  /** `requestId` (non-zero) lets `cancelAcquire` stop a waiting acquire (ODB-2010). */
  acquire(req: NativeAcquire, requestId: number): Promise<NativeConnection>;
  /**
   * An idle session; or, when the request must wait, its id as a parked waiter (its session
   * comes from `takeParked`); or null when `acquire` must be used.
   */
  tryAcquireOrPark(req: NativeAcquire | null): NativeConnection | number | null;
  /** What parked waiters got: a session, or null (retry with `acquireQueued`). */
  takeParked(): [number, NativeConnection | null][];
  /** Resolves when parked waiters may have got something (or after `wakeParked`). */
  parkedReady(): Promise<void>;
  wakeParked(): void;
  /** A parked waiter gives up: a session it got meanwhile, or null; ODB-2004 when timed out. */
  leaveParked(id: number, timedOut: boolean): NativeConnection | null;
  /** `acquire` for a parked waiter told to retry; `leftMs` < 0: no timed wait. */
  acquireQueued(
    req: NativeAcquire,
    id: number,
    requestId: number,
    leftMs: number,
  ): Promise<NativeConnection>;
  cancelAcquire(requestId: number): void;
  /**
   * 1 when the session went back at once (2: and a parked waiter got something, see
   * `takeParked`); 0 when `release` must be used.
   */
  tryRelease(id: number, tag: string, drop: boolean): number;
  release(id: number, tag: string, drop: boolean): Promise<void>;
  /** `drainMs` < 0: no drain time. */
  close(force: boolean, drainMs: number): Promise<void>;
  reconfigure(limits: NativePoolLimits): void;
  statistics(): NativePoolStats;
}

/** Options of the native `thickInit()`. */
export interface NativeThickInit {
  libDir?: string;
  configDir?: string;
  driverName?: string;
}

/** What the addon exports. */
export interface NativeAddon {
  connect(opts: NativeConnectOptions): Promise<NativeConnection>;
  /** Loads Oracle's client library (thick mode), once per process. */
  thickInit(opts: NativeThickInit): Promise<void>;
  /** `connect()` through Oracle's client library (after `thickInit`). */
  thickConnect(opts: NativeConnectOptions): Promise<NativeConnection>;
  createPool(opts: NativePoolOptions): Promise<NativePool>;
  /** Log records at or above `level` ("off" … "trace") go to `drainLogs()` when `toJs`. */
  setLogLevel(level: string, toJs: boolean): void;
  /** The waiting log records, each `level \t target \t message` (level 1 error … 5 trace). */
  drainLogs(): string[];
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
  thickInit(opts: NativeThickInit): Promise<unknown>;
  thickConnect(opts: NativeConnectOptions): Promise<unknown>;
  createPool(opts: NativePoolOptions): Promise<unknown>;
  setLogLevel(level: string, toJs: boolean): void;
  drainLogs(): string[];
};

/** The addon's connection class: compact arguments and results (BOUNDARY.md). */
interface RawConnection {
  execute(
    sql: string,
    specs: Uint8Array | null,
    values: Uint8Array | null,
    opts: Uint8Array,
  ): Promise<unknown>;
  executeMany(
    sql: string,
    specs: Uint8Array | null,
    values: Uint8Array | null,
    rowCount: number,
    flags: number,
  ): Promise<unknown>;
  fetch(cursorId: number, maxRows: number): Promise<unknown>;
  closeCursor(cursorId: number): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
  ping(): Promise<unknown>;
  breakExecution(): Promise<void>;
  close(): Promise<unknown>;
  forceClose(graceMs: number): Promise<unknown>;
  setEndToEnd(which: number, value: string): void;
  isHealthy(): boolean;
  setCallTimeout(ms: number): void;
  getCallTimeout(): number;
  readonly serverVersion: string;
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
}

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

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** Bind specs as the addon reads them: u32 count, u8 named, then per bind dir, type, maxSize, name. */
export function packSpecs(b: NativeBinds): Uint8Array | null {
  const n = b.dirs.length;
  if (n === 0) return null;
  const names = b.names?.map((x) => encoder.encode(x));
  let size = 5 + n * 6;
  if (names) { for (const x of names) size += 4 + x.length; }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  out[4] = names ? 1 : 0;
  let pos = 5;
  for (let i = 0; i < n; i++) {
    out[pos] = b.dirs[i];
    out[pos + 1] = b.types[i];
    view.setUint32(pos + 2, b.maxSizes[i], true);
    pos += 6;
    if (names) {
      view.setUint32(pos, names[i].length, true);
      out.set(names[i], pos + 4);
      pos += 4 + names[i].length;
    }
  }
  return out;
}

/** Reads the execute-result buffer: rows first, then the fields; the last u32 is where they start. */
export function unpackExecResult(buf: Uint8Array): NativeExecResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const metaAt = view.getUint32(buf.length - 4, true);
  let pos = metaAt;
  const flags = buf[pos];
  const cursorId = view.getUint32(pos + 1, true);
  const rowsAffected = view.getFloat64(pos + 5, true);
  pos += 13;
  let columns: NativeColumn[] | null = null;
  if (flags & 1) {
    const n = view.getUint32(pos, true);
    pos += 4;
    columns = new Array(n);
    for (let i = 0; i < n; i++) {
      const len = view.getUint32(pos + 8, true);
      columns[i] = {
        dbType: buf[pos],
        size: view.getUint32(pos + 1, true),
        precision: view.getInt8(pos + 5),
        scale: view.getInt8(pos + 6),
        nullable: buf[pos + 7] !== 0,
        name: utf8.decode(buf.subarray(pos + 12, pos + 12 + len)),
      };
      // Field order in the buffer: type, size, precision, scale, nullable, name length, name.
      pos += 12 + len;
    }
  }
  let rows: NativeRows | null = null;
  if (flags & 2) {
    rows = {
      data: buf.subarray(0, metaAt),
      rowCount: view.getUint32(pos, true),
      done: !!(flags & 4),
    };
    pos += 4;
  }
  let outBinds: Uint8Array | null = null;
  if (flags & 8) {
    const len = view.getUint32(pos, true);
    outBinds = buf.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
  }
  let lastRowid: string | null = null;
  if (flags & 16) {
    const len = view.getUint32(pos, true);
    lastRowid = utf8.decode(buf.subarray(pos + 4, pos + 4 + len));
  }
  return { cursorId, columns, rows, rowsAffected, outBinds, lastRowid };
}

/** Reads a fetch buffer: rows, then u32 row count and u8 done. */
export function unpackRows(buf: Uint8Array): NativeRows {
  const end = buf.length - 5;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    data: buf.subarray(0, end),
    rowCount: view.getUint32(end, true),
    done: buf[end + 4] !== 0,
  };
}

/**
 * The typed {@link NativeConnection} over the addon's compact one. A class, so a pooled acquire
 * costs one small object and no closures; the pool fields are read once, the version lazily.
 */
const execWords = new Uint32Array(3);
const execWordBytes = new Uint8Array(execWords.buffer);

class Adapted implements NativeConnection {
  readonly #raw: RawConnection;
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
  readonly thin: boolean;

  constructor(raw: RawConnection, thin: boolean) {
    this.#raw = raw;
    this.thin = thin;
    this.poolId = raw.poolId;
    this.poolTag = this.poolId === 0 ? "" : raw.poolTag;
    this.poolIsNew = this.poolId !== 0 && raw.poolIsNew;
  }

  get serverVersion(): string {
    return this.#raw.serverVersion;
  }

  async execute(
    sql: string,
    binds: NativeBinds,
    opts: NativeExecOptions,
  ): Promise<NativeExecResult> {
    // The addon copies the options at once, so one scratch buffer serves the common case.
    const n = opts.fetchAsString.length;
    const words = n === 0 ? execWords : new Uint32Array(3 + n);
    words[0] = opts.autoCommit ? 1 : 0;
    words[1] = opts.prefetchRows;
    words[2] = opts.arraySize;
    if (n > 0) words.set(opts.fetchAsString, 3);
    const res = unwrap<Uint8Array>(
      await this.#raw.execute(
        sql,
        packSpecs(binds),
        binds.values.length ? binds.values : null,
        n === 0 ? execWordBytes : new Uint8Array(words.buffer),
      ),
    );
    return unpackExecResult(res);
  }

  async executeMany(
    sql: string,
    binds: NativeBinds,
    rowCount: number,
    opts: NativeExecManyOptions,
  ): Promise<NativeExecManyResult> {
    const flags = (opts.autoCommit ? 1 : 0) | (opts.batchErrors ? 2 : 0) |
      (opts.dmlRowCounts ? 4 : 0);
    return unwrap(
      await this.#raw.executeMany(sql, packSpecs(binds), binds.values, rowCount, flags),
    );
  }

  async fetch(cursorId: number, maxRows: number): Promise<NativeRows> {
    return unpackRows(unwrap<Uint8Array>(await this.#raw.fetch(cursorId, maxRows)));
  }

  async closeCursor(cursorId: number): Promise<void> {
    unwrap(await this.#raw.closeCursor(cursorId));
  }

  async commit(): Promise<void> {
    unwrap(await this.#raw.commit());
  }

  async rollback(): Promise<void> {
    unwrap(await this.#raw.rollback());
  }

  async ping(): Promise<void> {
    unwrap(await this.#raw.ping());
  }

  breakExecution(): Promise<void> {
    return this.#raw.breakExecution();
  }

  async close(): Promise<void> {
    unwrap(await this.#raw.close());
  }

  async forceClose(graceMs: number): Promise<void> {
    unwrap(await this.#raw.forceClose(graceMs));
  }

  setEndToEnd(which: number, value: string): void {
    this.#raw.setEndToEnd(which, value);
  }

  isHealthy(): boolean {
    return this.#raw.isHealthy();
  }

  setCallTimeout(ms: number): void {
    this.#raw.setCallTimeout(ms);
  }

  getCallTimeout(): number {
    return this.#raw.getCallTimeout();
  }
}

function adapt(raw: RawConnection, thin = true): NativeConnection {
  return new Adapted(raw, thin);
}

function withTypedFailures(raw: RawAddon): NativeAddon {
  return {
    setLogLevel: (level, toJs) => raw.setLogLevel(level, toJs),
    drainLogs: () => raw.drainLogs(),
    async connect(opts: NativeConnectOptions): Promise<NativeConnection> {
      return adapt(unwrap<RawConnection>(await raw.connect(opts)));
    },
    async thickInit(opts: NativeThickInit): Promise<void> {
      unwrap(await raw.thickInit(opts));
    },
    async thickConnect(opts: NativeConnectOptions): Promise<NativeConnection> {
      return adapt(unwrap<RawConnection>(await raw.thickConnect(opts)), false);
    },
    async createPool(opts: NativePoolOptions): Promise<NativePool> {
      const pool = unwrap<NativePool>(await raw.createPool(opts));
      return {
        acquire: async (req: NativeAcquire, requestId: number) =>
          adapt(unwrap<RawConnection>(await pool.acquire(req, requestId))),
        cancelAcquire: (requestId: number) => pool.cancelAcquire(requestId),
        tryAcquireOrPark: (req: NativeAcquire | null) => {
          const c = unwrap<RawConnection | number | null>(pool.tryAcquireOrPark(req));
          return c === null || typeof c === "number" ? c : adapt(c);
        },
        takeParked: () => {
          const flat = pool.takeParked() as unknown as (number | RawConnection | null)[];
          const out: [number, NativeConnection | null][] = [];
          for (let i = 0; i < flat.length; i += 2) {
            const c = flat[i + 1] as RawConnection | null;
            out.push([flat[i] as number, c === null ? null : adapt(c)]);
          }
          return out;
        },
        parkedReady: async () => unwrap(await pool.parkedReady()),
        wakeParked: () => pool.wakeParked(),
        leaveParked: (id: number, timedOut: boolean) => {
          const c = unwrap<RawConnection | null>(pool.leaveParked(id, timedOut));
          return c === null ? null : adapt(c);
        },
        acquireQueued: async (req: NativeAcquire, id: number, requestId: number, leftMs: number) =>
          adapt(unwrap<RawConnection>(await pool.acquireQueued(req, id, requestId, leftMs))),
        tryRelease: (id: number, tag: string, drop: boolean) => pool.tryRelease(id, tag, drop),
        release: async (id: number, tag: string, drop: boolean) =>
          unwrap(await pool.release(id, tag, drop)),
        close: async (force: boolean, drainMs: number) => unwrap(await pool.close(force, drainMs)),
        reconfigure: (limits: NativePoolLimits) => {
          unwrap(pool.reconfigure(limits));
        },
        statistics: () => pool.statistics(),
      };
    },
  };
}
