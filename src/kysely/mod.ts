/**
 * A Kysely dialect for Oracle Database over oradb (Kysely 0.28+, a peer dependency).
 *
 * @example
 * ```ts
 * import { type Generated, Kysely } from "kysely";
 * import { OracleDialect } from "./mod.ts";
 * import { createPool } from "../../mod.ts";
 *
 * interface Database {
 *   person: { id: Generated<number>; name: string };
 * }
 *
 * const db = new Kysely<Database>({
 *   dialect: new OracleDialect({
 *     pool: () => createPool({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" }),
 *   }),
 * });
 * const [{ id }] = await db.insertInto("person").values({ name: "Ada" }).returning("id").execute();
 * console.log(id);
 * await db.destroy();
 * ```
 *
 * @module
 */

export { OracleDialect } from "./dialect.ts";
export type { OracleDialectConfig } from "./dialect_config.ts";
/** oradb's own types (the dialect's options take its `Pool` and `Connection`). */
export type * from "../../mod.ts";
