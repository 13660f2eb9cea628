import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BIND_IN,
  BIND_INOUT,
  BIND_OUT,
  type Connection,
  DATE,
  ErrorCode,
  NUMBER,
  OracleError,
  STRING,
} from "../mod.ts";
import { encodeBinds } from "../src/_binds.ts";
import { packSpecs } from "../src/_rowbuf.ts";
import { ValueReader } from "../src/_values.ts";
import { SKIP_SERVER, startConnected } from "./_server.ts";

const server = { skip: SKIP_SERVER };

function failsWith(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OracleError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

async function rejectsWith(p: Promise<unknown>, code: string, part: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OracleError, String(e));
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.includes(part), e.message);
    return true;
  });
}

/** A package of index-by tables of NUMBER, VARCHAR2 and DATE and procedures over them. */
async function arrayPackage(conn: Connection): Promise<void> {
  await conn.execute(`CREATE OR REPLACE PACKAGE pkg_arr AS
    TYPE t_nums IS TABLE OF NUMBER INDEX BY BINARY_INTEGER;
    TYPE t_strs IS TABLE OF VARCHAR2(100) INDEX BY BINARY_INTEGER;
    TYPE t_dates IS TABLE OF DATE INDEX BY BINARY_INTEGER;
    FUNCTION total(a t_nums) RETURN NUMBER;
    FUNCTION joined(a t_strs) RETURN VARCHAR2;
    PROCEDURE fill(n NUMBER, a OUT t_nums);
    PROCEDURE double_all(a IN OUT t_nums);
    PROCEDURE shout(a IN OUT t_strs);
    PROCEDURE next_day(a IN OUT t_dates);
  END;`);
  await conn.execute(`CREATE OR REPLACE PACKAGE BODY pkg_arr AS
    FUNCTION total(a t_nums) RETURN NUMBER IS
      s NUMBER := 0;
    BEGIN
      FOR i IN 1 .. a.COUNT LOOP s := s + NVL(a(i), 0); END LOOP;
      RETURN s;
    END;
    FUNCTION joined(a t_strs) RETURN VARCHAR2 IS
      s VARCHAR2(4000) := '';
    BEGIN
      FOR i IN 1 .. a.COUNT LOOP s := s || NVL(a(i), '-') || '|'; END LOOP;
      RETURN s || a.COUNT;
    END;
    PROCEDURE fill(n NUMBER, a OUT t_nums) IS
    BEGIN
      FOR i IN 1 .. n LOOP a(i) := i * 10; END LOOP;
    END;
    PROCEDURE double_all(a IN OUT t_nums) IS
    BEGIN
      FOR i IN 1 .. a.COUNT LOOP a(i) := a(i) * 2; END LOOP;
    END;
    PROCEDURE shout(a IN OUT t_strs) IS
    BEGIN
      FOR i IN 1 .. a.COUNT LOOP a(i) := UPPER(a(i)); END LOOP;
    END;
    PROCEDURE next_day(a IN OUT t_dates) IS
    BEGIN
      FOR i IN 1 .. a.COUNT LOOP a(i) := a(i) + 1; END LOOP;
    END;
  END;`);
}

test("an array bind goes as a flagged spec with its maxArraySize and a tagged array", () => {
  const b = encodeBinds([{ type: NUMBER, val: [1, null, 3], maxArraySize: 5 }, 7]);
  assert.deepEqual(b.native.arraySizes, [5, 0]);
  const specs = packSpecs(b.native)!;
  const view = new DataView(specs.buffer);
  // u32 count, u8 named; dir with the array flag, type, u32 max size, u32 maxArraySize.
  assert.equal(view.getUint32(0, true), 2);
  assert.deepEqual([specs[5], specs[6]], [BIND_IN | 0x10, NUMBER]);
  assert.equal(view.getUint32(11, true), 5);
  assert.deepEqual([specs[15], specs[16]], [BIND_IN, NUMBER]);
  assert.equal(specs.length, 5 + 10 + 6);
  const r = new ValueReader(b.native.values);
  assert.deepEqual([r.read(), r.read()], [[1, null, 3], 7]);
  // Scalar binds carry no array sizes (the packed specs are as before).
  assert.equal(encodeBinds([1]).native.arraySizes, undefined);
});

test("bad array binds fail naming the bind, before anything is sent", () => {
  failsWith(
    () => encodeBinds({ ids: { type: NUMBER, val: 5, maxArraySize: 3 } }),
    "ODB-3003",
    `ODB-3003: Bind "ids" has "maxArraySize", so its "val" must be an array`,
  );
  failsWith(
    () => encodeBinds({ ids: { type: NUMBER, val: [1, 2, 3, 4], maxArraySize: 3 } }),
    "ODB-3002",
    `ODB-3002: Bind "ids" has 4 elements, more than its "maxArraySize" 3`,
  );
  failsWith(
    () => encodeBinds([{ val: [1, "two", 3] }]),
    "ODB-3003",
    "ODB-3003: Bind at position 1 has element 2 of kind string but element 1 of kind number",
  );
  failsWith(
    () => encodeBinds([{ dir: BIND_OUT, type: NUMBER, val: [] }]),
    "ODB-3002",
    `ODB-3002: Bind at position 1 is an OUT or IN OUT array and needs "maxArraySize"`,
  );
  failsWith(
    () => encodeBinds([{ dir: BIND_OUT, maxArraySize: 2 }]),
    "ODB-3002",
    `ODB-3002: Bind at position 1 is OUT and needs a "type"`,
  );
  failsWith(
    () => encodeBinds([{ type: NUMBER, val: [1], maxArraySize: 0 }]),
    "ODB-3002",
    `ODB-3002: Bind at position 1 has invalid "maxArraySize" 0 (1 to 32767)`,
  );
  assert.throws(
    () => encodeBinds([{ type: 113, val: [], maxArraySize: 2 }]),
    /which an associative array cannot hold/,
  );
});

test("IN arrays of NUMBER and VARCHAR2 reach a PL/SQL function", server, async () => {
  await using s = await startConnected();
  await arrayPackage(s.conn);
  const r = await s.conn.execute("BEGIN :t := pkg_arr.total(:a); END;", {
    t: { dir: BIND_OUT, type: NUMBER },
    a: { type: NUMBER, val: [1, 2.5, null, 4], maxArraySize: 10 },
  });
  assert.deepEqual(r.outBinds, { t: 7.5 });
  const j = await s.conn.execute("BEGIN :1 := pkg_arr.joined(:2); END;", [
    { dir: BIND_OUT, type: STRING, maxSize: 200 },
    { type: STRING, val: ["a", null, "ccc"] },
  ]);
  assert.deepEqual(j.outBinds, ["a|-|ccc|3"]);
});

test("empty IN arrays work", server, async () => {
  await using s = await startConnected();
  await arrayPackage(s.conn);
  const r = await s.conn.execute("BEGIN :t := pkg_arr.total(:a); END;", {
    t: { dir: BIND_OUT, type: NUMBER },
    a: { type: NUMBER, val: [], maxArraySize: 3 },
  });
  assert.deepEqual(r.outBinds, { t: 0 });
});

test(
  "an OUT array comes back as a JS array, empty when the call fills none",
  server,
  async () => {
    await using s = await startConnected();
    await arrayPackage(s.conn);
    const r = await s.conn.execute("BEGIN pkg_arr.fill(:n, :a); END;", {
      n: 4,
      a: { dir: BIND_OUT, type: NUMBER, maxArraySize: 10 },
    });
    assert.deepEqual(r.outBinds, { a: [10, 20, 30, 40] });
    const none = await s.conn.execute("BEGIN pkg_arr.fill(0, :1); END;", [
      { dir: BIND_OUT, type: NUMBER, maxArraySize: 10 },
    ]);
    assert.deepEqual(none.outBinds, [[]]);
  },
);

test(
  "IN OUT arrays of NUMBER, VARCHAR2 and DATE keep NULL elements",
  server,
  async () => {
    await using s = await startConnected();
    await arrayPackage(s.conn);
    const n = await s.conn.execute("BEGIN pkg_arr.double_all(:a); END;", {
      a: { dir: BIND_INOUT, type: NUMBER, val: [1, null, -3.5], maxArraySize: 5 },
    });
    assert.deepEqual(n.outBinds, { a: [2, null, -7] });
    const t = await s.conn.execute("BEGIN pkg_arr.shout(:a); END;", {
      a: { dir: BIND_INOUT, type: STRING, val: ["ab", null, "c d"], maxArraySize: 5 },
    });
    assert.deepEqual(t.outBinds, { a: ["AB", null, "C D"] });
    const d = await s.conn.execute("BEGIN pkg_arr.next_day(:a); END;", {
      a: {
        dir: BIND_INOUT,
        type: DATE,
        val: [new Date(2024, 1, 28, 10, 30), null, new Date(1999, 11, 31)],
        maxArraySize: 3,
      },
    });
    assert.deepEqual(d.outBinds, {
      a: [new Date(2024, 1, 29, 10, 30), null, new Date(2000, 0, 1)],
    });
  },
);

test("an array longer than maxArraySize fails, and the connection goes on", server, async () => {
  await using s = await startConnected();
  await arrayPackage(s.conn);
  await rejectsWith(
    s.conn.execute("BEGIN pkg_arr.double_all(:a); END;", {
      a: { dir: BIND_INOUT, type: NUMBER, val: [1, 2, 3], maxArraySize: 2 },
    }),
    "ODB-3002",
    `Bind "a" has 3 elements`,
  );
  const r = await s.conn.execute("SELECT 1 AS one FROM dual");
  assert.deepEqual(r.rows, [{ ONE: 1 }]);
});

test("executeMany gives each row's OUT binds of a PL/SQL block", server, async () => {
  await using s = await startConnected();
  const r = await s.conn.executeMany(
    "BEGIN :doubled := :n * 2; :label := 'n=' || :n; END;",
    [{ n: 1 }, { n: 2 }, { n: 3 }],
    {
      bindDefs: {
        n: { type: NUMBER },
        doubled: { dir: BIND_OUT, type: NUMBER },
        label: { dir: BIND_OUT, type: STRING, maxSize: 20 },
      },
    },
  );
  assert.deepEqual(r.outBinds, [
    { doubled: 2, label: "n=1" },
    { doubled: 4, label: "n=2" },
    { doubled: 6, label: "n=3" },
  ]);
  const p = await s.conn.executeMany(
    "DECLARE v NUMBER := :1; BEGIN :2 := v + 100; END;",
    [[1], [2]],
    { bindDefs: [{ type: NUMBER }, { dir: BIND_OUT, type: NUMBER }] },
  );
  assert.deepEqual(p.outBinds, [[101], [102]]);
  assert.equal(p.rowsAffected, 0, "a block affects no rows");
  // As python-oracledb (DPY-2040) and ODPI-C (DPI-1063): DML only, in both modes.
  for (const option of ["batchErrors", "dmlRowCounts"]) {
    await assert.rejects(
      s.conn.executeMany("BEGIN :1 := 1; END;", [[null]], {
        bindDefs: [{ dir: BIND_OUT, type: NUMBER }],
        [option]: true,
      }),
      (e: unknown) =>
        e instanceof OracleError && e.code === ErrorCode.INVALID_OPTION &&
        e.message.includes(option),
    );
  }
});

test(
  "executeMany RETURNING INTO gives an array per row: 0, 1 and 2 rows",
  server,
  async () => {
    await using s = await startConnected();
    await s.conn.execute("CREATE TABLE items (id NUMBER, grp NUMBER, name VARCHAR2(20))");
    await s.conn.executeMany("INSERT INTO items VALUES (:1, :2, :3)", [
      [1, 10, "one"],
      [2, 20, "two"],
      [3, 20, "three"],
    ]);
    const r = await s.conn.executeMany(
      "UPDATE items SET name = UPPER(name) WHERE grp = :g RETURNING id, name INTO :ids, :names",
      [{ g: 5 }, { g: 10 }, { g: 20 }],
      {
        bindDefs: {
          g: { type: NUMBER },
          ids: { dir: BIND_OUT, type: NUMBER },
          names: { dir: BIND_OUT, type: STRING, maxSize: 20 },
        },
        dmlRowCounts: true,
      },
    );
    assert.equal(r.rowsAffected, 3);
    assert.deepEqual(r.dmlRowCounts, [0, 1, 2]);
    assert.equal(r.outBinds?.length, 3);
    assert.deepEqual(r.outBinds![0], { ids: [], names: [] });
    assert.deepEqual(r.outBinds![1], { ids: [1], names: ["ONE"] });
    const two = r.outBinds![2] as { ids: number[]; names: string[] };
    assert.deepEqual(
      two.ids.map((id, i) => [id, two.names[i]]).sort(),
      [[2, "TWO"], [3, "THREE"]],
    );
  },
);

test("executeMany without OUT binds returns no outBinds; bad bindDefs fail", server, async () => {
  await using s = await startConnected();
  await s.conn.execute("CREATE TABLE t (n NUMBER)");
  const r = await s.conn.executeMany("INSERT INTO t VALUES (:1)", [["1"], ["2"]], {
    bindDefs: [{ type: NUMBER }],
  });
  assert.equal(r.rowsAffected, 2);
  assert.equal(r.outBinds, undefined);
  const sum = await s.conn.execute("SELECT SUM(n) AS s FROM t");
  assert.deepEqual(sum.rows, [{ S: 3 }]);
  await rejectsWith(
    s.conn.executeMany("INSERT INTO t VALUES (:1)", [[1]], {
      bindDefs: [{ dir: BIND_OUT } as never],
    }),
    "ODB-3002",
    `Bind definition 1 needs a "type"`,
  );
  await rejectsWith(
    s.conn.executeMany("INSERT INTO t VALUES (:1)", [[]], { bindDefs: [{ type: NUMBER }] }),
    "ODB-3003",
    "Row 1 has 0 values but bind 1 is IN or IN OUT",
  );
  await rejectsWith(
    s.conn.executeMany("BEGIN NULL; END;", [[[1] as never]], {
      bindDefs: [{ type: NUMBER }],
    }),
    "ODB-3000",
    "is an array",
  );
});
