// Data-type conformance: unmodified node-oracledb (Thin, default settings) writing and reading
// the newer types against oradb-testserver: JSON (OSON on the wire), VECTOR, the national
// character set (NVARCHAR2, NCHAR, NCLOB) and intervals, with NULLs.
// Usage: node types_conformance.mjs HOST:PORT [SERVICE]
// Ends with "types-node: N passed, M failed".
import assert from "node:assert/strict";
import oracledb from "oracledb";

const [addr, service = "FREEPDB1"] = process.argv.slice(2);
const at = addr.lastIndexOf(":");
const connectString = `${addr.slice(0, at)}:${addr.slice(at + 1)}/${service}`;
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${e?.stack ?? e}`);
  }
}

const conn = await oracledb.getConnection({ user: "scott", password: "tiger", connectString });
const OBJ = { outFormat: oracledb.OUT_FORMAT_OBJECT };

await check("JSON column: nested documents and NULL round trip", async () => {
  await conn.execute("create table t_json (id number, doc json)");
  const doc = {
    name: "Ωmega \u{1F600}",
    n: 12.5,
    big: 123456789012,
    ok: true,
    none: null,
    list: [1, "two", { three: [3] }],
  };
  await conn.execute("insert into t_json values (1, :d)", {
    d: { type: oracledb.DB_TYPE_JSON, val: doc },
  });
  await conn.execute("insert into t_json values (2, null)");
  const r = await conn.execute("select id, doc from t_json order by id", [], OBJ);
  assert.equal(r.metaData[1].dbType, oracledb.DB_TYPE_JSON);
  assert.deepEqual(r.rows, [{ ID: 1, DOC: doc }, { ID: 2, DOC: null }]);
});

await check("JSON: SQL functions see what the client wrote", async () => {
  const r = await conn.execute(
    "select json_value(doc, '$.name') as name, json_value(doc, '$.list[1]') as second " +
      "from t_json where id = 1",
    [],
    OBJ,
  );
  assert.deepEqual(r.rows, [{ NAME: "Ωmega \u{1F600}", SECOND: "two" }]);
});

await check("VECTOR columns: FLOAT32, FLOAT64 and INT8 round trip as typed arrays", async () => {
  await conn.execute(
    "create table t_vec (id number, f32 vector(3, float32), f64 vector(3, float64), " +
      "i8 vector(3, int8))",
  );
  const f32 = new Float32Array([1.5, -2.25, 3]);
  const f64 = new Float64Array([0.1, 0.2, 0.3]);
  const i8 = new Int8Array([-128, 0, 127]);
  await conn.execute("insert into t_vec values (1, :1, :2, :3)", [f32, f64, i8]);
  await conn.execute("insert into t_vec values (2, null, null, null)");
  const r = await conn.execute("select f32, f64, i8 from t_vec order by id", [], OBJ);
  assert.ok(r.rows[0].F32 instanceof Float32Array);
  assert.deepEqual(Array.from(r.rows[0].F32), Array.from(f32));
  assert.deepEqual(Array.from(r.rows[0].F64), Array.from(f64));
  assert.ok(r.rows[0].I8 instanceof Int8Array);
  assert.deepEqual(Array.from(r.rows[0].I8), Array.from(i8));
  assert.deepEqual(r.rows[1], { F32: null, F64: null, I8: null });
});

await check("VECTOR: a wrong dimension count is an error, not a value", async () => {
  await assert.rejects(
    conn.execute("insert into t_vec (id, f32) values (3, :1)", [new Float32Array([1, 2])]),
    /ORA-51803/,
  );
});

await check("NVARCHAR2, NCHAR and NCLOB round trip with their national types", async () => {
  await conn.execute("create table t_nat (nv nvarchar2(10), nc nchar(3), nl nclob)");
  const wide = "Ωmega \u3042";
  await conn.execute("insert into t_nat values (:1, :2, :3)", [wide, "é", wide.repeat(1000)]);
  const r = await conn.execute("select nv, nc, nl from t_nat", [], {
    ...OBJ,
    fetchInfo: { NL: { type: oracledb.STRING } },
  });
  assert.deepEqual(
    r.metaData.map((m) => m.dbType),
    [oracledb.DB_TYPE_NVARCHAR, oracledb.DB_TYPE_NCHAR, oracledb.DB_TYPE_NCLOB],
  );
  assert.deepEqual(r.rows, [{ NV: wide, NC: "é  ", NL: wide.repeat(1000) }]);
});

await check("PL/SQL gives an NVARCHAR2 OUT bind its characters", async () => {
  const r = await conn.execute("begin :o := unistr('Called \\3042'); end;", {
    o: { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_NVARCHAR, maxSize: 40 },
  });
  assert.equal(r.outBinds.o, "Called \u3042");
});

await check(
  "TIMESTAMP WITH TIME ZONE in a client zone that is not UTC: instants kept",
  async () => {
    // node-oracledb sets the session's time zone to the process's at connect;
    // Asia/Kolkata (+05:30, no summer time) makes any UTC assumption show.
    const before = process.env.TZ;
    // The test server has one writer: the first connection's open transaction would hold our DDL.
    await conn.commit();
    process.env.TZ = "Asia/Kolkata";
    const c = await oracledb.getConnection({ user: "scott", password: "tiger", connectString });
    try {
      const tz = await c.execute("select sessiontimezone from dual");
      assert.equal(tz.rows[0][0], "+05:30");
      await c.execute("create table t_tstz (id number, t timestamp with time zone, w timestamp)");
      const d = new Date(Date.UTC(2024, 5, 1, 6, 30, 0, 250));
      await c.execute("insert into t_tstz values (1, :t, :w)", { t: d, w: d });
      await c.execute(
        "insert into t_tstz values (2, timestamp '2024-06-01 12:00:00.25 +05:30', null)",
      );
      await c.execute(
        "insert into t_tstz values (3, timestamp '2024-06-01 06:30:00.25 +00:00', null)",
      );
      const r = await c.execute("select id, t, w from t_tstz order by id", [], OBJ);
      assert.equal(r.metaData[1].dbType, oracledb.DB_TYPE_TIMESTAMP_TZ);
      for (const row of r.rows) assert.equal(row.T.toISOString(), d.toISOString(), `row ${row.ID}`);
      assert.equal(r.rows[0].W.toISOString(), d.toISOString());
      // One instant in three zones: equal, as Oracle compares them.
      const same = await c.execute(
        "select count(*) from t_tstz where t = timestamp '2024-06-01 02:30:00.25 -04:00'",
      );
      assert.equal(same.rows[0][0], 3);
      const now = await c.execute("select systimestamp, current_timestamp from dual");
      for (const v of now.rows[0]) assert.ok(Math.abs(v.getTime() - Date.now()) < 60_000, `${v}`);
    } finally {
      await c.close();
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  },
);

await check("INTERVAL YEAR TO MONTH and DAY TO SECOND round trip", async () => {
  await conn.execute(
    "create table t_iv (ym interval year(3) to month, ds interval day(3) to second(6))",
  );
  await conn.execute(
    "insert into t_iv values (interval '5-3' year to month, " +
      "interval '2 03:04:05.250000' day to second)",
  );
  const r = await conn.execute("select ym, ds from t_iv", [], OBJ);
  const { YM, DS } = r.rows[0];
  assert.deepEqual({ years: YM.years, months: YM.months }, { years: 5, months: 3 });
  assert.deepEqual(
    { days: DS.days, hours: DS.hours, minutes: DS.minutes, seconds: DS.seconds },
    { days: 2, hours: 3, minutes: 4, seconds: 5 },
  );
  assert.equal(DS.fseconds, 250_000_000);
});

await conn.close();
console.log(`types-node: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
