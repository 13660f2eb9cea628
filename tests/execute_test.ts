import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, DB_TYPE_NUMBER, DB_TYPE_VARCHAR, OracleError } from "../mod.ts";
import type { NativeExecOptions } from "../src/_native.ts";
import { col, fakeConnection, type FakeTable } from "./_fake_native.ts";
import { SKIP_SERVER, startTestServer } from "./_server.ts";

function table(n: number): FakeTable {
  const rows = Array.from({ length: n }, (_, i) => [i + 1, `row ${i + 1}`]);
  return { columns: [col("ID", DB_TYPE_NUMBER), col("NAME", DB_TYPE_VARCHAR)], rows };
}

test("execute of a query fetches every batch until done and returns rows keyed by column", async () => {
  const { conn, fake } = fakeConnection(table(7));
  const r = await conn.execute("SELECT id, name FROM t", [], {
    fetchArraySize: 3,
    prefetchRows: 2,
  });
  assert.equal(r.rows?.length, 7);
  assert.deepEqual(r.rows?.[0], { ID: 1, NAME: "row 1" });
  assert.deepEqual(r.rows?.[6], { ID: 7, NAME: "row 7" });
  assert.deepEqual(r.metaData?.map((m) => [m.name, m.dbTypeName]), [["ID", "NUMBER"], [
    "NAME",
    "VARCHAR2",
  ]]);
  assert.equal(r.rowsAffected, undefined);
  assert.deepEqual(fake.names(), ["execute", "fetch", "fetch"]);
  assert.deepEqual(fake.calls[1], ["fetch", 1, 3]);
  assert.deepEqual(fake.openCursors(), []);
});

test("outFormat array returns rows as arrays", async () => {
  const { conn } = fakeConnection(table(2));
  const r = await conn.execute<unknown[]>("SELECT id, name FROM t", [], { outFormat: "array" });
  assert.deepEqual(r.rows, [[1, "row 1"], [2, "row 2"]]);
});

test("maxRows stops fetching and closes the server cursor holding the rest", async () => {
  const { conn, fake } = fakeConnection(table(10));
  const r = await conn.execute("SELECT id, name FROM t", [], { maxRows: 4, fetchArraySize: 3 });
  assert.deepEqual(r.rows?.map((row) => row.ID), [1, 2, 3, 4]);
  assert.deepEqual(fake.names(), ["execute", "fetch", "closeCursor"]);
  assert.deepEqual(fake.calls[1], ["fetch", 1, 2]);
  assert.deepEqual(fake.openCursors(), []);
});

test("DML returns rowsAffected and no rows; autoCommit defaults to the connection's", async () => {
  const { conn, fake } = fakeConnection();
  fake.dml = { rowsAffected: 3, lastRowid: "AAAR3sAAEAAAACXAAA" };
  const r = await conn.execute("UPDATE t SET a = 1");
  assert.deepEqual(r, { rowsAffected: 3, lastRowid: "AAAR3sAAEAAAACXAAA" });
  assert.equal((fake.calls[0][3] as NativeExecOptions).autoCommit, false);
  conn.autoCommit = true;
  await conn.execute("UPDATE t SET a = 1");
  assert.equal((fake.calls[1][3] as NativeExecOptions).autoCommit, true);
  await conn.execute("UPDATE t SET a = 1", [], { autoCommit: false });
  assert.equal((fake.calls[2][3] as NativeExecOptions).autoCommit, false);
});

test("executeMany passes the row count and options and returns counts", async () => {
  const { conn, fake } = fakeConnection();
  const r = await conn.executeMany("INSERT INTO t VALUES (:1, :2)", [[1, "a"], [2, "b"]], {
    dmlRowCounts: true,
  });
  assert.deepEqual(r, { rowsAffected: 2, dmlRowCounts: [1, 1] });
  assert.equal(fake.calls[0][3], 2);
  assert.deepEqual(fake.calls[0][4], { autoCommit: false, batchErrors: false, dmlRowCounts: true });
});

test("calls after close reject with ODB-5000 and close twice is fine", async () => {
  const { conn, fake } = fakeConnection();
  await conn.close();
  await conn.close();
  assert.equal(conn.closed, true);
  assert.deepEqual(fake.names(), ["close"]);
  for (
    const call of [() => conn.execute("SELECT 1 FROM dual"), () => conn.commit(), () => conn.ping()]
  ) {
    await assert.rejects(call(), { code: "ODB-5000", message: "ODB-5000: Connection is closed" });
  }
  assert.throws(() => conn.callTimeout, { code: "ODB-5000" });
});

test("await using closes the connection", async () => {
  const { conn, fake } = fakeConnection();
  {
    await using c = conn;
    await c.ping();
  }
  assert.deepEqual(fake.names(), ["ping", "close"]);
});

test("calls queue in order: close waits for the running execute", async () => {
  const { conn, fake } = fakeConnection(table(3));
  const done: string[] = [];
  const a = conn.execute("SELECT id FROM t").then(() => done.push("execute"));
  const b = conn.commit().then(() => done.push("commit"));
  const c = conn.close().then(() => done.push("close"));
  await Promise.all([a, b, c]);
  assert.deepEqual(done, ["execute", "commit", "close"]);
  assert.deepEqual(fake.names(), ["execute", "fetch", "commit", "close"]);
});

test("aborting a running execute breaks it: ODB-5004 with ORA-01013 as cause, connection usable", async () => {
  const { conn, fake } = fakeConnection();
  fake.hang = true;
  const ac = new AbortController();
  const running = conn.execute("SELECT slow FROM t", [], { signal: ac.signal });
  setTimeout(() => ac.abort(), 5);
  const err = await running.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof OracleError);
  assert.equal(err.code, "ODB-5004");
  assert.equal(err.message, 'ODB-5004: Call was aborted by its "signal"');
  assert.ok(err.cause instanceof OracleError);
  assert.equal(err.cause.code, "ORA-01013");
  assert.match(err.stack!, /execute_test\.[tj]s/);
  assert.deepEqual(fake.names(), ["execute", "breakExecution"]);
  fake.hang = false;
  await conn.ping();
});

test("a call aborted while queued never reaches the native layer and sends no break", async () => {
  const { conn, fake } = fakeConnection();
  fake.hang = true;
  const first = conn.execute("SELECT slow FROM t").catch((e: OracleError) => e.code);
  const ac = new AbortController();
  const queued = conn.execute("UPDATE t SET a = 1", [], { signal: ac.signal });
  ac.abort(new Error("user gave up"));
  await assert.rejects(queued, (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, "ODB-5004");
    assert.equal((e.cause as Error).message, "user gave up");
    return true;
  });
  await conn.break();
  assert.equal(await first, "ORA-01013");
  assert.deepEqual(fake.names(), ["execute", "breakExecution"]);
});

test("an already aborted signal rejects at once", async () => {
  const { conn, fake } = fakeConnection();
  await assert.rejects(conn.execute("SELECT 1 FROM dual", [], { signal: AbortSignal.abort() }), {
    code: "ODB-5004",
  });
  assert.deepEqual(fake.names(), []);
});

test("callTimeout reads and writes the native setting and rejects negatives", () => {
  const { conn } = fakeConnection();
  conn.callTimeout = 1500;
  assert.equal(conn.callTimeout, 1500);
  assert.throws(() => (conn.callTimeout = -1), {
    code: "ODB-5002",
    message: 'ODB-5002: Option "callTimeout" must be an integer of 0 or more',
  });
});

test("execute rejects an empty SQL text naming the argument", async () => {
  const { conn } = fakeConnection();
  await assert.rejects(conn.execute(""), {
    code: "ODB-5005",
    message: 'ODB-5005: Argument "sql" must be a non-empty string',
  });
});

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
    async [Symbol.asyncDispose]() {
      await conn.close();
      await db[Symbol.asyncDispose]();
    },
  };
}

test("create, insert, update, delete and query round trip on the server", server, async () => {
  await using s = await open();
  const { conn } = s;
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
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
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
