/**
 * A typed Kysely app on oradb (`oradb/kysely`): a migration creates the schema (and is rolled
 * back and forth), then CRUD with generated keys through `returning()`, a join, pagination,
 * a SERIALIZABLE transaction and a streamed query, all typed by the `Database` interface.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/kysely.ts
 * Node: npm run build:test && node dist/examples/kysely.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type Generated,
  type Insertable,
  Kysely,
  type Migration,
  Migrator,
  NO_MIGRATIONS,
  type Selectable,
} from "kysely";
import { createPool } from "../mod.ts";
import { OracleDialect } from "../src/kysely/mod.ts";
import { credentials } from "./_env.ts";

interface AuthorTable {
  id: Generated<number>;
  name: string;
  born: Date | null;
}

interface BookTable {
  id: Generated<number>;
  author_id: number;
  title: string;
  /** NUMBER(8,2): exact, so a string. */
  price: string;
  in_print: number;
}

interface Database {
  example_author: AuthorTable;
  example_book: BookTable;
}

type Book = Selectable<BookTable>;

const migrations: Record<string, Migration> = {
  "2024_01_authors": {
    async up(db) {
      await db.schema.createTable("example_author")
        .addColumn("id", "integer", (c) => c.autoIncrement().primaryKey())
        .addColumn("name", "varchar(100)", (c) => c.notNull())
        .addColumn("born", "date")
        .execute();
    },
    async down(db) {
      await db.schema.dropTable("example_author").execute();
    },
  },
  "2024_02_books": {
    async up(db) {
      await db.schema.createTable("example_book")
        .addColumn("id", "integer", (c) => c.autoIncrement().primaryKey())
        .addColumn("author_id", "integer", (c) => c.notNull().references("example_author.id"))
        .addColumn("title", "varchar(200)", (c) => c.notNull())
        .addColumn("price", "decimal(8, 2)", (c) => c.notNull())
        .addColumn("in_print", "boolean", (c) => c.notNull().defaultTo(true))
        .execute();
    },
    async down(db) {
      await db.schema.dropTable("example_book").execute();
    },
  },
};

const db = new Kysely<Database>({
  dialect: new OracleDialect({ pool: () => createPool({ ...credentials(), poolMax: 2 }) }),
});

try {
  // Migrations: up to the latest, one step down, and up again.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: "example_migration",
    migrationLockTableName: "example_migration_lock",
  });
  // A database left by an earlier run starts from nothing.
  const reset = await migrator.migrateTo(NO_MIGRATIONS);
  if (reset.error) throw reset.error;
  const up = await migrator.migrateToLatest();
  if (up.error) throw up.error;
  assert.deepEqual(up.results?.map((r) => r.migrationName), ["2024_01_authors", "2024_02_books"]);
  const down = await migrator.migrateDown();
  assert.deepEqual(down.results?.map((r) => `${r.migrationName} ${r.direction}`), [
    "2024_02_books Down",
  ]);
  const tables = (await db.introspection.getTables()).map((t) => t.name);
  assert.ok(!tables.includes("example_book") && tables.includes("example_author"));
  const again = await migrator.migrateToLatest();
  if (again.error) throw again.error;

  // Create: generated keys come back through RETURNING … INTO.
  const newAuthor: Insertable<AuthorTable> = {
    name: "Ursula K. Le Guin",
    born: new Date("1929-10-21T00:00:00Z"),
  };
  const ursula = await db.insertInto("example_author").values(newAuthor).returning("id")
    .executeTakeFirstOrThrow();
  const { id: octavia } = await db.insertInto("example_author")
    .values({ name: "Octavia E. Butler", born: null }).returning("id").executeTakeFirstOrThrow();
  const titles = ["A Wizard of Earthsea", "The Dispossessed", "The Left Hand of Darkness"];
  for (const [i, title] of titles.entries()) {
    await db.insertInto("example_book")
      .values({ author_id: ursula.id, title, price: `${9 + i}.99`, in_print: 1 }).execute();
  }
  const kindred = await db.insertInto("example_book")
    .values({ author_id: octavia, title: "Kindred", price: "14.50", in_print: 0 })
    .returningAll().executeTakeFirstOrThrow();
  assert.deepEqual(kindred, {
    id: 4,
    author_id: octavia,
    title: "Kindred",
    price: "14.5",
    in_print: 0,
  });

  // Read: a join, typed rows.
  const catalog = await db.selectFrom("example_book as b")
    .innerJoin("example_author as a", "a.id", "b.author_id")
    .select(["a.name as author", "b.title", "b.price"])
    .orderBy("b.title")
    .execute();
  assert.equal(catalog.length, 4);
  assert.deepEqual(catalog[0], {
    author: "Ursula K. Le Guin",
    title: "A Wizard of Earthsea",
    price: "9.99",
  });

  // Pagination: OFFSET … FETCH NEXT … ROWS ONLY.
  const page = async (n: number): Promise<string[]> =>
    (await db.selectFrom("example_book").select("title").orderBy("id").offset(n * 3).limit(3)
      .execute()).map((b) => b.title);
  assert.deepEqual(await page(0), titles);
  assert.deepEqual(await page(1), ["Kindred"]);

  // Update and delete.
  const reprinted = await db.updateTable("example_book").set({ in_print: 1 })
    .where("in_print", "=", 0).returning(["id", "title"]).execute();
  assert.deepEqual(reprinted, [{ id: kindred.id, title: "Kindred" }]);

  // A SERIALIZABLE transaction: a price rise on every book of one author, all or nothing.
  const raised: Book[] = await db.transaction().setIsolationLevel("serializable").execute(
    async (trx) => {
      const books = await trx.selectFrom("example_book").selectAll()
        .where("author_id", "=", ursula.id).orderBy("id").execute();
      for (const b of books) {
        const price = (Math.round(Number(b.price) * 110) / 100).toFixed(2);
        await trx.updateTable("example_book").set({ price }).where("id", "=", b.id).execute();
      }
      return trx.selectFrom("example_book").selectAll().where("author_id", "=", ursula.id)
        .orderBy("id").execute();
    },
  );
  assert.deepEqual(raised.map((b) => b.price), ["10.99", "12.09", "13.19"]);

  const removed = await db.deleteFrom("example_book").where("title", "=", "The Dispossessed")
    .executeTakeFirst();
  assert.equal(removed.numDeletedRows, 1n);

  // A streamed query: rows arrive in chunks from one oradb cursor.
  const streamed: string[] = [];
  for await (const b of db.selectFrom("example_book").select("title").orderBy("id").stream(2)) {
    streamed.push(b.title);
  }
  assert.deepEqual(streamed, ["A Wizard of Earthsea", "The Left Hand of Darkness", "Kindred"]);

  // Down to nothing: the schema is gone again.
  const all = await migrator.migrateTo(NO_MIGRATIONS);
  if (all.error) throw all.error;
  const left = (await db.introspection.getTables()).map((t) => t.name);
  assert.ok(!left.includes("example_author") && !left.includes("example_book"));
  console.log("kysely: migrations, CRUD, join, pagination, serializable, stream ok");
} finally {
  await db.destroy();
}
