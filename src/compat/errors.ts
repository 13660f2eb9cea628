/**
 * node-oracledb's error shape for what the facade refuses: an `Error` whose `code` is `NJS-nnn`
 * and whose message starts with it, with node-oracledb's text.
 *
 * @module
 */

const TEXT: Readonly<Record<number, string>> = {
  2: "invalid pool",
  3: "invalid or closed connection",
  4: 'invalid value for property "%s"',
  5: "invalid value for parameter %s",
  9: "invalid number of function parameters: %s provided but expected between %s and %s",
  12: "encountered invalid bind data type in parameter %s",
  13: "invalid bind direction",
  18: "invalid ResultSet",
  21: "invalid type for conversion specified",
  22: "invalid Lob",
  46: 'pool alias "%s" already exists in the connection pool cache',
  47: 'pool alias "%s" not found in connection pool cache',
  65: "connection pool was closed",
  89: "%s is not supported by node-oracledb in %s mode",
};

/** NJS codes the facade throws, by name. */
export const NJS = {
  INVALID_POOL: 2,
  INVALID_CONNECTION: 3,
  INVALID_PROPERTY_VALUE: 4,
  INVALID_PARAMETER_VALUE: 5,
  INVALID_NUMBER_OF_PARAMETERS: 9,
  INVALID_BIND_DATA_TYPE: 12,
  INVALID_BIND_DIRECTION: 13,
  INVALID_RS: 18,
  INVALID_TYPE_FOR_CONVERSION: 21,
  INVALID_LOB: 22,
  POOL_ALIAS_EXISTS: 46,
  POOL_ALIAS_NOT_FOUND: 47,
  POOL_CLOSED: 65,
  NOT_IMPLEMENTED: 89,
} as const;

/**
 * An error as node-oracledb makes it: `code` `NJS-nnn`, message `NJS-nnn: text`.
 *
 * @example
 * ```ts
 * import { NJS, njsError } from "./errors.ts";
 *
 * const e = njsError(NJS.POOL_ALIAS_NOT_FOUND, "reports");
 * console.log(e.code, e.message); // NJS-047 NJS-047: pool alias "reports" not found in connection pool cache
 * ```
 */
export function njsError(num: number, ...args: (string | number)[]): Error & { code: string } {
  const code = `NJS-${String(num).padStart(3, "0")}`;
  let i = 0;
  const text = (TEXT[num] ?? "unknown error").replace(/%s/g, () => String(args[i++]));
  const e = new Error(`${code}: ${text}`) as Error & { code: string };
  e.code = code;
  return e;
}

/** NJS-089 for a node-oracledb feature oradb does not offer. */
export function notSupported(feature: string): Error & { code: string } {
  return njsError(NJS.NOT_IMPLEMENTED, feature, "oradb");
}
