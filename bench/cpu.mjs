// CPU per operation, by thread, for the driver benchmarks: where the time goes when wall
// times on a shared machine are too noisy to compare. For each scenario, oradb and
// node-oracledb alternate `ROUNDS` times; printed are the medians of wall time, of CPU of each
// client thread group (the JS thread, oradb's I/O thread, the rest) and of the server's CPU,
// in µs per operation.
// Usage: npx tsc -p tsconfig.json && node bench/cpu.mjs [single|fetch|many|pool ...]
import { readdirSync, readFileSync } from "node:fs";
import oracledb from "oracledb";
import { connect, createPool } from "../dist/mod.js";
import { loadTables, startServer } from "./_server.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const root = new URL("..", import.meta.url).pathname;
const server = await startServer(root);
const creds = { user: "scott", password: "tiger", connectString: server.connectString };
await loadTables(creds, 100_000, 10);
const serverPid = server.pid;

/** CPU ms of /proc/PID/task/TID/stat (utime + stime at 100 Hz). */
function statMs(path) {
  try {
    const f = readFileSync(path, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}
function threads() {
  const out = { js: 0, io: 0, other: 0 };
  for (const tid of readdirSync("/proc/self/task")) {
    const comm = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
    const ms = statMs(`/proc/self/task/${tid}/stat`);
    if (Number(tid) === process.pid) out.js += ms;
    else if (comm === "oradb-io") out.io += ms;
    else out.other += ms;
  }
  out.server = statMs(`/proc/${serverPid}/stat`);
  return out;
}
async function measure(fn) {
  const t0 = performance.now(), c0 = threads();
  const ops = await fn();
  const ms = performance.now() - t0, c1 = threads();
  const per = (v) => (v * 1000) / ops;
  return {
    wall: per(ms),
    js: per(c1.js - c0.js),
    io: per(c1.io - c0.io),
    other: per(c1.other - c0.other),
    server: per(c1.server - c0.server),
  };
}
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
async function pair(name, ours, theirs) {
  await ours();
  await theirs();
  const a = [], b = [];
  for (let i = 0; i < ROUNDS; i++) {
    a.push(await measure(ours));
    b.push(await measure(theirs));
  }
  const row = (who, v) =>
    `  ${who.padEnd(14)} ` +
    ["wall", "js", "io", "other", "server"].map((k) =>
      `${k} ${median(v.map((x) => x[k])).toFixed(1).padStart(7)}`
    ).join("  ");
  console.log(`${name} (µs per op, medians of ${ROUNDS})`);
  console.log(row("oradb", a));
  console.log(row("node-oracledb", b));
  const ratio = median(b.map((x) => x.wall)) / median(a.map((x) => x.wall));
  console.log(`  ratio ${ratio.toFixed(2)}x`);
}

const want = new Set(process.argv.slice(2));
const on = (k) => want.size === 0 || want.has(k);
const o = await connect(creds);
const n = await oracledb.getConnection(creds);
if (on("single")) {
  await pair("500 sequential single-row queries", async () => {
    for (let i = 0; i < 500; i++) await o.execute("select s1 from b10 where id = :1", [i]);
    return 500;
  }, async () => {
    for (let i = 0; i < 500; i++) await n.execute("select s1 from b10 where id = :1", [i]);
    return 500;
  });
}
if (on("fetch")) {
  const opts = { fetchArraySize: 1000, prefetchRows: 1000 };
  await pair(
    "100,000-row fetch of 10 columns (per row)",
    async () => (await o.execute("select * from b10", [], opts)).rows.length,
    async () =>
      (await n.execute("select * from b10", [], {
        ...opts,
        outFormat: oracledb.OUT_FORMAT_OBJECT,
      })).rows.length,
  );
}
if (on("many")) {
  const now = new Date(2024, 0, 1);
  const many = Array.from({ length: 100_000 }, (_, i) => [i, `s${i}`, now]);
  await pair("executeMany of 100,000 rows (per row)", async () => {
    await o.executeMany("insert into m values (:1, :2, :3)", many);
    await o.rollback();
    return many.length;
  }, async () => {
    await n.executeMany("insert into m values (:1, :2, :3)", many);
    await n.rollback();
    return many.length;
  });
}
await o.close();
await n.close();
if (on("pool")) {
  const op = await createPool({ ...creds, poolMin: 10, poolMax: 10 });
  const np = await oracledb.createPool({
    ...creds,
    poolMin: 10,
    poolMax: 10,
    poolIncrement: 1,
    queueMax: -1,
  });
  const run = (acquire) => async () => {
    await Promise.all(Array.from({ length: 50 }, async () => {
      for (let i = 0; i < 100; i++) {
        const c = await acquire();
        await c.execute("select 1 from dual");
        await c.close();
      }
    }));
    return 5000;
  };
  await pair(
    "pool: 50 tasks x 100 acquire/select 1/release",
    run(() => op.acquire()),
    run(() => np.getConnection()),
  );
  await op.close({ force: true });
  await np.close(0);
}
server.stop();
