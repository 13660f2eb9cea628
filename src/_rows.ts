/**
 * Column plans (metadata + how each column is fetched: fetchInfo, fetchTypeHandler,
 * fetchAsString) and decoding row batches with them.
 *
 * @module
 */

import { ErrorCode, odbError, userCodeError } from "./errors.ts";
import type { NativeColumn, NativeRows } from "./_native.ts";
import { type LobLocator, type RefCursorValue, ValueReader } from "./_values.ts";
import { LOB_COLUMN } from "./_native_types.ts";
import {
  DB_TYPE_BFILE,
  DB_TYPE_BINARY_DOUBLE,
  DB_TYPE_BINARY_FLOAT,
  DB_TYPE_BLOB,
  DB_TYPE_BOOLEAN,
  DB_TYPE_CHAR,
  DB_TYPE_CLOB,
  DB_TYPE_CURSOR,
  DB_TYPE_DATE,
  DB_TYPE_INTERVAL_DS,
  DB_TYPE_INTERVAL_YM,
  DB_TYPE_JSON,
  DB_TYPE_LONG,
  DB_TYPE_LONG_RAW,
  DB_TYPE_NUMBER,
  DB_TYPE_OBJECT,
  DB_TYPE_RAW,
  DB_TYPE_ROWID,
  DB_TYPE_TIMESTAMP,
  DB_TYPE_TIMESTAMP_LTZ,
  DB_TYPE_TIMESTAMP_TZ,
  DB_TYPE_VARCHAR,
  type ExecuteOptions,
  type FetchTypeHandler,
  type FetchTypeResult,
  type Metadata,
  STRING,
} from "./types.ts";
import { DB_TYPE_VECTOR } from "./vector.ts";

const TYPE_NAMES: Record<number, string> = {
  [DB_TYPE_VARCHAR]: "VARCHAR2",
  [DB_TYPE_NUMBER]: "NUMBER",
  [DB_TYPE_LONG]: "LONG",
  [DB_TYPE_ROWID]: "ROWID",
  [DB_TYPE_DATE]: "DATE",
  [DB_TYPE_RAW]: "RAW",
  [DB_TYPE_LONG_RAW]: "LONG RAW",
  [DB_TYPE_CHAR]: "CHAR",
  [DB_TYPE_BINARY_FLOAT]: "BINARY_FLOAT",
  [DB_TYPE_BINARY_DOUBLE]: "BINARY_DOUBLE",
  [DB_TYPE_CLOB]: "CLOB",
  [DB_TYPE_BLOB]: "BLOB",
  [DB_TYPE_BFILE]: "BFILE",
  [DB_TYPE_TIMESTAMP]: "TIMESTAMP",
  [DB_TYPE_TIMESTAMP_TZ]: "TIMESTAMP WITH TIME ZONE",
  [DB_TYPE_TIMESTAMP_LTZ]: "TIMESTAMP WITH LOCAL TIME ZONE",
  [DB_TYPE_BOOLEAN]: "BOOLEAN",
  [DB_TYPE_JSON]: "JSON",
  [DB_TYPE_INTERVAL_DS]: "INTERVAL DAY TO SECOND",
  [DB_TYPE_INTERVAL_YM]: "INTERVAL YEAR TO MONTH",
  [DB_TYPE_CURSOR]: "CURSOR",
  [DB_TYPE_VECTOR]: "VECTOR",
  [DB_TYPE_OBJECT]: "OBJECT",
};

// The same type numbers in the national character set (character-set form 2).
const NATIONAL_NAMES: Record<number, string> = {
  [DB_TYPE_VARCHAR]: "NVARCHAR2",
  [DB_TYPE_CHAR]: "NCHAR",
  [DB_TYPE_CLOB]: "NCLOB",
};

// fetchAsString entries name a family of column types, as in node-oracledb.
const FAMILIES: Record<number, number[]> = {
  [DB_TYPE_NUMBER]: [DB_TYPE_NUMBER, DB_TYPE_BINARY_FLOAT, DB_TYPE_BINARY_DOUBLE],
  [DB_TYPE_DATE]: [DB_TYPE_DATE, DB_TYPE_TIMESTAMP, DB_TYPE_TIMESTAMP_TZ, DB_TYPE_TIMESTAMP_LTZ],
  [DB_TYPE_TIMESTAMP]: [DB_TYPE_TIMESTAMP, DB_TYPE_TIMESTAMP_TZ, DB_TYPE_TIMESTAMP_LTZ],
  [DB_TYPE_RAW]: [DB_TYPE_RAW, DB_TYPE_LONG_RAW],
  [DB_TYPE_CLOB]: [DB_TYPE_CLOB],
};

const Kind = { Default: 0, String: 1, BigInt: 2, Lob: 3, Cursor: 4 } as const;
type Kind = typeof Kind[keyof typeof Kind];

interface ColumnPlan {
  key: string;
  dbType: number;
  kind: Kind;
  converter: ((v: unknown) => unknown) | undefined;
  /** Kind.Lob: makes a `Lob` of a fetched locator (set by the execute, which has the session). */
  makeLob?: (raw: LobLocator) => unknown;
  /** Kind.Cursor: makes a `Cursor` of a CURSOR(…) column's nested cursor (set likewise). */
  makeCursor?: (raw: RefCursorValue) => unknown;
}

/** How the rows of one query are decoded. */
export interface RowPlan {
  metaData: Metadata[];
  columns: ColumnPlan[];
  /**
   * Column indexes the native layer must send as exact text (NUMBER as string or bigint), and,
   * plus `LOB_COLUMN`, the LOB columns it must send as locators.
   */
  nativeAsString: number[];
  outFormat: "object" | "array";
}

function toMetadata(c: NativeColumn): Metadata {
  return {
    name: c.name,
    dbType: c.dbType,
    dbTypeName: (c.national ? NATIONAL_NAMES[c.dbType] : undefined) ?? TYPE_NAMES[c.dbType] ??
      `TYPE ${c.dbType}`,
    byteSize: c.size,
    precision: c.precision,
    scale: c.scale,
    nullable: c.nullable,
  };
}

/** The fetchTypeHandler's answer for one column (its own errors wrapped as ODB-5006). */
function callHandler(handler: FetchTypeHandler, meta: Metadata): unknown {
  try {
    return handler(meta);
  } catch (e) {
    throw userCodeError("fetchTypeHandler", e);
  }
}

/**
 * What `opts.fetchTypeHandler` answers for each column, in order: `planRows` takes these
 * instead of asking again, and a cached plan built from the same answers can be reused.
 */
export function handlerAnswers(columns: NativeColumn[], handler: FetchTypeHandler): unknown[] {
  return columns.map((c) => callHandler(handler, toMetadata(c)));
}

function chooseFetch(
  meta: Metadata,
  opts: ExecuteOptions,
  answer: () => unknown,
): FetchTypeResult | undefined {
  const info = opts.fetchInfo?.[meta.name];
  if (info !== undefined) return info.type === 0 ? undefined : { type: info.type };
  if (opts.fetchLobs === true && LOB_TYPES.includes(meta.dbType)) return { type: "lob" };
  if (opts.fetchTypeHandler !== undefined) {
    const handled = answer();
    if (handled !== undefined) return checkFetchResult(handled, meta.name);
  }
  const asString = opts.fetchAsString?.some((t) => FAMILIES[t]?.includes(meta.dbType));
  return asString ? { type: STRING } : undefined;
}

/** What a fetchTypeHandler returned must be `undefined` or `{ type?, converter? }`. */
function checkFetchResult(v: unknown, name: string): FetchTypeResult {
  const converter = (v as FetchTypeResult | null)?.converter;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw odbError(
      ErrorCode.INVALID_OPTION,
      `fetchTypeHandler returned ${typeof v === "object" ? "null or an array" : `a ${typeof v}`} ` +
        `for column "${name}"; it must return undefined or { type, converter }`,
    );
  }
  if (converter !== undefined && typeof converter !== "function") {
    throw odbError(
      ErrorCode.INVALID_OPTION,
      `fetchTypeHandler returned a "converter" that is not a function for column "${name}"`,
    );
  }
  return v as FetchTypeResult;
}

function kindOf(type: FetchTypeResult["type"], name: string): Kind {
  if (type === undefined) return Kind.Default;
  if (type === "bigint") return Kind.BigInt;
  if (type === STRING) return Kind.String;
  if (type === "lob") return Kind.Lob;
  throw odbError(
    ErrorCode.INVALID_OPTION,
    `Fetch type of column "${name}" must be STRING, "bigint" or "lob", not ${String(type)}`,
  );
}

const LOB_TYPES = [DB_TYPE_CLOB, DB_TYPE_BLOB];

/** True when some column of the plan is fetched as `Lob` objects. */
export function plansLobs(plan: RowPlan): boolean {
  return plan.columns.some((c) => c.kind === Kind.Lob);
}

/** Gives the plan's LOB columns the function that makes their `Lob` objects. */
export function attachLobMaker(plan: RowPlan, make: (raw: LobLocator) => unknown): void {
  for (const c of plan.columns) if (c.kind === Kind.Lob) c.makeLob = make;
}

/** Sets how the plan's CURSOR(…) columns become `Cursor`s (they need the session). */
export function attachCursorMaker(plan: RowPlan, make: (raw: RefCursorValue) => unknown): void {
  for (const c of plan.columns) if (c.kind === Kind.Cursor) c.makeCursor = make;
}

/**
 * Builds the plan of a query from its columns and the execute options; `answers` are the
 * fetchTypeHandler's, when the caller already asked it (see `handlerAnswers`).
 */
export function planRows(
  columns: NativeColumn[],
  opts: ExecuteOptions,
  answers?: unknown[],
): RowPlan {
  const seen = new Map<string, number>();
  const plan: RowPlan = {
    metaData: [],
    columns: [],
    nativeAsString: [],
    outFormat: opts.outFormat ?? "object",
  };
  columns.forEach((c, i) => {
    const meta = toMetadata(c);
    const handler = opts.fetchTypeHandler;
    const choice = chooseFetch(
      meta,
      opts,
      () => answers !== undefined ? answers[i] : callHandler(handler!, meta),
    );
    const kind = kindOf(choice?.type, meta.name);
    if (kind !== Kind.Default) meta.fetchType = choice?.type;
    if (kind !== Kind.Default && c.dbType === DB_TYPE_NUMBER) plan.nativeAsString.push(i);
    if (kind === Kind.Lob) {
      if (!LOB_TYPES.includes(c.dbType)) {
        throw odbError(
          ErrorCode.INVALID_OPTION,
          `Fetch type "lob" of column "${meta.name}" needs a CLOB, NCLOB or BLOB column, ` +
            `not ${meta.dbTypeName}`,
        );
      }
      plan.nativeAsString.push(LOB_COLUMN + i);
    }
    // Duplicate names (SELECT 1, 1 …) get a suffix so no column hides another in an object row.
    const n = seen.get(meta.name) ?? 0;
    seen.set(meta.name, n + 1);
    const key = n === 0 ? meta.name : `${meta.name}_${n}`;
    plan.metaData.push(meta);
    // A CURSOR(…) column's values become `Cursor`s, a BFILE's `Lob`s (its locator is its value).
    const own = kind !== Kind.Default
      ? kind
      : c.dbType === DB_TYPE_CURSOR
      ? Kind.Cursor
      : c.dbType === DB_TYPE_BFILE
      ? Kind.Lob
      : kind;
    plan.columns.push({ key, dbType: c.dbType, kind: own, converter: choice?.converter });
  });
  return plan;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function dateText(d: Date, dbType: number): string {
  const day = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return dbType === DB_TYPE_DATE
    ? `${day} ${time}`
    : `${day} ${time}.${pad(d.getMilliseconds(), 3)}`;
}

function toText(v: unknown, dbType: number): string {
  if (typeof v === "string") return v;
  if (v instanceof Date) return dateText(v, dbType);
  if (v instanceof Uint8Array) {
    let hex = "";
    for (const b of v) hex += b.toString(16).padStart(2, "0");
    return hex.toUpperCase();
  }
  return String(v);
}

function toBigInt(v: unknown, name: string): bigint {
  if (typeof v === "string" && /^[+-]?\d+$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw odbError(
    ErrorCode.FETCH_CONVERSION_FAILED,
    `Value ${String(v)} of column "${name}" is not an integer and cannot be fetched as bigint`,
  );
}

function convert(v: unknown, col: ColumnPlan, name: string): unknown {
  let out = v;
  if (v !== null) {
    if (col.kind === Kind.Default) {
      // NUMBER values too large or too precise for f64 arrive as text.
      if (typeof v === "string" && col.dbType === DB_TYPE_NUMBER) out = Number(v);
    } else if (col.kind === Kind.String) out = toText(v, col.dbType);
    else if (col.kind === Kind.Lob) out = col.makeLob!(v as LobLocator);
    else if (col.kind === Kind.Cursor) out = col.makeCursor?.(v as RefCursorValue) ?? v;
    else out = toBigInt(v, name);
  }
  if (col.converter === undefined) return out;
  try {
    return col.converter(out);
  } catch (e) {
    throw userCodeError(`The converter of column "${name}"`, e);
  }
}

type RowMaker = (
  reader: ValueReader,
  fix: (v: unknown, i: number) => unknown,
  num: (v: unknown) => unknown,
) => unknown;

/** A NUMBER column's value as fetched by default: too large or too precise for f64, it arrives
 * as text. Small enough for the row builder to inline, unlike `convert`. */
const plainNumber = (v: unknown) => typeof v === "string" ? Number(v) : v;

const rowMakers = new WeakMap<RowPlan, RowMaker>();

/**
 * A function that builds one object row as an object literal with the plan's keys: V8 then
 * allocates every row with one fixed shape, instead of growing each row key by key (that took a
 * fifth of a large fetch). `fix` is called only for columns that need converting.
 */
function objectRowMaker(plan: RowPlan): RowMaker {
  let make = rowMakers.get(plan);
  if (make === undefined) {
    const fields = plan.columns.map((c, i) => {
      const plain = c.kind === Kind.Default && c.converter === undefined;
      const value = plain
        ? (c.dbType === DB_TYPE_NUMBER ? "n(r.read())" : "r.read()")
        : `f(r.read(), ${i})`;
      return `${JSON.stringify(c.key)}: ${value}`;
    });
    make = new Function("r", "f", "n", `return { ${fields.join(", ")} };`) as RowMaker;
    rowMakers.set(plan, make);
  }
  return make;
}

/** Decodes a batch of rows, appending them to `into`. */
export function decodeRows<T>(plan: RowPlan, batch: NativeRows, into: T[]): T[] {
  const reader = new ValueReader(batch.data);
  const cols = plan.columns;
  const n = cols.length;
  // A "__proto__" column would set the prototype in a literal: such rows are built key by key.
  const literal = plan.outFormat !== "array" && !cols.some((c) => c.key === "__proto__");
  if (literal && batch.rowCount > 0) {
    const make = objectRowMaker(plan);
    const fix = (v: unknown, i: number) => convert(v, cols[i], plan.metaData[i].name);
    for (let r = 0; r < batch.rowCount; r++) into.push(make(reader, fix, plainNumber) as T);
    return into;
  }
  for (let r = 0; r < batch.rowCount; r++) {
    if (plan.outFormat === "array") {
      const row = new Array<unknown>(n);
      for (let i = 0; i < n; i++) row[i] = convert(reader.read(), cols[i], plan.metaData[i].name);
      into.push(row as T);
    } else {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        row[cols[i].key] = convert(reader.read(), cols[i], plan.metaData[i].name);
      }
      into.push(row as T);
    }
  }
  return into;
}
