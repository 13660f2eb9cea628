/**
 * node-oracledb binds and execute options into oradb's: its bind directions (3001…) and
 * `DbType`s (its own or the real node-oracledb's, read by `num`) into oradb's numbers.
 *
 * @module
 */

import * as t from "../types.ts";
import { IntervalDS, IntervalYM } from "../interval.ts";
import { Lob as OradbLob } from "../lob.ts";
import { BIND_IN, BIND_INOUT, BIND_OUT, DB_TYPES, DEFAULT } from "./constants.ts";
import { NJS, njsError, notSupported } from "./errors.ts";
import { Lob } from "./lob.ts";

const DIRS: Readonly<Record<number, t.BindDirection>> = {
  [BIND_IN]: t.BIND_IN,
  [BIND_INOUT]: t.BIND_INOUT,
  [BIND_OUT]: t.BIND_OUT,
};

/**
 * The oradb type number of a node-oracledb type: a `DbType` (ours or node-oracledb's, both
 * carry `num`) or a bare number of either numbering. Undefined for `DEFAULT`.
 */
export function oraType(type: unknown): number | undefined {
  if (type === undefined || type === null || type === DEFAULT) return undefined;
  const num = typeof type === "number"
    ? type
    : typeof type === "object" && typeof (type as { num?: unknown }).num === "number"
    ? (type as { num: number }).num
    : NaN;
  const d = DB_TYPES.get(num);
  if (d === undefined) throw njsError(NJS.INVALID_TYPE_FOR_CONVERSION);
  if (d.oraTypeNum === 0) throw notSupported(`Database type ${d.name}`);
  return d.oraTypeNum;
}

function isSpec(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !(v instanceof Date) &&
    !(v instanceof Uint8Array) && !(v instanceof Lob) && !(v instanceof OradbLob) &&
    !Array.isArray(v) && ("val" in v || "dir" in v || "type" in v || "maxSize" in v);
}

function value(v: unknown, pos: number): t.BindValue {
  if (v instanceof Lob) return v.oradbLob as unknown as t.BindValue;
  if (Array.isArray(v)) throw notSupported(`Array bind in parameter ${pos}`);
  if (typeof v === "object" && v !== null && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    if (!(v instanceof OradbLob) && !(v instanceof IntervalDS) && !(v instanceof IntervalYM)) {
      throw njsError(NJS.INVALID_BIND_DATA_TYPE, pos);
    }
  }
  return v as t.BindValue;
}

function bind(v: unknown, pos: number): t.BindValue | t.BindSpec {
  if (!isSpec(v)) return value(v, pos);
  const spec: t.BindSpec = {};
  if (v.dir !== undefined) {
    const dir = DIRS[v.dir as number];
    if (dir === undefined) throw njsError(NJS.INVALID_BIND_DIRECTION);
    spec.dir = dir;
  }
  const type = oraType(v.type);
  if (type !== undefined) spec.type = type;
  if (typeof v.maxSize === "number") spec.maxSize = v.maxSize;
  if ("val" in v) spec.val = value(v.val, pos);
  return spec;
}

/** node-oracledb binds (array or object) as oradb binds. */
export function toBinds(binds: unknown): t.Binds | undefined {
  if (binds === undefined || binds === null) return undefined;
  if (Array.isArray(binds)) return binds.map((v, i) => bind(v, i + 1));
  if (typeof binds !== "object") throw njsError(NJS.INVALID_PARAMETER_VALUE, 2);
  const out: Record<string, t.BindValue | t.BindSpec> = {};
  let i = 0;
  for (const [k, v] of Object.entries(binds)) out[k] = bind(v, ++i);
  return out;
}
