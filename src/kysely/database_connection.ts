/**
 * One oradb connection as Kysely's `DatabaseConnection`.
 *
 * @module
 */

import type { CompiledQuery, DatabaseConnection, QueryResult } from "kysely";
import type { Connection } from "../connection.ts";
import { ErrorCode, odbError } from "../errors.ts";
import {
  BIND_OUT,
  type BindSpec,
  type BindValue,
  BUFFER,
  DB_TYPE_BINARY_DOUBLE,
  DB_TYPE_BINARY_FLOAT,
  DB_TYPE_CHAR,
  DB_TYPE_DATE,
  DB_TYPE_NUMBER,
  DB_TYPE_RAW,
  DB_TYPE_TIMESTAMP,
  DB_TYPE_TIMESTAMP_LTZ,
  DB_TYPE_TIMESTAMP_TZ,
  DB_TYPE_VARCHAR,
  type ExecuteOptions,
  type FetchTypeHandler,
  type Metadata,
  STRING,
} from "../types.ts";
import { exactNumber, normalizeNumberText } from "./_numbers.ts";
import { type ReturningPlan, returningPlan } from "./_returning.ts";

/** Column types of RETURNING targets, and how many DDL statements ran since the driver began. */
export interface DescribeCache {
  columns: Map<string, Metadata[]>;
  generation: number;
}

/** Statements after which cached column types may be stale. */
const DDL = /^\s*(create|alter|drop|rename|truncate)\b/i;

/**
 * Kysely's connection over an oradb {@linkcode Connection}: outside a transaction every
 * statement commits on its own (autocommit); inside one nothing commits until Kysely says so.
 * Made by {@linkcode OracleDriver}; applications do not create it.
 *
 * @example
 * ```ts
 * import { sql, type Kysely } from "kysely";
 *
 * async function now(db: Kysely<unknown>): Promise<Date> {
 *   const { rows } = await sql<{ NOW: Date }>`select systimestamp as now from dual`.execute(db);
 *   return rows[0].NOW;
 * }
 * ```
 */
export class OracleConnection implements DatabaseConnection {
  /** The oradb connection underneath. */
  readonly connection: Connection;
  /** True between Kysely's begin and its commit / rollback. */
  inTransaction = false;
  /** A call failed: the session goes back to the pool, not to the next Kysely acquire. */
  failed = false;
  /** The execute options outside and inside a transaction, made once (they are only read). */
  readonly #autoCommitOptions: ExecuteOptions;
  readonly #transactionOptions: ExecuteOptions;
  readonly #exact: boolean;
  /** Described RETURNING targets, shared by the driver's connections. */
  readonly #described: DescribeCache;

  /** @internal Made by the driver. */
  constructor(
    connection: Connection,
    fetchTypeHandler: FetchTypeHandler | undefined,
    described: DescribeCache,
  ) {
    this.connection = connection;
    this.#exact = fetchTypeHandler !== undefined;
    this.#described = described;
    this.#autoCommitOptions = { autoCommit: true };
    this.#transactionOptions = { autoCommit: false };
    if (fetchTypeHandler !== undefined) {
      this.#autoCommitOptions.fetchTypeHandler = fetchTypeHandler;
      this.#transactionOptions.fetchTypeHandler = fetchTypeHandler;
    }
  }

  /** Runs one call on the session; if it throws, the session is marked failed. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      this.failed = true;
      throw e;
    }
  }

  /** Runs one compiled query; RETURNING comes back as `rows`, one per changed row. */
  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.run(() => this.#executeQuery<R>(compiled));
  }

  async #executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const plan = returningPlan(compiled);
    const binds = compiled.parameters.map(bindValue);
    if (plan !== undefined) return await this.#executeReturning<R>(compiled.sql, binds, plan);
    if (DDL.test(compiled.sql)) {
      this.#described.columns.clear();
      this.#described.generation++;
    }
    const r = await this.connection.execute<R>(compiled.sql, binds, this.#options());
    if (r.rows !== undefined) return { rows: r.rows };
    return { rows: [], numAffectedRows: BigInt(r.rowsAffected ?? 0) };
  }

  /** Streams a query over an oradb cursor, `chunkSize` rows per round trip and per chunk. */
  async *streamQuery<R>(
    compiled: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, `Argument "chunkSize" must be a positive integer`);
    }
    const cursor = this.connection.cursor<R>(compiled.sql, compiled.parameters.map(bindValue), {
      ...this.#options(),
      fetchArraySize: chunkSize,
    });
    try {
      for (;;) {
        const rows = await this.run(() => cursor.fetchMany(chunkSize));
        if (rows.length === 0) return;
        yield { rows };
      }
    } finally {
      await cursor.close();
    }
  }

  #options(): ExecuteOptions {
    return this.inTransaction ? this.#transactionOptions : this.#autoCommitOptions;
  }

  async #executeReturning<R>(
    sql: string,
    binds: BindValue[],
    plan: ReturningPlan,
  ): Promise<QueryResult<R>> {
    if (plan.defaultValues) {
      const [first] = await this.#describe(`select * from ${plan.table}`);
      sql += ` (${quote(first.name)}) values (default)`;
    }
    if (plan.items.length === 0) {
      const r = await this.connection.execute(sql, binds, this.#options());
      return { rows: [], numAffectedRows: BigInt(r.rowsAffected ?? 0) };
    }
    const select = plan.items.map((i) =>
      i.star ? `${plan.qualifier}.*` : `${i.expr} as ${quote(i.name)}`
    );
    const columns = await this.#describe(
      `select ${select.join(", ")} from ${plan.table}`,
    );
    const exprs = returnedExpressions(plan, columns);
    const outs = columns.map(outBind);
    const into = outs.map((_, i) => `:${binds.length + i + 1}`);
    const r = await this.connection.execute(
      `${sql} returning ${exprs.join(", ")} into ${into.join(", ")}`,
      [...binds, ...outs],
      this.#options(),
    );
    const values = (r.outBinds ?? []) as unknown[][];
    const count = r.rowsAffected ?? 0;
    const rows: Record<string, unknown>[] = [];
    for (let row = 0; row < count; row++) {
      const out: Record<string, unknown> = {};
      columns.forEach((c, i) => out[c.name] = this.#returned(c, values[i]?.[row] ?? null));
      rows.push(out);
    }
    return { rows: rows as R[], numAffectedRows: BigInt(count) };
  }

  /** The columns of `select … from target`, described once per DDL generation. */
  async #describe(select: string): Promise<Metadata[]> {
    const cache = this.#described;
    let columns = cache.columns.get(select);
    if (columns === undefined) {
      // A new text after DDL: a session re-running the same text can get the describe of the
      // table as it was when that statement was first parsed.
      const sql = `${select} where 0 = ${cache.generation + 1}`;
      const r = await this.connection.execute(sql, [], { autoCommit: false });
      columns = r.metaData ?? [];
      cache.columns.set(select, columns);
    }
    return columns;
  }

  /** A returned NUMBER arrives as text (see outBind); it gets the same rules as fetched ones. */
  #returned(column: Metadata, v: unknown): unknown {
    if (column.dbType !== DB_TYPE_NUMBER || typeof v !== "string") return v;
    if (!this.#exact) return Number(v);
    if (column.scale > 0) return normalizeNumberText(v);
    return exactNumber(v);
  }
}

/** Oracle cannot write `RETURNING *`: a star becomes the target's columns, by name. */
function returnedExpressions(plan: ReturningPlan, columns: Metadata[]): string[] {
  const stars = plan.items.filter((i) => i.star).length;
  if (stars > 1) {
    throw odbError(ErrorCode.INVALID_ARGUMENT, "returning() takes at most one returningAll()");
  }
  const starWidth = columns.length - (plan.items.length - stars);
  const exprs: string[] = [];
  let c = 0;
  for (const item of plan.items) {
    if (item.star) {
      for (let k = 0; k < starWidth; k++) {
        exprs.push(quote(columns[c++].name));
      }
    } else {
      exprs.push(item.expr);
      c++;
    }
  }
  return exprs;
}

/** An out bind for one returned column; NUMBERs come as text so none loses digits. */
function outBind(c: Metadata): BindSpec {
  switch (c.dbType) {
    case DB_TYPE_NUMBER:
      return { dir: BIND_OUT, type: STRING, maxSize: 64 };
    case DB_TYPE_DATE:
    case DB_TYPE_TIMESTAMP:
    case DB_TYPE_TIMESTAMP_TZ:
    case DB_TYPE_TIMESTAMP_LTZ:
    case DB_TYPE_BINARY_DOUBLE:
    case DB_TYPE_BINARY_FLOAT:
      return {
        dir: BIND_OUT,
        type: c.dbType === DB_TYPE_BINARY_FLOAT ? DB_TYPE_BINARY_DOUBLE : c.dbType,
      };
    case DB_TYPE_RAW:
      return { dir: BIND_OUT, type: BUFFER, maxSize: c.byteSize || 2000 };
    case DB_TYPE_VARCHAR:
    case DB_TYPE_CHAR:
      return { dir: BIND_OUT, type: STRING, maxSize: Math.max(c.byteSize, 1) };
    default:
      return { dir: BIND_OUT, type: c.dbType };
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Kysely's parameters as oradb binds (booleans are already 1 / 0, see the compiler). */
function bindValue(v: unknown): BindValue {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (
    v === null || v === undefined || typeof v === "string" || typeof v === "number" ||
    typeof v === "bigint" || v instanceof Date || v instanceof Uint8Array
  ) return v;
  throw odbError(
    ErrorCode.UNSUPPORTED_BIND_VALUE,
    `Kysely parameter of type ${typeof v} cannot be bound (serialize objects with JSON.stringify)`,
  );
}
