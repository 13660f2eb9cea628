/**
 * Kysely's `Driver` over an oradb pool or connection factory.
 *
 * @module
 */

import type { DatabaseConnection, Driver, QueryCompiler, TransactionSettings } from "kysely";
import { ErrorCode, odbError } from "../errors.ts";
import type { Pool } from "../pool.ts";
import { exactNumbers } from "./_numbers.ts";
import { type DescribeCache, OracleConnection } from "./database_connection.ts";
import { IdleSessions } from "./_idle.ts";
import type { OracleDialectConfig } from "./dialect_config.ts";

/** Oracle's two isolation levels; the others Kysely names have no Oracle equivalent. */
const ISOLATION: Readonly<Record<string, string>> = {
  "read committed": "read committed",
  "serializable": "serializable",
};

/**
 * Acquires oradb connections for Kysely and runs its transaction commands: `SET TRANSACTION
 * ISOLATION LEVEL …` / `SET TRANSACTION READ ONLY` at begin, `SAVEPOINT` and `ROLLBACK TO
 * SAVEPOINT` (Oracle has no RELEASE SAVEPOINT: releasing one is a no-op).
 * Made by {@linkcode OracleDialect}.
 *
 * @example
 * ```ts
 * import { OracleDriver } from "./driver.ts";
 * import { createPool } from "../pool.ts";
 *
 * const driver = new OracleDriver({
 *   pool: () => createPool({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" }),
 * });
 * console.log(driver instanceof OracleDriver); // true
 * ```
 */
export class OracleDriver implements Driver {
  readonly #config: OracleDialectConfig;
  #pool: Pool | undefined;
  /** Pooled sessions released by Kysely and wanted again in the same turn (see _idle.ts). */
  #idle: IdleSessions | undefined;
  /**
   * RETURNING column types by describe query, for every connection: one describe per statement
   * shape, not per acquire. DDL run through the dialect clears it.
   */
  readonly #described: DescribeCache = { columns: new Map(), generation: 0 };

  /** A driver for `config` (see {@linkcode OracleDialectConfig}). */
  constructor(config: OracleDialectConfig) {
    if ((config.pool === undefined) === (config.connect === undefined)) {
      throw odbError(ErrorCode.INVALID_OPTION, `Give exactly one of options "pool" and "connect"`);
    }
    this.#config = config;
  }

  /** Creates the pool when `pool` is a factory. */
  async init(): Promise<void> {
    const { pool } = this.#config;
    if (pool === undefined) return;
    this.#pool = typeof pool === "function" ? await pool() : pool;
    this.#idle = new IdleSessions(this.#pool);
  }

  /** Takes a connection from the pool (or opens one with `connect`). */
  async acquireConnection(): Promise<DatabaseConnection> {
    const kept = this.#idle?.take();
    if (kept !== undefined) return kept;
    const conn = this.#pool ? await this.#pool.acquire() : await this.#config.connect!();
    const handler = this.#config.exactNumbers === false ? undefined : exactNumbers;
    return new OracleConnection(conn, handler, this.#described);
  }

  /** Starts a transaction: autocommit stops and the isolation level / access mode is set. */
  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const c = connection as OracleConnection;
    const set = transactionStatement(settings);
    if (set !== undefined) await c.run(() => c.connection.execute(set, [], { autoCommit: false }));
    c.inTransaction = true;
  }

  /** Commits and returns to autocommit. */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as OracleConnection;
    c.inTransaction = false;
    await c.run(() => c.connection.commit());
  }

  /** Rolls back and returns to autocommit. */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as OracleConnection;
    c.inTransaction = false;
    await c.run(() => c.connection.rollback());
  }

  /** `SAVEPOINT name`. */
  async savepoint(
    connection: DatabaseConnection,
    savepointName: string,
    _compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {
    await savepointCommand(connection, "savepoint", savepointName);
  }

  /** `ROLLBACK TO SAVEPOINT name`. */
  async rollbackToSavepoint(
    connection: DatabaseConnection,
    savepointName: string,
    _compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {
    await savepointCommand(connection, "rollback to savepoint", savepointName);
  }

  /** Oracle has no RELEASE SAVEPOINT; a savepoint lasts until the transaction ends. */
  async releaseSavepoint(
    _connection: DatabaseConnection,
    _savepointName: string,
    _compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {}

  /**
   * Gives the connection back: to the pool, after the next acquire of this turn had the chance
   * to take it again (see _idle.ts); closed when it came from `connect`.
   */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as OracleConnection;
    if (c.inTransaction) {
      c.inTransaction = false;
      await c.run(() => c.connection.rollback());
    }
    // close() returns a pooled session to its pool, as pool.release() does without its checks.
    if (this.#idle === undefined) await c.connection.close();
    else await this.#idle.keep(c);
  }

  /** Closes the pool. */
  async destroy(): Promise<void> {
    const pool = this.#pool;
    const idle = this.#idle;
    this.#pool = undefined;
    this.#idle = undefined;
    await idle?.flush();
    if (pool !== undefined) await pool.close();
  }
}

function transactionStatement(settings: TransactionSettings): string | undefined {
  const { isolationLevel, accessMode } = settings;
  const level = isolationLevel === undefined ? undefined : ISOLATION[isolationLevel];
  if (isolationLevel !== undefined && level === undefined) {
    throw odbError(
      ErrorCode.INVALID_ARGUMENT,
      `Oracle has no isolation level "${isolationLevel}" (use "read committed" or "serializable")`,
    );
  }
  if (accessMode === "read only") {
    // Oracle's read-only transactions see one snapshot: they cannot also take a level.
    if (level !== undefined && level !== "serializable") {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        `A read only transaction cannot have isolation level "${isolationLevel}"`,
      );
    }
    return "set transaction read only";
  }
  return level === undefined ? undefined : `set transaction isolation level ${level}`;
}

async function savepointCommand(
  connection: DatabaseConnection,
  command: string,
  name: string,
): Promise<void> {
  const c = connection as OracleConnection;
  const sql = `${command} "${name.replaceAll('"', '""')}"`;
  await c.run(() => c.connection.execute(sql, [], { autoCommit: false }));
}
