/**
 * Kysely's `DatabaseIntrospector` over Oracle's data dictionary (the user's own schema).
 *
 * @module
 */

import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from "kysely";

interface ColumnRow {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  DATA_TYPE: string;
  NULLABLE: string;
  IDENTITY_COLUMN: string | null;
  HAS_DEFAULT: number | string;
  IS_VIEW: number | string;
}

/**
 * Lists the tables and views of the current user (USER_TABLES, USER_VIEWS) with their columns
 * (USER_TAB_COLUMNS: type, nullability, identity, default), and the schemas (ALL_USERS).
 *
 * @example
 * ```ts
 * import type { Kysely } from "kysely";
 *
 * async function tableNames(db: Kysely<unknown>): Promise<string[]> {
 *   return (await db.introspection.getTables()).map((t) => t.name);
 * }
 * ```
 */
export class OracleIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  /** An introspector querying through `db`. */
  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  /** Every user (schema) the session can see. */
  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ USERNAME: string }>`select username from all_users
      order by username`.execute(this.#db);
    return rows.map((r) => ({ name: r.USERNAME }));
  }

  /** The user's tables and views with their columns, in name order. */
  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`select c.table_name, c.column_name, c.data_type,
        c.nullable, c.identity_column,
        case when c.data_default is null then 0 else 1 end as has_default,
        case when exists (select 1 from user_views v where v.view_name = c.table_name)
          then 1 else 0 end as is_view
      from user_tab_columns c
      order by c.table_name, c.column_id`.execute(this.#db);
    const tables = new Map<
      string,
      TableMetadata & { columns: TableMetadata["columns"][number][] }
    >();
    for (const r of rows) {
      if (!options.withInternalKyselyTables && isKyselyTable(r.TABLE_NAME)) continue;
      let t = tables.get(r.TABLE_NAME);
      if (t === undefined) {
        t = { name: r.TABLE_NAME, isView: Number(r.IS_VIEW) === 1, columns: [] };
        tables.set(r.TABLE_NAME, t);
      }
      t.columns.push({
        name: r.COLUMN_NAME,
        dataType: r.DATA_TYPE,
        isNullable: r.NULLABLE === "Y",
        isAutoIncrementing: r.IDENTITY_COLUMN === "YES",
        hasDefaultValue: Number(r.HAS_DEFAULT) === 1 || r.IDENTITY_COLUMN === "YES",
      });
    }
    return [...tables.values()];
  }

  /** Same as `getTables()`, wrapped. */
  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

function isKyselyTable(name: string): boolean {
  return name === DEFAULT_MIGRATION_TABLE || name === DEFAULT_MIGRATION_LOCK_TABLE;
}
