/**
 * The native layer's log events (connecting, logons, breaks, call timeouts, pool trouble) for
 * the application's own logger. `ORADB_LOG=debug` (error, warn, info, debug, trace) prints them
 * on stderr without any code. Records never hold passwords or bind values.
 *
 * @module
 */

import { clearInterval, setInterval } from "node:timers";
import { ErrorCode, odbError } from "./errors.ts";
import { loadNative } from "./_native.ts";

/**
 * How much to log: each level includes the ones before it.
 *
 * @example
 * ```ts
 * import type { LogLevel } from "./logging.ts";
 *
 * const level: LogLevel = "debug";
 * ```
 */
export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

/**
 * Receives one log record: its level, where in oradb it comes from (a Rust module path such as
 * `oradb_client::login`), and the message.
 *
 * @example
 * ```ts
 * import type { Logger } from "./logging.ts";
 *
 * const logger: Logger = (level, target, message) => console.log(level, target, message);
 * ```
 */
export type Logger = (level: LogLevel, target: string, message: string) => void;

const LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug", "trace"];
/** How often records are handed to the logger: a log is not worth a wake-up per record. */
const DRAIN_MS = 100;

let timer: ReturnType<typeof setInterval> | undefined;
let current: Logger | undefined;

function drain(): void {
  const logger = current;
  if (logger === undefined) return;
  for (const record of loadNative().drainLogs()) {
    const [n, target, ...rest] = record.split("\t");
    try {
      logger(LEVELS[Number(n) - 1] ?? "trace", target, rest.join("\t"));
    } catch {
      // A throwing logger must not break the driver; its next records still come.
    }
  }
}

/**
 * Sends the native layer's log records at `level` and above to `logger` (about every 100 ms,
 * and once more when it is replaced); `null` stops (back to `ORADB_LOG`, if set, on stderr).
 *
 * @throws {OracleError} `ODB-5005` for a logger that is not a function or an unknown level.
 *
 * @example
 * ```ts
 * import { setLogger } from "../mod.ts";
 *
 * setLogger((level, target, message) => console.log(`[oradb ${level}] ${target}: ${message}`), {
 *   level: "debug",
 * });
 * ```
 */
export function setLogger(logger: Logger | null, options: { level?: LogLevel } = {}): void {
  const level = options.level ?? "info";
  if ((logger !== null && typeof logger !== "function") || !LEVELS.includes(level)) {
    throw odbError(
      ErrorCode.INVALID_ARGUMENT,
      `setLogger() takes a function (or null) and a level of ${LEVELS.join(", ")}`,
    );
  }
  const native = loadNative();
  drain();
  current = logger ?? undefined;
  native.setLogLevel(logger === null ? "off" : level, logger !== null);
  if (logger === null) {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  } else if (timer === undefined) {
    timer = setInterval(drain, DRAIN_MS);
    // Logging alone must not keep a program alive.
    (timer as { unref?: () => void }).unref?.();
  }
}

/** @internal Hands the waiting records to the logger now (tests). */
export function flushLogs(): void {
  drain();
}
