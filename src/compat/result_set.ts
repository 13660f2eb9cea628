/**
 * node-oracledb's `ResultSet` over an oradb `Cursor`: `getRow()`, `getRows(n)`, `close()`.
 *
 * @module
 */

import type { Cursor } from "../cursor.ts";
import { type MetaData, toMetaData, toRows } from "./_results.ts";
import { settle, splitCallback } from "./_callback.ts";
import { NJS, njsError } from "./errors.ts";

/**
 * Rows of a query fetched on demand (`execute(…, { resultSet: true })`).
 *
 * @example
 * ```ts
 * import type { ResultSet } from "./result_set.ts";
 *
 * async function firstTen(rs: ResultSet): Promise<unknown[]> {
 *   const rows = await rs.getRows(10);
 *   await rs.close();
 *   return rows;
 * }
 * ```
 */
export class ResultSet {
  readonly #cursor: Cursor<unknown>;
  readonly #arraySize: number;
  #closed = false;
  /** Rows fetched before the caller asked (execute() fetches one to surface errors early). */
  #ahead: unknown[];

  /** @internal Made by `execute()` once the query ran. */
  constructor(cursor: Cursor<unknown>, arraySize: number, ahead: unknown[]) {
    this.#cursor = cursor;
    this.#arraySize = arraySize;
    this.#ahead = ahead;
  }

  /** Column descriptions. */
  get metaData(): MetaData[] | undefined {
    return toMetaData(this.#cursor.metaData);
  }

  async #fetch(n: number): Promise<unknown[]> {
    if (this.#closed) throw njsError(NJS.INVALID_RS);
    const head = this.#ahead.splice(0, n === 0 ? this.#ahead.length : n);
    const want = n === 0 ? 0 : n - head.length;
    if (n !== 0 && want === 0) return toRows(head, this.#cursor.metaData);
    const rest = want === 0 ? await this.#cursor.fetchAll() : await this.#cursor.fetchMany(want);
    return toRows(head.concat(rest), this.#cursor.metaData);
  }

  /** The next row, or undefined at the end (callback or promise). */
  getRow(...args: unknown[]): Promise<unknown> {
    const [, cb] = splitCallback<unknown>(args);
    return settle(async () => (await this.#fetch(1))[0], cb);
  }

  /** The next `n` rows (all that remain when `n` is 0 or left out). */
  getRows(...args: unknown[]): Promise<unknown[]> {
    const [rest, cb] = splitCallback<unknown[]>(args);
    const n = rest[0] ?? 0;
    return settle(() => {
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
        throw njsError(NJS.INVALID_PARAMETER_VALUE, 1);
      }
      return this.#fetch(n);
    }, cb);
  }

  /** Closes the cursor (callback or promise). */
  close(...args: unknown[]): Promise<void> {
    const [, cb] = splitCallback<void>(args);
    return settle(async () => {
      if (this.#closed) throw njsError(NJS.INVALID_RS);
      this.#closed = true;
      await this.#cursor.close();
    }, cb);
  }

  /** Rows as an async iterator; leaving the loop closes the result set. */
  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    try {
      for (;;) {
        const rows = await this.#fetch(this.#arraySize);
        if (rows.length === 0) return;
        yield* rows;
      }
    } finally {
      if (!this.#closed) await this.close();
    }
  }
}
