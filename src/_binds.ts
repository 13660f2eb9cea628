/**
 * Turning JS bind values into native binds (types inferred from values), and OUT bind values
 * back into JS.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import type { NativeBinds } from "./_native.ts";
import { Tag, ValueWriter } from "./_values.ts";
import { Lob, lobBindValue } from "./lob.ts";
import { IntervalDS, IntervalYM } from "./interval.ts";
import { type ArrayDef, readArraySpec, writeArray } from "./_bind_arrays.ts";
import { DB_TYPE_VECTOR, isVectorBind, SparseVector } from "./vector.ts";
import { writeJson } from "./_json.ts";
import { DbObject } from "./dbobject.ts";
import { NullObject, objectClassInfo, writeObjectBind } from "./_dbobject_codec.ts";
import {
  BIND_IN,
  BIND_INOUT,
  BIND_OUT,
  type Binds,
  type BindSpec,
  DB_TYPE_BINARY_DOUBLE,
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
  DB_TYPE_TIMESTAMP,
  DB_TYPE_TIMESTAMP_LTZ,
  DB_TYPE_TIMESTAMP_TZ,
  DB_TYPE_VARCHAR,
} from "./types.ts";

const BINDABLE_TYPES = new Set([
  DB_TYPE_VARCHAR,
  DB_TYPE_NUMBER,
  DB_TYPE_LONG,
  DB_TYPE_DATE,
  DB_TYPE_RAW,
  DB_TYPE_LONG_RAW,
  DB_TYPE_CHAR,
  DB_TYPE_BINARY_DOUBLE,
  DB_TYPE_CLOB,
  DB_TYPE_BLOB,
  DB_TYPE_TIMESTAMP,
  DB_TYPE_TIMESTAMP_TZ,
  DB_TYPE_TIMESTAMP_LTZ,
  DB_TYPE_BOOLEAN,
  DB_TYPE_CURSOR,
  DB_TYPE_INTERVAL_DS,
  DB_TYPE_INTERVAL_YM,
  DB_TYPE_VECTOR,
  DB_TYPE_JSON,
]);
const VARIABLE_SIZE = new Set([
  DB_TYPE_VARCHAR,
  DB_TYPE_CHAR,
  DB_TYPE_RAW,
  DB_TYPE_LONG,
  DB_TYPE_LONG_RAW,
]);
const DEFAULT_MAX_SIZE = 4000;
/** The most bytes one bind can carry (LONG RAW: 2 GiB - 1). */
const MAX_BIND_BYTES = 2 ** 31 - 1;
/** Years Oracle's DATE and TIMESTAMP can hold. */
const MIN_YEAR = -4712;
const MAX_YEAR = 9999;
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Native binds plus what is needed to map OUT values back to names or positions. */
export interface EncodedBinds {
  native: NativeBinds;
  /** Number of binds per row. */
  count: number;
}

/** Describes a bind in messages: `Bind "id"` or `Bind at position 2`, with the row if many. */
function label(names: string[] | null, i: number, row: number | undefined): string {
  const where = names ? `Bind "${names[i]}"` : `Bind at position ${i + 1}`;
  return row === undefined ? where : `${where} in row ${row + 1}`;
}

function isSpec(v: unknown): v is BindSpec {
  if (
    typeof v !== "object" || v === null || v instanceof Date || v instanceof Uint8Array ||
    v instanceof Lob || v instanceof IntervalDS || v instanceof IntervalYM ||
    ArrayBuffer.isView(v) || v instanceof SparseVector || v instanceof DbObject ||
    v instanceof NullObject
  ) {
    return false;
  }
  return "val" in v || "dir" in v || "type" in v || "maxSize" in v || "maxArraySize" in v;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "no prototype"})`;
  return `a ${typeof v}`;
}

/**
 * Writes one value; returns the Oracle type it was bound as (0 for NULL, `declared` otherwise
 * when given). The bind is named only when it fails (a label per value cost a third of the
 * time of `executeMany`).
 */
export function writeValue(
  w: ValueWriter,
  v: unknown,
  declared: number,
  names: string[] | null,
  i: number,
  row: number | undefined,
): number {
  if (v === null || v === undefined) {
    w.null();
    return declared;
  }
  if (declared === DB_TYPE_JSON) {
    writeJson(w, v, label(names, i, row));
    return declared;
  }
  if (v instanceof DbObject || v instanceof NullObject) {
    writeObjectBind(w, v);
    return DB_TYPE_OBJECT;
  }
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) {
        throw odbError(
          ErrorCode.BIND_CONVERSION_FAILED,
          `${label(names, i, row)} is ${v}, which NUMBER cannot hold`,
        );
      }
      w.f64(declared === DB_TYPE_BINARY_DOUBLE ? Tag.BINARY_DOUBLE : Tag.NUMBER, v);
      return declared || DB_TYPE_NUMBER;
    case "bigint":
      w.text(Tag.NUMBER_TEXT, v.toString());
      return declared || DB_TYPE_NUMBER;
    case "string":
      return writeString(w, v, declared, names, i, row);
    case "boolean":
      w.boolean(v);
      return declared || DB_TYPE_BOOLEAN;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) {
      throw odbError(
        ErrorCode.UNSUPPORTED_BIND_VALUE,
        `${label(names, i, row)} is an invalid Date`,
      );
    }
    const year = v.getFullYear();
    if (year < MIN_YEAR || year > MAX_YEAR) {
      // Oracle's DATE and TIMESTAMP hold years -4712 to 9999; the wire form would wrap.
      throw odbError(
        ErrorCode.UNSUPPORTED_BIND_VALUE,
        `${label(names, i, row)} is a Date in year ${year}, outside Oracle's range ` +
          `${MIN_YEAR} to ${MAX_YEAR}`,
      );
    }
    w.date(declared === DB_TYPE_DATE ? Tag.DATE : Tag.TIMESTAMP, v);
    return declared || DB_TYPE_TIMESTAMP;
  }
  if (v instanceof IntervalDS || v instanceof IntervalYM) {
    // Bound as its own type whatever was declared; the native layer refuses another.
    w.interval(v);
    return declared || (v instanceof IntervalDS ? DB_TYPE_INTERVAL_DS : DB_TYPE_INTERVAL_YM);
  }
  if (v instanceof Lob) {
    const { dbType, locator } = lobBindValue(v);
    w.lob(dbType, locator);
    return dbType;
  }
  if (isVectorBind(v, declared)) {
    w.vector(v);
    return DB_TYPE_VECTOR;
  }
  if (v instanceof Uint8Array) {
    if (v.length > MAX_BIND_BYTES) {
      // Oracle's LONG RAW limit; lengths above it would also wrap in the 32-bit wire fields.
      throw odbError(
        ErrorCode.UNSUPPORTED_BIND_VALUE,
        `${label(names, i, row)} is ${v.length} bytes, over Oracle's limit of ${MAX_BIND_BYTES}`,
      );
    }
    w.bytes(declared === DB_TYPE_BLOB ? Tag.BLOB : Tag.BYTES, v);
    return declared || DB_TYPE_RAW;
  }
  throw odbError(
    ErrorCode.UNSUPPORTED_BIND_VALUE,
    `${label(names, i, row)} is ${describe(v)}, which cannot be bound (use a string, number, ` +
      `bigint, boolean, ` +
      `Date, Uint8Array, Lob, IntervalDS, IntervalYM, null or { dir, type, maxSize, val })`,
  );
}

function writeString(
  w: ValueWriter,
  v: string,
  declared: number,
  names: string[] | null,
  i: number,
  row: number | undefined,
): number {
  if (declared === DB_TYPE_NUMBER) {
    if (!NUMERIC_TEXT.test(v)) {
      throw odbError(
        ErrorCode.BIND_CONVERSION_FAILED,
        `${label(names, i, row)} has type NUMBER but value "${v}" is not a number`,
      );
    }
    w.text(Tag.NUMBER_TEXT, v);
    return declared;
  }
  w.text(declared === DB_TYPE_CLOB ? Tag.CLOB : Tag.STRING, v);
  return declared || DB_TYPE_VARCHAR;
}

interface BindDef {
  dir: number;
  type: number;
  maxSize: number;
  val: unknown;
  /** Set for an associative-array bind. */
  array?: ArrayDef;
}

function readSpec(spec: BindSpec, what: string): BindDef {
  for (const key of Object.keys(spec)) {
    if (
      key !== "dir" && key !== "type" && key !== "maxSize" && key !== "val" &&
      key !== "maxArraySize"
    ) {
      throw odbError(ErrorCode.INVALID_BIND_SPEC, `${what} has unknown property "${key}"`);
    }
  }
  const dir = spec.dir ?? BIND_IN;
  if (dir !== BIND_IN && dir !== BIND_OUT && dir !== BIND_INOUT) {
    throw odbError(ErrorCode.INVALID_BIND_SPEC, `${what} has invalid "dir" ${String(dir)}`);
  }
  const info = objectClassInfo(spec.type);
  if (info !== undefined) {
    // An object bind: a NULL object of the class's type unless a value goes in.
    const val = dir === BIND_OUT || spec.val == null ? new NullObject(info) : spec.val;
    return { dir, type: DB_TYPE_OBJECT, maxSize: 0, val };
  }
  const type = spec.type ?? 0;
  if (typeof type !== "number" || (type !== 0 && !BINDABLE_TYPES.has(type))) {
    throw odbError(ErrorCode.INVALID_BIND_SPEC, `${what} has unsupported "type" ${String(type)}`);
  }
  if (type === DB_TYPE_CURSOR && dir !== BIND_OUT) {
    // The server opens REF CURSORs in PL/SQL; one cannot be sent from here.
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${what} has "type" CURSOR, which is an OUT bind only ("dir": BIND_OUT)`,
    );
  }
  const maxSize = spec.maxSize ?? 0;
  if (!Number.isInteger(maxSize) || maxSize < 0) {
    throw odbError(ErrorCode.INVALID_BIND_SPEC, `${what} has invalid "maxSize" ${String(maxSize)}`);
  }
  if (spec.maxArraySize !== undefined || Array.isArray(spec.val)) {
    const array = readArraySpec(what, dir, type, spec.maxArraySize, spec.val);
    return { dir, type, maxSize, val: null, array };
  }
  return { dir, type, maxSize, val: dir === BIND_OUT ? null : spec.val };
}

function toDef(v: unknown, what: string): BindDef {
  return isSpec(v) ? readSpec(v, what) : { dir: BIND_IN, type: 0, maxSize: 0, val: v };
}

function entries(binds: Binds | undefined): { names: string[] | null; values: unknown[] } {
  if (binds === undefined || binds === null) return { names: null, values: [] };
  if (Array.isArray(binds)) return { names: null, values: binds };
  if (typeof binds !== "object") {
    throw odbError(ErrorCode.INVALID_ARGUMENT, `Argument "binds" must be an array or an object`);
  }
  const names = Object.keys(binds);
  return { names, values: names.map((n) => (binds as Record<string, unknown>)[n]) };
}

function finishDefs(defs: BindDef[], types: number[], names: string[] | null): number[] {
  return defs.map((d, i) => {
    if (d.dir !== BIND_IN && types[i] === 0) {
      throw odbError(
        ErrorCode.INVALID_BIND_SPEC,
        `${label(names, i, undefined)} is OUT and needs a "type"`,
      );
    }
    if (d.maxSize > 0 || d.dir === BIND_IN) return d.maxSize;
    return VARIABLE_SIZE.has(types[i]) ? DEFAULT_MAX_SIZE : 0;
  });
}

const NO_BINDS: EncodedBinds = Object.freeze({
  native: Object.freeze({
    names: null,
    dirs: [],
    types: [],
    maxSizes: [],
    values: new Uint8Array(0),
  }),
  count: 0,
});

/**
 * Encodes the binds of one `execute()`.
 *
 * @throws {OracleError} `ODB-3xxx` naming the bind.
 */
export function encodeBinds(binds: Binds | undefined): EncodedBinds {
  // No binds (the common query): one shared, frozen result instead of a writer per call.
  if (binds === undefined || (Array.isArray(binds) && binds.length === 0)) return NO_BINDS;
  const { names, values } = entries(binds);
  const w = new ValueWriter();
  const defs = values.map((v, i) => toDef(v, label(names, i, undefined)));
  const types = defs.map((d, i) =>
    d.array === undefined
      ? writeValue(w, d.val, d.type, names, i, undefined)
      : writeArray(w, d.array, d.type, (v, t) => writeValue(w, v, t, names, i, undefined))
  );
  const maxSizes = finishDefs(defs, types, names);
  const native: NativeBinds = {
    names,
    dirs: defs.map((d) => d.dir),
    types,
    maxSizes,
    values: w.finish(),
  };
  if (defs.some((d) => d.array !== undefined)) {
    native.arraySizes = defs.map((d) => d.array?.maxArraySize ?? 0);
  }
  return { native, count: defs.length };
}

/**
 * Encodes the rows of one `executeMany()`: every row has the names (or the length) of the
 * first; a bind's type comes from its first non-null value and later rows must agree.
 *
 * @throws {OracleError} `ODB-3xxx` naming the bind and the row.
 */
export function encodeManyBinds(rows: ReadonlyArray<Binds>): EncodedBinds {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw odbError(ErrorCode.INVALID_ARGUMENT, `Argument "rows" must be a non-empty array`);
  }
  const first = entries(rows[0]);
  const names = first.names;
  const defs = first.values.map((v, i) => toDef(v, label(names, i, 0)));
  const arrayAt = defs.findIndex((d) => d.array !== undefined);
  if (arrayAt >= 0) {
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${label(names, arrayAt, 0)} is an associative array, which only execute() can bind`,
    );
  }
  const cursorAt = defs.findIndex((d) => d.type === DB_TYPE_CURSOR);
  if (cursorAt >= 0) {
    // executeMany() returns no OUT values, so the cursors would stay open on the server.
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${label(names, cursorAt, 0)} has "type" CURSOR, which only execute() can return`,
    );
  }
  const types = defs.map((d) => d.type);
  const w = new ValueWriter();
  const declared = defs.map((d) => d.type);
  const firstValues = defs.map((d) => d.val);
  for (let r = 0; r < rows.length; r++) {
    const values = r === 0 ? firstValues : rowValues(rows[r], names, defs.length, r);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const val = r !== 0 && isSpec(v) ? v.val : v;
      // Only an explicit type steers encoding; an inferred one is checked, not coerced to.
      const got = writeValue(w, val, declared[i], names, i, r);
      if (types[i] === 0) types[i] = got;
      else if (got !== 0 && got !== types[i]) {
        throw odbError(
          ErrorCode.BIND_SHAPE_MISMATCH,
          `${label(names, i, r)} has Oracle type ${got} but earlier rows have ${types[i]}`,
        );
      }
    }
  }
  const maxSizes = finishDefs(defs, types, names);
  const native = { names, dirs: defs.map((d) => d.dir), types, maxSizes, values: w.finish() };
  return { native, count: defs.length };
}

function rowValues(
  row: Binds,
  names: string[] | null,
  count: number,
  r: number,
): unknown[] {
  // Positional rows are used as they are (the common, fast case).
  if (names === null && Array.isArray(row) && row.length === count) return row;
  const { names: rowNames, values } = entries(row);
  if ((names === null) !== (rowNames === null) || values.length !== count) {
    throw odbError(
      ErrorCode.BIND_SHAPE_MISMATCH,
      `Row ${r + 1} has ${values.length} ${
        rowNames ? "named" : "positional"
      } binds but row 1 has ` +
        `${count} ${names ? "named" : "positional"} binds`,
    );
  }
  if (names === null || rowNames === null) return values;
  const byName = row as Record<string, unknown>;
  return names.map((n) => {
    if (!(n in byName)) {
      throw odbError(ErrorCode.BIND_SHAPE_MISMATCH, `Row ${r + 1} has no bind "${n}"`);
    }
    return byName[n];
  });
}

export { decodeOutBinds, type OutMakers, outValue, readOutRow } from "./_out_binds.ts";
