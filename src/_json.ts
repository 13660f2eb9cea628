/**
 * JSON binds: a value bound as `{ type: DB_TYPE_JSON, val }` goes to the native layer as one
 * nested tagged value (native/node/src/values/json.rs), which sends it as OSON. Plain objects,
 * arrays and scalars nest; anything else is refused here, with the path to the bad member.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import { IntervalDS, IntervalYM } from "./interval.ts";
import { Tag, type ValueWriter } from "./_values.ts";

/** Deepest nesting accepted (also stops a cyclic value). */
const MAX_DEPTH = 1000;

function refuse(where: string, path: string, why: string): never {
  throw odbError(ErrorCode.UNSUPPORTED_BIND_VALUE, `${where} is JSON whose ${path} ${why}`);
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Writes `v` (not null: that is SQL NULL, written by the caller) as a JSON bind. */
export function writeJson(w: ValueWriter, v: unknown, where: string): void {
  w.tag(Tag.JSON);
  writeNode(w, v, where, "value", 0);
}

function writeNode(w: ValueWriter, v: unknown, where: string, path: string, depth: number): void {
  if (depth > MAX_DEPTH) refuse(where, path, `is nested more than ${MAX_DEPTH} deep (a cycle?)`);
  if (v === null || v === undefined) return w.null();
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) refuse(where, path, `is ${v}, which JSON cannot hold`);
      return w.f64(Tag.NUMBER, v);
    case "bigint":
      return w.text(Tag.NUMBER_TEXT, v.toString());
    case "string":
      return w.text(Tag.STRING, v);
    case "boolean":
      return w.boolean(v);
    case "object":
      break;
    default:
      refuse(where, path, `is a ${typeof v}`);
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) refuse(where, path, "is an invalid Date");
    return w.date(Tag.TIMESTAMP, v);
  }
  if (v instanceof Uint8Array) return w.bytes(Tag.BYTES, v);
  if (v instanceof IntervalDS || v instanceof IntervalYM) return w.interval(v);
  if (Array.isArray(v)) {
    w.header(Tag.JSON_ARRAY, v.length);
    v.forEach((e, i) => writeNode(w, e, where, `${path}[${i}]`, depth + 1));
    return;
  }
  if (!isPlainObject(v)) {
    refuse(
      where,
      path,
      `is an object (${v.constructor?.name ?? "no prototype"}) that is not plain`,
    );
  }
  // As JSON.stringify: members whose value is undefined are left out.
  const entries = Object.entries(v).filter(([, e]) => e !== undefined);
  w.header(Tag.JSON_OBJECT, entries.length);
  for (const [k, e] of entries) {
    w.key(k);
    writeNode(w, e, where, `${path}.${k}`, depth + 1);
  }
}
