// A lone call (nothing else in flight) waits for its answer on the JS thread's own event loop
// under Node (libuv polls the socket), and on the I/O thread elsewhere; either way the event
// loop stays free while the server is slow, and timers, breaks and timeouts still end it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, OracleError } from "../mod.ts";
import { needsTestServer, SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER || needsTestServer("fault injection through its admin port") };
const creds = { user: "scott", password: "tiger" };

/** The longest gap between 5 ms interval ticks while `p` runs. */
async function longestGap<T>(p: () => Promise<T>): Promise<[T, number]> {
  let last = performance.now();
  let gap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  try {
    const v = await p();
    return [v, Math.max(gap, performance.now() - last)];
  } finally {
    clearInterval(tick);
  }
}

test(
  "a lone query waiting 300 ms on a slow server leaves the event loop running",
  server,
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({ ...creds, connectString: db.connectString });
    await db.faults.delay(300);
    const t0 = performance.now();
    const [res, gap] = await longestGap(() => conn.execute("select 7 as n from dual"));
    assert.equal(res.rows?.[0].N, 7);
    assert.ok(performance.now() - t0 >= 250, "the delay was applied");
    // 20 ms is the target; the bound leaves room for a loaded machine, and is far below 300.
    assert.ok(gap < 100, `event loop stalled ${gap.toFixed(0)} ms`);
    await db.faults.delay(0);
  },
);

test("a thousand sequential lone queries each get their own row", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({ ...creds, connectString: db.connectString });
  for (let i = 0; i < 1000; i++) {
    const r = await conn.execute<{ N: number; S: string }>(
      "select :1 as n, :2 as s from dual",
      [i, `v${i}`],
    );
    assert.deepEqual(r.rows, [{ N: i, S: `v${i}` }]);
  }
});

test(
  "a lone query on a slow server ends by callTimeout, then by break, and the session goes on",
  server,
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({ ...creds, connectString: db.connectString });
    await db.faults.delay(400);
    conn.callTimeout = 50;
    const [err, gap] = await longestGap(() =>
      conn.execute("select 1 from dual").then(() => undefined, (e) => e)
    );
    assert.ok(err instanceof OracleError, String(err));
    assert.equal(err.code, "ODB-5011");
    assert.ok(gap < 100, `event loop stalled ${gap.toFixed(0)} ms`);
    conn.callTimeout = 0;
    const running = conn.execute("select 2 from dual").then(() => "answered", (e) => e);
    await new Promise((r) => setTimeout(r, 50));
    await conn.break();
    const outcome = await running;
    // The delayed answer may win the race with the break; either way the call settles.
    assert.ok(
      outcome === "answered" || (outcome instanceof OracleError && outcome.code === "ORA-01013"),
      String(outcome),
    );
    await db.faults.delay(0);
    assert.equal((await conn.execute("select 3 as n from dual")).rows?.[0].N, 3);
  },
);
