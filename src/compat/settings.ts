/**
 * The global settings object of node-oracledb (`oracledb.outFormat = …`), with its defaults.
 *
 * @module
 */

import type { DbType } from "./constants.ts";
import { OUT_FORMAT_ARRAY } from "./constants.ts";

/**
 * Defaults every `execute()`, `getConnection()` and `createPool()` of the facade reads when the
 * call does not say. Toolkits set them on the driver object (`driver.fetchAsString = [CLOB]`).
 *
 * @example
 * ```ts
 * import { settings } from "./settings.ts";
 *
 * settings.autoCommit = true;
 * console.log(settings.outFormat); // 4001 (OUT_FORMAT_ARRAY)
 * ```
 */
export interface Settings {
  /** `OUT_FORMAT_ARRAY` (default) or `OUT_FORMAT_OBJECT`. */
  outFormat: number;
  /** Commit after each DML statement (default false). */
  autoCommit: boolean;
  /** Types fetched as strings: `NUMBER`, `DATE`, `CLOB`… */
  fetchAsString: DbType[];
  /** Types fetched as Buffers: `BLOB`. */
  fetchAsBuffer: DbType[];
  /** Most rows `execute()` returns; 0 = all. */
  maxRows: number;
  /** Rows per round trip. */
  fetchArraySize: number;
  /** Rows sent with the execute reply. */
  prefetchRows: number;
  /** Pool defaults. */
  /** Pool default: sessions kept open. */
  poolMin: number;
  /** Pool default: most sessions. */
  poolMax: number;
  /** Pool default: sessions opened at a time. */
  poolIncrement: number;
  /** Pool default: idle seconds before a session beyond poolMin closes. */
  poolTimeout: number;
  /** Pool default: idle seconds after which a session is pinged. */
  poolPingInterval: number;
  /** Pool default: milliseconds getConnection() waits (0: forever). */
  queueTimeout: number;
  /** Pool default: waiting getConnection() calls allowed (-1: any). */
  queueMax: number;
  /** Statements kept prepared per connection. */
  stmtCacheSize: number;
  /** Accepted and kept; oradb has no LOB prefetch setting. */
  lobPrefetchSize: number;
  /** Read only in node-oracledb: always thin here. */
  readonly thin: boolean;
  /** Ignored, kept for code that sets them. */
  connectionClass: string;
  /** Ignored (no event notification). */
  events: boolean;
  /** Ignored: metadata is always extended. */
  extendedMetaData: boolean;
  /** Ignored: calls on a connection queue in order. */
  errorOnConcurrentExecute: boolean;
  /** Ignored: no object types. */
  dbObjectAsPojo: boolean;
  /** Not supported: a handler set here makes execute() fail with NJS-089. */
  fetchTypeHandler: unknown;
}

/** The one settings object (the default export's properties read and write it). */
export const settings: Settings = {
  outFormat: OUT_FORMAT_ARRAY,
  autoCommit: false,
  fetchAsString: [],
  fetchAsBuffer: [],
  maxRows: 0,
  fetchArraySize: 100,
  prefetchRows: 2,
  poolMin: 0,
  poolMax: 4,
  poolIncrement: 1,
  poolTimeout: 60,
  poolPingInterval: 60,
  queueTimeout: 60000,
  queueMax: 500,
  stmtCacheSize: 30,
  lobPrefetchSize: 16384,
  thin: true,
  connectionClass: "",
  events: false,
  extendedMetaData: false,
  errorOnConcurrentExecute: false,
  dbObjectAsPojo: false,
  fetchTypeHandler: undefined,
};
