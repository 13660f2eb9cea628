/**
 * oradb: an Oracle Database driver for Deno and Node, a typed TypeScript API over a Rust core.
 *
 * @example
 * ```ts
 * import { connect } from "./mod.ts";
 *
 * await using conn = await connect({
 *   user: "scott",
 *   password: "tiger",
 *   connectString: "localhost:1521/FREEPDB1",
 * });
 * const { rows } = await conn.execute("SELECT 1 + 1 AS two FROM dual");
 * console.log(rows); // [{ TWO: 2 }]
 * ```
 *
 * @module
 */

export { connect } from "./src/connect.ts";
export { Connection } from "./src/connection.ts";
export type { ConnectionCloseOptions } from "./src/_close.ts";
export { Cursor } from "./src/cursor.ts";
export { Lob } from "./src/lob.ts";
export { DbObject } from "./src/dbobject.ts";
export type {
  DbObjectAttribute,
  DbObjectAttrType,
  DbObjectClass,
  DbObjectType,
  DbObjectTypeInfo,
} from "./src/dbobject.ts";
export { IntervalDS, IntervalYM } from "./src/interval.ts";
export { DB_TYPE_VECTOR, SparseVector } from "./src/vector.ts";
export type { Vector, VectorValues } from "./src/vector.ts";
export type { IntervalDSFields, IntervalYMFields } from "./src/interval.ts";
export type { DirFileName, LobStreamOptions, LobType } from "./src/lob.ts";
export { createPool, Pool } from "./src/pool.ts";
export type {
  AcquireOptions,
  GetMode,
  PoolCloseOptions,
  PoolLimits,
  PoolOptions,
  PoolStatistics,
  ReleaseOptions,
  SessionCallback,
} from "./src/pool.ts";
export { initOracleClient } from "./src/thick.ts";
export type { InitOracleClientOptions } from "./src/thick.ts";
export { makeDsn } from "./src/dsn.ts";
export { TRACE_CHANNELS } from "./src/tracing.ts";
export { setLogger } from "./src/logging.ts";
export type { Logger, LogLevel } from "./src/logging.ts";
export type { TraceContext } from "./src/tracing.ts";
export type { DsnTarget } from "./src/dsn.ts";
export { ErrorCode, OracleError } from "./src/errors.ts";
export type { OdbErrorCode, OracleErrorOptions } from "./src/errors.ts";
export * from "./src/types.ts";
