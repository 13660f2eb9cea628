import { test } from "node:test";
import assert from "node:assert/strict";
import {
  connect,
  type Connection,
  createPool,
  OracleError,
  type Pool,
  type ShardingKeyValue,
} from "../mod.ts";
import { needsTestServer, SKIP_SERVER, startTestServer, type TestServer } from "./_server.ts";

// The shards are command-line switches of the test server (a real sharded database needs its
// own catalog and shard director, set up by a DBA).
const shardServer = { skip: SKIP_SERVER || needsTestServer("--shard") };

const SHARDS = [
  "--shard",
  "low=range:..100",
  "--shard",
  "high=range:100..",
  "--shard",
  "names=list:Mary,Bob",
  "--shard",
  "misc=list:2024-05-06 07:08:09,01AB",
];

function login(
  db: TestServer,
  shardingKey?: ShardingKeyValue[],
  superShardingKey?: ShardingKeyValue[],
) {
  return {
    user: db.user,
    password: db.password,
    connectString: db.connectString,
    shardingKey,
    superShardingKey,
  };
}

async function dbName(conn: Connection): Promise<string> {
  const r = await conn.execute<[string, string]>(
    "SELECT SYS_CONTEXT('USERENV', 'DB_NAME'), instance_name FROM v$instance",
    [],
    { outFormat: "array" },
  );
  const [name, instance] = r.rows![0];
  // A shard is its own instance; the catalog is the server's one ("oradb").
  assert.equal(instance, name === "FREEPDB1" ? "oradb" : name.toLowerCase());
  return name;
}

test(
  "a sharding key routes the session to the shard that owns it; no key goes to the catalog",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    const keys: [ShardingKeyValue[], string][] = [
      [[5], "LOW"],
      [[99.5], "LOW"],
      [[100n], "HIGH"],
      [[150, "extra sub-key"], "HIGH"],
      [["Mary"], "NAMES"],
      [[new Date(2024, 4, 6, 7, 8, 9)], "MISC"],
      [[new Uint8Array([1, 0xab])], "MISC"],
    ];
    for (const [key, shard] of keys) {
      await using conn = await connect(login(db, key));
      assert.equal(await dbName(conn), shard, `key ${key}`);
    }
    await using catalog = await connect(login(db));
    assert.equal(await dbName(catalog), "FREEPDB1");
  },
);

test(
  "rows written through each key's session are in that shard's database and nowhere else",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    const writes: [number | string, string][] = [[7, "LOW"], [42, "LOW"], [500, "HIGH"], [
      "Bob",
      "NAMES",
    ]];
    // Each shard is its own database: the table exists where it is created.
    for (const key of [[1], [1000], ["Mary"]]) {
      await using conn = await connect(login(db, key));
      await conn.execute("CREATE TABLE orders (cust VARCHAR2(20), shard VARCHAR2(10))");
    }
    for (const [key, shard] of writes) {
      await using conn = await connect(login(db, [key]));
      await conn.execute("INSERT INTO orders VALUES (:1, :2)", [String(key), shard]);
      await conn.commit();
    }
    const seen = new Map<string, string[]>();
    for (const [key, shard] of [[1, "LOW"], [1000, "HIGH"], ["Mary", "NAMES"]] as const) {
      await using conn = await connect(login(db, [key]));
      const r = await conn.execute<[string, string]>(
        "SELECT cust, shard FROM orders ORDER BY cust",
        [],
        {
          outFormat: "array",
        },
      );
      for (const [, s] of r.rows!) assert.equal(s, shard, "a row written for another shard");
      seen.set(shard, r.rows!.map(([c]) => c));
    }
    assert.deepEqual(Object.fromEntries(seen), { LOW: ["42", "7"], HIGH: ["500"], NAMES: ["Bob"] });
    // The catalog never saw the table.
    await using catalog = await connect(login(db));
    await assert.rejects(catalog.execute("SELECT * FROM orders"), { code: "ORA-00942" });
  },
);

test(
  "a key no shard owns is ORA-12514 from the shard director; keys on an unsharded server are ignored",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    await assert.rejects(
      connect(login(db, ["Zed"])),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-12514",
    );
    await using plain = await startTestServer();
    await using conn = await connect(login(plain, ["Zed"]));
    assert.equal(await dbName(conn), "FREEPDB1");
  },
);

test(
  "a super sharding key picks the shardspace, the sharding key the shard in it",
  shardServer,
  async () => {
    await using db = await startTestServer({
      args: ["--shard", "eu1=super:EU;list:Anna", "--shard", "us1=super:US;list:Anna,Ben"],
    });
    await using eu = await connect(login(db, ["Anna"], ["EU"]));
    assert.equal(await dbName(eu), "EU1");
    await using us = await connect(login(db, ["Anna"], ["US"]));
    assert.equal(await dbName(us), "US1");
    await assert.rejects(connect(login(db, ["Ben"], ["EU"])), { code: "ORA-12514" });
    await assert.rejects(connect(login(db, ["Anna"])), { code: "ORA-12514" });
  },
);

test(
  "a pool created with a sharding key opens every session on that shard",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    await using pool = await createPool({ ...login(db, [250]), poolMin: 2, poolMax: 3 });
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const conn of held) assert.equal(await dbName(conn), "HIGH");
    for (const conn of held) await conn.close();
  },
);

/** The shard a pooled session is on, and its SID there (SIDs repeat across shards). */
async function where(conn: Connection): Promise<string> {
  const r = await conn.execute<[string]>(
    "SELECT SYS_CONTEXT('USERENV', 'SID') FROM dual",
    [],
    { outFormat: "array" },
  );
  return `${await dbName(conn)}/${r.rows![0][0]}`;
}

function assertStatsAddUp(pool: Pool, open: number, busy: number) {
  const st = pool.getStatistics();
  assert.equal(st.open, open, "open");
  assert.equal(st.busy, busy, "busy");
  assert.equal(st.idle, open - busy, "idle");
  return st;
}

test(
  "pool.acquire({ shardingKey }): each key gets a session on its shard, reused for that key only",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    await using pool = await createPool({ ...login(db), poolMax: 8 });
    const keys: [ShardingKeyValue[] | undefined, string][] = [
      [[5], "LOW"],
      [[500], "HIGH"],
      [["Mary"], "NAMES"],
      [undefined, "FREEPDB1"],
    ];
    const first = new Map<string, string>();
    const held = [];
    for (const [key, shard] of keys) {
      const conn = await pool.acquire({ shardingKey: key });
      const at = await where(conn);
      assert.equal(at.split("/")[0], shard, `key ${key}`);
      first.set(String(key), at);
      held.push(conn);
    }
    assertStatsAddUp(pool, 4, 4);
    for (const conn of held) await conn.close();
    const afterFirst = assertStatsAddUp(pool, 4, 0);
    assert.equal(afterFirst.misses, 4);
    // Released in another order, asked for in another order: each key finds its own session.
    for (const [key] of [...keys].reverse()) {
      await using conn = await pool.acquire({ shardingKey: key });
      assert.equal(await where(conn), first.get(String(key)), `key ${key} reused`);
    }
    const reused = assertStatsAddUp(pool, 4, 0);
    assert.equal(reused.hits - afterFirst.hits, 4);
    assert.equal(reused.misses, 4);
    // Another key of an existing shard is another identity: a new session, not LOW's idle one.
    {
      await using conn = await pool.acquire({ shardingKey: [7] });
      const at = await where(conn);
      assert.equal(at.split("/")[0], "LOW");
      assert.notEqual(at, first.get("5"));
    }
    assert.equal(assertStatsAddUp(pool, 5, 0).misses, 5);
  },
);

test(
  "a pool full of idle sessions of other keys closes one to open a session for the key asked for",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    await using pool = await createPool({ ...login(db, [250]), poolMax: 2, getMode: "nowait" });
    {
      // No key on acquire: the pool's own (HIGH); another key: that key's shard.
      await using own = await pool.acquire();
      assert.equal(await dbName(own), "HIGH");
      await using low = await pool.acquire({ shardingKey: [1] });
      assert.equal(await dbName(low), "LOW");
      // Full and every session busy: nowait fails as before.
      await assert.rejects(pool.acquire({ shardingKey: ["Bob"] }), { code: "ODB-2002" });
    }
    assertStatsAddUp(pool, 2, 0);
    await using names = await pool.acquire({ shardingKey: ["Bob"] });
    assert.equal(await dbName(names), "NAMES");
    assertStatsAddUp(pool, 2, 1);
    // The super sharding key is part of the identity too; it replaces the pool's keys.
    await using low = await pool.acquire({ shardingKey: [1], superShardingKey: undefined });
    assert.equal(await dbName(low), "LOW");
    assertStatsAddUp(pool, 2, 2);
  },
);

test(
  "maxSessionsPerShard: one key's acquires beyond it fail (nowait) or wait, other keys go on",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    await using pool = await createPool({
      ...login(db),
      poolMax: 4,
      maxSessionsPerShard: 2,
      getMode: "nowait",
    });
    assert.equal(pool.limits.maxSessionsPerShard, 2);
    const a = await pool.acquire({ shardingKey: [5] });
    const b = await pool.acquire({ shardingKey: [5] });
    const err = await pool.acquire({ shardingKey: [5] }).then(
      () => assert.fail("a third session for key 5"),
      (e: unknown) => e as OracleError,
    );
    assert.equal(err.code, "ODB-2002");
    assert.match(err.message, /maxSessionsPerShard/);
    // The pool itself has room: another key, and no key at all, still get sessions.
    await using high = await pool.acquire({ shardingKey: [500] });
    assert.equal(await dbName(high), "HIGH");
    await using catalog = await pool.acquire();
    assert.equal(await dbName(catalog), "FREEPDB1");
    assertStatsAddUp(pool, 4, 4);
    const sidA = await where(a);
    await a.close();
    {
      await using again = await pool.acquire({ shardingKey: [5] });
      assert.equal(await where(again), sidA);
    }

    // In "wait" mode the acquire beyond the limit waits for that key's session to come back.
    pool.reconfigure({ getMode: "wait", poolMax: 6 });
    const c = await pool.acquire({ shardingKey: [5] });
    const sidC = await where(c);
    const waiting = pool.acquire({ shardingKey: [5] });
    await new Promise((r) => setTimeout(r, 100));
    const st = assertStatsAddUp(pool, 4, 4);
    assert.equal(st.waiting, 1, "waits although the pool has room");
    await c.close();
    await using got = await waiting;
    assert.equal(await where(got), sidC);
    assertStatsAddUp(pool, 4, 4);
    await b.close();
  },
);

test("sharding options of acquire() and createPool() are checked, naming the option", async () => {
  const bad = [
    [{ maxSessionsPerShard: -1 }, "maxSessionsPerShard"],
    [{ maxSessionsPerShard: 1.5 }, "maxSessionsPerShard"],
  ] as const;
  for (const [opts, name] of bad) {
    await assert.rejects(
      createPool({ user: "u", password: "p", connectString: "localhost:1/x", ...opts }),
      (e: unknown) =>
        e instanceof OracleError && e.code === "ODB-5002" && e.message.includes(`"${name}"`),
    );
  }
});

test(
  "acquire() refuses a malformed sharding key with ODB-5002 naming the option",
  shardServer,
  async () => {
    await using db = await startTestServer({ args: SHARDS });
    await using pool = await createPool({ ...login(db), poolMax: 2 });
    for (
      const [opts, name] of [
        [{ shardingKey: [] }, "shardingKey"],
        [{ shardingKey: [NaN] }, "shardingKey"],
        [{ superShardingKey: [{}] }, "superShardingKey"],
        [{ shardingKey: ["x"], superShardingKey: [""] }, "superShardingKey"],
      ] as const
    ) {
      await assert.rejects(
        pool.acquire(opts as never),
        (e: unknown) =>
          e instanceof OracleError && e.code === "ODB-5002" && e.message.includes(`"${name}"`),
      );
    }
    // A NUMBER the wire form cannot carry fails in the addon, also naming the option.
    await assert.rejects(pool.acquire({ shardingKey: [1e200] }), {
      code: "ODB-5002",
      message: /shardingKey/,
    });
    assertStatsAddUp(pool, 0, 0);
  },
);
