// Session pools against the real test server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Connection, createPool, NUMBER, OracleError } from "../mod.ts";
import {
  CREDS,
  dropFirst,
  needsTestServer,
  SKIP_SERVER,
  startTestServer,
  THICK,
} from "./_server.ts";

const server = { skip: SKIP_SERVER };
// A default Oracle Database Free does not start DRCP, and its pool statistics are not fresh.
// A function: each test's own SERVER-GAP line, which scripts/test.sh counts per skipped test.
const drcp = () => ({
  skip: SKIP_SERVER || needsTestServer("DRCP with fresh V$CPOOL_CC_STATS"),
});
const creds = CREDS;

test(
  "the session callback runs for new sessions and tag changes, never for a matching reuse",
  server,
  async () => {
    await using db = await startTestServer();
    const calls: string[] = [];
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 2,
      sessionCallback: async (conn: Connection, requested: string) => {
        calls.push(`${conn.tag}->${requested}`);
        await conn.execute("select 1 from dual");
        conn.tag = requested;
      },
    });
    {
      await using conn = await pool.acquire({ tag: "lang=en;tz=UTC" });
      assert.equal(conn.tag, "lang=en;tz=UTC");
    }
    {
      // Same properties, other order: exact match, no callback.
      await using conn = await pool.acquire({ tag: "tz=UTC;lang=en" });
      assert.equal(conn.tag, "lang=en;tz=UTC");
    }
    {
      // matchAnyTag hands out the tagged session; the callback sees its actual tag.
      await using conn = await pool.acquire({ tag: "lang=fr", matchAnyTag: true });
      assert.equal(conn.tag, "lang=fr");
    }
    assert.deepEqual(calls, ["->lang=en;tz=UTC", "lang=en;tz=UTC->lang=fr"]);
    const stats = pool.getStatistics();
    assert.deepEqual([stats.open, stats.busy, stats.idle], [1, 0, 1]);
  },
);

test("a throwing session callback rejects acquire and the session is dropped", server, async () => {
  await using db = await startTestServer();
  await using pool = await createPool({
    ...creds,
    connectString: db.connectString,
    sessionCallback: () => {
      throw new Error("setup failed");
    },
  });
  await assert.rejects(pool.acquire(), /setup failed/);
  assert.equal(pool.getStatistics().open, 0);
});

test(
  "nowait rejects at once when the pool is exhausted; bad sizes name the option",
  server,
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 1,
      getMode: "nowait",
    });
    await using held = await pool.acquire();
    await assert.rejects(
      pool.acquire(),
      (e: unknown) => e instanceof OracleError && e.code === "ODB-2002",
    );
    await held.close();
    await using again = await pool.acquire();
    assert.deepEqual((await again.execute("select 1 as one from dual")).rows, [{ ONE: 1 }]);
    await assert.rejects(
      createPool({ ...creds, connectString: db.connectString, poolMin: 3, poolMax: 1 }),
      (e: unknown) => e instanceof OracleError && e.message.includes('"poolMin"'),
    );
  },
);

/** A counting JS session callback that tags the session with what was asked for. */
function counting() {
  const seen: string[] = [];
  const cb = (conn: Connection, requested: string) => {
    seen.push(`${conn.tag}->${requested}`);
    conn.tag = requested;
  };
  return { seen, cb };
}

test(
  "cx_Oracle scenario 1: all sessions share one state, the callback runs once per session",
  server,
  async () => {
    await using db = await startTestServer();
    const { seen, cb } = counting();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 2,
      sessionCallback: cb,
    });
    for (let i = 0; i < 10; i++) {
      await using conn = await pool.acquire();
      await conn.execute("select 1 from dual");
    }
    assert.equal(seen.length, 1);
    // Two at once need a second session: one more callback, then none however often they are reused.
    for (let i = 0; i < 5; i++) {
      await using a = await pool.acquire();
      await using b = await pool.acquire();
      await Promise.all([a.ping(), b.ping()]);
    }
    assert.deepEqual(seen, ["->", "->"]);
    assert.equal(pool.getStatistics().callbackInvocations, 2);
  },
);

test(
  "cx_Oracle scenario 2: different tags get their own sessions; matching reuses never call back",
  server,
  async () => {
    await using db = await startTestServer();
    const { seen, cb } = counting();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 4,
      sessionCallback: cb,
    });
    const use = async (tag: string) => {
      await using conn = await pool.acquire({ tag });
      assert.equal(conn.tag, tag);
    };
    await use("tz=UTC");
    await use("tz=UTC");
    await use("tz=CET");
    await use("tz=UTC");
    await use("tz=CET");
    assert.deepEqual(seen, ["->tz=UTC", "->tz=CET"]);
    const st = pool.getStatistics();
    assert.deepEqual([st.open, st.callbackInvocations], [2, 2]);
  },
);

test("cx_Oracle scenario 3: matchAnyTag retags a session with another tag", server, async () => {
  await using db = await startTestServer();
  const { seen, cb } = counting();
  await using pool = await createPool({
    ...creds,
    connectString: db.connectString,
    poolMax: 1,
    sessionCallback: cb,
  });
  await (await pool.acquire({ tag: "k=a" })).close();
  {
    await using conn = await pool.acquire({ tag: "k=b", matchAnyTag: true });
    assert.equal(conn.tag, "k=b");
  }
  // Exact match now: no callback.
  await (await pool.acquire({ tag: "k=b" })).close();
  assert.deepEqual(seen, ["->k=a", "k=a->k=b"]);
  assert.equal(pool.getStatistics().open, 1);
});

test(
  "pool.release retags or drops, and refuses foreign or released connections",
  server,
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({ ...creds, connectString: db.connectString, poolMax: 2 });
    await using other = await createPool({ ...creds, connectString: db.connectString, poolMax: 1 });
    const conn = await pool.acquire();
    await pool.release(conn, { tag: "role=report" });
    await assert.rejects(
      pool.release(conn),
      (e: unknown) => e instanceof OracleError && e.code === "ODB-2008",
    );
    {
      await using again = await pool.acquire({ tag: "role=report" });
      assert.equal(again.tag, "role=report");
    }
    const foreign = await other.acquire();
    await assert.rejects(
      pool.release(foreign),
      (e: unknown) => e instanceof OracleError && e.code === "ODB-2008",
    );
    await other.release(foreign, { drop: true });
    assert.equal(other.getStatistics().open, 0);
    assert.equal(pool.getStatistics().open, 1);
  },
);

test(
  "credentials on a homogeneous pool are refused; a heterogeneous pool keeps users apart",
  { skip: SKIP_SERVER || needsTestServer("a second account, hr/hrpw") },
  async () => {
    await using db = await startTestServer({ extraUsers: ["hr/hrpw"] });
    await using homo = await createPool({ ...creds, connectString: db.connectString });
    await assert.rejects(
      homo.acquire({ user: "hr", password: "hrpw" }),
      (e: unknown) => e instanceof OracleError && e.code === "ODB-2009",
    );
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      homogeneous: false,
      poolMax: 3,
    });
    {
      await using hr = await pool.acquire({ user: "hr", password: "hrpw" });
      await hr.ping();
    }
    await assert.rejects(
      pool.acquire({ user: "hr", password: "wrong" }),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-01017",
    );
    const st = pool.getStatistics();
    assert.deepEqual([st.open, st.busy], [1, 0]);
    await assert.rejects(
      createPool({ ...creds, connectString: db.connectString, poolMax: -1 }),
      (e: unknown) => e instanceof OracleError && e.message.includes('"poolMax"'),
    );
    await assert.rejects(
      createPool({ ...creds, connectString: db.connectString, getMode: "later" as never }),
      (e: unknown) => e instanceof OracleError && e.message.includes('"getMode"'),
    );
    await assert.rejects(
      createPool({ ...creds, connectString: db.connectString, sessionCallback: "x; drop table t" }),
      (e: unknown) => e instanceof OracleError && e.message.includes('"sessionCallback"'),
    );
  },
);

test("timedwait times out on time; an AbortSignal stops a waiting acquire", server, async () => {
  await using db = await startTestServer();
  await using pool = await createPool({
    ...creds,
    connectString: db.connectString,
    poolMax: 1,
    getMode: "timedwait",
    waitTimeout: 300,
  });
  await using held = await pool.acquire();
  let t0 = performance.now();
  await assert.rejects(
    pool.acquire(),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-2004",
  );
  const waited = performance.now() - t0;
  assert.ok(waited >= 280 && waited < 2000, `waited ${waited} ms`);
  pool.reconfigure({ getMode: "wait" });
  const ac = new AbortController();
  const waiting = pool.acquire({ signal: ac.signal });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(pool.getStatistics().waiting, 1);
  t0 = performance.now();
  ac.abort(new Error("user gave up"));
  await assert.rejects(waiting, (e: unknown) => e instanceof OracleError && e.code === "ODB-2010");
  assert.ok(performance.now() - t0 < 500);
  assert.equal(pool.getStatistics().waiting, 0);
  await held.close();
  await using next = await pool.acquire({ signal: new AbortController().signal });
  await next.ping();
});

test("force close breaks busy calls; drainTime waits for sessions first", server, async () => {
  await using db = await startTestServer();
  const pool = await createPool({ ...creds, connectString: db.connectString, poolMax: 2 });
  const busy = await pool.acquire();
  // Settled into a value at once, so the rejection is never unhandled while close() runs.
  const call = busy.execute("begin dbms_session.sleep(10); end;").then(() => null, (e) => e);
  await new Promise((r) => setTimeout(r, 100));
  await assert.rejects(
    pool.close(),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-2006",
  );
  const t0 = performance.now();
  await pool.close({ drainTime: 0.3 });
  const took = performance.now() - t0;
  assert.ok(took >= 250 && took < 3000, `close took ${took} ms`);
  const err = await call;
  assert.ok(err instanceof OracleError && err.code === "ORA-01013", String(err));
  await assert.rejects(
    pool.acquire(),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-2001",
  );
  await busy.close().catch(() => {});
});

test(
  "a restarted server: the next acquire returns a working session with no error",
  { skip: SKIP_SERVER || needsTestServer("restarting the server") },
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMin: 2,
      poolMax: 2,
    });
    {
      await using conn = await pool.acquire();
      await dropFirst(conn, "r");
      await conn.execute("create table r (n number)");
      await conn.execute("insert into r values (7)");
      await conn.commit();
    }
    await db.restart();
    await using conn = await pool.acquire();
    assert.deepEqual((await conn.execute("select n from r")).rows, [{ N: 7 }]);
  },
);

test(
  "an unreachable server fails acquire within the connect timeout, recoverably; then it works again",
  { skip: SKIP_SERVER || needsTestServer("stopping and restarting the server") },
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 2,
      connectTimeout: 2000,
    });
    await db.stop();
    const t0 = performance.now();
    await assert.rejects(
      pool.acquire(),
      (e: unknown) => e instanceof OracleError && e.isRecoverable === true,
    );
    assert.ok(performance.now() - t0 < 2500);
    await db.restart();
    await using conn = await pool.acquire();
    await conn.ping();
    assert.equal(pool.getStatistics().open, 1);
  },
);

test(
  "1000 concurrent acquire-query-release on poolMax 10 never hold more than 10 server sessions",
  { skip: SKIP_SERVER || needsTestServer("V$SESSION listing only this test's sessions") },
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({ ...creds, connectString: db.connectString, poolMax: 10 });
    // Counted on the server side, in V$SESSION, from a connection outside the pool.
    await using monitor = await connect({ ...creds, connectString: db.connectString });
    const sessionsOnServer = async () => {
      const { rows } = await monitor.execute<unknown[]>(
        "select count(*) from v$session where sid <> sys_context('USERENV', 'SID')",
        [],
        { outFormat: "array" },
      );
      return Number(rows?.[0][0]);
    };
    let most = 0;
    let running = true;
    const sampler = (async () => {
      while (running) most = Math.max(most, await sessionsOnServer());
    })();
    try {
      const results = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
        await using conn = await pool.acquire();
        const r = await conn.execute<{ N: number }>("select :1 + 1 as n from dual", [i]);
        return r.rows?.[0].N;
      }));
      assert.deepEqual(results, Array.from({ length: 1000 }, (_, i) => i + 1));
    } finally {
      running = false;
      await sampler;
    }
    console.log(`1000 acquires on poolMax 10: V$SESSION showed at most ${most} pool sessions`);
    assert.ok(most >= 1 && most <= 10, `server held ${most} sessions`);
    const st = pool.getStatistics();
    assert.ok(st.open <= 10 && st.busy === 0 && st.waiting === 0, JSON.stringify(st));
    assert.equal(await sessionsOnServer(), st.open);
  },
);

test("waiting acquires are served in FIFO order and bounded by queueMax", server, async () => {
  await using db = await startTestServer();
  await using pool = await createPool({
    ...creds,
    connectString: db.connectString,
    poolMax: 1,
    queueMax: 2,
  });
  const held = await pool.acquire();
  const order: number[] = [];
  const waiters = [1, 2].map((n) =>
    pool.acquire().then(async (c) => {
      order.push(n);
      await c.close();
    })
  );
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(pool.getStatistics().waiting, 2);
  await assert.rejects(
    pool.acquire(),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-2003",
  );
  await held.close();
  await Promise.all(waiters);
  assert.deepEqual(order, [1, 2]);
  const st = pool.getStatistics();
  assert.deepEqual([st.open, st.busy, st.waiting], [1, 0, 0]);
});

test(
  "a PL/SQL session callback runs in the session only when the tags differ",
  server,
  async () => {
    await using db = await startTestServer();
    {
      await using admin = await connect({ ...creds, connectString: db.connectString });
      await dropFirst(admin, "cb_log", "sequence cb_seq");
      await admin.execute(
        "create table cb_log (seq number, requested varchar2(100), actual varchar2(100))",
      );
      await admin.execute("create sequence cb_seq");
      await admin.execute(
        `create or replace procedure tag_session(requested in varchar2, actual in varchar2) is
      begin
        insert into cb_log values (cb_seq.nextval, requested, actual);
        commit;
      end;`,
      );
    }
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 1,
      sessionCallback: "tag_session",
    });
    // No tag asked for a new untagged session: the tags agree, no call.
    await (await pool.acquire()).close();
    {
      await using conn = await pool.acquire({ tag: "tz=UTC" });
      assert.equal(conn.tag, "tz=UTC");
    }
    // Same tag: reused, no call.
    await (await pool.acquire({ tag: "tz=UTC" })).close();
    {
      await using conn = await pool.acquire({ tag: "tz=CET", matchAnyTag: true });
      assert.equal(conn.tag, "tz=CET");
    }
    await using check = await connect({ ...creds, connectString: db.connectString });
    const { rows } = await check.execute("select requested, actual from cb_log order by seq", [], {
      outFormat: "array",
    });
    assert.deepEqual(rows, [["tz=UTC", null], ["tz=CET", "tz=UTC"]]);
    // Thick mode: OCI runs the PL/SQL callback itself and then reports the session as found
    // with the requested tag, so nothing tells the driver it ran (documented on the counter).
    assert.equal(pool.getStatistics().callbackInvocations, THICK ? 0 : 2);
  },
);

test(
  "idle sessions beyond poolMin close after poolTimeout; old sessions close on release",
  server,
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMin: 1,
      poolMax: 3,
      poolTimeout: 1,
      maxLifetimeSession: 2,
      pingInterval: -1,
    });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const c = await pool.acquire();
    await Promise.all([a.close(), b.close(), c.close()]);
    assert.equal(pool.getStatistics().open, 3);
    // OCI's pool (thick mode) counts idle time in whole seconds: idle 1 s means up to 2 s.
    await new Promise((r) => setTimeout(r, THICK ? 2200 : 1200));
    // The next acquire trims idle sessions past the timeout, down to poolMin.
    const d = await pool.acquire();
    assert.equal(pool.getStatistics().open, 1);
    await d.close();
    assert.deepEqual([pool.getStatistics().open, pool.getStatistics().idle], [1, 1]);
    // Past maxLifetimeSession the session closes when it comes back.
    const e = await pool.acquire();
    await new Promise((r) => setTimeout(r, 1000));
    const opened = pool.getStatistics().misses;
    await e.close();
    // ...and a new one opens in the background to keep poolMin.
    for (let i = 0; i < 100 && pool.getStatistics().idle < 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const st = pool.getStatistics();
    assert.deepEqual([st.open, st.idle, st.busy], [1, 1, 0]);
    await using f = await pool.acquire();
    assert.equal(pool.getStatistics().hits > 0 && pool.getStatistics().misses, opened);
    await f.ping();
  },
);

test(
  "a :pooled Easy Connect string reaches the server as a DRCP (POOLED) session",
  drcp(),
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({
      ...creds,
      connectString: `${db.connectString}:pooled`,
      connectionClass: "ORADB_TEST",
      purity: "self",
    });
    await using conn = await pool.acquire({ purity: "new" });
    const { rows } = await conn.execute(
      "select server from v$session where sid = sys_context('USERENV', 'SID')",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(rows, [["POOLED"]]);
  },
);

test(
  "DRCP: purity self reuses the class's server session and its state; a pool release frees it",
  drcp(),
  async () => {
    await using db = await startTestServer();
    const pooled = `${db.connectString}:pooled`;
    const one = async (c: Connection, sql: string) =>
      (await c.execute<unknown[]>(sql, [], { outFormat: "array" })).rows?.[0][0];
    const sidSql = "select sys_context('USERENV', 'SID') from dual";
    const fmt = "select to_char(date '2024-05-06') from dual";
    let sid: unknown;
    {
      await using c = await connect({
        ...creds,
        connectString: pooled,
        connectionClass: "OC",
        purity: "self",
      });
      sid = await one(c, sidSql);
      await c.execute(`alter session set nls_date_format = 'YYYY"/"MM'`);
    }
    {
      await using c = await connect({
        ...creds,
        connectString: pooled,
        connectionClass: "OC",
        purity: "self",
      });
      assert.equal(await one(c, sidSql), sid);
      assert.equal(await one(c, fmt), "2024/05");
    }
    {
      await using c = await connect({
        ...creds,
        connectString: pooled,
        connectionClass: "OC",
        purity: "new",
      });
      assert.notEqual(await one(c, sidSql), sid);
      assert.equal(await one(c, fmt), "06-MAY-24");
    }
    await using pool = await createPool({
      ...creds,
      connectString: pooled,
      connectionClass: "OP",
      purity: "self",
      poolMin: 1,
      poolMax: 1,
    });
    {
      await using c = await pool.acquire();
      sid = await one(c, sidSql);
      await c.execute("alter session set nls_date_format = 'DD.MM.YYYY'");
    }
    await using c = await pool.acquire();
    assert.equal(await one(c, sidSql), sid);
    assert.equal(await one(c, fmt), "06.05.2024");
    // The release gave the session back to the server's pool; the next call took it again.
    const stats = await c.execute<unknown[]>(
      "select cclass_name, num_requests, num_hits, num_misses from v$cpool_cc_stats order by 1",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(stats.rows, [["SCOTT.OC", 3, 1, 2], ["SCOTT.OP", 2, 1, 1]]);
  },
);

test(
  "waiting acquires get sessions released with I/O (a rollback, a drop) and fail when the pool closes",
  server,
  async () => {
    await using db = await startTestServer();
    const pool = await createPool({ ...creds, connectString: db.connectString, poolMax: 1 });
    const held = await pool.acquire();
    await dropFirst(held, "pw");
    await held.execute("create table pw (n number)");
    // An open transaction: its release rolls back on the I/O thread.
    await held.execute("insert into pw values (1)");
    const first = pool.acquire();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(pool.getStatistics().waiting, 1);
    await held.close();
    const c1 = await first;
    assert.deepEqual((await c1.execute("select count(*) as n from pw")).rows, [{ N: 0 }]);
    // A dropped session makes room: the waiter opens a new one.
    const second = pool.acquire();
    await new Promise((r) => setTimeout(r, 20));
    await c1.close({ drop: true });
    const c2 = await second;
    assert.equal(c2.tag, "");
    await c2.ping();
    const st = pool.getStatistics();
    assert.deepEqual([st.open, st.busy, st.waiting], [1, 1, 0]);
    // Closing the pool fails the acquires still waiting.
    const third = assert.rejects(
      pool.acquire(),
      (e: unknown) => e instanceof OracleError && e.code === "ODB-2001",
    );
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(pool.getStatistics().waiting, 1);
    await pool.close({ force: true });
    await third;
  },
);

test(
  "a pool remembers a statement's exact-text columns across acquires: one execution per query",
  server,
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({ ...creds, connectString: db.connectString, poolMax: 1 });
    const count = async () => {
      await using conn = await pool.acquire();
      const { rows } = await conn.execute<[string]>(
        "select s.value from v$mystat s join v$statname n on n.statistic# = s.statistic# " +
          "where n.name = 'execute count'",
        [],
        { outFormat: "array", fetchAsString: [NUMBER] },
      );
      return Number(rows![0][0]);
    };
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push(await count());
    // The first acquire learns that the NUMBER column is wanted as text; later connections of
    // the pool know it before their first execute, so each query is one execution.
    assert.deepEqual(counts.slice(2).map((n, i) => n - counts[i + 1]), [1, 1]);
  },
);
