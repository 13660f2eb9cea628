/**
 * Options of {@linkcode OracleDialect}.
 *
 * @module
 */

import type { Connection } from "../connection.ts";
import type { Pool } from "../pool.ts";

/**
 * Where the dialect gets its connections, and how it reads NUMBERs. Give `pool` or `connect`.
 *
 * @example
 * ```ts
 * import type { OracleDialectConfig } from "./dialect_config.ts";
 * import { createPool } from "../pool.ts";
 *
 * const config: OracleDialectConfig = {
 *   pool: () => createPool({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" }),
 *   exactNumbers: true,
 * };
 * ```
 */
export interface OracleDialectConfig {
  /**
   * An oradb pool, or a function making one (called once, at the first query). Kysely's
   * `destroy()` closes it. A session a query releases serves the next query started in the same
   * turn of the event loop, and goes back to the pool at the next timer tick (at once when an
   * acquire waits for a session or a call on it failed).
   */
  pool?: Pool | (() => Promise<Pool>);
  /** Opens a connection per Kysely connection instead of a pool; it is closed on release. */
  connect?: () => Promise<Connection>;
  /**
   * NUMBER as exact values (default true): a column with a scale comes back as a `string`
   * (`"12.50"` stays exact), an integer beyond 2^53 or a fraction a double cannot hold as a
   * `string`, every other value as a `number`. `false`: always a JS `number`, as oradb does.
   */
  exactNumbers?: boolean;
  /** How long `Migrator` waits for another process's migration lock, in ms (default 60000). */
  migrationLockTimeout?: number;
}
