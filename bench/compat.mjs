// The Kysely app's workload (a transaction inserting a row, a page of 20 rows, a lookup by key,
// an update) on oradb's own Kysely dialect (oradb/kysely) and on kysely-oracledb over
// node-oracledb Thin, against one oradb-testserver; also kysely-oracledb over oradb/compat.
// Prints each one's wall time and the ratios, per run and as medians over the runs (one run
// varies by ±15 % on a shared machine; the order of the three rotates from run to run).
// Usage: node bench/compat.mjs [iterations] [runs] (after `npx tsc -p tsconfig.json`).
import { Kysely, sql } from "kysely";
import { OracleDialect as KyselyOracledbDialect } from "kysely-oracledb";
import oracledb from "oracledb";
import { createPool } from "../dist/mod.js";
import compat from "../dist/src/compat/mod.js";
import { OracleDialect } from "../dist/src/kysely/mod.js";
import { processCpu, startServer } from "./_server.mjs";

const root = new URL("..", import.meta.url).pathname;
const N = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 1);
const TASKS = 4;

async function workload(db, n) {
  const task = async (t) => {
    for (let i = 0; i < n / TASKS; i++) {
      const id = t * 1_000_000 + i;
      await db.transaction().execute((trx) =>
        trx.insertInto("BK").values({ ID: id, NAME: `name ${id}`, N: i }).execute()
      );
      const page = await db.selectFrom("BK").select(["ID", "NAME"]).where("ID", ">=", id - 40)
        .orderBy("ID").offset(20).fetch(20).execute();
      if (i > 40 && page.length !== 20) throw new Error(`page of ${page.length}`);
      const one = await db.selectFrom("BK").selectAll().where("ID", "=", id).executeTakeFirst();
      if (one === undefined) throw new Error(`row ${id} missing`);
      await db.transaction().execute((trx) =>
        trx.updateTable("BK").set({ N: i + 1 }).where("ID", "=", id).execute()
      );
    }
  };
  await Promise.all(Array.from({ length: TASKS }, (_, t) => task(t)));
}

async function timed(name, make) {
  const db = await make();
  try {
    await sql`BEGIN EXECUTE IMMEDIATE 'DROP TABLE bk'; EXCEPTION WHEN OTHERS THEN NULL; END;`
      .execute(db);
    await sql`CREATE TABLE bk (id NUMBER PRIMARY KEY, name VARCHAR2(40), n NUMBER)`.execute(db);
    await workload(db, Math.min(200, N)); // warm-up
    // In a transaction: kysely-oracledb commits nothing outside one.
    await db.transaction().execute((trx) => sql`DELETE FROM bk`.execute(trx));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const server0 = processCpu(server.pid);
    await workload(db, N);
    const ms = performance.now() - t0;
    // CPU per iteration, this process (driver + Kysely) and the server: wall time alone hides
    // which side a change helped on a shared machine.
    const cpu = process.cpuUsage(cpu0);
    const clientUs = (cpu.user + cpu.system) / N;
    const serverUs = (processCpu(server.pid) - server0) * 1e6 / N;
    console.log(
      `${name.padEnd(42)} ${ms.toFixed(0).padStart(7)} ms  ${(N / ms * 1000).toFixed(0)} it/s` +
        `  CPU/it: client ${clientUs.toFixed(0)} µs, server ${serverUs.toFixed(0)} µs`,
    );
    return ms;
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    throw e;
  } finally {
    await db.destroy().catch(() => {});
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const server = await startServer(root);
try {
  const creds = { user: "scott", password: "tiger", connectString: server.connectString };
  const limits = { poolMin: TASKS, poolMax: TASKS };
  console.log(`${N} iterations, ${TASKS} concurrent tasks, pool of ${TASKS}, ${RUNS} run(s)`);
  const contenders = [
    ["ours", "oradb/kysely (oradb)", () =>
      new Kysely({
        dialect: new OracleDialect({ pool: () => createPool({ ...creds, ...limits }) }),
      })],
    ["theirs", "kysely-oracledb on node-oracledb Thin", async () =>
      new Kysely({
        dialect: new KyselyOracledbDialect({
          pool: await oracledb.createPool({ ...creds, ...limits }),
        }),
      })],
    ["compat", "kysely-oracledb on oradb/compat", async () =>
      new Kysely({
        dialect: new KyselyOracledbDialect({
          pool: await compat.createPool({ ...creds, ...limits }),
        }),
      })],
  ];
  const ratios = { ours: [], compat: [] };
  for (let run = 0; run < RUNS; run++) {
    const ms = {};
    for (let k = 0; k < contenders.length; k++) {
      const [key, name, make] = contenders[(run + k) % contenders.length];
      ms[key] = await timed(name, make);
    }
    ratios.ours.push(ms.theirs / ms.ours);
    ratios.compat.push(ms.theirs / ms.compat);
    console.log(
      `ratio oradb/kysely vs kysely-oracledb on node-oracledb: ${ratios.ours.at(-1).toFixed(2)}x`,
    );
    console.log(
      `ratio kysely-oracledb on oradb/compat vs on node-oracledb: ${
        ratios.compat.at(-1).toFixed(2)
      }x`,
    );
  }
  if (RUNS > 1) {
    console.log(
      `median of ${RUNS} runs: oradb/kysely ${median(ratios.ours).toFixed(2)}x, ` +
        `kysely-oracledb on oradb/compat ${median(ratios.compat).toFixed(2)}x`,
    );
  }
} finally {
  server.stop();
}
