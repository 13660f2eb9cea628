/**
 * DRCP (Database Resident Connection Pooling): a connect string with `:pooled` (Easy Connect) or
 * `(SERVER=POOLED)` (descriptor) gets its session from the database's own pool, shared by every
 * client that names the same `connectionClass`. Purity `"self"` takes back a kept session with
 * its state; `"new"` always gets a clean one. A client pool on top gives the server session back
 * at each release.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/drcp.ts
 * Node: npm run build:test && node dist/examples/drcp.js (same variables).
 * ORADB_CONNECT_STRING is a plain `host:port/service`; the example adds `:pooled`. On Oracle,
 * DRCP must be started first (`DBMS_CONNECTION_POOL.START_POOL`); the test server always serves
 * it. It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, type Connection, createPool } from "../mod.ts";
import { credentials } from "./_env.ts";

const { user, password, connectString } = credentials();
const pooled = `${connectString}:pooled`;

async function session(conn: Connection): Promise<[number, string, string]> {
  const { rows } = await conn.execute<[number, string, string]>(
    `SELECT sid, server, NVL(client_info, '-') FROM v$session
      WHERE sid = SYS_CONTEXT('USERENV', 'SID')`,
    [],
    { outFormat: "array" },
  );
  return rows![0];
}

/** Requests and hits per connection class (`USER.CLASS`), from the database's DRCP view. */
async function cpoolStats(conn: Connection): Promise<Map<string, [number, number]>> {
  const { rows } = await conn.execute<[string, number, number]>(
    "SELECT cclass_name, num_requests, num_hits FROM v$cpool_cc_stats",
    [],
    { outFormat: "array" },
  );
  return new Map(rows!.map(([name, requests, hits]) => [name, [requests, hits]]));
}

// Classes of this run only, so that sessions kept from an earlier run do not count.
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const CLASS = `EXAMPLE_${run}`;
const POOL_CLASS = `EXAMPLE_POOL_${run}`;

// Standalone connections of one connection class: "self" finds the session another one left.
let sid: number;
{
  await using conn = await connect({
    user,
    password,
    connectString: pooled,
    connectionClass: CLASS,
    purity: "self",
  });
  conn.clientInfo = "left behind";
  const [s, server] = await session(conn);
  console.log(`first connection: session ${s} (${server})`);
  assert.equal(server, "POOLED");
  sid = s;
}
{
  await using conn = await connect({
    user,
    password,
    connectString: pooled,
    connectionClass: CLASS,
    purity: "self",
  });
  const state = await session(conn);
  console.log(`purity self: session ${state[0]}, client info "${state[2]}"`);
  assert.deepEqual(state, [sid, "POOLED", "left behind"]);
}
{
  await using conn = await connect({
    user,
    password,
    connectString: pooled,
    connectionClass: CLASS,
    purity: "new",
  });
  const [s, , info] = await session(conn);
  console.log(`purity new: session ${s}, client info "${info}"`);
  assert.notEqual(s, sid);
  assert.equal(info, "-");
}

// A client pool over DRCP, here with the connect descriptor spelled out: (SERVER=POOLED).
const parts = /^([^:/]+):(\d+)\/([^:/?]+)$/.exec(connectString);
if (parts === null) throw new Error("ORADB_CONNECT_STRING must be host:port/service here");
const [, host, port, service] = parts;
await using pool = await createPool({
  user,
  password,
  connectString: `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${host})(PORT=${port}))` +
    `(CONNECT_DATA=(SERVICE_NAME=${service})(SERVER=POOLED)))`,
  connectionClass: POOL_CLASS,
  poolMax: 2,
});
for (let i = 0; i < 3; i++) {
  await using conn = await pool.acquire();
  assert.equal((await session(conn))[1], "POOLED");
}

// The database's view of its pool: a request is a logon or a re-attach after a release, a
// hit one served by a kept session.
await using admin = await connect({ user, password, connectString });
const stats = await cpoolStats(admin);
const of = (cclass: string) => stats.get(`${user.toUpperCase()}.${cclass}`);
console.log(`requests and hits: ${CLASS}`, of(CLASS), `${POOL_CLASS}`, of(POOL_CLASS));
// Three logons, one served by the kept session (purity self); purity new is a miss.
assert.deepEqual(of(CLASS), [3, 1]);
// Three acquires of the client pool: one logon, then two re-attaches to the kept session.
assert.deepEqual(of(POOL_CLASS), [3, 2]);
