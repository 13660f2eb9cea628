/**
 * Thick mode: `initOracleClient()` switches the connections made afterwards from the built-in
 * thin client to Oracle's client library (Instant Client, through ODPI-C).
 *
 * @module
 */

import { callSite, ErrorCode, odbError, toOracleError } from "./errors.ts";
import { loadNative } from "./_native.ts";
import { checkOptions, type OptionSchema } from "./_options.ts";

/**
 * Options of {@linkcode initOracleClient}.
 *
 * @example
 * ```ts
 * import type { InitOracleClientOptions } from "./thick.ts";
 *
 * const options: InitOracleClientOptions = { libDir: "/opt/oracle/instantclient_19_3" };
 * ```
 */
export interface InitOracleClientOptions {
  /** Directory holding libclntsh; default: the system search path (`LD_LIBRARY_PATH`). */
  libDir?: string;
  /** Directory of `sqlnet.ora` and `tnsnames.ora` (as `TNS_ADMIN`). */
  configDir?: string;
  /** Driver name the server shows in `V$SESSION_CONNECT_INFO.CLIENT_DRIVER`. */
  driverName?: string;
}

const INIT_OPTIONS: OptionSchema = { libDir: "string", configDir: "string", driverName: "string" };

let thick = false;

/**
 * Loads Oracle's client library and turns on thick mode: `connect()` calls made afterwards
 * in this module instance go through OCI. Connections made before keep working in thin mode.
 * Calling it again with the same options does nothing; with other options it fails with
 * `ODB-1041` (the library is loaded once per process). `createPool()` calls made afterwards
 * make pools on OCI's session pool (OCI matches tags, and calls a PL/SQL `sessionCallback`
 * itself); pools made before stay thin.
 *
 * @throws {OracleError} `ODB-1040` when the library cannot be loaded (the message quotes
 * ODPI-C's DPI-1047 text); thin mode keeps working then.
 *
 * @example
 * ```ts
 * import { connect, initOracleClient } from "../mod.ts";
 *
 * await initOracleClient({ libDir: "/opt/oracle/instantclient_19_3" });
 * await using conn = await connect({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" });
 * console.log(conn.thin); // false
 * ```
 */
export async function initOracleClient(options?: InitOracleClientOptions): Promise<void> {
  const site = callSite();
  try {
    checkOptions("initOracleClient()", options, INIT_OPTIONS);
    const o = options ?? {};
    await loadNative().thickInit({
      libDir: o.libDir,
      configDir: o.configDir,
      driverName: o.driverName,
    });
    thick = true;
  } catch (e) {
    throw toOracleError(e, site);
  }
}

/** @internal True once `initOracleClient()` succeeded in this module instance. */
export function isThickMode(): boolean {
  return thick;
}

/**
 * Thin-only options: thick mode takes the network and TLS ones from `sqlnet.ora` (OCI trusts an
 * Oracle wallet named there, not a PEM file, and checks the server's DN by its own rules).
 * Ignoring them would hide a missing protection.
 */
const THIN_ONLY_OPTIONS = [
  "networkEncryption",
  "encryptionTypes",
  "networkIntegrity",
  "integrityTypes",
  "walletLocation",
  "sslServerCertDn",
] as const;

/**
 * @internal Fails with `ODB-1041` when thick mode is on and `options` sets a thin-only option
 * (sharding keys work on `connect()`, `createPool()` and `acquire()` in both modes).
 */
export function assertThinOnlyOptions(options: object): void {
  if (!thick) return;
  const set = THIN_ONLY_OPTIONS.find((k) => (options as Record<string, unknown>)[k] !== undefined);
  if (set) {
    throw odbError(
      ErrorCode.THICK_UNAVAILABLE,
      `the ${set} option is not available in thick mode${hint(set)}`,
    );
  }
}

/** Where a thick-mode user sets what a refused thin-only option does. */
function hint(option: string): string {
  if (option.startsWith("network") || option.endsWith("Types")) return " (set it in sqlnet.ora)";
  if (option === "walletLocation" || option === "sslServerCertDn") {
    return " (use an Oracle wallet: WALLET_LOCATION in sqlnet.ora of initOracleClient's configDir)";
  }
  return "";
}
