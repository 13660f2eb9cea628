/**
 * `executeMany()`: one statement for many rows of binds in one round trip. With `batchErrors`
 * the rows that fail (a duplicate key, a value too long) are reported by index and the others
 * still go in; with `dmlRowCounts` an UPDATE or DELETE says how many rows each input row touched.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/execute_many.ts
 * Node: npm run build:test && node dist/examples/execute_many.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, OracleError } from "../mod.ts";
import { credentials } from "./_env.ts";

await using conn = await connect(credentials());
try {
  await conn.execute("DROP TABLE example_stock");
} catch (e) {
  if (!(e instanceof OracleError && e.code === "ORA-00942")) throw e;
}
await conn.execute(
  "CREATE TABLE example_stock (sku VARCHAR2(8) PRIMARY KEY, shelf NUMBER, qty NUMBER)",
);

// Rows 2 and 4 (counting from 0) fail: a repeated key, a SKU longer than the column. Both are
// reported; the other rows go in.
const rows = [
  ["A-1", 1, 10],
  ["A-2", 1, 5],
  ["A-1", 2, 7],
  ["B-1", 2, 3],
  ["TOO-LONG-SKU", 2, 1],
  ["C-1", 3, 8],
];
const load = await conn.executeMany(
  "INSERT INTO example_stock (sku, shelf, qty) VALUES (:1, :2, :3)",
  rows,
  { batchErrors: true, dmlRowCounts: true },
);
for (const e of load.batchErrors ?? []) console.log(`row ${e.offset} failed: ${e.message}`);
assert.deepEqual(load.batchErrors?.map((e) => [e.offset, e.code]), [
  [2, "ORA-00001"],
  [4, "ORA-12899"],
]);
assert.equal(load.rowsAffected, 4);
assert.deepEqual(load.dmlRowCounts, [1, 1, 0, 1, 0, 1]);
await conn.commit();

// Per-row counts of an UPDATE: shelf 1 holds two SKUs, shelf 2 one, shelf 9 none.
const restock = await conn.executeMany(
  "UPDATE example_stock SET qty = qty + :extra WHERE shelf = :shelf",
  [{ extra: 1, shelf: 1 }, { extra: 2, shelf: 2 }, { extra: 3, shelf: 9 }],
  { dmlRowCounts: true, autoCommit: true },
);
console.log(`updated ${restock.rowsAffected} rows, per shelf:`, restock.dmlRowCounts);
assert.deepEqual(restock.dmlRowCounts, [2, 1, 0]);
assert.equal(restock.rowsAffected, 3);

// Without batchErrors the first failing row stops the call with its error.
await assert.rejects(
  conn.executeMany("INSERT INTO example_stock (sku, shelf, qty) VALUES (:1, :2, :3)", [
    ["D-1", 4, 1],
    ["A-2", 4, 1],
  ]),
  (e: unknown) => e instanceof OracleError && e.code === "ORA-00001",
);
await conn.rollback();

const { rows: stock } = await conn.execute<[string, number]>(
  "SELECT sku, qty FROM example_stock ORDER BY sku",
  [],
  { outFormat: "array" },
);
console.log(stock);
assert.deepEqual(stock, [["A-1", 11], ["A-2", 6], ["B-1", 5], ["C-1", 8]]);
await conn.execute("DROP TABLE example_stock");
