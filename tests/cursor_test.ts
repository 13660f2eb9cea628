import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Connection, OracleError } from "../mod.ts";
import { dropFirst, SKIP_SERVER, startConnected, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };

/** A test server with table `t (n)` holding 0..rows-1, and a connection to it. */
async function withRows(rows: number) {
  const s = await startConnected();
  const { conn } = s;
  await dropFirst(conn, "t");
  await conn.execute("create table t (n number)");
  if (rows > 0) {
    await conn.executeMany(
      "insert into t values (:1)",
      Array.from({ length: rows }, (_, i) => [i]),
    );
  }
  await conn.commit();
  return s;
}

/** This session's open cursors, from V$MYSTAT. */
async function openCursors(conn: Connection): Promise<number> {
  const { rows } = await conn.execute<unknown[]>(
    `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
      where n.name = 'opened cursors current'`,
    [],
    { outFormat: "array" },
  );
  return Number(rows?.[0][0]);
}

test("for await yields every row in order across batches", server, async () => {
  await using s = await withRows(9);
  await using cursor = s.conn.cursor("SELECT n FROM t ORDER BY n", [], { fetchArraySize: 4 });
  const seen: unknown[] = [];
  for await (const row of cursor) seen.push(row.N);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(cursor.closed, true);
});

test("breaking out of for await closes the server cursor", server, async () => {
  await using s = await withRows(50);
  const before = await openCursors(s.conn);
  for (let i = 0; i < 5; i++) {
    const cursor = s.conn.cursor("SELECT n FROM t ORDER BY n", [], { fetchArraySize: 10 });
    for await (const row of cursor) {
      if (row.N === 3) break;
    }
    assert.equal(cursor.closed, true);
  }
  // Five abandoned cursors with rows left: none stays open on the server.
  assert.ok(await openCursors(s.conn) <= before + 1, "cursors leaked");
});

test("throwing inside for await closes the server cursor too", server, async () => {
  await using s = await withRows(50);
  const before = await openCursors(s.conn);
  for (let i = 0; i < 5; i++) {
    const cursor = s.conn.cursor("SELECT n FROM t ORDER BY n");
    await assert.rejects(
      (async () => {
        for await (const _ of cursor) throw new Error("stop");
      })(),
      { message: "stop" },
    );
    assert.equal(cursor.closed, true);
  }
  assert.ok(await openCursors(s.conn) <= before + 1, "cursors leaked");
});

test("fetchMany returns batches of n, then the rest, then empty arrays", server, async () => {
  await using s = await withRows(5);
  await using cursor = s.conn.cursor("SELECT n FROM t ORDER BY n", [], {
    prefetchRows: 1,
    fetchArraySize: 2,
  });
  assert.deepEqual((await cursor.fetchMany(3)).map((r) => r.N), [0, 1, 2]);
  assert.deepEqual((await cursor.fetchMany(3)).map((r) => r.N), [3, 4]);
  assert.deepEqual(await cursor.fetchMany(3), []);
  assert.deepEqual(await cursor.fetchMany(1), []);
});

test("fetchAll returns the remaining rows and metaData describes the columns", server, async () => {
  await using s = await withRows(4);
  await using cursor = s.conn.cursor<unknown[]>("SELECT n FROM t ORDER BY n", [], {
    outFormat: "array",
  });
  // metaData is known once the first batch arrived.
  assert.equal(cursor.metaData.length, 0);
  assert.deepEqual(await cursor.fetchMany(1), [[0]]);
  assert.deepEqual(cursor.metaData.map((m) => m.name), ["N"]);
  assert.deepEqual(await cursor.fetchAll(), [[1], [2], [3]]);
  assert.deepEqual(await cursor.fetchAll(), []);
});

test(
  "await using closes an unfinished cursor; use after close is ODB-5001",
  server,
  async () => {
    await using s = await withRows(30);
    const before = await openCursors(s.conn);
    let kept;
    {
      await using cursor = s.conn.cursor("SELECT n FROM t ORDER BY n", [], { fetchArraySize: 5 });
      kept = cursor;
      await cursor.fetchMany(1);
    }
    assert.equal(kept.closed, true);
    assert.ok(await openCursors(s.conn) <= before + 1, "cursor left open");
    await assert.rejects(kept.fetchMany(1), (e: unknown) => {
      assert.ok(e instanceof OracleError);
      assert.equal(e.message, "ODB-5001: Cursor is closed");
      assert.match(e.stack!, /cursor_test\.[tj]s/);
      return true;
    });
  },
);

test(
  "cursor of a statement that is not a query is rejected at the first fetch",
  server,
  async () => {
    await using s = await withRows(1);
    await assert.rejects(s.conn.cursor("UPDATE t SET n = 1").fetchMany(1), {
      code: "ODB-5005",
      message: "ODB-5005: Statement of cursor() is not a query",
    });
  },
);

test("fetchMany rejects a count below 1 naming the argument", server, async () => {
  await using s = await withRows(3);
  await using cursor = s.conn.cursor("SELECT n FROM t");
  await assert.rejects(cursor.fetchMany(0), {
    code: "ODB-5005",
    message: 'ODB-5005: Argument "n" of fetchMany() must be an integer of 1 or more',
  });
});

test("a server cursor streams 250 rows with for await in small batches", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "seq");
  await conn.execute("CREATE TABLE seq (n NUMBER)");
  await conn.executeMany("INSERT INTO seq VALUES (:1)", Array.from({ length: 250 }, (_, i) => [i]));
  await using cursor = conn.cursor("SELECT n FROM seq ORDER BY n", [], {
    fetchArraySize: 16,
  });
  let sum = 0;
  let count = 0;
  for await (const row of cursor) {
    sum += row.N as number;
    count++;
  }
  assert.equal(count, 250);
  assert.equal(sum, (249 * 250) / 2);
});

test("fetchMany and fetchAll page through a server cursor", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  await dropFirst(conn, "seq");
  await conn.execute("CREATE TABLE seq (n NUMBER)");
  await conn.executeMany("INSERT INTO seq VALUES (:1)", Array.from({ length: 10 }, (_, i) => [i]));
  await using cursor = conn.cursor("SELECT n FROM seq ORDER BY n");
  assert.deepEqual((await cursor.fetchMany(4)).map((r) => r.N), [0, 1, 2, 3]);
  assert.deepEqual(cursor.metaData.map((m) => m.name), ["N"]);
  assert.deepEqual((await cursor.fetchAll()).map((r) => r.N), [4, 5, 6, 7, 8, 9]);
  assert.deepEqual(await cursor.fetchMany(4), []);
});

test(
  "leaving a server cursor early lets many more cursors open on the same connection",
  server,
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
    });
    await dropFirst(conn, "seq");
    await conn.execute("CREATE TABLE seq (n NUMBER)");
    await conn.executeMany(
      "INSERT INTO seq VALUES (:1)",
      Array.from({ length: 100 }, (_, i) => [i]),
    );
    // More loops than a default OPEN_CURSORS (300): a leak would fail with ORA-01000.
    for (let i = 0; i < 400; i++) {
      const cursor = conn.cursor("SELECT n FROM seq ORDER BY n", [], { fetchArraySize: 10 });
      for await (const row of cursor) {
        if (row.N === 1) break;
      }
      assert.equal(cursor.closed, true);
    }
    assert.deepEqual((await conn.execute("SELECT COUNT(*) AS c FROM seq")).rows, [{ C: 100 }]);
  },
);

test(
  "values repeated from the previous row (sent as BIT_VECTOR duplicates) decode right, across batches",
  server,
  async () => {
    await using s = await withRows(0);
    const { conn } = s;
    await dropFirst(conn, "d");
    await conn.execute("create table d (id number, grp varchar2(10), n number, note varchar2(10))");
    // Runs of equal values, NULLs among them, runs that cross batch boundaries, and
    // responses big enough to span several packets (a row cut by a packet boundary).
    const rows = Array.from({ length: 3000 }, (_, i) => [
      i,
      `g${Math.floor(i / 7)}`,
      Math.floor(i / 3),
      i % 5 === 0 ? null : "same",
    ]);
    await conn.executeMany("insert into d values (:1, :2, :3, :4)", rows);
    await conn.commit();
    const want = rows.map(([id, grp, n, note]) => ({ ID: id, GRP: grp, N: n, NOTE: note }));
    const sql = "select id, grp, n, note from d order by id";
    assert.deepEqual((await conn.execute(sql)).rows, want);
    for (const size of [1, 3, 8, 1000]) {
      const got = [];
      await using cursor = conn.cursor(sql, [], { prefetchRows: size, fetchArraySize: size });
      for await (const row of cursor) got.push(row);
      assert.deepEqual(got, want, `batches of ${size}`);
    }
  },
);
