import { test } from "node:test";
import assert from "node:assert/strict";
import { type Connection, createPool, OracleError } from "../mod.ts";
import { dropFirst, SKIP_SERVER, startConnected, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };

/** This session's open cursors, from V$MYSTAT (a cached statement: it holds one itself). */
async function openCursors(conn: Connection): Promise<number> {
  const { rows } = await conn.execute<unknown[]>(
    `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
      where n.name = 'opened cursors current'`,
    [],
    { outFormat: "array" },
  );
  return Number(rows?.[0][0]);
}

async function baseline(conn: Connection): Promise<number> {
  await openCursors(conn);
  return await openCursors(conn);
}

function code(e: unknown): string {
  return e instanceof OracleError ? e.code : String(e);
}

test("350 failing INSERTs leave no server cursor open and the session usable", server, async () => {
  await using s = await startConnected();
  const { conn } = s;
  await dropFirst(conn, "u");
  await conn.execute("create table u (id number primary key)");
  await conn.execute("insert into u values (1)");
  await conn.commit();
  const before = await baseline(conn);
  const codes = new Set<string>();
  for (let i = 0; i < 350; i++) {
    await conn.execute("insert into u values (1)").then(
      () => codes.add("ok"),
      (e) => codes.add(code(e)),
    );
  }
  assert.deepEqual([...codes], ["ORA-00001"]);
  assert.deepEqual((await conn.execute("select 1 as n from dual")).rows, [{ N: 1 }]);
  assert.equal(await openCursors(conn), before);
});

test("failing PL/SQL calls on a pool of 2 leave every later acquire usable", server, async () => {
  await using db = await startTestServer();
  await using pool = await createPool({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
    poolMin: 0,
    poolMax: 2,
  });
  const failures = new Set<string>();
  await Promise.all([0, 1].map(async () => {
    for (let i = 0; i < 350; i++) {
      await using conn = await pool.acquire();
      await conn.execute("begin raise_application_error(-20001, 'no'); end;").catch((e) =>
        failures.add(code(e))
      );
    }
  }));
  assert.deepEqual([...failures], ["ORA-20001"]);
  for (let i = 0; i < 20; i++) {
    await using conn = await pool.acquire();
    assert.deepEqual((await conn.execute("select 1 as n from dual")).rows, [{ N: 1 }]);
    // The statistic query and the select above are the only cached cursors.
    assert.ok(await openCursors(conn) <= 3, "cursors piled up on a pooled session");
  }
});

test(
  "breaks, call timeouts and aborted queries leave the open cursor count at its baseline",
  server,
  async () => {
    await using s = await startConnected();
    const { conn } = s;
    const before = await baseline(conn);
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      // break() while a PL/SQL sleep runs.
      const call = conn.execute("begin dbms_session.sleep(5); end;");
      await new Promise((r) => setTimeout(r, 20));
      await conn.break();
      outcomes.push(await call.then(() => "ok", code));
    }
    conn.callTimeout = 50;
    for (let i = 0; i < 20; i++) {
      outcomes.push(
        await conn.execute("begin dbms_session.sleep(5); end;").then(() => "ok", code),
      );
    }
    conn.callTimeout = 0;
    for (let i = 0; i < 20; i++) {
      const ac = new AbortController();
      const call = conn.execute("begin dbms_session.sleep(5); end;", [], { signal: ac.signal });
      setTimeout(() => ac.abort(), 20);
      outcomes.push(await call.then(() => "ok", code));
    }
    assert.deepEqual(
      outcomes,
      [
        ...Array(20).fill("ORA-01013"),
        ...Array(20).fill("ODB-5011"),
        ...Array(20).fill("ODB-5004"),
      ],
    );
    assert.equal(await openCursors(conn), before);
  },
);

test(
  "a query whose fetchTypeHandler or converter throws leaves no cursor open",
  server,
  async () => {
    await using s = await startConnected();
    const { conn } = s;
    await dropFirst(conn, "t");
    await conn.execute("create table t (n number)");
    await conn.executeMany("insert into t values (:1)", [[1], [2], [3], [4], [5]]);
    // Run once first: the statement cache then holds its cursor, before and after.
    await conn.execute("select n from t", [], { prefetchRows: 1, fetchArraySize: 1 });
    const before = await baseline(conn);
    for (let i = 0; i < 30; i++) {
      await assert.rejects(
        conn.execute("select n from t", [], {
          prefetchRows: 1,
          fetchArraySize: 1,
          fetchTypeHandler: () => {
            throw new Error("no");
          },
        }),
      );
      await assert.rejects(
        conn.execute("select n from t", [], {
          prefetchRows: 1,
          fetchArraySize: 1,
          fetchTypeHandler: () => ({
            converter: (v) => {
              if (v === 3) throw new Error("three");
              return v;
            },
          }),
        }),
      );
    }
    assert.equal(await openCursors(conn), before);
  },
);

test(
  "a cursor's signal aborting during for await ends the loop and closes the cursor",
  async () => {
    await using s = await startConnected();
    const { conn } = s;
    await dropFirst(conn, "t");
    await conn.execute("create table t (n number)");
    await conn.executeMany(
      "insert into t values (:1)",
      Array.from({ length: 5000 }, (_, i) => [i]),
    );
    // Run once first: the statement cache then holds its cursor, before and after.
    await conn.execute("select n from t order by n");
    const before = await baseline(conn);
    const ac = new AbortController();
    let seen = 0;
    const cursor = conn.cursor("select n from t order by n", [], { signal: ac.signal });
    await assert.rejects(
      (async () => {
        for await (const _ of cursor) {
          if (++seen === 100) ac.abort();
        }
      })(),
      (e: unknown) => code(e) === "ODB-5004",
    );
    assert.equal(seen, 100);
    assert.equal(cursor.closed, true);
    await assert.rejects(cursor.fetchMany(1), (e: unknown) => code(e) === "ODB-5001");
    assert.equal(await openCursors(conn), before);
  },
);

test("fetchMany on a cursor whose signal aborted fails with ODB-5004", server, async () => {
  await using s = await startConnected();
  const { conn } = s;
  await dropFirst(conn, "t");
  await conn.execute("create table t (n number)");
  await conn.executeMany("insert into t values (:1)", Array.from({ length: 50 }, (_, i) => [i]));
  const ac = new AbortController();
  const cursor = conn.cursor("select n from t order by n", [], { signal: ac.signal });
  assert.equal((await cursor.fetchMany(10)).length, 10);
  ac.abort();
  await assert.rejects(cursor.fetchMany(10), (e: unknown) => code(e) === "ODB-5004");
  assert.equal(cursor.closed, true);
});
