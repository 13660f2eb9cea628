/**
 * Session pools: `createPool()` and `Pool`, with session callbacks (a JS function or a PL/SQL
 * procedure) and multi-property tags.
 *
 * @module
 */

import { typeMaps } from "./_dbobject_types.ts";
import { Connection, type PooledBy, poolOf } from "./connection.ts";
import { purityNumber, toNativeOptions } from "./connect.ts";
import type { ConnectOptions, ShardingKeyValue } from "./types.ts";
import { traced, type TraceTarget, traceTarget } from "./tracing.ts";
import { assertNetAllowed } from "./_permissions.ts";
import {
  atCaller,
  callSite,
  ErrorCode,
  odbError,
  OracleError,
  toOracleError,
  userCodeError,
} from "./errors.ts";
import { assertThinOnlyOptions, isThickMode } from "./thick.ts";
import {
  loadNative,
  type NativeAcquire,
  type NativeConnection,
  type NativePool,
  type NativePoolLimits,
} from "./_native.ts";
import {
  checkAcquireOptions,
  checkPoolCloseOptions,
  checkPoolLimits,
  checkPoolOptions,
  shardingKeyText,
} from "./_options.ts";

/** How `acquire()` behaves when every session is in use. */
export type GetMode = "wait" | "nowait" | "forceget" | "timedwait";

/** Sizes and timeouts of a pool: set at creation, changed by {@linkcode Pool.reconfigure}. */
export interface PoolLimits {
  /** Sessions kept open (default 0). */
  poolMin?: number;
  /** Most sessions (default 4). */
  poolMax?: number;
  /** Sessions opened at a time when growing (default 1). */
  poolIncrement?: number;
  /** Default "wait". */
  getMode?: GetMode;
  /** For "timedwait", in ms (default 60000). */
  waitTimeout?: number;
  /** Waiting acquires allowed; 0 = unlimited. */
  queueMax?: number;
  /** Idle seconds before a session beyond poolMin closes (0 = never). */
  poolTimeout?: number;
  /** Seconds a session may live; it closes on release once older (0 = forever). */
  maxLifetimeSession?: number;
  /** Idle seconds after which a session is pinged before use (default 60; negative = never). */
  pingInterval?: number;
  /** Accepted for node-oracledb compatibility; pings use the connection's call timeout. */
  pingTimeout?: number;
  /**
   * Most sessions open for one sharding key (with its super sharding key), so that one busy
   * shard cannot take the whole pool; 0 (the default) = no limit. An acquire beyond it waits,
   * fails or forces a session as `getMode` says, as one beyond `poolMax` does. Sessions with
   * no sharding key are not counted. Thin mode only.
   *
   * @example
   * ```ts
   * import { createPool } from "../mod.ts";
   *
   * await using pool = await createPool({
   *   user: "scott", password: "tiger", connectString: "director.example.com/oltp_rw_srvc",
   *   poolMax: 20, maxSessionsPerShard: 5, getMode: "timedwait", waitTimeout: 2000,
   * });
   * await using conn = await pool.acquire({ shardingKey: ["Mary"] });
   * ```
   */
  maxSessionsPerShard?: number;
}

/**
 * A session callback: a JS function run before `acquire()` returns, or the name of a PL/SQL
 * procedure `(requestedTag IN VARCHAR2, actualTag IN VARCHAR2)` called in the session.
 */
export type SessionCallback =
  | ((conn: Connection, requestedTag: string) => Promise<void> | void)
  | string;

/** Options of {@linkcode createPool}: the connect options plus the pool's own. */
export interface PoolOptions extends ConnectOptions, PoolLimits {
  /** All sessions use the pool's credentials (default true); false lets acquire() name a user. */
  homogeneous?: boolean;
  /**
   * A JS function runs when the session is new, or when a tag was requested and the session's
   * tag differs; it may set `conn.tag`, and if it throws the session is dropped. A PL/SQL
   * procedure name is called when the requested and actual tags differ; the session then
   * carries the requested tag.
   */
  sessionCallback?: SessionCallback;
}

/** Options of {@linkcode Pool.acquire}. */
export interface AcquireOptions {
  /** Multi-property tag `"k1=v1;k2=v2"`; order does not matter. */
  tag?: string;
  /** Accept a session with another tag when none matches (the callback then retags it). */
  matchAnyTag?: boolean;
  /** Heterogeneous pools only: the user of the session (with `password`). */
  user?: string;
  /** Heterogeneous pools only. */
  password?: string;
  /** DRCP connection class for this session (default: the pool's). */
  connectionClass?: string;
  /** DRCP purity for this session; `"new"` never reuses a pooled session. */
  purity?: "new" | "self" | "default";
  /** Aborts a waiting acquire: it rejects with ODB-2010. */
  signal?: AbortSignal;
  /**
   * Sharding key of this session (see `ConnectOptions.shardingKey`): the pool hands out an
   * idle session opened with the same key (and super key), or opens one on the key's shard; a
   * session of another shard is never handed out. When the pool is full, an idle session of
   * another key is closed to make room. Without `shardingKey` and `superShardingKey` the
   * pool's own keys (from `createPool()`) apply; giving either one replaces both. Thin mode
   * only.
   *
   * @example
   * ```ts
   * import type { Pool } from "./pool.ts";
   *
   * async function ordersOf(pool: Pool, customer: string): Promise<unknown[]> {
   *   await using conn = await pool.acquire({ shardingKey: [customer], superShardingKey: ["EU"] });
   *   const r = await conn.execute("SELECT * FROM orders WHERE cust = :1", [customer]);
   *   return r.rows ?? [];
   * }
   * ```
   */
  shardingKey?: ShardingKeyValue[];
  /** Super sharding key of this session (composite sharding: the shardspace). */
  superShardingKey?: ShardingKeyValue[];
}

/** Options of {@linkcode Pool.release}. */
export interface ReleaseOptions {
  /** Retag the session. */
  tag?: string;
  /** Close the session instead of keeping it. */
  drop?: boolean;
}

/** Options of {@linkcode Pool.close}. */
export interface PoolCloseOptions {
  /** Close even with sessions in use: their calls are broken (ORA-01013). */
  force?: boolean;
  /** Seconds to let busy sessions come back first (new acquires fail meanwhile); then force. */
  drainTime?: number;
}

/** Pool counters from {@linkcode Pool.getStatistics}. */
export interface PoolStatistics {
  /** Sessions open (busy and idle). */
  open: number;
  /** Sessions handed out and not yet released. */
  busy: number;
  /** Sessions waiting in the pool. */
  idle: number;
  /** Acquires waiting for a session. */
  waiting: number;
  /** Sessions beyond poolMax made by getMode "forceget". */
  forced: number;
  /** Acquires served by an idle session. */
  hits: number;
  /** Acquires that needed a new session. */
  misses: number;
  /** Acquires that gave up waiting (waitTimeout). */
  timeouts: number;
  /**
   * Times the session callback (JS or PL/SQL) ran. In thick mode a PL/SQL callback is not
   * counted: OCI runs it and reports the session as found with the requested tag, so the
   * driver cannot tell that it ran.
   */
  callbackInvocations: number;
}

/** `k=v;…` with sorted properties, to compare tags as sets. */
function normalizeTag(tag: string): string {
  return tag.split(";").map((p) => p.trim()).filter((p) => p.length > 0).sort().join(";");
}

function nativeLimits(o: PoolLimits, base?: NativePoolLimits): NativePoolLimits {
  const limits: NativePoolLimits = {
    poolMin: o.poolMin ?? base?.poolMin ?? 0,
    poolMax: o.poolMax ?? base?.poolMax ?? 4,
    poolIncrement: o.poolIncrement ?? base?.poolIncrement ?? 1,
    getMode: o.getMode ?? base?.getMode ?? "wait",
    waitTimeoutMs: o.waitTimeout ?? base?.waitTimeoutMs ?? 60_000,
    queueMax: o.queueMax ?? base?.queueMax ?? 0,
    poolTimeoutS: o.poolTimeout ?? base?.poolTimeoutS ?? 0,
    maxLifetimeSessionS: o.maxLifetimeSession ?? base?.maxLifetimeSessionS ?? 0,
    pingIntervalS: o.pingInterval ?? base?.pingIntervalS ?? 60,
    maxSessionsPerShard: o.maxSessionsPerShard ?? base?.maxSessionsPerShard ?? 0,
  };
  if (limits.poolMin > limits.poolMax) {
    throw odbError(
      ErrorCode.INVALID_OPTION,
      `Option "poolMin" (${limits.poolMin}) must not exceed "poolMax" (${limits.poolMax})`,
    );
  }
  return limits;
}

let nextRequest = 1;

/** The native form of an acquire's options. */
function acquireRequest(options: AcquireOptions, want: string): NativeAcquire {
  return {
    tag: want,
    matchAnyTag: options.matchAnyTag ?? false,
    user: options.user,
    password: options.password,
    connectionClass: options.connectionClass,
    purity: purityNumber(options.purity) ?? 0,
    shardingKey: options.shardingKey?.map((k) => shardingKeyText(k)!),
    superShardingKey: options.superShardingKey?.map((k) => shardingKeyText(k)!),
  };
}

function newRequestId(): number {
  const id = nextRequest;
  nextRequest = nextRequest >= 0x7fff_ffff ? 1 : nextRequest + 1;
  return id;
}

/** An acquire parked in the native pool's FIFO queue, waiting on the JS thread. */
interface Parked {
  resolve(c: NativeConnection): void;
  reject(e: unknown): void;
  req: NativeAcquire;
  /** `performance.now()` when a timed wait ends; -1: no timed wait. */
  deadline: number;
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
  aborted: () => OracleError;
}

let waitingOf: (pool: Pool) => number;

/**
 * `pool.getStatistics().waiting` without building the statistics: for callers that ask at
 * every release (the Kysely dialect). Not exported by `mod.ts`.
 */
export function waitingAcquires(pool: Pool): number {
  return waitingOf(pool);
}

/**
 * A pool of sessions. Connections from `acquire()` go back to the pool on `close()` or
 * `await using`; `close({ drop: true })` discards the session instead.
 *
 * @example
 * ```ts
 * import { createPool } from "../mod.ts";
 *
 * await using pool = await createPool({
 *   user: "scott", password: "tiger", connectString: "localhost/FREEPDB1", poolMax: 4,
 * });
 * await using conn = await pool.acquire();
 * console.log((await conn.execute("SELECT 1 AS one FROM dual")).rows);
 * ```
 */
export class Pool implements AsyncDisposable {
  readonly #native: NativePool;
  readonly #options: PoolOptions;
  /** Where the pool connects, for trace attributes. */
  readonly #trace: TraceTarget;
  /** What each acquired connection is told about its pool (one object for all). */
  readonly #by: PooledBy;
  #limits: NativePoolLimits;
  #closed = false;
  #callbacks = 0;
  /**
   * Waiting acquires, by native queue id. A session released on this thread goes to the first
   * of them inside `tryRelease`, and is collected with `takeParked` at once: no thread hop.
   */
  readonly #parked = new Map<number, Parked>();
  /** A `parkedReady()` is pending (for sessions that come back on the I/O thread). */
  #watching = false;

  /** @internal Made by `createPool()`. */
  constructor(native: NativePool, options: PoolOptions, limits: NativePoolLimits) {
    this.#native = native;
    this.#options = options;
    this.#trace = traceTarget(options.connectString);
    this.#by = { pool: this, trace: this.#trace, asString: new Map(), objectTypes: typeMaps() };
    this.#limits = limits;
  }

  /** The current sizes and timeouts. */
  get limits(): Required<Omit<PoolLimits, "pingTimeout">> {
    const l = this.#limits;
    return {
      poolMin: l.poolMin,
      poolMax: l.poolMax,
      poolIncrement: l.poolIncrement,
      getMode: l.getMode as GetMode,
      waitTimeout: l.waitTimeoutMs,
      queueMax: l.queueMax,
      poolTimeout: l.poolTimeoutS,
      maxLifetimeSession: l.maxLifetimeSessionS,
      pingInterval: l.pingIntervalS,
      maxSessionsPerShard: l.maxSessionsPerShard,
    };
  }

  /**
   * Returns a session, running the session callback when the cx_Oracle rules say so.
   *
   * @example
   * ```ts
   * import type { Pool } from "./pool.ts";
   *
   * async function tagged(pool: Pool): Promise<string> {
   *   await using conn = await pool.acquire({ tag: "tz=UTC;lang=en" });
   *   return conn.tag;
   * }
   * ```
   */
  async acquire(options: AcquireOptions = {}): Promise<Connection> {
    try {
      checkAcquireOptions(options);
      assertThinOnlyOptions(options);
      if (this.#closed) throw odbError(ErrorCode.POOL_CLOSED, "Pool is closed");
      const want = options.tag ?? "";
      const native = await traced(
        "acquire",
        this.#trace,
        undefined,
        () => this.#nativeAcquire(options, want),
      );
      const id = native.poolId;
      const pool = this.#native;
      const conn = new Connection(
        native,
        this.#options,
        // Most releases need no I/O and complete synchronously in the addon.
        (tag, drop) => {
          const r = pool.tryRelease(id, tag, drop);
          if (r === 0) return pool.release(id, tag, drop);
          if (r === 2) this.#drain();
          return Promise.resolve();
        },
        this.#by,
      );
      await this.#runCallback(conn, want, native.poolIsNew, native.poolTag);
      return conn;
    } catch (e) {
      throw atCaller(e);
    }
  }

  async #nativeAcquire(options: AcquireOptions, want: string) {
    const signal = options.signal;
    const aborted = () =>
      new OracleError(`${ErrorCode.ACQUIRE_ABORTED}: acquire() was aborted`, {
        code: ErrorCode.ACQUIRE_ABORTED,
        cause: signal?.reason,
      });
    if (signal?.aborted) throw aborted();
    // An idle session that needs no ping is handed out without a trip to the I/O thread, and
    // so is a wait for one that another acquire on this thread releases. The request object
    // is built only when something needs it (most acquires pass no options).
    const plain = want === "" && !options.matchAnyTag && options.user === undefined &&
      options.password === undefined && options.connectionClass === undefined &&
      (purityNumber(options.purity) ?? 0) === 0 && options.shardingKey === undefined &&
      options.superShardingKey === undefined;
    const req = plain ? undefined : acquireRequest(options, want);
    const now = this.#native.tryAcquireOrPark(req ?? null);
    if (now === null) {
      const full = req ?? acquireRequest(options, want);
      return await this.#acquireAsync(signal, aborted, (r) => this.#native.acquire(full, r));
    }
    if (typeof now !== "number") return now;
    return await this.#park(now, req ?? acquireRequest(options, want), signal, aborted);
  }

  /** An acquire through the I/O thread, which can be aborted with `signal`. */
  async #acquireAsync(
    signal: AbortSignal | undefined,
    aborted: () => OracleError,
    start: (requestId: number) => Promise<NativeConnection>,
  ): Promise<NativeConnection> {
    const request = newRequestId();
    const onAbort = () => this.#native.cancelAcquire(request);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await start(signal ? request : 0);
    } catch (e) {
      if (signal?.aborted && (e as { code?: string }).code === ErrorCode.ACQUIRE_ABORTED) {
        throw aborted();
      }
      throw e;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #park(
    id: number,
    req: NativeAcquire,
    signal: AbortSignal | undefined,
    aborted: () => OracleError,
  ): Promise<NativeConnection> {
    return new Promise((resolve, reject) => {
      const w: Parked = { resolve, reject, req, deadline: -1, aborted };
      if (this.#limits.getMode === "timedwait") {
        const ms = this.#limits.waitTimeoutMs;
        w.deadline = performance.now() + ms;
        w.timer = setTimeout(() => this.#giveUp(id, true), ms);
      }
      if (signal) {
        w.signal = signal;
        w.onAbort = () => this.#giveUp(id, false);
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.#parked.set(id, w);
      this.#watch();
    });
  }

  #unpark(id: number, w: Parked): void {
    this.#parked.delete(id);
    if (w.timer !== undefined) clearTimeout(w.timer);
    if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
    // Lets the pending parkedReady() end, so an idle pool never holds the process open.
    if (this.#parked.size === 0 && this.#watching) this.#native.wakeParked();
  }

  /** A parked acquire times out or is aborted, unless its session came meanwhile. */
  #giveUp(id: number, timedOut: boolean): void {
    const w = this.#parked.get(id);
    if (w === undefined) return;
    this.#unpark(id, w);
    try {
      const c = this.#native.leaveParked(id, timedOut);
      if (c !== null) w.resolve(c);
      else w.reject(w.aborted());
    } catch (e) {
      w.reject(e);
    }
  }

  /** Hands parked acquires what they got: a session, or a retry through the I/O thread. */
  #drain(): void {
    for (const [id, c] of this.#native.takeParked()) {
      const w = this.#parked.get(id);
      if (w === undefined) {
        // Not expected (a waiter leaves the native queue before it is forgotten here), but a
        // session must never be stranded as busy.
        if (c !== null) this.#giveBack(c);
        continue;
      }
      this.#unpark(id, w);
      if (c !== null) {
        w.resolve(c);
        continue;
      }
      const left = w.deadline < 0 ? -1 : Math.max(0, Math.round(w.deadline - performance.now()));
      this.#acquireAsync(
        w.signal,
        w.aborted,
        (r) => this.#native.acquireQueued(w.req, id, r, left),
      ).then(w.resolve, w.reject);
    }
  }

  #giveBack(c: NativeConnection): void {
    const r = this.#native.tryRelease(c.poolId, c.poolTag, false);
    if (r === 0) this.#native.release(c.poolId, c.poolTag, false).catch(() => {});
    else if (r === 2) queueMicrotask(() => this.#drain());
  }

  /** Keeps one `parkedReady()` pending while acquires are parked. */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#native.parkedReady().then(
      () => {
        this.#watching = false;
        this.#drain();
        if (this.#parked.size > 0) this.#watch();
      },
      () => {
        this.#watching = false;
      },
    );
  }

  async #runCallback(conn: Connection, want: string, isNew: boolean, actual: string) {
    const cb = this.#options.sessionCallback;
    if (cb === undefined) return;
    const differs = normalizeTag(want) !== normalizeTag(actual);
    try {
      if (typeof cb === "string") {
        // PL/SQL callbacks run only when the tags differ, in one round trip.
        if (!differs) return;
        this.#callbacks++;
        await conn.execute(`begin ${cb}(:requested, :actual); end;`, {
          requested: want,
          actual,
        });
        conn.tag = want;
      } else if (isNew || (want !== "" && differs)) {
        this.#callbacks++;
        try {
          await cb(conn, want);
        } catch (e) {
          throw userCodeError("sessionCallback", e);
        }
      }
    } catch (e) {
      // Never hand the session back half initialised.
      await conn.close({ drop: true }).catch(() => {});
      throw e;
    }
  }

  /**
   * Gives a connection back to this pool: the same as `conn.close()`, with an optional new tag,
   * or `drop: true` to discard the session.
   *
   * @example
   * ```ts
   * import type { Pool } from "./pool.ts";
   *
   * async function retag(pool: Pool): Promise<void> {
   *   const conn = await pool.acquire();
   *   await pool.release(conn, { tag: "tz=UTC" });
   * }
   * ```
   */
  async release(conn: Connection, options: ReleaseOptions = {}): Promise<void> {
    const site = callSite();
    try {
      if (!(conn instanceof Connection) || poolOf(conn) !== this) {
        throw odbError(ErrorCode.NOT_FROM_POOL, "The connection was not acquired from this pool");
      }
      if (conn.closed) {
        throw odbError(ErrorCode.NOT_FROM_POOL, "The connection was already released");
      }
      if (options.tag !== undefined) conn.tag = options.tag;
      await conn.close({ drop: options.drop ?? false });
    } catch (e) {
      throw toOracleError(e, site);
    }
  }

  /**
   * Changes sizes and timeouts; options left out keep their values.
   *
   * @example
   * ```ts
   * import type { Pool } from "./pool.ts";
   *
   * function grow(pool: Pool): void {
   *   pool.reconfigure({ poolMin: 2, poolMax: 20 });
   * }
   * ```
   */
  reconfigure(options: PoolLimits): void {
    const site = callSite();
    try {
      checkPoolLimits(options);
      if (this.#closed) throw odbError(ErrorCode.POOL_CLOSED, "Pool is closed");
      const limits = nativeLimits(options, this.#limits);
      this.#native.reconfigure(limits);
      this.#limits = limits;
    } catch (e) {
      throw toOracleError(e, site);
    }
  }

  /** Counters: open, busy, idle, waiting, forced, hits, misses, timeouts, callback runs. */
  getStatistics(): PoolStatistics {
    return { ...this.#native.statistics(), callbackInvocations: this.#callbacks };
  }

  static {
    waitingOf = (pool) => pool.#native.waiting();
  }

  /**
   * Closes the pool. Without `force` or `drainTime` it fails (ODB-2006) while sessions are in
   * use; with `force` their calls are broken; with `drainTime` they get that many seconds first.
   *
   * @example
   * ```ts
   * import type { Pool } from "./pool.ts";
   *
   * async function shutdown(pool: Pool): Promise<void> {
   *   await pool.close({ drainTime: 5 });
   * }
   * ```
   */
  async close(options: PoolCloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    const site = callSite();
    try {
      checkPoolCloseOptions(options);
      const drain = options.drainTime;
      const force = options.force ?? false;
      // Milliseconds as a double: Infinity (wait for every session) and long drains pass
      // through unchanged; -1 means no drain time.
      await this.#native.close(
        force || drain !== undefined,
        drain === undefined ? -1 : drain * 1000,
      );
      this.#closed = true;
    } catch (e) {
      throw toOracleError(e, site);
    }
  }

  /** Same as `close({ force: true })`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close({ force: true });
  }
}

/**
 * Creates a session pool.
 *
 * @example
 * ```ts
 * import { createPool } from "../mod.ts";
 *
 * const pool = await createPool({
 *   user: "scott", password: "tiger", connectString: "localhost/FREEPDB1",
 *   poolMin: 1, poolMax: 8, getMode: "timedwait", waitTimeout: 2000,
 * });
 * await pool.close();
 * ```
 */
export async function createPool(options: PoolOptions): Promise<Pool> {
  const site = callSite();
  try {
    checkPoolOptions(options);
    assertNetAllowed(options.connectString);
    assertThinOnlyOptions(options);
    const limits = nativeLimits(options);
    const connect = Object.fromEntries(
      Object.entries(toNativeOptions(options)).filter(([, v]) => v !== undefined),
    ) as ReturnType<typeof toNativeOptions>;
    const opts = { connect, ...limits, homogeneous: options.homogeneous ?? true };
    // Thick mode: OCI's session pool, which calls a PL/SQL session callback itself.
    const cb = options.sessionCallback;
    const native = isThickMode()
      ? await loadNative().thickCreatePool(opts, typeof cb === "string" ? cb : undefined)
      : await loadNative().createPool(opts);
    return new Pool(native, options, limits);
  } catch (e) {
    throw toOracleError(e, site);
  }
}
