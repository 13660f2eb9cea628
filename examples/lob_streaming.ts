/**
 * LOB streaming: a BLOB written through a Web `WritableStream` into a temporary LOB, inserted, then
 * read back through a `ReadableStream` with `for await`, piece by piece, so that neither side holds
 * the whole value; a CLOB written from strings and read back whole. Works the same in Deno and
 * Node (Web streams in both).
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/lob_streaming.ts
 * Node: npm run build:test && node dist/examples/lob_streaming.js (same variables).
 * It checks the bytes it reads back (a SHA-256 of each side) and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { BLOB, CLOB, connect, type Lob, OracleError } from "../mod.ts";
import { credentials } from "./_env.ts";

const SIZE = 8 * 1024 * 1024;
const PIECE = 64 * 1024;

/** SIZE bytes in PIECE-sized chunks, made as they are asked for, hashed on the way. */
function source(hash: ReturnType<typeof createHash>): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= SIZE) return controller.close();
      const piece = new Uint8Array(Math.min(PIECE, SIZE - sent)).map((_, i) => (sent + i) % 251);
      hash.update(piece);
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
}

await using conn = await connect(credentials());
try {
  await conn.execute("DROP TABLE lob_files");
} catch (e) {
  // ORA-00942: the table did not exist yet, which is fine on a first run.
  if (!(e instanceof OracleError && e.code === "ORA-00942")) throw e;
}
await conn.execute("CREATE TABLE lob_files (id NUMBER PRIMARY KEY, data BLOB, notes CLOB)");

// In: pipe the source into a temporary BLOB, then bind the Lob like any value.
const written = createHash("sha256");
{
  await using blob = await conn.createLob(BLOB);
  await source(written).pipeTo(blob.writable());
  await using notes = await conn.createLob(CLOB);
  const writer = notes.writable().getWriter();
  for (const line of ["first line\n", "second line, é and 😀\n"]) await writer.write(line);
  await writer.close();
  await conn.execute("INSERT INTO lob_files VALUES (1, :data, :notes)", {
    data: blob,
    notes: notes,
  });
  await conn.commit();
}
console.log(`Wrote a ${SIZE / 1024 / 1024} MiB BLOB in ${PIECE / 1024} KiB pieces`);

// Out: ask for the column as a Lob (fetchInfo), then iterate its ReadableStream.
const { rows } = await conn.execute<{ DATA: Lob; NOTES: Lob }>(
  "SELECT data, notes FROM lob_files WHERE id = 1",
  [],
  { fetchInfo: { DATA: { type: "lob" }, NOTES: { type: "lob" } } },
);
await using data = rows![0].DATA;
await using notes = rows![0].NOTES;
assert.equal(await data.size(), SIZE);
const read = createHash("sha256");
let pieces = 0;
for await (const piece of data.readable()) {
  read.update(piece as Uint8Array);
  pieces++;
}
const [a, b] = [written.digest("hex"), read.digest("hex")];
console.log(`Read it back in ${pieces} pieces of up to ${data.chunkSize * 64} bytes; sha256 ${b}`);
assert.equal(b, a);
assert.equal(await notes.text(), "first line\nsecond line, é and 😀\n");
console.log(`CLOB: ${JSON.stringify(await notes.read(1, 10))}…`);
