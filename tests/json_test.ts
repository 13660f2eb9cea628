import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BIND_OUT,
  connect,
  DB_TYPE_JSON,
  IntervalDS,
  IntervalYM,
  type JsonValue,
  OracleError,
} from "../mod.ts";
import { encodeBinds } from "../src/_binds.ts";
import { dropFirst, onlyIn, SKIP_SERVER, startTestServer } from "./_server.ts";

/**
 * The options of a test that reads or writes JSON values on the server: thin mode only while
 * thick mode runs on Instant Client 19.3, which predates the type. The last test shows what
 * thick mode does instead.
 */
const typed = () => ({
  skip: SKIP_SERVER ||
    onlyIn(
      "thin",
      "the JSON type needs Oracle Client 21c or later, and thick mode here runs on Instant Client 19.3 (OCI refuses the column, ORA-03115; a bind is ODB-1041)",
    ),
});

async function open() {
  const db = await startTestServer();
  const conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "tj");
  await conn.execute("create table tj (id number(9) not null, j json)");
  return {
    conn,
    async [Symbol.asyncDispose]() {
      await conn.close();
      await db[Symbol.asyncDispose]();
    },
  };
}

type Conn = Awaited<ReturnType<typeof open>>["conn"];

async function roundTrip(conn: Conn, val: JsonValue): Promise<unknown> {
  await conn.execute("delete from tj");
  await conn.execute("insert into tj values (1, :j)", { j: { type: DB_TYPE_JSON, val } });
  const r = await conn.execute<unknown[]>("select j from tj", [], { outFormat: "array" });
  return r.rows?.[0][0];
}

test(
  "a nested document round-trips through a JSON column and is described as JSON",
  typed(),
  async () => {
    await using s = await open();
    const doc = {
      employees: [
        { employee1: { name: "John", city: "Delhi", age: 30, permanent: true } },
        { employee2: { name: "Matthew", tags: [], extra: {} } },
      ],
      deep: [[[{ x: [null, false, "y"] }]]],
    };
    assert.deepEqual(await roundTrip(s.conn, doc), doc);
    const r = await s.conn.execute<unknown[]>("select j from tj", [], { outFormat: "array" });
    assert.deepEqual(r.metaData?.map((m) => [m.dbType, m.dbTypeName]), [[DB_TYPE_JSON, "JSON"]]);
  },
);

test(
  "every scalar kind comes back as its JS type, alone and inside a document",
  typed(),
  async () => {
    await using s = await open();
    const when = new Date(2020, 11, 2, 13, 29, 14, 123);
    const scalars: [JsonValue, unknown][] = [
      ["text", "text"],
      ["", ""],
      [25.25, 25.25],
      [-9007199254740991, -9007199254740991],
      [12345678901234567890n, 12345678901234567000],
      [true, true],
      [false, false],
      [when, when],
      [new Uint8Array([0, 1, 254, 255]), new Uint8Array([0, 1, 254, 255])],
      [new IntervalDS({ days: 8, hours: 12 }), new IntervalDS({ days: 8, hours: 12 })],
      [new IntervalYM({ years: 8, months: 4 }), new IntervalYM({ years: 8, months: 4 })],
    ];
    for (const [val, want] of scalars) {
      assert.deepEqual(await roundTrip(s.conn, val), want, `scalar ${String(val)}`);
    }
    const doc = Object.fromEntries(scalars.map(([v], i) => [`k${i}`, v]));
    const back = await roundTrip(s.conn, doc) as Record<string, unknown>;
    assert.deepEqual(back, Object.fromEntries(scalars.map(([, w], i) => [`k${i}`, w])));
    assert.ok(back.k7 instanceof Date);
    assert.ok(back.k8 instanceof Uint8Array);
  },
);

test("SQL NULL and JSON null stay apart", typed(), async () => {
  await using s = await open();
  const { conn } = s;
  await conn.execute("insert into tj values (1, :j)", { j: { type: DB_TYPE_JSON, val: null } });
  await conn.execute("insert into tj values (2, 'null')");
  await conn.execute("insert into tj values (3, :j)", {
    j: { type: DB_TYPE_JSON, val: { a: null, b: [null] } },
  });
  const r = await conn.execute<unknown[]>(
    "select id, j, case when j is null then 'sql' else 'json' end from tj order by id",
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(r.rows, [
    [1, null, "sql"],
    [2, null, "json"],
    [3, { a: null, b: [null] }, "json"],
  ]);
});

test("unicode and odd member names survive, __proto__ stays a plain member", typed(), async () => {
  await using s = await open();
  const doc = JSON.parse('{"ключ":"значение","𝄞":{"":1,"a\\"b":"\\n"},"__proto__":{"x":1}}');
  const back = await roundTrip(s.conn, doc) as Record<string, unknown>;
  assert.deepEqual(Object.keys(back), ["ключ", "𝄞", "__proto__"]);
  assert.deepEqual(back["𝄞"], { "": 1, 'a"b': "\n" });
  assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { x: 1 });
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
});

test(
  "a document with a Date keeps __proto__ as a member, numbers and escapes exact",
  typed(),
  async () => {
    await using s = await open();
    // A Date keeps the document off the JSON-text fast path: nested tags carry it.
    const doc = JSON.parse('{"a":"x\\"\\\\\\u0001","__proto__":{"x":1}}');
    doc.when = new Date(Date.UTC(2024, 1, 29, 12, 30, 0));
    doc.n = [0.1, -2.5, 2 ** 53 + 2, 1e-7, 123456.789];
    const back = await roundTrip(s.conn, doc) as Record<string, unknown>;
    assert.deepEqual(Object.keys(back), ["a", "__proto__", "when", "n"]);
    assert.equal(back.a, 'x"\\\u0001');
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { x: 1 });
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.ok(back.when instanceof Date);
    assert.deepEqual(back.n, [0.1, -2.5, 2 ** 53 + 2, 1e-7, 123456.789]);
    // The same numbers and escapes without a Date come through the JSON text path.
    delete doc.when;
    const plain = await roundTrip(s.conn, doc) as Record<string, unknown>;
    assert.deepEqual(Object.keys(plain), ["a", "__proto__", "n"]);
    assert.equal(plain.a, 'x"\\\u0001');
    assert.deepEqual(plain.n, [0.1, -2.5, 2 ** 53 + 2, 1e-7, 123456.789]);
  },
);

test("many rows of JSON bind with executeMany and fetch in order", typed(), async () => {
  await using s = await open();
  const docs = Array.from({ length: 600 }, (_, i) => ({
    n: i,
    name: `row ${i}`,
    even: i % 2 === 0,
    list: [i, i + 1],
  }));
  const rows = docs.map((val, id) => ({ id, j: { type: DB_TYPE_JSON, val } }));
  await s.conn.executeMany("insert into tj values (:id, :j)", rows);
  const r = await s.conn.execute<unknown[]>("select j from tj order by id", [], {
    outFormat: "array",
  });
  assert.equal(r.rows?.length, 600);
  assert.deepEqual(r.rows?.map((x) => x[0]), docs);
});

test("RETURNING INTO a JSON bind gives the stored document", typed(), async () => {
  await using s = await open();
  const r = await s.conn.execute(
    "insert into tj values (1, :j) returning j into :o",
    { j: { type: DB_TYPE_JSON, val: { a: [1, "b"] } }, o: { dir: BIND_OUT, type: DB_TYPE_JSON } },
  );
  assert.deepEqual(r.outBinds, { o: [{ a: [1, "b"] }] });
});

test(
  "text that is not JSON in a JSON column is ORA-40441 on fetch, never NULL",
  typed(),
  async () => {
    await using s = await open();
    await s.conn.execute("insert into tj values (1, '{not json')");
    await assert.rejects(
      s.conn.execute("select j from tj"),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-40441",
    );
  },
);

test("a JSON bind refuses values JSON cannot hold, naming the bind and member", () => {
  const bad: [unknown, RegExp][] = [
    [{ a: [1, () => 1] }, /"j" is JSON whose value\.a\[1\] is a function/],
    [{ m: new Map() }, /value\.m is an object \(Map\)/],
    [{ n: NaN }, /value\.n is NaN/],
    [{ s: Symbol("x") }, /is a symbol/],
  ];
  for (const [val, msg] of bad) {
    // Values from untyped callers: the types would refuse them.
    const j = { type: DB_TYPE_JSON, val: val as JsonValue };
    assert.throws(() => encodeBinds({ j }), (e: unknown) => {
      assert.ok(e instanceof OracleError);
      assert.equal(e.code, "ODB-3000");
      assert.match(e.message, msg);
      return true;
    });
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const j = { type: DB_TYPE_JSON, val: cyclic as JsonValue };
  assert.throws(() => encodeBinds({ j }), /nested more than/);
});

test(
  "JSON_OBJECT RETURNING JSON fetches as a document, with an embedded vector as a typed array",
  typed(),
  async () => {
    await using s = await open();
    const r = await s.conn.execute<unknown[]>(
      `select json_object('id' : 6432, 'vector' : to_vector('[1, 2, 3]'),
              'tags' : json_array('a', null, 'b') returning json),
              json_object(key 'k' value 1, 'n' : null absent on null)
       from dual`,
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(r.metaData?.map((m) => m.dbTypeName), ["JSON", "VARCHAR2"]);
    const [doc, text] = r.rows?.[0] ?? [];
    assert.deepEqual(doc, { id: 6432, vector: new Float32Array([1, 2, 3]), tags: ["a", "b"] });
    assert.equal(text, '{"k":1}');
  },
);

test(
  "JSON_ARRAYAGG gathers rows in ORDER BY order and dot notation reads members",
  typed(),
  async () => {
    await using s = await open();
    const docs: [number, JsonValue][] = [[1, { a: { b: [10, 20] } }], [2, { a: { b: [30] } }], [
      3,
      { z: 1 },
    ]];
    for (const [id, val] of docs) {
      await s.conn.execute("insert into tj values (:1, :2)", [id, { type: DB_TYPE_JSON, val }]);
    }
    const agg = await s.conn.execute<unknown[]>(
      "select json_arrayagg(id order by id desc returning json) from tj",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(agg.rows?.[0][0], [3, 2, 1]);
    const dot = await s.conn.execute<unknown[]>(
      "select t.j.a, t.j.a.b[0] from tj t where t.j.a is not null order by t.id",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(dot.rows, [[{ b: [10, 20] }, 10], [{ b: [30] }, 30]]);
  },
);

test(
  "thick mode on Instant Client 19.3: a JSON bind is ODB-1041 naming the type, a JSON column ORA-03115, and the session goes on",
  { skip: SKIP_SERVER || onlyIn("thick", "what an Oracle Client older than 21c does with JSON") },
  async () => {
    await using s = await open();
    await assert.rejects(
      s.conn.execute("insert into tj values (1, :j)", { j: { type: DB_TYPE_JSON, val: { a: 1 } } }),
      (e: unknown) =>
        e instanceof OracleError && e.code === "ODB-1041" &&
        /JSON values are not available in thick mode: the JSON type needs Oracle Client 21 or later, and the Oracle Client loaded is 19\.3/
          .test(e.message),
    );
    await s.conn.execute(`insert into tj values (2, '{"a":1}')`);
    await assert.rejects(
      s.conn.execute("select j from tj"),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-03115",
    );
    assert.deepEqual((await s.conn.execute("select id from tj")).rows, [{ ID: 2 }]);
  },
);
