/**
 * One execution of a statement against the native connection, shared by `execute()` and
 * `cursor()`: options resolved, binds encoded, the column plan built.
 *
 * @module
 */

import type { TypeCache } from "./_dbobject_types.ts";
import { ErrorCode, odbError } from "./errors.ts";
import type { NativeConnection, NativeExecResult } from "./_native.ts";
import { LOB_COLUMN, type NativeColumn } from "./_native_types.ts";
import type { CallQueue } from "./_queue.ts";
import type { EncodedBinds } from "./_binds.ts";
import {
  attachLobMaker,
  decodeRows,
  handlerAnswers,
  planRows,
  plansLobs,
  type RowPlan,
} from "./_rows.ts";
import { lobFromLocator } from "./lob.ts";
import { DB_TYPE_BLOB, DB_TYPE_CLOB, DB_TYPE_CURSOR, type ExecuteOptions } from "./types.ts";
import type { TraceTarget } from "./tracing.ts";

const DEFAULT_ARRAY_SIZE = 100;
const DEFAULT_PREFETCH = 2;
const AS_STRING_CACHE_SIZE = 64;
const PLAN_CACHE_SIZE = 16;

/** State of one connection that the connection and its cursors share. */
export interface Session {
  readonly native: NativeConnection;
  readonly queue: CallQueue;
  closed: boolean;
  autoCommit: boolean;
  prefetchRows: number;
  fetchArraySize: number;
  /**
   * SQL text → column indexes last needed as exact text. The native layer takes these indexes
   * with the execute, before the columns are known, so they are remembered per statement.
   */
  readonly asString: Map<string, number[]>;
  /** Where the session is connected, for trace attributes (see tracing.ts). */
  readonly trace: TraceTarget;
  /** Object types read so far, for fetched objects (set by `Connection`, see dbobject.ts). */
  objectTypes?: TypeCache;
}

/** Throws `ODB-5000` when the session is closed. */
export function assertOpen(session: Session): void {
  if (session.closed) throw odbError(ErrorCode.CONNECTION_CLOSED, "Connection is closed");
}

/** A native execute result with the plan of its rows (queries only). */
export interface Executed {
  res: NativeExecResult;
  plan: RowPlan | undefined;
  arraySize: number;
}

function remember(session: Session, sql: string, indexes: number[]): void {
  const cache = session.asString;
  cache.delete(sql);
  if (cache.size >= AS_STRING_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(sql, indexes);
}

interface CachedPlan {
  columns: NativeColumn[];
  outFormat: string;
  plan: RowPlan;
  /** The fetchTypeHandler the plan was built with, and its answer for each column. */
  handler: ExecuteOptions["fetchTypeHandler"];
  answers: unknown[] | undefined;
}

const sameAnswers = (a: unknown[] | undefined, b: unknown[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length &&
    a.every((x, i) => x === b[i]));

/**
 * SQL text → the plan of its rows last time, per `Session.asString` map (which pooled sessions
 * share), reused while the columns are the same: building a plan, and the row builder compiled
 * for it (see `_rows.ts`), took about a tenth of a one-row query's time on the JS thread.
 */
const plans = new WeakMap<object, Map<string, CachedPlan>>();

const sameColumns = (a: NativeColumn[], b: NativeColumn[]) =>
  a.length === b.length && a.every((c, i) => {
    const d = b[i];
    return c.name === d.name && c.dbType === d.dbType && c.size === d.size &&
      c.precision === d.precision && c.scale === d.scale && c.nullable === d.nullable &&
      c.national === d.national;
  });

/**
 * The plan of `columns`, from the cache when the options leave columns as they come, or when
 * the fetchTypeHandler (asked at every execute, as before) gives the very same answers as when
 * the plan was built (the Kysely dialect's does: a new plan per query compiled a new row
 * builder each time). Plans that carry session-bound makers (Lob, nested cursor) are never
 * shared.
 */
function planFor(
  session: Session,
  sql: string,
  columns: NativeColumn[],
  opts: ExecuteOptions,
): RowPlan {
  if (
    opts.fetchInfo !== undefined || opts.fetchAsString !== undefined ||
    opts.fetchLobs !== undefined
  ) {
    return planRows(columns, opts);
  }
  const handler = opts.fetchTypeHandler;
  const answers = handler === undefined ? undefined : handlerAnswers(columns, handler);
  const outFormat = opts.outFormat ?? "object";
  let cache = plans.get(session.asString);
  const hit = cache?.get(sql);
  if (
    hit !== undefined && hit.outFormat === outFormat && hit.handler === handler &&
    sameAnswers(hit.answers, answers) && sameColumns(hit.columns, columns)
  ) {
    return hit.plan;
  }
  const plan = planRows(columns, opts, answers);
  if (plansLobs(plan) || columns.some((c) => c.dbType === DB_TYPE_CURSOR)) return plan;
  if (cache === undefined) plans.set(session.asString, cache = new Map());
  cache.delete(sql);
  if (cache.size >= PLAN_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(sql, { columns, outFormat, plan, handler, answers });
  return plan;
}

/**
 * The columns sent specially cover those needed; LOB columns must match exactly, since a
 * locator where the plan wants the whole value cannot be decoded as one.
 */
const covers = (sent: number[], needed: number[]) =>
  needed.every((i) => sent.includes(i)) &&
  sent.every((i) => i < LOB_COLUMN || needed.includes(i));

/**
 * Executes `sql` once (call it inside the session's queue). When the plan needs columns as
 * exact text that were not asked for, and rows already came, the query is executed again with
 * the right indexes; the indexes are remembered so later executions take one round trip.
 */
export async function executeStatement(
  session: Session,
  sql: string,
  binds: EncodedBinds,
  opts: ExecuteOptions,
): Promise<Executed> {
  const arraySize = opts.fetchArraySize ?? session.fetchArraySize ?? DEFAULT_ARRAY_SIZE;
  const known = session.asString.get(sql);
  const nativeOpts = {
    autoCommit: opts.autoCommit ?? session.autoCommit,
    prefetchRows: opts.prefetchRows ?? session.prefetchRows ?? DEFAULT_PREFETCH,
    arraySize,
    fetchAsString: known ?? [],
    // A statement not seen before: its LOB columns wait for the plan (a 200 MiB BLOB wanted
    // as a Lob was otherwise sent whole first, then thrown away).
    deferLobs: known === undefined,
  };
  let res = await session.native.execute(sql, binds.native, nativeOpts);
  if (res.columns === null) return { res, plan: undefined, arraySize };
  let plan: RowPlan;
  try {
    plan = planFor(session, sql, res.columns, opts);
    if (plansLobs(plan)) {
      attachLobMaker(plan, (raw) => lobFromLocator(session, raw));
    }
  } catch (e) {
    // A fetchTypeHandler threw: nobody will fetch from this cursor.
    await releaseCursor(session, res);
    throw e;
  }
  const deferred = nativeOpts.deferLobs &&
    res.columns.some((c) => c.dbType === DB_TYPE_CLOB || c.dbType === DB_TYPE_BLOB);
  if (deferred || !covers(nativeOpts.fetchAsString, plan.nativeAsString)) {
    remember(session, sql, plan.nativeAsString);
    const rows = res.rows;
    if (rows !== null && (rows.rowCount > 0 || !rows.done)) {
      if (res.cursorId !== 0 && !rows.done) await session.native.closeCursor(res.cursorId);
      res = await session.native.execute(sql, binds.native, {
        ...nativeOpts,
        fetchAsString: plan.nativeAsString,
        deferLobs: false,
      });
    }
  } else if (nativeOpts.deferLobs && !session.native.thin) {
    // Thick mode: remembered, its next executes are not deferred (a deferred thick query is
    // dropped from OCI's statement cache when closed unfetched).
    remember(session, sql, plan.nativeAsString);
  }
  return { res, plan, arraySize };
}

/**
 * The rows of a query whose first batch holds them all, decoded at once; `undefined` when more
 * must be fetched (then `fetchRows`). Synchronous: a one-row query's result then takes no extra
 * turns of the microtask queue on its way back.
 */
export function rowsAtOnce<T>(
  res: NativeExecResult,
  plan: RowPlan,
  maxRows: number,
): T[] | undefined {
  if (res.rows === null || !res.rows.done) return undefined;
  const rows: T[] = [];
  decodeRows(plan, res.rows, rows);
  if (maxRows > 0 && rows.length > maxRows) rows.length = maxRows;
  return rows;
}

/**
 * Decodes the first batch and fetches the rest of a query's rows (call it inside the queue),
 * up to `maxRows` (0: all). A cursor left with rows is closed, since nobody can fetch them.
 */
export async function fetchRows<T>(
  session: Session,
  res: NativeExecResult,
  plan: RowPlan,
  arraySize: number,
  maxRows: number,
): Promise<T[]> {
  const rows: T[] = [];
  let done = res.rows === null || res.rows.done;
  try {
    if (res.rows !== null) decodeRows(plan, res.rows, rows);
    const limit = maxRows > 0 ? maxRows : Number.POSITIVE_INFINITY;
    while (!done && rows.length < limit && res.cursorId !== 0) {
      const batch = await session.native.fetch(
        res.cursorId,
        Math.min(arraySize, limit - rows.length),
      );
      decodeRows(plan, batch, rows);
      done = batch.done;
    }
    if (rows.length > limit) rows.length = limit;
  } catch (e) {
    // A failed fetch or a throwing converter: nobody will fetch the rest.
    if (!done) await releaseCursor(session, res);
    throw e;
  }
  // Rows left beyond maxRows.
  if (!done && res.cursorId !== 0) await session.native.closeCursor(res.cursorId);
  return rows;
}

/** Closes the server cursor of an execute whose rows nobody will fetch (errors ignored: the
 * connection may be gone, and the caller reports the first error). */
async function releaseCursor(session: Session, res: NativeExecResult): Promise<void> {
  if (res.cursorId === 0 || res.rows?.done === true) return;
  await session.native.closeCursor(res.cursorId).catch(() => {});
}
