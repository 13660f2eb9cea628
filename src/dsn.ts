/**
 * Building connect descriptors.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";

/**
 * Which database to reach at the address: by service name (usual) or by SID (legacy).
 *
 * @example
 * ```ts
 * import { type DsnTarget, makeDsn } from "./dsn.ts";
 *
 * const target: DsnTarget = { sid: "ORCL" };
 * const dsn = makeDsn("localhost", 1521, target);
 * ```
 */
export type DsnTarget = { serviceName: string; sid?: never } | { sid: string; serviceName?: never };

// Characters that would end or restructure a descriptor value.
const UNSAFE = /[()=\s]/;

function checkName(arg: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) {
    throw odbError(ErrorCode.INVALID_DSN_ARGUMENT, `Argument "${arg}" must be a non-empty string`);
  }
  if (UNSAFE.test(value)) {
    throw odbError(
      ErrorCode.INVALID_DSN_ARGUMENT,
      `Argument "${arg}" must not contain parentheses, "=" or white space`,
    );
  }
  return value;
}

function checkPort(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw odbError(
      ErrorCode.INVALID_DSN_ARGUMENT,
      `Argument "port" must be an integer from 1 to 65535`,
    );
  }
  return value;
}

function targetClause(target: unknown): string {
  const t = (typeof target === "object" && target !== null ? target : {}) as Record<
    string,
    unknown
  >;
  const hasService = t.serviceName !== undefined;
  const hasSid = t.sid !== undefined;
  if (hasService === hasSid) {
    throw odbError(
      ErrorCode.INVALID_DSN_ARGUMENT,
      `Argument "target" must have exactly one of "serviceName" and "sid"`,
    );
  }
  return hasService
    ? `(SERVICE_NAME=${checkName("serviceName", t.serviceName)})`
    : `(SID=${checkName("sid", t.sid)})`;
}

/**
 * Builds a TCP connect descriptor for `connectString`.
 *
 * @param host Host name or IP address of the listener.
 * @param port Port of the listener (1521 usually).
 * @param target `{ serviceName }` or `{ sid }`.
 * @throws {OracleError} `ODB-1001` naming the invalid argument.
 *
 * @example
 * ```ts
 * import { makeDsn } from "./dsn.ts";
 *
 * const dsn = makeDsn("db.example.com", 1521, { serviceName: "FREEPDB1" });
 * // (DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db.example.com)(PORT=1521))
 * //   (CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))
 * ```
 */
export function makeDsn(host: string, port: number, target: DsnTarget): string {
  const h = checkName("host", host);
  const p = checkPort(port);
  const data = targetClause(target);
  return `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${h})(PORT=${p}))(CONNECT_DATA=${data}))`;
}
