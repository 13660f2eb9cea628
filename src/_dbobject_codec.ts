/**
 * `DbObject`s to and from the native codec: a bind's wire value made from the object's values,
 * and fetched images (rows, OUT binds) made into `DbObject`s once their type is known.
 *
 * @module
 */

import { DbObject, type DbObjectType, type DbObjectTypeInfo } from "./dbobject.ts";
import { entryOf, type TypeCache } from "./_dbobject_types.ts";
import { loadNative } from "./_native.ts";
import { RawObject, Tag, ValueReader, ValueWriter } from "./_values.ts";
import { toOracleError } from "./errors.ts";
import { DB_TYPE_OBJECT, type Result } from "./types.ts";

const DB_TYPE_DATE = 12;
const DB_TYPE_BINARY_DOUBLE = 101;

function writeMember(w: ValueWriter, v: unknown, dbType: number): void {
  if (v === null || v === undefined) w.null();
  else if (v instanceof DbObject) writeTags(w, v);
  else if (typeof v === "number") {
    w.f64(dbType === DB_TYPE_BINARY_DOUBLE ? Tag.BINARY_DOUBLE : Tag.NUMBER, v);
  } else if (typeof v === "bigint") w.text(Tag.NUMBER_TEXT, v.toString());
  else if (typeof v === "string") w.text(Tag.STRING, v);
  else if (typeof v === "boolean") w.boolean(v);
  else if (v instanceof Date) w.date(dbType === DB_TYPE_DATE ? Tag.DATE : Tag.TIMESTAMP, v);
  else w.bytes(Tag.BYTES, v as Uint8Array);
}

/** An object's attributes or a collection's elements as a tagged list. */
function writeTags(w: ValueWriter, o: DbObject): void {
  const t = o.type;
  const values = DbObject.valuesOf(o);
  w.arrayHeader(values.length);
  values.forEach((v, i) => {
    const at = t.isCollection ? t.elementType! : t.attributes[i].type;
    writeMember(w, v, at.dbType);
  });
}

/** The wire value of `o` for a bind (TOID, image: native/client/src/object.rs). */
export function objectWire(o: DbObject): Uint8Array {
  const info = DbObject.infoOf(o);
  const w = new ValueWriter();
  writeTags(w, o);
  try {
    return loadNative().objectEncode(info.shape, info.oid, w.finish(), info.type.fullName);
  } catch (e) {
    throw toOracleError(e);
  }
}

/** A NULL object of a type, for OUT binds given the type's class. */
export class NullObject {
  constructor(readonly info: DbObjectTypeInfo) {}
}

/** The type info of a `DbObject` class given as a bind's `type`, else undefined. */
export function objectClassInfo(t: unknown): DbObjectTypeInfo | undefined {
  if (typeof t !== "function" || !(t.prototype instanceof DbObject)) return undefined;
  return entryOf((t as unknown as { type: DbObjectType }).type)?.info;
}

/** Writes an object bind: the type's OID and the wire value (empty for a NULL object). */
export function writeObjectBind(w: ValueWriter, v: DbObject | NullObject): void {
  if (v instanceof NullObject) w.object(v.info.oid, new Uint8Array(0));
  else w.object(DbObject.infoOf(v).oid, objectWire(v));
}

/** The DbObject of decoded tags (lists of attributes or elements) of type `t`. */
function build(t: DbObjectType, v: unknown): DbObject | null {
  if (v === null) return null;
  const { cls } = entryOf(t);
  const o = new cls();
  const items = v as unknown[];
  DbObject.fill(
    o,
    items.map((x, i) => {
      const at = t.isCollection ? t.elementType! : t.attributes[i]?.type;
      return at?.objectType !== undefined ? build(at.objectType, x) : x;
    }),
  );
  return o;
}

/** Makes a fetched value into a DbObject, reading its type if new. */
export async function materialize(raw: RawObject, types: TypeCache): Promise<DbObject | null> {
  const { info } = await types.byOid(raw.oid);
  let tags: Uint8Array;
  try {
    tags = loadNative().objectDecode(info.shape, raw.image);
  } catch (e) {
    throw toOracleError(e);
  }
  return build(info.type, new ValueReader(tags).read());
}

/** Replaces the fetched object values in rows or OUT binds (arrays or records) in place. */
export async function materializeAll(
  holders: Array<unknown[] | Record<string, unknown>>,
  types: TypeCache,
): Promise<void> {
  for (const h of holders) {
    const rec = h as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      if (v instanceof RawObject) rec[k] = await materialize(v, types);
    }
  }
}

/** True when some row or OUT bind holds a fetched object value. */
export function holdsObjects(holders: Array<unknown[] | Record<string, unknown>>): boolean {
  for (const h of holders) {
    for (const v of Object.values(h)) if (v instanceof RawObject) return true;
  }
  return false;
}

/** Makes a result's fetched object values (rows, OUT binds) `DbObject`s, in place. */
export async function resultObjects<T>(result: Result<T>, types: TypeCache): Promise<Result<T>> {
  // Rows are looked at only when a column is of an object type: most fetches have none.
  const objectRows = result.metaData?.some((m) => m.dbType === DB_TYPE_OBJECT) ?? false;
  const holders = [
    ...(objectRows ? result.rows ?? [] : []),
    ...(result.outBinds ? [result.outBinds] : []),
  ] as Record<string, unknown>[];
  if (holdsObjects(holders)) await materializeAll(holders, types);
  return result;
}
