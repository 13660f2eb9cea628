// Oracle's column types on write, through the driver over TCP: the test server converts and
// rounds what DML stores and refuses what the column cannot hold, as Oracle does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BIND_OUT, connect, NUMBER, OracleError } from "../mod.ts";
import { dropFirst, ociGap, SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };

async function open() {
  const db = await startTestServer();
  const conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "coltypes");
  await conn.execute(
    "create table coltypes (id number, amount number(5,2), qty number(3), d date, code varchar2(3))",
  );
  return {
    conn,
    async [Symbol.asyncDispose]() {
      await conn.close();
      await db[Symbol.asyncDispose]();
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<OracleError> {
  const e = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(e instanceof OracleError, `expected an OracleError, got ${e}`);
  return e;
}

test("a NUMBER(p,s) column stores the value rounded to its scale", server, async () => {
  await using s = await open();
  const { conn } = s;
  await conn.execute("insert into coltypes (id, amount, qty) values (1, :a, :q)", {
    a: 1.234,
    q: 2.5,
  });
  await conn.execute("insert into coltypes (id, amount, qty) values (2, '-7.005', ' 12 ')");
  const { rows } = await conn.execute<unknown[]>(
    "select amount, qty from coltypes order by id",
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(rows, [[1.23, 3], [-7.01, 12]]);
  const hits = await conn.execute<unknown[]>(
    "select count(*) from coltypes where amount = 1.23",
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(hits.rows, [[1]]);
});

test("a number too large for its column is ORA-01438 and is not stored", server, async () => {
  await using s = await open();
  const { conn } = s;
  const e = await rejection(conn.execute("insert into coltypes (qty) values (12345)"));
  assert.equal(e.code, "ORA-01438");
  assert.match(e.message, /value larger than specified precision allowed for this column/);
  await conn.execute("insert into coltypes (id, amount) values (1, 1.5)");
  // 999.995 rounds to 1000.00: four digits left of the point, NUMBER(5,2) allows three.
  const e2 = await rejection(conn.execute("update coltypes set amount = 999.995"));
  assert.equal(e2.code, "ORA-01438");
  const { rows } = await conn.execute<unknown[]>("select id, amount from coltypes", [], {
    outFormat: "array",
  });
  assert.deepEqual(rows, [[1, 1.5]]);
});

test("text that is not a number is ORA-01722 for a NUMBER column", server, async () => {
  await using s = await open();
  const e = await rejection(s.conn.execute("insert into coltypes (amount) values ('zz')"));
  assert.equal(e.code, "ORA-01722");
  const e2 = await rejection(s.conn.execute("insert into coltypes (id) values (:v)", { v: "1x" }));
  assert.equal(e2.code, "ORA-01722");
});

test("text a DATE column cannot read with the session format is refused", server, async () => {
  await using s = await open();
  const { conn } = s;
  const e = await rejection(conn.execute("insert into coltypes (d) values ('not a date')"));
  assert.equal(e.code, "ORA-01858");
  await conn.execute("insert into coltypes (id, d) values (1, '15-MAR-2021')");
  const { rows } = await conn.execute<unknown[]>(
    "select to_char(d, 'YYYY-MM-DD') from coltypes",
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(rows, [["2021-03-15"]]);
});

test("a VARCHAR2 value longer than its column is ORA-12899 naming the column", server, async () => {
  await using s = await open();
  const e = await rejection(s.conn.execute("insert into coltypes (code) values ('abcd')"));
  assert.equal(e.code, "ORA-12899");
  assert.match(
    e.message,
    /value too large for column "[A-Z]+"\."COLTYPES"\."CODE" \(actual: 4, maximum: 3\)/,
  );
});

test(
  "executeMany with batchErrors reports the row that does not fit its column",
  ociGap("batchErrors"),
  async () => {
    await using s = await open();
    const { conn } = s;
    const r = await conn.executeMany(
      "insert into coltypes (id, qty) values (:1, :2)",
      [[1, "1"], [2, "1000"], [3, "3"], [4, "x"], [5, "999.4"]],
      { batchErrors: true, dmlRowCounts: true },
    );
    assert.deepEqual(
      r.batchErrors?.map((b) => [b.offset, b.code]),
      [[1, "ORA-01438"], [3, "ORA-01722"]],
    );
    assert.deepEqual(r.dmlRowCounts, [1, 0, 1, 0, 1]);
    const { rows } = await conn.execute<unknown[]>(
      "select id, qty from coltypes order by id",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(rows, [[1, 1], [3, 3], [5, 999]]);
    // Without batchErrors the first bad row stops the batch with its error.
    const e = await rejection(
      conn.executeMany("insert into coltypes (id, qty) values (:1, :2)", [[6, 6], [7, 7000]]),
    );
    assert.equal(e.code, "ORA-01438");
    // A NUMBER too large for its column is reported before an earlier row's other error, as
    // Oracle does (python-oracledb's test_3222 expects this).
    await conn.execute("create unique index coltypes_id on coltypes (id)");
    const mixed = await conn.executeMany(
      "insert into coltypes (id, qty) values (:1, :2)",
      [[10, 1], [1, 2], [11, 3], [12, 5000]],
      { batchErrors: true },
    );
    assert.deepEqual(
      mixed.batchErrors?.map((b) => [b.offset, b.code]),
      [[3, "ORA-01438"], [1, "ORA-00001"]],
    );
  },
);

test(
  "RETURNING INTO gives the value as stored, rounded and converted",
  async () => {
    await using s = await open();
    const { conn } = s;
    const r = await conn.execute(
      "insert into coltypes (id, amount, qty) values (1, 1.234, '12') returning amount, qty into :a, :q",
      { a: { dir: BIND_OUT, type: NUMBER }, q: { dir: BIND_OUT, type: NUMBER } },
    );
    assert.deepEqual(r.outBinds, { a: [1.23], q: [12] });
    await conn.execute("insert into coltypes (id, amount) values (2, 2)");
    const u = await conn.execute(
      "update coltypes set amount = amount + 0.004 where id < 3 returning amount into :a",
      { a: { dir: BIND_OUT, type: NUMBER } },
    );
    assert.deepEqual(u.outBinds, { a: [1.23, 2] });
    const p = await conn.execute(
      "begin insert into coltypes (id, qty) values (3, '7.5') returning qty into :q; end;",
      { q: { dir: BIND_OUT, type: NUMBER } },
    );
    assert.deepEqual(p.outBinds, { q: 8 });
  },
);

test("a number for a DATE column is ORA-00932, as a literal or a bind", server, async () => {
  await using s = await open();
  const { conn } = s;
  const e = await rejection(conn.execute("insert into coltypes (d) values (20210315)"));
  assert.equal(e.code, "ORA-00932");
  assert.match(e.message, /inconsistent datatypes: expected DATE got NUMBER/);
  const e2 = await rejection(conn.execute("insert into coltypes (d) values (:d)", { d: 5 }));
  assert.equal(e2.code, "ORA-00932");
  const { rows } = await conn.execute<unknown[]>("select count(*) from coltypes", [], {
    outFormat: "array",
  });
  assert.deepEqual(rows, [[0]]);
});

test(
  "a table made by CREATE TABLE AS SELECT keeps the column types and checks",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await conn.execute("insert into coltypes (id, amount, d) values (1, 2.5, date '2021-03-15')");
    await dropFirst(conn, "coltypes_copy");
    await conn.execute("create table coltypes_copy as select id, amount, d from coltypes");
    await conn.execute("insert into coltypes_copy (id, amount) values (2, '1.239')");
    const { rows } = await conn.execute<unknown[]>(
      "select id, amount from coltypes_copy order by id",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(rows, [[1, 2.5], [2, 1.24]]);
    const e = await rejection(conn.execute("insert into coltypes_copy (amount) values (1000)"));
    assert.equal(e.code, "ORA-01438");
    const e2 = await rejection(conn.execute("insert into coltypes_copy (d) values (5)"));
    assert.equal(e2.code, "ORA-00932");
  },
);

test(
  "TO_CHAR of a timestamp or a number is VARCHAR2 text, not the value again",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    const t = await conn.execute<[string, string]>(
      "select to_char(timestamp '2022-06-07 18:30:10.25', 'YYYY-MM-DD HH24:MI:SS.FF2') s, to_char(42) n from dual",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(t.metaData!.map((m) => m.dbTypeName), ["VARCHAR2", "VARCHAR2"]);
    assert.deepEqual(t.rows, [["2022-06-07 18:30:10.25", "42"]]);
  },
);

test(
  "a BOOLEAN column takes Oracle's words and numbers and refuses other text",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await dropFirst(conn, "coltypes_bool");
    await conn.execute("create table coltypes_bool (id number, b boolean)");
    const words = ["false", "no", "OFF", " 0 ", "f", "n", "true", "Yes", "on", "1", "T", "y"];
    await conn.executeMany(
      "insert into coltypes_bool values (:1, :2)",
      words.map((w, i) => [i, w]),
    );
    await conn.execute("insert into coltypes_bool values (100, 2)");
    await conn.execute("insert into coltypes_bool values (101, 0)");
    const { rows } = await conn.execute<unknown[]>(
      "select b from coltypes_bool order by id",
      [],
      { outFormat: "array" },
    );
    const expected = words.map((_, i) => [i >= 6]).concat([[true], [false]]);
    assert.deepEqual(rows, expected);
    const e = await rejection(conn.execute("insert into coltypes_bool values (200, 'maybe')"));
    assert.match(e.message, /ORA-61800/);
    const left = await conn.execute<unknown[]>(
      "select count(*) from coltypes_bool where id = 200",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(left.rows, [[0]]);
  },
);
