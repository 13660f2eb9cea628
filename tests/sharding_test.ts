import { test } from "node:test";
import assert from "node:assert/strict";
import {
  connect,
  type Connection,
  createPool,
  OracleError,
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
