/**
 * An in-memory stand-in for the native connection, faithful to native/node/BOUNDARY.md, so the
 * TS logic (fetch loops, cursors, aborts, fetchAsString re-execution) is tested without the addon.
 *
 * @module
 */

import type {
  NativeBinds,
  NativeColumn,
  NativeConnection,
  NativeExecManyOptions,
  NativeExecManyResult,
  NativeExecOptions,
  NativeExecResult,
  NativeRows,
} from "../src/_native.ts";
import { writeValue } from "../src/_binds.ts";
import { Tag, ValueWriter } from "../src/_values.ts";
import { Connection } from "../src/connection.ts";
import { DB_TYPE_NUMBER } from "../src/types.ts";

/** A table the fake serves for every query: columns plus rows (NUMBER values as text). */
export interface FakeTable {
  columns: NativeColumn[];
  rows: unknown[][];
}

interface OpenCursor {
  table: FakeTable;
  asString: number[];
  pos: number;
}

/** Builds a NativeColumn with sensible defaults. */
export function col(name: string, dbType: number): NativeColumn {
  return { name, dbType, size: 0, precision: 0, scale: 0, nullable: true };
}

/** What the fake was asked to do, in order. */
export type FakeCall = [string, ...unknown[]];

/** A scripted NativeConnection. */
export class FakeNative implements NativeConnection {
  readonly serverVersion = "23.0.0.0.0";
  readonly poolId = 0;
  readonly poolTag = "";
  readonly poolIsNew = false;
  readonly calls: FakeCall[] = [];
  table: FakeTable | undefined;
  /** When set, execute() hangs until breakExecution(), then rejects with ORA-01013. */
  hang = false;
  /** Sets outBinds / rowsAffected of non-queries. */
  dml: Partial<NativeExecResult> = { rowsAffected: 1 };
  #cursors = new Map<number, OpenCursor>();
  #nextId = 1;
  #timeout = 0;
  #breakWaiter: (() => void) | undefined;

  constructor(table?: FakeTable) {
    this.table = table;
  }

  #batch(c: OpenCursor, max: number): NativeRows {
    const w = new ValueWriter();
    const rows = c.table.rows.slice(c.pos, c.pos + max);
    c.pos += rows.length;
    for (const row of rows) {
      row.forEach((v, i) => {
        if (v !== null && c.table.columns[i].dbType === DB_TYPE_NUMBER) {
          if (c.asString.includes(i)) w.text(Tag.NUMBER_TEXT, String(v));
          else w.f64(Tag.NUMBER, Number(v));
        } else writeValue(w, v, 0, "fake");
      });
    }
    return { data: w.finish(), rowCount: rows.length, done: c.pos >= c.table.rows.length };
  }

  async execute(
    sql: string,
    binds: NativeBinds,
    opts: NativeExecOptions,
  ): Promise<NativeExecResult> {
    this.calls.push(["execute", sql, binds, opts]);
    if (this.hang) {
      await new Promise<void>((resolve) => (this.#breakWaiter = resolve));
      throw Object.assign(new Error("ORA-01013: user requested cancel of current operation"), {
        code: "ORA-01013",
        offset: 0,
        isRecoverable: false,
      });
    }
    if (!this.table || !/^\s*(select|with)\b/i.test(sql)) {
      return {
        cursorId: 0,
        columns: null,
        rows: null,
        rowsAffected: 0,
        outBinds: null,
        lastRowid: null,
        ...this.dml,
      };
    }
    const c: OpenCursor = { table: this.table, asString: opts.fetchAsString, pos: 0 };
    const rows = this.#batch(c, opts.prefetchRows);
    const id = rows.done ? 0 : this.#nextId++;
    if (id !== 0) this.#cursors.set(id, c);
    const base = { rowsAffected: 0, outBinds: null, lastRowid: null };
    return { ...base, cursorId: id, columns: this.table.columns, rows };
  }

  executeMany(
    sql: string,
    binds: NativeBinds,
    rowCount: number,
    opts: NativeExecManyOptions,
  ): Promise<NativeExecManyResult> {
    this.calls.push(["executeMany", sql, binds, rowCount, opts]);
    const counts = opts.dmlRowCounts ? new Array<number>(rowCount).fill(1) : null;
    return Promise.resolve({
      rowsAffected: rowCount,
      dmlRowCounts: counts,
      batchErrors: opts.batchErrors ? [] : null,
    });
  }

  fetch(cursorId: number, maxRows: number): Promise<NativeRows> {
    this.calls.push(["fetch", cursorId, maxRows]);
    const c = this.#cursors.get(cursorId);
    if (!c) {
      return Promise.reject(
        Object.assign(new Error("ORA-01001: invalid cursor"), { code: "ORA-01001" }),
      );
    }
    const rows = this.#batch(c, maxRows);
    if (rows.done) this.#cursors.delete(cursorId);
    return Promise.resolve(rows);
  }

  closeCursor(cursorId: number): Promise<void> {
    this.calls.push(["closeCursor", cursorId]);
    this.#cursors.delete(cursorId);
    return Promise.resolve();
  }

  /** Ids of cursors the server still holds open. */
  openCursors(): number[] {
    return [...this.#cursors.keys()];
  }

  #record(name: string): Promise<void> {
    this.calls.push([name]);
    return Promise.resolve();
  }

  commit(): Promise<void> {
    return this.#record("commit");
  }
  rollback(): Promise<void> {
    return this.#record("rollback");
  }
  ping(): Promise<void> {
    return this.#record("ping");
  }
  close(): Promise<void> {
    return this.#record("close");
  }
  breakExecution(): Promise<void> {
    this.calls.push(["breakExecution"]);
    this.#breakWaiter?.();
    this.#breakWaiter = undefined;
    return Promise.resolve();
  }
  setCallTimeout(ms: number): void {
    this.#timeout = ms;
  }
  getCallTimeout(): number {
    return this.#timeout;
  }

  /** Names of the calls made so far. */
  names(): string[] {
    return this.calls.map((c) => c[0]);
  }
}

/** A Connection over a FakeNative. */
export function fakeConnection(table?: FakeTable): { conn: Connection; fake: FakeNative } {
  const fake = new FakeNative(table);
  const conn = new Connection(fake, { user: "u", password: "p", connectString: "fake" });
  return { conn, fake };
}
