// Faults injected through the test server's admin port, as the driver sees them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Connection, createPool, OracleError } from "../mod.ts";
import { dropFirst, needsTestServer, SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER || needsTestServer("fault injection through its admin port") };
const creds = { user: "scott", password: "tiger" };

const oracleError = (code: string, recoverable?: boolean) => (e: unknown) => {
  assert.ok(e instanceof OracleError, String(e));
  assert.equal(e.code, code, e.message);
  if (recoverable !== undefined) assert.equal(e.isRecoverable, recoverable, e.message);
  return true;
};

const sidOf = async (conn: Connection) =>
  Number(
    (await conn.execute("select sys_context('USERENV', 'SID') as sid from dual")).rows?.[0].SID,
  );

test("a dropped connection fails with a recoverable error and stays closed", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({ ...creds, connectString: db.connectString });
  await dropFirst(conn, "t");
  await conn.execute("create table t (n number)");
  await conn.execute("insert into t values (1)");
  await conn.commit();
  await conn.execute("insert into t values (2)");
  await db.faults.dropAll();
  await assert.rejects(conn.execute("select 1 from dual"), (e: unknown) => {
    assert.ok(e instanceof OracleError && e.isRecoverable, String(e));
    return true;
  });
  // Later calls keep saying the connection was lost; closing it is fine.
  await assert.rejects(conn.ping(), oracleError("ODB-1010", true));
  await conn.close();
  await assert.rejects(conn.ping(), /closed/);
  // The uncommitted row went with the session; the committed one stayed.
  await using again = await connect({ ...creds, connectString: db.connectString });
  assert.deepEqual((await again.execute("select n from t")).rows, [{ N: 1 }]);
});

test("a pool replaces sessions dropped under it, with no error for the user", server, async () => {
  await using db = await startTestServer();
  await using pool = await createPool({
    ...creds,
    connectString: db.connectString,
    poolMin: 3,
    poolMax: 3,
  });
  {
    await using conn = await pool.acquire();
    await conn.ping();
  }
  await db.faults.dropAll();
  for (let i = 0; i < 3; i++) {
    await using conn = await pool.acquire();
    assert.equal((await conn.execute("select 1 as one from dual")).rows?.[0].ONE, 1);
  }
  await db.faults.restart(200);
  await using conn = await pool.acquire();
  await conn.ping();
});

test(
  "refused connections give ORA-12516/12519, recoverable; then connect again",
  server,
  async () => {
    await using db = await startTestServer();
    for (const code of [12516, 12519] as const) {
      await db.faults.refuse(code);
      await assert.rejects(
        connect({ ...creds, connectString: db.connectString }),
        oracleError(`ORA-${code}`, true),
      );
    }
    await using pool = await createPool({ ...creds, connectString: db.connectString });
    await assert.rejects(pool.acquire(), oracleError("ORA-12519", true));
    await db.faults.refuse(null);
    await using conn = await pool.acquire();
    await conn.ping();
  },
);

test("a session cap gives ORA-00018 to the logon beyond it", server, async () => {
  await using db = await startTestServer();
  await db.faults.maxSessions(1);
  const first = await connect({ ...creds, connectString: db.connectString });
  await assert.rejects(
    connect({ ...creds, connectString: db.connectString }),
    oracleError("ORA-00018"),
  );
  await first.close();
  await using second = await connect({ ...creds, connectString: db.connectString });
  await second.ping();
  assert.equal((await db.faults.sessions()).length, 1);
});

test("a slow server trips callTimeout; the connection stays usable", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({ ...creds, connectString: db.connectString });
  await db.faults.delay(300);
  conn.callTimeout = 50;
  await assert.rejects(conn.execute("select 1 from dual"), oracleError("ODB-5011"));
  await db.faults.delay(0);
  conn.callTimeout = 0;
  assert.equal((await conn.execute("select 2 as two from dual")).rows?.[0].TWO, 2);
});

test("a fetch stalled mid-cursor waits, then a call timeout ends it cleanly", {
  skip: server.skip,
}, async () => {
  await using db = await startTestServer();
  await using conn = await connect({ ...creds, connectString: db.connectString });
  await dropFirst(conn, "s");
  await conn.execute("create table s (n number)");
  await conn.executeMany("insert into s values (:1)", Array.from({ length: 500 }, (_, i) => [i]));
  const sid = await sidOf(conn);
  const sql = "select n from s order by n";
  const small = { prefetchRows: 10, fetchArraySize: 10 };
  {
    await using cursor = conn.cursor(sql, [], small);
    assert.equal((await cursor.fetchMany(10)).length, 10);
    await db.faults.stall(sid);
    let answered = false;
    // The driver may have one batch read ahead; the rest needs the stalled session.
    const rest = cursor.fetchAll().then((rows) => {
      answered = true;
      return rows;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, "a stalled fetch answered");
    await db.faults.unstall(sid);
    const rows = await rest;
    assert.deepEqual([rows.length, rows[0].N, rows[489].N], [490, 10, 499]);
  }
  {
    await using cursor = conn.cursor(sql, [], small);
    await cursor.fetchMany(10);
    await db.faults.stall(sid);
    conn.callTimeout = 100;
    await assert.rejects(cursor.fetchAll(), oracleError("ODB-5011"));
    await db.faults.reset();
    conn.callTimeout = 0;
  }
  assert.equal((await conn.execute("select count(*) as c from s")).rows?.[0].C, 500);
});

test("bad admin commands are refused with the reason", server, async () => {
  await using db = await startTestServer();
  await assert.rejects(db.faults.command("refuse 1"), /12516 or 12519/);
  await assert.rejects(db.faults.command("stall 99999"), /no session 99999/);
  await assert.rejects(db.faults.command("select 1 from dual"), /unknown command "select"/);
});
