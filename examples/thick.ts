/**
 * Thick mode: the same API over Oracle's own client library (Instant Client, through ODPI-C),
 * for what only it offers (OCI's session pool, `sqlnet.ora` settings, wallets, older
 * databases). `initOracleClient({ libDir })` loads it once; connections and pools made afterwards
 * go through OCI, those made before stay thin.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   ORADB_INSTANTCLIENT=/opt/oracle/instantclient_19_3 LD_LIBRARY_PATH=$ORADB_INSTANTCLIENT \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/thick.ts
 * Node: npm run build:test && node dist/examples/thick.js (same variables).
 * `scripts/instantclient.sh` installs Instant Client 19.3 into `.tmp/instantclient_19_3`, which
 * `scripts/examples.sh` uses. It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, createPool, initOracleClient, OracleError } from "../mod.ts";
import { credentials, env } from "./_env.ts";

const login = credentials();
// Before thick mode: a thin connection (no client library needed).
await using thin = await connect(login);

await initOracleClient({ libDir: env("ORADB_INSTANTCLIENT") });
await using conn = await connect(login);
try {
  await conn.execute("DROP TABLE thick_demo");
} catch (e) {
  // ORA-00942: the table did not exist yet, which is fine on a first run.
  if (!(e instanceof OracleError && e.code === "ORA-00942")) throw e;
}
await conn.execute("CREATE TABLE thick_demo (id NUMBER, label VARCHAR2(20))");
const many = await conn.executeMany("INSERT INTO thick_demo VALUES (:1, :2)", [
  [1, "one"],
  [2, "two"],
  [3, null],
]);
assert.equal(many.rowsAffected, 3);
await conn.commit();

// The thin session sees what the thick one committed.
const seen = await thin.execute<[number, string | null]>(
  "SELECT id, label FROM thick_demo ORDER BY id",
  [],
  { outFormat: "array" },
);
console.log("thin connection reads:", seen.rows);
assert.deepEqual(seen.rows, [[1, "one"], [2, "two"], [3, null]]);

// OCI's session pool, with a tag that a session callback sets up.
let callbacks = 0;
await using pool = await createPool({
  ...login,
  poolMax: 1,
  sessionCallback: async (c, requested) => {
    callbacks++;
    await c.execute("ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD'");
    c.tag = requested;
  },
});
for (let i = 0; i < 3; i++) {
  await using c = await pool.acquire({ tag: "DATES=ISO" });
  const r = await c.execute<[string]>("SELECT TO_CHAR(DATE '2024-09-01') FROM dual", [], {
    outFormat: "array",
  });
  assert.equal(r.rows![0][0], "2024-09-01");
}
console.log(`thick pool: 3 acquires, session callback ran ${callbacks} time(s)`);
assert.equal(callbacks, 1, "the tagged session is reused, so the callback runs once");
