/**
 * Quickstart: connect, create a table, insert with binds, read it back with a cursor.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/quickstart.ts
 * Node: npm run build:test && node dist/examples/quickstart.js (same variables).
 * It checks what it reads back and exits non-zero on a wrong result.
 *
 * @module
 */

import assert from "node:assert/strict";
import process from "node:process";
import { connect, type Connection, OracleError } from "../mod.ts";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (ORADB_USER, ORADB_PASSWORD, ORADB_CONNECT_STRING)`);
  return value;
}

async function recreateTable(conn: Connection): Promise<void> {
  try {
    await conn.execute("DROP TABLE quickstart_fruit");
  } catch (e) {
    // ORA-00942: the table did not exist yet, which is fine on a first run.
    if (!(e instanceof OracleError && e.code === "ORA-00942")) throw e;
  }
  await conn.execute(
    "CREATE TABLE quickstart_fruit (id NUMBER PRIMARY KEY, name VARCHAR2(30), picked DATE)",
  );
}

await using conn = await connect({
  user: env("ORADB_USER"),
  password: env("ORADB_PASSWORD"),
  connectString: env("ORADB_CONNECT_STRING"),
});
console.log(`Connected to Oracle ${conn.serverVersion}`);

await recreateTable(conn);
const one = await conn.execute(
  "INSERT INTO quickstart_fruit (id, name, picked) VALUES (:id, :name, :picked)",
  { id: 1, name: "apple", picked: new Date(2024, 8, 1) },
);
console.log(`Inserted ${one.rowsAffected} row`);
assert.equal(one.rowsAffected, 1);
const many = await conn.executeMany(
  "INSERT INTO quickstart_fruit (id, name, picked) VALUES (:1, :2, :3)",
  [[2, "banana", new Date(2024, 8, 2)], [3, "cherry", null]],
);
console.log(`Inserted ${many.rowsAffected} more rows`);
assert.equal(many.rowsAffected, 2);
await conn.commit();

await using cursor = conn.cursor(
  "SELECT id, name, picked FROM quickstart_fruit WHERE id >= :min ORDER BY id",
  { min: 1 },
);
const names: unknown[] = [];
for await (const row of cursor) {
  console.log(row);
  names.push(row.NAME);
}
assert.deepEqual(names, ["apple", "banana", "cherry"]);
// The column descriptions are there once the first rows have arrived.
console.log(cursor.metaData.map((m) => `${m.name} ${m.dbTypeName}`).join(", "));
assert.deepEqual(cursor.metaData.map((m) => m.name), ["ID", "NAME", "PICKED"]);
