/**
 * Soak test (run by scripts/test.sh under Node, not a unit test): 300,000 mixed calls on a pool —
 * queries, inserts, constraint errors, PL/SQL errors and OUT binds, breaks, aborts and call
 * timeouts — against a fresh test server. At the end every session's open cursors are back at
 * their baseline, no value came back wrong, and the process RSS grew less than 5 MiB over the
 * last 100,000. Prints one line per check and ends with `soak: N passed, M failed`.
 *
 * Usage: node dist/tests/soak.js [CALLS=300000]
 *
 * @module
 */

import process from "node:process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  BIND_INOUT,
  BIND_OUT,
  connect,
  type Connection,
  createPool,
  DB_TYPE_NUMBER,
  DB_TYPE_VARCHAR,
  OracleError,
  type Pool,
} from "../mod.ts";
import { startTestServer } from "./_server.ts";
import { rng } from "./_rng.ts";

/**
 * RSS climbs while the allocators of the JS and I/O threads (and V8's committed heap) reach their
 * high-water mark, then swings around it (measured: 56 -> 87 MiB while the JS heap stays at
 * 5-15 MiB). How soon depends on how much the JS thread allocates: with row plans cached per
 * statement the climb went on to ~180,000 calls (600,000 calls: 65 -> 97 MiB by 240,000, back to
 * 81 at 300,000, 97 at 540,000; no trend). So 200,000 calls warm up and the last 100,000 are the
 * ones whose growth is held under 5 MiB.
 */
const CALLS = Number(process.argv[2] ?? 300_000);
/** Calls after which the RSS is first sampled: all but the last 100,000 (a third of them). */
const WARM = Math.max(Math.floor(CALLS / 3), CALLS - 100_000);
const TASKS = 8;
/** Calls a task makes on one session before releasing it. */
const PER_ACQUIRE = 25;
const MIB = 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const tally = { calls: 0, wrong: 0, unexpected: 0, byKind: new Map<string, number>() };
const wrongSamples: string[] = [];

function wrong(what: string): void {
  tally.wrong++;
  if (wrongSamples.length < 10) wrongSamples.push(what);
}

function count(kind: string): void {
  tally.calls++;
  tally.byKind.set(kind, (tally.byKind.get(kind) ?? 0) + 1);
}

function codeOf(e: unknown): string {
  return e instanceof OracleError ? e.code : String(e);
}

/** Expects the call to fail with one of `codes`. */
async function expectError(p: Promise<unknown>, codes: string[], what: string): Promise<void> {
  try {
    await p;
    wrong(`${what}: succeeded, expected ${codes.join("/")}`);
  } catch (e) {
    if (!codes.includes(codeOf(e))) wrong(`${what}: ${codeOf(e)}, expected ${codes.join("/")}`);
  }
}

let nextId = 1;

/** One call of a randomly chosen kind; checks its result. */
async function oneCall(conn: Connection, rand: () => number): Promise<void> {
  const r = rand();
  if (r < 0.72) {
    const a = Math.floor(rand() * 1e6), b = Math.floor(rand() * 1e6);
    const t = `t${a}`;
    const res = await conn.execute<{ S: number; T: string }>(
      "select :a + :b as s, :t as t from dual",
      { t, b, a },
    );
    const row = res.rows?.[0];
    if (row?.S !== a + b || row?.T !== t) wrong(`select ${a}+${b}: ${JSON.stringify(row)}`);
    return count("query");
  }
  if (r < 0.80) {
    const id = nextId++;
    const res = await conn.execute("insert into soak (id, v) values (:id, :v)", {
      v: `v${id}`,
      id,
    }, { autoCommit: true });
    if (res.rowsAffected !== 1) wrong(`insert ${id}: rowsAffected ${res.rowsAffected}`);
    return count("insert");
  }
  if (r < 0.86) {
    await expectError(
      conn.execute("insert into soak (id, v) values (:id, 'dup')", { id: 0 }),
      ["ORA-00001"],
      "duplicate insert",
    );
    return count("constraint error");
  }
  if (r < 0.91) {
    await expectError(
      conn.execute("begin raise_application_error(-20001, 'soak'); end;"),
      ["ORA-20001"],
      "PL/SQL error",
    );
    return count("PL/SQL error");
  }
  if (r < 0.997) {
    const x = Math.floor(rand() * 1000), y = Math.floor(rand() * 1000);
    const res = await conn.execute(
      "begin :o := :x * 2; :s := :x || '-' || :y; :y := :y + 1; end;",
      {
        s: { dir: BIND_OUT, type: DB_TYPE_VARCHAR, maxSize: 20 },
        y: { dir: BIND_INOUT, type: DB_TYPE_NUMBER, val: y },
        o: { dir: BIND_OUT, type: DB_TYPE_NUMBER },
        x,
      },
    );
    const o = res.outBinds as Record<string, unknown>;
    if (o.o !== x * 2 || o.s !== `${x}-${y}` || o.y !== y + 1) {
      wrong(`PL/SQL outs for x=${x} y=${y}: ${JSON.stringify(o)}`);
    }
    return count("PL/SQL OUT");
  }
  return await interrupted(conn, rand);
}

/** A call stopped by break(), an AbortSignal or a call timeout (or finished just before). */
async function interrupted(conn: Connection, rand: () => number): Promise<void> {
  const sleep = "begin dbms_session.sleep(2); end;";
  const way = Math.floor(rand() * 3);
  if (way === 0) {
    const call = conn.execute(sleep);
    setTimeout(() => conn.break().catch(() => {}), 5);
    await expectError(call, ["ORA-01013"], "break");
    return count("break");
  }
  if (way === 1) {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 5);
    await expectError(conn.execute(sleep, [], { signal: ac.signal }), ["ODB-5004"], "abort");
    return count("abort");
  }
  conn.callTimeout = 5;
  try {
    await expectError(conn.execute(sleep), ["ODB-5011"], "call timeout");
  } finally {
    conn.callTimeout = 0;
  }
  return count("call timeout");
}

async function task(
  pool: Pool,
  seed: number,
  budget: () => boolean,
  left: () => boolean,
): Promise<void> {
  const rand = rng(seed);
  while (left()) {
    await using conn = await pool.acquire();
    for (let i = 0; i < PER_ACQUIRE && budget(); i++) {
      try {
        await oneCall(conn, rand);
      } catch (e) {
        tally.unexpected++;
        if (wrongSamples.length < 10) wrongSamples.push(`unexpected ${codeOf(e)}: ${e}`);
      }
    }
  }
}

/** `opened cursors current` of every session, by SID. */
async function cursorsBySid(conn: Connection): Promise<Map<number, number>> {
  const { rows } = await conn.execute<[number, number]>(
    `select s.sid, s.value from v$sesstat s join v$statname n on n.statistic# = s.statistic#
      where n.name = 'opened cursors current'`,
    [],
    { outFormat: "array" },
  );
  return new Map((rows ?? []).map(([sid, v]) => [Number(sid), Number(v)]));
}

/**
 * Open cursors by SID once every session has made one more round trip: cursor closes queued by
 * a session's last call ride on its next one (as in Oracle's clients), so they count until then.
 */
async function settledCursors(pool: Pool): Promise<Map<number, number>> {
  const all = await Promise.all(Array.from({ length: TASKS }, () => pool.acquire()));
  try {
    // Every session runs the probe itself, so each caches the same statements.
    for (const c of all) await cursorsBySid(c);
    await Promise.all(all.map((c) => c.ping()));
    return await cursorsBySid(all[0]);
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }
}

function rssMiB(): number {
  gc();
  return process.memoryUsage().rss / MIB;
}

async function main(): Promise<void> {
  await using db = await startTestServer();
  const creds = { user: db.user, password: db.password, connectString: db.connectString };
  {
    // Not on a pooled session: its statement cache would differ from the others'.
    await using setup = await connect(creds);
    await setup.execute("create table soak (id number primary key, v varchar2(40))");
    await setup.execute("insert into soak values (0, 'zero')", [], { autoCommit: true });
  }
  await using pool = await createPool({ ...creds, poolMin: TASKS, poolMax: TASKS });
  // Warm every session with each kind of call: the statement cache then holds what it holds
  // for the rest of the run, and that is each session's baseline.
  const warm = await Promise.all(Array.from({ length: TASKS }, () => pool.acquire()));
  for (const [i, conn] of warm.entries()) {
    // Fixed draws first: a query, then an insert (the two cached statements), then random.
    for (const r of [0, 0.75]) await oneCall(conn, () => r);
    const rand = rng(1_000_000 + i);
    for (let k = 0; k < 60; k++) await oneCall(conn, rand);
  }
  await Promise.all(warm.map((c) => c.close()));
  const baseline = await settledCursors(pool);
  const warmCalls = tally.calls;
  const started = Date.now();
  let issued = 0;
  let midRss = 0;
  /** Takes one call from the budget; false once every call was handed out. */
  const budget = () => {
    if (issued >= CALLS) return false;
    if (issued === WARM) midRss = rssMiB();
    if (process.env.SOAK_DEBUG && issued % Math.floor(CALLS / 10) === 0) {
      const m = process.memoryUsage();
      console.log(
        `mem at ${issued}: rss ${(m.rss / MIB).toFixed(1)} heap ${(m.heapUsed / MIB).toFixed(1)} ` +
          `external ${(m.external / MIB).toFixed(1)} buffers ${(m.arrayBuffers / MIB).toFixed(1)}`,
      );
    }
    issued++;
    return true;
  };
  const left = () => issued < CALLS;
  const progress = setInterval(() => {
    const done = tally.calls - warmCalls;
    console.log(`soak: ${done} calls, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, 10_000);
  try {
    await Promise.all(Array.from({ length: TASKS }, (_, i) => task(pool, i + 1, budget, left)));
  } finally {
    clearInterval(progress);
  }
  const endRss = rssMiB();
  const seconds = (Date.now() - started) / 1000;
  const done = tally.calls - warmCalls;
  console.log(
    `soak: ${done} calls in ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s): ` +
      [...tally.byKind].map(([k, n]) => `${k} ${n}`).join(", "),
  );
  for (const s of wrongSamples) console.log(`  ${s}`);
  const after = await settledCursors(pool);
  if (process.env.SOAK_DEBUG) console.log("baseline", baseline, "after", after);
  const worst = Math.max(...baseline.values());
  const grown = [...after].filter(([sid, n]) => n > (baseline.get(sid) ?? worst));
  const checks: [string, boolean, string][] = [
    ["every call made", done >= CALLS, `${done} of ${CALLS}`],
    ["no value wrong", tally.wrong === 0, `${tally.wrong} wrong`],
    ["no unexpected error", tally.unexpected === 0, `${tally.unexpected} unexpected`],
    [
      "open cursors at baseline in every session",
      grown.length === 0,
      grown.length === 0
        ? `${after.size} sessions, at most ${Math.max(...after.values())} open`
        : grown.map(([sid, n]) => `sid ${sid}: ${baseline.get(sid)} -> ${n}`).join(", "),
    ],
    [
      `RSS growth over the last ${CALLS - WARM} calls under 5 MiB`,
      endRss - midRss < 5,
      `${midRss.toFixed(1)} -> ${endRss.toFixed(1)} MiB`,
    ],
  ];
  let failed = 0;
  for (const [name, ok, detail] of checks) {
    if (!ok) failed++;
    console.log(`${ok ? "ok" : "FAIL"} ${name}: ${detail}`);
  }
  console.log(`soak: ${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
