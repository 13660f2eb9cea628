/**
 * node-oracledb's `getConnection()`: a standalone connection, or one from a cached pool when
 * called without attributes or with `poolAlias`.
 *
 * @module
 */

import { connect } from "../connect.ts";
import { type Callback, settle, splitCallback } from "./_callback.ts";
import { toConnectOptions } from "./_connect_options.ts";
import { Connection } from "./connection.ts";
import { getPool } from "./pool.ts";

/**
 * Opens a connection: `getConnection(attrs, [callback])`, `getConnection("alias")` or
 * `getConnection()` for the default pool.
 *
 * @example
 * ```ts
 * import { getConnection } from "./get_connection.ts";
 *
 * async function main(): Promise<void> {
 *   const conn = await getConnection({
 *     user: "scott", password: "tiger", connectString: "localhost/FREEPDB1",
 *   });
 *   await conn.close();
 * }
 * ```
 */
export function getConnection(...args: unknown[]): Promise<Connection> {
  const [rest, cb] = splitCallback<Connection>(args);
  return settle(async () => {
    const a = rest[0];
    if (a === undefined || typeof a === "string") return await getPool(a).getConnection();
    const attrs = a as Record<string, unknown>;
    if (typeof attrs === "object" && attrs !== null && attrs.poolAlias !== undefined) {
      return await getPool(attrs.poolAlias as string).getConnection(attrs);
    }
    return new Connection(await connect(toConnectOptions(attrs)));
  }, cb as Callback<Connection> | undefined);
}
