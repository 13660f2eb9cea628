import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  BFILE,
  CLOB,
  connect,
  Connection,
  createPool,
  DB_TYPE_BFILE,
  ErrorCode,
  initOracleClient,
  Lob,
  OracleError,
} from "../mod.ts";
import { loadNative } from "../src/_native.ts";
import { dropFirst, SKIP_SERVER, startTestServer, type TestServer } from "./_server.ts";

/** Skipped only without the addon or the server binary, which the test run counts as failed. */
const server = { skip: SKIP_SERVER };

// Thick mode needs Instant Client: ORADB_INSTANTCLIENT or .tmp/instantclient_19_3 of the
// repository (scripts/instantclient.sh), also on LD_LIBRARY_PATH (OCI finds its own libraries
// there). Without it these tests fail: they never skip.
const up = import.meta.url.endsWith(".ts") ? "../" : "../../";
const IC_DIR = process.env.ORADB_INSTANTCLIENT ??
  fileURLToPath(new URL(`${up}.tmp/instantclient_19_3`, import.meta.url));

const login = (db: TestServer) => ({
  user: db.user,
  password: db.password,
  connectString: db.connectString,
});

async function rejection(p: Promise<unknown>): Promise<OracleError> {
  const e = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(e instanceof OracleError, `expected an OracleError, got ${String(e)}`);
  return e;
}

/** Runs tests/_thick_child in a fresh process; its one JSON line, or why it gave none. */
function child(mode: string, libDir: string, cs: string, env: Record<string, string | undefined>) {
  const ts = import.meta.url.endsWith(".ts");
  const script = fileURLToPath(new URL(`./_thick_child.${ts ? "ts" : "js"}`, import.meta.url));
  const args = ts ? ["run", "--allow-all", script] : [script];
  const r = spawnSync(process.execPath, [...args, mode, libDir, cs], {
    env: env as NodeJS.ProcessEnv,
    // OCI writes sqlnet.log into the working directory when a connection fails.
    cwd: tmpdir(),
    encoding: "utf8",
    timeout: 60_000,
  });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  assert.ok(
    line.startsWith("{"),
    `child ${mode} gave no result (status ${r.status}, signal ${r.signal}): ${
      r.stderr.slice(-800)
    }`,
  );
  return JSON.parse(line);
}

test("Instant Client is installed and on LD_LIBRARY_PATH", () => {
  assert.ok(
    existsSync(join(IC_DIR, "libclntsh.so")),
    `no libclntsh.so in ${IC_DIR}: run scripts/instantclient.sh or set ORADB_INSTANTCLIENT`,
  );
  const path = (process.env.LD_LIBRARY_PATH ?? "").split(":");
  assert.ok(path.includes(IC_DIR), `LD_LIBRARY_PATH must include ${IC_DIR}`);
});

test("initOracleClient rejects an unknown option with ODB-5003 and stays thin", async () => {
  const e = await rejection(initOracleClient({ libdir: IC_DIR } as never));
  assert.equal(e.code, ErrorCode.UNKNOWN_OPTION);
});

test(
  "a missing client library is ODB-1040 quoting DPI-1047, and thin keeps working",
  server,
  async () => {
    await using db = await startTestServer();
    const empty = mkdtempSync(join(tmpdir(), "oradb-no-ic-"));
    try {
      const env = { ...process.env, LD_LIBRARY_PATH: undefined };
      const r = child("missing", empty, db.connectString, env);
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.init.isOracleError, true);
      assert.equal(r.init.code, "ODB-1040");
      assert.match(r.init.message, /^ODB-1040: Oracle Client library \(libclntsh\) could not be/);
      assert.ok(r.init.message.includes(empty), r.init.message);
      assert.match(r.init.message, /DPI-1047: Cannot locate a 64-bit Oracle Client library/);
      assert.deepEqual([r.thin, r.rows], [true, [[7]]]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  },
);

test(
  "thick mode: encryption REQUIRED in sqlnet.ora meets a server that requires it; REJECTED gets ORA-12660",
  server,
  async () => {
    await using db = await startTestServer({
      args: ["--encryption", "required", "--integrity", "required"],
    });
    // OCI writes sqlnet.log into the working directory when a connection fails.
    const env = { ...process.env, LD_LIBRARY_PATH: IC_DIR };
    const on = child("nne-required", IC_DIR, db.connectString, env);
    assert.equal(on.ok, true, JSON.stringify(on));
    assert.equal(on.thin, false);
    const banners = (on.banners as string[]).join(" | ");
    assert.match(banners, /AES256 Encryption service adapter/);
    assert.match(banners, /SHA256 Crypto-checksumming service adapter/);
    const off = child("nne-rejected", IC_DIR, db.connectString, env);
    assert.equal(off.ok, false, JSON.stringify(off));
    assert.equal(off.error.code, "ORA-12660");
  },
);

test(
  "thick mode: thin connections made before keep working; new ones go through OCI",
  server,
  async () => {
    await using db = await startTestServer();
    await using thin = await connect(login(db));
    assert.equal(thin.thin, true);
    await initOracleClient({ libDir: IC_DIR });
    await initOracleClient({ libDir: IC_DIR }); // same options: nothing to do
    const again = await rejection(initOracleClient({ libDir: IC_DIR, driverName: "x" }));
    assert.equal(again.code, ErrorCode.THICK_UNAVAILABLE);
    await using thick = await connect(login(db));
    assert.equal(thick.thin, false);
    assert.match(thick.serverVersion, /^\d+\.\d+\.\d+\.\d+\.\d+$/);
    const r = await thin.execute<[number]>("SELECT 1 FROM dual", [], { outFormat: "array" });
    assert.deepEqual(r.rows, [[1]]);
    // Pools made now are OCI's (tests/thick_pool_test.ts).
    await using pool = await createPool({ ...login(db), poolMax: 1 });
    await using pooled = await pool.acquire();
    assert.equal(pooled.thin, false);
    // Thin-only protections are refused, not dropped: thick mode reads them from sqlnet.ora.
    const nne = await rejection(connect({ ...login(db), networkEncryption: "required" }));
    assert.equal(nne.code, ErrorCode.THICK_UNAVAILABLE);
    assert.match(nne.message, /networkEncryption/);
    const nnePool = await rejection(createPool({ ...login(db), integrityTypes: ["SHA256"] }));
    assert.equal(nnePool.code, ErrorCode.THICK_UNAVAILABLE);
    assert.match(nnePool.message, /integrityTypes/);
  },
);

test(
  "thick mode: sharding keys on connect() route the session by the same rules as thin mode",
  server,
  async () => {
    await using db = await startTestServer({
      args: ["--shard", "low=range:..100", "--shard", "names=list:Mary,Bob"],
    });
    await initOracleClient({ libDir: IC_DIR });
    const where = async (o: object) => {
      await using conn = await connect({ ...login(db), ...o });
      assert.equal(conn.thin, false);
      const r = await conn.execute<[string]>(
        "SELECT SYS_CONTEXT('USERENV', 'DB_NAME') FROM dual",
        [],
        { outFormat: "array" },
      );
      return r.rows![0][0];
    };
    assert.equal(await where({ shardingKey: [42] }), "LOW");
    assert.equal(await where({ shardingKey: ["Mary"] }), "NAMES");
    assert.equal(await where({}), "FREEPDB1");
    // A key no shard owns: the director's ORA-12514, as in thin mode.
    const none = await rejection(connect({ ...login(db), shardingKey: ["Zed"] }));
    assert.equal(none.code, "ORA-12514");
    // A key the wire form cannot carry: our own error naming the option, before any call.
    const bad = await rejection(connect({ ...login(db), shardingKey: [Number.NaN] }));
    assert.equal(bad.code, ErrorCode.INVALID_OPTION);
    assert.match(bad.message, /shardingKey/);
  },
);

test("thick mode: DDL and DML with positional and named binds", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  await using conn = await connect(login(db));
  await dropFirst(conn, "thick_dml");
  await conn.execute("CREATE TABLE thick_dml (id NUMBER, s VARCHAR2(20))");
  const a = await conn.execute("INSERT INTO thick_dml VALUES (:1, :2)", [1, "one"]);
  assert.equal(a.rowsAffected, 1);
  const b = await conn.execute("INSERT INTO thick_dml VALUES (:id, :s)", { id: 2, s: null });
  assert.equal(b.rowsAffected, 1);
  await conn.commit();
  await using thin = await connectThin(db);
  const r = await thin.execute("SELECT id, s FROM thick_dml ORDER BY id", [], {
    outFormat: "array",
  });
  assert.deepEqual(r.rows, [[1, "one"], [2, null]]);
});

test("thick mode: commit and rollback are seen by another session", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  await using thin = await connectThin(db);
  await dropFirst(thin, "thick_tx");
  await thin.execute("CREATE TABLE thick_tx (id NUMBER)");
  await using conn = await connect(login(db));
  await conn.execute("INSERT INTO thick_tx VALUES (1)");
  await conn.rollback();
  await conn.execute("INSERT INTO thick_tx VALUES (2)");
  await conn.commit();
  await conn.execute("INSERT INTO thick_tx VALUES (3)", [], { autoCommit: true });
  const r = await thin.execute("SELECT id FROM thick_tx ORDER BY id", [], { outFormat: "array" });
  assert.deepEqual(r.rows, [[2], [3]]);
});

test("thick mode: errors carry the same OracleError fields as thin mode", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  await using thin = await connectThin(db);
  await using conn = await connect(login(db));
  for (const sql of ["SELECT * FROM no_such_table", "SELECT 1/0 FROM dual"]) {
    const t = await rejection(thin.execute(sql));
    const k = await rejection(conn.execute(sql));
    const pick = (e: OracleError) => [e.code, e.errorNum, e.offset, e.isRecoverable, e.message];
    assert.deepEqual(pick(k), pick(t), sql);
  }
  await conn.ping(); // the session survives its errors
});

test(
  "thick mode: a wrong password is ORA-01017 with the same fields as thin mode",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    const bad = { ...login(db), password: "wrong" };
    const t = await loadNative().connect(bad).then(() => new Error("logged on"), (e: Error) => e);
    const k = await rejection(connect(bad));
    assert.equal(k.code, "ORA-01017");
    assert.deepEqual([k.errorNum, k.message], [1017, t.message]);
  },
);

test("thick mode: executeMany inserts 200 rows with NULLs and named binds", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  await using thin = await connectThin(db);
  await dropFirst(thin, "thick_many");
  await thin.execute("CREATE TABLE thick_many (id NUMBER, s VARCHAR2(20))");
  await using conn = await connect(login(db));
  const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, s: i % 2 ? `r${i}` : null }));
  const r = await conn.executeMany("INSERT INTO thick_many VALUES (:id, :s)", rows);
  assert.equal(r.rowsAffected, 200);
  await conn.commit();
  const n = await thin.execute("SELECT COUNT(*), COUNT(s), MAX(s) FROM thick_many", [], {
    outFormat: "array",
  });
  assert.deepEqual(n.rows, [[200, 100, "r99"]]);
});

test("thick mode: a closed connection refuses calls with ODB-5000", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  const conn = await connect(login(db));
  await conn.close();
  await conn.close(); // again: nothing to do
  const e = await rejection(conn.execute("SELECT 1 FROM dual"));
  assert.equal(e.code, ErrorCode.CONNECTION_CLOSED);
});

/** A thin connection whatever the mode, to check thick-mode work from another session. */
async function connectThin(db: TestServer): Promise<Connection> {
  const native = await loadNative().connect(login(db));
  return new Connection(native, login(db));
}

test(
  "thick mode: createLob() makes a temporary LOB over OCI that is written, read and bound",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    await using conn = await connect(login(db));
    assert.equal(conn.thin, false);
    await using lob = await conn.createLob(CLOB);
    await lob.write(1, "made in thick mode");
    assert.equal(await lob.size(), 18);
    assert.equal(await lob.text(), "made in thick mode");
    const r = await conn.execute<[string]>("SELECT TO_CHAR(:l) FROM dual", { l: lob }, {
      outFormat: "array",
    });
    assert.deepEqual(r.rows, [["made in thick mode"]]);
  },
);

test("thick mode: a query returns its columns and rows", server, async () => {
  await using db = await startTestServer();
  await initOracleClient({ libDir: IC_DIR });
  await using conn = await connect(login(db));
  const r = await conn.execute<[number, string]>("SELECT 1 AS n, 'a' AS s FROM dual", [], {
    outFormat: "array",
  });
  assert.deepEqual(r.metaData?.map((c) => c.name), ["N", "S"]);
  assert.deepEqual(r.rows, [[1, "a"]]);
});

test(
  "thick mode: a BFILE is a read-only Lob that reads, names and checks its file",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    await using conn = await connect(login(db));
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    mkdirSync(join(db.dataDir!, "files"));
    writeFileSync(join(db.dataDir!, "files", "a.bin"), bytes);
    await conn.execute("CREATE DIRECTORY files AS 'files'");
    const r = await conn.execute<{ F: Lob }>("SELECT BFILENAME('FILES', 'a.bin') AS f FROM dual");
    assert.deepEqual(r.metaData?.map((m) => [m.dbType, m.dbTypeName]), [[DB_TYPE_BFILE, "BFILE"]]);
    await using f = r.rows![0].F;
    assert.ok(f instanceof Lob);
    assert.equal(f.type, BFILE);
    assert.equal(await f.size(), bytes.length);
    assert.deepEqual(await f.read(1001, 10), bytes.subarray(1000, 1010));
    assert.deepEqual(await f.bytes(), bytes);
    // Named from OCI's locator at fetch (no call); the file checked on the server.
    assert.deepEqual(f.getDirFileName(), { dirName: "FILES", fileName: "a.bin" });
    assert.equal(await f.fileExists(), true);
    const gone = await conn.execute<{ F: Lob }>(
      "SELECT BFILENAME('FILES', 'gone.bin') AS f FROM dual",
    );
    await using g = gone.rows![0].F;
    assert.equal(await g.fileExists(), false);
    assert.deepEqual(g.getDirFileName(), { dirName: "FILES", fileName: "gone.bin" });
    await assert.rejects(f.write(1, new Uint8Array([1])), { code: "ODB-5014" });
    assert.deepEqual((await conn.execute("SELECT 1 AS n FROM dual")).rows, [{ N: 1 }]);
  },
);

test(
  "thick mode misuse: close during a call (plain, forced, twice), calls racing a close, no crash",
  server,
  async () => {
    await using db = await startTestServer();
    await initOracleClient({ libDir: IC_DIR });
    const code = (p: Promise<unknown>) =>
      p.then(() => "ok", (e: unknown) => (e instanceof OracleError ? e.code : String(e)));

    // Plain close waits for the running call, which completes; later calls are refused.
    const a = await connect(login(db));
    const slow = code(a.execute("BEGIN dbms_session.sleep(0.5); END;"));
    await new Promise((r) => setTimeout(r, 100));
    await a.close();
    assert.equal(await slow, "ok");
    assert.equal(await code(a.execute("SELECT 1 FROM dual")), ErrorCode.CONNECTION_CLOSED);
    await a.close(); // twice is harmless

    // Forced close breaks the running call (OCI's break) well before it would end.
    const b = await connect(login(db));
    const long = code(b.execute("BEGIN dbms_session.sleep(20); END;"));
    const queued = code(b.execute("SELECT 1 FROM dual"));
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    await b.close({ force: true });
    const [longCode, queuedCode] = await Promise.all([long, queued]);
    assert.ok(Date.now() - t0 < 10_000, `forced close took ${Date.now() - t0} ms`);
    assert.notEqual(longCode, "ok");
    assert.notEqual(queuedCode, "ok");
    assert.equal(await code(b.commit()), ErrorCode.CONNECTION_CLOSED);

    // Many calls racing a close: each settles with a result or a typed error.
    const c = await connect(login(db));
    const racing = Array.from({ length: 20 }, (_, i) => code(c.execute(`SELECT ${i} FROM dual`)));
    const closing = c.close({ force: true });
    const outcomes = await Promise.all(racing);
    await closing;
    assert.ok(
      outcomes.every((o) => o === "ok" || /^(ODB|ORA|DPI)-\d+$/.test(o)),
      outcomes.join(","),
    );
    // The process and the library are still fine: a new session works.
    await using d = await connect(login(db));
    const r = await d.execute<[number]>("SELECT 7 FROM dual", [], { outFormat: "array" });
    assert.deepEqual(r.rows, [[7]]);
  },
);
