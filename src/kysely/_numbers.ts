/**
 * Exact NUMBERs: a JS number only where it is exactly the decimal the database holds.
 *
 * @module
 */

import {
  DB_TYPE_NUMBER,
  type FetchTypeHandler,
  type FetchTypeResult,
  type Metadata,
  STRING,
} from "../types.ts";

/**
 * The canonical decimal of a NUMBER's text: a leading zero before the point (Oracle writes
 * `.5`), no trailing zeros after it (a NUMBER holds none: `14.50` is `14.5`).
 */
export function normalizeNumberText(s: string): string {
  if (s.includes(".") && !/e/i.test(s)) s = s.replace(/\.?0+$/, "");
  if (s.startsWith(".")) return `0${s}`;
  if (s.startsWith("-.")) return `-0${s.slice(1)}`;
  return s;
}

/** A number when `Number(text)` prints back as the same decimal, else the text. */
export function exactNumber(text: string): number | string {
  const s = normalizeNumberText(text);
  const n = Number(s);
  return String(n) === s ? n : s;
}

const AS_TEXT: FetchTypeResult = {
  type: STRING,
  converter: (v) => typeof v === "string" ? normalizeNumberText(v) : v,
};
const AS_EXACT: FetchTypeResult = {
  type: STRING,
  converter: (v) => typeof v === "string" ? exactNumber(v) : v,
};

/**
 * NUMBER columns with a scale always come back as strings (one type per column); NUMBER(p) with
 * p ≤ 15 as numbers; other NUMBERs (no precision, or p > 15) as numbers when exact, else strings.
 */
export const exactNumbers: FetchTypeHandler = (m: Metadata) => {
  if (m.dbType !== DB_TYPE_NUMBER) return undefined;
  if (m.scale > 0) return AS_TEXT;
  if (m.precision > 0 && m.precision <= 15 && m.scale === 0) return undefined;
  return AS_EXACT;
};
