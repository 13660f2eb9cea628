/**
 * `oradb/compat`: node-oracledb's API shape over oradb, so code and toolkits written for
 * node-oracledb (Knex, TypeORM, kysely-oracledb) run on oradb. The default export is the module
 * object (settings as properties); the named exports are its functions and constants.
 *
 * @example
 * ```ts
 * import oracledb from "./mod.ts";
 *
 * async function main(): Promise<void> {
 *   const conn = await oracledb.getConnection({
 *     user: "scott", password: "tiger", connectString: "localhost/FREEPDB1",
 *   });
 *   const r = await conn.execute("SELECT 1 AS one FROM dual", [], {
 *     outFormat: oracledb.OUT_FORMAT_OBJECT,
 *   });
 *   console.log(r.rows); // [{ ONE: 1 }]
 *   await conn.close();
 * }
 * ```
 *
 * @module
 */

import { oracledb } from "./oracledb.ts";

export * from "./constants.ts";
export { Connection } from "./connection.ts";
export type { ExecuteResult, Opts } from "./connection.ts";
export type { Callback } from "./_callback.ts";
export { IntervalDS, IntervalYM } from "../interval.ts";
export type { MetaData } from "./_results.ts";
export { getConnection } from "./get_connection.ts";
export { createPool, getPool, Pool } from "./pool.ts";
export { ResultSet } from "./result_set.ts";
export { Lob } from "./lob.ts";
export { njsError } from "./errors.ts";
export type { OracleDb } from "./oracledb.ts";
export type { Settings } from "./settings.ts";
export { oracledb };
export default oracledb;
