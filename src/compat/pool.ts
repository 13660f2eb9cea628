/**
 * node-oracledb's `Pool` and its pool cache (`poolAlias`, `getPool()`).
 *
 * @module
 */

import { createPool as createOradbPool, type Pool as OradbPool } from "../pool.ts";
import { type Callback, settle, splitCallback } from "./_callback.ts";
import { toPoolOptions } from "./_connect_options.ts";
import { POOL_STATUS_CLOSED, POOL_STATUS_OPEN } from "./constants.ts";
import { Connection } from "./connection.ts";
import { NJS, njsError, notSupported } from "./errors.ts";

const cache = new Map<string, Pool>();

/**
 * A pool with node-oracledb's methods.
 *
 * @example
 * ```ts
 * import type { Pool } from "./pool.ts";
 *
 * async function one(pool: Pool): Promise<void> {
 *   const conn = await pool.getConnection();
 *   try {
 *     await conn.execute("SELECT 1 FROM dual");
 *   } finally {
 *     await conn.close();
 *   }
 * }
 * ```
 */
export class Pool {
  readonly #pool: OradbPool;
  /** The name it has in the pool cache. */
  readonly poolAlias: string | undefined;
  #closed = false;

  /** @internal Made by `createPool()`. */
  constructor(pool: OradbPool, alias: string | undefined) {
    this.#pool = pool;
    this.poolAlias = alias;
  }

  /** `POOL_STATUS_OPEN` or `POOL_STATUS_CLOSED`. */
  get status(): number {
    return this.#closed ? POOL_STATUS_CLOSED : POOL_STATUS_OPEN;
  }
  /** Sessions open, busy or idle. */
  get connectionsOpen(): number {
    return this.#pool.getStatistics().open;
  }
  /** Sessions lent out. */
  get connectionsInUse(): number {
    return this.#pool.getStatistics().busy;
  }
  /** Limits, as node-oracledb names them. */
  get poolMin(): number {
    return this.#pool.limits.poolMin;
  }
  /** Most sessions. */
  get poolMax(): number {
    return this.#pool.limits.poolMax;
  }
  /** Sessions opened at a time when growing. */
  get poolIncrement(): number {
    return this.#pool.limits.poolIncrement;
  }
  /** Idle seconds before a session beyond poolMin closes. */
  get poolTimeout(): number {
    return this.#pool.limits.poolTimeout;
  }
  /** Always true: oradb speaks Oracle Net itself. */
  get thin(): boolean {
    return true;
  }

  /** Lends a session: `getConnection([{ tag, matchAnyTag }], [callback])`. */
  getConnection(...args: unknown[]): Promise<Connection> {
    const [rest, cb] = splitCallback<Connection>(args);
    return settle(async () => {
      if (this.#closed) throw njsError(NJS.POOL_CLOSED);
      const o = (rest[0] ?? {}) as Record<string, unknown>;
      const acquire: Record<string, unknown> = {};
      for (
        const k of ["tag", "matchAnyTag", "user", "password", "shardingKey", "superShardingKey"]
      ) {
        if (o[k] !== undefined) acquire[k] = o[k];
      }
      return new Connection(await this.#pool.acquire(acquire));
    }, cb);
  }

  /** Closes the pool: `close([drainTime], [callback])`. */
  close(...args: unknown[]): Promise<void> {
    const [rest, cb] = splitCallback<void>(args);
    return settle(async () => {
      if (this.#closed) throw njsError(NJS.POOL_CLOSED);
      const drainTime = rest[0];
      if (drainTime !== undefined && typeof drainTime !== "number") {
        throw njsError(NJS.INVALID_PARAMETER_VALUE, 1);
      }
      await this.#pool.close(
        drainTime === undefined ? {} : drainTime === 0 ? { force: true } : { drainTime },
      );
      this.#closed = true;
      if (this.poolAlias !== undefined && cache.get(this.poolAlias) === this) {
        cache.delete(this.poolAlias);
      }
    }, cb);
  }

  /** Alias of {@linkcode Pool.close}. */
  terminate(...args: unknown[]): Promise<void> {
    return this.close(...args);
  }

  /** Changes the limits (`poolMin`, `poolMax`, `poolIncrement`, `poolTimeout`…). */
  reconfigure(options: Record<string, unknown>, cb?: Callback<void>): Promise<void> {
    return settle(() => {
      const limits: Record<string, unknown> = {};
      for (const k of ["poolMin", "poolMax", "poolIncrement", "poolTimeout", "queueMax"]) {
        if (options[k] !== undefined) limits[k] = options[k];
      }
      if (options.poolPingInterval !== undefined) limits.pingInterval = options.poolPingInterval;
      this.#pool.reconfigure(limits);
      return Promise.resolve();
    }, cb);
  }

  /** Not offered by oradb: NJS-089. */
  setAccessToken(): Promise<never> {
    return Promise.reject(notSupported("setAccessToken()"));
  }
}

/** Creates a pool and puts it in the cache (`poolAlias`, else `"default"` when free). */
export function createPool(attrs: Record<string, unknown>, cb?: Callback<Pool>): Promise<Pool> {
  return settle(async () => {
    if (typeof attrs !== "object" || attrs === null) {
      throw njsError(NJS.INVALID_PARAMETER_VALUE, 1);
    }
    let alias = attrs.poolAlias as string | undefined;
    if (alias !== undefined && typeof alias !== "string") {
      throw njsError(NJS.INVALID_PROPERTY_VALUE, "poolAlias");
    }
    if (alias !== undefined && cache.has(alias)) throw njsError(NJS.POOL_ALIAS_EXISTS, alias);
    if (alias === undefined && !cache.has("default")) alias = "default";
    const pool = new Pool(await createOradbPool(toPoolOptions(attrs)), alias);
    // A second aliasless pool is not cached, as in node-oracledb.
    if (alias !== undefined) cache.set(alias, pool);
    return pool;
  }, cb);
}

/** The cached pool of `alias` (default `"default"`); NJS-047 when there is none. */
export function getPool(alias = "default"): Pool {
  const p = cache.get(alias);
  if (p === undefined) throw njsError(NJS.POOL_ALIAS_NOT_FOUND, alias);
  return p;
}
