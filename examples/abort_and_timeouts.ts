/**
 * Stopping calls: an `AbortSignal` on `execute()` breaks the running call (`ODB-5004`, with the
 * server's ORA-01013 as `cause`); `conn.callTimeout` limits every round trip (`ODB-5011`); a
 * `cursor()`'s `signal` also ends its `for await` loop and closes the cursor; and
 * `close({ force: true })` breaks whatever is running and ends the session at once. After a
 * break or a timeout the connection stays usable.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/abort_and_timeouts.ts
 * Node: npm run build:test && node dist/examples/abort_and_timeouts.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, ErrorCode, OracleError } from "../mod.ts";
import { credentials } from "./_env.ts";

/** Ten seconds of server time, interrupted by each break below. */
const SLOW = "BEGIN DBMS_SESSION.SLEEP(10); END;";

/** Runs `call`, returning the OracleError it rejects with and how long that took. */
async function failure(call: Promise<unknown>): Promise<[OracleError, number]> {
  const t0 = performance.now();
  const e = await call.then(() => assert.fail("the call succeeded"), (e: unknown) => e);
  assert.ok(e instanceof OracleError, `not an OracleError: ${e}`);
  return [e, performance.now() - t0];
}

await using conn = await connect(credentials());

// 1. AbortSignal.timeout() on one call.
{
  const [e, ms] = await failure(conn.execute(SLOW, [], { signal: AbortSignal.timeout(200) }));
  console.log(`aborted after ${ms.toFixed(0)} ms: ${e.message} (cause ${e.cause})`);
  assert.equal(e.code, ErrorCode.CALL_ABORTED);
  assert.equal((e.cause as OracleError).code, "ORA-01013");
  assert.ok(ms < 5000, "the break did not end the call");
}

// 2. A call timeout for every round trip of the connection.
conn.callTimeout = 300;
{
  const [e, ms] = await failure(conn.execute(SLOW));
  console.log(`timed out after ${ms.toFixed(0)} ms: ${e.message}`);
  assert.equal(e.code, ErrorCode.CALL_TIMEOUT);
  assert.ok(ms < 5000);
}
conn.callTimeout = 0;
const { rows } = await conn.execute("SELECT 'still usable' AS status FROM dual");
assert.deepEqual(rows, [{ STATUS: "still usable" }]);

// 3. A cursor's signal ends its loop, even between fetches, and closes the cursor.
await conn.execute(
  "CREATE TABLE example_numbers (n NUMBER)",
).catch((e) => {
  if (!(e instanceof OracleError && e.code === "ORA-00955")) throw e;
});
await conn.execute("TRUNCATE TABLE example_numbers");
await conn.executeMany(
  "INSERT INTO example_numbers VALUES (:1)",
  Array.from({ length: 1000 }, (_, i) => [i]),
);
await conn.commit();
const ac = new AbortController();
let seen = 0;
const [loopError] = await failure((async () => {
  for await (
    const _row of conn.cursor("SELECT n FROM example_numbers", [], { signal: ac.signal })
  ) {
    if (++seen === 250) ac.abort(new Error("enough rows"));
  }
})());
console.log(`cursor loop ended after ${seen} rows: ${loopError.message}`);
assert.equal(loopError.code, ErrorCode.CALL_ABORTED);
assert.equal(seen, 250);

// 4. A forced close breaks the running call and returns promptly.
const other = await connect(credentials());
const running = failure(other.execute(SLOW));
await new Promise((r) => setTimeout(r, 100));
const t0 = performance.now();
await other.close({ force: true });
const [closedError] = await running;
console.log(
  `forced close took ${(performance.now() - t0).toFixed(0)} ms; the call got ${closedError.code}`,
);
assert.ok(performance.now() - t0 < 3000);
assert.equal(closedError.code, "ORA-01013");
assert.equal(other.closed, true);

await conn.execute("DROP TABLE example_numbers");
