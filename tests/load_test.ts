// Behaviour under load against the real test server: memory and event-loop
// responsiveness during a 100,000-row fetch, call ordering, timeouts, use
// after close, and rows crossing between oradb and node-oracledb.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { connect, type Connection, OracleError } from "../mod.ts";
import { CREDS, dropFirst, SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };
const creds = CREDS;

const run = promisify(execFile);

/** Inserts 100,000 rows in chunks, so the test's own data is garbage before measuring. */
async function fill(conn: Connection): Promise<void> {
  for (let start = 0; start < 100_000; start += 10_000) {
    const rows = Array.from(
      { length: 10_000 },
      (_, k) => [start + k, `name ${start + k}`, new Date(2024, 0, 1 + ((start + k) % 300))],
    );
    await conn.executeMany("insert into big values (:1, :2, :3)", rows);
  }
  await conn.commit();
}

test(
  "a 100,000-row cursor iteration grows RSS by less than 50 MiB and never stalls the event loop for more than 20 ms",
  server,
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({ ...creds, connectString: db.connectString });
    await dropFirst(conn, "big");
    await conn.execute("create table big (id number, name varchar2(30), d date)");
    // Inserted in chunks from a helper so the test's own data is garbage before measuring.
    await fill(conn);
    await conn.close();
    // Measured in a process of its own, without the test runner's promise hooks.
    const deno = "Deno" in globalThis;
    const probe = fileURLToPath(new URL(`./_iterate_probe.${deno ? "ts" : "js"}`, import.meta.url));
    const args = deno ? ["run", "--allow-all", probe] : [probe];
    const probeOnce = async () => {
      const { stdout } = await run(process.execPath, [
        ...args,
        db.connectString,
        db.user,
        db.password,
      ], {
        timeout: 120_000,
      });
      const r = JSON.parse(stdout.trim().split("\n").at(-1)!);
      console.log(
        `100k rows: RSS grew ${r.grownMiB.toFixed(1)} MiB, worst event-loop stall ${
          r.worst.toFixed(1)
        } ms`,
      );
      assert.equal(r.count, 100_000);
      assert.equal(r.sum, (99_999 * 100_000) / 2);
      assert.ok(r.grownMiB < 50, `RSS grew ${r.grownMiB.toFixed(1)} MiB`);
      return r.worst as number;
    };
    // A stall the driver causes shows in every run; one the 2-core VM causes (a 72 ms
    // scheduling hiccup was seen once in CI, against 2-3 ms normally) does not. So a
    // second run decides, and both stalls are reported.
    const first = await probeOnce();
    const worst = first <= 20 ? first : Math.min(first, await probeOnce());
    assert.ok(worst <= 20, `event loop stalled ${worst.toFixed(1)} ms (limit 20 ms)`);
  },
);

test("concurrent calls on one connection run in the order they were made", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({ ...creds, connectString: db.connectString, autoCommit: true });
  await dropFirst(conn, "ord");
  await conn.execute("create table ord (n number)");
  await Promise.all(
    Array.from({ length: 50 }, (_, i) => conn.execute("insert into ord values (:1)", [i])),
  );
  const r = await conn.execute<{ N: number }>("select n from ord order by rowid");
  assert.deepEqual(r.rows?.map((x) => x.N), Array.from({ length: 50 }, (_, i) => i));
});

test(
  "callTimeout ends a long call with an error and the connection is reusable",
  server,
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({
      ...creds,
      connectString: db.connectString,
      callTimeout: 300,
    });
    const start = Date.now();
    await assert.rejects(conn.execute("begin dbms_session.sleep(10); end;"), (e: unknown) => {
      assert.ok(e instanceof OracleError);
      assert.equal(e.code, "ODB-5011");
      return true;
    });
    assert.ok(Date.now() - start < 1500, `took ${Date.now() - start} ms`);
    conn.callTimeout = 0;
    assert.deepEqual((await conn.execute("select 1 as one from dual")).rows, [{ ONE: 1 }]);
  },
);

test("a call after close fails with a usage error", server, async () => {
  await using db = await startTestServer();
  const conn = await connect({ ...creds, connectString: db.connectString });
  await conn.close();
  await assert.rejects(
    conn.execute("select 1 from dual"),
    (e: unknown) => e instanceof OracleError && e.code.startsWith("ODB-5"),
  );
});

test(
  "rows written by oradb are read identically by node-oracledb, and the other way round",
  server,
  async () => {
    await using db = await startTestServer();
    // A computed specifier: node-oracledb ships no type declarations.
    const peerModule: string = "oracledb";
    const { default: oracledb } = await import(peerModule);
    await using conn = await connect({ ...creds, connectString: db.connectString });
    const peer = await oracledb.getConnection({ ...creds, connectString: db.connectString });
    try {
      await dropFirst(conn, "xc");
      await conn.execute("create table xc (id number, n number, s varchar2(40), d date, r raw(8))");
      const d = new Date(2024, 2, 5, 14, 7, 9);
      await conn.execute("insert into xc values (1, :n, :s, :d, :r)", {
        n: 123.456,
        s: "héllo",
        d,
        r: new Uint8Array([0, 1, 255]),
      });
      await conn.commit();
      await peer.execute("insert into xc values (2, :n, :s, :d, :r)", {
        n: -0.001,
        s: "wörld",
        d,
        r: Buffer.from([7, 8]),
      });
      await peer.commit();
      const theirs = await peer.execute("select * from xc order by id", [], {
        outFormat: oracledb.OUT_FORMAT_OBJECT,
      });
      const ours = await conn.execute("select * from xc order by id");
      const plain = (rows: unknown[] | undefined) =>
        rows?.map((r) =>
          Object.fromEntries(
            Object.entries(r as Record<string, unknown>).map((
              [k, v],
            ) => [k, v instanceof Uint8Array ? [...v] : v instanceof Date ? v.getTime() : v]),
          )
        );
      assert.deepEqual(plain(ours.rows), plain(theirs.rows));
      assert.deepEqual(plain(ours.rows)?.[1], {
        ID: 2,
        N: -0.001,
        S: "wörld",
        D: d.getTime(),
        R: [7, 8],
      });
    } finally {
      await peer.close();
    }
  },
);
