/**
 * The default export of `oradb/compat`: one object shaped as node-oracledb's module (constants,
 * functions, and the global settings as read/write properties), for toolkits that take the
 * driver as an object (`driver: oracledb`).
 *
 * @module
 */

import * as constants from "./constants.ts";
import { notSupported } from "./errors.ts";
import { getConnection } from "./get_connection.ts";
import { Lob } from "./lob.ts";
import { createPool, getPool } from "./pool.ts";
import { ResultSet } from "./result_set.ts";
import { type Settings, settings } from "./settings.ts";
import { IntervalDS, IntervalYM } from "../interval.ts";

const SETTINGS: (keyof Settings)[] = [
  "outFormat",
  "autoCommit",
  "fetchAsString",
  "fetchAsBuffer",
  "maxRows",
  "fetchArraySize",
  "prefetchRows",
  "poolMin",
  "poolMax",
  "poolIncrement",
  "poolTimeout",
  "poolPingInterval",
  "queueTimeout",
  "queueMax",
  "stmtCacheSize",
  "lobPrefetchSize",
  "connectionClass",
  "events",
  "extendedMetaData",
  "errorOnConcurrentExecute",
  "dbObjectAsPojo",
  "fetchTypeHandler",
];

/** The module object: what `import oracledb from "oradb/compat"` gives. */
export type OracleDb =
  & typeof constants
  & Settings
  & {
    getConnection: typeof getConnection;
    createPool: typeof createPool;
    getPool: typeof getPool;
    initOracleClient: () => never;
    Lob: typeof Lob;
    ResultSet: typeof ResultSet;
    IntervalDS: typeof IntervalDS;
    IntervalYM: typeof IntervalYM;
    version: number;
    versionString: string;
  };

function build(): OracleDb {
  const o: Record<string, unknown> = {
    ...constants,
    getConnection,
    createPool,
    getPool,
    initOracleClient: () => {
      throw notSupported("initOracleClient()");
    },
    Lob,
    ResultSet,
    IntervalDS,
    IntervalYM,
    // node-oracledb 6.x: kysely-oracledb and Knex read the version for feature checks.
    version: 60700,
    versionString: "6.7.0",
  };
  for (const k of SETTINGS) {
    Object.defineProperty(o, k, {
      enumerable: true,
      get: () => settings[k],
      set: (v: unknown) => {
        // Knex sets `fetchAsString` to undefined when it has none to give.
        if ((k === "fetchAsString" || k === "fetchAsBuffer") && v === undefined) v = [];
        (settings as unknown as Record<string, unknown>)[k] = v;
      },
    });
  }
  Object.defineProperty(o, "thin", { enumerable: true, get: () => true });
  return o as unknown as OracleDb;
}

/**
 * node-oracledb's module object over oradb.
 *
 * @example
 * ```ts
 * import { oracledb } from "./oracledb.ts";
 *
 * oracledb.outFormat = oracledb.OUT_FORMAT_OBJECT;
 * console.log(oracledb.thin); // true
 * ```
 */
export const oracledb: OracleDb = build();
