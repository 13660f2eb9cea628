/**
 * Execute options in, results out: node-oracledb's `outFormat`, `fetchAsString`/`fetchAsBuffer`,
 * `fetchInfo`, metadata with `DbType`s, Buffers for RAW/BLOB and `Lob` streams for LOB columns
 * (node-oracledb's default unless `fetchAsString`/`fetchAsBuffer` name them).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Cursor } from "../cursor.ts";
import { Lob as OradbLob } from "../lob.ts";
import * as t from "../types.ts";
import { type DbType, dbTypeOf, OUT_FORMAT_ARRAY, OUT_FORMAT_OBJECT } from "./constants.ts";
import { NJS, njsError, notSupported } from "./errors.ts";
import { Lob } from "./lob.ts";
import { settings } from "./settings.ts";
import { oraType } from "./_binds.ts";

/** node-oracledb's column description. */
export interface MetaData {
  /** Column name (upper case unless quoted). */
  name: string;
  /** The column's database type. */
  dbType: DbType | undefined;
  /** The type's name in SQL. */
  dbTypeName: string;
  /** The type the rows carry (`DB_TYPE_VARCHAR` when fetched as a string). */
  fetchType: DbType | undefined;
  /** Maximum size in bytes. */
  byteSize: number;
  /** NUMBER precision (0 when unspecified). */
  precision: number;
  /** NUMBER scale (-127 when unspecified). */
  scale: number;
  /** True when the column may hold NULL. */
  nullable: boolean;
  /** Always false: oradb has no JSON columns. */
  isJson: boolean;
  /** Always false: oradb has no OSON columns. */
  isOson: boolean;
}

function typeList(v: unknown, name: string): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw njsError(NJS.INVALID_PROPERTY_VALUE, name);
  return v.map((x) => oraType(x)).filter((x): x is number => x !== undefined);
}

/** node-oracledb execute options as oradb's; `resultSet` is the caller's business. */
export function toExecuteOptions(o: Record<string, unknown>): t.ExecuteOptions {
  const outFormat = (o.outFormat ?? settings.outFormat) as number;
  if (outFormat !== OUT_FORMAT_ARRAY && outFormat !== OUT_FORMAT_OBJECT) {
    throw njsError(NJS.INVALID_PROPERTY_VALUE, "outFormat");
  }
  if (o.fetchTypeHandler !== undefined || settings.fetchTypeHandler !== undefined) {
    throw notSupported("fetchTypeHandler");
  }
  // Global settings only: node-oracledb has no per-execute fetchAsString / fetchAsBuffer (and
  // ignores them there), so honouring them would make results differ from it.
  const asString = typeList(settings.fetchAsString, "fetchAsString");
  const asBuffer = typeList(settings.fetchAsBuffer, "fetchAsBuffer");
  const fetchInfo: Record<string, t.FetchInfo> = {};
  for (const [col, info] of Object.entries((o.fetchInfo ?? {}) as Record<string, unknown>)) {
    const ty = oraType((info as { type?: unknown })?.type);
    fetchInfo[col] = { type: ty ?? 0 };
  }
  const out: t.ExecuteOptions = {
    outFormat: outFormat === OUT_FORMAT_OBJECT ? "object" : "array",
    autoCommit: (o.autoCommit ?? settings.autoCommit) as boolean,
    maxRows: (o.maxRows ?? settings.maxRows) as number,
    fetchArraySize: (o.fetchArraySize ?? settings.fetchArraySize) as number,
    prefetchRows: (o.prefetchRows ?? settings.prefetchRows) as number,
    fetchInfo,
    // LOB columns come as Lob streams (node-oracledb's default) unless named in
    // fetchAsString / fetchAsBuffer; other types in fetchAsString come as text.
    fetchTypeHandler: (m) => {
      const lob = m.dbType === t.DB_TYPE_CLOB || m.dbType === t.DB_TYPE_NCLOB ||
        m.dbType === t.DB_TYPE_BLOB;
      if (m.name in fetchInfo) return undefined;
      if (lob) {
        const whole = m.dbType === t.DB_TYPE_BLOB
          ? asBuffer.includes(t.DB_TYPE_BLOB)
          : asString.includes(m.dbType) || asString.includes(t.DB_TYPE_CLOB);
        return whole ? undefined : { type: "lob" };
      }
      if (asString.includes(m.dbType)) return { type: t.STRING };
      // node-oracledb's DATE alias is TIMESTAMP; both name date-like columns.
      if (
        asString.includes(t.DB_TYPE_TIMESTAMP) &&
        (m.dbType === t.DB_TYPE_DATE || m.dbType === t.DB_TYPE_TIMESTAMP_LTZ ||
          m.dbType === t.DB_TYPE_TIMESTAMP_TZ)
      ) return { type: t.STRING };
      return undefined;
    },
  };
  return out;
}

/** oradb metadata as node-oracledb's. */
export function toMetaData(m: t.Metadata[] | undefined): MetaData[] | undefined {
  return m?.map((c) => {
    const dbType = dbTypeOf(c.dbType);
    const fetchType = c.fetchType === t.STRING
      ? dbTypeOf(t.DB_TYPE_VARCHAR)
      : c.fetchType === undefined || c.fetchType === "lob"
      ? dbType
      : dbTypeOf(c.fetchType as number) ?? dbType;
    return {
      name: c.name,
      dbType,
      dbTypeName: c.dbTypeName,
      fetchType,
      byteSize: c.byteSize,
      precision: c.precision,
      scale: c.scale,
      nullable: c.nullable,
      isJson: false,
      isOson: false,
    };
  });
}

/** A fetched or OUT value as node-oracledb gives it: Lob streams, Buffers. */
export function toValue(v: unknown): unknown {
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) {
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  if (v instanceof OradbLob) return new Lob(v);
  if (v instanceof Cursor) return v; // wrapped by the connection (it knows the options)
  return v;
}

/** Rows with every value converted when some column needs it (LOBs, RAW, BLOB). */
export function toRows(rows: unknown[], meta: t.Metadata[] | undefined): unknown[] {
  const needs = meta?.some((m) =>
    m.fetchType === "lob" || m.dbType === t.DB_TYPE_RAW || m.dbType === t.DB_TYPE_BLOB ||
    m.dbType === t.DB_TYPE_LONG_RAW
  );
  if (!needs) return rows;
  for (const row of rows) {
    if (Array.isArray(row)) {
      for (let i = 0; i < row.length; i++) row[i] = toValue(row[i]);
    } else {
      const r = row as Record<string, unknown>;
      for (const k of Object.keys(r)) r[k] = toValue(r[k]);
    }
  }
  return rows;
}
