// Native network encryption's cost (issue 18): oradb fetching 100,000 rows of 10 columns from
// one test server without NNE and from another with AES256 + SHA256 required, 5 runs of each,
// alternating, medians and the spread printed. Same machine, same run.
// Usage: npm run build && node bench/nne.mjs   (uses target/release if built)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "../dist/mod.js";

const root = new URL("..", import.meta.url).pathname;
const bin = ["release", "debug"].map((p) => join(root, "target", p, "oradb-testserver")).find(
  existsSync,
);
const RUNS = 5;
const ROWS = 100_000;

async function start(extra) {
  const server = spawn(bin, [
    "--listen",
    "127.0.0.1:0",
    "--service",
    "FREEPDB1",
    "--data",
    mkdtempSync(join(tmpdir(), "oradb-bench-nne-")),
    ...extra,
  ], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ORADB_TESTSERVER_USERS: "scott/tiger" },
  });
  const addr = await new Promise((ok) => server.stdout.once("data", (d) => ok(String(d).trim())));
  return { server, connectString: `${addr.split("\n")[0]}/FREEPDB1` };
}

const plain = await start([]);
const nne = await start(["--encryption", "required", "--integrity", "required"]);
const login = (s, protect) => ({
  user: "scott",
  password: "tiger",
  connectString: s.connectString,
  ...(protect
    ? {
      networkEncryption: "required",
      encryptionTypes: ["AES256"],
      networkIntegrity: "required",
      integrityTypes: ["SHA256"],
    }
    : {}),
});

const now = new Date(2024, 0, 1);
const rows = Array.from(
  { length: ROWS },
  (_, i) => [i, i * 3, i / 4, -i, `name ${i}`, `second ${i % 97}`, "x".repeat(20), now, now, now],
);
const conns = {};
for (const [name, s, protect] of [["plain", plain, false], ["nne", nne, true]]) {
  const c = await connect(login(s, protect));
  if (protect && (c.networkEncryption !== "AES256" || c.networkIntegrity !== "SHA256")) {
    throw new Error(`not protected: ${c.networkEncryption}/${c.networkIntegrity}`);
  }
  await c.execute(
    `create table b10 (id number, n1 number, n2 number(10,2), n3 number, s1 varchar2(40), s2 varchar2(40), s3 varchar2(40), d1 date, d2 date, d3 timestamp)`,
  );
  for (let i = 0; i < rows.length; i += 20_000) {
    await c.executeMany(
      "insert into b10 values (:1,:2,:3,:4,:5,:6,:7,:8,:9,:10)",
      rows.slice(i, i + 20_000),
    );
  }
  await c.commit();
  conns[name] = c;
}

async function fetchAll(c) {
  const t0 = performance.now();
  const r = await c.execute("select * from b10", [], { outFormat: "array", fetchArraySize: 1000 });
  if (r.rows.length !== ROWS) throw new Error(`${r.rows.length} rows`);
  return performance.now() - t0;
}

const times = { plain: [], nne: [] };
await fetchAll(conns.plain); // warm-up, both
await fetchAll(conns.nne);
for (let i = 0; i < RUNS; i++) {
  times.plain.push(await fetchAll(conns.plain));
  times.nne.push(await fetchAll(conns.nne));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const span = (a) => `${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)} ms`;
const [mp, mn] = [median(times.plain), median(times.nne)];
console.log(`100,000 rows x 10 columns, ${RUNS} runs each, alternating`);
console.log(`  without NNE:        median ${mp.toFixed(0)} ms (${span(times.plain)})`);
console.log(`  AES256 + SHA256:    median ${mn.toFixed(0)} ms (${span(times.nne)})`);
console.log(`  NNE overhead: ${((mn / mp - 1) * 100).toFixed(1)} % (target: under 30 %)`);
for (const c of Object.values(conns)) await c.close();
plain.server.kill();
nne.server.kill();
