/**
 * Observability: end-to-end attributes (`conn.module`, `action`, `clientId`, `clientInfo`) ride
 * on the next call and show in `V$SESSION`; every connect, execute, fetch, commit… is published
 * on a `node:diagnostics_channel` TracingChannel (`TRACE_CHANNELS`) with OpenTelemetry's
 * database attributes and never bind values; `setLogger` receives the native layer's log.
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/observability.ts
 * Node: npm run build:test && node dist/examples/observability.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { connect, type LogLevel, setLogger, TRACE_CHANNELS, type TraceContext } from "../mod.ts";
import { credentials } from "./_env.ts";

// The log: records arrive in batches (about every 100 ms).
const log: string[] = [];
setLogger((level: LogLevel, target: string, message: string) => {
  log.push(`${level} ${target}: ${message}`);
}, { level: "debug" });

// Tracing: what an OpenTelemetry instrumentation would turn into spans.
const spans: { op: string; sql?: string; target: string }[] = [];
const subscribers = {
  start(_ctx: TraceContext) {},
  end(_ctx: TraceContext) {},
  asyncStart(_ctx: TraceContext) {},
  asyncEnd(ctx: TraceContext) {
    const target = `${ctx["server.address"]}:${ctx["server.port"]}/${ctx["db.namespace"]}`;
    spans.push({ op: ctx["db.operation.name"], sql: ctx["db.query.text"], target });
  },
  error(ctx: TraceContext) {
    spans.push({ op: `failed ${ctx["db.operation.name"]}`, target: String(ctx.error) });
  },
};
const channels = [TRACE_CHANNELS.connect, TRACE_CHANNELS.execute, TRACE_CHANNELS.commit];
for (const name of channels) {
  diagnostics.tracingChannel<unknown, TraceContext>(name).subscribe(subscribers);
}

const secret = "do-not-trace-me";
{
  await using conn = await connect(credentials());
  conn.module = "billing";
  conn.action = "monthly run";
  conn.clientId = "user-42";
  conn.clientInfo = "observability example";
  // The attributes travel with this call: no round trip of their own.
  const { rows } = await conn.execute(
    `SELECT module, action, client_identifier, client_info FROM v$session
      WHERE sid = SYS_CONTEXT('USERENV', 'SID') AND :tag IS NOT NULL`,
    { tag: secret },
  );
  console.log("V$SESSION:", rows?.[0]);
  assert.deepEqual(rows, [{
    MODULE: "billing",
    ACTION: "monthly run",
    CLIENT_IDENTIFIER: "user-42",
    CLIENT_INFO: "observability example",
  }]);
  await conn.commit();
}

for (const name of channels) {
  diagnostics.tracingChannel<unknown, TraceContext>(name).unsubscribe(subscribers);
}
console.log("spans:", spans);
// ORADB_CONNECT_STRING as host:port/service, as the spans give it.
const where = credentials().connectString.replace(/^.*?\/\/|[:?][^/:]*$/g, "");
assert.deepEqual(spans.map((s) => [s.op, s.target]), [
  ["connect", where],
  ["execute", where],
  ["commit", where],
]);
assert.match(spans[1].sql ?? "", /^SELECT module, action/);
assert.ok(!JSON.stringify(spans).includes(secret), "a bind value reached a trace");

// Let the last records arrive, then stop logging.
await new Promise((r) => setTimeout(r, 250));
setLogger(null);
console.log("log:", log);
assert.ok(log.some((l) => /^info oradb_client::login: logged on to .* as /.test(l)), "no logon");
assert.ok(!log.join().includes(credentials().password), "a password reached the log");
