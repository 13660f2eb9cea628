// Data-type benchmarks (issue 16), oradb against node-oracledb Thin on one oradb-testserver, in
// one run, alternating, median of --runs (5):
//  1. a 100 MiB CLOB read as a stream (oradb's Web ReadableStream, node-oracledb's Lob stream);
//  2. a fetch of 100,000 rows with a JSON column (both return plain JS values).
// Ratios > 1 mean oradb is faster.
// Usage: npm run build && node bench/types.mjs [--runs N] [--mib N] [--rows N]
import { parseArgs } from "node:util";
import oracledb from "oracledb";
import { CLOB, connect } from "../dist/mod.js";
import { startServer } from "./_server.mjs";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    mib: { type: "string", default: "100" },
    rows: { type: "string", default: "100000" },
  },
});
const RUNS = Number(args.runs);
const MIB = Number(args.mib);
const ROWS = Number(args.rows);
const PIECE = Number(process.env.PIECE ?? 0) || undefined;

const root = new URL("..", import.meta.url).pathname;
const srv = await startServer(root);
const creds = { user: "scott", password: "tiger", connectString: srv.connectString };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const ora = await connect(creds);
  const njs = await oracledb.getConnection(creds);

  // --- setup: one CLOB of MIB MiB, written through a temporary LOB in 1 MiB pieces
  await ora.execute("create table big_text (id number, c clob)");
  {
    // No `await using`: the bench runs on Node 20 too.
    const lob = await ora.createLob(CLOB);
    const piece = "abcdefghij".repeat(1024 * 1024 / 8).slice(0, 1024 * 1024);
    const w = lob.writable().getWriter();
    for (let i = 0; i < MIB; i++) await w.write(piece);
    await w.close();
    await ora.execute("insert into big_text values (1, :c)", { c: lob });
    await ora.commit();
    await lob.close();
  }
  const size = MIB * 1024 * 1024;

  // --- setup: ROWS rows with a JSON document each
  await ora.execute("create table docs (id number, doc json)");
  for (let i = 0; i < ROWS; i += 10_000) {
    const n = Math.min(10_000, ROWS - i);
    await njs.executeMany(
      "insert into docs values (:1, :2)",
      Array.from({ length: n }, (_, j) => [i + j, {
        id: i + j,
        name: `doc ${i + j}`,
        tags: ["a", "b", String((i + j) % 7)],
        nested: { price: (i + j) / 4, ok: (i + j) % 2 === 0 },
      }]),
      { bindDefs: [{ type: oracledb.NUMBER }, { type: oracledb.DB_TYPE_JSON }] },
    );
  }
  await njs.commit();

  const clobOra = async () => {
    const { rows } = await ora.execute("select c from big_text where id = 1", [], {
      fetchInfo: { C: { type: "lob" } },
    });
    const lob = rows[0].C;
    let n = 0;
    for await (const piece of lob.readable({ pieceSize: PIECE })) n += piece.length;
    await lob.close();
    if (n !== size) throw new Error(`oradb read ${n} characters`);
  };
  const clobNjs = async () => {
    const r = await njs.execute("select c from big_text where id = 1");
    const lob = r.rows[0][0];
    lob.setEncoding("utf8");
    let n = 0;
    for await (const piece of lob) n += piece.length;
    lob.destroy();
    if (n !== size) throw new Error(`node-oracledb read ${n} characters`);
  };
  const jsonOra = async () => {
    const r = await ora.execute("select id, doc from docs", [], { fetchArraySize: 1000 });
    if (r.rows.length !== ROWS || r.rows[5].DOC.tags[2] !== "5") throw new Error("oradb JSON");
  };
  const jsonNjs = async () => {
    const r = await njs.execute("select id, doc from docs", [], {
      fetchArraySize: 1000,
      outFormat: oracledb.OUT_FORMAT_OBJECT,
    });
    if (r.rows.length !== ROWS || r.rows[5].DOC.tags[2] !== "5") {
      throw new Error("node-oracledb JSON");
    }
  };

  for (
    const [name, a, b] of [
      [`${MIB} MiB CLOB read as a stream`, clobOra, clobNjs],
      [`${ROWS.toLocaleString("en")}-row fetch with a JSON column`, jsonOra, jsonNjs],
    ]
  ) {
    await a();
    await b(); // warm-up, not timed
    const ta = [];
    const tb = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await a();
      ta.push(performance.now() - t);
      t = performance.now();
      await b();
      tb.push(performance.now() - t);
    }
    const [ma, mb] = [median(ta), median(tb)];
    console.log(
      `types: ${name} | oradb ${ma.toFixed(0)} ms (${Math.min(...ta).toFixed(0)}–${
        Math.max(...ta).toFixed(0)
      }), node-oracledb ${mb.toFixed(0)} ms (${Math.min(...tb).toFixed(0)}–${
        Math.max(...tb).toFixed(0)
      }) (medians of ${RUNS}) | ratio ${(mb / ma).toFixed(2)}x`,
    );
  }
  await ora.close();
  await njs.close();
} finally {
  srv.stop();
}
