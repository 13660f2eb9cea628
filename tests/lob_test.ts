import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import {
  BIND_INOUT,
  BIND_OUT,
  BLOB,
  CLOB,
  connect,
  type Connection,
  ErrorCode,
  Lob,
  NCLOB,
  OracleError,
} from "../mod.ts";
import { SKIP_SERVER, startConnected } from "./_server.ts";

const server = { skip: SKIP_SERVER };
const MIB = 1024 * 1024;

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OracleError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** `docs (id, body CLOB, data BLOB)` with one row. */
async function withDocs(conn: Connection): Promise<void> {
  await conn.execute("CREATE TABLE docs (id NUMBER, body CLOB, data BLOB)");
  await conn.execute("INSERT INTO docs VALUES (1, :b, :d)", {
    b: { type: CLOB, val: "héllo 😀 " + "x".repeat(50_000) },
    d: { type: BLOB, val: new Uint8Array(70_000).map((_, i) => i % 251) },
  });
}

test(
  "LOB columns come whole by default, as Lob objects with fetchInfo or fetchLobs",
  server,
  async () => {
    await using s = await startConnected();
    await withDocs(s.conn);
    const plain = await s.conn.execute<{ BODY: unknown; DATA: unknown }>(
      "SELECT body, data FROM docs",
    );
    assert.equal(typeof plain.rows![0].BODY, "string");
    assert.ok(plain.rows![0].DATA instanceof Uint8Array);

    const { rows, metaData } = await s.conn.execute<{ BODY: Lob; DATA: Uint8Array }>(
      "SELECT body, data FROM docs",
      [],
      { fetchInfo: { BODY: { type: "lob" } } },
    );
    assert.equal(metaData![0].fetchType, "lob");
    await using body = rows![0].BODY;
    assert.ok(body instanceof Lob);
    assert.ok(rows![0].DATA instanceof Uint8Array);
    assert.equal(body.type, CLOB);
    assert.equal(body.chunkSize, 8132);
    // CLOB offsets count UTF-16 code units, as JS strings do.
    assert.equal(await body.size(), 9 + 50_000);
    assert.equal(await body.read(1, 5), "héllo");
    assert.equal(await body.read(7, 2), "😀");
    assert.equal(await body.read(50_008, 100), "xx");
    assert.equal((await body.text()).length, 50_009);

    const all = await s.conn.execute<{ BODY: Lob; DATA: Lob }>("SELECT body, data FROM docs", [], {
      fetchLobs: true,
    });
    await using data = all.rows![0].DATA;
    await using body2 = all.rows![0].BODY;
    assert.equal(data.type, BLOB);
    assert.deepEqual(
      await data.read(69_998, 10),
      new Uint8Array([69_997 % 251, 69_998 % 251, 69_999 % 251]),
    );
    assert.equal((await body2.getData() as string).slice(0, 5), "héllo");
    // The same SQL without the option comes whole again (the locator columns are not reused).
    const again = await s.conn.execute<{ BODY: unknown }>("SELECT body, data FROM docs");
    assert.equal(typeof again.rows![0].BODY, "string");
    // Asking for a LOB of a column that is not one is an option error.
    await rejectsWith(
      s.conn.execute("SELECT id FROM docs", [], { fetchInfo: { ID: { type: "lob" } } }),
      ErrorCode.INVALID_OPTION,
    );
  },
);

test("write and trim a temporary CLOB and BLOB", server, async () => {
  await using s = await startConnected();
  await using clob = await s.conn.createLob(CLOB);
  assert.equal(clob.type, CLOB);
  assert.equal(await clob.size(), 0);
  await clob.write(1, "abc😀def");
  assert.equal(await clob.size(), 8);
  await clob.write(4, "XY");
  // The write replaced both halves of the surrogate pair.
  assert.equal(await clob.getData(), "abcXYdef");
  await clob.trim(3);
  assert.equal(await clob.text(), "abc");
  await clob.write(6, "!");
  assert.equal(await clob.text(), "abc  !");
  await rejectsWith(clob.write(1, new Uint8Array([1])), ErrorCode.INVALID_ARGUMENT);
  await rejectsWith(clob.read(0, 1), ErrorCode.INVALID_ARGUMENT);
  await rejectsWith(clob.trim(99), "ORA-22926");

  await using blob = await s.conn.createLob(BLOB);
  await blob.write(1, new Uint8Array([1, 2, 3, 4]));
  await blob.write(7, new Uint8Array([9]));
  assert.deepEqual(await blob.bytes(), new Uint8Array([1, 2, 3, 4, 0, 0, 9]));
  await blob.trim();
  assert.equal(await blob.size(), 0);
  await rejectsWith(blob.write(1, "text"), ErrorCode.INVALID_ARGUMENT);
});

test("write a temporary NCLOB", server, async () => {
  await using s = await startConnected();
  await using nclob = await s.conn.createLob(NCLOB);
  assert.equal(nclob.type, NCLOB);
  await nclob.write(1, "ñ");
  assert.equal(await nclob.text(), "ñ");
});

test("a temporary LOB bound into INSERT and UPDATE is read back", server, async () => {
  await using s = await startConnected();
  await s.conn.execute("CREATE TABLE docs (id NUMBER, body CLOB, data BLOB)");
  await using body = await s.conn.createLob(CLOB);
  await body.write(1, "ünïcode ".repeat(10_000));
  await using data = await s.conn.createLob(BLOB);
  await data.write(1, new Uint8Array([7, 8, 9]));
  const r = await s.conn.execute("INSERT INTO docs VALUES (1, :b, :d)", { b: body, d: data });
  assert.equal(r.rowsAffected, 1);
  await body.trim(7);
  await s.conn.execute("UPDATE docs SET data = :1 WHERE id = 1", [data]);
  await s.conn.execute("INSERT INTO docs (id, body) VALUES (2, :b)", [body]);
  const { rows } = await s.conn.execute<[number, string, Uint8Array]>(
    "SELECT id, body, data FROM docs ORDER BY id",
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(rows, [
    [1, "ünïcode ".repeat(10_000), new Uint8Array([7, 8, 9])],
    [2, "ünïcode", null],
  ]);
});

test("a PL/SQL CLOB OUT bind returns a Lob", server, async () => {
  await using s = await startConnected();
  const r = await s.conn.execute<unknown>(
    "BEGIN :c := RPAD('ab', 40000, 'cd'); :b := HEXTORAW('0102'); END;",
    { c: { dir: BIND_OUT, type: CLOB }, b: { dir: BIND_OUT, type: BLOB } },
  );
  const out = r.outBinds as { c: Lob; b: Lob };
  await using c = out.c;
  await using b = out.b;
  assert.ok(c instanceof Lob && b instanceof Lob);
  assert.equal(await c.size(), 40_000);
  assert.equal(await c.read(1, 6), "abcdcd");
  assert.deepEqual(await b.bytes(), new Uint8Array([1, 2]));
});

test(
  "RETURNING … INTO a CLOB or BLOB bind gives a Lob per returned row",
  async () => {
    // As node-oracledb does (and Knex relies on): locators, not the values (before, the bind
    // was fetched as LONG and gave the data).
    await using s = await startConnected();
    await withDocs(s.conn);
    await s.conn.execute("INSERT INTO docs VALUES (2, 'second', HEXTORAW('0A0B'))");
    const r = await s.conn.execute<unknown>(
      "UPDATE docs SET id = id + 10 RETURNING body, data INTO :b, :d",
      { b: { dir: BIND_OUT, type: CLOB }, d: { dir: BIND_OUT, type: BLOB } },
    );
    const { b, d } = r.outBinds as { b: Lob[]; d: Lob[] };
    assert.equal(b.length, 2);
    assert.equal(d.length, 2);
    assert.ok(b.every((l) => l instanceof Lob && l.type === CLOB));
    assert.ok(d.every((l) => l instanceof Lob && l.type === BLOB));
    const texts = (await Promise.all(b.map((l) => l.text()))).map((x) => x.slice(0, 6)).sort();
    assert.deepEqual(texts, ["héllo ", "second"]);
    const sizes = (await Promise.all(d.map((l) => l.size()))).sort((x, y) => x - y);
    assert.deepEqual(sizes, [2, 70_000]);
    for (const l of [...b, ...d]) await l.close();
  },
);

test(
  "INSERT … EMPTY_BLOB() RETURNING INTO a Lob: writes through it fill the row (Knex's idiom)",
  async () => {
    // The server used to answer a temporary copy: the writes were lost and the row kept
    // the empty LOB.
    await using s = await startConnected();
    await s.conn.execute("CREATE TABLE files (id NUMBER, data BLOB, body CLOB)");
    const r = await s.conn.execute<unknown>(
      "INSERT INTO files (id, data, body) VALUES (1, EMPTY_BLOB(), EMPTY_CLOB()) " +
        "RETURNING data, body INTO :d, :b",
      { d: { dir: BIND_OUT, type: BLOB }, b: { dir: BIND_OUT, type: CLOB } },
    );
    const out = r.outBinds as { d: Lob[]; b: Lob[] };
    await using d = out.d[0];
    await using b = out.b[0];
    // An empty LOB is a LOB of size 0, not NULL.
    assert.ok(d instanceof Lob && b instanceof Lob);
    assert.equal(await d.size(), 0);
    assert.equal(await b.text(), "");
    const data = new Uint8Array(100 * 1024).map((_, i) => (i * 7) % 256);
    await d.write(1, data);
    await b.write(1, "written ünïcode");
    await s.conn.commit();

    await using other = await connect({
      user: s.db.user,
      password: s.db.password,
      connectString: s.db.connectString,
    });
    const { rows } = await other.execute<[Uint8Array, string]>(
      "SELECT data, body FROM files WHERE id = 1",
      [],
      { outFormat: "array" },
    );
    assert.deepEqual(rows, [[data, "written ünïcode"]]);
  },
);

test(
  "UPDATE … RETURNING INTO a CLOB Lob writes the row in the transaction: rollback undoes it",
  async () => {
    await using s = await startConnected();
    await s.conn.execute("CREATE TABLE notes (id NUMBER, body CLOB)");
    await s.conn.execute("INSERT INTO notes VALUES (1, 'old text')");
    await s.conn.execute("INSERT INTO notes VALUES (2, 'other')");
    await s.conn.commit();
    const r = await s.conn.execute<unknown>(
      "UPDATE notes SET id = id WHERE id = 1 RETURNING body, body || '!' INTO :b, :e",
      { b: { dir: BIND_OUT, type: CLOB }, e: { dir: BIND_OUT, type: CLOB } },
    );
    const out = r.outBinds as { b: Lob[]; e: Lob[] };
    await using b = out.b[0];
    await using e = out.e[0];
    assert.equal(await b.text(), "old text");
    await b.write(1, "NEW");
    await b.trim(6);
    // An expression is a value: a temporary LOB, its writes stay in it.
    await e.write(1, "zzz");
    const body = async () =>
      (await s.conn.execute<[string]>("SELECT body FROM notes WHERE id = 1", [], {
        outFormat: "array",
      })).rows![0][0];
    assert.equal(await body(), "NEW te");
    await s.conn.rollback();
    assert.equal(await body(), "old text");
    assert.equal(await b.text(), "old text");

    // DELETE returns the row as it was, in a copy: the row is gone.
    const del = await s.conn.execute<unknown>(
      "DELETE FROM notes WHERE id = 2 RETURNING body INTO :b",
      { b: { dir: BIND_OUT, type: CLOB } },
    );
    await using gone = (del.outBinds as { b: Lob[] }).b[0];
    assert.equal(await gone.text(), "other");
  },
);

test("an empty LOB is empty, not NULL: in SQL and fetched as a Lob", server, async () => {
  await using s = await startConnected();
  await s.conn.execute("CREATE TABLE e (id NUMBER, c CLOB, b BLOB)");
  await s.conn.execute("INSERT INTO e VALUES (1, EMPTY_CLOB(), EMPTY_BLOB())");
  await s.conn.execute("INSERT INTO e VALUES (2, NULL, NULL)");
  const sql = await s.conn.execute<[number, number]>(
    "SELECT id, DBMS_LOB.GETLENGTH(c) FROM e WHERE c IS NOT NULL AND b IS NOT NULL",
    [],
    { outFormat: "array" },
  );
  assert.deepEqual(sql.rows, [[1, 0]]);
  const lobs = await s.conn.execute<[Lob, Lob]>("SELECT c, b FROM e ORDER BY id", [], {
    outFormat: "array",
    fetchLobs: true,
  });
  const [c, b] = lobs.rows![0];
  assert.ok(c instanceof Lob && b instanceof Lob);
  assert.equal(await c.size(), 0);
  assert.equal(await c.text(), "");
  assert.deepEqual(await b.bytes(), new Uint8Array(0));
  await c.close();
  await b.close();
  assert.deepEqual(lobs.rows![1], [null, null]);
});

test(
  "two Lobs over one LOB value are independent: closing one leaves the other",
  server,
  async () => {
    // A reviewer suspected that two Lob objects sharing a locator would be freed together (by
    // close() or by the GC finaliser). Oracle gives an IN OUT temporary LOB back as a copy, and
    // each fetch of a persistent LOB its own locator; neither close may reach the other.
    await using s = await startConnected();
    const temp = await s.conn.createLob(CLOB);
    await temp.write(1, "hello inout");
    const r = await s.conn.execute<unknown>("BEGIN :x := :x; END;", {
      x: { dir: BIND_INOUT, type: CLOB, val: temp },
    });
    await using back = (r.outBinds as { x: Lob }).x;
    assert.ok(back instanceof Lob && back !== temp);
    await temp.close();
    assert.equal(await back.read(1, 11), "hello inout");

    await withDocs(s.conn);
    const two = await s.conn.execute<{ BODY: Lob; BODY_1: Lob }>(
      "SELECT body, body FROM docs",
      [],
      { fetchLobs: true },
    );
    const { BODY: a, BODY_1: b } = two.rows![0];
    await a.close();
    assert.equal(await b.read(1, 5), "héllo");
    await b.close();
    const again = await s.conn.execute<{ BODY: Lob }>("SELECT body FROM docs", [], {
      fetchLobs: true,
    });
    await using c = again.rows![0].BODY;
    assert.equal(await c.size(), 50_009); // the emoji is two UTF-16 units
  },
);

test("await using closes a Lob: a read after it fails with ODB-5012", server, async () => {
  await using s = await startConnected();
  let kept: Lob | undefined;
  {
    await using lob = await s.conn.createLob(CLOB);
    await lob.write(1, "gone soon");
    kept = lob;
  }
  await rejectsWith(kept.read(1, 4), ErrorCode.LOB_CLOSED);
  await rejectsWith(kept.size(), ErrorCode.LOB_CLOSED);
  await kept.close(); // twice is harmless
  // Binding a closed Lob is refused before any call.
  await rejectsWith(s.conn.execute("SELECT :1 FROM dual", [kept]), ErrorCode.LOB_CLOSED);
  assert.equal((await s.conn.execute("SELECT 1 AS one FROM dual")).rows?.length, 1);
});

test("a Lob used after its connection closed fails with ODB-5013", server, async () => {
  await using s = await startConnected();
  const conn = await connect({
    user: s.db.user,
    password: s.db.password,
    connectString: s.db.connectString,
  });
  const lob = await conn.createLob(BLOB);
  await lob.write(1, new Uint8Array([1]));
  const r = await conn.execute<{ V: Lob }>("SELECT TO_CLOB('abc') AS v FROM dual", [], {
    fetchLobs: true,
  });
  const fetched = r.rows![0].V;
  assert.equal(await fetched.text(), "abc");
  await conn.close();
  await rejectsWith(lob.read(1, 1), ErrorCode.LOB_CONNECTION_CLOSED);
  await rejectsWith(fetched.size(), ErrorCode.LOB_CONNECTION_CLOSED);
  await lob.close(); // nothing left to free: no error
  await rejectsWith(conn.createLob(CLOB), ErrorCode.CONNECTION_CLOSED);
});

/** `n` bytes in pieces of `piece`, a pattern that shows a piece lost or doubled. */
function source(n: number, piece: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= n) {
        controller.close();
        return;
      }
      const len = Math.min(piece, n - sent);
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) b[i] = ((sent + i) * 7) % 253;
      sent += len;
      controller.enqueue(b);
    },
  }, { highWaterMark: 0 });
}

/** A full collection now (V8's `gc`, exposed at run time): RSS then shows what is live. */
const gc = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

/** Streams `size` bytes into a temporary BLOB, inserts it, streams it back out of a fetched
 * Lob checking every byte; returns the peak RSS growth, collected every 8 pieces. */
async function streamInAndOut(conn: Connection, id: number, size: number): Promise<number> {
  gc();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let k = 0;
  const sample = () => {
    if (++k % 4 === 0) gc();
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  {
    await using lob = await conn.createLob(BLOB);
    const counted = source(size, 100_000).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(b, c) {
          sample();
          c.enqueue(b);
        },
      }),
    );
    await counted.pipeTo(lob.writable());
    assert.equal(await lob.size(), size);
    await conn.execute("INSERT INTO files VALUES (:1, :2)", [id, lob]);
  }
  const { rows } = await conn.execute<{ DATA: Lob }>("SELECT data FROM files WHERE id = :1", [id], {
    fetchInfo: { DATA: { type: "lob" } },
  });
  await using lob = rows![0].DATA;
  let at = 0;
  // Pieces of 8 chunks (64 KiB): small against the 5 MiB value, so holding it would show. The
  // default pieces (64 chunks) are checked on 200 MiB in lob_stream_test.ts.
  for await (const piece of lob.readable({ pieceSize: lob.chunkSize * 8 })) {
    const b = piece as Uint8Array;
    assert.ok(b.length <= lob.chunkSize * 8);
    for (let i = 0; i < b.length; i += 4099) assert.equal(b[i], ((at + i) * 7) % 253);
    at += b.length;
    sample();
  }
  assert.equal(at, size);
  return peak - rss0;
}

test("a 5 MiB BLOB streams in and out through Web streams without holding it", server, async () => {
  await using s = await startConnected();
  await s.conn.execute("CREATE TABLE files (id NUMBER, data BLOB)");
  // A first, smaller pass loads and compiles what streaming uses.
  await streamInAndOut(s.conn, 1, MIB);
  const size = 5 * MIB;
  const grew = await streamInAndOut(s.conn, 2, size);
  // For scale: the whole value read at once.
  const { rows } = await s.conn.execute<{ DATA: Lob }>("SELECT data FROM files WHERE id = 2", [], {
    fetchLobs: true,
  });
  await using lob = rows![0].DATA;
  gc();
  const before = process.memoryUsage().rss;
  const whole = await lob.bytes();
  const wholeGrew = process.memoryUsage().rss - before;
  assert.equal(whole.length, size);
  console.log(
    `5 MiB BLOB: streaming in and out grew RSS by ${(grew / MIB).toFixed(1)} MiB at most; ` +
      `reading it whole, by ${(wholeGrew / MIB).toFixed(1)} MiB`,
  );
  // Streaming holds a few pieces (plus a fixed few MiB of runtime slack under Node), never the
  // whole value, which reading it whole holds at least once.
  assert.ok(grew < size, `streaming grew RSS by ${grew} bytes`);
  assert.ok(grew < wholeGrew, `streaming grew RSS by ${grew} bytes, reading whole ${wholeGrew}`);
});

test("a CLOB streams out by pieces and breaks out of for await cleanly", server, async () => {
  await using s = await startConnected();
  await using lob = await s.conn.createLob(CLOB);
  const text = "αβγ😀".repeat(30_000);
  await new ReadableStream<string>({
    start(c) {
      for (let i = 0; i < text.length; i += 7001) c.enqueue(text.slice(i, i + 7001));
      c.close();
    },
  }).pipeTo(lob.writable());
  assert.equal(await lob.size(), text.length);
  let joined = "";
  for await (const piece of lob.readable({ pieceSize: 5000 })) joined += piece as string;
  assert.ok(joined === text, `streamed ${joined.length} of ${text.length} characters`);
  for await (const _ of lob.readable({ offset: 3 })) break;
  assert.equal(await lob.read(text.length - 1), "😀");
});

/** This session's (temporary, abstract) LOBs as the server's V$TEMPORARY_LOBS counts them. */
async function heldLobs(conn: Connection): Promise<[number, number]> {
  const { rows } = await conn.execute<[number, number]>(
    "SELECT cache_lobs, abstract_lobs FROM v$temporary_lobs " +
      "WHERE sid = sys_context('userenv', 'sid')",
    [],
    { outFormat: "array" },
  );
  return rows![0];
}

test(
  "Lobs garbage-collected without close() are freed on the server with the next call",
  server,
  async () => {
    await using s = await startConnected();
    await withDocs(s.conn);
    assert.deepEqual(await heldLobs(s.conn), [0, 0]);
    // Made and dropped in a scope of their own, so nothing keeps them alive.
    await (async () => {
      for (let i = 0; i < 3; i++) await s.conn.createLob(i === 0 ? BLOB : CLOB);
      // A table's LOB comes as a persistent locator (nothing held); an expression's as a value.
      await s.conn.execute("SELECT body, TO_CLOB('abc') FROM docs", [], { fetchLobs: true });
    })();
    assert.deepEqual(await heldLobs(s.conn), [3, 1]);
    // Finalizers run after a collection, on a later turn of the event loop.
    for (let i = 0; i < 20; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      const [temp, abs] = await heldLobs(s.conn);
      if (temp === 0 && abs === 0) break;
    }
    assert.deepEqual(await heldLobs(s.conn), [0, 0]);
    // A Lob still referenced is not freed, and close() after that is a no-op.
    const kept = await s.conn.createLob(CLOB);
    await kept.write(1, "still here");
    gc();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await heldLobs(s.conn), [1, 0]);
    assert.equal(await kept.text(), "still here");
    await kept.close();
    assert.deepEqual(await heldLobs(s.conn), [0, 0]);
  },
);
