/**
 * node-oracledb's constants, with its own values: toolkits such as kysely-oracledb import them
 * from the real `oracledb` package and hand them to the driver they were given, so the facade
 * must read both its own and node-oracledb's as the same thing.
 *
 * @module
 */

import * as t from "../types.ts";

/**
 * A database type as node-oracledb describes it: `num` is node-oracledb's own number (2001…),
 * `oraTypeNum` the Oracle wire type oradb uses.
 *
 * @example
 * ```ts
 * import { DB_TYPE_NUMBER } from "./constants.ts";
 *
 * console.log(DB_TYPE_NUMBER.name, DB_TYPE_NUMBER.num); // "DB_TYPE_NUMBER" 2010
 * ```
 */
export class DbType {
  /** node-oracledb's number of the type. */
  readonly num: number;
  /** `DB_TYPE_…`. */
  readonly name: string;
  /** The type's name in SQL (`VARCHAR2`, `NUMBER`…). */
  readonly columnTypeName: string;
  /** The oradb type number (`DB_TYPE_*` of oradb), or 0 where oradb has none. */
  readonly oraTypeNum: number;

  /** @internal Only the constants below are made. */
  constructor(num: number, name: string, columnTypeName: string, oraTypeNum: number) {
    this.num = num;
    this.name = name;
    this.columnTypeName = columnTypeName;
    this.oraTypeNum = oraTypeNum;
  }

  /** `[DbType DB_TYPE_…]`, as node-oracledb prints it. */
  toString(): string {
    return `[DbType ${this.name}]`;
  }
}

const T = (num: number, name: string, sql: string, ora: number) =>
  new DbType(num, `DB_TYPE_${name}`, sql, ora);

/** VARCHAR2. */
export const DB_TYPE_VARCHAR: DbType = T(2001, "VARCHAR", "VARCHAR2", t.DB_TYPE_VARCHAR);
/** NVARCHAR2. */
export const DB_TYPE_NVARCHAR: DbType = T(2002, "NVARCHAR", "NVARCHAR2", t.DB_TYPE_VARCHAR);
/** CHAR. */
export const DB_TYPE_CHAR: DbType = T(2003, "CHAR", "CHAR", t.DB_TYPE_CHAR);
/** NCHAR. */
export const DB_TYPE_NCHAR: DbType = T(2004, "NCHAR", "NCHAR", t.DB_TYPE_CHAR);
/** ROWID. */
export const DB_TYPE_ROWID: DbType = T(2005, "ROWID", "ROWID", t.DB_TYPE_ROWID);
/** RAW. */
export const DB_TYPE_RAW: DbType = T(2006, "RAW", "RAW", t.DB_TYPE_RAW);
/** BINARY_FLOAT. */
export const DB_TYPE_BINARY_FLOAT: DbType = T(
  2007,
  "BINARY_FLOAT",
  "BINARY_FLOAT",
  t.DB_TYPE_BINARY_FLOAT,
);
/** BINARY_DOUBLE. */
export const DB_TYPE_BINARY_DOUBLE: DbType = T(
  2008,
  "BINARY_DOUBLE",
  "BINARY_DOUBLE",
  t.DB_TYPE_BINARY_DOUBLE,
);
/** PL/SQL BINARY_INTEGER: bound as a NUMBER. */
export const DB_TYPE_BINARY_INTEGER: DbType = T(
  2009,
  "BINARY_INTEGER",
  "BINARY_INTEGER",
  t.DB_TYPE_NUMBER,
);
/** NUMBER. */
export const DB_TYPE_NUMBER: DbType = T(2010, "NUMBER", "NUMBER", t.DB_TYPE_NUMBER);
/** DATE. */
export const DB_TYPE_DATE: DbType = T(2011, "DATE", "DATE", t.DB_TYPE_DATE);
/** TIMESTAMP. */
export const DB_TYPE_TIMESTAMP: DbType = T(2012, "TIMESTAMP", "TIMESTAMP", t.DB_TYPE_TIMESTAMP);
/** TIMESTAMP WITH TIME ZONE. */
export const DB_TYPE_TIMESTAMP_TZ: DbType = T(
  2013,
  "TIMESTAMP_TZ",
  "TIMESTAMP WITH TIME ZONE",
  t.DB_TYPE_TIMESTAMP_TZ,
);
/** TIMESTAMP WITH LOCAL TIME ZONE. */
export const DB_TYPE_TIMESTAMP_LTZ: DbType = T(
  2014,
  "TIMESTAMP_LTZ",
  "TIMESTAMP WITH LOCAL TIME ZONE",
  t.DB_TYPE_TIMESTAMP_LTZ,
);
/** INTERVAL DAY TO SECOND. */
export const DB_TYPE_INTERVAL_DS: DbType = T(
  2015,
  "INTERVAL_DS",
  "INTERVAL DAY TO SECOND",
  t.DB_TYPE_INTERVAL_DS,
);
/** INTERVAL YEAR TO MONTH. */
export const DB_TYPE_INTERVAL_YM: DbType = T(
  2016,
  "INTERVAL_YM",
  "INTERVAL YEAR TO MONTH",
  t.DB_TYPE_INTERVAL_YM,
);
/** CLOB. */
export const DB_TYPE_CLOB: DbType = T(2017, "CLOB", "CLOB", t.DB_TYPE_CLOB);
/** NCLOB. */
export const DB_TYPE_NCLOB: DbType = T(2018, "NCLOB", "NCLOB", t.DB_TYPE_NCLOB);
/** BLOB. */
export const DB_TYPE_BLOB: DbType = T(2019, "BLOB", "BLOB", t.DB_TYPE_BLOB);
/** BFILE: not supported by oradb. */
export const DB_TYPE_BFILE: DbType = T(2020, "BFILE", "BFILE", 0);
/** REF CURSOR. */
export const DB_TYPE_CURSOR: DbType = T(2021, "CURSOR", "CURSOR", t.DB_TYPE_CURSOR);
/** BOOLEAN. */
export const DB_TYPE_BOOLEAN: DbType = T(2022, "BOOLEAN", "BOOLEAN", t.DB_TYPE_BOOLEAN);
/** Named object types: not supported by the facade. */
export const DB_TYPE_OBJECT: DbType = T(2023, "OBJECT", "OBJECT", 0);
/** LONG. */
export const DB_TYPE_LONG: DbType = T(2024, "LONG", "LONG", t.DB_TYPE_LONG);
/** LONG RAW. */
export const DB_TYPE_LONG_RAW: DbType = T(2025, "LONG_RAW", "LONG RAW", t.DB_TYPE_LONG_RAW);
/** JSON: not supported by oradb. */
export const DB_TYPE_JSON: DbType = T(2027, "JSON", "JSON", 0);
/** UROWID: not supported by oradb. */
export const DB_TYPE_UROWID: DbType = T(2030, "UROWID", "UROWID", 0);
/** LONG (national character set). */
export const DB_TYPE_LONG_NVARCHAR: DbType = T(2031, "LONG_NVARCHAR", "LONG", t.DB_TYPE_LONG);
/** XMLTYPE: not supported by oradb. */
export const DB_TYPE_XMLTYPE: DbType = T(2032, "XMLTYPE", "XMLTYPE", 0);
/** VECTOR: not supported by oradb. */
export const DB_TYPE_VECTOR: DbType = T(2033, "VECTOR", "VECTOR", 0);

/** Every type by node-oracledb's number. */
export const DB_TYPES: ReadonlyMap<number, DbType> = new Map(
  [
    DB_TYPE_VARCHAR,
    DB_TYPE_NVARCHAR,
    DB_TYPE_CHAR,
    DB_TYPE_NCHAR,
    DB_TYPE_ROWID,
    DB_TYPE_RAW,
    DB_TYPE_BINARY_FLOAT,
    DB_TYPE_BINARY_DOUBLE,
    DB_TYPE_BINARY_INTEGER,
    DB_TYPE_NUMBER,
    DB_TYPE_DATE,
    DB_TYPE_TIMESTAMP,
    DB_TYPE_TIMESTAMP_TZ,
    DB_TYPE_TIMESTAMP_LTZ,
    DB_TYPE_INTERVAL_DS,
    DB_TYPE_INTERVAL_YM,
    DB_TYPE_CLOB,
    DB_TYPE_NCLOB,
    DB_TYPE_BLOB,
    DB_TYPE_BFILE,
    DB_TYPE_CURSOR,
    DB_TYPE_BOOLEAN,
    DB_TYPE_OBJECT,
    DB_TYPE_LONG,
    DB_TYPE_LONG_RAW,
    DB_TYPE_JSON,
    DB_TYPE_UROWID,
    DB_TYPE_LONG_NVARCHAR,
    DB_TYPE_XMLTYPE,
    DB_TYPE_VECTOR,
  ].map((d) => [d.num, d]),
);

/**
 * The node-oracledb type of an oradb type number, as fetched columns report it (several share
 * a wire number: the column type wins over NVARCHAR, NCHAR, BINARY_INTEGER).
 */
export function dbTypeOf(oraTypeNum: number): DbType | undefined {
  switch (oraTypeNum) {
    case t.DB_TYPE_VARCHAR:
      return DB_TYPE_VARCHAR;
    case t.DB_TYPE_CHAR:
      return DB_TYPE_CHAR;
    case t.DB_TYPE_LONG:
      return DB_TYPE_LONG;
    case t.DB_TYPE_NUMBER:
      return DB_TYPE_NUMBER;
  }
  for (const d of DB_TYPES.values()) if (d.oraTypeNum === oraTypeNum) return d;
  return undefined;
}

/** Legacy type aliases. */
export const STRING: DbType = DB_TYPE_VARCHAR;
/** Legacy type alias. */
export const NUMBER: DbType = DB_TYPE_NUMBER;
/** Legacy type alias: node-oracledb binds `DATE` as a TIMESTAMP. */
export const DATE: DbType = DB_TYPE_TIMESTAMP;
/** Legacy type alias. */
export const BUFFER: DbType = DB_TYPE_RAW;
/** Legacy type alias. */
export const CLOB: DbType = DB_TYPE_CLOB;
/** Legacy type alias. */
export const NCLOB: DbType = DB_TYPE_NCLOB;
/** Legacy type alias. */
export const BLOB: DbType = DB_TYPE_BLOB;
/** Legacy type alias. */
export const CURSOR: DbType = DB_TYPE_CURSOR;
/** The default fetch type. */
export const DEFAULT = 0;

/** Bind direction IN. */
export const BIND_IN = 3001;
/** Bind direction IN OUT. */
export const BIND_INOUT = 3002;
/** Bind direction OUT. */
export const BIND_OUT = 3003;
/** Rows as arrays (the default). */
export const OUT_FORMAT_ARRAY = 4001;
/** Rows as objects keyed by column name. */
export const OUT_FORMAT_OBJECT = 4002;
/** Legacy alias of {@linkcode OUT_FORMAT_ARRAY}. */
export const ARRAY: number = OUT_FORMAT_ARRAY;
/** Legacy alias of {@linkcode OUT_FORMAT_OBJECT}. */
export const OBJECT: number = OUT_FORMAT_OBJECT;

/** Pool status: open. */
export const POOL_STATUS_OPEN = 6000;
/** Pool status: draining. */
export const POOL_STATUS_DRAINING = 6001;
/** Pool status: closed. */
export const POOL_STATUS_CLOSED = 6002;
/** Pool status: reconfiguring. */
export const POOL_STATUS_RECONFIGURING = 6003;

/** Session purity: default. */
export const PURITY_DEFAULT = 0;
/** Session purity: new. */
export const PURITY_NEW = 1;
/** Session purity: self. */
export const PURITY_SELF = 2;
