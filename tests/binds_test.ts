import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BIND_INOUT,
  BIND_OUT,
  BLOB,
  connect,
  DB_TYPE_BOOLEAN,
  DB_TYPE_NUMBER,
  DB_TYPE_RAW,
  DB_TYPE_TIMESTAMP,
  DB_TYPE_VARCHAR,
  NUMBER,
  OracleError,
  STRING,
} from "../mod.ts";
import { decodeOutBinds, encodeBinds, encodeManyBinds } from "../src/_binds.ts";
import { ValueReader, ValueWriter } from "../src/_values.ts";
import { dropFirst, SKIP_SERVER, startTestServer } from "./_server.ts";

function readAll(buf: Uint8Array): unknown[] {
  const r = new ValueReader(buf);
  const out: unknown[] = [];
  while (!r.done) out.push(r.read());
  return out;
}

function failsWith(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test("positional binds infer Oracle types from JS values", () => {
  const when = new Date(2024, 0, 2, 3, 4, 5, 6);
  const b = encodeBinds([
    1.5,
    12345678901234567890n,
    "abc",
    true,
    when,
    new Uint8Array([1, 2]),
    null,
  ]);
  assert.equal(b.native.names, null);
  assert.deepEqual(b.native.types, [
    DB_TYPE_NUMBER,
    DB_TYPE_NUMBER,
    DB_TYPE_VARCHAR,
    DB_TYPE_BOOLEAN,
    DB_TYPE_TIMESTAMP,
    DB_TYPE_RAW,
    0,
  ]);
  assert.deepEqual(b.native.dirs, [1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(b.native.maxSizes, [0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(readAll(b.native.values), [
    1.5,
    "12345678901234567890",
    "abc",
    true,
    when,
    new Uint8Array([1, 2]),
    null,
  ]);
  // bigint travels as exact decimal text (tag 7).
  assert.equal(b.native.values[9], 7);
});

test("named binds keep their names in order and undefined binds NULL", () => {
  const b = encodeBinds({ id: 7, name: undefined });
  assert.deepEqual(b.native.names, ["id", "name"]);
  assert.deepEqual(readAll(b.native.values), [7, null]);
});

test("explicit OUT binds send NULL with their type and a default maxSize of 4000 for strings", () => {
  const b = encodeBinds({
    a: { dir: BIND_OUT, type: STRING },
    n: { dir: BIND_OUT, type: NUMBER },
    io: { dir: BIND_INOUT, val: "x", maxSize: 20 },
  });
  assert.deepEqual(b.native.dirs, [2, 2, 3]);
  assert.deepEqual(b.native.types, [DB_TYPE_VARCHAR, DB_TYPE_NUMBER, DB_TYPE_VARCHAR]);
  assert.deepEqual(b.native.maxSizes, [4000, 0, 20]);
  assert.deepEqual(readAll(b.native.values), [null, null, "x"]);
});

test("an explicit type picks the tag: BLOB for bytes, NUMBER for numeric text", () => {
  const b = encodeBinds([{ type: BLOB, val: new Uint8Array([5]) }, { type: NUMBER, val: "1.50" }]);
  assert.deepEqual(Array.from(b.native.values), [9, 1, 0, 0, 0, 5, 7, 4, 0, 0, 0, 49, 46, 53, 48]);
});

test("NaN and Infinity binds fail naming the bind", () => {
  failsWith(
    () => encodeBinds({ price: Number.NaN }),
    "ODB-3001",
    'ODB-3001: Bind "price" is NaN, which NUMBER cannot hold',
  );
  failsWith(
    () => encodeBinds([1, Number.NEGATIVE_INFINITY]),
    "ODB-3001",
    "ODB-3001: Bind at position 2 is -Infinity, which NUMBER cannot hold",
  );
});

test("functions, symbols and plain objects fail with ODB-3000 naming the bind", () => {
  const hint = "which cannot be bound (use a string, number, bigint, boolean, Date, Uint8Array, " +
    "Lob, IntervalDS, IntervalYM, null or { dir, type, maxSize, val })";
  failsWith(
    () => encodeBinds({ cb: () => 1 } as never),
    "ODB-3000",
    `ODB-3000: Bind "cb" is a function, ${hint}`,
  );
  failsWith(
    () => encodeBinds([Symbol("s")] as never),
    "ODB-3000",
    `ODB-3000: Bind at position 1 is a symbol, ${hint}`,
  );
  failsWith(
    () => encodeBinds({ o: { a: 1 } } as never),
    "ODB-3000",
    `ODB-3000: Bind "o" is an object (Object), ${hint}`,
  );
  failsWith(
    () => encodeBinds({ d: new Date(Number.NaN) }),
    "ODB-3000",
    'ODB-3000: Bind "d" is an invalid Date',
  );
});

test("malformed bind specs fail with ODB-3002 naming the bind and property", () => {
  failsWith(
    () => encodeBinds({ x: { dir: BIND_OUT } }),
    "ODB-3002",
    'ODB-3002: Bind "x" is OUT and needs a "type"',
  );
  failsWith(
    () => encodeBinds({ x: { dir: 9 as never, val: 1 } }),
    "ODB-3002",
    'ODB-3002: Bind "x" has invalid "dir" 9',
  );
  failsWith(
    () => encodeBinds({ x: { type: 9999, val: 1 } }),
    "ODB-3002",
    'ODB-3002: Bind "x" has unsupported "type" 9999',
  );
  failsWith(
    () => encodeBinds({ x: { val: 1, size: 3 } as never }),
    "ODB-3002",
    'ODB-3002: Bind "x" has unknown property "size"',
  );
});

test("a string bound as NUMBER that is not a number fails with ODB-3001 naming the bind", () => {
  failsWith(
    () => encodeBinds([{ type: NUMBER, val: "12abc" }]),
    "ODB-3001",
    'ODB-3001: Bind at position 1 has type NUMBER but value "12abc" is not a number',
  );
});

test("executeMany rows are row-major and take each bind's type from its first non-null value", () => {
  const b = encodeManyBinds([{ id: 1, name: null }, { id: 2, name: "b" }]);
  assert.deepEqual(b.native.names, ["id", "name"]);
  assert.deepEqual(b.native.types, [DB_TYPE_NUMBER, DB_TYPE_VARCHAR]);
  assert.deepEqual(readAll(b.native.values), [1, null, 2, "b"]);
});

test("executeMany strings round-trip byte-exactly, ASCII or not, short or long", () => {
  const long = "x".repeat(40) + "é";
  const strings = ["", "abc", "naïve", "日本語", "a😀b", long, "y".repeat(33)];
  const b = encodeManyBinds(strings.map((s) => [s]));
  assert.deepEqual(readAll(b.native.values), strings);
});

test("executeMany names the bind and row of a bad value in a later row", () => {
  failsWith(
    () => encodeManyBinds([[1, "a"], [2, "b"], [NaN, "c"]]),
    "ODB-3001",
    "ODB-3001: Bind at position 1 in row 3 is NaN, which NUMBER cannot hold",
  );
  failsWith(
    () => encodeManyBinds([{ d: new Date(0) }, { d: new Date(NaN) }]),
    "ODB-3000",
    'ODB-3000: Bind "d" in row 2 is an invalid Date',
  );
});

test("executeMany rejects rows whose shape or types differ from earlier rows", () => {
  failsWith(
    () => encodeManyBinds([[1, "a"], [2]]),
    "ODB-3003",
    "ODB-3003: Row 2 has 1 positional binds but row 1 has 2 positional binds",
  );
  failsWith(
    () => encodeManyBinds([{ a: 1 }, { b: 1 }]),
    "ODB-3003",
    'ODB-3003: Row 2 has no bind "a"',
  );
  failsWith(
    () => encodeManyBinds([[1], ["x"]]),
    "ODB-3003",
    "ODB-3003: Bind at position 1 in row 2 has Oracle type 1 but earlier rows have 2",
  );
  failsWith(
    () => encodeManyBinds([]),
    "ODB-5005",
    'ODB-5005: Argument "rows" must be a non-empty array',
  );
});

test("OUT values map back to names (named binds) or to an array of OUT binds (positional)", () => {
  const named = encodeBinds({
    a: 1,
    out: { dir: BIND_OUT, type: NUMBER },
    s: { dir: BIND_OUT, type: STRING },
  });
  const w = new ValueWriter();
  w.null();
  w.text(7, "42");
  w.text(2, "hi");
  assert.deepEqual(decodeOutBinds(named, w.finish()), { out: 42, s: "hi" });
  const positional = encodeBinds([{ dir: BIND_OUT, type: STRING }, 5]);
  const w2 = new ValueWriter();
  w2.arrayHeader(2);
  w2.text(2, "r1");
  w2.text(2, "r2");
  w2.null();
  assert.deepEqual(decodeOutBinds(positional, w2.finish()), [["r1", "r2"]]);
  assert.equal(decodeOutBinds(encodeBinds([1]), null), undefined);
});

const server = { skip: SKIP_SERVER };

test("positional and named binds select back exactly", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  const pos = await conn.execute("SELECT :1 AS a, :2 AS b FROM dual", [42, "forty-two"]);
  assert.deepEqual(pos.rows, [{ A: 42, B: "forty-two" }]);
  const named = await conn.execute("SELECT :x + :y AS total FROM dual", { x: 1.25, y: 2 });
  assert.deepEqual(named.rows, [{ TOTAL: 3.25 }]);
});

test("binds insert rows that a query finds by bind", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "people");
  await conn.execute("CREATE TABLE people (id NUMBER PRIMARY KEY, name VARCHAR2(50))");
  const ins = await conn.execute("INSERT INTO people (id, name) VALUES (:id, :name)", {
    id: 1,
    name: "Ada",
  });
  assert.equal(ins.rowsAffected, 1);
  await conn.execute("INSERT INTO people (id, name) VALUES (:1, :2)", [2, null]);
  const { rows } = await conn.execute("SELECT id, name FROM people WHERE id >= :min ORDER BY id", {
    min: 1,
  });
  assert.deepEqual(rows, [{ ID: 1, NAME: "Ada" }, { ID: 2, NAME: null }]);
});

test("a PL/SQL block returns OUT and IN OUT binds", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  const r = await conn.execute("BEGIN :out := :a * 2; :io := :io || '!'; END;", {
    out: { dir: BIND_OUT, type: NUMBER },
    a: 21,
    io: { dir: BIND_INOUT, val: "hi", maxSize: 10 },
  });
  assert.deepEqual(r.outBinds, { out: 42, io: "hi!" });
});

test("bind errors reject before anything reaches the server", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "b");
  await conn.execute("create table b (a varchar2(10))");
  await conn.execute("insert into b values ('old')");
  const trips = async () =>
    Number(
      (await conn.execute<unknown[]>(
        `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
          where n.name = 'SQL*Net roundtrips to/from client'`,
        [],
        { outFormat: "array" },
      )).rows?.[0][0],
    );
  assert.equal((await conn.execute("UPDATE b SET a = :a", { a: "x" })).rowsAffected, 1);
  const before = await trips();
  await assert.rejects(conn.execute("UPDATE b SET a = :a", { a: Number.NaN }), {
    code: "ODB-3001",
  });
  // Only the counting query itself went out.
  assert.equal(await trips(), before + 1);
  assert.deepEqual((await conn.execute("select a from b")).rows, [{ A: "x" }]);
});

test(
  "text compared with a NUMBER column compares as a number, as Oracle converts it",
  server,
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
    });
    await dropFirst(conn, "nc");
    await conn.execute("create table nc (id number, s varchar2(10), amount number(10,2))");
    await conn.execute("insert into nc values (1, '01', 1.5)");
    await conn.execute("insert into nc values (56, '56', 2)");
    const ids = async (sql: string, binds: string[] = []) =>
      (await conn.execute<unknown[]>(sql, binds, { outFormat: "array" })).rows?.map((r) => r[0]);
    // Each found nothing: a string never equalled a number in the server's storage.
    assert.deepEqual(await ids("select id from nc where id = :1", ["56"]), [56]);
    assert.deepEqual(await ids("select id from nc where amount = :1", ["1.5"]), [1]);
    assert.deepEqual(await ids("select id from nc where id > '2' order by id"), [56]);
    assert.deepEqual(await ids("select id from nc n where n.id in (:1, '1') order by 1", ["56"]), [
      1,
      56,
    ]);
    assert.deepEqual(await ids("select id from nc where id between :1 and :2", ["2", "60"]), [56]);
    // A text column still compares as text: '01' is not '1'.
    assert.deepEqual(await ids("select id from nc where s = :1", ["1"]), []);
    assert.deepEqual(await ids("select id from nc where s = :1", ["01"]), [1]);
    // Text that is no number is ORA-01722, as in Oracle.
    await assert.rejects(ids("select id from nc where id = :1", ["x"]), { code: "ORA-01722" });
  },
);
