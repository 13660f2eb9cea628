// Benchmarks on one machine, one run, one oradb-testserver:
//  1. the server (issue 2): node-oracledb round trips/s on 1 and 8 connections,
//     rows/s for a 100,000-row fetch, server CPU against client CPU;
//  2. the driver (issue 3): oradb against node-oracledb Thin — sequential
//     single-row queries, a 100,000-row fetch of 10 columns, executeMany of
//     100,000 rows. Ratios > 1 mean oradb is faster.
// Usage: npm run build && node bench/bench.mjs   (uses target/release if built;
//   ORADB_BENCH_SERVER=path picks another test server binary)
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import oracledb from "oracledb";
import { connect, createPool } from "../dist/mod.js";

const root = new URL("..", import.meta.url).pathname;
const bin = process.env.ORADB_BENCH_SERVER ??
  ["release", "debug"].map((p) => join(root, "target", p, "oradb-testserver")).find(
    existsSync,
  );
const data = mkdtempSync(join(tmpdir(), "oradb-bench-"));
const server = spawn(bin, [
  "--listen",
  "127.0.0.1:0",
  "--service",
  "FREEPDB1",
  "--data",
  data,
], {
  stdio: ["ignore", "pipe", "inherit"],
  // In the environment: a password on the command line shows in `ps`.
  env: { ...process.env, ORADB_TESTSERVER_USERS: "scott/tiger" },
});
const addr = await new Promise((ok) => server.stdout.once("data", (d) => ok(String(d).trim())));
const creds = { user: "scott", password: "tiger", connectString: `${addr}/FREEPDB1` };
const ticks = () => {
  const f = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10; // ms at 100 Hz
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// CPU ms of this process per thread kind: the JS thread ("js"), oradb's I/O thread ("io") and
// the rest (V8's GC and compiler helpers, libuv). Per thread, since wall time alone hides
// where a call's cost goes (issue 17).
const threads = () => {
  const out = { js: 0, io: 0, other: 0 };
  for (const t of readdirSync("/proc/self/task")) {
    let s;
    try {
      s = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
    } catch {
      continue; // the thread ended
    }
    const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    const ms = (Number(f[11]) + Number(f[12])) * 10;
    out[Number(t) === process.pid ? "js" : name === "oradb-io" ? "io" : "other"] += ms;
  }
  return out;
};
async function measure(fn) {
  const [t0, s0, c0, th0] = [performance.now(), ticks(), cpu(), threads()];
  const n = await fn();
  const th = threads();
  for (const k of Object.keys(th)) th[k] -= th0[k];
  return { ms: performance.now() - t0, server: ticks() - s0, client: cpu() - c0, threads: th, n };
}

const setup = await oracledb.getConnection(creds);
await setup.execute(
  `create table b10 (id number, n1 number, n2 number(10,2), n3 number, s1 varchar2(40), s2 varchar2(40), s3 varchar2(40), d1 date, d2 date, d3 timestamp)`,
);
const now = new Date(2024, 0, 1);
const rows = Array.from(
  { length: 100_000 },
  (_, i) => [i, i * 3, i / 4, -i, `name ${i}`, `second ${i % 97}`, "x".repeat(20), now, now, now],
);
for (let i = 0; i < rows.length; i += 20_000) {
  await setup.executeMany(
    "insert into b10 values (:1,:2,:3,:4,:5,:6,:7,:8,:9,:10)",
    rows.slice(i, i + 20_000),
  );
}
await setup.commit();
await setup.execute("create unique index b10_id on b10 (id)");
await setup.execute("create table m (id number, s varchar2(20), d date)");
await setup.close();

// --- server
const results = [];
for (const conns of [1, 8]) {
  const cs = await Promise.all(Array.from({ length: conns }, () => oracledb.getConnection(creds)));
  const per = 4000 / conns;
  const r = await measure(async () => {
    await Promise.all(cs.map(async (c) => {
      for (let i = 0; i < per; i++) await c.execute("select 1 from dual");
    }));
    return 4000;
  });
  results.push([
    `server: select 1 from dual, ${conns} conn`,
    `${Math.round(r.n / (r.ms / 1000))} round trips/s`,
    `server CPU ${r.server} ms vs client CPU ${Math.round(r.client)} ms`,
  ]);
  await Promise.all(cs.map((c) => c.close()));
}
{
  const c = await oracledb.getConnection(creds);
  const r = await measure(async () =>
    (await c.execute("select * from b10", [], { fetchArraySize: 1000, prefetchRows: 1000 })).rows
      .length
  );
  results.push([
    "server: 100,000-row fetch (node-oracledb)",
    `${Math.round(r.n / (r.ms / 1000))} rows/s`,
    `server CPU ${r.server} ms vs client CPU ${Math.round(r.client)} ms`,
  ]);
  await c.close();
}

// --- driver: oradb vs node-oracledb
// Alternating runs, median of 5 each, after the first (warm-up) run of both.
// `ops`: calls per run; with it, CPU per call of each side is printed too (sums of the 5 runs
// at the kernel's 10 ms resolution, so about ±1 µs per call at 2,500 calls).
async function pair(name, ours, theirs, ops) {
  const a = [], b = [];
  for (let i = 0; i < 6; i++) {
    a.push(await measure(ours));
    b.push(await measure(theirs));
  }
  const median = (v) => v.slice(1).map((r) => r.ms).sort((x, y) => x - y)[2];
  const [ma, mb] = [median(a), median(b)];
  results.push([
    `driver: ${name}`,
    `oradb ${ma.toFixed(0)} ms, node-oracledb ${mb.toFixed(0)} ms (medians of 5)`,
    `ratio ${(mb / ma).toFixed(2)}x`,
  ]);
  if (ops === undefined) return;
  // One op per run (a whole fetch, a whole executeMany): CPU ms per run instead of µs per call.
  const [unit, scale] = ops === 1 ? ["ms per run", 1] : ["µs per call", 1000];
  const per = (runs, f) => (runs.slice(1).reduce((t, r) => t + f(r), 0) * scale / (5 * ops));
  const side = (runs) =>
    ["js", "io", "other"].map((k) => `${k} ${per(runs, (r) => r.threads[k]).toFixed(0)}`)
      .join(", ") + `; server ${per(runs, (r) => r.server).toFixed(0)}`;
  results.push([
    `  CPU ${unit}: ${name}`,
    `oradb ${side(a)}`,
    `node-oracledb ${side(b)}`,
  ]);
}
const o = await connect(creds);
const n = await oracledb.getConnection(creds);
for (let i = 0; i < 200; i++) {
  await o.execute("select s1 from b10 where id = :1", [i]);
  await n.execute("select s1 from b10 where id = :1", [i]);
}
await pair("500 sequential single-row queries", async () => {
  for (let i = 0; i < 500; i++) await o.execute("select s1 from b10 where id = :1", [i]);
}, async () => {
  for (let i = 0; i < 500; i++) await n.execute("select s1 from b10 where id = :1", [i]);
}, 500);
await pair(
  "100,000-row fetch of 10 columns",
  async () =>
    (await o.execute("select * from b10", [], { fetchArraySize: 1000, prefetchRows: 1000 })).rows
      .length,
  async () =>
    (await n.execute("select * from b10", [], {
      fetchArraySize: 1000,
      prefetchRows: 1000,
      outFormat: oracledb.OUT_FORMAT_OBJECT,
    })).rows.length,
  1,
);
const many = Array.from({ length: 100_000 }, (_, i) => [i, `s${i}`, now]);
await pair("executeMany of 100,000 rows", async () => {
  await o.executeMany("insert into m values (:1, :2, :3)", many);
  await o.rollback();
}, async () => {
  await n.executeMany("insert into m values (:1, :2, :3)", many);
  await n.rollback();
}, 1);
await o.close();
await n.close();

// --- pool (issue 4): 50 tasks × (acquire, select 1 from dual, release) on poolMax 10.
{
  const op = await createPool({ ...creds, poolMin: 10, poolMax: 10 });
  const np = await oracledb.createPool({
    ...creds,
    poolMin: 10,
    poolMax: 10,
    poolIncrement: 1,
    queueMax: -1,
  });
  const per = 100;
  const run = (acquire) => async () => {
    await Promise.all(Array.from({ length: 50 }, async () => {
      for (let i = 0; i < per; i++) {
        const c = await acquire();
        await c.execute("select 1 from dual");
        await c.close();
      }
    }));
    return 50 * per;
  };
  const ours = run(() => op.acquire());
  const theirs = run(() => np.getConnection());
  await ours();
  await theirs();
  await pair("pool: 50 tasks x 100 acquire/select 1/release, poolMax 10", ours, theirs, 50 * per);
  await op.close({ force: true });
  await np.close(0);
}
server.kill();
// The 100,000-row tables stay behind otherwise (tens of MB a run).
await new Promise((ok) => server.once("exit", ok));
rmSync(data, { recursive: true, force: true });
for (const r of results) console.log(r.join(" | "));
