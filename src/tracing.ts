/**
 * Tracing: each connect, pool acquire, execute, executeMany, fetch, commit and rollback is
 * published on a `node:diagnostics_channel` TracingChannel (Node and Deno), so that an
 * OpenTelemetry instrumentation, or any other tracer, can make spans of them without oradb
 * depending on one. With no subscriber a call costs one boolean check.
 *
 * The context object of each event carries OpenTelemetry's database attributes
 * (`db.system.name`, `db.operation.name`, `db.query.text`, `db.namespace`, `server.address`,
 * `server.port`). Bind values are never included: they may hold secrets.
 *
 * @example
 * ```ts
 * import diagnostics from "node:diagnostics_channel";
 * import { TRACE_CHANNELS, type TraceContext } from "./tracing.ts";
 *
 * diagnostics.tracingChannel<TraceContext>(TRACE_CHANNELS.execute).subscribe({
 *   start(ctx) { console.log("start", ctx["db.query.text"]); },
 *   end() {},
 *   asyncStart() {},
 *   asyncEnd(ctx) { console.log("done", ctx["db.query.text"]); },
 *   error(ctx) { console.log("failed", ctx.error); },
 * });
 * ```
 *
 * @module
 */

import diagnostics from "node:diagnostics_channel";

/**
 * Names of oradb's tracing channels (`diagnostics_channel.tracingChannel(name)`).
 *
 * @example
 * ```ts
 * import { TRACE_CHANNELS } from "./tracing.ts";
 *
 * console.log(TRACE_CHANNELS.execute); // "oradb:execute"
 * ```
 */
export const TRACE_CHANNELS = {
  connect: "oradb:connect",
  acquire: "oradb:pool.acquire",
  execute: "oradb:execute",
  executeMany: "oradb:executeMany",
  fetch: "oradb:fetch",
  commit: "oradb:commit",
  rollback: "oradb:rollback",
} as const;

/**
 * What a traced call publishes; a tracer may add its own fields (a span) to it.
 *
 * @example
 * ```ts
 * import type { TraceContext } from "./tracing.ts";
 *
 * function label(ctx: TraceContext): string {
 *   return `${ctx["db.operation.name"]} ${ctx["db.query.text"] ?? ""}`;
 * }
 * ```
 */
export interface TraceContext {
  /** Always `"oracle"`. */
  "db.system.name": "oracle";
  /** `connect`, `acquire`, `execute`, `executeMany`, `fetch`, `commit` or `rollback`. */
  "db.operation.name": string;
  /** The SQL text, without bind values. */
  "db.query.text"?: string;
  /** The service name (or SID) connected to. */
  "db.namespace"?: string;
  /** Host of the database listener. */
  "server.address"?: string;
  /** Port of the database listener. */
  "server.port"?: number;
  /** Set by the channel when the call succeeded. */
  result?: unknown;
  /** Set by the channel when the call failed. */
  error?: unknown;
  /** Whatever a tracer stores on the context (its span, say). */
  [key: string]: unknown;
}

/** Where a connect string points, for trace attributes. */
export interface TraceTarget {
  "db.namespace"?: string;
  "server.address"?: string;
  "server.port"?: number;
}

type Kind = keyof typeof TRACE_CHANNELS;

const channels = Object.fromEntries(
  Object.entries(TRACE_CHANNELS).map(([k, name]) => [k, diagnostics.tracingChannel(name)]),
) as Record<Kind, ReturnType<typeof diagnostics.tracingChannel>>;

/** Runs `fn`, traced on the channel of `kind` when anyone listens. */
export function traced<T>(
  kind: Kind,
  target: TraceTarget,
  sql: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const ch = channels[kind];
  if (!ch.hasSubscribers) return fn();
  const ctx: TraceContext = { "db.system.name": "oracle", "db.operation.name": kind, ...target };
  if (sql !== undefined) ctx["db.query.text"] = sql;
  return ch.tracePromise(fn, ctx);
}

/**
 * The listener host, port and service of a connect string (Easy Connect or a descriptor), for
 * trace attributes; what cannot be read is left out.
 */
export function traceTarget(connectString: string): TraceTarget {
  const out: TraceTarget = {};
  const field = (name: string) =>
    new RegExp(`\\(\\s*${name}\\s*=\\s*([^)\\s]+)\\s*\\)`, "i").exec(connectString)?.[1];
  if (connectString.trim().startsWith("(")) {
    out["server.address"] = field("HOST");
    const port = Number(field("PORT"));
    if (port > 0) out["server.port"] = port;
    out["db.namespace"] = field("SERVICE_NAME") ?? field("SID");
  } else {
    const m = /^(?:\w+:\/\/)?(\[[^\]]+\]|[^:/?]+)(?::(\d+))?(?:\/([^:?/]+))?/.exec(
      connectString.trim(),
    );
    if (m) {
      out["server.address"] = m[1];
      if (m[2]) out["server.port"] = Number(m[2]);
      if (m[3]) out["db.namespace"] = m[3];
    }
  }
  for (const k of Object.keys(out) as (keyof TraceTarget)[]) {
    if (out[k] === undefined) delete out[k];
  }
  return out;
}
