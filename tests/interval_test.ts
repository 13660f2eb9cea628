import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BIND_INOUT,
  BIND_OUT,
  connect,
  DB_TYPE_INTERVAL_DS,
  DB_TYPE_INTERVAL_YM,
  IntervalDS,
  IntervalYM,
  OracleError,
} from "../mod.ts";
import { encodeBinds } from "../src/_binds.ts";
import { ValueReader } from "../src/_values.ts";
import { dropFirst, SKIP_SERVER, startTestServer } from "./_server.ts";

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

test("IntervalDS and IntervalYM are frozen, default to 0 and print Oracle's form", () => {
  const d = new IntervalDS({ days: 3, hours: 4, minutes: 5, seconds: 6, fseconds: 7_000_000 });
  assert.deepEqual(
    [d.days, d.hours, d.minutes, d.seconds, d.fseconds],
    [3, 4, 5, 6, 7_000_000],
  );
  assert.ok(Object.isFrozen(d));
  assert.equal(d.toString(), "+03 04:05:06.007000000");
  assert.equal(new IntervalDS({ days: 1, seconds: -1 }).toString(), "+00 23:59:59.000000000");
  assert.equal(new IntervalDS().toString(), "+00 00:00:00.000000000");
  const y = new IntervalYM({ years: -1, months: -6 });
  assert.equal(y.toString(), "-01-06");
  assert.equal(new IntervalYM({ months: 30 }).toString(), "+02-06");
  assert.ok(Object.isFrozen(y));
  assert.throws(() => new IntervalDS({ days: 1.5 }), (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, "ODB-5005");
    assert.match(e.message, /"days"/);
    return true;
  });
  assert.throws(() => new IntervalYM({ years: 2 ** 40 }), OracleError);
});

test("binding an interval sends its own type and its fields", () => {
  const enc = encodeBinds([
    new IntervalDS({ days: -1, hours: -2, fseconds: -5 }),
    new IntervalYM({ years: 7, months: 11 }),
  ]);
  assert.deepEqual(enc.native.types, [DB_TYPE_INTERVAL_DS, DB_TYPE_INTERVAL_YM]);
  const r = new ValueReader(enc.native.values);
  assert.deepEqual(r.read(), new IntervalDS({ days: -1, hours: -2, fseconds: -5 }));
  assert.deepEqual(r.read(), new IntervalYM({ years: 7, months: 11 }));
  assert.ok(r.done);
});

test(
  "interval columns fetch as IntervalDS / IntervalYM with Oracle's precisions",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await dropFirst(conn, "iv");
    await conn.execute(`create table iv (id number(9), ds interval day(3) to second(2),
      ym interval year(4) to month)`);
    await conn.execute(
      `insert into iv values (1, to_dsinterval('-2 03:04:05.5'), to_yminterval('12-3'))`,
    );
    await conn.execute("insert into iv values (2, null, null)");
    const r = await conn.execute<unknown[]>("select ds, ym from iv order by id", [], {
      outFormat: "array",
    });
    assert.deepEqual(r.rows, [
      [
        new IntervalDS({ days: -2, hours: -3, minutes: -4, seconds: -5, fseconds: -500_000_000 }),
        new IntervalYM({ years: 12, months: 3 }),
      ],
      [null, null],
    ]);
    assert.ok(r.rows?.[0][0] instanceof IntervalDS);
    assert.deepEqual(
      r.metaData?.map((m) => [m.dbType, m.dbTypeName, m.precision, m.scale]),
      [
        [DB_TYPE_INTERVAL_DS, "INTERVAL DAY TO SECOND", 3, 2],
        [DB_TYPE_INTERVAL_YM, "INTERVAL YEAR TO MONTH", 4, 0],
      ],
    );
  },
);

test(
  "interval binds compare with columns and come back from select-list binds",
  server,
  async () => {
    await using s = await open();
    const { conn } = s;
    await dropFirst(conn, "iv2");
    await conn.execute("create table iv2 (id number, ds interval day to second)");
    await conn.executeMany("insert into iv2 values (:1, to_dsinterval(:2))", [
      [1, "1 00:00:00"],
      [2, "0 23:59:59"],
    ]);
    // Mixed signs are summed: 1 day - 1 second is row 2.
    const hit = await conn.execute<unknown[]>(
      "select id from iv2 where ds = :v",
      { v: new IntervalDS({ days: 1, seconds: -1 }) },
      { outFormat: "array" },
    );
    assert.deepEqual(hit.rows, [[2]]);
    const echo = await conn.execute<unknown[]>(
      "select :1, :2 from dual",
      [new IntervalDS({ minutes: -90, fseconds: 1 }), new IntervalYM({ months: -18 })],
      { outFormat: "array" },
    );
    assert.deepEqual(echo.rows, [[
      new IntervalDS({ hours: -1, minutes: -29, seconds: -59, fseconds: -999_999_999 }),
      new IntervalYM({ years: -1, months: -6 }),
    ]]);
    assert.deepEqual(echo.metaData?.map((m) => m.dbType), [
      DB_TYPE_INTERVAL_DS,
      DB_TYPE_INTERVAL_YM,
    ]);
  },
);

test("interval expressions, literals and conversion functions are intervals", server, async () => {
  await using s = await open();
  const r = await s.conn.execute<unknown[]>(
    `select numtodsinterval(90, 'MINUTE'), numtoyminterval(14, 'MONTH'),
       interval '2' day + interval '3' hour, to_yminterval('1-2') - to_yminterval('0-3'),
       timestamp '2024-01-31 00:00:00' + interval '1' day
     from dual`,
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(r.rows?.[0].slice(0, 4), [
    new IntervalDS({ hours: 1, minutes: 30 }),
    new IntervalYM({ years: 1, months: 2 }),
    new IntervalDS({ days: 2, hours: 3 }),
    new IntervalYM({ months: 11 }),
  ]);
  assert.equal((r.rows?.[0][4] as Date).getDate(), 1);
  assert.deepEqual(r.metaData?.slice(0, 4).map((m) => m.dbType), [
    DB_TYPE_INTERVAL_DS,
    DB_TYPE_INTERVAL_YM,
    DB_TYPE_INTERVAL_DS,
    DB_TYPE_INTERVAL_YM,
  ]);
  await assert.rejects(
    s.conn.execute("select interval '1' day + interval '1' month from dual"),
    (e: unknown) => e instanceof OracleError && e.errorNum === 30081,
  );
});

test("PL/SQL OUT and IN OUT interval binds", server, async () => {
  await using s = await open();
  const r = await s.conn.execute<unknown[]>(
    `begin
       :ds := :ds + to_dsinterval('5 08:30:00');
       :ym := to_yminterval('-25-7');
     end;`,
    {
      ds: { dir: BIND_INOUT, type: DB_TYPE_INTERVAL_DS, val: new IntervalDS({ days: 1 }) },
      ym: { dir: BIND_OUT, type: DB_TYPE_INTERVAL_YM },
    },
  );
  assert.deepEqual(r.outBinds, {
    ds: new IntervalDS({ days: 6, hours: 8, minutes: 30 }),
    ym: new IntervalYM({ years: -25, months: -7 }),
  });
});

test("an interval bound as another type is a typed error naming the bind", server, async () => {
  await using s = await open();
  await assert.rejects(
    s.conn.execute("select :d from dual", {
      d: { type: DB_TYPE_INTERVAL_YM, val: new IntervalDS({ days: 1 }) },
    }),
    (e: unknown) => e instanceof OracleError && /"d"/.test(e.message),
  );
});
