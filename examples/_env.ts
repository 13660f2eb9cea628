/**
 * Shared by the examples: the connection settings from the environment (ORADB_USER,
 * ORADB_PASSWORD, ORADB_CONNECT_STRING), as `scripts/examples.sh` sets them.
 *
 * @module
 */

import process from "node:process";

/** The value of environment variable `name`; throws naming it when it is unset. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (ORADB_USER, ORADB_PASSWORD, ORADB_CONNECT_STRING)`);
  return value;
}

/** `user`, `password` and `connectString` for `connect()` or `createPool()`. */
export function credentials(): { user: string; password: string; connectString: string } {
  return {
    user: env("ORADB_USER"),
    password: env("ORADB_PASSWORD"),
    connectString: env("ORADB_CONNECT_STRING"),
  };
}
