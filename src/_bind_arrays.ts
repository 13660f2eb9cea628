/**
 * PL/SQL associative-array binds (index-by tables of scalars): checking their spec and
 * writing their elements.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import { Lob } from "./lob.ts";
import { IntervalDS, IntervalYM } from "./interval.ts";
import type { ValueWriter } from "./_values.ts";
import {
  BIND_IN,
  DB_TYPE_BINARY_DOUBLE,
  DB_TYPE_BOOLEAN,
  DB_TYPE_CHAR,
  DB_TYPE_DATE,
  DB_TYPE_NUMBER,
  DB_TYPE_RAW,
  DB_TYPE_TIMESTAMP,
  DB_TYPE_TIMESTAMP_LTZ,
  DB_TYPE_VARCHAR,
} from "./types.ts";

/** Element types an array bind can hold (Oracle binds no LOB, cursor or interval tables). */
const ARRAY_TYPES = new Set([
  DB_TYPE_NUMBER,
  DB_TYPE_VARCHAR,
  DB_TYPE_CHAR,
  DB_TYPE_RAW,
  DB_TYPE_DATE,
  DB_TYPE_TIMESTAMP,
  DB_TYPE_TIMESTAMP_LTZ,
  DB_TYPE_BINARY_DOUBLE,
  DB_TYPE_BOOLEAN,
]);

/** The largest maxArraySize (Oracle's limit on an index-by table bind). */
const MAX_ARRAY_SIZE = 32767;

/** What an array bind's spec says: the array size, and the elements (none for OUT). */
export interface ArrayDef {
  maxArraySize: number;
  elements: readonly unknown[];
}

/** The JS kind of an element, to refuse arrays that mix them (null has none). */
function kindOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return "number";
  if (typeof v !== "object") return typeof v;
  if (v instanceof Date) return "Date";
  if (v instanceof Uint8Array) return "Uint8Array";
  if (v instanceof Lob || v instanceof IntervalDS || v instanceof IntervalYM) {
    return v.constructor.name;
  }
  return Array.isArray(v) ? "an array" : "an object";
}

/**
 * Checks an array bind's spec (`what` names the bind): `maxArraySize` (required unless IN),
 * an array `val` no longer than it, one JS kind of element, a scalar `type`.
 *
 * @throws {OracleError} `ODB-3002` / `ODB-3003` naming the bind.
 */
export function readArraySpec(
  what: string,
  dir: number,
  type: number,
  maxArraySize: unknown,
  val: unknown,
): ArrayDef {
  if (type !== 0 && !ARRAY_TYPES.has(type)) {
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${what} is an array bind of "type" ${type}, which an associative array cannot hold ` +
        `(use NUMBER, STRING, DATE, TIMESTAMP, BUFFER, BINARY_DOUBLE or BOOLEAN)`,
    );
  }
  const elements = dir === 2 || val === undefined || val === null ? [] : val;
  if (!Array.isArray(elements)) {
    throw odbError(
      ErrorCode.BIND_SHAPE_MISMATCH,
      `${what} has "maxArraySize", so its "val" must be an array`,
    );
  }
  if (maxArraySize === undefined && dir !== BIND_IN) {
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${what} is an OUT or IN OUT array and needs "maxArraySize"`,
    );
  }
  const max = maxArraySize ?? Math.max(elements.length, 1);
  if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_ARRAY_SIZE) {
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${what} has invalid "maxArraySize" ${String(max)} (1 to ${MAX_ARRAY_SIZE})`,
    );
  }
  if (elements.length > (max as number)) {
    throw odbError(
      ErrorCode.INVALID_BIND_SPEC,
      `${what} has ${elements.length} elements, more than its "maxArraySize" ${max}`,
    );
  }
  let first: string | null = null;
  let firstAt = 0;
  for (let k = 0; k < elements.length; k++) {
    const kind = kindOf(elements[k]);
    if (kind === null) continue;
    if (first === null) [first, firstAt] = [kind, k];
    else if (kind !== first) {
      throw odbError(
        ErrorCode.BIND_SHAPE_MISMATCH,
        `${what} has element ${k + 1} of kind ${kind} but element ${firstAt + 1} of kind ${first}`,
      );
    }
  }
  return { maxArraySize: max as number, elements };
}

/**
 * Writes an array bind's elements as one tagged array; returns the type they bind as
 * (`declared`, else the first non-null element's, else 0).
 */
export function writeArray(
  w: ValueWriter,
  def: ArrayDef,
  declared: number,
  writeOne: (v: unknown, declared: number) => number,
): number {
  w.arrayHeader(def.elements.length);
  let type = declared;
  for (const v of def.elements) {
    const got = writeOne(v, declared);
    if (type === 0) type = got;
  }
  // 0 when no element says: an OUT array must then have a type, an IN one goes as VARCHAR2.
  return type;
}
