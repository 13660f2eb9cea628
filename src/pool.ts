/**
 * Session pools: `createPool()` and `Pool`, with session callbacks and multi-property tags.
 *
 * @module
 */

import { Connection, toNativeOptions } from "./connection.ts";
import type { ConnectOptions } from "./types.ts";
import { callSite, ErrorCode, odbError, toOracleError } from "./errors.ts";
import { loadNative, type NativePool, type NativePoolStats } from "./_native.ts";

/** How `acquire()` behaves when every session is in use. */
export type GetMode = "wait" | "nowait" | "forceget" | "timedwait";

/** Options of {@linkcode createPool}: the connect options plus the pool's own. */
export interface PoolOptions extends ConnectOptions {
  /** Sessions opened at creation (default 0). */
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
  /**
   * Runs before `acquire()` returns when the session is new, or when a tag was requested and
   * the session's tag differs. It may set `conn.tag`. If it throws, the session is dropped.
   */
  sessionCallback?: (conn: Connection, requestedTag: string) => Promise<void> | void;
}

/** Options of {@linkcode Pool.acquire}. */
export interface AcquireOptions {
  /** Multi-property tag `"k1=v1;k2=v2"`; order does not matter. */
  tag?: string;
  /** Accept a session with another tag when none matches (the callback then retags it). */
  matchAnyTag?: boolean;
}

/** Pool counters from {@linkcode Pool.getStatistics}. */
export type PoolStatistics = NativePoolStats;

/** `k=v;…` with sorted properties, to compare tags as sets. */
function normalizeTag(tag: string): string {
  return tag.split(";").map((p) => p.trim()).filter((p) => p.length > 0).sort().join(";");
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
  #closed = false;

  /** @internal Made by `createPool()`. */
  constructor(native: NativePool, options: PoolOptions) {
    this.#native = native;
    this.#options = options;
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
    const site = callSite();
    try {
      if (this.#closed) throw odbError(ErrorCode.CONNECTION_CLOSED, "Pool is closed");
      const want = options.tag ?? "";
      if (typeof want !== "string") {
        throw odbError(ErrorCode.INVALID_OPTION, `Option "tag" must be a string`);
      }
      const native = await this.#native.acquire(want, options.matchAnyTag ?? false);
      const id = native.poolId;
      const conn = new Connection(
        native,
        this.#options,
        (tag, drop) => this.#native.release(id, tag, drop),
      );
      const cb = this.#options.sessionCallback;
      const differs = want !== "" && normalizeTag(want) !== normalizeTag(native.poolTag);
      if (cb && (native.poolIsNew || differs)) {
        try {
          await cb(conn, want);
        } catch (e) {
          // Never hand the session back half initialised.
          await conn.close({ drop: true }).catch(() => {});
          throw e;
        }
      }
      return conn;
    } catch (e) {
      throw toOracleError(e, site);
    }
  }

  /** Counters: open, busy, idle, waiting, forced, hits, misses, timeouts. */
  getStatistics(): PoolStatistics {
    return this.#native.statistics();
  }

  /**
   * Closes the pool. Without `force` it fails (ODB-2006) while sessions are in use.
   *
   * @example
   * ```ts
   * import type { Pool } from "./pool.ts";
   *
   * async function shutdown(pool: Pool): Promise<void> {
   *   await pool.close({ force: true });
   * }
   * ```
   */
  async close(options: { force?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    const site = callSite();
    try {
      await this.#native.close(options.force ?? false);
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
    const o = options;
    const min = o.poolMin ?? 0;
    const max = o.poolMax ?? 4;
    for (const [name, v] of Object.entries({ poolMin: min, poolMax: max })) {
      if (!Number.isInteger(v) || v < 0) {
        throw odbError(
          ErrorCode.INVALID_OPTION,
          `Option "${name}" must be an integer of 0 or more`,
        );
      }
    }
    if (min > max) {
      throw odbError(
        ErrorCode.INVALID_OPTION,
        `Option "poolMin" (${min}) must not exceed "poolMax" (${max})`,
      );
    }
    const connect = Object.fromEntries(
      Object.entries(toNativeOptions(o)).filter(([, v]) => v !== undefined),
    ) as ReturnType<typeof toNativeOptions>;
    const native = await loadNative().createPool({
      connect,
      poolMin: min,
      poolMax: max,
      poolIncrement: o.poolIncrement ?? 1,
      getMode: o.getMode ?? "wait",
      waitTimeoutMs: o.waitTimeout ?? 60_000,
      queueMax: o.queueMax ?? 0,
      poolTimeoutS: o.poolTimeout ?? 0,
      maxLifetimeSessionS: o.maxLifetimeSession ?? 0,
      pingIntervalS: o.pingInterval ?? 60,
    });
    return new Pool(native, options);
  } catch (e) {
    throw toOracleError(e, site);
  }
}
