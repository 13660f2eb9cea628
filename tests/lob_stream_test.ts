// A 200 MiB BLOB streamed in and out with flat memory: written piece by piece through a Web
// WritableStream into a temporary LOB, inserted, then read back through a ReadableStream. The
// client's RSS is sampled all along; holding the value anywhere would add 200 MiB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import { BLOB, type Lob } from "../mod.ts";
import { dropFirst, SKIP_SERVER, startConnected } from "./_server.ts";

const MIB = 1024 * 1024;
const SIZE = 200 * MIB;
const PIECE = MIB;
// Headroom for the allocator and the runtime's own growth; a copy of the value is 200 MiB.
const RSS_BOUND = 64 * MIB;

// What the driver holds, not when the runtime gets round to collecting the pieces already
// handed out: V8 lets a few hundred MiB of dead ArrayBuffers pile up before it collects them.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

test("a 200 MiB BLOB streams in and out with flat memory", {
  skip: SKIP_SERVER,
  timeout: 600_000,
}, async () => {
  await using s = await startConnected();
  await dropFirst(s.conn, "big_files");
  await s.conn.execute("create table big_files (id number, data blob)");
  // One piece, varied per position so a misplaced piece changes the hash.
  const base = new Uint8Array(PIECE).map((_, i) => (i * 31) % 251);
  const rss = () => process.memoryUsage().rss;
  let pieces = 0;
  // Warm up (first LOB round trips, JIT) before taking the baseline.
  {
    await using warm = await s.conn.createLob(BLOB);
    await warm.write(1, base);
  }
  gc();
  const baseline = rss();
  let peak = baseline;
  // Every 16 pieces: collect, then look.
  const sample = () => {
    if (++pieces % 16 !== 0) return;
    gc();
    peak = Math.max(peak, rss());
    if (process.env.LOB_TRACE) console.log(pieces, Math.round(rss() / MIB));
  };

  const written = createHash("sha256");
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= SIZE) return controller.close();
      const piece = base.map((b) => (b + sent / PIECE) % 256);
      written.update(piece);
      sent += piece.length;
      sample();
      controller.enqueue(piece);
    },
  }, { highWaterMark: 0 });
  {
    await using blob = await s.conn.createLob(BLOB);
    await source.pipeTo(blob.writable());
    await s.conn.execute("insert into big_files values (1, :b)", { b: blob });
    await s.conn.commit();
  }

  const { rows } = await s.conn.execute<{ DATA: Lob }>(
    "select data from big_files where id = 1",
    [],
    { fetchInfo: { DATA: { type: "lob" } } },
  );
  await using data = rows![0].DATA;
  assert.equal(await data.size(), SIZE);
  const read = createHash("sha256");
  let got = 0;
  for await (const piece of data.readable({ pieceSize: PIECE })) {
    read.update(piece as Uint8Array);
    got += piece.length;
    sample();
  }
  assert.equal(got, SIZE);
  assert.equal(read.digest("hex"), written.digest("hex"));
  const grew = peak - baseline;
  console.log(
    `200 MiB BLOB in and out: RSS ${Math.round(baseline / MIB)} MiB at start, ` +
      `peak +${Math.round(grew / MIB)} MiB`,
  );
  assert.ok(grew < RSS_BOUND, `RSS grew by ${Math.round(grew / MIB)} MiB while streaming`);
});
