import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BFILE,
  CLOB,
  type Connection,
  DB_TYPE_BFILE,
  ErrorCode,
  Lob,
  OracleError,
} from "../mod.ts";
import { REAL_DB, SKIP_SERVER, startConnected } from "./_server.ts";

// The files are put in the embedded server's data directory: not on a real database.
const server = { skip: SKIP_SERVER || (REAL_DB ? "needs the embedded test server" : false) };

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OracleError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** A directory object FILES over `<data>/files` holding `a.bin` (300,000 bytes). */
async function withFiles(conn: Connection, dataDir: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
  mkdirSync(join(dataDir, "files"));
  writeFileSync(join(dataDir, "files", "a.bin"), bytes);
  await conn.execute("CREATE DIRECTORY files AS 'files'");
  await conn.execute("CREATE TABLE tb (id NUMBER, f BFILE)");
  await conn.execute("INSERT INTO tb VALUES (1, BFILENAME('FILES', 'a.bin'))");
  await conn.execute("INSERT INTO tb VALUES (2, BFILENAME('FILES', 'missing.bin'))");
  await conn.execute("INSERT INTO tb VALUES (3, NULL)");
  return bytes;
}

test("a BFILE column fetches as read-only Lobs that read the server's file", {
  skip: server.skip,
}, async () => {
  await using s = await startConnected();
  const bytes = await withFiles(s.conn, s.db.dataDir!);
  const { rows, metaData } = await s.conn.execute<{ F: Lob | null }>(
    "SELECT f FROM tb ORDER BY id",
  );
  assert.equal(metaData![0].dbType, DB_TYPE_BFILE);
  assert.equal(metaData![0].dbTypeName, "BFILE");
  const [a, missing, none] = rows!.map((r) => r.F);
  assert.equal(none, null);
  assert.ok(a instanceof Lob && missing instanceof Lob);
  await using f = a;
  assert.equal(f.type, BFILE);
  assert.equal(f.isText, false);
  assert.deepEqual(f.getDirFileName(), { dirName: "FILES", fileName: "a.bin" });
  assert.equal(await f.fileExists(), true);
  assert.equal(await f.size(), bytes.length);
  assert.deepEqual(await f.read(1001, 10), bytes.subarray(1000, 1010));
  assert.deepEqual(await f.bytes(), bytes);
  // Streamed in small pieces: every byte once, in order.
  const pieces: Uint8Array[] = [];
  for await (const p of f.readable({ pieceSize: 65_536 })) pieces.push(p as Uint8Array);
  assert.equal(pieces.length, 5);
  assert.deepEqual(Buffer.concat(pieces), Buffer.from(bytes));

  assert.deepEqual(missing.getDirFileName(), { dirName: "FILES", fileName: "missing.bin" });
  assert.equal(await missing.fileExists(), false);
  await rejectsWith(missing.read(), "ORA-22288");
  await missing.close();
  // The connection goes on after the errors.
  assert.equal((await s.conn.execute("SELECT 1 FROM dual")).rows!.length, 1);
});

test("BFILE errors: unknown directory, writes, file methods on a CLOB", {
  skip: server.skip,
}, async () => {
  await using s = await startConnected();
  await withFiles(s.conn, s.db.dataDir!);
  const { rows } = await s.conn.execute<{ F: Lob }>(
    "SELECT BFILENAME('NOPE', 'x') AS f FROM dual",
  );
  await using nodir = rows![0].F;
  await rejectsWith(nodir.fileExists(), "ORA-22285");
  await rejectsWith(nodir.read(1, 1), "ORA-22285");

  const one = await s.conn.execute<{ F: Lob }>("SELECT f FROM tb WHERE id = 1");
  const f = one.rows![0].F;
  await rejectsWith(f.write(1, new Uint8Array([1])), ErrorCode.LOB_OPERATION_UNSUPPORTED);
  await rejectsWith(f.trim(0), ErrorCode.LOB_OPERATION_UNSUPPORTED);
  assert.throws(
    () => f.writable(),
    (e: unknown) => e instanceof OracleError && e.code === ErrorCode.LOB_OPERATION_UNSUPPORTED,
  );
  await rejectsWith(
    s.conn.execute("SELECT :1 FROM dual", [f]),
    ErrorCode.LOB_OPERATION_UNSUPPORTED,
  );
  await f.close();
  await rejectsWith(f.read(1, 1), ErrorCode.LOB_CLOSED);

  await using clob = await s.conn.createLob(CLOB);
  assert.throws(
    () => clob.getDirFileName(),
    (e: unknown) => e instanceof OracleError && e.code === ErrorCode.LOB_OPERATION_UNSUPPORTED,
  );
  await rejectsWith(clob.fileExists(), ErrorCode.LOB_OPERATION_UNSUPPORTED);
});

test("a directory outside the server's data directory is ORA-65254", server, async () => {
  await using s = await startConnected();
  for (const path of ["/etc", "../elsewhere", "files/../../x"]) {
    await rejectsWith(s.conn.execute(`CREATE DIRECTORY d AS '${path}'`), "ORA-65254");
  }
  // A file name that would climb out of its directory is refused too.
  mkdirSync(join(s.db.dataDir!, "files"));
  writeFileSync(join(s.db.dataDir!, "secret.txt"), "not yours");
  await s.conn.execute("CREATE DIRECTORY files AS 'files'");
  const { rows } = await s.conn.execute<{ F: Lob }>(
    "SELECT BFILENAME('FILES', '../secret.txt') AS f FROM dual",
  );
  await using f = rows![0].F;
  await rejectsWith(f.read(1, 5), "ORA-22288");
});
