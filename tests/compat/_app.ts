/**
 * What every toolkit app must produce, the same on oradb/compat and on node-oracledb Thin:
 * the rows after each step of the app.
 *
 * @module
 */

/** A server to connect to. */
export interface Target {
  user: string;
  password: string;
  connectString: string;
}

/** The text of the CLOB the apps store: beyond 4000 bytes, so it cannot pass as a VARCHAR2. */
export const LONG_TEXT: string = "oradb ".repeat(1500) + "end";

/** What each step of an app gave: its value, or `{ error: "CODE: message" }` when it threw. */
export type Steps = Record<string, unknown>;

/** The step names, in order, and what each must give on every driver. */
export const EXPECTED: Readonly<Record<string, unknown>> = {
  schema: true,
  insert: [1, 2, 3, 4],
  page: ["c", "d"],
  update: 1,
  delete: 1,
  rollback: 3,
  numbers: { big: "12345678901234567890123456789012345678", price: "12345678.91" },
  clob: { length: 9003, same: true },
};

/**
 * Runs `fn` as step `name` of `out`: a step that throws records its error (first line) and
 * the app goes on, so one missing feature does not hide the others; the tests then fail that
 * step.
 */
export async function step(out: Steps, name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    out[name] = await fn();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    out[name] = { error: String(err?.message ?? e).split("\n")[0] };
  }
}

/** The NUMBER(38) the apps store: beyond 2**53, where a float would lose digits. */
export const BIG = "12345678901234567890123456789012345678";
/** The NUMBER(10,2) the apps store. */
export const PRICE = "12345678.91";
