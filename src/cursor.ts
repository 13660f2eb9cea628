/**
 * Fetching the rows of a query in batches.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { callSite, ErrorCode, odbError, withCallSite } from "./errors.ts";
import { assertOpen, type Executed, fetchRows, type Session } from "./_execute.ts";
import type { NativeExecResult } from "./_native_types.ts";
import { attachCursorMaker, attachLobMaker, decodeRows, planRows, type RowPlan } from "./_rows.ts";
import { type RefCursorValue, ValueReader } from "./_values.ts";
import { lobFromLocator } from "./lob.ts";
import { traced } from "./tracing.ts";
import { DB_TYPE_OBJECT, type ExecuteOptions, type Metadata } from "./types.ts";
import { materializeAll } from "./_dbobject_codec.ts";

/** Rows handed out by `for await` between two turns of the event loop. */
const YIELD_EVERY = 256;
const DEFAULT_ARRAY_SIZE = 100;

/** A server cursor a `Cursor` still has rows on. */
interface OpenCursor {
  session: Session;
  id: number;
}

/**
 * Closes the server cursor of a `Cursor` collected with rows left (a REF CURSOR never read, a
 * loop abandoned without `break`): the close goes with the connection's next call.
 */
const abandoned = new FinalizationRegistry<OpenCursor>(({ session, id }) => {
  if (session.closed) return;
  session.queue.run(() => session.native.closeCursor(id)).catch(() => {
    // The connection failed meanwhile; its cursors went with it.
  });
});

/** The plan of a REF CURSOR's rows: LOB columns as `Lob`s, since the server chose locators. */
function refPlan(session: Session, raw: RefCursorValue, opts: ExecuteOptions): RowPlan {
  const plan = planRows(raw.columns, { outFormat: opts.outFormat, fetchLobs: true });
  attachLobMaker(plan, (lob) => lobFromLocator(session, lob));
  nestCursors(session, plan, opts.fetchArraySize);
  return plan;
}

/**
 * @internal Makes the plan's CURSOR(…) columns come as `Cursor`s, over nested cursors the
 * server opened with each row; their rows take the parent's outFormat and fetch array size.
 */
export function nestCursors(session: Session, plan: RowPlan, arraySize?: number): void {
  const opts: ExecuteOptions = { outFormat: plan.outFormat, fetchArraySize: arraySize };
  attachCursorMaker(plan, (raw) => refCursor(session, raw, opts));
}

/** An execute result for a REF CURSOR: no rows yet, all still to fetch. */
const fromRef = (raw: RefCursorValue): NativeExecResult => ({
  cursorId: raw.cursorId,
  columns: raw.columns,
  rows: { data: new Uint8Array(0), rowCount: 0, done: false },
  rowsAffected: 0,
  outBinds: null,
  lastRowid: null,
});

/**
 * @internal The rows of a call's implicit results (tagged REF CURSOR values), each fetched
 * whole. Call it inside the session's queue.
 */
export async function implicitRows<T>(
  session: Session,
  data: Uint8Array,
  opts: ExecuteOptions,
): Promise<T[][]> {
  const r = new ValueReader(data);
  const refs: RefCursorValue[] = [];
  while (!r.done) refs.push(r.read() as RefCursorValue);
  const out: T[][] = [];
  const arraySize = opts.fetchArraySize ?? session.fetchArraySize ?? DEFAULT_ARRAY_SIZE;
  for (let i = 0; i < refs.length; i++) {
    try {
      out.push(
        await fetchRows<T>(
          session,
          fromRef(refs[i]),
          refPlan(session, refs[i], opts),
          arraySize,
          0,
        ),
      );
    } catch (e) {
      // Nobody will read the rest: release their server cursors too.
      for (const rest of refs.slice(i + 1)) {
        await session.native.closeCursor(rest.cursorId).catch(() => {});
      }
      throw e;
    }
  }
  return out;
}

/**
 * @internal A `Cursor` over a REF CURSOR OUT bind: the server holds its rows and its id. Its
 * LOB columns come as `Lob` objects, since the server already chose locators for them.
 */
export function refCursor<T>(
  session: Session,
  raw: RefCursorValue,
  opts: ExecuteOptions,
): Cursor<T> {
  const executed: Executed = {
    res: fromRef(raw),
    plan: refPlan(session, raw, opts),
    arraySize: opts.fetchArraySize ?? session.fetchArraySize ?? DEFAULT_ARRAY_SIZE,
  };
  return new Cursor<T>(session, Promise.resolve(executed));
}

/**
 * The open result set of a query, from `Connection.cursor()`. Iterate it with `for await`, or
 * take rows with `fetchMany()` / `fetchAll()`. Leaving a `for await` loop early (break, return,
 * throw) closes the server cursor; so does `await using`.
 *
 * @example
 * ```ts
 * import { connect } from "../mod.ts";
 *
 * await using conn = await connect({ user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" });
 * await using cursor = conn.cursor("SELECT id, name FROM emp ORDER BY id");
 * for await (const row of cursor) {
 *   console.log(row.ID, row.NAME);
 * }
 * ```
 */
export class Cursor<T = Record<string, unknown>> implements AsyncIterable<T>, AsyncDisposable {
  readonly #session: Session;
  #plan: RowPlan | undefined;
  #arraySize = 0;
  #cursorId = 0;
  /** Registered with `abandoned` while the server cursor is open. */
  #open: OpenCursor | undefined;
  #buffered: T[] = [];
  // Rows before #head were handed out; an index instead of shift() keeps iteration O(1).
  #head = 0;
  #done = false;
  #closed = false;
  /** The running execute; settled once the first batch is in. */
  readonly #ready: Promise<void>;
  /** The `signal` of `cursor()`: it covers the whole life of the cursor, not only the execute. */
  readonly #signal: AbortSignal | undefined;

  /** @internal Made by `Connection.cursor()`, with the execute already started. */
  constructor(session: Session, executing: Promise<Executed>, signal?: AbortSignal) {
    this.#session = session;
    this.#signal = signal;
    this.#ready = executing.then(async (executed) => {
      this.#start(executed);
      await this.#objects();
    });
    // Errors are reported by the first fetch; until then keep them from going unhandled.
    this.#ready.catch(() => {});
  }

  #start(executed: Executed): void {
    const { res, plan, arraySize } = executed;
    if (plan === undefined) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "Statement of cursor() is not a query");
    }
    nestCursors(this.#session, plan, arraySize);
    this.#plan = plan;
    this.#arraySize = arraySize;
    this.#cursorId = res.cursorId;
    this.#done = res.rows === null ? res.cursorId === 0 : res.rows.done;
    if (res.rows !== null) decodeRows(plan, res.rows, this.#buffered);
    if (this.#done) this.#cursorId = 0;
    if (this.#cursorId !== 0 && !this.#closed) {
      this.#open = { session: this.#session, id: this.#cursorId };
      abandoned.register(this, this.#open, this.#open);
    }
    // Closed before the execute finished: release the server cursor now.
    if (this.#closed && this.#cursorId !== 0) {
      const id = this.#cursorId;
      this.#cursorId = 0;
      this.#session.queue.run(() => this.#session.native.closeCursor(id), callSite()).catch(
        () => {},
      );
    }
  }

  /** Column descriptions of the query; empty until the first rows have arrived. */
  get metaData(): Metadata[] {
    return this.#plan?.metaData ?? [];
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #available(): number {
    return this.#buffered.length - this.#head;
  }

  #take(n: number): T[] {
    const out = this.#buffered.slice(this.#head, this.#head + n);
    this.#head += out.length;
    if (this.#head >= this.#buffered.length) {
      this.#buffered = [];
      this.#head = 0;
    }
    return out;
  }

  #assertUsable(): void {
    assertOpen(this.#session);
    if (this.#closed) throw odbError(ErrorCode.CURSOR_CLOSED, "Cursor is closed");
    this.#assertNotAborted();
  }

  #assertNotAborted(): void {
    if (this.#signal?.aborted) {
      throw odbError(
        ErrorCode.CALL_ABORTED,
        `Cursor was aborted by its "signal"`,
        this.#signal.reason,
      );
    }
  }

  /** Rethrows `e` after closing the cursor when its signal aborted (no rows will be read). */
  async #failed(e: unknown, site: Error): Promise<never> {
    if (this.#signal?.aborted) await this.close().catch(() => {});
    throw withCallSite(e as Error, site);
  }

  /** Makes the buffered rows' fetched object values `DbObject`s (see dbobject.ts). */
  async #objects(): Promise<void> {
    const types = this.#session.objectTypes;
    if (types === undefined || !this.#plan?.columns.some((c) => c.dbType === DB_TYPE_OBJECT)) {
      return;
    }
    await materializeAll(this.#buffered.slice(this.#head) as Record<string, unknown>[], types);
  }

  async #fill(want: number, site: Error): Promise<void> {
    await this.#ready;
    const plan = this.#plan as RowPlan;
    while (this.#available() < want && !this.#done) {
      this.#assertNotAborted();
      const id = this.#cursorId;
      const size = Math.max(this.#arraySize, Math.min(want - this.#available(), 1_000_000));
      const batch = await traced(
        "fetch",
        this.#session.trace,
        undefined,
        () =>
          this.#session.queue.run(
            () => this.#session.native.fetch(id, size),
            site,
            this.#signal,
          ),
      );
      decodeRows(plan, batch, this.#buffered);
      await this.#objects();
      if (batch.done) {
        // The native layer releases an exhausted cursor itself.
        this.#done = true;
        this.#cursorId = 0;
        this.#forget();
      }
    }
  }

  /**
   * Returns up to `n` more rows; an empty array once all rows were fetched.
   *
   * @example
   * ```ts
   * import type { Cursor } from "./cursor.ts";
   *
   * async function firstTen(cursor: Cursor): Promise<Record<string, unknown>[]> {
   *   return await cursor.fetchMany(10);
   * }
   * ```
   */
  async fetchMany(n: number): Promise<T[]> {
    const site = callSite();
    try {
      this.#assertUsable();
      if (!Number.isInteger(n) || n < 1) {
        throw odbError(
          ErrorCode.INVALID_ARGUMENT,
          `Argument "n" of fetchMany() must be an integer of 1 or more`,
        );
      }
      await this.#fill(n, site);
    } catch (e) {
      return await this.#failed(e, site);
    }
    return this.#take(n);
  }

  /**
   * Returns all remaining rows.
   *
   * @example
   * ```ts
   * import type { Cursor } from "./cursor.ts";
   *
   * async function rest(cursor: Cursor): Promise<number> {
   *   return (await cursor.fetchAll()).length;
   * }
   * ```
   */
  async fetchAll(): Promise<T[]> {
    const site = callSite();
    try {
      this.#assertUsable();
      await this.#fill(Number.POSITIVE_INFINITY, site);
    } catch (e) {
      return await this.#failed(e, site);
    }
    return this.#take(this.#available());
  }

  /**
   * Closes the server cursor (if rows remain) and drops buffered rows. Closing twice is fine.
   *
   * @example
   * ```ts
   * import type { Cursor } from "./cursor.ts";
   *
   * async function done(cursor: Cursor): Promise<void> {
   *   await cursor.close();
   * }
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    const site = callSite();
    this.#closed = true;
    // Wait for a running execute so its server cursor can be released.
    await this.#ready.catch(() => {});
    this.#buffered = [];
    this.#head = 0;
    const id = this.#cursorId;
    this.#cursorId = 0;
    this.#forget();
    if (id === 0 || this.#session.closed) return;
    await this.#session.queue.run(() => this.#session.native.closeCursor(id), site);
  }

  /** The server cursor is closed or exhausted: nothing is left for the finalizer. */
  #forget(): void {
    if (this.#open !== undefined) abandoned.unregister(this.#open);
    this.#open = undefined;
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Yields rows one at a time, fetching a batch when the buffer is empty. Written by hand, not
   * as an async generator: a generator costs several promises per row, which under promise
   * hooks (a test runner, APM tools) turned into event-loop stalls.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    let sinceYield = 0;
    const finish = async (): Promise<IteratorResult<T>> => {
      // No server cursor is left open after the loop ends, breaks or throws.
      await this.close();
      return { done: true, value: undefined };
    };
    const refill = async (): Promise<IteratorResult<T>> => {
      try {
        if (sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          // A for-await loop over buffered rows runs as one chain of microtasks; give timers
          // and I/O a turn every few hundred rows.
          await new Promise((resolve) => setImmediate(resolve));
        }
        this.#assertNotAborted();
        if (this.#available() === 0) {
          this.#assertUsable();
          this.#buffered = [];
          this.#head = 0;
          await this.#fill(1, callSite());
          if (this.#available() === 0) return await finish();
        }
        sinceYield++;
        return { done: false, value: this.#buffered[this.#head++] };
      } catch (e) {
        // for-await does not call return() when next() itself fails.
        await this.close().catch(() => {});
        throw e;
      }
    };
    const it: AsyncIterableIterator<T> = {
      next: () => {
        // An aborted signal ends the loop at the next row, buffered or not.
        if (sinceYield < YIELD_EVERY && this.#available() > 0 && !this.#signal?.aborted) {
          sinceYield++;
          return Promise.resolve({ done: false, value: this.#buffered[this.#head++] });
        }
        return refill();
      },
      return: finish,
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}
