/**
 * Opening a standalone connection, and the connect options as the addon takes them.
 *
 * @module
 */

import { callSite, toOracleError } from "./errors.ts";
import { loadNative } from "./_native.ts";
import { checkConnectOptions, shardingKeyText } from "./_options.ts";
import { assertNetAllowed } from "./_permissions.ts";
import { traced, traceTarget } from "./tracing.ts";
import { Connection } from "./connection.ts";
import { assertThinOnlyOptions, isThickMode } from "./thick.ts";
import type { ConnectOptions } from "./types.ts";

/** @internal Purity as the addon takes it: 0 default, 1 new, 2 self. */
export function purityNumber(p: ConnectOptions["purity"]): number | undefined {
  return p === "new" ? 1 : p === "self" ? 2 : p === "default" ? 0 : undefined;
}

/**
 * @internal This process's UTC offset now, `+05:30`: the session's time zone, as node-oracledb
 * and python-oracledb set it at logon, so that a `Date` written as a local time into a TIMESTAMP
 * WITH TIME ZONE keeps its instant (summer time: the offset at connect time).
 */
export function localTimeZone(now: Date = new Date()): string {
  const east = -now.getTimezoneOffset();
  const abs = Math.abs(east);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${east < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** @internal Connect options as the addon takes them. */
export function toNativeOptions(o: ConnectOptions) {
  return {
    user: o.user,
    password: o.password,
    connectString: o.connectString,
    configDir: o.configDir,
    connectTimeoutMs: o.connectTimeout,
    callTimeoutMs: o.callTimeout,
    stmtCacheSize: o.stmtCacheSize,
    prefetchRows: o.prefetchRows,
    connectionClass: o.connectionClass,
    purity: purityNumber(o.purity),
    program: o.program,
    machine: o.machine,
    osUser: o.osUser,
    driverName: o.driverName ?? "oradb",
    timeZone: localTimeZone(),
    walletLocation: o.walletLocation,
    sslServerDnMatch: o.sslServerDnMatch,
    sslServerCertDn: o.sslServerCertDn,
    networkEncryption: o.networkEncryption,
    encryptionTypes: o.encryptionTypes,
    networkIntegrity: o.networkIntegrity,
    integrityTypes: o.integrityTypes,
    // Checked by checkConnectOptions: every value has a text form.
    shardingKey: o.shardingKey?.map((k) => shardingKeyText(k)!),
    superShardingKey: o.superShardingKey?.map((k) => shardingKeyText(k)!),
  };
}

/**
 * Opens a standalone connection.
 *
 * @throws {OracleError} `ODB-5002`/`ODB-5003` for bad options, `ODB-1000` when the native addon
 * is missing, `ORA-…` / `ODB-1xxx` from the server or the network.
 *
 * @example
 * ```ts
 * import { connect } from "../mod.ts";
 *
 * await using conn = await connect({
 *   user: "scott",
 *   password: "tiger",
 *   connectString: "localhost:1521/FREEPDB1",
 * });
 * await conn.ping();
 * ```
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const site = callSite();
  try {
    checkConnectOptions(options);
    assertNetAllowed(options.connectString);
    assertThinOnlyOptions(options);
    const addon = loadNative();
    const nativeOpts = Object.fromEntries(
      Object.entries(toNativeOptions(options)).filter(([, v]) => v !== undefined),
    ) as unknown as Parameters<typeof addon.connect>[0];
    // Thick mode is chosen when the connection is made: thin ones made before keep working.
    const native = await traced(
      "connect",
      traceTarget(options.connectString),
      undefined,
      () => isThickMode() ? addon.thickConnect(nativeOpts) : addon.connect(nativeOpts),
    );
    return new Connection(native, options);
  } catch (e) {
    throw toOracleError(e, site);
  }
}
