/**
 * Object and collection types read from the type dictionary (ALL_TYPES, ALL_TYPE_ATTRS,
 * ALL_COLL_TYPES), cached per connection by name and by OID, each with its `DbObject` class.
 *
 * @module
 */

import { ErrorCode, odbError, OracleError } from "./errors.ts";
import {
  DbObject,
  type DbObjectAttrType,
  type DbObjectClass,
  type DbObjectType,
  type DbObjectTypeInfo,
  registerTypeInfo,
} from "./dbobject.ts";
import { DB_TYPE_OBJECT } from "./types.ts";

/** Runs a query with positional binds and returns its rows as arrays. */
export type TypeQuery = (sql: string, binds: unknown[]) => Promise<unknown[][]>;

/** A type and its class. */
export interface TypeEntry {
  info: DbObjectTypeInfo;
  cls: DbObjectClass;
}

/** The entry of each type made, for nested attributes and fetched values. */
const entries = new WeakMap<DbObjectType, TypeEntry>();

/** The class and info of a type this module made. */
export function entryOf(t: DbObjectType): TypeEntry {
  return entries.get(t)!;
}

/** Oracle type number and character set form of a built-in attribute type. */
function builtin(name: string): [number, number] | undefined {
  const base = name.replace(/\(\d+(,\s*\d+)?\)/g, "").replace(/\s+/g, " ").trim();
  const table: Record<string, [number, number]> = {
    "NUMBER": [2, 0],
    "INTEGER": [2, 0],
    "FLOAT": [2, 0],
    "DECIMAL": [2, 0],
    "VARCHAR2": [1, 1],
    "VARCHAR": [1, 1],
    "NVARCHAR2": [1, 2],
    "CHAR": [96, 1],
    "NCHAR": [96, 2],
    "DATE": [12, 0],
    "TIMESTAMP": [180, 0],
    "TIMESTAMP WITH TIME ZONE": [181, 0],
    "TIMESTAMP WITH LOCAL TIME ZONE": [231, 0],
    // The dictionary's own spellings.
    "TIMESTAMP WITH TZ": [181, 0],
    "TIMESTAMP WITH LOCAL TZ": [231, 0],
    "RAW": [23, 0],
    "BINARY_DOUBLE": [101, 0],
    "BINARY_FLOAT": [100, 0],
    "BOOLEAN": [252, 0],
    "CLOB": [112, 1],
    "NCLOB": [112, 2],
    "BLOB": [113, 0],
  };
  return table[base];
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function notFound(name: string): OracleError {
  return new OracleError(`ORA-04043: object ${name} does not exist`, { code: "ORA-04043" });
}

/** Splits `[SCHEMA.]NAME` (unquoted parts upper-cased, quoted ones as written). */
function splitName(name: string): string[] {
  const parts = name.match(/"[^"]*"|[^.]+/g) ?? [];
  return parts.map((p) => p.startsWith('"') ? p.slice(1, -1) : p.trim().toUpperCase());
}

/** Types read so far by name (`SCHEMA.NAME`) and by OID: one set per connection or pool. */
export interface TypeMaps {
  byName: Map<string, Promise<TypeEntry>>;
  byOid: Map<string, Promise<TypeEntry>>;
}

/** An empty {@link TypeMaps}. */
export function typeMaps(): TypeMaps {
  return { byName: new Map(), byOid: new Map() };
}

/** Types of one connection, read once each (once per pool when its sessions share `maps`). */
export class TypeCache {
  readonly #query: TypeQuery;
  readonly #byName: Map<string, Promise<TypeEntry>>;
  readonly #byOid: Map<string, Promise<TypeEntry>>;
  #schema: Promise<string> | undefined;

  constructor(query: TypeQuery, maps: TypeMaps = typeMaps()) {
    this.#query = query;
    this.#byName = maps.byName;
    this.#byOid = maps.byOid;
  }

  /** The type named `[SCHEMA.]NAME`; ORA-04043 when there is none. */
  async byName(name: string): Promise<TypeEntry> {
    if (typeof name !== "string" || name.trim() === "") {
      throw odbError(ErrorCode.INVALID_ARGUMENT, `Type name must be a non-empty string`);
    }
    const parts = splitName(name);
    if (parts.length === 0 || parts.length > 2) throw notFound(name);
    if (parts.length === 1) parts.unshift(await this.#currentSchema());
    const key = parts.join(".");
    let p = this.#byName.get(key);
    if (p === undefined) {
      p = this.#load(parts[0], parts[1]);
      this.#byName.set(key, p);
      p.catch(() => this.#byName.delete(key));
    }
    return await p;
  }

  /** The type whose OID a fetched value names. */
  async byOid(oid: Uint8Array): Promise<TypeEntry> {
    const key = hex(oid);
    let p = this.#byOid.get(key);
    if (p === undefined) {
      p = (async () => {
        const rows = await this.#query(
          "SELECT owner, type_name FROM all_types WHERE type_oid = :1",
          [oid],
        );
        if (rows.length === 0) throw notFound(`with OID ${key.toUpperCase()}`);
        return await this.byName(`"${rows[0][0]}"."${rows[0][1]}"`);
      })();
      this.#byOid.set(key, p);
      p.catch(() => this.#byOid.delete(key));
    }
    return await p;
  }

  #currentSchema(): Promise<string> {
    this.#schema ??= this.#query(
      "SELECT sys_context('USERENV', 'CURRENT_SCHEMA') FROM dual",
      [],
    ).then((r) => String(r[0][0]));
    return this.#schema;
  }

  async #attrType(owner: unknown, name: string, where: string): Promise<DbObjectAttrType> {
    const b = owner === null ? builtin(name) : undefined;
    if (b !== undefined) return { name, dbType: b[0] };
    if (owner === null) {
      throw odbError(ErrorCode.UNSUPPORTED_FETCH_TYPE, `${where} has type ${name}, not supported`);
    }
    const e = await this.byName(`"${owner}"."${name}"`);
    return { name: e.info.type.fullName, dbType: DB_TYPE_OBJECT, objectType: e.info.type };
  }

  async #load(schema: string, name: string): Promise<TypeEntry> {
    const fullName = `${schema}.${name}`;
    const found = await this.#query(
      "SELECT type_oid, typecode FROM all_types WHERE owner = :1 AND type_name = :2",
      [schema, name],
    );
    if (found.length === 0) throw notFound(fullName);
    const oid = found[0][0] as Uint8Array;
    const type: DbObjectType = {
      schema,
      name,
      fullName,
      attributes: [],
      isCollection: found[0][1] === "COLLECTION",
      maxElements: 0,
    };
    if (type.isCollection) {
      const [c] = await this.#query(
        "SELECT coll_type, elem_type_owner, elem_type_name, upper_bound FROM all_coll_types " +
          "WHERE owner = :1 AND type_name = :2",
        [schema, name],
      );
      if (c === undefined) throw notFound(fullName);
      type.collectionType = c[0] === "TABLE" ? "TABLE" : "VARRAY";
      type.elementType = await this.#attrType(c[1], String(c[2]), `${fullName} element`);
      type.maxElements = type.collectionType === "VARRAY" ? Number(c[3] ?? 0) : 0;
    } else {
      const attrs = await this.#query(
        "SELECT attr_name, attr_type_owner, attr_type_name FROM all_type_attrs " +
          "WHERE owner = :1 AND type_name = :2 ORDER BY attr_no",
        [schema, name],
      );
      for (const a of attrs) {
        const attrName = String(a[0]);
        const t = await this.#attrType(a[1], String(a[2]), `${fullName}.${attrName}`);
        type.attributes.push({ name: attrName, type: t });
      }
    }
    return makeEntry(type, oid);
  }
}

/** The native codec's layout of a type (native/client/src/object.rs). */
function shapeOf(t: DbObjectType): number[] {
  const of = (a: DbObjectAttrType): number[] => {
    if (a.objectType !== undefined) return shapeOf(a.objectType);
    const b = builtin(a.name) ?? [a.dbType, 0];
    return [0, b[0], b[1]];
  };
  if (t.isCollection) return [2, ...of(t.elementType!)];
  const n = t.attributes.length;
  return [1, n & 0xff, (n >> 8) & 0xff, 0, 0, ...t.attributes.flatMap((a) => of(a.type))];
}

function makeEntry(type: DbObjectType, oid: Uint8Array): TypeEntry {
  const info: DbObjectTypeInfo = {
    type,
    oid,
    shape: Uint8Array.from(shapeOf(type)),
    check: (i, v, path) => checkValue(i < 0 ? type.elementType! : type.attributes[i].type, v, path),
  };
  registerTypeInfo(info);
  const cls = class extends DbObject {
    constructor(init?: Record<string, unknown> | unknown[]) {
      super(info, init);
    }
    static get type(): DbObjectType {
      return type;
    }
  };
  Object.defineProperty(cls, "name", { value: type.fullName });
  for (const a of type.attributes) {
    if (!(a.name in DbObject.prototype)) {
      Object.defineProperty(cls.prototype, a.name, DbObject.attribute(a.name));
    }
  }
  const entry = { info, cls: cls as unknown as DbObjectClass };
  entries.set(type, entry);
  return entry;
}

function wrong(path: string, want: string, v: unknown): never {
  const got = v instanceof DbObject ? `a ${v.type.fullName}` : `a ${typeof v}`;
  throw odbError(ErrorCode.BIND_CONVERSION_FAILED, `${path} needs ${want}, not ${got}`);
}

/** `v` as a value of `t`, or a typed error naming `path`. */
function checkValue(t: DbObjectAttrType, v: unknown, path: string): unknown {
  if (v === null || v === undefined) return null;
  if (t.objectType !== undefined) {
    if (v instanceof DbObject) {
      if (v.type !== t.objectType) wrong(path, `a ${t.objectType.fullName}`, v);
      return v;
    }
    if (typeof v !== "object") wrong(path, `a ${t.objectType.fullName}`, v);
    return new (entryOf(t.objectType).cls)(v as Record<string, unknown>);
  }
  switch (t.dbType) {
    case 2:
    case 100:
    case 101:
      if (typeof v === "bigint" || (typeof v === "number" && Number.isFinite(v))) return v;
      return wrong(path, "a finite number", v);
    case 1:
    case 96:
      if (typeof v !== "string") wrong(path, "a string", v);
      return v;
    case 12:
    case 180:
    case 231:
      if (!(v instanceof Date) || Number.isNaN(v.getTime())) wrong(path, "a valid Date", v);
      return v;
    case 23:
      if (!(v instanceof Uint8Array)) wrong(path, "a Uint8Array", v);
      return v;
    case 252:
      if (typeof v !== "boolean") wrong(path, "a boolean", v);
      return v;
  }
  throw odbError(ErrorCode.UNSUPPORTED_BIND_VALUE, `${path}: ${t.name} values cannot be set`);
}
