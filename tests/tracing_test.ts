import { test } from "node:test";
import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { connect, createPool, TRACE_CHANNELS, type TraceContext } from "../mod.ts";
import { traceTarget } from "../src/tracing.ts";
import { dropFirst, REAL_DB, SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };

interface Seen {
  channel: string;
  event: string;
  ctx: TraceContext;
}

/** Subscribes to every oradb tracing channel; `stop()` unsubscribes. */
function record() {
  const seen: Seen[] = [];
  const subs = Object.values(TRACE_CHANNELS).map((name) => {
    const ch = diagnostics.tracingChannel<unknown, TraceContext>(name);
    const on = (event: string) => (ctx: TraceContext) => seen.push({ channel: name, event, ctx });
    const handlers = {
      start: on("start"),
      end: on("end"),
      asyncStart: on("asyncStart"),
      asyncEnd: on("asyncEnd"),
      error: on("error"),
    };
    ch.subscribe(handlers);
    return () => ch.unsubscribe(handlers);
  });
  return { seen, stop: () => subs.forEach((u) => u()) };
}

test(
  "connect, execute, fetch, commit and acquire publish spans with OpenTelemetry's database attributes",
  server,
  async () => {
    await using db = await startTestServer();
    if (REAL_DB) {
      // Before recording, so that only the test's own calls are traced.
      const first = await connect({
        user: db.user,
        password: db.password,
        connectString: db.connectString,
      });
      await dropFirst(first, "t");
      await first.close();
    }
    const rec = record();
    try {
      const conn = await connect({
        user: db.user,
        password: db.password,
        connectString: db.connectString,
      });
      await conn.execute("create table t (n number)");
      await conn.executeMany("insert into t values (:1)", [[1], [2], [3]]);
      await conn.commit();
      const cursor = conn.cursor("select n from t where n > :secret_value order by n", {
        secret_value: 0,
      }, { prefetchRows: 1, fetchArraySize: 1 });
      assert.equal((await cursor.fetchAll()).length, 3);
      await assert.rejects(conn.execute("select * from missing"));
      await conn.close();
      await using pool = await createPool({
        user: db.user,
        password: db.password,
        connectString: db.connectString,
      });
      await (await pool.acquire()).close();
    } finally {
      rec.stop();
    }
    const ended = (name: string) =>
      rec.seen.filter((s) => s.channel === name && s.event === "asyncEnd").map((s) => s.ctx);
    const [port, service] = [db.port, db.service];
    const where = { "server.address": db.host, "server.port": port, "db.namespace": service };
    assert.deepEqual(
      ended(TRACE_CHANNELS.connect).map(({ result: _, ...rest }) => rest),
      [{ "db.system.name": "oracle", "db.operation.name": "connect", ...where }],
    );
    const queries = ended(TRACE_CHANNELS.execute).map((c) => c["db.query.text"]);
    assert.deepEqual(queries, [
      "create table t (n number)",
      "select n from t where n > :secret_value order by n",
      "select * from missing",
    ]);
    assert.equal(
      ended(TRACE_CHANNELS.executeMany)[0]["db.query.text"],
      "insert into t values (:1)",
    );
    assert.equal(ended(TRACE_CHANNELS.commit).length, 1);
    assert.ok(ended(TRACE_CHANNELS.fetch).length >= 1, "no fetch span");
    assert.equal(ended(TRACE_CHANNELS.acquire).length, 1);
    const failed = rec.seen.filter((s) => s.event === "error");
    assert.equal(failed.length, 1);
    assert.equal(failed[0].ctx["db.query.text"], "select * from missing");
    assert.match(String((failed[0].ctx.error as Error).message), /ORA-00942/);
    // Bind values never appear in what is published.
    assert.ok(!JSON.stringify(rec.seen.map((s) => s.ctx)).includes('"secret_value":0'));
  },
);

test("trace attributes are read from Easy Connect strings and descriptors", () => {
  assert.deepEqual(traceTarget("db.example.com:1522/sales"), {
    "server.address": "db.example.com",
    "server.port": 1522,
    "db.namespace": "sales",
  });
  assert.deepEqual(traceTarget("tcps://h/svc?wallet_location=/w"), {
    "server.address": "h",
    "db.namespace": "svc",
  });
  assert.deepEqual(
    traceTarget(
      "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=10.0.0.5)(PORT=1521))(CONNECT_DATA=(SID=ORCL)))",
    ),
    { "server.address": "10.0.0.5", "server.port": 1521, "db.namespace": "ORCL" },
  );
});
