/**
 * The toolkit app on TypeORM (`type: "oracle"` with `driver` injected): the same steps as the
 * Knex app, through an EntitySchema and its repository.
 *
 * @module
 */

import { DataSource, EntitySchema } from "typeorm";
import { BIG, LONG_TEXT, PRICE, step, type Steps, type Target } from "./_app.ts";

interface Item {
  id: number;
  name: string;
  big: string | null;
  price: string | null;
  notes: string | null;
}

const ItemSchema = new EntitySchema<Item>({
  name: "Item",
  tableName: "typeorm_item",
  columns: {
    id: { type: Number, primary: true, generated: "increment" },
    name: { type: "varchar2", length: 50 },
    big: { type: "number", precision: 38, scale: 0, nullable: true },
    price: { type: "number", precision: 10, scale: 2, nullable: true },
    notes: { type: "clob", nullable: true },
  },
});

/** Runs the app with `driver` (oradb/compat's module object or node-oracledb's). */
export async function typeormApp(driver: Record<string, unknown>, t: Target): Promise<Steps> {
  const ds = new DataSource({
    type: "oracle",
    driver,
    username: t.user,
    password: t.password,
    connectString: t.connectString,
    entities: [ItemSchema],
    poolSize: 2,
  });
  const out: Steps = {};
  await ds.initialize();
  // TypeORM sets the global fetchAsString to [CLOB] on connect, so a NUMBER(38) would come
  // back as a float; an app wanting it exact adds NUMBER, as here.
  const saved = driver.fetchAsString;
  driver.fetchAsString = [driver.CLOB, driver.NUMBER];
  try {
    const repo = ds.getRepository(ItemSchema);
    await step(out, "schema", async () => {
      await ds.query(
        `BEGIN EXECUTE IMMEDIATE 'DROP TABLE typeorm_item'; EXCEPTION WHEN OTHERS THEN NULL; END;`,
      );
      await ds.synchronize();
      return true;
    });
    await step(out, "insert", async () => {
      const ids: number[] = [];
      for (const name of ["a", "b", "c", "d"]) {
        const saved = await repo.save({ name, big: BIG, price: PRICE });
        ids.push(Number(saved.id));
      }
      return ids;
    });
    await step(out, "page", async () => {
      const rows = await repo.find({ order: { id: "ASC" }, skip: 2, take: 2 });
      return rows.map((r) => r.name);
    });
    await step(
      out,
      "update",
      async () => (await repo.update({ name: "a" }, { notes: LONG_TEXT })).affected,
    );
    await step(out, "delete", async () => (await repo.delete({ name: "d" })).affected);
    await step(out, "rollback", async () => {
      const marker = new Error("roll back");
      await ds.transaction(async (m) => {
        await m.getRepository(ItemSchema).insert({ name: "x", big: BIG, price: PRICE });
        throw marker;
      }).catch((e) => {
        if (e !== marker) throw e;
      });
      return await repo.count();
    });
    await step(out, "numbers", async () => {
      const a = await repo.findOneByOrFail({ name: "a" });
      return { big: String(a.big), price: String(a.price) };
    });
    await step(out, "clob", async () => {
      const a = await repo.findOneByOrFail({ name: "a" });
      return { length: String(a.notes).length, same: a.notes === LONG_TEXT };
    });
    return out;
  } finally {
    driver.fetchAsString = saved;
    await ds.destroy();
  }
}
