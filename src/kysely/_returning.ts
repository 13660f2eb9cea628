/**
 * What the compiler leaves for the driver to finish a `RETURNING … INTO` (or an `INSERT … DEFAULT
 * VALUES`): the out binds need each returned column's type, which only the database knows.
 *
 * @module
 */

import type { CompiledQuery } from "kysely";

/** One `returning()` selection: `*` (every column of the target) or an expression and its name. */
export type ReturningItem = { star: true } | { star: false; expr: string; name: string };

/** The compiled target and the returned items of one statement. */
export interface ReturningPlan {
  /** The target table as compiled, with its alias (`"person" "p"`). */
  table: string;
  /** What qualifies a column of the target: its alias, else the table. */
  qualifier: string;
  items: ReturningItem[];
  /** `insert … default values`: the driver adds `(first column) values (default)`. */
  defaultValues: boolean;
}

/** Keyed by the compiled query object, which Kysely hands unchanged to the driver. */
const plans = new WeakMap<CompiledQuery, ReturningPlan>();

export function setReturningPlan(query: CompiledQuery, plan: ReturningPlan): void {
  plans.set(query, plan);
}

export function returningPlan(query: CompiledQuery): ReturningPlan | undefined {
  return plans.get(query);
}
