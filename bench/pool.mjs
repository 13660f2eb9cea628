// The pool benchmark alone, with CPU per acquire/select/release by thread:
// 50 tasks × N (acquire, select 1 from dual, release) on poolMax 10, oradb
// against node-oracledb Thin, alternating, on one test server.
// Usage: node bench/pool.mjs [dist-dir ...]   (default: this checkout's dist)
//   ORADB_BENCH_SERVER=path runs another test server binary.
//   Several dist dirs (other checkouts' builds) run in the same process, so
//   their ratios come from the same run. ROUNDS=7 PER=100 change the sizes.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import oracledb from "oracledb";

const root = new URL("..", import.meta.url).pathname;
const bin = process.env.ORADB_BENCH_SERVER ??
  ["release", "debug"].map((p) => join(root, "target", p, "oradb-testserver")).find(existsSync);
const rounds = Number(process.env.ROUNDS ?? 7);
const per = Number(process.env.PER ?? 100);
const tasks = 50;
const dists = process.argv.length > 2 ? process.argv.slice(2) : [join(root, "dist")];

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
  env: { ...process.env, ORADB_TESTSERVER_USERS: "scott/tiger" },
});
const addr = await new Promise((ok) => server.stdout.once("data", (d) => ok(String(d).trim())));
const creds = { user: "scott", password: "tiger", connectString: `${addr}/FREEPDB1` };

/** CPU ms (user + system) of a /proc stat file, at 100 Hz. */
const statMs = (path) => {
  const f = readFileSync(path, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
/** CPU ms of each thread of this process, summed by thread name. */
function threads() {
  const out = {};
  for (const t of readdirSync("/proc/self/task")) {
    try {
      const name = readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim()
        .replace(/[-_ ]?\d+$/, "");
      out[name] = (out[name] ?? 0) + statMs(`/proc/self/task/${t}/stat`);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(fn) {
  const [t0, s0, c0, th0] = [
    performance.now(),
    statMs(`/proc/${server.pid}/stat`),
    cpu(),
    threads(),
  ];
  await fn();
  const th = threads();
  for (const k of Object.keys(th)) th[k] -= th0[k] ?? 0;
  return {
    ms: performance.now() - t0,
    client: cpu() - c0,
    server: statMs(`/proc/${server.pid}/stat`) - s0,
    th,
  };
}

const run = (acquire) => () =>
  Promise.all(Array.from({ length: tasks }, async () => {
    for (let i = 0; i < per; i++) {
      const c = await acquire();
      await c.execute("select 1 from dual");
      await c.close();
    }
  }));

const sides = [];
for (const d of dists) {
  const { createPool } = await import(resolve(d, "mod.js"));
  const p = await createPool({ ...creds, poolMin: 10, poolMax: 10 });
  sides.push({
    name: `oradb ${d}`,
    fn: run(() => p.acquire()),
    close: () => p.close({ force: true }),
  });
}
const np = await oracledb.createPool({
  ...creds,
  poolMin: 10,
  poolMax: 10,
  poolIncrement: 1,
  queueMax: -1,
});
sides.push({ name: "node-oracledb", fn: run(() => np.getConnection()), close: () => np.close(0) });

const res = sides.map(() => []);
for (let r = 0; r <= rounds; r++) {
  for (let i = 0; i < sides.length; i++) {
    const m = await measure(sides[i].fn);
    if (r > 0) res[i].push(m); // round 0 warms up
  }
}
const ops = tasks * per;
const med = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
const them = med(res.at(-1).map((m) => m.ms));
for (let i = 0; i < sides.length; i++) {
  const ms = med(res[i].map((m) => m.ms));
  const us = (k) => (med(res[i].map(k)) * 1000 / ops).toFixed(1);
  const names = Object.keys(res[i][0].th).filter((k) => res[i].some((m) => m.th[k] > 0));
  const th = names.map((k) => `${k} ${us((m) => m.th[k] ?? 0)}`).join(", ");
  console.log(
    `${sides[i].name}: ${ms.toFixed(0)} ms (median of ${rounds}), ratio ${
      (them / ms).toFixed(2)
    }x, ` +
      `CPU/op client ${us((m) => m.client)} us, server ${us((m) => m.server)} us; threads: ${th}`,
  );
}
for (const s of sides) await s.close();
server.once("exit", () => rmSync(data, { recursive: true, force: true }));
server.kill();
