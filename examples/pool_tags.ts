/**
 * A session pool with tags and a JS session callback: the callback sets up a session's state
 * (here its date format) for the tag an `acquire()` asks for, and runs only when the session is
 * new or its tag differs. A session released with a tag is handed out again for that tag without
 * running the callback; `matchAnyTag` takes a differently tagged session and retags it.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/pool_tags.ts
 * Node: npm run build:test && node dist/examples/pool_tags.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Connection, createPool } from "../mod.ts";
import { credentials } from "./_env.ts";

/** Date formats by the value of the tag's `fmt` property. */
const FORMATS: Record<string, string> = { iso: "YYYY-MM-DD", us: "MM/DD/YYYY" };

/** Runs for new sessions, and when the requested tag differs from the session's. */
async function initSession(conn: Connection, requestedTag: string): Promise<void> {
  // A tag is "k1=v1;k2=v2"; this pool only knows the fmt property.
  const format = FORMATS[/(?:^|;)fmt=(\w+)/.exec(requestedTag)?.[1] ?? "iso"];
  await conn.execute(`ALTER SESSION SET NLS_DATE_FORMAT = '${format}'`);
  conn.tag = requestedTag;
}

async function dateAndSid(conn: Connection): Promise<[string, number]> {
  const { rows } = await conn.execute<[string, number]>(
    "SELECT TO_CHAR(DATE '2024-05-06'), SYS_CONTEXT('USERENV', 'SID') FROM dual",
    [],
    { outFormat: "array" },
  );
  const [text, sid] = rows![0];
  return [text, Number(sid)];
}

// One session, so that every acquire below meets the same one.
await using pool = await createPool({ ...credentials(), poolMax: 1, sessionCallback: initSession });

let sid: number;
{
  await using conn = await pool.acquire({ tag: "fmt=iso" });
  const [text, s] = await dateAndSid(conn);
  console.log(`new session ${s}, tag "${conn.tag}": ${text}`);
  assert.equal(text, "2024-05-06");
  assert.equal(conn.tag, "fmt=iso");
  sid = s;
} // released with its tag

{
  // Same tag: the tagged session comes back as it was; the callback does not run again.
  await using conn = await pool.acquire({ tag: "fmt=iso" });
  assert.deepEqual(await dateAndSid(conn), ["2024-05-06", sid]);
  assert.equal(pool.getStatistics().callbackInvocations, 1);
}

{
  // Another tag with matchAnyTag: the "fmt=iso" session is taken and the callback retags it.
  await using conn = await pool.acquire({ tag: "fmt=us", matchAnyTag: true });
  const [text, s] = await dateAndSid(conn);
  console.log(`session ${s} retagged "${conn.tag}": ${text}`);
  assert.deepEqual([text, s, conn.tag], ["05/06/2024", sid, "fmt=us"]);
  assert.equal(pool.getStatistics().callbackInvocations, 2);
}

const stats = pool.getStatistics();
console.log(`hits ${stats.hits}, misses ${stats.misses}, callbacks ${stats.callbackInvocations}`);
assert.equal(stats.misses, 1, "one session was opened");
