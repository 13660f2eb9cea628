/**
 * node-oracledb's `Connection` over an oradb one: callbacks or promises, its result object, and
 * NJS errors for what oradb does not do.
 *
 * @module
 */

import { Readable } from "node:stream";
import type { Connection as OradbConnection } from "../connection.ts";
import { Cursor } from "../cursor.ts";
import type { Result } from "../types.ts";
import { oraType, toBinds } from "./_binds.ts";
import { type Callback, settle, splitCallback } from "./_callback.ts";
import { type MetaData, toExecuteOptions, toMetaData, toRows, toValue } from "./_results.ts";
import { NJS, njsError, notSupported } from "./errors.ts";
import { Lob } from "./lob.ts";
import { ResultSet } from "./result_set.ts";
import { settings } from "./settings.ts";

/** node-oracledb's result of `execute()`. */
export interface ExecuteResult {
  /** Rows of a query (all of them, up to `maxRows`), unless `resultSet` was asked for. */
  rows?: unknown[];
  /** Column descriptions of a query. */
  metaData?: MetaData[];
  /** Rows changed by DML. */
  rowsAffected?: number;
  /** OUT and IN OUT values: an array for positional binds, an object for named ones. */
  outBinds?: unknown[] | Record<string, unknown>;
  /** ROWID of the last row changed, when the server reports it. */
  lastRowid?: string;
  /** Rows of each result a PL/SQL block returned with DBMS_SQL.RETURN_RESULT. */
  implicitResults?: unknown[][];
  /** With `resultSet: true`: the rows, fetched on demand. */
  resultSet?: ResultSet;
}

/** Options objects as node-oracledb takes them (unknown keys ignored). */
export type Opts = Record<string, unknown>;

/**
 * A connection with node-oracledb's methods.
 *
 * @example
 * ```ts
 * import type { Connection } from "./connection.ts";
 * import { OUT_FORMAT_OBJECT } from "./constants.ts";
 *
 * async function names(conn: Connection): Promise<unknown[] | undefined> {
 *   const r = await conn.execute("SELECT name FROM t WHERE id = :id", [1], {
 *     outFormat: OUT_FORMAT_OBJECT,
 *   });
 *   return r.rows;
 * }
 * ```
 */
export class Connection {
  readonly #conn: OradbConnection;

  /** @internal Made by `getConnection()`. */
  constructor(conn: OradbConnection) {
    this.#conn = conn;
  }

  #open(): OradbConnection {
    if (this.#conn.closed) throw njsError(NJS.INVALID_CONNECTION);
    return this.#conn;
  }

  /** Always true: oradb speaks Oracle Net itself. */
  get thin(): boolean {
    return true;
  }
  /** The server's version, e.g. 2304000000. */
  get oracleServerVersion(): number {
    return this.#conn.oracleServerVersion;
  }
  /** The server's version as text, e.g. `23.4.0.0.0`. */
  get oracleServerVersionString(): string {
    return this.#conn.oracleServerVersionString;
  }
  /** Milliseconds each round trip may take (0: none). */
  get callTimeout(): number {
    return this.#conn.callTimeout;
  }
  set callTimeout(ms: number) {
    this.#conn.callTimeout = ms;
  }
  /** End-to-end tracing attributes, sent with the next round trip. */
  set action(v: string) {
    this.#conn.action = v;
  }
  /** Module name for end-to-end tracing. */
  set module(v: string) {
    this.#conn.module = v;
  }
  /** Client identifier for end-to-end tracing. */
  set clientId(v: string) {
    this.#conn.clientId = v;
  }
  /** Client info for end-to-end tracing. */
  set clientInfo(v: string) {
    this.#conn.clientInfo = v;
  }
  /** Database operation name for end-to-end tracing. */
  set dbOp(v: string) {
    this.#conn.dbOp = v;
  }
  /** The session's tag (pooled connections). */
  get tag(): string {
    return this.#conn.tag;
  }
  set tag(v: string) {
    this.#conn.tag = v;
  }
  /** node-oracledb's health check. */
  isHealthy(): boolean {
    return !this.#conn.closed && this.#conn.isHealthy();
  }

  /** Runs one statement: `execute(sql, [binds], [options], [callback])`. */
  execute(sql: string, ...args: unknown[]): Promise<ExecuteResult> {
    const [rest, cb] = splitCallback<ExecuteResult>(args);
    if (rest.length > 2) throw njsError(NJS.INVALID_NUMBER_OF_PARAMETERS, rest.length + 1, 1, 3);
    return settle(() => this.#execute(sql, rest[0], (rest[1] ?? {}) as Opts), cb);
  }

  async #execute(sql: string, rawBinds: unknown, o: Opts): Promise<ExecuteResult> {
    const conn = this.#open();
    if (typeof sql !== "string") throw njsError(NJS.INVALID_PARAMETER_VALUE, 1);
    if (typeof o !== "object" || o === null) throw njsError(NJS.INVALID_PARAMETER_VALUE, 3);
    const binds = toBinds(rawBinds);
    const opts = toExecuteOptions(o);
    if (o.resultSet === true) {
      const cursor = conn.cursor<unknown>(sql, binds, opts);
      const ahead = await cursor.fetchMany(1);
      const rs = new ResultSet(cursor, opts.fetchArraySize ?? 100, ahead);
      return { metaData: toMetaData(cursor.metaData), resultSet: rs };
    }
    const r: Result<unknown> = await conn.execute<unknown>(sql, binds, opts);
    const out: ExecuteResult = {};
    if (r.metaData !== undefined) out.metaData = toMetaData(r.metaData);
    if (r.rows !== undefined) out.rows = toRows(r.rows, r.metaData);
    if (r.rowsAffected !== undefined) out.rowsAffected = r.rowsAffected;
    if (r.outBinds !== undefined) out.outBinds = this.#outBinds(r.outBinds, opts.fetchArraySize);
    if (r.lastRowid !== undefined) out.lastRowid = r.lastRowid;
    if (r.implicitResults !== undefined) {
      out.implicitResults = r.implicitResults.map((rows) => toRows(rows, undefined));
    }
    return out;
  }

  #outBinds(ob: unknown[] | Record<string, unknown>, arraySize = 100) {
    const conv = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(conv)
        : v instanceof Cursor
        ? new ResultSet(v, arraySize, [])
        : toValue(v);
    if (Array.isArray(ob)) return ob.map(conv);
    return Object.fromEntries(Object.entries(ob).map(([k, v]) => [k, conv(v)]));
  }

  /** Runs one DML statement for many rows of binds: `executeMany(sql, binds, [options])`. */
  executeMany(sql: string, ...args: unknown[]): Promise<ExecuteResult & Record<string, unknown>> {
    const [rest, cb] = splitCallback<ExecuteResult & Record<string, unknown>>(args);
    return settle(async () => {
      const conn = this.#open();
      if (typeof rest[0] === "number") throw notSupported("executeMany() with numIterations");
      if (!Array.isArray(rest[0])) throw njsError(NJS.INVALID_PARAMETER_VALUE, 2);
      const o = (rest[1] ?? {}) as Opts;
      if (o.bindDefs !== undefined) {
        for (const d of Object.values(o.bindDefs as object)) oraType((d as Opts).type);
      }
      const rows = (rest[0] as unknown[]).map((b) => toBinds(b)!);
      const r = await conn.executeMany(sql, rows, {
        autoCommit: (o.autoCommit ?? settings.autoCommit) as boolean,
        batchErrors: o.batchErrors === true,
        dmlRowCounts: o.dmlRowCounts === true,
      });
      return { ...r } as ExecuteResult & Record<string, unknown>;
    }, cb);
  }

  /** A stream of rows (object mode) for one query. */
  queryStream(sql: string, binds?: unknown, options: Opts = {}): Readable {
    const conn = this.#open();
    const opts = toExecuteOptions(options);
    const cursor = conn.cursor<unknown>(sql, toBinds(binds), opts);
    const size = opts.fetchArraySize ?? 100;
    const stream = new Readable({
      objectMode: true,
      read() {
        cursor.fetchMany(size).then((rows) => {
          if (rows.length === 0) return void this.push(null);
          for (const r of toRows(rows, cursor.metaData)) this.push(r);
        }, (e) => this.destroy(e));
      },
      destroy(err, done) {
        cursor.close().then(() => done(err), (e) => done(err ?? e));
      },
    });
    return stream;
  }

  /** A temporary LOB of `type` (`CLOB`, `NCLOB`, `BLOB`). */
  createLob(type: unknown, cb?: Callback<Lob>): Promise<Lob> {
    return settle(async () => {
      const t = oraType(type);
      return new Lob(await this.#open().createLob(t as 112));
    }, cb);
  }

  /** Commits (callback or promise). */
  commit(cb?: Callback<void>): Promise<void> {
    return settle(() => this.#open().commit(), cb);
  }

  /** Rolls back (callback or promise). */
  rollback(cb?: Callback<void>): Promise<void> {
    return settle(() => this.#open().rollback(), cb);
  }

  /** Checks the session with a round trip. */
  ping(cb?: Callback<void>): Promise<void> {
    return settle(() => this.#open().ping(), cb);
  }

  /** Interrupts the running call. */
  break(cb?: Callback<void>): Promise<void> {
    return settle(() => this.#open().break(), cb);
  }

  /** Closes, or gives back to its pool: `close([{ drop }], [callback])`. */
  close(...args: unknown[]): Promise<void> {
    const [rest, cb] = splitCallback<void>(args);
    const o = (rest[0] ?? {}) as { drop?: boolean };
    return settle(() => this.#open().close({ drop: o.drop === true }), cb);
  }

  /** Alias of {@linkcode Connection.close}. */
  release(...args: unknown[]): Promise<void> {
    return this.close(...args);
  }

  /** Not offered by oradb: NJS-089. */
  changePassword(): Promise<void> {
    return Promise.reject(notSupported("changePassword()"));
  }
  /** Not offered by oradb: NJS-089. */
  getDbObjectClass(): Promise<never> {
    return Promise.reject(notSupported("getDbObjectClass()"));
  }
  /** Not offered by oradb: NJS-089. */
  getSodaDatabase(): never {
    throw notSupported("SODA");
  }
  /** Not offered by oradb: NJS-089. */
  getQueue(): Promise<never> {
    return Promise.reject(notSupported("Advanced Queuing"));
  }
  /** Not offered by oradb: NJS-089. */
  subscribe(): Promise<never> {
    return Promise.reject(notSupported("Continuous Query Notification"));
  }
  /** Not offered by oradb: NJS-089. */
  tpcBegin(): Promise<never> {
    return Promise.reject(notSupported("Two-phase commit"));
  }
}
