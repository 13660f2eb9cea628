/**
 * node-oracledb's API used directly (no toolkit): each step's outcome, normalised so the two
 * drivers can be compared (metadata types by name, Lobs read whole, Buffers as hex).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Readable } from "node:stream";
import { step, type Steps, type Target } from "./_app.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

function readAll(s: Readable): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const got: unknown[] = [];
    s.on("data", (d) => got.push(d));
    s.on("end", () => resolve(got));
    s.on("error", reject);
  });
}

/** Runs the direct-API steps with `db` (oradb/compat's module object or node-oracledb's). */
export async function facadeApp(db: Any, t: Target): Promise<Steps> {
  const out: Steps = {};
  // node-oracledb's defaults: the toolkit apps before may have changed these globals.
  db.fetchAsString = [];
  db.fetchAsBuffer = [];
  db.outFormat = db.OUT_FORMAT_ARRAY;
  db.autoCommit = false;
  const pool = await db.createPool({ ...t, poolAlias: "facade", poolMin: 0, poolMax: 2 });
  const conn = await new Promise<Any>((resolve, reject) =>
    db.getConnection("facade", (e: Error | null, c: Any) => e ? reject(e) : resolve(c))
  );
  try {
    await step(out, "ddl", async () => {
      await conn.execute(
        `BEGIN EXECUTE IMMEDIATE 'DROP TABLE fa_t'; EXCEPTION WHEN OTHERS THEN NULL; END;`,
      );
      const r = await conn.execute(
        "CREATE TABLE fa_t (id NUMBER(10) PRIMARY KEY, name VARCHAR2(20), c CLOB, b BLOB, " +
          "r RAW(4), d DATE)",
      );
      return r.rowsAffected ?? null;
    });
    await step(out, "insert", async () => {
      const r = await conn.execute(
        "INSERT INTO fa_t (id, name, c, b, r, d) VALUES (:id, :name, :c, :b, :r, :d)",
        {
          id: 1,
          name: "one",
          c: "clob text",
          b: Buffer.from([1, 2, 3]),
          r: Buffer.from([0xca, 0xfe]),
          d: new Date(2024, 0, 2, 3, 4, 5),
        },
        { autoCommit: true },
      );
      return { rowsAffected: r.rowsAffected, hasRowid: typeof r.lastRowid === "string" };
    });
    await step(out, "executeMany", async () => {
      const r = await conn.executeMany("INSERT INTO fa_t (id, name) VALUES (:1, :2)", [
        [2, "two"],
        [3, "three"],
      ], { autoCommit: true });
      return r.rowsAffected;
    });
    await step(out, "arrayRows", async () => {
      const r = await conn.execute("SELECT id, name FROM fa_t ORDER BY id", [], { maxRows: 2 });
      return {
        rows: r.rows,
        meta: r.metaData.map((m: Any) => [m.name, m.dbType.name, m.dbTypeName]),
      };
    });
    await step(out, "objectRows", async () => {
      const r = await conn.execute("SELECT id, name FROM fa_t WHERE id = :1", [1], {
        outFormat: db.OUT_FORMAT_OBJECT,
      });
      return r.rows;
    });
    await step(out, "lobsAndRaw", async () => {
      const r = await conn.execute("SELECT c, b, r FROM fa_t WHERE id = 1", [], {
        outFormat: db.OUT_FORMAT_OBJECT,
      });
      const row = r.rows[0];
      const c = await row.C.getData();
      const b = await readAll(row.B);
      return {
        clobType: row.C.type === db.CLOB,
        c,
        b: Buffer.concat(b as Buffer[]).toString("hex"),
        raw: Buffer.isBuffer(row.R) ? row.R.toString("hex") : "not a Buffer",
      };
    });
    await step(out, "fetchAsString", async () => {
      db.fetchAsString = [db.DATE, db.NUMBER];
      try {
        const r = await conn.execute("SELECT id FROM fa_t WHERE id = 1");
        return r.rows;
      } finally {
        db.fetchAsString = [];
      }
    });
    await step(out, "outBinds", async () => {
      const r = await conn.execute(
        "BEGIN :o := :i || '!'; :n := 42; END;",
        {
          i: "hi",
          o: { dir: db.BIND_OUT, type: db.STRING, maxSize: 10 },
          n: { dir: db.BIND_OUT, type: db.NUMBER },
        },
      );
      return r.outBinds;
    });
    await step(out, "returningInto", async () => {
      const r = await conn.execute(
        "UPDATE fa_t SET name = 'uno' WHERE id = 1 RETURNING name INTO :n",
        { n: { dir: db.BIND_OUT, type: db.STRING } },
      );
      await conn.rollback();
      return r.outBinds;
    });
    await step(out, "resultSet", async () => {
      const r = await conn.execute("SELECT id FROM fa_t ORDER BY id", [], { resultSet: true });
      const first = await r.resultSet.getRow();
      const rest = await r.resultSet.getRows(5);
      const after = await r.resultSet.getRows(5);
      await r.resultSet.close();
      const closed = await r.resultSet.getRow().then(() => "no error", (e: Any) => e.code);
      return { first, rest, after, closed, meta: r.metaData.map((m: Any) => m.name) };
    });
    await step(out, "queryStream", async () => {
      return await readAll(conn.queryStream("SELECT id FROM fa_t ORDER BY id"));
    });
    await step(out, "tempLob", async () => {
      const lob = await conn.createLob(db.CLOB);
      await new Promise<void>((resolve, reject) => {
        lob.on("error", reject);
        lob.on("finish", resolve);
        lob.write("temp ");
        lob.end("lob");
      });
      const r = await conn.execute("UPDATE fa_t SET c = :c WHERE id = 2", { c: lob });
      await lob.close();
      const q = await conn.execute("SELECT c FROM fa_t WHERE id = 2");
      const text = await q.rows[0][0].getData();
      await conn.rollback();
      return { rowsAffected: r.rowsAffected, text };
    });
    await step(out, "transaction", async () => {
      await conn.execute("DELETE FROM fa_t WHERE id = 3");
      await new Promise<void>((res, rej) => conn.rollback((e: Error | null) => e ? rej(e) : res()));
      const r = await conn.execute("SELECT COUNT(*) FROM fa_t");
      return r.rows;
    });
    await step(out, "oraError", async () => {
      const e = await conn.execute("SELECT * FROM no_such_table").catch((x: Any) => x);
      return { code: e.code, errorNum: e.errorNum, text: String(e).split("\n")[0] };
    });
    await step(out, "misuse", async () => {
      const code = (p: Promise<unknown>) => p.then(() => "no error", (e: Any) => e.code);
      const c3 = await db.getConnection(t);
      await c3.close();
      return {
        closedExecute: await code(c3.execute("SELECT 1 FROM dual")),
        closedCommit: await code(c3.commit()),
        badDirection: await code(
          conn.execute("BEGIN :o := 1; END;", { o: { dir: 9999, type: db.NUMBER } }),
        ),
        noAlias: await code(Promise.resolve().then(() => db.getPool("no_such_alias"))),
        aliasTaken: await code(db.createPool({ ...t, poolAlias: "facade" })),
      };
    });
    await step(out, "pool", async () => {
      const c2 = await db.getPool("facade").getConnection();
      await c2.ping();
      const inUse = db.getPool("facade").connectionsInUse;
      await c2.close();
      return inUse;
    });
    return out;
  } finally {
    await conn.close();
    await pool.close(0);
  }
}
