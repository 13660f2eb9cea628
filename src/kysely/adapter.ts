/**
 * Kysely's `DialectAdapter` for Oracle: capabilities and the migration lock.
 *
 * @module
 */

import { DialectAdapterBase, type Kysely, type MigrationLockOptions, sql } from "kysely";
import { ErrorCode, odbError } from "../errors.ts";

/** Pause between tries for a migration lock another process holds. */
const LOCK_POLL_MS = 250;

/**
 * Oracle commits DDL on its own, so migrations run outside a transaction; RETURNING is
 * supported (as out binds). The migration lock is the `is_locked` flag of Kysely's lock row,
 * set with an autocommitted conditional UPDATE: a row lock would end at the first DDL.
 *
 * @example
 * ```ts
 * import { OracleAdapter } from "./adapter.ts";
 *
 * const adapter = new OracleAdapter();
 * console.log(adapter.supportsReturning, adapter.supportsTransactionalDdl); // true false
 * ```
 */
export class OracleAdapter extends DialectAdapterBase {
  readonly #timeoutMs: number;

  /** An adapter waiting up to `lockTimeoutMs` (default 60 s) for the migration lock. */
  constructor(lockTimeoutMs = 60_000) {
    super();
    if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
      throw odbError(
        ErrorCode.INVALID_OPTION,
        `Option "migrationLockTimeout" must be a non-negative number of milliseconds`,
      );
    }
    this.#timeoutMs = lockTimeoutMs;
  }

  /** False: `CREATE TABLE IF NOT EXISTS` is 23ai only; Kysely checks the dictionary instead. */
  override get supportsCreateIfNotExists(): boolean {
    return false;
  }

  /** False: every Oracle DDL statement commits. */
  override get supportsTransactionalDdl(): boolean {
    return false;
  }

  /** True: `returning()` becomes `RETURNING … INTO` out binds. */
  override get supportsReturning(): boolean {
    return true;
  }

  /** Sets the lock row's flag from 0 to 1, waiting while another process holds it. */
  override async acquireMigrationLock(
    db: Kysely<unknown>,
    options: MigrationLockOptions,
  ): Promise<void> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const r = await sql`update ${lockTable(options)} set "is_locked" = 1
        where "id" = ${options.lockRowId} and "is_locked" = 0`.execute(db);
      if (r.numAffectedRows === 1n) return;
      if (Date.now() >= deadline) {
        throw odbError(
          ErrorCode.INVALID_ARGUMENT,
          `Migration lock "${options.lockTable}" is held by another process (set its ` +
            `is_locked to 0 if that process died)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  /** Clears the lock row's flag. */
  override async releaseMigrationLock(
    db: Kysely<unknown>,
    options: MigrationLockOptions,
  ): Promise<void> {
    await sql`update ${lockTable(options)} set "is_locked" = 0 where "id" = ${options.lockRowId}`
      .execute(db);
  }
}

function lockTable(options: MigrationLockOptions) {
  return options.lockTableSchema
    ? sql.table(`${options.lockTableSchema}.${options.lockTable}`)
    : sql.table(options.lockTable);
}
