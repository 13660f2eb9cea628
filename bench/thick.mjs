// Thick mode against node-oracledb Thick (issue 14), and against oradb thin, in one run on one
// oradb-testserver and one Instant Client: 500 sequential single-row queries, a 100,000-row
// fetch of 10 columns, and a pool (50 tasks × 100 acquire/select 1/release, poolMax 10).
// node-oracledb takes one mode per process and oradb's thick switch is per module instance, so
// each side runs in its own child process (this file with `--side NAME`); the parent starts the
// server, loads the tables, runs the sides one after the other ROUNDS times and prints medians,
// ratios and CPU µs per call by thread. Ratios > 1 mean oradb thick is faster.
// Usage: npx tsc -p tsconfig.json && node bench/thick.mjs
//   ORADB_INSTANTCLIENT (default .tmp/instantclient_19_3) is the libDir of both thick sides;
//   ORADB_TESTSERVER picks the server binary (else target/release, else target/debug);
//   WORK=pool (or single,fetch) runs only those workloads; ROUNDS=3 runs each side 3 times.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const libDir = process.env.ORADB_INSTANTCLIENT ?? join(root, ".tmp", "instantclient_19_3");
const SIDES = ["oradb-thick", "node-thick", "oradb-thin"];
const RUNS = 5; // measured runs per workload in a child, after one warm-up run
const WORK = (process.env.WORK ?? "single,fetch,pool").split(",");

/** CPU ms (user + system) of a /proc stat file, at 100 Hz. */
const statMs = (path) => {
  const s = readFileSync(path, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};

/** CPU ms of this process's threads by kind: the JS thread, and the others by name. */
function threads() {
  const out = {};
  for (const t of readdirSync("/proc/self/task")) {
    try {
      const name = Number(t) === process.pid ? "js" : readFileSync(
        `/proc/self/task/${t}/comm`,
        "utf8",
      ).trim().replace(/[-_ ]?\d+$/, "");
      out[name] = (out[name] ?? 0) + statMs(`/proc/self/task/${t}/stat`);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

async function measure(fn, serverPid) {
  const [t0, s0, th0] = [performance.now(), statMs(`/proc/${serverPid}/stat`), threads()];
  await fn();
  const th = threads();
  for (const k of Object.keys(th)) th[k] -= th0[k] ?? 0;
  return { ms: performance.now() - t0, server: statMs(`/proc/${serverPid}/stat`) - s0, th };
}

/** One side's workloads, in a child process; prints one JSON line. */
async function child(side, creds, serverPid) {
  let conn, pool;
  if (side === "node-thick") {
    const { default: oracledb } = await import("oracledb");
    oracledb.initOracleClient({ libDir });
    const c = await oracledb.getConnection(creds);
    const p = await oracledb.createPool({
      ...creds,
      poolMin: 10,
      poolMax: 10,
      poolIncrement: 1,
      queueMax: -1,
    });
    const opts = {
      fetchArraySize: 1000,
      prefetchRows: 1000,
      outFormat: oracledb.OUT_FORMAT_OBJECT,
    };
    conn = { one: (i) => c.execute("select s1 from b10 where id = :1", [i]) };
    conn.all = async () => (await c.execute("select * from b10", [], opts)).rows.length;
    conn.close = () => c.close();
    pool = { acquire: () => p.getConnection(), close: () => p.close(0) };
  } else {
    const mod = await import(join(root, "dist", "mod.js"));
    if (side === "oradb-thick") await mod.initOracleClient({ libDir });
    const c = await mod.connect(creds);
    const p = await mod.createPool({ ...creds, poolMin: 10, poolMax: 10 });
    const opts = { fetchArraySize: 1000, prefetchRows: 1000 };
    conn = { one: (i) => c.execute("select s1 from b10 where id = :1", [i]) };
    conn.all = async () => (await c.execute("select * from b10", [], opts)).rows.length;
    conn.close = () => c.close();
    pool = { acquire: () => p.acquire(), close: () => p.close({ force: true }) };
  }
  const work = {
    single: [500, async () => {
      for (let i = 0; i < 500; i++) await conn.one(i);
    }],
    fetch: [1, async () => {
      if (await conn.all() !== 100_000) throw new Error("the fetch did not get 100,000 rows");
    }],
    pool: [5000, () =>
      Promise.all(Array.from({ length: 50 }, async () => {
        for (let i = 0; i < 100; i++) {
          const c = await pool.acquire();
          await c.execute("select 1 from dual");
          await c.close();
        }
      }))],
  };
  const out = {};
  for (const [name, [ops, fn]] of Object.entries(work).filter(([n]) => WORK.includes(n))) {
    await fn(); // warm-up
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await measure(fn, serverPid));
    runs.sort((a, b) => a.ms - b.ms);
    // CPU per call: sums over the runs (the kernel counts in 10 ms steps).
    const us = (f) => runs.reduce((t, m) => t + f(m), 0) * 1000 / (RUNS * ops);
    const names = [...new Set(runs.flatMap((m) => Object.keys(m.th)))];
    const th = Object.fromEntries(
      names.map((k) => [k, us((m) => m.th[k] ?? 0)]).filter(([, v]) => v > 0),
    );
    out[name] = { ms: runs[RUNS >> 1].ms, us: th, server: us((m) => m.server) };
  }
  await conn.close();
  await pool.close();
  console.log(JSON.stringify(out));
}

async function parent() {
  const { startServer, loadTables } = await import("./_server.mjs");
  const server = await startServer(root);
  const creds = { user: "scott", password: "tiger", connectString: server.connectString };
  const pid = Number(
    execFileSync("pgrep", ["-n", "-f", `${server.bin} --listen`], { encoding: "utf8" }).trim(),
  );
  try {
    await loadTables(creds, 100_000, 10);
    const rounds = Number(process.env.ROUNDS ?? 1);
    const res = Object.fromEntries(SIDES.map((s) => [s, []]));
    for (let r = 0; r < rounds; r++) {
      for (const side of SIDES) {
        const out = execFileSync(process.execPath, [
          new URL(import.meta.url).pathname,
          "--side",
          side,
          JSON.stringify(creds),
          String(pid),
        ], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
        res[side].push(JSON.parse(out.trim().split("\n").at(-1)));
      }
    }
    const med = (v) => v.slice().sort((a, b) => a - b)[v.length >> 1];
    console.log(`server ${server.bin}; load before ${server.load.map((l) => l.toFixed(2))}`);
    for (const w of WORK) {
      const ms = Object.fromEntries(SIDES.map((s) => [s, med(res[s].map((o) => o[w].ms))]));
      console.log(
        `${w}: oradb thick ${ms["oradb-thick"].toFixed(0)} ms, node-oracledb Thick ` +
          `${ms["node-thick"].toFixed(0)} ms, oradb thin ${ms["oradb-thin"].toFixed(0)} ms` +
          ` | thick vs node-oracledb Thick ${(ms["node-thick"] / ms["oradb-thick"]).toFixed(2)}x` +
          ` | thick vs thin ${(ms["oradb-thin"] / ms["oradb-thick"]).toFixed(2)}x`,
      );
      // The spread: each round's ratio (the sides of one round ran one after the other).
      const per = res["oradb-thick"].map((o, r) => res["node-thick"][r][w].ms / o[w].ms);
      console.log(
        `  thick vs node-oracledb Thick by round: ${per.map((x) => x.toFixed(2)).join(", ")}`,
      );
      if (w === "fetch") continue; // one call: CPU per call is the whole run
      for (const s of SIDES) {
        const last = res[s].at(-1)[w];
        const th = Object.entries(last.us).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ");
        console.log(`  CPU µs per call, ${s}: ${th}; server ${last.server.toFixed(1)}`);
      }
    }
  } finally {
    server.stop();
  }
}

if (process.argv[2] === "--side") {
  await child(process.argv[3], JSON.parse(process.argv[4]), Number(process.argv[5]));
} else {
  await parent();
}
