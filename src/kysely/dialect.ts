/**
 * The Oracle dialect for Kysely.
 *
 * @module
 */

import type { DatabaseIntrospector, DialectAdapter, Driver, Kysely, QueryCompiler } from "kysely";
import { OracleAdapter } from "./adapter.ts";
import type { OracleDialectConfig } from "./dialect_config.ts";
import { OracleDriver } from "./driver.ts";
import { OracleIntrospector } from "./introspector.ts";
import { OracleQueryCompiler } from "./query_compiler.ts";

/**
 * Kysely's dialect for Oracle Database over oradb (a Kysely `Dialect`; its methods are Kysely's
 * to call).
 *
 * @example
 * ```ts
 * import { Kysely } from "kysely";
 * import { OracleDialect } from "./dialect.ts";
 * import { createPool } from "../pool.ts";
 *
 * interface Database {
 *   person: { id: number; name: string };
 * }
 *
 * const db = new Kysely<Database>({
 *   dialect: new OracleDialect({
 *     pool: () => createPool({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" }),
 *   }),
 * });
 * const people = await db.selectFrom("person").selectAll().orderBy("id").limit(10).execute();
 * console.log(people.length);
 * await db.destroy();
 * ```
 */
export class OracleDialect {
  readonly #config: OracleDialectConfig;

  /** A dialect taking connections from `config.pool` or `config.connect`. */
  constructor(config: OracleDialectConfig) {
    this.#config = config;
  }

  /**
   * The driver: connections, autocommit, transactions, savepoints.
   *
   * @ignore Called by Kysely.
   */
  createDriver(): Driver {
    return new OracleDriver(this.#config);
  }

  /**
   * The Oracle SQL compiler.
   *
   * @ignore Called by Kysely.
   */
  createQueryCompiler(): QueryCompiler {
    return new OracleQueryCompiler();
  }

  /**
   * What Oracle supports, and the migration lock.
   *
   * @ignore Called by Kysely.
   */
  createAdapter(): DialectAdapter {
    return new OracleAdapter(this.#config.migrationLockTimeout);
  }

  /**
   * Reads tables and columns from the data dictionary.
   *
   * @ignore Called by Kysely.
   */
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OracleIntrospector(db);
  }
}
