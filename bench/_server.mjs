// A fresh oradb-testserver for a benchmark run, and its tables.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import oracledb from "oracledb";

/** Starts the server (ORADB_TESTSERVER, else the release build, else debug) on a free port. */
export async function startServer(root) {
  const bin = [
    process.env.ORADB_TESTSERVER,
    ...["release", "debug"].map((p) => join(root, "target", p, "oradb-testserver")),
  ].find((p) => p && existsSync(p));
  if (!bin) throw new Error("no oradb-testserver: cargo build -p oradb-testserver --release");
  const load = os.loadavg();
  const data = mkdtempSync(join(os.tmpdir(), "oradb-bench-"));
  const child = spawn(bin, ["--listen", "127.0.0.1:0", "--service", "FREEPDB1", "--data", data], {
    stdio: ["ignore", "pipe", "inherit"],
    // In the environment: a password on the command line shows in `ps`.
    env: { ...process.env, ORADB_TESTSERVER_USERS: "scott/tiger" },
  });
  const addr = await new Promise((ok, fail) => {
    child.stdout.once("data", (d) => ok(String(d).trim()));
    child.once("exit", (code) => fail(new Error(`oradb-testserver exited (${code})`)));
  });
  // The data directory goes with the server (each run left its tables in the temp dir).
  const stop = () => {
    child.once("exit", () => rmSync(data, { recursive: true, force: true }));
    child.kill();
  };
  return { bin, load, pid: child.pid, connectString: `${addr}/FREEPDB1`, stop };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** b10 (`rows` rows of 10 columns), m (executeMany's target) and k (ids 0..side-1). */
export async function loadTables(creds, rows, side) {
  const c = await oracledb.getConnection(creds);
  await c.execute(
    `create table b10 (id number, n1 number, n2 number(10,2), n3 number, s1 varchar2(40), s2 varchar2(40), s3 varchar2(40), d1 date, d2 date, d3 timestamp)`,
  );
  const now = new Date(2024, 0, 1);
  for (let i = 0; i < rows; i += 20_000) {
    const chunk = Array.from({ length: Math.min(20_000, rows - i) }, (_, j) => {
      const id = i + j;
      return [
        id,
        id * 3,
        id / 4,
        -id,
        `name ${id}`,
        `second ${id % 97}`,
        "x".repeat(20),
        now,
        now,
        now,
      ];
    });
    await c.executeMany("insert into b10 values (:1,:2,:3,:4,:5,:6,:7,:8,:9,:10)", chunk);
  }
  await c.execute("create unique index b10_id on b10 (id)");
  await c.execute("create table m (id number, s varchar2(20), d date)");
  await c.execute("create table k (id number primary key)");
  await c.executeMany("insert into k values (:1)", Array.from({ length: side }, (_, i) => [i]));
  await c.commit();
  await c.close();
}
