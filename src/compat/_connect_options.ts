/**
 * node-oracledb's connection and pool attributes as oradb's options. Attributes oradb has no use
 * for are ignored as node-oracledb ignores unknown ones; those that would change who logs on
 * or how (external auth, privileges, tokens) fail with NJS-089 rather than being dropped.
 *
 * @module
 */

import type { PoolOptions } from "../pool.ts";
import type { ConnectOptions } from "../types.ts";
import { NJS, njsError, notSupported } from "./errors.ts";
import { settings } from "./settings.ts";

const PASSED = [
  "configDir",
  "callTimeout",
  "stmtCacheSize",
  "connectionClass",
  "machine",
  "program",
  "osUser",
  "driverName",
  "walletLocation",
  "sslServerDnMatch",
  "sslServerCertDn",
  "shardingKey",
  "superShardingKey",
] as const;

const REFUSED = ["accessToken", "newPassword", "edition", "privilege", "token", "appContext"];

/** Connect attributes of `getConnection()` as oradb's options. */
export function toConnectOptions(a: Record<string, unknown>): ConnectOptions {
  if (typeof a !== "object" || a === null) throw njsError(NJS.INVALID_PARAMETER_VALUE, 1);
  if (a.externalAuth === true) throw notSupported("External authentication");
  for (const k of REFUSED) if (a[k] !== undefined) throw notSupported(`Connection attribute ${k}`);
  const o: Record<string, unknown> = {
    user: a.user ?? a.username,
    password: a.password,
    connectString: a.connectString ?? a.connectionString,
    stmtCacheSize: settings.stmtCacheSize,
  };
  for (const k of ["user", "password", "connectString"]) {
    if (typeof o[k] !== "string") throw njsError(NJS.INVALID_PROPERTY_VALUE, k);
  }
  for (const k of PASSED) if (a[k] !== undefined) o[k] = a[k];
  // node-oracledb's connectTimeout is in seconds, oradb's in milliseconds.
  if (typeof a.connectTimeout === "number") o.connectTimeout = a.connectTimeout * 1000;
  return o as unknown as ConnectOptions;
}

/** Pool attributes of `createPool()` as oradb's options, with the settings' defaults. */
export function toPoolOptions(a: Record<string, unknown>): PoolOptions {
  const o = toConnectOptions(a) as PoolOptions;
  if (typeof a.sessionCallback === "function") {
    throw notSupported("A sessionCallback function (a PL/SQL procedure name is)");
  }
  if (typeof a.sessionCallback === "string") o.sessionCallback = a.sessionCallback;
  const num = (k: string) =>
    (a[k] ?? (settings as unknown as Record<string, unknown>)[k]) as number;
  o.poolMin = num("poolMin");
  o.poolMax = num("poolMax");
  o.poolIncrement = num("poolIncrement");
  o.poolTimeout = num("poolTimeout");
  o.pingInterval = num("poolPingInterval");
  const queueTimeout = num("queueTimeout");
  // node-oracledb waits queueTimeout ms for a session (0: forever).
  o.getMode = queueTimeout === 0 ? "wait" : "timedwait";
  if (queueTimeout !== 0) o.waitTimeout = queueTimeout;
  const queueMax = num("queueMax");
  o.queueMax = queueMax < 0 ? 0 : queueMax;
  if (typeof a.maxLifetimeSession === "number") o.maxLifetimeSession = a.maxLifetimeSession;
  if (typeof a.homogeneous === "boolean") o.homogeneous = a.homogeneous;
  return o;
}
