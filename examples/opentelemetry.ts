/**
 * OpenTelemetry: spans for oradb's calls through `@opentelemetry/api`, with no instrumentation
 * package. oradb publishes every connect, pool acquire, execute, executeMany, fetch, commit and
 * rollback on a `node:diagnostics_channel` TracingChannel (`TRACE_CHANNELS`); a few lines turn
 * each into a CLIENT span with the database semantic-convention attributes. Here the spans go to
 * the SDK's in-memory exporter so the example can check them; an OTLP exporter takes its place
 * in production.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/opentelemetry.ts
 * Node: npm run build:test && node dist/examples/opentelemetry.js (same variables).
 * Needs `@opentelemetry/sdk-trace-base` (a devDependency; it brings `@opentelemetry/api`).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { connect, createPool, OracleError, TRACE_CHANNELS, type TraceContext } from "../mod.ts";
import { credentials } from "./_env.ts";

// The SDK: an in-memory exporter behind a simple (synchronous) processor.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
const tracer = trace.getTracer("oradb-example");

/** The semantic-convention attributes oradb put on the context (strings and numbers only). */
function attributes(ctx: TraceContext): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(ctx)) {
    if ((k.startsWith("db.") || k.startsWith("server.")) && /^(string|number)$/.test(typeof v)) {
      out[k] = v as string | number;
    }
  }
  return out;
}

// One span per traced call: started when the call starts, ended when its promise settles.
const spanOf = new WeakMap<object, Span>();
const subscriber = {
  start(ctx: TraceContext) {
    // Span name per the conventions: "{db.operation.name} {db.namespace}".
    const name = [ctx["db.operation.name"], ctx["db.namespace"]].filter(Boolean).join(" ");
    spanOf.set(ctx, tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: attributes(ctx) }));
  },
  end(_ctx: TraceContext) {},
  asyncStart(_ctx: TraceContext) {},
  asyncEnd(ctx: TraceContext) {
    spanOf.get(ctx)?.end();
  },
  error(ctx: TraceContext) {
    const span = spanOf.get(ctx);
    const e = ctx.error as Error;
    span?.recordException(e);
    span?.setAttribute("error.type", e instanceof OracleError ? e.code : e.name);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  },
};
for (const name of Object.values(TRACE_CHANNELS)) {
  diagnostics.tracingChannel<unknown, TraceContext>(name).subscribe(subscriber);
}

const secret = "card 4111-1111";
{
  await using conn = await connect(credentials());
  await conn.execute("CREATE TABLE otel_demo (id NUMBER, note VARCHAR2(40))");
  await conn.executeMany("INSERT INTO otel_demo VALUES (:1, :2)", [
    [1, secret],
    ...Array.from({ length: 299 }, (_, i) => [i + 2, `note ${i + 2}`]),
  ]);
  await conn.commit();
  // The rows after the first batch come in fetches, each a "fetch" span.
  let count = 0;
  const sql = "SELECT id, note FROM otel_demo ORDER BY id";
  for await (const _row of conn.cursor(sql, [], { fetchArraySize: 100 })) count++;
  assert.equal(count, 300);
  await assert.rejects(conn.execute("SELECT * FROM no_such_table"), OracleError);
}
{
  await using pool = await createPool({ ...credentials(), poolMin: 1, poolMax: 1 });
  await using conn = await pool.acquire();
  await conn.execute("SELECT 1 FROM dual");
}
for (const name of Object.values(TRACE_CHANNELS)) {
  diagnostics.tracingChannel<unknown, TraceContext>(name).unsubscribe(subscriber);
}
await provider.forceFlush();

const spans = exporter.getFinishedSpans();
for (const s of spans) {
  const status = s.status.code === SpanStatusCode.ERROR
    ? ` ERROR ${s.attributes["error.type"]}`
    : "";
  console.log(`${s.name} [${s.attributes["db.query.text"] ?? "-"}]${status}`);
}

// The spans an exporter receives, in the order the calls ended, with their attributes.
const ops = spans.map((s) => String(s.attributes["db.operation.name"]));
assert.deepEqual(ops.filter((o) => o !== "fetch"), [
  "connect",
  "execute",
  "executeMany",
  "commit",
  "execute", // the cursor's query
  "execute", // no_such_table
  "acquire", // the pool opens its sessions inside createPool, untraced

  "execute",
]);
assert.ok(ops.includes("fetch"), "no fetch span");
const service = /\/([^/:?]+)(?:\?.*)?$/.exec(credentials().connectString)?.[1];
for (const s of spans) {
  assert.equal(s.kind, SpanKind.CLIENT);
  assert.equal(s.attributes["db.system.name"], "oracle");
  assert.equal(s.attributes["db.namespace"], service);
  assert.equal(typeof s.attributes["server.address"], "string");
  assert.equal(typeof s.attributes["server.port"], "number");
  assert.equal(s.name, `${s.attributes["db.operation.name"]} ${service}`);
}
const failed = spans.filter((s) => s.status.code === SpanStatusCode.ERROR);
assert.equal(failed.length, 1);
assert.equal(failed[0].attributes["db.query.text"], "SELECT * FROM no_such_table");
assert.equal(failed[0].attributes["error.type"], "ORA-00942");
assert.equal(failed[0].events[0]?.name, "exception");
assert.equal(
  spans.find((s) => s.attributes["db.operation.name"] === "executeMany")
    ?.attributes["db.query.text"],
  "INSERT INTO otel_demo VALUES (:1, :2)",
);
assert.ok(!JSON.stringify(spans.map((s) => s.attributes)).includes(secret), "a bind was traced");
console.log(`${spans.length} spans exported`);
await provider.shutdown();
