/**
 * `executeMany()` with `bindDefs`: rows of plain values encoded by the definitions, and the OUT
 * values (PL/SQL OUT binds, `RETURNING … INTO`) read back per row.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import { type EncodedBinds, type OutMakers, readOutRow, writeValue } from "./_binds.ts";
import { ValueReader, ValueWriter } from "./_values.ts";
import {
  BIND_IN,
  BIND_INOUT,
  BIND_OUT,
  type BindDefinition,
  type Binds,
  DB_TYPE_CHAR,
  DB_TYPE_CURSOR,
  DB_TYPE_LONG,
  DB_TYPE_LONG_RAW,
  DB_TYPE_RAW,
  DB_TYPE_VARCHAR,
} from "./types.ts";

const VARIABLE_SIZE = new Set([
  DB_TYPE_VARCHAR,
  DB_TYPE_CHAR,
  DB_TYPE_RAW,
  DB_TYPE_LONG,
  DB_TYPE_LONG_RAW,
]);
const DEFAULT_MAX_SIZE = 4000;

type Defs = ReadonlyArray<BindDefinition> | Readonly<Record<string, BindDefinition>>;

function invalid(msg: string): never {
  throw odbError(ErrorCode.INVALID_BIND_SPEC, msg);
}

/** The definitions as names (null: positional) and checked entries. */
function readDefs(bindDefs: Defs): { names: string[] | null; defs: BindDefinition[] } {
  if (typeof bindDefs !== "object" || bindDefs === null) {
    invalid(`Option "bindDefs" must be an array or an object`);
  }
  const names = Array.isArray(bindDefs) ? null : Object.keys(bindDefs);
  const defs: BindDefinition[] = names === null
    ? [...(bindDefs as ReadonlyArray<BindDefinition>)]
    : names.map((n) => (bindDefs as Record<string, BindDefinition>)[n]);
  if (defs.length === 0) invalid(`Option "bindDefs" is empty`);
  defs.forEach((d, i) => {
    const what = names ? `Bind definition "${names[i]}"` : `Bind definition ${i + 1}`;
    if (typeof d !== "object" || d === null) invalid(`${what} must be an object`);
    for (const key of Object.keys(d)) {
      if (key !== "dir" && key !== "type" && key !== "maxSize") {
        invalid(`${what} has unknown property "${key}"`);
      }
    }
    const dir = d.dir ?? BIND_IN;
    if (dir !== BIND_IN && dir !== BIND_OUT && dir !== BIND_INOUT) {
      invalid(`${what} has invalid "dir" ${String(d.dir)}`);
    }
    if (typeof d.type !== "number" || d.type <= 0 || d.type > 255) {
      invalid(`${what} needs a "type"`);
    }
    if (d.type === DB_TYPE_CURSOR) {
      // executeMany() could not hand the cursors back: they would stay open on the server.
      invalid(`${what} has "type" CURSOR, which only execute() can return`);
    }
    const maxSize = d.maxSize ?? 0;
    if (!Number.isInteger(maxSize) || maxSize < 0) {
      invalid(`${what} has invalid "maxSize" ${String(d.maxSize)}`);
    }
  });
  return { names, defs };
}

/** Row `r`'s value for bind `i` (OUT binds take none). */
function rowValue(row: Binds, names: string[] | null, i: number, r: number): unknown {
  if (names === null) {
    if (!Array.isArray(row)) {
      throw odbError(ErrorCode.BIND_SHAPE_MISMATCH, `Row ${r + 1} must be an array`);
    }
    if (i >= row.length) {
      throw odbError(
        ErrorCode.BIND_SHAPE_MISMATCH,
        `Row ${r + 1} has ${row.length} values but bind ${i + 1} is IN or IN OUT`,
      );
    }
    return row[i];
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    throw odbError(ErrorCode.BIND_SHAPE_MISMATCH, `Row ${r + 1} must be an object`);
  }
  const byName = row as Record<string, unknown>;
  if (!(names[i] in byName)) {
    throw odbError(ErrorCode.BIND_SHAPE_MISMATCH, `Row ${r + 1} has no bind "${names[i]}"`);
  }
  return byName[names[i]];
}

/**
 * Encodes the rows of an `executeMany()` by its `bindDefs`: each row holds a plain value per IN
 * and IN OUT bind (positional rows may leave trailing OUT binds out).
 *
 * @throws {OracleError} `ODB-3xxx` naming the bind and the row.
 */
export function encodeManyByDefs(rows: ReadonlyArray<Binds>, bindDefs: Defs): EncodedBinds {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw odbError(ErrorCode.INVALID_ARGUMENT, `Argument "rows" must be a non-empty array`);
  }
  const { names, defs } = readDefs(bindDefs);
  const dirs = defs.map((d) => d.dir ?? BIND_IN);
  const types = defs.map((d) => d.type);
  const w = new ValueWriter();
  for (let r = 0; r < rows.length; r++) {
    for (let i = 0; i < defs.length; i++) {
      if (dirs[i] === BIND_OUT) w.null();
      else writeValue(w, rowValue(rows[r], names, i, r), types[i], names, i, r);
    }
  }
  const maxSizes = defs.map((d, i) =>
    d.maxSize ?? (dirs[i] !== BIND_IN && VARIABLE_SIZE.has(types[i]) ? DEFAULT_MAX_SIZE : 0)
  );
  return { native: { names, dirs, types, maxSizes, values: w.finish() }, count: defs.length };
}

/** The OUT values of each row that sent some (see `ExecuteManyResult.outBinds`). */
export function decodeManyOutBinds(
  binds: EncodedBinds,
  data: Uint8Array | null | undefined,
  makers: OutMakers,
): (unknown[] | Record<string, unknown>)[] | undefined {
  if (data === null || data === undefined) return undefined;
  const r = new ValueReader(data);
  const rows: (unknown[] | Record<string, unknown>)[] = [];
  while (!r.done) rows.push(readOutRow(r, binds, makers));
  return rows;
}
