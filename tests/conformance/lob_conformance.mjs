// LOB conformance: unmodified node-oracledb (Thin, default fetch: Lob objects)
// reading and writing CLOB/BLOB through locators against oradb-testserver.
// Usage: node lob_conformance.mjs HOST:PORT [SERVICE]
// Ends with "lob-node: N passed, M failed".
import assert from "node:assert/strict";
import oracledb from "oracledb";

const [addr, service = "FREEPDB1"] = process.argv.slice(2);
const at = addr.lastIndexOf(":");
const connectString = `${addr.slice(0, at)}:${addr.slice(at + 1)}/${service}`;
const connect = () => oracledb.getConnection({ user: "scott", password: "tiger", connectString });
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${e?.stack ?? e}`);
  }
}

/** A Lob's whole content, read as a stream. */
function readStream(lob) {
  return new Promise((resolve, reject) => {
    const parts = [];
    lob.on("data", (d) => parts.push(d));
    lob.on("error", reject);
    lob.on(
      "end",
      () => resolve(lob.type === oracledb.CLOB ? parts.join("") : Buffer.concat(parts)),
    );
  });
}

/** Writes `data` into `lob` as a stream and waits for it to finish. */
function writeStream(lob, data) {
  return new Promise((resolve, reject) => {
    lob.on("error", reject);
    lob.on("finish", resolve);
    lob.end(data);
  });
}

const conn = await connect();
for (const t of ["lobn_c", "lobn_b"]) {
  await conn.execute(`drop table ${t}`).catch(() => {});
}
await conn.execute("create table lobn_c (id number, c clob)");
await conn.execute("create table lobn_b (id number, b blob)");
const TEXT = "héllo wörld 😀 ".repeat(3);
const BIG = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
const BYTES = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));
await conn.execute("insert into lobn_c values (1, :1)", [{ val: TEXT, type: oracledb.CLOB }]);
await conn.execute("insert into lobn_b values (1, :1)", [{ val: BYTES, type: oracledb.BLOB }]);
await conn.commit();

await check("CLOB fetched as a Lob: type, length, getData()", async () => {
  const r = await conn.execute("select c from lobn_c where id = 1");
  const lob = r.rows[0][0];
  assert.ok(lob instanceof oracledb.Lob);
  assert.equal(lob.type, oracledb.CLOB);
  assert.equal(lob.length, TEXT.length);
  assert.equal(await lob.getData(), TEXT);
  lob.destroy();
});

await check("BLOB fetched as a Lob: getData() and a partial getData(offset, amount)", async () => {
  const r = await conn.execute("select b from lobn_b where id = 1");
  const lob = r.rows[0][0];
  assert.equal(lob.type, oracledb.BLOB);
  assert.equal(lob.length, 1024);
  assert.deepEqual(await lob.getData(), BYTES);
  assert.deepEqual(await lob.getData(256, 3), Buffer.from([255, 0, 1]));
  lob.destroy();
});

await check("a Lob read as a stream", async () => {
  const r = await conn.execute("select c from lobn_c where id = 1");
  assert.equal(await readStream(r.rows[0][0]), TEXT);
  const b = await conn.execute("select b from lobn_b where id = 1");
  assert.deepEqual(await readStream(b.rows[0][0]), BYTES);
});

await check("a temporary CLOB from createLob, written as a stream, bound into INSERT", async () => {
  const lob = await conn.createLob(oracledb.CLOB);
  await writeStream(lob, BIG);
  await conn.execute("insert into lobn_c values (2, :1)", [lob]);
  await lob.close();
  const r = await conn.execute("select c from lobn_c where id = 2");
  const got = r.rows[0][0];
  assert.equal(got.length, BIG.length);
  assert.equal(await got.getData(), BIG);
});

await check("a temporary BLOB from createLob bound into INSERT", async () => {
  const lob = await conn.createLob(oracledb.BLOB);
  await writeStream(lob, Buffer.from([0, 1, 2, 3]));
  await conn.execute("insert into lobn_b values (2, :1)", [lob]);
  await lob.close();
  const r = await conn.execute("select b from lobn_b where id = 2");
  assert.deepEqual(await r.rows[0][0].getData(), Buffer.from([0, 1, 2, 3]));
});

await check("a Lob fetched FOR UPDATE and written as a stream changes the row", async () => {
  await conn.execute("insert into lobn_c values (3, empty_clob())");
  const r = await conn.execute("select c from lobn_c where id = 3 for update");
  const lob = r.rows[0][0];
  assert.equal(lob.length, 0, "EMPTY_CLOB() is empty, not NULL");
  await writeStream(lob, "written through the locator");
  await conn.commit();
  const c2 = await connect();
  try {
    const got = await c2.execute("select c from lobn_c where id = 3", [], {
      fetchInfo: { C: { type: oracledb.STRING } },
    });
    assert.equal(got.rows[0][0], "written through the locator");
  } finally {
    await c2.close();
  }
});

await check("fetchInfo STRING/BUFFER still give values", async () => {
  const r = await conn.execute(
    "select c, (select b from lobn_b where id = 1) b from lobn_c where id = 1",
    [],
    {
      fetchInfo: { C: { type: oracledb.STRING }, B: { type: oracledb.BUFFER } },
    },
  );
  assert.equal(r.rows[0][0], TEXT);
  assert.deepEqual(r.rows[0][1], BYTES);
});

await check("a REF CURSOR with LOB columns gives every row", async () => {
  // LOB queries are not prefetched: the client defines the cursor, then asks for rows
  // without the FETCH option; an answer without rows would end the set early.
  const r = await conn.execute(
    "begin open :c for select to_clob('v' || level) v, level n from dual connect by level <= 5; end;",
    { c: { dir: oracledb.BIND_OUT, type: oracledb.CURSOR } },
  );
  const rs = r.outBinds.c;
  const rows = [];
  for (;;) {
    const batch = await rs.getRows(3);
    if (batch.length === 0) break;
    for (const [lob, n] of batch) rows.push([await lob.getData(), n]);
  }
  await rs.close();
  assert.deepEqual(rows, [1, 2, 3, 4, 5].map((i) => [`v${i}`, i]));
});

await check("a BFILE fetched as a Lob: getDirFileName, fileExists, ORA-22288/22285", async () => {
  // The directory's files lie in the server's data directory, which this script cannot write.
  await conn.execute("create directory lobn_files as 'lobn_files'");
  const r = await conn.execute("select bfilename('LOBN_FILES', 'none.bin') from dual");
  const f = r.rows[0][0];
  assert.equal(f.type, oracledb.DB_TYPE_BFILE);
  assert.deepEqual(f.getDirFileName(), { dirName: "LOBN_FILES", fileName: "none.bin" });
  assert.equal(await f.fileExists(), false);
  await assert.rejects(f.getData(), /ORA-22288/);
  const g = (await conn.execute("select bfilename('NO_DIR', 'x') from dual")).rows[0][0];
  await assert.rejects(g.fileExists(), /ORA-22285/);
});

await check("the connection still answers after all of that", async () => {
  const r = await conn.execute("select count(*) from lobn_c");
  assert.equal(r.rows[0][0], 3);
});

await conn.close();
console.log(`lob-node: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
