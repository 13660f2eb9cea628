/**
 * Oracle type numbers, bind directions, and the shapes of options and results.
 *
 * @module
 */

import type { DbObject, DbObjectClass } from "./dbobject.ts";
import type { IntervalDS, IntervalYM } from "./interval.ts";
import type { Lob } from "./lob.ts";
import type { Vector } from "./vector.ts";

/** Oracle type number of VARCHAR2 / NVARCHAR2. @example `{ type: DB_TYPE_VARCHAR, val: "x" }` */
export const DB_TYPE_VARCHAR = 1;
/** Oracle type number of NUMBER. @example `{ type: DB_TYPE_NUMBER, val: 1 }` */
export const DB_TYPE_NUMBER = 2;
/** Oracle type number of LONG. @example `if (col.dbType === DB_TYPE_LONG) {}` */
export const DB_TYPE_LONG = 8;
/** Oracle type number of ROWID. @example `if (col.dbType === DB_TYPE_ROWID) {}` */
export const DB_TYPE_ROWID = 11;
/** Oracle type number of DATE. @example `{ type: DB_TYPE_DATE, val: new Date() }` */
export const DB_TYPE_DATE = 12;
/** Oracle type number of RAW. @example `{ type: DB_TYPE_RAW, val: new Uint8Array([1]) }` */
export const DB_TYPE_RAW = 23;
/** Oracle type number of LONG RAW. @example `if (col.dbType === DB_TYPE_LONG_RAW) {}` */
export const DB_TYPE_LONG_RAW = 24;
/** Oracle type number of CHAR / NCHAR. @example `if (col.dbType === DB_TYPE_CHAR) {}` */
export const DB_TYPE_CHAR = 96;
/** Oracle type number of BINARY_FLOAT. @example `if (col.dbType === DB_TYPE_BINARY_FLOAT) {}` */
export const DB_TYPE_BINARY_FLOAT = 100;
/** Oracle type number of BINARY_DOUBLE. @example `{ type: DB_TYPE_BINARY_DOUBLE, val: 0.5 }` */
export const DB_TYPE_BINARY_DOUBLE = 101;
/**
 * Oracle type number of a REF CURSOR (`SYS_REFCURSOR`): an OUT bind of this type comes back as
 * a {@linkcode Cursor} over the rows the block opened it for.
 *
 * @example `{ c: { dir: BIND_OUT, type: DB_TYPE_CURSOR } }`
 */
export const DB_TYPE_CURSOR = 102;
/** Oracle type number of CLOB / NCLOB. @example `{ type: DB_TYPE_CLOB, val: "long text" }` */
export const DB_TYPE_CLOB = 112;
/** Oracle type number of BLOB. @example `{ type: DB_TYPE_BLOB, val: new Uint8Array(9) }` */
export const DB_TYPE_BLOB = 113;
/**
 * Oracle type number of BFILE: a read-only LOB on a file of the database server, fetched as a
 * `Lob` (`fileExists()`, `getDirFileName()`, reads).
 *
 * @example `lob.type === DB_TYPE_BFILE`
 */
export const DB_TYPE_BFILE = 114;
/**
 * Type number of NCLOB for a `Lob`'s `type` and `createLob()` (node-oracledb's value; on the
 * wire an NCLOB is a CLOB in the national character set).
 *
 * @example `await conn.createLob(DB_TYPE_NCLOB)`
 */
export const DB_TYPE_NCLOB = 2017;
/** Oracle type number of TIMESTAMP. @example `{ type: DB_TYPE_TIMESTAMP, val: new Date() }` */
export const DB_TYPE_TIMESTAMP = 180;
/** Oracle type number of TIMESTAMP WITH TIME ZONE. @example `col.dbType === DB_TYPE_TIMESTAMP_TZ` */
export const DB_TYPE_TIMESTAMP_TZ = 181;
/**
 * Oracle type number of INTERVAL YEAR TO MONTH; values are `IntervalYM` objects.
 * @example `{ type: DB_TYPE_INTERVAL_YM, dir: BIND_OUT }`
 */
export const DB_TYPE_INTERVAL_YM = 182;
/**
 * Oracle type number of INTERVAL DAY TO SECOND; values are `IntervalDS` objects.
 * @example `{ type: DB_TYPE_INTERVAL_DS, dir: BIND_OUT }`
 */
export const DB_TYPE_INTERVAL_DS = 183;
/** Oracle type number of TIMESTAMP WITH LOCAL TIME ZONE. @example `col.dbType === DB_TYPE_TIMESTAMP_LTZ` */
export const DB_TYPE_TIMESTAMP_LTZ = 231;
/**
 * Oracle type number of JSON (21c's native type, sent as OSON). Fetched JSON columns become JS
 * values: objects, arrays, strings, booleans, `null`, numbers (NUMBER as `number`, as for NUMBER
 * columns), `Date` for dates and timestamps, `Uint8Array` for raw, `IntervalDS`/`IntervalYM`.
 * Binding JSON needs this type said: `{ type: DB_TYPE_JSON, val }` (a plain object alone is
 * read as a bind spec, an array as many values); `val: null` is SQL NULL, a JSON `null` nested
 * inside stays JSON null.
 *
 * @example `await conn.execute("insert into t values (:j)", { j: { type: DB_TYPE_JSON, val: { a: [1, 2] } } })`
 */
export const DB_TYPE_JSON = 119;
/**
 * Oracle type number of object and collection columns (`DbObject` values; binds take the type's
 * class as `type`). @example `if (meta.dbType === DB_TYPE_OBJECT) console.log(meta.name)`
 */
export const DB_TYPE_OBJECT = 109;
/** Oracle type number of BOOLEAN (23ai, PL/SQL). @example `{ type: DB_TYPE_BOOLEAN, val: true }` */
export const DB_TYPE_BOOLEAN = 252;

/** Short name for {@linkcode DB_TYPE_CURSOR}. @example `{ dir: BIND_OUT, type: CURSOR }` */
export const CURSOR: typeof DB_TYPE_CURSOR = DB_TYPE_CURSOR;
/** Short name for {@linkcode DB_TYPE_NUMBER}. @example `fetchAsString: [NUMBER]` */
export const NUMBER: typeof DB_TYPE_NUMBER = DB_TYPE_NUMBER;
/** Short name for {@linkcode DB_TYPE_VARCHAR}. @example `{ dir: BIND_OUT, type: STRING }` */
export const STRING: typeof DB_TYPE_VARCHAR = DB_TYPE_VARCHAR;
/** Short name for {@linkcode DB_TYPE_DATE}. @example `fetchAsString: [DATE]` */
export const DATE: typeof DB_TYPE_DATE = DB_TYPE_DATE;
/** Short name for {@linkcode DB_TYPE_TIMESTAMP}. @example `{ type: TIMESTAMP, val: new Date() }` */
export const TIMESTAMP: typeof DB_TYPE_TIMESTAMP = DB_TYPE_TIMESTAMP;
/** Short name for {@linkcode DB_TYPE_RAW}. @example `{ dir: BIND_OUT, type: BUFFER, maxSize: 16 }` */
export const BUFFER: typeof DB_TYPE_RAW = DB_TYPE_RAW;
/** Short name for {@linkcode DB_TYPE_CLOB}. @example `{ type: CLOB, val: "text" }` */
export const CLOB: typeof DB_TYPE_CLOB = DB_TYPE_CLOB;
/** Short name for {@linkcode DB_TYPE_BLOB}. @example `{ type: BLOB, val: new Uint8Array(2) }` */
export const BLOB: typeof DB_TYPE_BLOB = DB_TYPE_BLOB;
/** Short name for {@linkcode DB_TYPE_NCLOB}. @example `await conn.createLob(NCLOB)` */
export const NCLOB: typeof DB_TYPE_NCLOB = DB_TYPE_NCLOB;
/** Short name for {@linkcode DB_TYPE_BFILE}. @example `lob.type === BFILE` */
export const BFILE: typeof DB_TYPE_BFILE = DB_TYPE_BFILE;
/** Short name for {@linkcode DB_TYPE_BOOLEAN}. @example `{ dir: BIND_OUT, type: BOOLEAN }` */
export const BOOLEAN: typeof DB_TYPE_BOOLEAN = DB_TYPE_BOOLEAN;
/** Short name for {@linkcode DB_TYPE_BINARY_DOUBLE}. @example `{ type: BINARY_DOUBLE, val: 1.5 }` */
export const BINARY_DOUBLE: typeof DB_TYPE_BINARY_DOUBLE = DB_TYPE_BINARY_DOUBLE;

/** Bind direction: value goes in. @example `{ dir: BIND_IN, val: 1 }` */
export const BIND_IN = 1;
/** Bind direction: value comes out. @example `{ dir: BIND_OUT, type: NUMBER }` */
export const BIND_OUT = 2;
/** Bind direction: value goes in and comes out. @example `{ dir: BIND_INOUT, val: 1 }` */
export const BIND_INOUT = 3;

/**
 * One of {@linkcode BIND_IN}, {@linkcode BIND_OUT}, {@linkcode BIND_INOUT}.
 *
 * @example
 * ```ts
 * import { BIND_OUT, type BindDirection } from "./types.ts";
 *
 * const dir: BindDirection = BIND_OUT;
 * ```
 */
export type BindDirection = typeof BIND_IN | typeof BIND_OUT | typeof BIND_INOUT;

/**
 * A JS value that can be bound directly. A {@linkcode Lob} binds its locator (IN, or IN OUT
 * as `val` with `type` CLOB/BLOB).
 *
 * @example
 * ```ts
 * import type { BindValue } from "./types.ts";
 *
 * const values: BindValue[] = [1, 2n, "a", true, new Date(), new Uint8Array(1), null];
 * ```
 */
export type BindValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | IntervalDS
  | IntervalYM
  | Lob
  | Vector
  | DbObject
  | null
  | undefined;

/**
 * An explicit bind: direction, Oracle type, maximum size in bytes (OUT strings/raw) and value.
 * With `maxArraySize`, or an array `val`, it binds a PL/SQL associative array (index-by table)
 * of scalars (thin mode): `val` is its elements in order, and an OUT / IN OUT array comes back
 * as a JS array of at most `maxArraySize` elements.
 *
 * @example
 * ```ts
 * import { BIND_INOUT, BIND_OUT, type BindSpec, NUMBER, STRING } from "./types.ts";
 *
 * const out: BindSpec = { dir: BIND_OUT, type: STRING, maxSize: 100 };
 * const ids: BindSpec = { dir: BIND_INOUT, type: NUMBER, val: [1, 2, 3], maxArraySize: 10 };
 * ```
 */
export interface BindSpec {
  /** Direction; {@linkcode BIND_IN} when left out. */
  dir?: BindDirection;
  /**
   * Oracle type number; inferred from `val` when left out (required for OUT binds). An object
   * or collection bind takes the type's class from `Connection.getDbObjectClass()`.
   */
  type?: number | DbObjectClass;
  /**
   * Maximum size in bytes of an OUT / IN OUT string or raw value, or of each element of such
   * an array (default 4000).
   */
  maxSize?: number;
  /**
   * Makes the bind an associative array of at most this many elements (required for OUT and
   * IN OUT arrays; an IN array defaults to its length).
   */
  maxArraySize?: number;
  /**
   * The value to bind, or the elements of an array bind (ignored for OUT binds); a
   * {@linkcode JsonValue} with `type` JSON.
   */
  val?: BindValue | ReadonlyArray<BindValue> | JsonValue;
}

/**
 * How `executeMany()` binds each position or name when `bindDefs` is given: the rows then hold
 * plain values (OUT binds need none), and the OUT values come back per row in `outBinds`.
 *
 * @example
 * ```ts
 * import { BIND_OUT, type BindDefinition, NUMBER, STRING } from "./types.ts";
 *
 * const defs: BindDefinition[] = [{ type: NUMBER }, { dir: BIND_OUT, type: STRING, maxSize: 20 }];
 * ```
 */
export interface BindDefinition {
  /** Direction; {@linkcode BIND_IN} when left out. */
  dir?: BindDirection;
  /** Oracle type number (required). */
  type: number;
  /** Maximum size in bytes of a string or raw value (default 4000 for OUT binds). */
  maxSize?: number;
}

/**
 * A value of Oracle's JSON type ({@linkcode DB_TYPE_JSON}): what a JSON column fetches as and a
 * JSON bind takes. Members whose value is `undefined` are left out, as `JSON.stringify` does.
 *
 * @example
 * ```ts
 * import type { JsonValue } from "./types.ts";
 *
 * const doc: JsonValue = { name: "x", tags: ["a"], at: new Date(), n: 1, ok: true, none: null };
 * ```
 */
export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | Uint8Array
  | IntervalDS
  | IntervalYM
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/**
 * Bind values by position (`:1`, `:2`…) or by name (`:id`).
 *
 * @example
 * ```ts
 * import type { Binds } from "./types.ts";
 *
 * const byPosition: Binds = [1, "a"];
 * const byName: Binds = { id: 1, name: "a" };
 * ```
 */
export type Binds =
  | ReadonlyArray<BindValue | BindSpec>
  | Readonly<Record<string, BindValue | BindSpec>>;

/**
 * Column description of a query result.
 *
 * @example
 * ```ts
 * import type { Metadata } from "./types.ts";
 *
 * const describe = (m: Metadata) => `${m.name} ${m.dbTypeName}${m.nullable ? "" : " NOT NULL"}`;
 * ```
 */
export interface Metadata {
  /** Column name as the server reports it (upper case unless quoted). */
  name: string;
  /** Oracle type number (`DB_TYPE_*`). */
  dbType: number;
  /** Oracle type name, e.g. `NUMBER`, `VARCHAR2`, `TIMESTAMP`. */
  dbTypeName: string;
  /** The JS type rows carry for this column when it was converted (`STRING`, `"bigint"`, `"lob"`). */
  fetchType?: number | "bigint" | "lob";
  /** Maximum size in bytes (strings and raw). */
  byteSize: number;
  /** Precision of NUMBER (0 when unspecified). */
  precision: number;
  /** Scale of NUMBER (-127 when unspecified). */
  scale: number;
  /** True when the column may hold NULL. */
  nullable: boolean;
}

/**
 * What a {@linkcode FetchTypeHandler} asks for: fetch as another type and/or convert.
 *
 * @example
 * ```ts
 * import { type FetchTypeResult, STRING } from "./types.ts";
 *
 * const asText: FetchTypeResult = { type: STRING, converter: (v) => `#${v}` };
 * ```
 */
export interface FetchTypeResult {
  /** `STRING` to fetch the column as text, `"bigint"` for exact integers, `"lob"` for a `Lob`. */
  type?: number | "bigint" | "lob";
  /** Called with every fetched value of the column (after `type`), returns the row value. */
  converter?: (value: unknown) => unknown;
}

/**
 * Called once per column of each query; returns how to fetch it, or undefined for default.
 *
 * @example
 * ```ts
 * import { DB_TYPE_NUMBER, type FetchTypeHandler } from "./types.ts";
 *
 * const exactNumbers: FetchTypeHandler = (m) => m.dbType === DB_TYPE_NUMBER ? { type: "bigint" } : undefined;
 * ```
 */
export type FetchTypeHandler = (metaData: Metadata) => FetchTypeResult | undefined;

/**
 * Per-column fetch settings, keyed by column name.
 *
 * @example
 * ```ts
 * import type { FetchInfo } from "./types.ts";
 *
 * const fetchInfo: Record<string, FetchInfo> = { ID: { type: "bigint" } };
 * ```
 */
export interface FetchInfo {
  /**
   * `STRING` to fetch as text, `"bigint"` for exact integers, `"lob"` to fetch a CLOB, NCLOB or
   * BLOB column as a `Lob` (thin mode) instead of a whole string or `Uint8Array`, `DEFAULT` (0)
   * for the default.
   */
  type: number | "bigint" | "lob";
}

/**
 * Options of `execute()` and `cursor()`.
 *
 * @example
 * ```ts
 * import { type ExecuteOptions, NUMBER } from "./types.ts";
 *
 * const opts: ExecuteOptions = { outFormat: "array", fetchAsString: [NUMBER], maxRows: 10 };
 * ```
 */
export interface ExecuteOptions {
  /** `"object"` (default): rows keyed by column name; `"array"`: rows as arrays. */
  outFormat?: "object" | "array";
  /** Commit after a successful DML statement (default: the connection's `autoCommit`). */
  autoCommit?: boolean;
  /** Oracle types (`NUMBER`, `DATE`, `TIMESTAMP`…) whose columns are fetched as strings. */
  fetchAsString?: number[];
  /** Per-column fetch settings, keyed by column name. */
  fetchInfo?: Record<string, FetchInfo>;
  /**
   * Fetch every CLOB, NCLOB and BLOB column as a `Lob` (thin mode), for streaming or reading in
   * ranges; `fetchInfo` still decides for the columns it names. By default (false) LOB columns
   * come whole, as strings and `Uint8Array`s: the fast path.
   */
  fetchLobs?: boolean;
  /** Called once per column to choose how it is fetched. */
  fetchTypeHandler?: FetchTypeHandler;
  /** Maximum number of rows `execute()` returns (0, the default, means all). */
  maxRows?: number;
  /** Rows per round trip when fetching (default 100). */
  fetchArraySize?: number;
  /** Rows the server sends with the execute reply (default 2). */
  prefetchRows?: number;
  /** Aborting it breaks the running call; the call rejects with `ODB-5004`. */
  signal?: AbortSignal;
}

/**
 * The result of `execute()`.
 *
 * @example
 * ```ts
 * import type { Result } from "./types.ts";
 *
 * const count = (r: Result<Record<string, unknown>>) => r.rows?.length ?? r.rowsAffected ?? 0;
 * ```
 */
export interface Result<T> {
  /** Rows of a query (undefined for other statements). */
  rows?: T[];
  /** Column descriptions of a query (undefined for other statements). */
  metaData?: Metadata[];
  /** Rows changed by DML (undefined for queries). */
  rowsAffected?: number;
  /** OUT / IN OUT bind values: an array for positional binds, an object for named ones. */
  outBinds?: unknown[] | Record<string, unknown>;
  /** ROWID of the last row changed by DML, when the server reports it. */
  lastRowid?: string;
  /**
   * Rows of each result a PL/SQL call returned with `DBMS_SQL.RETURN_RESULT`, in call order
   * (thin mode; as node-oracledb gives them). LOB columns come as `Lob` objects.
   */
  implicitResults?: T[][];
}

/**
 * Options of `executeMany()`.
 *
 * @example
 * ```ts
 * import type { ExecuteManyOptions } from "./types.ts";
 *
 * const opts: ExecuteManyOptions = { batchErrors: true, dmlRowCounts: true };
 * ```
 */
export interface ExecuteManyOptions {
  /** Commit after success (default: the connection's `autoCommit`). */
  autoCommit?: boolean;
  /**
   * Collect row errors in `batchErrors` instead of failing on the first one (INSERT, UPDATE,
   * DELETE and MERGE only: other statements fail with `ODB-5002`, as Oracle lists no batch
   * errors for them).
   */
  batchErrors?: boolean;
  /** Report rows changed per input row in `dmlRowCounts` (DML only, as `batchErrors`). */
  dmlRowCounts?: boolean;
  /**
   * The type and direction of each bind (an array for positional binds, an object for named
   * ones); needed for OUT binds and `RETURNING … INTO`, whose values come back in `outBinds`.
   */
  bindDefs?: ReadonlyArray<BindDefinition> | Readonly<Record<string, BindDefinition>>;
  /** Aborting it breaks the running call; the call rejects with `ODB-5004`. */
  signal?: AbortSignal;
}

/**
 * The result of `executeMany()`.
 *
 * @example
 * ```ts
 * import type { ExecuteManyResult } from "./types.ts";
 *
 * const failed = (r: ExecuteManyResult) => r.batchErrors?.map((e) => e.offset) ?? [];
 * ```
 */
export interface ExecuteManyResult {
  /** Rows changed in all. */
  rowsAffected: number;
  /** Rows changed per input row, when `dmlRowCounts` was set. */
  dmlRowCounts?: number[];
  /** Errors of individual rows, when `batchErrors` was set. */
  batchErrors?: BatchError[];
  /**
   * With OUT binds in `bindDefs`: per row, its OUT values (an array for positional binds, an
   * object for named ones). A `RETURNING … INTO` bind gives an array per row, one element per
   * row the statement changed.
   */
  outBinds?: (unknown[] | Record<string, unknown>)[];
}

/**
 * The error of one row of `executeMany()` with `batchErrors`.
 *
 * @example
 * ```ts
 * import type { BatchError } from "./types.ts";
 *
 * const show = (e: BatchError) => `row ${e.offset}: ${e.message}`;
 * ```
 */
export interface BatchError {
  /** Index of the input row. */
  offset: number;
  /** `ORA-nnnnn`. */
  code: string;
  /** The full Oracle message. */
  message: string;
}

/**
 * A level for native network encryption or integrity, as Oracle's `SQLNET.ENCRYPTION_CLIENT` /
 * `SQLNET.CRYPTO_CHECKSUM_CLIENT`. Against the server's level: either side `"rejected"` turns
 * the service off (and fails with ORA-12660 if the other side is `"required"`); both
 * `"accepted"` leave it off; any other pair turns it on, failing with ORA-12650 when one side
 * requires it and no algorithm is shared.
 *
 * @example
 * ```ts
 * import type { NetworkLevel } from "./types.ts";
 *
 * const level: NetworkLevel = "required";
 * ```
 */
export type NetworkLevel = "rejected" | "accepted" | "requested" | "required";

/**
 * A native network encryption algorithm (Oracle's `SQLNET.ENCRYPTION_TYPES_CLIENT` names).
 *
 * @example
 * ```ts
 * import type { EncryptionType } from "./types.ts";
 *
 * const types: EncryptionType[] = ["AES256", "AES128"];
 * ```
 */
export type EncryptionType = "AES256" | "AES192" | "AES128";

/**
 * A native network integrity algorithm (Oracle's `SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT` names).
 *
 * @example
 * ```ts
 * import type { IntegrityType } from "./types.ts";
 *
 * const types: IntegrityType[] = ["SHA512", "SHA256"];
 * ```
 */
export type IntegrityType = "SHA512" | "SHA384" | "SHA256" | "SHA1";

/**
 * Options of `connect()`.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from "./types.ts";
 *
 * const opts: ConnectOptions = {
 *   user: "scott",
 *   password: "tiger",
 *   connectString: "localhost:1521/FREEPDB1",
 *   callTimeout: 5000,
 * };
 * ```
 */
export interface ConnectOptions {
  /** Database user name. */
  user: string;
  /** Password of `user`. */
  password: string;
  /** Easy Connect string (`host:port/service`) or a connect descriptor (see `makeDsn()`). */
  connectString: string;
  /** Directory with tnsnames.ora. */
  configDir?: string;
  /** Time allowed to establish the connection, in milliseconds. */
  connectTimeout?: number;
  /** Time allowed for each round trip, in milliseconds (0: none). */
  callTimeout?: number;
  /** Statements kept prepared per connection (default 30). */
  stmtCacheSize?: number;
  /** Rows the server sends with each execute reply (default 2). */
  prefetchRows?: number;
  /** Rows per round trip when fetching (default 100). */
  fetchArraySize?: number;
  /** Commit after every successful DML statement (default false). */
  autoCommit?: boolean;
  /** DRCP connection class. */
  connectionClass?: string;
  /**
   * DRCP session purity: `"self"` may reuse a pooled server session with its state, `"new"`
   * always gets a clean one; `"default"` lets the server decide.
   */
  purity?: "new" | "self" | "default";
  /** Program name reported to the server (V$SESSION.PROGRAM). */
  program?: string;
  /** Machine name reported to the server. */
  machine?: string;
  /** OS user name reported to the server. */
  osUser?: string;
  /** Driver name reported to the server. */
  driverName?: string;
  /**
   * TLS (`tcps`): a PEM file of trusted CA certificates, or a directory holding `ewallet.pem`.
   * Without it the system's trusted roots are used. Certificates are always verified.
   */
  walletLocation?: string;
  /** TLS: check the server certificate's name (default true), as SSL_SERVER_DN_MATCH. */
  sslServerDnMatch?: boolean;
  /** TLS: the subject DN the server certificate must have, e.g. `"CN=db,O=Acme"`. */
  sslServerCertDn?: string;
  /**
   * Native network encryption (thin mode, `tcp` addresses): `"accepted"` by default, like
   * Oracle's client, so the server decides. `"required"` fails the connection with ORA-12660
   * when the server rejects it. On a `tcps` address TLS already protects the session: native
   * encryption is not negotiated there, and `"required"` fails with `ODB-1034`.
   * `Connection.networkEncryption` tells what was agreed.
   *
   * @example
   * ```ts
   * import { connect } from "../mod.ts";
   *
   * await using conn = await connect({
   *   user: "scott",
   *   password: "tiger",
   *   connectString: "localhost:1521/FREEPDB1",
   *   networkEncryption: "required",
   *   encryptionTypes: ["AES256"],
   *   networkIntegrity: "required",
   *   integrityTypes: ["SHA512", "SHA256"],
   * });
   * console.log(conn.networkEncryption, conn.networkIntegrity); // "AES256" "SHA512"
   * ```
   */
  networkEncryption?: NetworkLevel;
  /** Encryption algorithms offered, in order of preference (default: all, strongest first). */
  encryptionTypes?: EncryptionType[];
  /** Native network integrity (crypto-checksumming); same levels as `networkEncryption`. */
  networkIntegrity?: NetworkLevel;
  /** Integrity algorithms offered, in order of preference (default: all, strongest first). */
  integrityTypes?: IntegrityType[];
  /**
   * Sharding key: the values of the table's sharding key columns, in order. Sent in the connect
   * data (as `SHARDING_KEY_B64`, the form JDBC Thin and OCI send) so a shard director routes
   * the session to the shard that owns the key. Thin mode only for now. See docs/sharding.md.
   *
   * @example
   * ```ts
   * import { connect } from "../mod.ts";
   *
   * await using conn = await connect({
   *   user: "scott", password: "tiger", connectString: "localhost/FREEPDB1",
   *   shardingKey: ["Mary", 42],
   *   superShardingKey: ["EU"],
   * });
   * ```
   */
  shardingKey?: ShardingKeyValue[];
  /** Super sharding key (composite sharding: the shardspace); same values as `shardingKey`. */
  superShardingKey?: ShardingKeyValue[];
}

/**
 * One sub-key of a sharding key: a string (VARCHAR2), a number or bigint (NUMBER), a `Date`
 * (DATE, local time, whole seconds) or bytes (RAW).
 *
 * @example
 * ```ts
 * import type { ShardingKeyValue } from "./types.ts";
 *
 * const key: ShardingKeyValue[] = ["Mary", 42, new Date(2024, 4, 6), new Uint8Array([1, 2])];
 * ```
 */
export type ShardingKeyValue = string | number | bigint | Date | Uint8Array;
