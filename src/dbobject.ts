/**
 * Oracle object types and collections (VARRAY, nested table) as `DbObject`s: attributes as
 * properties, collections with `length`, index access and `getElement()`.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";

/** The type of an attribute or collection element. */
export interface DbObjectAttrType {
  /** Oracle's name of it: `NUMBER`, `VARCHAR2`, … or `SCHEMA.NAME` for an object type. */
  name: string;
  /** The `DB_TYPE_*` number (109 for an object or collection). */
  dbType: number;
  /** The object or collection type, when it is one. */
  objectType?: DbObjectType;
}

/** One attribute of an object type. */
export interface DbObjectAttribute {
  /** The attribute's name (upper case unless created quoted). */
  name: string;
  /** Its type. */
  type: DbObjectAttrType;
}

/** An object or collection type as the database describes it. */
export interface DbObjectType {
  /** The owner. */
  schema: string;
  /** The type's own name. */
  name: string;
  /** `SCHEMA.NAME`. */
  fullName: string;
  /** The attributes of an object type (none for a collection). */
  attributes: DbObjectAttribute[];
  /** True for a VARRAY or nested table. */
  isCollection: boolean;
  /** `VARRAY` or `TABLE` for a collection. */
  collectionType?: "VARRAY" | "TABLE";
  /** The element type of a collection. */
  elementType?: DbObjectAttrType;
  /** The VARRAY limit (0 for a nested table or an object). */
  maxElements: number;
}

/** What a type's class needs beyond its description (kept by `_dbobject_types.ts`). */
export interface DbObjectTypeInfo {
  /** The type's description. */
  type: DbObjectType;
  /** The type's OID (RAW(16)). */
  oid: Uint8Array;
  /** The layout the native codec reads (see native/client/src/object.rs). */
  shape: Uint8Array;
  /** Checks and converts a value for attribute `i` (or any element, `i` = -1). */
  check(i: number, v: unknown, path: string): unknown;
}

/** Typed infos of the classes `Connection.getDbObjectClass()` made. */
const infos = new WeakSet<DbObjectTypeInfo>();
/** A collection's proxy to the object behind it (private fields live on that one). */
const targets = new WeakMap<object, DbObject>();

/** Records `info` as made by the type dictionary reader. */
export function registerTypeInfo(info: DbObjectTypeInfo): void {
  infos.add(info);
}

/**
 * An object or collection value. Its class comes from `Connection.getDbObjectClass()` (or a
 * fetched value): attributes are properties (`obj.NAME`); a collection has `length`, index
 * access (`coll[0]`), `getElement()`, `append()` and `toArray()`.
 *
 * @example
 * ```ts
 * import type { Connection, DbObject } from "../mod.ts";
 *
 * async function point(conn: Connection): Promise<number> {
 *   const Point = await conn.getDbObjectClass("SCOTT.POINT");
 *   const p = new Point({ X: 1, Y: 2 });
 *   await conn.execute("INSERT INTO shapes (id, p) VALUES (1, :p)", { p });
 *   const { rows } = await conn.execute<{ P: DbObject }>("SELECT p FROM shapes");
 *   return rows![0].P.X as number; // 1
 * }
 * ```
 */
export class DbObject {
  readonly #info: DbObjectTypeInfo;
  /** Attribute values in order, or the elements; `null` for a NULL collection's. */
  #values: unknown[];
  /** Attributes, by name (`obj.NAME`), and a collection's elements by index. */
  [key: string]: unknown;

  /** Made by the classes of `getDbObjectClass()`; `init`: attributes by name, or elements. */
  constructor(info: DbObjectTypeInfo, init?: unknown) {
    if (!infos.has(info)) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        "DbObject classes come from Connection.getDbObjectClass()",
      );
    }
    this.#info = info;
    const t = info.type;
    this.#values = t.isCollection ? [] : t.attributes.map(() => null);
    if (init !== undefined && init !== null) this.#init(init);
    if (t.isCollection) return collectionProxy(this);
  }

  #init(init: unknown): void {
    const t = this.#info.type;
    if (t.isCollection) {
      if (!Array.isArray(init)) {
        throw odbError(
          ErrorCode.BIND_CONVERSION_FAILED,
          `Collection ${t.fullName} is made from an array, not ${typeof init}`,
        );
      }
      for (const v of init) this.append(v);
      return;
    }
    if (typeof init !== "object" || Array.isArray(init)) {
      throw odbError(
        ErrorCode.BIND_CONVERSION_FAILED,
        `Object ${t.fullName} is made from an object of attributes, not ${typeof init}`,
      );
    }
    for (const [k, v] of Object.entries(init as Record<string, unknown>)) this.#set(k, v);
  }

  #index(name: string): number {
    const i = this.#info.type.attributes.findIndex((a) => a.name === name);
    if (i < 0) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        `Object type ${this.#info.type.fullName} has no attribute "${name}"`,
      );
    }
    return i;
  }

  #set(name: string, v: unknown): void {
    const i = this.#index(name);
    this.#values[i] = this.#info.check(i, v, `${this.#info.type.fullName}.${name}`);
  }

  /** The object's type. */
  get type(): DbObjectType {
    return this.#info.type;
  }

  /** True for a VARRAY or nested table. */
  get isCollection(): boolean {
    return this.#info.type.isCollection;
  }

  /** Number of elements of a collection. */
  get length(): number {
    this.#needCollection("length");
    return this.#values.length;
  }

  #needCollection(what: string): void {
    if (!this.#info.type.isCollection) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        `${what} needs a collection; ${this.#info.type.fullName} is an object type`,
      );
    }
  }

  #checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.#values.length) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        `Index ${i} is outside collection ${this.#info.type.fullName} of ${this.#values.length}`,
      );
    }
  }

  /** The element at `i` (from 0). */
  getElement(i: number): unknown {
    this.#needCollection("getElement()");
    this.#checkIndex(i);
    return this.#values[i];
  }

  /** Replaces the element at `i` (from 0). */
  setElement(i: number, v: unknown): void {
    this.#needCollection("setElement()");
    this.#checkIndex(i);
    this.#values[i] = this.#info.check(-1, v, `${this.#info.type.fullName}[${i}]`);
  }

  /** Adds an element at the end (a VARRAY up to its limit). */
  append(v: unknown): void {
    this.#needCollection("append()");
    const t = this.#info.type;
    if (t.maxElements > 0 && this.#values.length >= t.maxElements) {
      throw odbError(
        ErrorCode.BIND_CONVERSION_FAILED,
        `VARRAY ${t.fullName} holds at most ${t.maxElements} elements`,
      );
    }
    const i = this.#values.length;
    this.#values.push(this.#info.check(-1, v, `${t.fullName}[${i}]`));
  }

  /** The elements of a collection, as a new array. */
  toArray(): unknown[] {
    this.#needCollection("toArray()");
    return [...this.#values];
  }

  /** Plain data: an object of attributes, or an array of elements; nested values too. */
  toJSON(): unknown {
    const plain = (v: unknown) => v instanceof DbObject ? v.toJSON() : v;
    const t = this.#info.type;
    if (t.isCollection) return this.#values.map(plain);
    const out: Record<string, unknown> = {};
    t.attributes.forEach((a, i) => out[a.name] = plain(this.#values[i]));
    return out;
  }

  /** Node's `util.inspect` (and `console.log`): the type's name and the plain data. */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: unknown,
    inspect: (v: unknown, o: unknown) => string,
  ): string {
    // Node calls it on a collection's proxy, which holds no private fields.
    return `${DbObject.infoOf(this).type.fullName} ${inspect(this.toJSON(), options)}`;
  }

  /** Deno's `console.log` and `Deno.inspect`: as for Node. */
  [Symbol.for("Deno.customInspect")](
    inspect: (v: unknown, o: unknown) => string,
    options: unknown,
  ): string {
    return `${DbObject.infoOf(this).type.fullName} ${inspect(this.toJSON(), options)}`;
  }

  /** Iterates over a collection's elements. */
  *[Symbol.iterator](): Iterator<unknown> {
    this.#needCollection("Iteration");
    yield* this.#values;
  }

  /** The attribute values or elements, in order (for the codec). */
  static valuesOf(o: DbObject): readonly unknown[] {
    return (targets.get(o) ?? o).#values;
  }

  /** The type info of `o` (for the codec). */
  static infoOf(o: DbObject): DbObjectTypeInfo {
    return (targets.get(o) ?? o).#info;
  }

  /** Sets values already checked (the codec, from fetched data). */
  static fill(o: DbObject, values: unknown[]): void {
    (targets.get(o) ?? o).#values = values;
  }

  /** Attribute accessor for the classes of object types. */
  static attribute(name: string): PropertyDescriptor {
    return {
      get(this: DbObject) {
        return this.#values[this.#index(name)];
      },
      set(this: DbObject, v: unknown) {
        this.#set(name, v);
      },
      enumerable: true,
      configurable: false,
    };
  }
}

/** Numeric keys of a collection read and write its elements. */
function collectionProxy(o: DbObject): DbObject {
  const index = (k: string | symbol) =>
    typeof k === "string" && /^(0|[1-9]\d*)$/.test(k) ? Number(k) : -1;
  const p = new Proxy(o, {
    get(target, k) {
      const i = index(k);
      if (i >= 0) return i < target.length ? target.getElement(i) : undefined;
      const v = Reflect.get(target, k, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
    set(target, k, v) {
      const i = index(k);
      if (i < 0) return Reflect.set(target, k, v, target);
      if (i === target.length) target.append(v);
      else target.setElement(i, v);
      return true;
    },
  });
  targets.set(p, o);
  return p;
}

/** A class made by `Connection.getDbObjectClass()`: `new Cls({ ATTR: v })` or `new Cls([…])`. */
export interface DbObjectClass {
  /** An object from its attributes by name, or a collection from its elements. */
  new (init?: Record<string, unknown> | unknown[]): DbObject;
  /** The type the class makes values of. */
  readonly type: DbObjectType;
}
