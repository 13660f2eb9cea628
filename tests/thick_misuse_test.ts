// Misuse from JS in thick mode: every case ends in a typed error (or a clean close), never a
// native crash, since ODPI-C handles freed or busy handles by aborting unless we stop first.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { connect, createPool, initOracleClient, OracleError } from "../mod.ts";
import type { Connection } from "../mod.ts";
import { SKIP_SERVER, startTestServer, type TestServer } from "./_server.ts";

/** Skipped only without the addon or the server binary, which the test run counts as failed. */
const server = { skip: SKIP_SERVER };

// Instant Client as in thick_test.ts: ORADB_INSTANTCLIENT or .tmp/instantclient_19_3, also on
// LD_LIBRARY_PATH. Without it these tests fail: they never skip.
const up = import.meta.url.endsWith(".ts") ? "../" : "../../";
const IC_DIR = process.env.ORADB_INSTANTCLIENT ??
  fileURLToPath(new URL(`${up}.tmp/instantclient_19_3`, import.meta.url));

const login = (db: TestServer) => ({
  user: db.user,
  password: db.password,
  connectString: db.connectString,
});

/** The code of the OracleError `p` rejects with ("ok" when it resolves). */
async function code(p: Promise<unknown>): Promise<string> {
  return await p.then(() => "ok", (e: unknown) => {
    assert.ok(e instanceof OracleError, `expected an OracleError, got ${String(e)}`);
    return e.code;
  });
}

async function thickConnect(db: TestServer): Promise<Connection> {
  await initOracleClient({ libDir: IC_DIR });
  const conn = await connect(login(db));
  assert.equal(conn.thin, false);
  return conn;
}

const one = async (conn: Connection) =>
  (await conn.execute<[number]>("SELECT 1 FROM dual", [], { outFormat: "array" })).rows;

test(
  "thick: every call on a closed connection is ODB-5000; close again resolves",
  server,
  async () => {
    await using db = await startTestServer();
    const conn = await thickConnect(db);
    const cursor = conn.cursor("SELECT level FROM dual CONNECT BY level <= 50", [], {
      prefetchRows: 2,
      fetchArraySize: 2,
    });
    await cursor.fetchMany(2);
    await conn.close();
    assert.equal(conn.closed, true);
    assert.equal(await code(conn.execute("SELECT 1 FROM dual")), "ODB-5000");
    assert.equal(await code(conn.executeMany("SELECT :1 FROM dual", [[1]])), "ODB-5000");
    assert.equal(await code(conn.commit()), "ODB-5000");
    assert.equal(await code(conn.rollback()), "ODB-5000");
    assert.equal(await code(conn.ping()), "ODB-5000");
    // The open cursor went with its session: it says so instead of touching a freed statement.
    assert.match(await code(cursor.fetchMany(2)), /^ODB-500[01]$/);
    assert.equal(await code(conn.close()), "ok");
    assert.equal(await code(conn.close({ force: true })), "ok");
  },
);

test(
  "thick: a pooled connection after release is ODB-5000 and the pool's session is unharmed",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    await using pool = await createPool({ ...login(db), poolMin: 1, poolMax: 1 });
    const conn = await pool.acquire();
    assert.equal(conn.thin, false);
    await conn.close();
    assert.equal(await code(conn.execute("SELECT 1 FROM dual")), "ODB-5000");
    assert.equal(await code(conn.commit()), "ODB-5000");
    assert.equal(await code(conn.close()), "ok");
    // Released twice would hand OCI a session it owns already: refused before the addon.
    assert.equal(await code(pool.release(conn)), "ODB-2008");
    await using again = await pool.acquire();
    assert.deepEqual(await one(again), [[1]]);
    assert.deepEqual([pool.getStatistics().open, pool.getStatistics().busy], [1, 1]);
  },
);

test("thick: a closed pool is ODB-2001 on acquire; close again resolves", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  const pool = await createPool({ ...login(db), poolMax: 2 });
  await pool.close();
  assert.equal(await code(pool.acquire()), "ODB-2001");
  assert.throws(() => pool.reconfigure({ poolMax: 3 }), { code: "ODB-2001" });
  assert.equal(await code(pool.close()), "ok");
  assert.equal(await code(pool.close({ force: true })), "ok");
});

test(
  "thick: pool close with a busy session is ODB-2006; force closes it and its session is ODB-5000",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    const pool = await createPool({ ...login(db), poolMax: 2 });
    const busy = await pool.acquire();
    assert.equal(await code(pool.close()), "ODB-2006");
    // Still usable: the refused close changed nothing.
    assert.deepEqual(await one(busy), [[1]]);
    await db.faults.delay(1500);
    const running = code(busy.execute("SELECT 2 FROM dual"));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await pool.close({ force: true });
    await db.faults.delay(0);
    assert.ok(Date.now() - started < 5000, `close took ${Date.now() - started} ms`);
    // Broken by the forced close, as in thin mode: never a crash or a hang.
    assert.equal(await running, "ORA-01013");
    assert.equal(await code(busy.execute("SELECT 1 FROM dual")), "ODB-5000");
    assert.equal(await code(busy.close()), "ok");
    assert.equal(await code(pool.acquire()), "ODB-2001");
  },
);

test("thick: close during a running call waits for it; force breaks it", server, async () => {
  await using db = await startTestServer();
  const a = await thickConnect(db);
  const b = await thickConnect(db);
  await db.faults.delay(800);
  // Calls on one connection run in order: the plain close comes after the call.
  const callA = code(a.execute("SELECT 1 FROM dual"));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await code(a.close()), "ok");
  assert.equal(await callA, "ok");
  assert.equal(await code(a.execute("SELECT 1 FROM dual")), "ODB-5000");
  // A forced close jumps the queue: the call in flight is broken, the one queued behind it
  // never starts.
  const callB = code(b.execute("SELECT 1 FROM dual"));
  const queued = code(b.execute("SELECT 2 FROM dual"));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await code(b.close({ force: true })), "ok");
  await db.faults.delay(0);
  assert.equal(await callB, "ORA-01013");
  assert.equal(await queued, "ODB-5000");
  assert.equal(b.closed, true);
});

test(
  "thick: a throwing sessionCallback is ODB-5006 with its error as cause; the pool goes on",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    const mine = new RangeError("not today");
    let fail = true;
    await using pool = await createPool({
      ...login(db),
      poolMax: 1,
      sessionCallback: () => {
        if (fail) throw mine;
      },
    });
    const e = await pool.acquire().then(() => undefined, (e: unknown) => e);
    assert.ok(e instanceof OracleError, String(e));
    assert.equal(e.code, "ODB-5006");
    assert.match(e.message, /sessionCallback threw: not today/);
    assert.equal(e.cause, mine);
    // An async callback that rejects: the same.
    await using pool2 = await createPool({
      ...login(db),
      poolMax: 1,
      sessionCallback: () => Promise.reject(mine),
    });
    assert.equal(await code(pool2.acquire()), "ODB-5006");
    fail = false;
    await using conn = await pool.acquire();
    assert.deepEqual(await one(conn), [[1]]);
    assert.deepEqual([pool.getStatistics().open, pool.getStatistics().busy], [1, 1]);
  },
);

test(
  "thick: close() of a connection whose server went away resolves, as in thin mode",
  server,
  async () => {
    await using db = await startTestServer();
    const conn = await thickConnect(db);
    const forced = await thickConnect(db);
    await initOracleClient({ libDir: IC_DIR });
    await using pool = await createPool({ ...login(db), poolMax: 1 });
    const pooled = await pool.acquire();
    assert.deepEqual(await one(conn), [[1]]);
    await db.restart();
    // The first call finds the session gone: thin mode's lost connection, not ODB-4000.
    const lost = await conn.execute("SELECT 1 FROM dual").then(() => undefined, (e) => e);
    assert.ok(lost instanceof OracleError, String(lost));
    assert.equal(lost.code, "ODB-1010");
    assert.match(lost.message, /^ODB-1010: DPI-1080: connection was closed by ORA-\d+/);
    assert.equal(lost.isRecoverable, true);
    assert.equal(await code(conn.close()), "ok");
    assert.equal(conn.closed, true);
    // Without a call first, and with force: the same.
    assert.equal(await code(forced.close({ force: true })), "ok");
    assert.equal(await code(pooled.close()), "ok");
    // The pool gives out a working session afterwards.
    await using fresh = await pool.acquire();
    assert.deepEqual(await one(fresh), [[1]]);
  },
);

test(
  "thick: a forced close of a call whose server went silent returns after the grace time",
  server,
  async () => {
    await using db = await startTestServer();
    const conn = await thickConnect(db);
    assert.deepEqual(await one(conn), [[1]]);
    // A stopped server keeps its sockets open (the kernel still acknowledges) and answers
    // nothing, not even the break: OCI waits in recv with no timeout of its own.
    process.kill(db.pid, "SIGSTOP");
    try {
      const call = code(conn.execute("SELECT 2 FROM dual"));
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      assert.equal(await code(conn.close({ force: true })), "ok");
      const took = Date.now() - started;
      assert.ok(took >= 1500 && took < 4000, `close took ${took} ms`);
      assert.equal(await call, "ODB-1010");
      assert.equal(conn.closed, true);
      assert.equal(await code(conn.execute("SELECT 1 FROM dual")), "ODB-5000");
    } finally {
      process.kill(db.pid, "SIGCONT");
    }
  },
);
