/**
 * Runs the calls of one connection one at a time, in order, and handles their `signal`: a call
 * aborted while queued never starts; one aborted while running gets a break.
 *
 * Queuing here (not only in the native layer) is what lets an abort break the right call: only
 * this side knows whether the aborted call is the one running.
 *
 * @module
 */

import { ErrorCode, odbError, toOracleError, withCallSite } from "./errors.ts";

/** Serial call queue of one connection. */
export class CallQueue {
  #tail: Promise<void> = Promise.resolve();
  /** Calls queued or running. */
  #pending = 0;
  readonly #sendBreak: () => Promise<void>;

  /** `sendBreak` interrupts the running call (native breakExecution). */
  constructor(sendBreak: () => Promise<void>) {
    this.#sendBreak = sendBreak;
  }

  /** True while a call runs or waits here. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** Resolves once every call queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }

  /**
   * Queues `fn`. Rejections become `OracleError`s pointing at `site` (when given; callers that
   * convert with `atCaller` pass none). If `signal` aborts before
   * `fn` starts, it is skipped; if it aborts while `fn` runs, a break is sent and a failure of
   * `fn` becomes `ODB-5004` with the server's error (ORA-01013) as `cause`. A call that
   * completes despite the abort resolves normally: its work was done.
   */
  run<T>(fn: () => Promise<T>, site?: Error, signal?: AbortSignal): Promise<T> {
    return this.#enqueue(fn, site, signal, false);
  }

  /**
   * Makes every call queued and not yet started fail with `err()` instead of running (a forced
   * close), then queues `fn`, which still runs once the call in flight ends.
   */
  abandonThen<T>(err: () => Error, fn: () => Promise<T>): Promise<T> {
    this.#abandoned = err;
    return this.#enqueue(fn, undefined, undefined, true);
  }

  #abandoned: (() => Error) | undefined;

  #enqueue<T>(
    fn: () => Promise<T>,
    site: Error | undefined,
    signal: AbortSignal | undefined,
    last: boolean,
  ): Promise<T> {
    if (signal === undefined && this.#pending === 0) return this.#runNow(fn, site);
    if (signal?.aborted) return Promise.reject(aborted(site, signal.reason));
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const result = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let state: "queued" | "running" | "skipped" = "queued";
    let breakSent = false;
    const onAbort = () => {
      if (state === "queued") {
        state = "skipped";
        reject(aborted(site, signal?.reason));
      } else if (state === "running" && !breakSent) {
        breakSent = true;
        // A failed break leaves the call running to completion; nothing more to do.
        this.#sendBreak().catch(() => {});
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#pending++;
    const start = async (): Promise<void> => {
      try {
        if (state === "skipped") return;
        if (this.#abandoned !== undefined && !last) {
          state = "skipped";
          reject(withCallSite(this.#abandoned(), site));
          return;
        }
        state = "running";
        resolve(await fn());
      } catch (e) {
        const err = toOracleError(e, site);
        reject(breakSent ? aborted(site, err) : err);
      } finally {
        this.#pending--;
        signal?.removeEventListener("abort", onAbort);
      }
    };
    this.#tail = this.#tail.then(start);
    return result;
  }

  /** An idle queue with no signal to watch: the call starts at once, without a turn of the
   * microtask queue; later calls still wait for it. */
  #runNow<T>(fn: () => Promise<T>, site: Error | undefined): Promise<T> {
    this.#pending++;
    const result = (async () => {
      try {
        return await fn();
      } catch (e) {
        throw toOracleError(e, site);
      } finally {
        this.#pending--;
      }
    })();
    this.#tail = result.then(() => {}, () => {});
    return result;
  }
}

function aborted(site: Error | undefined, cause: unknown): Error {
  return withCallSite(
    odbError(ErrorCode.CALL_ABORTED, `Call was aborted by its "signal"`, cause),
    site,
  );
}
