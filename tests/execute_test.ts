import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Connection, DB_TYPE_NUMBER, OracleError, STRING } from "../mod.ts";
import {
  dropFirst,
  needsTestServer,
  ociGap,
  SKIP_SERVER,
  startTestServer,
  THICK,
} from "./_server.ts";

const server = { skip: SKIP_SERVER };

async function open() {
  const db = await startTestServer();
  const conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  return {
    conn,
    db,
    async [Symbol.asyncDispose]() {
      await conn.close();
      await db[Symbol.asyncDispose]();
    },
  };
}

/** Creates `t (id, name)` with rows 1..n named "row i". */
async function table(conn: Connection, n: number): Promise<void> {
  await dropFirst(conn, "t");
  await conn.execute("create table t (id number, name varchar2(20))");
  if (n > 0) {
    await conn.executeMany(
      "insert into t values (:1, :2)",
      Array.from({ length: n }, (_, i) => [i + 1, `row ${i + 1}`]),
    );
  }
  await conn.commit();
}

/** A session statistic of this connection from V$MYSTAT (the query itself counts once). */
async function stat(conn: Connection, name: string): Promise<number> {
  const { rows } = await conn.execute<unknown[]>(
    `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
      where n.name = :name`,
    { name },
    { outFormat: "array" },
  );
  return Number(rows?.[0][0]);
}

test(
  "execute of a query fetches every batch until done and returns rows keyed by column",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await table(conn, 7);
    const cursors = await stat(conn, "opened cursors current");
    const trips = await stat(conn, "SQL*Net roundtrips to/from client");
    const r = await conn.execute("SELECT id, name FROM t ORDER BY id", [], {
      fetchArraySize: 3,
      prefetchRows: 2,
    });
    const after = await stat(conn, "SQL*Net roundtrips to/from client");
    assert.equal(r.rows?.length, 7);
    assert.deepEqual(r.rows?.[0], { ID: 1, NAME: "row 1" });
    assert.deepEqual(r.rows?.[6], { ID: 7, NAME: "row 7" });
    assert.deepEqual(r.metaData?.map((m) => [m.name, m.dbTypeName]), [["ID", "NUMBER"], [
      "NAME",
      "VARCHAR2",
    ]]);
    assert.equal(r.rowsAffected, undefined);
    // 2 rows with the execute, then batches of 3 and 2: three round trips, plus the stat query.
    // Thin mode's schedule only: OCI sizes its own fetches.
    if (!THICK) assert.equal(after - trips, 4);
    // The statement cache keeps one cursor for the query; running it again reuses it.
    for (let i = 0; i < 5; i++) await conn.execute("SELECT id, name FROM t ORDER BY id");
    assert.equal(await stat(conn, "opened cursors current"), cursors + 1, "no cursor leaked");
  },
);

test("object rows keep any column name: quotes, spaces, digits, duplicates", server, async () => {
  await using s = await open();
  const sql = `SELECT 1 AS "a'b\\c", 2 AS "x y", 3 AS "1", 4 AS "1", 'v' AS "__proto__x",
    5 AS "constructor" FROM dual`;
  for (let i = 0; i < 2; i++) {
    const r = await s.conn.execute(sql);
    assert.deepEqual(r.rows, [
      { "a'b\\c": 1, "x y": 2, "1": 3, "1_1": 4, "__proto__x": "v", "constructor": 5 },
    ]);
    assert.equal(Object.getPrototypeOf(r.rows![0]), Object.prototype);
  }
});

test(
  "executes sharing a select list but not its conversions decode each with its own",
  server,
  async () => {
    await using s = await open();
    await table(s.conn, 1);
    // Row builders are shared between executes with the same columns; a converter or a fetch
    // type changes how a column is built, so it must not reuse the plain builder.
    const sql = "SELECT id, name FROM t";
    for (let i = 0; i < 2; i++) {
      assert.deepEqual((await s.conn.execute(sql)).rows, [{ ID: 1, NAME: "row 1" }]);
      const asText = await s.conn.execute(sql, [], { fetchAsString: [DB_TYPE_NUMBER] });
      assert.deepEqual(asText.rows, [{ ID: "1", NAME: "row 1" }]);
      const converted = await s.conn.execute(sql, [], {
        fetchTypeHandler: (m) =>
          m.name === "NAME" ? { converter: (v: unknown) => `<${v}>` } : undefined,
      });
      assert.deepEqual(converted.rows, [{ ID: 1, NAME: "<row 1>" }]);
    }
  },
);

test(
  "a fetchTypeHandler is asked at every execute and a changed answer changes the rows",
  server,
  async () => {
    await using s = await open();
    await table(s.conn, 1);
    // A plan built from a handler's answers is reused while the answers are the very same
    // objects; a new answer (another converter, a fetch type) must be used at once.
    const sql = "SELECT id, name FROM t";
    const upper = { converter: (v: unknown) => String(v).toUpperCase() };
    const text = { type: STRING };
    let asked = 0;
    let answer: object | undefined = upper;
    const fetchTypeHandler = (m: { name: string }) => {
      asked++;
      if (m.name === "NAME") return answer;
      return answer === text ? text : undefined;
    };
    for (let i = 0; i < 3; i++) {
      const r = await s.conn.execute(sql, [], { fetchTypeHandler });
      assert.deepEqual(r.rows, [{ ID: 1, NAME: "ROW 1" }]);
    }
    assert.equal(asked, 6);
    answer = { converter: (v: unknown) => `<${v}>` };
    assert.deepEqual((await s.conn.execute(sql, [], { fetchTypeHandler })).rows, [
      { ID: 1, NAME: "<row 1>" },
    ]);
    answer = text;
    const r = await s.conn.execute(sql, [], { fetchTypeHandler });
    assert.deepEqual(r.rows, [{ ID: "1", NAME: "row 1" }]);
    assert.equal(r.metaData?.[0].fetchType, STRING);
    answer = undefined;
    assert.deepEqual((await s.conn.execute(sql, [], { fetchTypeHandler })).rows, [
      { ID: 1, NAME: "row 1" },
    ]);
  },
);

test("outFormat array returns rows as arrays", server, async () => {
  await using s = await open();
  await table(s.conn, 2);
  const r = await s.conn.execute<unknown[]>("SELECT id, name FROM t ORDER BY id", [], {
    outFormat: "array",
  });
  assert.deepEqual(r.rows, [[1, "row 1"], [2, "row 2"]]);
});

test(
  "maxRows stops fetching and closes the server cursor holding the rest",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await table(conn, 10);
    const cursors = await stat(conn, "opened cursors current");
    const r = await conn.execute("SELECT id, name FROM t ORDER BY id", [], {
      maxRows: 4,
      fetchArraySize: 3,
    });
    assert.deepEqual(r.rows?.map((row) => row.ID), [1, 2, 3, 4]);
    for (let i = 0; i < 5; i++) {
      await conn.execute("SELECT id, name FROM t ORDER BY id", [], {
        maxRows: 2,
        fetchArraySize: 1,
      });
    }
    // Cursors holding unfetched rows are closed: at most the cached one stays open.
    assert.ok(await stat(conn, "opened cursors current") <= cursors + 1, "no cursor leaked");
  },
);

test(
  "DML returns rowsAffected and no rows; autoCommit defaults to the connection's",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await table(conn, 3);
    await using other = await connect({
      user: s.db.user,
      password: s.db.password,
      connectString: s.db.connectString,
    });
    const seen = async () =>
      (await other.execute<{ C: number }>("select count(*) as c from t where name = 'x'")).rows?.[0]
        .C;
    const r = await conn.execute("UPDATE t SET name = 'x'");
    assert.equal(r.rowsAffected, 3);
    assert.equal(r.rows, undefined);
    assert.equal(await seen(), 0, "not committed: autoCommit is off by default");
    await conn.rollback();
    conn.autoCommit = true;
    await conn.execute("UPDATE t SET name = 'x' WHERE id = 1");
    assert.equal(await seen(), 1, "committed by the connection's autoCommit");
    await conn.execute("UPDATE t SET name = 'x' WHERE id = 2", [], { autoCommit: false });
    assert.equal(await seen(), 1, "the per-call option wins");
    await conn.rollback();
  },
);

test("executeMany passes the row count and options and returns counts", server, async () => {
  await using s = await open();
  const { conn } = s;
  await table(conn, 0);
  const r = await conn.executeMany("INSERT INTO t VALUES (:1, :2)", [[1, "a"], [2, "b"]], {
    dmlRowCounts: true,
  });
  assert.deepEqual(r, { rowsAffected: 2, dmlRowCounts: [1, 1] });
  const rows = await conn.execute("select id, name from t order by id", [], { outFormat: "array" });
  assert.deepEqual(rows.rows, [[1, "a"], [2, "b"]]);
});

test("calls after close reject with ODB-5000 and close twice is fine", server, async () => {
  await using s = await open();
  const { conn } = s;
  await conn.close();
  await conn.close();
  assert.equal(conn.closed, true);
  for (
    const call of [() => conn.execute("SELECT 1 FROM dual"), () => conn.commit(), () => conn.ping()]
  ) {
    await assert.rejects(call(), { code: "ODB-5000", message: "ODB-5000: Connection is closed" });
  }
  assert.throws(() => conn.callTimeout, { code: "ODB-5000" });
});

test("await using closes the connection: its session leaves the server", {
  skip: SKIP_SERVER || needsTestServer("V$SESSION listing only this test's sessions"),
}, async () => {
  await using s = await open();
  const sessions = async () =>
    Number(
      (await s.conn.execute<unknown[]>("select count(*) from v$session", [], {
        outFormat: "array",
      })).rows?.[0][0],
    );
  const before = await sessions();
  let kept: Connection;
  {
    await using c = await connect({
      user: s.db.user,
      password: s.db.password,
      connectString: s.db.connectString,
    });
    kept = c;
    await c.ping();
    assert.equal(await sessions(), before + 1);
  }
  assert.equal(kept.closed, true);
  assert.equal(await sessions(), before);
});

test("calls queue in order: close waits for the running execute", server, async () => {
  await using s = await open();
  const { conn } = s;
  await table(conn, 3);
  const done: string[] = [];
  const a = conn.execute("SELECT id FROM t").then(() => done.push("execute"));
  const b = conn.commit().then(() => done.push("commit"));
  const c = conn.close().then(() => done.push("close"));
  await Promise.all([a, b, c]);
  assert.deepEqual(done, ["execute", "commit", "close"]);
});

const SLEEP = "begin dbms_session.sleep(10); end;";

test(
  "aborting a running execute breaks it: ODB-5004 with ORA-01013 as cause, connection usable",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    const ac = new AbortController();
    const t0 = performance.now();
    const running = conn.execute(SLEEP, [], { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const err = await running.then(() => undefined, (e: unknown) => e);
    assert.ok(performance.now() - t0 < 2000, "the break ended the sleep");
    assert.ok(err instanceof OracleError);
    assert.equal(err.code, "ODB-5004");
    assert.equal(err.message, 'ODB-5004: Call was aborted by its "signal"');
    assert.ok(err.cause instanceof OracleError);
    assert.equal(err.cause.code, "ORA-01013");
    assert.match(err.stack!, /execute_test\.[tj]s/);
    await conn.ping();
    assert.deepEqual((await conn.execute("select 1 as one from dual")).rows, [{ ONE: 1 }]);
  },
);

test("a call aborted while queued never runs", server, async () => {
  await using s = await open();
  const { conn } = s;
  await table(conn, 0);
  const first = conn.execute(SLEEP).catch((e: OracleError) => e.code);
  const ac = new AbortController();
  const queued = conn.execute("INSERT INTO t VALUES (99, 'queued')", [], {
    signal: ac.signal,
    autoCommit: true,
  });
  ac.abort(new Error("user gave up"));
  await assert.rejects(queued, (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, "ODB-5004");
    assert.equal((e.cause as Error).message, "user gave up");
    return true;
  });
  await new Promise((r) => setTimeout(r, 50));
  await conn.break();
  assert.equal(await first, "ORA-01013");
  const { rows } = await conn.execute("select count(*) as c from t");
  assert.deepEqual(rows, [{ C: 0 }], "the queued insert never reached the server");
});

test("an already aborted signal rejects at once, without a round trip", server, async () => {
  await using s = await open();
  const { conn } = s;
  const trips = await stat(conn, "SQL*Net roundtrips to/from client");
  await assert.rejects(conn.execute("SELECT 1 FROM dual", [], { signal: AbortSignal.abort() }), {
    code: "ODB-5004",
  });
  // Only the second stat query itself.
  assert.equal(await stat(conn, "SQL*Net roundtrips to/from client"), trips + 1);
});

test("callTimeout reads and writes the setting and rejects negatives", server, async () => {
  await using s = await open();
  const { conn } = s;
  conn.callTimeout = 1500;
  assert.equal(conn.callTimeout, 1500);
  assert.throws(() => (conn.callTimeout = -1), {
    code: "ODB-5002",
    message: 'ODB-5002: Option "callTimeout" must be an integer from 0 to 2147483647',
  });
});

test("execute rejects an empty SQL text naming the argument", server, async () => {
  await using s = await open();
  await assert.rejects(s.conn.execute(""), {
    code: "ODB-5005",
    message: 'ODB-5005: Argument "sql" must be a non-empty string',
  });
});

test("create, insert, update, delete and query round trip on the server", server, async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "items");
  await conn.execute(
    "CREATE TABLE items (id NUMBER(9) PRIMARY KEY, label VARCHAR2(20), qty NUMBER)",
  );
  const many = await conn.executeMany(
    "INSERT INTO items (id, label, qty) VALUES (:1, :2, :3)",
    [[1, "bolt", 10], [2, "nut", 20], [3, "washer", 30]],
    { dmlRowCounts: true },
  );
  assert.deepEqual(many, { rowsAffected: 3, dmlRowCounts: [1, 1, 1] });
  assert.equal(
    (await conn.execute("UPDATE items SET qty = qty + 1 WHERE id <= 2")).rowsAffected,
    2,
  );
  assert.equal((await conn.execute("DELETE FROM items WHERE id = 3")).rowsAffected, 1);
  const r = await conn.execute("SELECT id, label, qty FROM items ORDER BY id");
  assert.deepEqual(r.rows, [{ ID: 1, LABEL: "bolt", QTY: 11 }, { ID: 2, LABEL: "nut", QTY: 21 }]);
  assert.deepEqual(r.metaData?.map((m) => m.name), ["ID", "LABEL", "QTY"]);
  const arr = await conn.execute("SELECT id FROM items ORDER BY id", [], { outFormat: "array" });
  assert.deepEqual(arr.rows, [[1], [2]]);
});

test("rollback undoes uncommitted work and commit keeps it", server, async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "tx");
  await conn.execute("CREATE TABLE tx (n NUMBER)");
  await conn.execute("INSERT INTO tx VALUES (1)");
  await conn.rollback();
  assert.deepEqual((await conn.execute("SELECT COUNT(*) AS c FROM tx")).rows, [{ C: 0 }]);
  await conn.execute("INSERT INTO tx VALUES (2)");
  await conn.commit();
  await conn.rollback();
  assert.deepEqual((await conn.execute("SELECT n FROM tx")).rows, [{ N: 2 }]);
});

test("a query of 1000 rows returns them all across fetches; maxRows caps it", server, async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "nums");
  await conn.execute("CREATE TABLE nums (n NUMBER)");
  await conn.executeMany(
    "INSERT INTO nums VALUES (:1)",
    Array.from({ length: 1000 }, (_, i) => [i]),
  );
  const all = await conn.execute("SELECT n FROM nums ORDER BY n", [], { fetchArraySize: 64 });
  assert.equal(all.rows?.length, 1000);
  assert.deepEqual(all.rows?.[999], { N: 999 });
  const some = await conn.execute("SELECT n FROM nums ORDER BY n", [], { maxRows: 5 });
  assert.deepEqual(some.rows?.map((r) => r.N), [0, 1, 2, 3, 4]);
});

test(
  "executeMany with batchErrors reports the failing row and inserts the others",
  ociGap("batchErrors"),
  async () => {
    await using s = await open();
    const { conn } = s;
    await dropFirst(conn, "uniq");
    await conn.execute("CREATE TABLE uniq (id NUMBER PRIMARY KEY)");
    const r = await conn.executeMany("INSERT INTO uniq VALUES (:1)", [[1], [1], [2]], {
      batchErrors: true,
    });
    assert.equal(r.rowsAffected, 2);
    assert.equal(r.batchErrors?.length, 1);
    assert.equal(r.batchErrors?.[0].offset, 1);
    assert.equal(r.batchErrors?.[0].code, "ORA-00001");
  },
);

test(
  "aborting a long query breaks it with ORA-01013 as cause; the connection stays usable",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const slow =
      "WITH c (x) AS (SELECT 1 FROM dual UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) " +
      "SELECT COUNT(*) AS n FROM c";
    const err = await conn.execute(slow, [], { signal: ac.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof OracleError);
    assert.equal(err.code, "ODB-5004");
    assert.equal((err.cause as OracleError).code, "ORA-01013");
    assert.deepEqual((await conn.execute("SELECT 7 AS seven FROM dual")).rows, [{ SEVEN: 7 }]);
  },
);

test(
  "a cached query re-run after DDL changed its table is described again, never decoded with the old columns",
  server,
  async () => {
    await using h = await open();
    const { conn } = h;
    await dropFirst(conn, "redesc");
    await conn.execute("CREATE TABLE redesc (a NUMBER)");
    await conn.execute("INSERT INTO redesc VALUES (1)");
    const sql = "SELECT * FROM redesc";
    const first = await conn.execute(sql);
    assert.deepEqual(first.rows, [{ A: 1 }]);
    await conn.execute("DROP TABLE redesc");
    await conn.execute("CREATE TABLE redesc (a VARCHAR2(10), b NUMBER(5,2))");
    await conn.execute("INSERT INTO redesc VALUES ('x', 2.5)");
    // Same SQL text: the client re-executes its cached cursor; the select list changed.
    const second = await conn.execute(sql);
    assert.deepEqual(second.metaData?.map((m) => [m.name, m.dbTypeName]), [
      ["A", "VARCHAR2"],
      ["B", "NUMBER"],
    ]);
    assert.deepEqual(second.rows, [{ A: "x", B: 2.5 }]);
    // And again, now from the re-described cache entry.
    assert.deepEqual((await conn.execute(sql)).rows, [{ A: "x", B: 2.5 }]);
    await conn.execute("DROP TABLE redesc");
    await assert.rejects(
      conn.execute(sql),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-00942",
    );
  },
);

test("DML gives lastRowid, the ROWID of the last row it changed", server, async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "lr");
  await conn.execute("create table lr (id number, v varchar2(10))");
  const rowid = async (id: number) =>
    (await conn.execute<unknown[]>("select rowid from lr where id = :1", [id], {
      outFormat: "array",
    })).rows?.[0][0];
  const ins = await conn.execute("insert into lr values (:1, 'a')", [1]);
  await conn.execute("insert into lr values (:1, 'b')", [2]);
  // OCI is told no rowid by the test server (its form of the field is not known yet).
  const expected = async (id: number) => THICK ? undefined : await rowid(id);
  assert.equal(ins.lastRowid, await expected(1));
  if (!THICK) assert.match(String(ins.lastRowid), /^[A-Za-z0-9+/]{18}$/);
  const upd = await conn.execute("update lr set v = 'c' where id = 2");
  assert.equal(upd.lastRowid, await expected(2));
  // No row changed, or no DML: no rowid.
  assert.equal((await conn.execute("delete from lr where id = 99")).lastRowid, undefined);
  assert.equal((await conn.execute("select * from lr")).lastRowid, undefined);
  const del = await conn.execute("delete from lr where id = 1");
  assert.equal(del.lastRowid, THICK ? undefined : ins.lastRowid);
});
