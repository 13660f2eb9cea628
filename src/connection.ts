/**
 * The `Connection` class (opened by `connect()` in connect.ts or by a pool).
 *
 * @module
 */

import { atCaller, callSite, ErrorCode, odbError, toOracleError } from "./errors.ts";
import type { NativeConnection } from "./_native.ts";
import { CallQueue } from "./_queue.ts";
import { decodeOutBinds, encodeBinds, encodeManyBinds } from "./_binds.ts";
import { decodeManyOutBinds, encodeManyByDefs } from "./_binds_many.ts";
import { assertOpen, executeStatement, fetchRows, rowsAtOnce, type Session } from "./_execute.ts";
import {
  checkExecuteManyOptions,
  checkExecuteOptions,
  checkOptions,
  MAX_INT_OPTION,
} from "./_options.ts";
import { Cursor, implicitRows, nestCursors, refCursor } from "./cursor.ts";
import { createTempLob, type Lob, lobFromLocator, type LobType } from "./lob.ts";
import { CLOSE_OPTIONS, type ConnectionCloseOptions, forceClose } from "./_close.ts";
import { traced, type TraceTarget, traceTarget } from "./tracing.ts";
import type { DbObjectClass } from "./dbobject.ts";
import { TypeCache, type TypeMaps } from "./_dbobject_types.ts";
import { resultObjects } from "./_dbobject_codec.ts";
import {
  type Binds,
  type ConnectOptions,
  DB_TYPE_CURSOR,
  DB_TYPE_OBJECT,
  type ExecuteManyOptions,
  type ExecuteManyResult,
  type ExecuteOptions,
  type Result,
} from "./types.ts";

/** End-to-end attributes, numbered as the addon takes them. */
const E2E = { CLIENT_ID: 0, MODULE: 1, ACTION: 2, CLIENT_INFO: 3, DB_OP: 4, ECID: 5 } as const;

/** @internal How a pooled connection goes back to its pool. */
export type ReleaseHook = (tag: string, drop: boolean) => Promise<void>;

let poolOfConnection: (conn: Connection) => object | undefined;

/** @internal The pool a pooled connection came from, for `pool.release()`. */
export function poolOf(conn: Connection): object | undefined {
  return poolOfConnection(conn);
}

/** @internal What a pool gives each connection it hands out. */
export interface PooledBy {
  pool: object;
  /** The pool's trace attributes, parsed once (not per acquire). */
  trace: TraceTarget;
  /**
   * The pool's memory of which columns each statement needs as exact text, shared by its
   * sessions: each acquire makes a new `Connection`, and a memory per connection was lost at
   * every release, so a query through the pool ran twice (Kysely's acquire per query).
   */
  asString: Map<string, number[]>;
  /** Object types its sessions read (they share one schema), so each is read once per pool. */
  objectTypes?: TypeMaps;
}

/**
 * True when `resultObjects` would leave `result` as it is: no OUT binds and no column of an
 * object type (the common case, answered without an async step).
 */
function holdsNoObjects(result: Result<unknown>): boolean {
  return result.outBinds === undefined &&
    (result.metaData === undefined || !result.metaData.some((m) => m.dbType === DB_TYPE_OBJECT));
}

/**
 * A session with the database. Calls on one connection run one at a time, in call order.
 * Close it with `close()` or `await using`.
 *
 * @example
 * ```ts
 * import { connect } from "../mod.ts";
 *
 * await using conn = await connect({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" });
 * const { rows } = await conn.execute("SELECT :n * 2 AS twice FROM dual", [21]);
 * console.log(rows?.[0]); // { TWICE: 42 }
 * ```
 */
export class Connection implements AsyncDisposable {
  readonly #s: Session;
  readonly #release: ReleaseHook | undefined;
  #tag: string;
  /** End-to-end attributes set here, by `E2E` index. */
  readonly #e2e: (string | undefined)[] = [];

  /**
   * The pool it came from. A private field, not a WeakMap entry: an ephemeron per acquire was
   * a visible part of the scavenger's work on a pool benchmark.
   */
  readonly #pool: object | undefined;

  static {
    poolOfConnection = (conn) => conn.#pool;
  }

  /** @internal Made by `connect()` and `Pool.acquire()`. */
  constructor(
    native: NativeConnection,
    options: ConnectOptions,
    release?: ReleaseHook,
    pooled?: PooledBy,
  ) {
    this.#release = release;
    this.#pool = pooled?.pool;
    this.#tag = release ? native.poolTag : "";
    this.#s = {
      native,
      queue: new CallQueue(() => native.breakExecution()),
      closed: false,
      autoCommit: options.autoCommit ?? false,
      prefetchRows: options.prefetchRows ?? 2,
      fetchArraySize: options.fetchArraySize ?? 100,
      asString: pooled?.asString ?? new Map(),
      trace: pooled?.trace ?? traceTarget(options.connectString ?? ""),
      // Read on first use, by fetched objects (here and in cursors) and getDbObjectClass().
      objectTypes: new TypeCache(
        async (sql, binds) =>
          (await this.execute<unknown[]>(sql, binds as Binds, { outFormat: "array" })).rows ?? [],
        pooled?.objectTypes,
      ),
    };
  }

  /** A pooled session's tag (`""` when untagged); setting it retags the session on release. */
  get tag(): string {
    return this.#tag;
  }

  set tag(value: string) {
    if (typeof value !== "string") {
      throw odbError(ErrorCode.INVALID_OPTION, `Property "tag" must be a string`);
    }
    this.#tag = value;
  }

  /** Server version, e.g. `23.4.0.24.5`. */
  get serverVersion(): string {
    return this.#s.native.serverVersion;
  }

  /**
   * The native network encryption algorithm in use (`"AES256"`…), or `null` when the session
   * is not natively encrypted (off, TLS, or thick mode, where sqlnet.ora decides).
   */
  get networkEncryption(): string | null {
    return this.#s.native.networkEncryption ?? null;
  }

  /** The native network integrity algorithm in use (`"SHA512"`…), or `null`. */
  get networkIntegrity(): string | null {
    return this.#s.native.networkIntegrity ?? null;
  }

  /** Same as {@linkcode Connection.serverVersion} (node-oracledb's name). */
  get oracleServerVersionString(): string {
    return this.#s.native.serverVersion;
  }

  /**
   * The server version as one number, as node-oracledb gives it: 23.4.0.24.5 is 2304002405
   * (major × 10⁸ + minor × 10⁶ + update × 10⁴ + release × 10² + patch).
   */
  get oracleServerVersion(): number {
    const [a = 0, b = 0, c = 0, d = 0, e = 0] = this.#s.native.serverVersion.split(".").map(
      Number,
    );
    return a * 1e8 + b * 1e6 + c * 1e4 + d * 1e2 + e;
  }

  /**
   * False once the connection is closed or its session is known to be gone (the server closed
   * the socket, the session was killed). Checked locally, without a round trip: a `true` is
   * not a promise that the next call succeeds; `ping()` asks the server.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * function usable(conn: Connection): boolean {
   *   return conn.isHealthy();
   * }
   * ```
   */
  isHealthy(): boolean {
    return !this.#s.closed && this.#s.native.isHealthy();
  }

  /** End-to-end attribute `MODULE` (V$SESSION); sent with the next call, no round trip. */
  get module(): string | undefined {
    return this.#e2e[E2E.MODULE];
  }

  set module(value: string) {
    this.#setE2e(E2E.MODULE, "module", value);
  }

  /** End-to-end attribute `ACTION` (V$SESSION); sent with the next call. */
  get action(): string | undefined {
    return this.#e2e[E2E.ACTION];
  }

  set action(value: string) {
    this.#setE2e(E2E.ACTION, "action", value);
  }

  /** End-to-end attribute `CLIENT_IDENTIFIER` (V$SESSION); sent with the next call. */
  get clientId(): string | undefined {
    return this.#e2e[E2E.CLIENT_ID];
  }

  set clientId(value: string) {
    this.#setE2e(E2E.CLIENT_ID, "clientId", value);
  }

  /** End-to-end attribute `CLIENT_INFO` (V$SESSION); sent with the next call. */
  get clientInfo(): string | undefined {
    return this.#e2e[E2E.CLIENT_INFO];
  }

  set clientInfo(value: string) {
    this.#setE2e(E2E.CLIENT_INFO, "clientInfo", value);
  }

  /** End-to-end attribute: the database operation name (DBOP); sent with the next call. */
  get dbOp(): string | undefined {
    return this.#e2e[E2E.DB_OP];
  }

  set dbOp(value: string) {
    this.#setE2e(E2E.DB_OP, "dbOp", value);
  }

  /** End-to-end attribute `ECID` (V$SESSION), the execution context id; sent with the next call. */
  get ecid(): string | undefined {
    return this.#e2e[E2E.ECID];
  }

  set ecid(value: string) {
    this.#setE2e(E2E.ECID, "ecid", value);
  }

  #setE2e(which: number, name: string, value: string): void {
    assertOpen(this.#s);
    // Oracle holds 64 bytes of each (module and action 48 in older releases).
    if (typeof value !== "string" || new TextEncoder().encode(value).length > 64) {
      throw odbError(
        ErrorCode.INVALID_OPTION,
        `Property "${name}" must be a string of at most 64 bytes`,
      );
    }
    this.#e2e[which] = value;
    this.#s.native.setEndToEnd(which, value);
  }

  /** False when the connection goes through Oracle's client library (see `initOracleClient`). */
  get thin(): boolean {
    return this.#s.native.thin;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#s.closed;
  }

  /** Time allowed for each round trip, in milliseconds; 0 means no limit. */
  get callTimeout(): number {
    assertOpen(this.#s);
    return this.#s.native.getCallTimeout();
  }

  set callTimeout(ms: number) {
    assertOpen(this.#s);
    if (!Number.isInteger(ms) || ms < 0 || ms > MAX_INT_OPTION) {
      throw odbError(
        ErrorCode.INVALID_OPTION,
        `Option "callTimeout" must be an integer from 0 to ${MAX_INT_OPTION}`,
      );
    }
    this.#s.native.setCallTimeout(ms);
  }

  /** Default of the `autoCommit` option of `execute()` / `executeMany()`. */
  get autoCommit(): boolean {
    return this.#s.autoCommit;
  }

  set autoCommit(on: boolean) {
    if (typeof on !== "boolean") {
      throw odbError(ErrorCode.INVALID_OPTION, `Option "autoCommit" must be a boolean`);
    }
    this.#s.autoCommit = on;
  }

  /**
   * Executes one statement. A query returns all its rows (up to `maxRows`); DML returns
   * `rowsAffected`; OUT binds come back in `outBinds`.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function insert(conn: Connection): Promise<number | undefined> {
   *   const r = await conn.execute("INSERT INTO t (id, name) VALUES (:id, :name)", { id: 1, name: "a" });
   *   return r.rowsAffected; // 1
   * }
   * ```
   */
  async execute<T = Record<string, unknown>>(
    sql: string,
    binds?: Binds,
    options?: ExecuteOptions,
  ): Promise<Result<T>> {
    try {
      assertOpen(this.#s);
      checkSql(sql);
      checkExecuteOptions("execute()", options);
      const opts = options ?? {};
      const encoded = encodeBinds(binds);
      const result = await traced("execute", this.#s.trace, sql, () =>
        this.#s.queue.run(
          async () => {
            const { res, plan, arraySize } = await executeStatement(this.#s, sql, encoded, opts);
            const result: Result<T> = {};
            if (plan === undefined) {
              result.rowsAffected = res.rowsAffected;
            } else {
              // Copies: the plan may be reused by later executes (see `_execute.ts`).
              result.metaData = plan.metaData.map((m) => ({ ...m }));
              nestCursors(this.#s, plan, arraySize);
              const maxRows = opts.maxRows ?? 0;
              result.rows = rowsAtOnce<T>(res, plan, maxRows) ??
                await fetchRows<T>(this.#s, res, plan, arraySize, maxRows);
            }
            const outBinds = decodeOutBinds(encoded, res.outBinds, {
              lob: (raw) => lobFromLocator(this.#s, raw),
              cursor: (raw) => refCursor(this.#s, raw, opts),
            });
            if (outBinds !== undefined) result.outBinds = outBinds;
            if (res.implicitResults) {
              result.implicitResults = await implicitRows<T>(this.#s, res.implicitResults, opts);
            }
            if (res.lastRowid !== null) result.lastRowid = res.lastRowid;
            return result;
          },
          undefined,
          opts.signal,
        ));
      // Most results hold no objects: returned as they are, without an async step more.
      return holdsNoObjects(result) ? result : await resultObjects(result, this.#s.objectTypes!);
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * The class of an object or collection type (`SCHEMA.NAME`, or `NAME` in the current
   * schema), read from the type dictionary once per connection. `new Cls({ ATTR: v })` makes an
   * object, `new Cls([…])` a collection; bind it IN, or give the class as an OUT bind's `type`.
   * An unknown type is `ORA-04043`.
   *
   * @example
   * ```ts
   * import type { Connection } from "../mod.ts";
   *
   * async function addPoint(conn: Connection): Promise<void> {
   *   const Point = await conn.getDbObjectClass("SCOTT.POINT");
   *   await conn.execute("INSERT INTO shapes (p) VALUES (:p)", { p: new Point({ X: 1, Y: 2 }) });
   * }
   * ```
   */
  async getDbObjectClass(name: string): Promise<DbObjectClass> {
    try {
      assertOpen(this.#s);
      if (!this.#s.native.thin) {
        throw odbError(
          ErrorCode.THICK_UNAVAILABLE,
          "DbObject types are not available in thick mode yet",
        );
      }
      return (await this.#s.objectTypes!.byName(name)).cls;
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * Executes one DML statement for many rows of binds in one round trip.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function load(conn: Connection): Promise<number> {
   *   const rows = [[1, "a"], [2, "b"], [3, "c"]];
   *   const r = await conn.executeMany("INSERT INTO t (id, name) VALUES (:1, :2)", rows);
   *   return r.rowsAffected; // 3
   * }
   * ```
   */
  async executeMany(
    sql: string,
    rows: ReadonlyArray<Binds>,
    options?: ExecuteManyOptions,
  ): Promise<ExecuteManyResult> {
    try {
      assertOpen(this.#s);
      checkSql(sql);
      checkExecuteManyOptions(options);
      const opts = options ?? {};
      const encoded = opts.bindDefs === undefined
        ? encodeManyBinds(rows)
        : encodeManyByDefs(rows, opts.bindDefs);
      const nativeOpts = {
        autoCommit: opts.autoCommit ?? this.#s.autoCommit,
        batchErrors: opts.batchErrors ?? false,
        dmlRowCounts: opts.dmlRowCounts ?? false,
      };
      const res = await traced("executeMany", this.#s.trace, sql, () =>
        this.#s.queue.run(
          () => this.#s.native.executeMany(sql, encoded.native, rows.length, nativeOpts),
          undefined,
          opts.signal,
        ));
      const result: ExecuteManyResult = { rowsAffected: res.rowsAffected };
      if (res.dmlRowCounts !== null) result.dmlRowCounts = res.dmlRowCounts;
      if (res.batchErrors !== null) result.batchErrors = res.batchErrors;
      const outBinds = decodeManyOutBinds(encoded, res.outBinds, {
        lob: (raw) => lobFromLocator(this.#s, raw),
        cursor: () => null,
      });
      if (outBinds !== undefined) result.outBinds = outBinds;
      return result;
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * Starts a query and returns its cursor at once, to iterate with `for await` or fetch rows
   * in batches. The query runs right away; its errors surface at the first fetch.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function names(conn: Connection): Promise<string[]> {
   *   const out: string[] = [];
   *   for await (const row of conn.cursor("SELECT name FROM t ORDER BY id")) {
   *     out.push(String(row.NAME));
   *   }
   *   return out;
   * }
   * ```
   */
  cursor<T = Record<string, unknown>>(
    sql: string,
    binds?: Binds,
    options?: ExecuteOptions,
  ): Cursor<T> {
    const site = callSite();
    const start = async () => {
      try {
        assertOpen(this.#s);
        checkSql(sql);
        checkExecuteOptions("cursor()", options);
        const opts = options ?? {};
        const encoded = encodeBinds(binds);
        if (encoded.native.types.includes(DB_TYPE_CURSOR)) {
          // cursor() returns no OUT values: the REF CURSOR would stay open, unread.
          throw odbError(
            ErrorCode.INVALID_BIND_SPEC,
            "A CURSOR OUT bind needs execute(), which returns it in outBinds",
          );
        }
        const executed = await traced("execute", this.#s.trace, sql, () =>
          this.#s.queue.run(
            () => executeStatement(this.#s, sql, encoded, opts),
            site,
            opts.signal,
          ));
        if (executed.plan === undefined) {
          throw odbError(ErrorCode.INVALID_ARGUMENT, `Statement of cursor() is not a query`);
        }
        return executed;
      } catch (e) {
        throw toOracleError(e, site);
      }
    };
    // The signal also covers the fetches: aborting it ends iteration and closes the cursor.
    const signal = options?.signal instanceof AbortSignal ? options.signal : undefined;
    return new Cursor<T>(this.#s, start(), signal);
  }

  /**
   * Commits the transaction.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function save(conn: Connection): Promise<void> {
   *   await conn.execute("UPDATE t SET name = 'x' WHERE id = 1");
   *   await conn.commit();
   * }
   * ```
   */
  async commit(): Promise<void> {
    return await traced("commit", this.#s.trace, undefined, () => this.#simple((n) => n.commit()));
  }

  /**
   * Rolls the transaction back.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function undo(conn: Connection): Promise<void> {
   *   await conn.rollback();
   * }
   * ```
   */
  async rollback(): Promise<void> {
    return await traced(
      "rollback",
      this.#s.trace,
      undefined,
      () => this.#simple((n) => n.rollback()),
    );
  }

  /**
   * Makes a round trip to check that the session is alive.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function alive(conn: Connection): Promise<boolean> {
   *   return await conn.ping().then(() => true, () => false);
   * }
   * ```
   */
  async ping(): Promise<void> {
    return await this.#simple((n) => n.ping());
  }

  /**
   * Interrupts the call running now (it fails with ORA-01013); queued calls still run.
   * Prefer the per-call `signal` option, which breaks only its own call.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function stop(conn: Connection): Promise<void> {
   *   await conn.break();
   * }
   * ```
   */
  async break(): Promise<void> {
    const site = callSite();
    try {
      assertOpen(this.#s);
      // Not queued: a break must jump ahead of the call it interrupts.
      await this.#s.native.breakExecution();
    } catch (e) {
      throw toOracleError(e, site);
    }
  }

  /**
   * Ends the session (a pooled connection goes back to its pool). Closing twice is fine.
   *
   * Without `force`, calls already queued run first. With `force`, queued calls that have not
   * started fail with `ODB-5000`, the call in progress is broken (it fails with `ORA-01013`),
   * and if the server answers neither within 2 seconds the session is dropped: a stuck call can
   * never keep a forced close waiting. `await using` closes with `force`, like a pool's, so a
   * scope left while a call is still running (an abandoned `Promise.race`) cannot hang.
   *
   * @example
   * ```ts
   * import type { Connection } from "./connection.ts";
   *
   * async function done(conn: Connection): Promise<void> {
   *   await conn.close();
   * }
   * ```
   */
  async close(options: ConnectionCloseOptions = {}): Promise<void> {
    if (this.#s.closed) return;
    try {
      checkOptions("close()", options, CLOSE_OPTIONS);
    } catch (e) {
      throw atCaller(e);
    }
    this.#s.closed = true;
    const release = this.#release;
    const drop = options.drop ?? false;
    try {
      if (options.force === true) {
        await forceClose(
          this.#s,
          release === undefined ? undefined : () => release(this.#tag, drop),
        );
        return;
      }
      await this.#s.queue.run(
        () => release ? release(this.#tag, drop) : this.#s.native.close(),
      );
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * Creates a temporary LOB: write it, bind it into INSERT, UPDATE or PL/SQL, and
   * close it (or let `await using` do so) when done; the server frees it then, or when the
   * connection closes.
   *
   * @example
   * ```ts
   * import { BLOB, type Connection } from "../mod.ts";
   *
   * async function store(conn: Connection, data: Uint8Array): Promise<void> {
   *   await using lob = await conn.createLob(BLOB);
   *   await lob.write(1, data);
   *   await conn.execute("INSERT INTO files (id, data) VALUES (1, :d)", { d: lob });
   * }
   * ```
   */
  async createLob(type: LobType): Promise<Lob> {
    try {
      assertOpen(this.#s);
      return await createTempLob(this.#s, type);
    } catch (e) {
      throw atCaller(e);
    }
  }

  /** Same as `close({ force: true })`, for `await using`: a call still running is broken. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close({ force: true });
  }

  async #simple(call: (n: NativeConnection) => Promise<void>): Promise<void> {
    try {
      assertOpen(this.#s);
      await this.#s.queue.run(() => call(this.#s.native));
    } catch (e) {
      throw atCaller(e);
    }
  }
}

function checkSql(sql: unknown): asserts sql is string {
  if (typeof sql !== "string" || sql.length === 0) {
    throw odbError(ErrorCode.INVALID_ARGUMENT, `Argument "sql" must be a non-empty string`);
  }
}
