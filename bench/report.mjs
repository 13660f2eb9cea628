// The benchmark report: oradb against node-oracledb Thin and python-oracledb Thin on one
// oradb-testserver, alternating runs, written as Markdown with one SVG chart per benchmark
// (median bar, min–max whiskers), the machine, versions and date. Also per-call latency
// percentiles under concurrency and RSS while streaming 1,000,000 rows (which must stay flat).
//
//   npm run build && node bench/report.mjs            # writes bench/REPORT.md + bench/charts/
//   node bench/report.mjs --out /tmp/r.md --rows 2000 --runs 2 --stream-rows 50000   # a quick check
//
// Flags (defaults in brackets): --out [bench/REPORT.md], --runs [5], --rows (fetch and
// executeMany) [100000], --single (sequential queries) [500], --pool-per [100] (calls per pool
// task), --callers [16], --calls (per caller) [200], --stream-rows [1000000], --rss-bound MiB
// [64], --python [.venv/bin/python; "" skips python-oracledb]. ORADB_TESTSERVER picks the server.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import oracledb from "oracledb";
import { connect, createPool } from "../dist/mod.js";
import { barChart, lineChart, spread } from "./_svg.mjs";
import { loadTables, startServer } from "./_server.mjs";

const root = new URL("..", import.meta.url).pathname;
const { values: f } = parseArgs({
  options: {
    out: { type: "string", default: join(root, "bench", "REPORT.md") },
    runs: { type: "string", default: "5" },
    rows: { type: "string", default: "100000" },
    single: { type: "string", default: "500" },
    "pool-per": { type: "string", default: "100" },
    callers: { type: "string", default: "16" },
    calls: { type: "string", default: "200" },
    "stream-rows": { type: "string", default: "1000000" },
    "rss-bound": { type: "string", default: "64" },
    python: { type: "string", default: join(root, ".venv", "bin", "python") },
  },
});
const num = (k) => Number(f[k]);
const [RUNS, ROWS, SINGLE, CALLERS, CALLS] = ["runs", "rows", "single", "callers", "calls"].map(num);
const python = f.python && existsSync(f.python) ? f.python : null;
const log = (...a) => console.error("bench:", ...a);

const server = await startServer(root);
const creds = { user: "scott", password: "tiger", connectString: server.connectString };
log(`server ${server.bin} at ${server.connectString}`);
await loadTables(creds, ROWS, Math.ceil(Math.sqrt(num("stream-rows"))));

/** ms of one call of each driver per round, alternating, after one warm-up round. */
async function alternate(drivers) {
  const out = Object.fromEntries(drivers.map(([name]) => [name, []]));
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, fn] of drivers) {
      // Python warms up inside each of its runs (a process per run): no round 0 for it.
      if (round === 0 && name === "python-oracledb") continue;
      const ms = await fn();
      if (round > 0) out[name].push(ms);
    }
  }
  return Object.entries(out).map(([name, values]) => ({ name, values }));
}
const timed = (fn) => async () => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
let pythonVersion = "not run";
const py = (bench, extra) => () => {
  const args = { dsn: creds.connectString, user: creds.user, password: creds.password, bench };
  const out = JSON.parse(execFileSync(python, [join(root, "bench", "_py_bench.py"),
    JSON.stringify({ ...args, ...extra })], { encoding: "utf8" }));
  pythonVersion = out.version;
  return out.ms;
};
const withPython = (drivers, bench, extra) =>
  python ? [...drivers, ["python-oracledb", py(bench, extra)]] : drivers;

const o = await connect(creds);
const n = await oracledb.getConnection(creds);
const now = new Date(2024, 0, 1);
const many = Array.from({ length: ROWS }, (_, i) => [i, `s${i}`, now]);
const benches = [];

log("single-row latency");
benches.push({
  id: "single-row",
  title: `${SINGLE} sequential single-row queries`,
  unit: "ms, lower is better",
  series: await alternate(withPython([
    ["oradb", timed(async () => {
      for (let i = 0; i < SINGLE; i++) await o.execute("select s1 from b10 where id = :1", [i]);
    })],
    ["node-oracledb", timed(async () => {
      for (let i = 0; i < SINGLE; i++) await n.execute("select s1 from b10 where id = :1", [i]);
    })],
  ], "single", { n: SINGLE })),
});
log("fetch");
const fetchOpts = { fetchArraySize: 1000, prefetchRows: 1000 };
benches.push({
  id: "fetch",
  title: `${ROWS.toLocaleString("en")}-row fetch of 10 columns`,
  unit: "ms, lower is better",
  series: await alternate(withPython([
    ["oradb", timed(() => o.execute("select * from b10", [], fetchOpts))],
    ["node-oracledb", timed(() =>
      n.execute("select * from b10", [], { ...fetchOpts, outFormat: oracledb.OUT_FORMAT_OBJECT }))],
  ], "fetch", { rows: ROWS })),
});
log("executeMany");
benches.push({
  id: "execute-many",
  title: `executeMany of ${ROWS.toLocaleString("en")} rows`,
  unit: "ms, lower is better",
  series: await alternate(withPython([
    ["oradb", timed(async () => {
      await o.executeMany("insert into m values (:1, :2, :3)", many);
      await o.rollback();
    })],
    ["node-oracledb", timed(async () => {
      await n.executeMany("insert into m values (:1, :2, :3)", many);
      await n.rollback();
    })],
  ], "many", { rows: ROWS })),
});

log("pool");
const op = await createPool({ ...creds, poolMin: 10, poolMax: 10 });
const np = await oracledb.createPool({ ...creds, poolMin: 10, poolMax: 10, poolIncrement: 1 });
const PER = num("pool-per");
const poolRun = (acquire) =>
  timed(() =>
    Promise.all(Array.from({ length: 50 }, async () => {
      for (let i = 0; i < PER; i++) {
        const c = await acquire();
        await c.execute("select 1 from dual");
        await c.close();
      }
    }))
  );
benches.push({
  id: "pool",
  title: `pool: 50 tasks × ${PER} acquire / select 1 / release, poolMax 10`,
  unit: "ms, lower is better",
  series: await alternate(withPython([
    ["oradb", poolRun(() => op.acquire())],
    ["node-oracledb", poolRun(() => np.getConnection())],
  ], "pool", { tasks: 50, per: PER, poolMax: 10 })),
});
await op.close({ force: true });
await np.close(0);

// Per-call latency (acquire, query by key, release) of CALLERS concurrent callers on a pool
// of CALLERS sessions; python-oracledb is left out (its threads share one interpreter lock).
log("latency under concurrency");
const lp = await createPool({ ...creds, poolMin: CALLERS, poolMax: CALLERS });
const lnp = await oracledb.createPool({ ...creds, poolMin: CALLERS, poolMax: CALLERS });
const pct = (v, p) => v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
async function latencies(acquire) {
  const lat = [];
  await Promise.all(Array.from({ length: CALLERS }, async (_, k) => {
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      const c = await acquire();
      await c.execute("select s1 from b10 where id = :1", [(k * CALLS + i) % ROWS]);
      await c.close();
      lat.push(performance.now() - t0);
    }
  }));
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99) };
}
const lat = { oradb: [], "node-oracledb": [] };
for (let round = 0; round <= RUNS; round++) {
  const a = await latencies(() => lp.acquire());
  const b = await latencies(() => lnp.getConnection());
  if (round > 0) lat.oradb.push(a), lat["node-oracledb"].push(b);
}
await lp.close({ force: true });
await lnp.close(0);
benches.push({
  id: "latency",
  title: `per-call latency, ${CALLERS} concurrent callers × ${CALLS} calls on a pool of ${CALLERS}`,
  unit: "ms, lower is better",
  groups: ["p50", "p99"].map((p) => ({
    label: p,
    series: Object.entries(lat).map(([name, runs]) => ({ name, values: runs.map((r) => r[p]) })),
  })),
});

// RSS while streaming: sampled every 20 ms and after every batch, from just before the
// cursor opens to just after it is exhausted.
log("RSS while streaming");
const STREAM = num("stream-rows");
const side = Math.ceil(Math.sqrt(STREAM));
const mib = () => process.memoryUsage().rss / 2 ** 20;
for await (const _ of o.cursor("select a.id from k a, k b where a.id < 2")) { /* warm-up */ }
globalThis.gc?.();
const points = [{ rows: 0, mib: mib() }];
let streamed = 0;
const timer = setInterval(() => points.push({ rows: streamed, mib: mib() }), 20);
const t0 = performance.now();
for await (
  const _ of o.cursor(
    `select a.id * ${side} + b.id as n, 'row ' || b.id as s from k a, k b where a.id * ${side} + b.id < ${STREAM}`,
    [],
    { fetchArraySize: 1000 },
  )
) {
  if (++streamed % 10_000 === 0) points.push({ rows: streamed, mib: mib() });
}
clearInterval(timer);
points.push({ rows: streamed, mib: mib() });
const streamMs = performance.now() - t0;
const rss = { start: points[0].mib, peak: Math.max(...points.map((p) => p.mib)), end: mib() };
const growth = rss.peak - rss.start;
await o.close();
await n.close();
server.stop();

// --- the report
const out = resolve(f.out);
const chartDir = join(dirname(out), "charts");
mkdirSync(chartDir, { recursive: true });
const git = (...a) => execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();
const dirty = git("status", "--porcelain", "--untracked-files=no") ? " (uncommitted changes)" : "";
const cpus = os.cpus();
const md = [
  "# oradb benchmark report",
  "",
  `Generated by \`node bench/report.mjs\` on ${new Date().toISOString()}; all drivers against one`,
  `\`oradb-testserver\` (${basename(dirname(server.bin))} build) on this machine, in alternating`,
  `runs: ${RUNS} measured runs each after a warm-up.`,
  "",
  "| Machine | |",
  "| --- | --- |",
  `| CPU | ${cpus[0]?.model ?? "unknown"}, ${cpus.length} cores |`,
  `| RAM | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB |`,
  `| Load average at start | ${server.load.map((l) => l.toFixed(2)).join(", ")} |`,
  `| OS | ${os.type()} ${os.release()} |`,
  `| Node | ${process.version} |`,
  `| oradb | ${git("rev-parse", "--short", "HEAD")}${dirty} |`,
  `| node-oracledb | ${oracledb.versionString} (Thin) |`,
  `| python-oracledb | ${python ? `${pythonVersion} (Thin)` : "not run"} |`,
  "",
];
const table = ["| Benchmark | Driver | Median | Min | Max | vs oradb |", "| --- | --- | --- | --- | --- | --- |"];
for (const b of benches) {
  const groups = b.groups ?? [{ label: "", series: b.series }];
  const file = join(chartDir, `${b.id}.svg`);
  writeFileSync(file, barChart({ title: b.title, unit: b.unit, groups }));
  md.push(`## ${b.title}`, "", `![${b.title}](${relative(dirname(out), file)})`, "");
  for (const g of groups) {
    const ours = spread(g.series.find((s) => s.name === "oradb").values).median;
    for (const s of g.series) {
      const r = spread(s.values);
      table.push(
        `| ${b.title}${g.label ? ` (${g.label})` : ""} | ${s.name} | ${r.median.toFixed(1)} ms | ${r.min.toFixed(1)} | ${r.max.toFixed(1)} | ${s.name === "oradb" ? "" : `${(r.median / ours).toFixed(2)}x`} |`,
      );
    }
  }
}
const rssFile = join(chartDir, "rss.svg");
writeFileSync(rssFile, lineChart({
  title: `oradb RSS while streaming ${streamed.toLocaleString("en")} rows`,
  unit: "RSS, MiB",
  points,
}));
md.push(
  `## RSS while streaming ${streamed.toLocaleString("en")} rows`,
  "",
  `![RSS while streaming](${relative(dirname(out), rssFile)})`,
  "",
  `\`for await\` over \`conn.cursor()\` (fetchArraySize 1000), ${(streamMs / 1000).toFixed(1)} s:`,
  `RSS ${rss.start.toFixed(1)} MiB at the start, ${rss.peak.toFixed(1)} MiB at the peak,`,
  `${rss.end.toFixed(1)} MiB at the end; peak − start ${growth.toFixed(1)} MiB`,
  `(bound ${f["rss-bound"]} MiB).`,
  "",
  "## All numbers",
  "",
  "Times in ms; \"vs oradb\" above 1 means oradb is faster.",
  "",
  ...table,
  "",
);
writeFileSync(out, md.join("\n"));
console.log(`report: ${out}`);
console.log(table.join("\n"));
console.log(
  `RSS while streaming ${streamed} rows: start ${rss.start.toFixed(1)} MiB, peak ${rss.peak.toFixed(1)}, end ${rss.end.toFixed(1)}; peak-start ${growth.toFixed(1)} MiB (bound ${f["rss-bound"]})`,
);
if (streamed !== STREAM) throw new Error(`streamed ${streamed} rows, expected ${STREAM}`);
if (growth > num("rss-bound")) {
  console.error(`FAIL: RSS grew ${growth.toFixed(1)} MiB while streaming (bound ${f["rss-bound"]})`);
  process.exit(1);
}
