/**
 * Deno's `--allow-net` / `--deny-net` for sockets opened in Rust: the addon's sockets are
 * invisible to Deno's permission checks, so oradb asks Deno before each connect.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import { traceTarget } from "./tracing.ts";

interface DenoPermissions {
  querySync(desc: { name: "net"; host?: string }): { state: string };
}

/**
 * Throws `ODB-1005` when Deno would not let this program reach the database named by
 * `connectString` (its host and port; any host when they cannot be read, as for a tnsnames.ora
 * alias). Does nothing outside Deno.
 */
export function assertNetAllowed(connectString: string): void {
  const perms = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno?.permissions;
  if (perms === undefined) return;
  for (const target of targets(connectString)) {
    // "prompt" is refused too: the native layer cannot ask, and a prompt mid-connect would
    // hang a program that runs unattended.
    if (perms.querySync({ name: "net", host: target }).state !== "granted") {
      throw odbError(
        ErrorCode.NET_PERMISSION_DENIED,
        `Deno does not allow network access to ${target ?? "the database"}; run with ` +
          `--allow-net${target === undefined ? "" : `=${target}`}`,
      );
    }
  }
}

/** Every `host:port` the connect string may use; `[undefined]` (any host) when unknown. */
function targets(connectString: string): (string | undefined)[] {
  const text = connectString.trim();
  const hostPort = (host: string | undefined, port: number | undefined) =>
    host === undefined ? undefined : `${host.replace(/^\[(.*)\]$/, "$1")}:${port ?? 1521}`;
  if (!text.startsWith("(")) {
    const t = traceTarget(text);
    return [hostPort(t["server.address"], t["server.port"])];
  }
  // Each ADDRESS of a descriptor (failover and load balancing may use any of them).
  const out = text.split(/\(\s*ADDRESS\s*=/i).slice(1).map((part) => {
    const t = traceTarget(`(${part}`);
    return hostPort(t["server.address"], t["server.port"]);
  });
  return out.length > 0 ? out : [undefined];
}
