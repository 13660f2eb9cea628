/**
 * Closing a connection with `force`: queued calls fail, the running one is broken, and a
 * server that answers nothing within a grace time loses the session.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import type { Session } from "./_execute.ts";
import type { OptionSchema } from "./_options.ts";

/**
 * Options of `Connection.close()`.
 *
 * @example
 * ```ts
 * import type { ConnectionCloseOptions } from "./_close.ts";
 *
 * const options: ConnectionCloseOptions = { force: true };
 * ```
 */
export interface ConnectionCloseOptions {
  /** A pooled connection: discard the session instead of returning it to the pool. */
  drop?: boolean;
  /** Do not wait for calls: fail the queued ones, break the running one (see `close()`). */
  force?: boolean;
}

export const CLOSE_OPTIONS: OptionSchema = { drop: "boolean", force: "boolean" };

/** How long a forced close waits for the server to answer a break before dropping the socket. */
const FORCE_GRACE_MS = 2000;

/**
 * Forced close: fails the queued calls, breaks the running one, and ends the session; `release`
 * (a pooled connection) gives the session back to its pool instead of closing it.
 */
export async function forceClose(
  session: Session,
  release: (() => Promise<void>) | undefined,
): Promise<void> {
  const { native, queue } = session;
  const closed = () => odbError(ErrorCode.CONNECTION_CLOSED, "Connection is closed");
  if (release === undefined) {
    // Queued calls fail; the native side breaks the running one, closes, and drops the
    // socket if that takes longer than the grace time.
    void queue.abandonThen(closed, () => Promise.resolve());
    await native.forceClose(FORCE_GRACE_MS);
    return;
  }
  // Only a running call gets a break: sent to an idle session, it reached the session's next
  // user once the release below had handed it on (an ORA-01013 in someone else's call).
  const running = queue.busy;
  const released = queue.abandonThen(closed, release);
  if (running) await native.breakExecution();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), FORCE_GRACE_MS));
  try {
    if (await Promise.race([released.then(() => "ok" as const), late]) === "late") {
      // The server answers neither the call nor the break: drop the session, which ends
      // the stuck call; the release then discards it from the pool.
      await native.forceClose(0);
    }
  } finally {
    clearTimeout(timer);
  }
  await released;
}
