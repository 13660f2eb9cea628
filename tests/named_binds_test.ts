import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BIND_IN,
  BIND_INOUT,
  BIND_OUT,
  type BindSpec,
  type BindValue,
  DB_TYPE_NUMBER,
  DB_TYPE_VARCHAR,
  OracleError,
} from "../mod.ts";
import { dropFirst, ociGap, SKIP_SERVER, startConnected } from "./_server.ts";
import { rng } from "./_rng.ts";

const server = { skip: SKIP_SERVER };
const OUT_NUM: BindSpec = { dir: BIND_OUT, type: DB_TYPE_NUMBER };

test(
  "named OUT binds given in another order than the SQL get their own values",
  server,
  async () => {
    await using s = await startConnected();
    const r = await s.conn.execute("begin :a := 1; :b := 2; end;", { b: OUT_NUM, a: OUT_NUM });
    assert.deepEqual(r.outBinds, { b: 2, a: 1 });
  },
);

test(
  "an OUT bind named before the IN bind it is computed from gets its value",
  server,
  async () => {
    await using s = await startConnected();
    const r = await s.conn.execute("begin :o := :i; end;", { i: 5, o: OUT_NUM });
    assert.deepEqual(r.outBinds, { o: 5 });
  },
);

test("IN OUT binds given in another order are not swapped", server, async () => {
  await using s = await startConnected();
  const r = await s.conn.execute("begin :x := :x * 10; :y := :y + 1; end;", {
    y: { dir: BIND_INOUT, type: DB_TYPE_NUMBER, val: 1 },
    x: { dir: BIND_INOUT, type: DB_TYPE_NUMBER, val: 5 },
  });
  assert.deepEqual(r.outBinds, { y: 2, x: 50 });
});

test("a name used twice in PL/SQL is one bind, matched by name", server, async () => {
  await using s = await startConnected();
  const r = await s.conn.execute("begin :r := :v + :v; :q := :v * 3; end;", {
    q: OUT_NUM,
    v: 7,
    r: OUT_NUM,
  });
  assert.deepEqual(r.outBinds, { q: 21, r: 14 });
});

test(
  "RETURNING INTO binds given in another order than the SQL get their own values",
  async () => {
    await using s = await startConnected();
    await dropFirst(s.conn, "t");
    await s.conn.execute("create table t (id number, name varchar2(20))");
    const r = await s.conn.execute(
      "insert into t (id, name) values (:id, :name) returning id, name into :rid, :rname",
      {
        rname: { dir: BIND_OUT, type: DB_TYPE_VARCHAR },
        rid: OUT_NUM,
        name: "seven",
        id: 7,
      },
    );
    assert.deepEqual(r.outBinds, { rname: ["seven"], rid: [7] });
  },
);

test(
  "a RETURNING value longer than its bind's maxSize is ODB-3008 naming the bind, never cut silently",
  ociGap("returning"),
  async () => {
    await using s = await startConnected();
    await dropFirst(s.conn, "t");
    await s.conn.execute("create table t (id number, name varchar2(40))");
    const e = await s.conn.execute(
      "insert into t (id, name) values (:id, :name) returning name into :rname",
      {
        rname: { dir: BIND_OUT, type: DB_TYPE_VARCHAR, maxSize: 4 },
        name: "longer than four",
        id: 1,
      },
    ).then(() => undefined, (e: unknown) => e);
    assert.ok(e instanceof OracleError, `expected an OracleError, got ${e}`);
    assert.equal(e.code, "ODB-3008");
    assert.match(e.message, /:RNAME/);
    assert.match(e.message, /16 bytes/);
    // A value that fits comes back whole.
    const r = await s.conn.execute(
      "insert into t (id, name) values (:id, :name) returning name into :rname",
      { rname: { dir: BIND_OUT, type: DB_TYPE_VARCHAR, maxSize: 4 }, name: "four", id: 2 },
    );
    assert.deepEqual(r.outBinds, { rname: ["four"] });
  },
);

test(
  "a named bind the statement does not use is an error naming it (ODB-3007)",
  server,
  async () => {
    await using s = await startConnected();
    await assert.rejects(
      s.conn.execute("select :v as v from dual", { v: 1, extra: 2 }),
      (e: unknown) => {
        assert.ok(e instanceof OracleError);
        assert.equal(e.code, "ODB-3007");
        assert.match(e.message, /"extra"/);
        return true;
      },
    );
    // The session is fine afterwards.
    const r = await s.conn.execute("select :v as v from dual", { v: 1 });
    assert.deepEqual(r.rows, [{ V: 1 }]);
  },
);

function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Planned {
  name: string;
  dir: number;
  /** IN and IN OUT: the value sent. */
  value: number;
}

/**
 * Random named IN, OUT and IN OUT binds in a generated PL/SQL block, passed in a random key
 * order: every OUT gets `in value * 3 + k` computed from an IN bind (read twice in the SQL), and
 * every IN OUT gets its own value + k.
 */
test(
  "property: random named IN/OUT/IN OUT binds in random order all get the right values",
  server,
  async () => {
    await using s = await startConnected();
    for (let seed = 1; seed <= 60; seed++) {
      const rand = rng(seed);
      const n = 2 + Math.floor(rand() * 7);
      const planned: Planned[] = Array.from({ length: n }, (_, i) => ({
        name: `b${i}_${Math.floor(rand() * 1000)}`,
        dir: [BIND_IN, BIND_OUT, BIND_INOUT][Math.floor(rand() * 3)],
        value: Math.floor(rand() * 1000) - 500,
      }));
      if (!planned.some((p) => p.dir === BIND_IN)) planned[0].dir = BIND_IN;
      const ins = planned.filter((p) => p.dir === BIND_IN);
      const expected: Record<string, number> = {};
      const stmts = shuffle(planned, rand).map((p, k) => {
        if (p.dir === BIND_OUT) {
          const src = ins[k % ins.length];
          expected[p.name] = src.value + src.value * 2 + k;
          return `:${p.name} := :${src.name} + :${src.name} * 2 + ${k};`;
        }
        if (p.dir === BIND_INOUT) {
          expected[p.name] = p.value + k;
          return `:${p.name} := :${p.name} + ${k};`;
        }
        // Every IN bind is read at least once (a bind the SQL does not use is an error).
        return `if :${p.name} is null then null; end if;`;
      });
      const sql = `begin ${stmts.join(" ")} end;`;
      const binds: Record<string, BindValue | BindSpec> = {};
      for (const p of shuffle(planned, rand)) {
        binds[p.name] = p.dir === BIND_IN
          ? p.value
          : p.dir === BIND_OUT
          ? OUT_NUM
          : { dir: BIND_INOUT, type: DB_TYPE_NUMBER, val: p.value };
      }
      const r = await s.conn.execute(sql, binds);
      assert.deepEqual(r.outBinds, expected, `seed ${seed}: ${sql} with ${Object.keys(binds)}`);
    }
  },
);

test(
  "property: RETURNING INTO with IN and RETURNING binds in random order returns every value",
  async () => {
    await using s = await startConnected();
    await dropFirst(s.conn, "r");
    await s.conn.execute("create table r (a number, b number, c varchar2(20), d number)");
    const cols = ["a", "b", "c", "d"];
    for (let seed = 1; seed <= 40; seed++) {
      const rand = rng(1000 + seed);
      const values: Record<string, number | string> = {
        a: seed,
        b: Math.floor(rand() * 1e6),
        c: `s${Math.floor(rand() * 1e6)}`,
        d: -seed,
      };
      const back = shuffle(cols, rand).slice(0, 1 + Math.floor(rand() * 4));
      const sql = `insert into r (a, b, c, d) values (:a, :b, :c, :d) returning ${
        back.join(", ")
      } into ${back.map((c) => `:r${c}`).join(", ")}`;
      const binds: Record<string, BindValue | BindSpec> = {};
      for (const name of shuffle([...cols, ...back.map((c) => `r${c}`)], rand)) {
        if (name.startsWith("r")) {
          const col = name.slice(1);
          binds[name] = { dir: BIND_OUT, type: col === "c" ? DB_TYPE_VARCHAR : DB_TYPE_NUMBER };
        } else {
          binds[name] = values[name];
        }
      }
      const r = await s.conn.execute(sql, binds);
      const expected = Object.fromEntries(back.map((c) => [`r${c}`, [values[c]]]));
      const got = r.outBinds as Record<string, unknown>;
      assert.deepEqual(
        Object.fromEntries(Object.keys(expected).map((k) => [k, got[k]])),
        expected,
        `seed ${seed}: ${sql}`,
      );
      assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
    }
  },
);
