/**
 * Oracle's INTERVAL DAY TO SECOND and INTERVAL YEAR TO MONTH as JavaScript values: small
 * immutable classes shaped like node-oracledb's `IntervalDS` and `IntervalYM`, so code moving
 * between the two drivers reads the same fields. Fetched intervals arrive as these; binding one
 * sends the matching interval type.
 *
 * @example
 * ```ts
 * import { IntervalDS, IntervalYM } from "./interval.ts";
 *
 * const lease = new IntervalYM({ years: 1, months: 6 });
 * const grace = new IntervalDS({ days: 2, hours: 12 });
 * console.log(lease.toString(), grace.toString()); // +01-06 +02 12:00:00.000000000
 * ```
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";

const INT32_MAX = 2 ** 31 - 1;

function field(kind: string, name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > INT32_MAX) {
    throw odbError(
      ErrorCode.INVALID_ARGUMENT,
      `${kind} field "${name}" must be an integer of at most 32 bits, not ${String(v)}`,
    );
  }
  // -0 would print as "0" but compare oddly; normalise it.
  return v === 0 ? 0 : v;
}

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, "0");

/** The fields of an {@linkcode IntervalDS}; each is an integer and defaults to 0. */
export interface IntervalDSFields {
  /** Whole days. */
  days?: number;
  /** Hours (Oracle's own values keep them within ±23). */
  hours?: number;
  /** Minutes. */
  minutes?: number;
  /** Whole seconds. */
  seconds?: number;
  /** The fraction of a second, in nanoseconds (as node-oracledb's `fseconds`). */
  fseconds?: number;
}

/**
 * An INTERVAL DAY TO SECOND. Values fetched from Oracle have every field with the interval's
 * sign (`-1 02:00:00` is `{ days: -1, hours: -2 }`); one you build may mix signs, and is
 * bound as the sum of its fields. Fractional seconds are nanoseconds, so nothing Oracle
 * stores (up to 9 digits) is lost.
 *
 * @example
 * ```ts
 * import { IntervalDS } from "./interval.ts";
 *
 * const d = new IntervalDS({ days: 1, hours: 2, fseconds: 500_000_000 });
 * console.log(d.days, d.hours, d.fseconds); // 1 2 500000000
 * console.log(String(d)); // +01 02:00:00.500000000
 * ```
 */
export class IntervalDS {
  /** Whole days. */
  readonly days: number;
  /** Hours. */
  readonly hours: number;
  /** Minutes. */
  readonly minutes: number;
  /** Whole seconds. */
  readonly seconds: number;
  /** Fraction of a second in nanoseconds. */
  readonly fseconds: number;

  /**
   * Builds an interval from its fields (each an integer, 0 when left out).
   *
   * @throws {OracleError} `ODB-5005` for a field that is not a 32-bit integer.
   */
  constructor(fields: IntervalDSFields = {}) {
    this.days = field("IntervalDS", "days", fields.days);
    this.hours = field("IntervalDS", "hours", fields.hours);
    this.minutes = field("IntervalDS", "minutes", fields.minutes);
    this.seconds = field("IntervalDS", "seconds", fields.seconds);
    this.fseconds = field("IntervalDS", "fseconds", fields.fseconds);
    Object.freeze(this);
  }

  /**
   * Oracle's display form, `+DD HH:MI:SS.FFFFFFFFF`, of the sum of the fields.
   *
   * @example
   * ```ts
   * import { IntervalDS } from "./interval.ts";
   * console.log(new IntervalDS({ minutes: -90 }).toString()); // -00 01:30:00.000000000
   * ```
   */
  toString(): string {
    const total = ((BigInt(this.days) * 24n + BigInt(this.hours)) * 60n + BigInt(this.minutes)) *
        60_000_000_000n + BigInt(this.seconds) * 1_000_000_000n + BigInt(this.fseconds);
    const sign = total < 0n ? "-" : "+";
    const a = total < 0n ? -total : total;
    const ns = Number(a % 1_000_000_000n);
    const secs = a / 1_000_000_000n;
    const days = secs / 86_400n;
    const rest = Number(secs % 86_400n);
    const hms = [Math.floor(rest / 3600), Math.floor(rest / 60) % 60, rest % 60];
    return `${sign}${String(days).padStart(2, "0")} ${hms.map((n) => pad(n, 2)).join(":")}.${
      pad(ns, 9)
    }`;
  }
}

/** The fields of an {@linkcode IntervalYM}; each is an integer and defaults to 0. */
export interface IntervalYMFields {
  /** Whole years. */
  years?: number;
  /** Months (Oracle's own values keep them within ±11). */
  months?: number;
}

/**
 * An INTERVAL YEAR TO MONTH. Values fetched from Oracle have both fields with the interval's
 * sign (`-1-6` is `{ years: -1, months: -6 }`); one you build is bound as `years * 12 + months`.
 *
 * @example
 * ```ts
 * import { IntervalYM } from "./interval.ts";
 *
 * const term = new IntervalYM({ years: 2, months: 3 });
 * console.log(term.years, term.months, `${term}`); // 2 3 +02-03
 * ```
 */
export class IntervalYM {
  /** Whole years. */
  readonly years: number;
  /** Months. */
  readonly months: number;

  /**
   * Builds an interval from its fields (each an integer, 0 when left out).
   *
   * @throws {OracleError} `ODB-5005` for a field that is not a 32-bit integer.
   */
  constructor(fields: IntervalYMFields = {}) {
    this.years = field("IntervalYM", "years", fields.years);
    this.months = field("IntervalYM", "months", fields.months);
    Object.freeze(this);
  }

  /**
   * Oracle's display form, `+YY-MM`, of `years * 12 + months`.
   *
   * @example
   * ```ts
   * import { IntervalYM } from "./interval.ts";
   * console.log(new IntervalYM({ months: -18 }).toString()); // -01-06
   * ```
   */
  toString(): string {
    const total = this.years * 12 + this.months;
    const a = Math.abs(total);
    return `${total < 0 ? "-" : "+"}${pad(Math.floor(a / 12), 2)}-${pad(a % 12, 2)}`;
  }
}
