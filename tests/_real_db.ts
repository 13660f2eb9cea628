/**
 * The suite against a real Oracle Database instead of oradb-testserver: set
 * `ORADB_TEST_CONNECT_STRING` (Easy Connect, `HOST[:PORT]/SERVICE`), `ORADB_TEST_USER` and
 * `ORADB_TEST_PASSWORD`. `startTestServer()` then hands out that database, and tests that need the
 * test server itself skip with `needsTestServer(why)`. Works in Deno and Node.
 *
 * @module
 */

import process from "node:process";
import { type Connection, OracleError } from "../mod.ts";
import type { Faults, TestServer, TestServerOptions } from "./_server.ts";

/** The database named by the environment. */
export interface RealDb {
  connectString: string;
  user: string;
  password: string;
  host: string;
  port: number;
  service: string;
}

/** The database from `ORADB_TEST_CONNECT_STRING` and friends, or `undefined` when it is unset. */
export const REAL_DB: RealDb | undefined = (() => {
  const connectString = process.env.ORADB_TEST_CONNECT_STRING;
  if (!connectString) return undefined;
  const { ORADB_TEST_USER: user, ORADB_TEST_PASSWORD: password } = process.env;
  if (!user || !password) {
    throw new Error("ORADB_TEST_CONNECT_STRING needs ORADB_TEST_USER and ORADB_TEST_PASSWORD too");
  }
  // Some tests build their own connect strings from host, port and service.
  const m = /^(?:tcp:\/\/)?([^:/\s]+|\[[^\]]+\])(?::(\d+))?\/([^?:\s]+)$/.exec(connectString);
  if (!m) {
    throw new Error(
      `ORADB_TEST_CONNECT_STRING must be an Easy Connect string HOST[:PORT]/SERVICE, got "${connectString}"`,
    );
  }
  return { connectString, user, password, host: m[1], port: Number(m[2] ?? 1521), service: m[3] };
})();

/**
 * `false` under oradb-testserver; against a real database, why the test skips there. Pass it as
 * the `skip` option of `test()`, after the addon check (`SKIP_SERVER || needsTestServer(...)`).
 *
 * @example
 * ```ts
 * import { test } from "node:test";
 * import { needsTestServer } from "./_real_db.ts";
 *
 * test("drops every session", { skip: needsTestServer("fault injection") }, () => {});
 * ```
 */
export function needsTestServer(why: string): string | false {
  return REAL_DB ? `needs oradb-testserver (${why}), not a real database` : false;
}

/**
 * Drops tables (or `sequence NAME`s) a test is about to create, when the database is shared: a
 * real database keeps them from earlier tests and runs, a fresh test server has none.
 *
 * @example
 * ```ts
 * import { connect } from "../mod.ts";
 * import { dropFirst } from "./_real_db.ts";
 *
 * await using conn = await connect({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" });
 * await dropFirst(conn, "t", "sequence s");
 * ```
 */
export async function dropFirst(conn: Connection, ...names: string[]): Promise<void> {
  if (!REAL_DB) return;
  for (const name of names) {
    const what = name.includes(" ") ? name : `table ${name}`;
    try {
      await conn.execute(`drop ${what}`);
    } catch (e) {
      // ORA-00942: no such table; ORA-02289: no such sequence.
      if (!(e instanceof OracleError && ["ORA-00942", "ORA-02289"].includes(e.code))) throw e;
    }
  }
}

function unsupported(what: string): never {
  throw new Error(
    `${what} needs oradb-testserver; mark the test with needsTestServer() to skip it on a real database`,
  );
}

/** The real database as a `TestServer`; options only the test server can honour throw. */
export function realTestServer(db: RealDb, opts: TestServerOptions): TestServer {
  for (const k of ["user", "password", "service", "extraUsers", "tls"] as const) {
    if (opts[k] !== undefined) unsupported(`startTestServer({ ${k} })`);
  }
  const faults = new Proxy({}, {
    get: (_, key) => () => unsupported(`faults.${String(key)}`),
  }) as Faults;
  return {
    ...db,
    get pid(): number {
      return unsupported("the server process id");
    },
    stop: () => unsupported("stop()"),
    restart: () => unsupported("restart()"),
    faults,
    // Nothing to stop or remove: the database outlives the test.
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
