/**
 * Sharding keys (thin mode, no Oracle client): a `shardingKey` on `connect()` or on a pool's
 * `acquire()` sends the session to the shard that owns the key, as the database's shard director
 * does; rows written there are only in that shard. A pool keeps sessions per shard and hands a
 * matching one back.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/sharding.ts
 * Node: npm run build:test && node dist/examples/sharding.js (same variables).
 * It needs a sharded database: `scripts/examples.sh` starts the test server with
 * `--shard eu=list:FR,DE --shard us=list:US,CA` (on Oracle: a sharded database with a shard
 * director, where customers are sharded by country). It checks where each row landed and exits
 * non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, type Connection, createPool, OracleError } from "../mod.ts";
import { credentials } from "./_env.ts";

const login = credentials();

/** The database (shard) this session runs on. */
async function shardOf(conn: Connection): Promise<string> {
  const r = await conn.execute<[string]>("SELECT SYS_CONTEXT('USERENV', 'DB_NAME') FROM dual", [], {
    outFormat: "array",
  });
  return r.rows![0][0];
}

const customers: [string, string][] = [["FR", "Amélie"], ["US", "Bob"], ["DE", "Jörg"]];
for (const [country, name] of customers) {
  await using conn = await connect({ ...login, shardingKey: [country] });
  try {
    await conn.execute("CREATE TABLE customers (country VARCHAR2(2), name VARCHAR2(40))");
  } catch (e) {
    // ORA-00955: this shard got its table from an earlier customer.
    if (!(e instanceof OracleError && e.code === "ORA-00955")) throw e;
  }
  await conn.execute("INSERT INTO customers VALUES (:1, :2)", [country, name]);
  await conn.commit();
  console.log(`${name} (${country}) written on shard ${await shardOf(conn)}`);
}

// A pool: each acquire names its key; sessions stay with their shard.
await using pool = await createPool({ ...login, poolMax: 4 });
for (const [country, expected] of [["DE", ["Amélie", "Jörg"]], ["CA", ["Bob"]]] as const) {
  await using conn = await pool.acquire({ shardingKey: [country] });
  const r = await conn.execute<[string]>("SELECT name FROM customers ORDER BY name", [], {
    outFormat: "array",
  });
  const names = r.rows!.map((row) => row[0]);
  console.log(`shard for ${country} (${await shardOf(conn)}) holds ${names.join(", ")}`);
  assert.deepEqual(names, [...expected]);
}
{
  await using fr = await pool.acquire({ shardingKey: ["FR"] });
  assert.equal(await shardOf(fr), "EU");
}
