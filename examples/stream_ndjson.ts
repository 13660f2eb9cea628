/**
 * Streaming a large query over HTTP as NDJSON (one JSON row a line) with back-pressure: the
 * response body is a `ReadableStream` pulled from an async generator that runs `for await` over
 * `conn.cursor()`, so a row is fetched from the database only when the client has read the ones
 * before it; a client that stops reading stops the fetching, one that goes away closes the cursor.
 * Under Deno the handler is `Deno.serve`'s; under Node the same stream is written to a
 * `node:http` response, waiting for `drain`. The example serves on a free port, fetches its own
 * endpoint, pauses mid-body to check that the server stopped fetching, counts the rows and stops.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/stream_ndjson.ts
 * Node: npm run build:test && node dist/examples/stream_ndjson.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Connection, OracleError } from "../mod.ts";
import { credentials } from "./_env.ts";

const ROWS = 50_000;
/** Rows fetched from the cursor so far, to show that the client's pace drives the fetching. */
let pulled = 0;

/** The rows of `sql` as NDJSON, read from the database only as fast as the stream is read. */
function ndjson(conn: Connection, sql: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  async function* lines() {
    // Leaving this loop (the stream was cancelled) closes the cursor.
    for await (const row of conn.cursor(sql, [], { fetchArraySize: 500 })) {
      pulled++;
      yield encoder.encode(`${JSON.stringify(row)}\n`);
    }
  }
  const it = lines();
  return new ReadableStream<Uint8Array>({
    // Called only when the stream's consumer wants more: that is the back-pressure.
    async pull(controller) {
      const { done, value } = await it.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}

/** The parts of Deno's API used here (declared so that tsc for Node compiles this file too). */
interface DenoServe {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (req: Request) => Response,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

/** Serves `body()` on a free port until `stop()`: Deno.serve under Deno, node:http on Node. */
async function serve(body: () => ReadableStream<Uint8Array>) {
  const headers = { "content-type": "application/x-ndjson" };
  const deno = (globalThis as { Deno?: DenoServe }).Deno;
  if (deno) {
    const server = deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response(body(), { headers }),
    );
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  const server = createServer(async (_req, res) => {
    res.writeHead(200, headers);
    const reader = body().getReader();
    res.on("close", () => reader.cancel().catch(() => {}));
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        // write() says false once its buffer is full: wait until the client has taken it.
        if (!res.write(r.value)) await once(res, "drain");
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

await using conn = await connect(credentials());
try {
  await conn.execute("DROP TABLE example_events");
} catch (e) {
  if (!(e instanceof OracleError && e.code === "ORA-00942")) throw e;
}
await conn.execute("CREATE TABLE example_events (id NUMBER PRIMARY KEY, name VARCHAR2(20))");
const batch = 10_000;
for (let start = 1; start <= ROWS; start += batch) {
  await conn.executeMany(
    "INSERT INTO example_events VALUES (:1, :2)",
    Array.from({ length: batch }, (_, i) => [start + i, `event ${start + i}`]),
  );
}
await conn.commit();

// About 230 bytes a row, 11 MB in all: more than the socket buffers between client and server.
const sql = "SELECT id, RPAD(name, 200, '.') AS name FROM example_events ORDER BY id";
const server = await serve(() => ndjson(conn, sql));
const res = await fetch(`http://127.0.0.1:${server.port}/events`);
assert.equal(res.status, 200);
const reader = res.body!.getReader();
try {
  const decoder = new TextDecoder();
  let text = "";
  let lines = 0;
  let idSum = 0;
  let paused = false;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    text += decoder.decode(r.value, { stream: true });
    const complete = text.lastIndexOf("\n");
    for (const line of text.slice(0, complete + 1).split("\n").filter(Boolean)) {
      const row = JSON.parse(line) as { ID: number; NAME: string };
      assert.equal(row.ID, lines + 1, "rows out of order");
      idSum += row.ID;
      lines++;
    }
    text = text.slice(complete + 1);
    if (!paused && lines >= 100) {
      // Stop reading for a while: once the buffers on the way are full, the server must stop
      // fetching (how much they hold depends on the OS; the count must stop growing).
      paused = true;
      await new Promise((r) => setTimeout(r, 500));
      const ahead = pulled;
      await new Promise((r) => setTimeout(r, 500));
      console.log(`client read ${lines} rows, then paused: the server fetched ${ahead}, ${pulled}`);
      assert.equal(pulled, ahead, "the server kept fetching for a paused client");
      assert.ok(pulled < ROWS, "the server fetched every row for a paused client");
    }
  }
  console.log(`client received ${lines} rows; the server fetched ${pulled}`);
  assert.equal(lines, ROWS);
  assert.equal(idSum, (ROWS * (ROWS + 1)) / 2);
  assert.equal(pulled, ROWS);
} finally {
  // On a failed check, end the response first: the server waits for it when stopping.
  await reader.cancel().catch(() => {});
  await server.stop();
}
await conn.execute("DROP TABLE example_events");
