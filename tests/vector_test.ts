import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, DB_TYPE_VECTOR, OracleError, SparseVector } from "../mod.ts";
import { encodeBinds } from "../src/_binds.ts";
import { ValueReader } from "../src/_values.ts";
import { dropFirst, onlyIn, SKIP_SERVER, startTestServer } from "./_server.ts";

/**
 * The options of a test that reads or writes VECTOR values on the server: thin mode only while
 * thick mode runs on Instant Client 19.3, which predates the type. The last test shows what
 * thick mode does instead.
 */
const typed = () => ({
  skip: SKIP_SERVER ||
    onlyIn(
      "thin",
      "the VECTOR type needs Oracle Client 23ai (23.4) or later, and thick mode here runs on Instant Client 19.3 (OCI refuses the column, ORA-03115; a bind is ODB-1041)",
    ),
});

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

test("typed arrays and SparseVector bind as VECTOR and read back unchanged", () => {
  const sparse = new SparseVector({ numDimensions: 16, indices: [1, 15], values: [2, 45.5] });
  const enc = encodeBinds([
    new Float32Array([1.5, -2]),
    new Float64Array([6423.5]),
    new Int8Array([-128, 127]),
    { type: DB_TYPE_VECTOR, val: new Uint8Array([0xa5]) },
    sparse,
  ]);
  assert.deepEqual(enc.native.types, Array(5).fill(DB_TYPE_VECTOR));
  const r = new ValueReader(enc.native.values);
  assert.deepEqual(r.read(), new Float32Array([1.5, -2]));
  assert.deepEqual(r.read(), new Float64Array([6423.5]));
  assert.deepEqual(r.read(), new Int8Array([-128, 127]));
  assert.deepEqual(r.read(), new Uint8Array([0xa5]));
  assert.deepEqual(r.read(), sparse);
  assert.ok(r.done);
});

test("a SparseVector refuses indices out of range or of another length", () => {
  assert.throws(
    () => new SparseVector({ numDimensions: 4, indices: [4], values: [1] }),
    OracleError,
  );
  assert.throws(
    () => new SparseVector({ numDimensions: 4, indices: [1, 2], values: [1] }),
    OracleError,
  );
  const v = new SparseVector({ numDimensions: 4, indices: [2], values: new Float32Array([3]) });
  assert.deepEqual(v.dense(), new Float64Array([0, 0, 3, 0]));
});

test(
  "each vector format round-trips through columns, dense and sparse, and NULL",
  typed(),
  async () => {
    await using s = await open();
    const { conn } = s;
    await dropFirst(conn, "vt");
    await conn.execute(`create table vt (id number(9), f32 vector(3, float32),
    f64 vector(*, float64), i8 vector(3, int8), bin vector(16, binary),
    sp vector(8, float64, sparse))`);
    const sparse = new SparseVector({ numDimensions: 8, indices: [0, 7], values: [34.5, -7.25] });
    await conn.execute("insert into vt values (1, :1, :2, :3, :4, :5)", [
      new Float32Array([1.5, -2, 3]),
      new Float64Array([0.1, 1e300]),
      new Int8Array([-128, 0, 127]),
      { type: DB_TYPE_VECTOR, val: new Uint8Array([0xf0, 0x0f]) },
      sparse,
    ]);
    await conn.execute("insert into vt (id) values (2)");
    const r = await conn.execute<unknown[]>(
      "select f32, f64, i8, bin, sp from vt order by id",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(r.rows, [
      [
        new Float32Array([1.5, -2, 3]),
        new Float64Array([0.1, 1e300]),
        new Int8Array([-128, 0, 127]),
        new Uint8Array([0xf0, 0x0f]),
        sparse,
      ],
      [null, null, null, null, null],
    ]);
    assert.deepEqual(r.metaData?.map((m) => m.dbType), Array(5).fill(DB_TYPE_VECTOR));
    assert.deepEqual(r.metaData?.map((m) => m.dbTypeName), Array(5).fill("VECTOR"));
  },
);

test("a column converts another format: float64 into float32 and int8", typed(), async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "vc");
  await conn.execute("create table vc (f vector(2, float32), i vector(*, int8))");
  await conn.execute("insert into vc values (:1, :2)", [
    new Float64Array([0.5, 2]),
    new Float64Array([4, -3]),
  ]);
  const r = await conn.execute<unknown[]>("select f, i from vc", [], { outFormat: "array" });
  assert.deepEqual(r.rows, [[new Float32Array([0.5, 2]), new Int8Array([4, -3])]]);
});

test("a dimension count the column does not take is ORA-51803", typed(), async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "vd");
  await conn.execute("create table vd (v vector(16, float64))");
  await assert.rejects(
    conn.execute("insert into vd values (:1)", [new Float64Array(4)]),
    (e: unknown) => {
      assert.ok(e instanceof OracleError);
      assert.equal(e.code, "ORA-51803");
      return true;
    },
  );
  await assert.rejects(
    conn.execute("insert into vd values (:1)", [new Int8Array([1, 2, 3])]),
    /ORA-51803/,
  );
});

test("vector_distance and to_vector compute Oracle's metrics", typed(), async () => {
  await using s = await open();
  const { conn } = s;
  const r = await conn.execute<unknown[]>(
    `select vector_distance(to_vector('[1, 2, 3]'), :a, euclidean),
      vector_distance(to_vector('[1, 2, 3]'), :a, dot),
      vector_dimension_count(:a), from_vector(to_vector('[1.5, 2]', 2, float64))
     from dual`,
    { a: new Float64Array([4, 6, 3]) },
    { outFormat: "array" },
  );
  assert.deepEqual(r.rows, [[5, -25, 3, "[1.5E+000,2.0E+000]"]]);
});

test("many vector rows fetch across round trips", typed(), async () => {
  await using s = await open();
  const { conn } = s;
  await dropFirst(conn, "vm");
  await conn.execute("create table vm (id number(9), v vector(64, float32))");
  const rows = Array.from({ length: 500 }, (_, i) => [
    i,
    Float32Array.from({ length: 64 }, (_, k) => i + k / 4),
  ]);
  await conn.executeMany("insert into vm values (:1, :2)", rows);
  const r = await conn.execute<unknown[]>("select id, v from vm order by id", [], {
    outFormat: "array",
  });
  assert.equal(r.rows?.length, 500);
  assert.deepEqual(r.rows?.[499], rows[499]);
  assert.deepEqual(r.rows?.[7], rows[7]);
});

test(
  "thick mode on Instant Client 19.3: a VECTOR bind is ODB-1041 naming the type, a VECTOR column ORA-03115, and the session goes on",
  {
    skip: SKIP_SERVER || onlyIn("thick", "what an Oracle Client older than 23ai does with VECTOR"),
  },
  async () => {
    await using s = await open();
    const { conn } = s;
    await dropFirst(conn, "vt");
    await conn.execute("create table vt (id number(9), v vector(3, float32))");
    await assert.rejects(
      conn.execute("insert into vt values (1, :1)", [new Float32Array([1, 2, 3])]),
      (e: unknown) =>
        e instanceof OracleError && e.code === "ODB-1041" &&
        /VECTOR values are not available in thick mode: the VECTOR type needs Oracle Client 23\.4 or later, and the Oracle Client loaded is 19\.3/
          .test(e.message),
    );
    await conn.execute("insert into vt values (2, '[1, 2, 3]')");
    await assert.rejects(
      conn.execute("select v from vt"),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-03115",
    );
    assert.deepEqual((await conn.execute("select id from vt")).rows, [{ ID: 2 }]);
  },
);
