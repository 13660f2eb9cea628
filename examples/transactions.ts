/**
 * Transactions across two connections: a change is invisible to other sessions until it is
 * committed, and a rollback (or a savepoint rollback) undoes it; `autoCommit` commits each
 * statement. Two connections stand for two users of the same database.
 *
 * Isolation levels are left out: the test server accepts `SET TRANSACTION ISOLATION LEVEL
 * SERIALIZABLE` but gives every transaction READ COMMITTED reads, so an example of what
 * SERIALIZABLE does on Oracle (a transaction not seeing commits made after it began) would fail
 * there. Concurrent writers are left out too: the test server lets one session at a time hold
 * uncommitted changes, where Oracle locks only rows.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/transactions.ts
 * Node: npm run build:test && node dist/examples/transactions.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, type Connection, OracleError } from "../mod.ts";
import { credentials } from "./_env.ts";

await using alice = await connect(credentials());
await using bob = await connect(credentials());

async function balances(conn: Connection): Promise<Record<string, number>> {
  const { rows } = await conn.execute<[string, number]>(
    "SELECT name, balance FROM example_account ORDER BY name",
    [],
    { outFormat: "array" },
  );
  return Object.fromEntries(rows!);
}

try {
  await alice.execute("DROP TABLE example_account");
} catch (e) {
  if (!(e instanceof OracleError && e.code === "ORA-00942")) throw e;
}
await alice.execute("CREATE TABLE example_account (name VARCHAR2(10) PRIMARY KEY, balance NUMBER)");
// autoCommit: committed by the statement itself.
await alice.execute(
  "INSERT INTO example_account VALUES ('alice', 100)",
  [],
  { autoCommit: true },
);
await alice.execute("INSERT INTO example_account VALUES ('bob', 50)", [], { autoCommit: true });

// A transfer: until alice commits, bob sees the old balances and alice the new ones.
const transfer = "UPDATE example_account SET balance = balance + :amount WHERE name = :name";
await alice.execute(transfer, { amount: -30, name: "alice" });
await alice.execute(transfer, { amount: 30, name: "bob" });
assert.deepEqual(await balances(alice), { alice: 70, bob: 80 });
assert.deepEqual(await balances(bob), { alice: 100, bob: 50 }, "uncommitted work leaked");
await alice.commit();
assert.deepEqual(await balances(bob), { alice: 70, bob: 80 }, "a commit was not seen");
console.log("after commit, bob sees", await balances(bob));

// A rollback undoes the whole transaction; nobody ever sees it.
await alice.execute(transfer, { amount: -1000, name: "alice" });
assert.deepEqual(await balances(alice), { alice: -930, bob: 80 });
await alice.rollback();
assert.deepEqual(await balances(alice), { alice: 70, bob: 80 });

// A savepoint: roll back part of a transaction, commit the rest.
await alice.execute(transfer, { amount: 5, name: "alice" });
await alice.execute("SAVEPOINT before_bonus");
await alice.execute(transfer, { amount: 500, name: "bob" });
await alice.execute("ROLLBACK TO SAVEPOINT before_bonus");
await alice.commit();
console.log("after savepoint rollback, bob sees", await balances(bob));
assert.deepEqual(await balances(bob), { alice: 75, bob: 80 });

await alice.execute("DROP TABLE example_account");
