// Session pools against the real test server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Connection, createPool, OracleError } from "../mod.ts";
import { SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };
const creds = { user: "scott", password: "tiger" };

test(
  "the session callback runs for new sessions and tag changes, never for a matching reuse",
  server,
  async () => {
    await using db = await startTestServer();
    const calls: string[] = [];
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 2,
      sessionCallback: async (conn: Connection, requested: string) => {
        calls.push(`${conn.tag}->${requested}`);
        await conn.execute("select 1 from dual");
        conn.tag = requested;
      },
    });
    {
      await using conn = await pool.acquire({ tag: "lang=en;tz=UTC" });
      assert.equal(conn.tag, "lang=en;tz=UTC");
    }
    {
      // Same properties, other order: exact match, no callback.
      await using conn = await pool.acquire({ tag: "tz=UTC;lang=en" });
      assert.equal(conn.tag, "lang=en;tz=UTC");
    }
    {
      // matchAnyTag hands out the tagged session; the callback sees its actual tag.
      await using conn = await pool.acquire({ tag: "lang=fr", matchAnyTag: true });
      assert.equal(conn.tag, "lang=fr");
    }
    assert.deepEqual(calls, ["->lang=en;tz=UTC", "lang=en;tz=UTC->lang=fr"]);
    const stats = pool.getStatistics();
    assert.deepEqual([stats.open, stats.busy, stats.idle], [1, 0, 1]);
  },
);

test("a throwing session callback rejects acquire and the session is dropped", server, async () => {
  await using db = await startTestServer();
  await using pool = await createPool({
    ...creds,
    connectString: db.connectString,
    sessionCallback: () => {
      throw new Error("setup failed");
    },
  });
  await assert.rejects(pool.acquire(), /setup failed/);
  assert.equal(pool.getStatistics().open, 0);
});

test(
  "nowait rejects at once when the pool is exhausted; bad sizes name the option",
  server,
  async () => {
    await using db = await startTestServer();
    await using pool = await createPool({
      ...creds,
      connectString: db.connectString,
      poolMax: 1,
      getMode: "nowait",
    });
    await using held = await pool.acquire();
    await assert.rejects(
      pool.acquire(),
      (e: unknown) => e instanceof OracleError && e.code === "ODB-2002",
    );
    await held.close();
    await using again = await pool.acquire();
    assert.deepEqual((await again.execute("select 1 as one from dual")).rows, [{ ONE: 1 }]);
    await assert.rejects(
      createPool({ ...creds, connectString: db.connectString, poolMin: 3, poolMax: 1 }),
      (e: unknown) => e instanceof OracleError && e.message.includes('"poolMin"'),
    );
  },
);
