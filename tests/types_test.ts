import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BINARY_DOUBLE,
  BLOB,
  BOOLEAN,
  CLOB,
  connect,
  type Connection,
  DATE,
  DB_TYPE_LONG,
  DB_TYPE_LONG_RAW,
  DB_TYPE_NUMBER,
  DB_TYPE_RAW,
  DB_TYPE_VARCHAR,
  NUMBER,
  STRING,
  TIMESTAMP,
} from "../mod.ts";
import { dropFirst, ociGap, SKIP_SERVER, startConnected, startTestServer } from "./_server.ts";

test("type constants are Oracle type numbers", () => {
  assert.deepEqual(
    { NUMBER, STRING, DATE, TIMESTAMP, CLOB, BLOB, BOOLEAN, BINARY_DOUBLE },
    {
      NUMBER: 2,
      STRING: 1,
      DATE: 12,
      TIMESTAMP: 180,
      CLOB: 112,
      BLOB: 113,
      BOOLEAN: 252,
      BINARY_DOUBLE: 101,
    },
  );
});

const server = { skip: SKIP_SERVER };

/** A test server with `t (id, amount, name)`: two rows with NUMBERs beyond f64 precision. */
async function withBig() {
  const s = await startConnected();
  const { conn } = s;
  await dropFirst(conn, "t");
  await conn.execute("create table t (id number, amount number, name varchar2(10))");
  await conn.execute("insert into t values (9007199254740993, 1234567890.123456789012, 'a')");
  await conn.execute("insert into t values (2, 0.1, 'b')");
  await conn.commit();
  return s;
}

/** Round trips of this session so far (V$MYSTAT; the query itself counts once). */
async function roundTrips(conn: Connection): Promise<number> {
  const { rows } = await conn.execute<unknown[]>(
    `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
      where n.name = 'SQL*Net roundtrips to/from client'`,
    [],
    { outFormat: "array" },
  );
  return Number(rows?.[0][0]);
}

const BIG = "SELECT id, amount, name FROM t ORDER BY name";

test(
  "fetchInfo bigint gives exact integers: first run re-executes with the column as text",
  server,
  async () => {
    await using s = await withBig();
    const { conn } = s;
    const t0 = await roundTrips(conn);
    const r = await conn.execute(BIG, [], { fetchInfo: { ID: { type: "bigint" } } });
    const t1 = await roundTrips(conn);
    assert.deepEqual(r.rows, [
      { ID: 9007199254740993n, AMOUNT: 1234567890.1234567, NAME: "a" },
      { ID: 2n, AMOUNT: 0.1, NAME: "b" },
    ]);
    assert.equal(r.metaData?.[0].fetchType, "bigint");
    // The first run executes twice (the second with ID as text), plus the counting query.
    assert.equal(t1 - t0, 3);
    // The statement's indexes are remembered: one round trip from now on.
    const again = await conn.execute(BIG, [], { fetchInfo: { ID: { type: "bigint" } } });
    assert.equal((await roundTrips(conn)) - t1, 2);
    assert.equal(again.rows?.[0].ID, 9007199254740993n);
  },
);

test("fetchAsString NUMBER returns the server's exact decimal text", server, async () => {
  await using s = await withBig();
  const r = await s.conn.execute(BIG, [], { fetchAsString: [NUMBER] });
  assert.deepEqual(r.rows?.[0], {
    ID: "9007199254740993",
    AMOUNT: "1234567890.123456789012",
    NAME: "a",
  });
  assert.equal(r.metaData?.[1].fetchType, STRING);
});

test(
  "fetchTypeHandler chooses per column and its converter sees the fetched value",
  server,
  async () => {
    await using s = await withBig();
    const r = await s.conn.execute(BIG, [], {
      fetchTypeHandler: (meta) =>
        meta.name === "AMOUNT"
          ? { type: STRING, converter: (v) => `$${v}` }
          : meta.dbType === DB_TYPE_VARCHAR
          ? { converter: (v) => String(v).toUpperCase() }
          : undefined,
    });
    assert.deepEqual(r.rows?.[1], { ID: 2, AMOUNT: "$0.1", NAME: "B" });
  },
);

test("fetchInfo wins over fetchAsString for its column", server, async () => {
  await using s = await withBig();
  const r = await s.conn.execute(BIG, [], {
    fetchAsString: [NUMBER],
    fetchInfo: { ID: { type: 0 } },
  });
  assert.deepEqual(r.rows?.[1], { ID: 2, AMOUNT: "0.1", NAME: "b" });
});

test("bigint of a fractional NUMBER fails with ODB-3004 naming the column", server, async () => {
  await using s = await withBig();
  await assert.rejects(
    s.conn.execute(BIG, [], { fetchInfo: { AMOUNT: { type: "bigint" } } }),
    {
      code: "ODB-3004",
      message:
        'ODB-3004: Value 1234567890.123456789012 of column "AMOUNT" is not an integer and cannot be fetched as bigint',
    },
  );
});

test(
  "DATE fetched as string is YYYY-MM-DD HH24:MI:SS and RAW as upper-case hex",
  server,
  async () => {
    await using s = await withBig();
    await dropFirst(s.conn, "dr");
    await s.conn.execute("create table dr (d date, r raw(10))");
    await s.conn.execute("insert into dr values (:1, :2)", [
      new Date(2024, 4, 6, 7, 8, 9),
      new Uint8Array([0xca, 0xfe, 0x01]),
    ]);
    const r = await s.conn.execute("SELECT d, r FROM dr", [], {
      fetchAsString: [DATE, DB_TYPE_RAW],
    });
    assert.deepEqual(r.rows, [{ D: "2024-05-06 07:08:09", R: "CAFE01" }]);
  },
);

test("duplicate column names get a suffix in object rows", server, async () => {
  await using s = await withBig();
  const r = await s.conn.execute("SELECT 1 x, 2 x FROM dual");
  assert.deepEqual(r.rows, [{ X: 1, X_1: 2 }]);
  assert.deepEqual(r.metaData?.map((m) => m.name), ["X", "X"]);
});

test(
  "a NUMBER that arrives as text without being asked for becomes a JS number",
  server,
  async () => {
    await using s = await withBig();
    await s.conn.execute(BIG, [], { fetchAsString: [NUMBER] });
    // Same SQL, no conversion asked: the remembered indexes still fetch text, decoded to numbers.
    const r = await s.conn.execute(BIG);
    assert.deepEqual(r.rows?.[1], { ID: 2, AMOUNT: 0.1, NAME: "b" });
    assert.equal(r.rows?.[0].ID, 9007199254740992);
  },
);

test("every supported type round trips through a table", ociGap("binaryFloat"), async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "all_types");
  await conn.execute(`CREATE TABLE all_types (
    n NUMBER, d NUMBER(10,2), s VARCHAR2(100), c CHAR(3), dt DATE, ts TIMESTAMP(6),
    r RAW(16), bd BINARY_DOUBLE, cl CLOB, bl BLOB)`);
  const when = new Date(2024, 1, 29, 13, 45, 30);
  const stamp = new Date(2023, 11, 31, 23, 59, 59, 123);
  await conn.execute(
    "INSERT INTO all_types VALUES (:n, :d, :s, :c, :dt, :ts, :r, :bd, :cl, :bl)",
    {
      n: -42,
      d: 12345.67,
      s: "héllo wörld ✓",
      c: "abc",
      dt: { type: DATE, val: when },
      ts: stamp,
      r: new Uint8Array([0, 1, 254, 255]),
      bd: { type: BINARY_DOUBLE, val: 0.1 },
      cl: { type: CLOB, val: "x".repeat(5000) },
      bl: { type: BLOB, val: new Uint8Array(3000).fill(9) },
    },
  );
  const { rows } = await conn.execute("SELECT n, d, s, c, dt, ts, r, bd, cl, bl FROM all_types");
  assert.deepEqual(rows, [{
    N: -42,
    D: 12345.67,
    S: "héllo wörld ✓",
    C: "abc",
    DT: when,
    TS: stamp,
    R: new Uint8Array([0, 1, 254, 255]),
    BD: 0.1,
    CL: "x".repeat(5000),
    BL: new Uint8Array(3000).fill(9),
  }]);
});

test("NULL of every type comes back as null", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "nulls");
  await conn.execute("CREATE TABLE nulls (n NUMBER, s VARCHAR2(10), dt DATE, r RAW(4))");
  await conn.execute("INSERT INTO nulls VALUES (:1, :2, :3, :4)", [null, null, undefined, null]);
  assert.deepEqual((await conn.execute("SELECT n, s, dt, r FROM nulls")).rows, [{
    N: null,
    S: null,
    DT: null,
    R: null,
  }]);
});

test("large NUMBERs are exact as bigint and as string on the server", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "bigs");
  await conn.execute("CREATE TABLE bigs (id NUMBER(20), amount NUMBER(30,10))");
  await conn.execute("INSERT INTO bigs VALUES (:1, :2)", [9007199254740993n, {
    type: NUMBER,
    val: "12345678901234567890.0123456789",
  }]);
  const asBig = await conn.execute("SELECT id FROM bigs", [], {
    fetchInfo: { ID: { type: "bigint" } },
  });
  assert.deepEqual(asBig.rows, [{ ID: 9007199254740993n }]);
  const asText = await conn.execute("SELECT amount FROM bigs", [], { fetchAsString: [NUMBER] });
  assert.deepEqual(asText.rows, [{ AMOUNT: "12345678901234567890.0123456789" }]);
  const md = asText.metaData?.[0];
  assert.deepEqual([md?.dbTypeName, md?.precision, md?.scale], ["NUMBER", 30, 10]);
});

test("metadata reports names, types, sizes and nullability", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "meta");
  await conn.execute("CREATE TABLE meta (id NUMBER(9) NOT NULL, name VARCHAR2(40), born DATE)");
  const { metaData } = await conn.execute("SELECT id, name, born FROM meta");
  assert.deepEqual(metaData?.map((m) => [m.name, m.dbTypeName, m.nullable]), [
    ["ID", "NUMBER", false],
    ["NAME", "VARCHAR2", true],
    ["BORN", "DATE", true],
  ]);
  assert.equal(metaData?.[0].precision, 9);
  assert.equal(metaData?.[1].byteSize, 40);
});

test(
  "LONG and LONG RAW columns are described as themselves and fetched whole",
  server,
  async () => {
    await using s = await startConnected();
    await dropFirst(s.conn, "lt");
    await s.conn.execute("create table lt (id number, l long, r long raw)");
    const big = "x".repeat(70_000);
    const raw = new Uint8Array(10_000).map((_, i) => i % 251);
    await s.conn.execute("insert into lt values (1, :l, :r)", { l: big, r: raw });
    const r = await s.conn.execute<{ ID: number; L: string; R: Uint8Array }>(
      "select id, l, r from lt",
    );
    assert.deepEqual(
      r.metaData?.map((m) => [m.name, m.dbType]),
      [["ID", DB_TYPE_NUMBER], ["L", DB_TYPE_LONG], ["R", DB_TYPE_LONG_RAW]],
    );
    assert.equal(r.rows?.[0].L, big);
    assert.deepEqual(r.rows?.[0].R, raw);
  },
);
