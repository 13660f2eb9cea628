import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import {
  BIND_IN,
  BIND_INOUT,
  BIND_OUT,
  type Connection,
  CURSOR,
  Cursor,
  ErrorCode,
  Lob,
  OracleError,
} from "../mod.ts";
import { SKIP_SERVER, startConnected } from "./_server.ts";

const server = { skip: SKIP_SERVER };

/** A full collection now (V8's `gc`, exposed at run time). */
const gc = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OracleError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** `nums (n, label, born)` with rows 1..count. */
async function nums(conn: Connection, count: number): Promise<void> {
  await conn.execute("CREATE TABLE nums (n NUMBER(9), label VARCHAR2(20), born DATE)");
  await conn.executeMany(
    "INSERT INTO nums VALUES (:1, :2, :3)",
    Array.from(
      { length: count },
      (_, i) => [i + 1, `row ${i + 1}`, new Date(Date.UTC(2020, 0, 1 + i))],
    ),
  );
}

/** One REF CURSOR OUT bind of `begin open :c for <query>; end;`. */
async function openFor<T>(conn: Connection, query: string, binds = {}): Promise<Cursor<T>> {
  const { outBinds } = await conn.execute<unknown>(`BEGIN OPEN :c FOR ${query}; END;`, {
    ...binds,
    c: { dir: BIND_OUT, type: CURSOR },
  });
  const c = (outBinds as { c: unknown }).c;
  assert.ok(c instanceof Cursor, `got ${String(c)}`);
  return c as Cursor<T>;
}

test(
  "a REF CURSOR OUT bind is a Cursor over the rows, fetched in batches",
  server,
  async () => {
    await using s = await startConnected();
    await nums(s.conn, 250);
    await using c = await openFor<{ N: number; LABEL: string; BORN: Date }>(
      s.conn,
      "SELECT n, label, born FROM nums WHERE n > :lo ORDER BY n",
      { lo: 5 },
    );
    assert.deepEqual(c.metaData.map((m) => m.name), ["N", "LABEL", "BORN"]);
    const first = await c.fetchMany(3);
    assert.deepEqual(first.map((r) => r.N), [6, 7, 8]);
    // The rest takes more than one fetch of the default 100 rows.
    const rest = await c.fetchAll();
    assert.equal(rest.length, 242);
    assert.equal(rest.at(-1)!.LABEL, "row 250");
    assert.equal(rest.at(-1)!.BORN.getTime(), Date.UTC(2020, 0, 250));
    assert.deepEqual(await c.fetchMany(5), []);
  },
);

test(
  "procedures and functions return REF CURSORs; for await closes them",
  server,
  async () => {
    await using s = await startConnected();
    await nums(s.conn, 20);
    await s.conn.execute(`CREATE OR REPLACE PROCEDURE nums_from(a NUMBER, c OUT SYS_REFCURSOR) IS
    BEGIN OPEN c FOR SELECT n FROM nums WHERE n >= a ORDER BY n; END;`);
    await s.conn.execute(`CREATE OR REPLACE FUNCTION nums_upto(b NUMBER) RETURN SYS_REFCURSOR IS
    c SYS_REFCURSOR;
    BEGIN OPEN c FOR SELECT n, label FROM nums WHERE n <= b ORDER BY n; RETURN c; END;`);
    const p = await s.conn.execute<unknown>("BEGIN nums_from(:a, :c); END;", {
      a: 18,
      c: { dir: BIND_OUT, type: CURSOR },
    });
    const fromProc = (p.outBinds as { c: Cursor<{ N: number }> }).c;
    const seen: number[] = [];
    for await (const row of fromProc) seen.push(row.N);
    assert.deepEqual(seen, [18, 19, 20]);
    assert.equal(fromProc.closed, true);

    const f = await s.conn.execute<unknown>(
      "BEGIN :c := nums_upto(:b); END;",
      [{ dir: BIND_OUT, type: CURSOR }, 4],
      { outFormat: "array" },
    );
    const fromFunc = (f.outBinds as unknown[])[0] as Cursor<unknown[]>;
    for await (const row of fromFunc) {
      // outFormat of the execute applies to the cursor's rows.
      assert.deepEqual(row, [1, "row 1"]);
      break;
    }
    assert.equal(fromFunc.closed, true);
    await rejectsWith(fromFunc.fetchMany(1), ErrorCode.CURSOR_CLOSED);
  },
);

test(
  "REF CURSORs closed early or dropped unread do not pile up on the server",
  server,
  async () => {
    await using s = await startConnected();
    await nums(s.conn, 10);
    // More than the server's 300 open cursors per session: any that stayed open would end this
    // loop with ORA-01000.
    for (let i = 0; i < 320; i++) {
      const c = await openFor<{ N: number }>(s.conn, "SELECT n FROM nums ORDER BY n");
      assert.deepEqual((await c.fetchMany(1))[0], { N: 1 });
      await c.close();
    }
    for (let i = 0; i < 320; i++) {
      await openFor(s.conn, "SELECT n FROM nums");
      // The finalizer runs on a later turn after a collection; its close rides on a later call.
      if (i % 40 === 39) {
        gc();
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const { rows } = await s.conn.execute("SELECT COUNT(*) AS k FROM nums");
    assert.deepEqual(rows, [{ K: 10 }]);
  },
);

test(
  "a REF CURSOR's LOB column comes as a Lob; one never opened is null",
  server,
  async () => {
    await using s = await startConnected();
    await s.conn.execute("CREATE TABLE docs (id NUMBER, body CLOB)");
    await s.conn.execute("INSERT INTO docs VALUES (1, :b)", { b: "x".repeat(40_000) });
    await using c = await openFor<{ BODY: Lob }>(s.conn, "SELECT body FROM docs");
    const [row] = await c.fetchAll();
    assert.ok(row.BODY instanceof Lob);
    assert.equal((await row.BODY.text()).length, 40_000);
    await row.BODY.close();

    const { outBinds } = await s.conn.execute<unknown>(
      "DECLARE x SYS_REFCURSOR; BEGIN :c := x; END;",
      { c: { dir: BIND_OUT, type: CURSOR } },
    );
    assert.deepEqual(outBinds, { c: null });
  },
);

test("CURSOR binds are OUT binds of execute() only", server, async () => {
  await using s = await startConnected();
  for (const dir of [BIND_IN, BIND_INOUT] as const) {
    await rejectsWith(
      s.conn.execute("BEGIN OPEN :c FOR SELECT 1 FROM dual; END;", { c: { dir, type: CURSOR } }),
      ErrorCode.INVALID_BIND_SPEC,
    );
  }
  await rejectsWith(
    s.conn.executeMany("BEGIN OPEN :c FOR SELECT :n FROM dual; END;", [
      { n: 1, c: { dir: BIND_OUT, type: CURSOR } },
    ]),
    ErrorCode.INVALID_BIND_SPEC,
  );
  const cur = s.conn.cursor("BEGIN OPEN :c FOR SELECT 1 FROM dual; END;", {
    c: { dir: BIND_OUT, type: CURSOR },
  });
  await rejectsWith(cur.fetchAll(), ErrorCode.INVALID_BIND_SPEC);
  // The connection is still fine.
  const ok = await openFor<{ ONE: number }>(s.conn, "SELECT 1 AS one FROM dual");
  assert.deepEqual(await ok.fetchAll(), [{ ONE: 1 }]);
});

test(
  "implicit results (DBMS_SQL.RETURN_RESULT) come back as rows, in call order",
  server,
  async () => {
    await using s = await startConnected();
    await nums(s.conn, 150);
    await s.conn.execute(`CREATE OR REPLACE PROCEDURE two_results(k NUMBER) IS
      c1 SYS_REFCURSOR; c2 SYS_REFCURSOR;
    BEGIN
      OPEN c1 FOR SELECT n, label FROM nums WHERE n <= k ORDER BY n;
      DBMS_SQL.RETURN_RESULT(c1);
      OPEN c2 FOR SELECT COUNT(*) AS total FROM nums;
      DBMS_SQL.RETURN_RESULT(c2);
    END;`);
    const r = await s.conn.execute<{ N?: number; LABEL?: string; TOTAL?: number }>(
      "BEGIN two_results(:k); END;",
      { k: 120 },
    );
    const [first, second] = r.implicitResults!;
    assert.equal(r.implicitResults!.length, 2);
    // More rows than one fetch of 100.
    assert.equal(first.length, 120);
    assert.deepEqual(first[119], { N: 120, LABEL: "row 120" });
    assert.deepEqual(second, [{ TOTAL: 150 }]);

    const arrays = await s.conn.execute<unknown[]>(
      `DECLARE c SYS_REFCURSOR; x NUMBER; BEGIN
       OPEN c FOR SELECT n FROM nums WHERE n <= 3 ORDER BY n;
       FETCH c INTO x; -- the block's own read: two rows remain
       DBMS_SQL.RETURN_RESULT(c);
     END;`,
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(arrays.implicitResults, [[[2], [3]]]);
    // A call that returns none has no implicitResults.
    const none = await s.conn.execute("BEGIN NULL; END;");
    assert.equal(none.implicitResults, undefined);
    // Fetched whole, the results leave no cursor open: more calls than the 300 cursor limit.
    for (let i = 0; i < 310; i++) {
      const again = await s.conn.execute("BEGIN two_results(1); END;");
      assert.equal(again.implicitResults!.length, 2);
    }
  },
);

/** This session's open cursors, from V$MYSTAT (counted when the query runs). */
async function openCursors(conn: Connection): Promise<number> {
  const { rows } = await conn.execute<unknown[]>(
    `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
      where n.name = 'opened cursors current'`,
    [],
    { outFormat: "array" },
  );
  return Number(rows?.[0][0]);
}

/** `dept (id, name)` with 1 ops, 2 dev, 3 hr and `emp (name, dept)`: none in hr. */
async function depts(conn: Connection): Promise<void> {
  await conn.execute("CREATE TABLE dept (id NUMBER, name VARCHAR2(10))");
  await conn.execute("CREATE TABLE emp (name VARCHAR2(10), dept NUMBER)");
  await conn.executeMany("INSERT INTO dept VALUES (:1, :2)", [[1, "ops"], [2, "dev"], [3, "hr"]]);
  await conn.executeMany("INSERT INTO emp VALUES (:1, :2)", [
    ["ann", 2],
    ["bob", 2],
    ["cy", 1],
    ["dee", 2],
  ]);
}

const DEPT_STAFF = `SELECT d.name,
  CURSOR(SELECT e.name FROM emp e WHERE e.dept = d.id ORDER BY e.name) AS staff
  FROM dept d ORDER BY d.id`;

test(
  "a CURSOR(…) column is a Cursor per row over that row's correlated rows",
  server,
  async () => {
    await using s = await startConnected();
    await depts(s.conn);
    const r = await s.conn.execute<{ NAME: string; STAFF: Cursor<{ NAME: string }> }>(
      DEPT_STAFF,
    );
    assert.deepEqual(r.metaData!.map((m) => [m.name, m.dbTypeName]), [
      ["NAME", "VARCHAR2"],
      ["STAFF", "CURSOR"],
    ]);
    const got: [string, string[]][] = [];
    for (const row of r.rows!) {
      assert.ok(row.STAFF instanceof Cursor);
      const names: string[] = [];
      for await (const e of row.STAFF) names.push(e.NAME);
      assert.equal(row.STAFF.closed, true);
      got.push([row.NAME, names]);
    }
    assert.deepEqual(got, [["ops", ["cy"]], ["dev", ["ann", "bob", "dee"]], ["hr", []]]);

    // Through cursor() too, in arrays, with a bind in the subquery and fetchMany in batches.
    await using c = s.conn.cursor<[number, Cursor<[string]>]>(
      `SELECT d.id, CURSOR(SELECT e.name FROM emp e WHERE e.dept = d.id AND e.name <> :skip
       ORDER BY e.name) FROM dept d WHERE d.id = 2`,
      { skip: "bob" },
      { outFormat: "array" },
    );
    const [[id, staff]] = await c.fetchAll();
    assert.equal(id, 2);
    assert.deepEqual(await staff.fetchMany(1), [["ann"]]);
    assert.deepEqual(await staff.fetchMany(5), [["dee"]]);
    assert.deepEqual(await staff.fetchMany(5), []);
  },
);

test("breaking out of a nested cursor's loop closes it", server, async () => {
  await using s = await startConnected();
  await depts(s.conn);
  const r = await s.conn.execute<{ STAFF: Cursor<{ NAME: string }> }>(DEPT_STAFF);
  const dev = r.rows![1].STAFF;
  for await (const e of dev) {
    assert.equal(e.NAME, "ann");
    break;
  }
  assert.equal(dev.closed, true);
  await rejectsWith(dev.fetchMany(1), ErrorCode.CURSOR_CLOSED);
  // The other rows' cursors are still open and correct.
  assert.deepEqual(await r.rows![0].STAFF.fetchAll(), [{ NAME: "cy" }]);
  for (const row of r.rows!) await row.STAFF.close();
});

test(
  "nested cursors closed, read to the end or left unread leave no server cursor",
  server,
  async () => {
    await using s = await startConnected();
    await depts(s.conn);
    const before = await openCursors(s.conn);
    // Read to the end: they close, and then the parent query's cursor closes.
    for (let i = 0; i < 3; i++) {
      const r = await s.conn.execute<{ STAFF: Cursor }>(DEPT_STAFF);
      for (const row of r.rows!) await row.STAFF.fetchAll();
    }
    // Closed unread.
    for (let i = 0; i < 3; i++) {
      const r = await s.conn.execute<{ STAFF: Cursor }>(DEPT_STAFF);
      for (const row of r.rows!) await row.STAFF.close();
    }
    assert.equal(await openCursors(s.conn), before, "no cursor left open");
    // Dropped unread: each query opens four server cursors (the query and three nested ones), so
    // over 300 of them would end this loop with ORA-01000 if any stayed open.
    for (let i = 0; i < 100; i++) {
      await s.conn.execute(DEPT_STAFF);
      if (i % 20 === 19) {
        gc();
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    // Finalizers run some turns after a collection; their closes ride on the next calls.
    let open = -1;
    for (let i = 0; i < 20 && open !== before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      // The first call carries the closes; the second counts what is left (both cached).
      await openCursors(s.conn);
      open = await openCursors(s.conn);
    }
    assert.equal(open, before, "dropped nested cursors were closed");
  },
);
