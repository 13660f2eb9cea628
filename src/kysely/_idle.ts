/**
 * Pooled sessions the driver keeps from Kysely's release to its next acquire in the same turn
 * of the event loop.
 *
 * Kysely acquires and releases a connection around every query. Going back to the pool each time
 * costs a pool round (acquire, a new `Connection`, release) and, worse, drops what the
 * `Connection` learned about its statements: which columns the exact-number handler wants as
 * text, so every query with a NUMBER column ran twice. A session released and wanted again
 * before the event loop moves on is handed straight back instead; anything else goes to the pool
 * at the next timer tick, and at once when someone is waiting for a session.
 *
 * @module
 */

import { type Pool, waitingAcquires } from "../pool.ts";
import type { OracleConnection } from "./database_connection.ts";

/** Sessions released by Kysely and not yet returned to the pool. */
export class IdleSessions {
  readonly #pool: Pool;
  readonly #idle: OracleConnection[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** The session released last, if one is still kept. */
  take(): OracleConnection | undefined {
    for (;;) {
      const c = this.#idle.pop();
      if (c === undefined || !c.connection.closed) return c;
    }
  }

  /**
   * Keeps a session for the next acquire, or returns it to the pool now when it failed, is in
   * a transaction, or another acquire waits for a session (so none starves while a busy
   * Kysely keeps re-using one).
   */
  async keep(c: OracleConnection): Promise<void> {
    if (c.failed || c.inTransaction || waitingAcquires(this.#pool) > 0) {
      return await c.connection.close();
    }
    this.#idle.push(c);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      // Nobody awaits this: an error is the pool's to handle when it gets the session back.
      this.flush().catch(() => {});
    }, 0);
  }

  /** Returns every kept session to the pool. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const kept = this.#idle.splice(0);
    await Promise.all(kept.map((c) => c.connection.close()));
  }
}
