/**
 * node-oracledb's methods take a trailing callback or return a promise; Knex and TypeORM use
 * the callbacks.
 *
 * @module
 */

import { OracleError } from "../errors.ts";

/** A node-style callback (`err` first). */
export type Callback<T> = (err: Error | null, value?: T) => void;

/** Splits a trailing function off `args`. */
export function splitCallback<T>(args: unknown[]): [unknown[], Callback<T> | undefined] {
  const last = args[args.length - 1];
  if (typeof last === "function") return [args.slice(0, -1), last as Callback<T>];
  return [args, undefined];
}

/**
 * Runs `work`; with a callback, reports to it (on a later tick, outside the promise chain, so an
 * error the callback throws is not turned into a rejection) and returns undefined.
 */
export function settle<T>(work: () => Promise<T>, cb: Callback<T> | undefined): Promise<T> {
  const p = Promise.resolve().then(work).catch((e) => {
    // node-oracledb's errors are plain Errors: code that prints `String(err)` (TypeORM's
    // QueryFailedError) must read the same text on both drivers.
    if (e instanceof OracleError) e.name = "Error";
    throw e;
  });
  if (cb === undefined) return p;
  p.then((v) => queueMicrotask(() => cb(null, v)), (e) => queueMicrotask(() => cb(e as Error)));
  return undefined as unknown as Promise<T>;
}
