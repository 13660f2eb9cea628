/**
 * The Oracle query compiler: Kysely's operation nodes to Oracle SQL.
 *
 * @module
 */

import {
  AliasNode,
  type AlterTableColumnAlterationNode,
  AndNode,
  type ColumnDefinitionNode,
  ColumnNode,
  type CompiledQuery,
  type DataTypeNode,
  DefaultQueryCompiler,
  type DeleteQueryNode,
  type DropColumnNode,
  FromNode,
  IdentifierNode,
  type InsertQueryNode,
  JoinNode,
  type LimitNode,
  MatchedNode,
  type MergeQueryNode,
  type OffsetNode,
  type OnNode,
  type OperationNode,
  type QueryId,
  ReferenceNode,
  type ReturningNode,
  type RootOperationNode,
  SelectAllNode,
  type SelectQueryNode,
  TableNode,
  type UpdateQueryNode,
  type WhenNode,
} from "kysely";
import { ErrorCode, odbError } from "../errors.ts";
import { oracleDataType } from "./_data_types.ts";
import { type ReturningItem, type ReturningPlan, setReturningPlan } from "./_returning.ts";

/**
 * Compiles Kysely queries to Oracle SQL: `:1`-style binds, `OFFSET n ROWS FETCH NEXT n ROWS
 * ONLY` for `offset()` / `limit()`, table aliases without `AS`, booleans as 1 / 0, Oracle column
 * types and identity columns in the schema builder, `MERGE … ON (…)`, and `returning()` as
 * `RETURNING … INTO` out binds (completed by the driver, which knows the column types).
 *
 * @example
 * ```ts
 * import { OracleQueryCompiler } from "./query_compiler.ts";
 * import { Kysely } from "kysely";
 * import { OracleDialect } from "./dialect.ts";
 *
 * const db = new Kysely<{ person: { id: number; name: string } }>({
 *   dialect: new OracleDialect({ connect: () => Promise.reject(new Error("not used")) }),
 * });
 * const { sql } = db.selectFrom("person").selectAll().limit(10).compile();
 * console.log(sql); // select * from "person" fetch next :1 rows only
 * console.log(new OracleQueryCompiler() instanceof OracleQueryCompiler); // true
 * ```
 */
export class OracleQueryCompiler extends DefaultQueryCompiler {
  /** Text appended while a RETURNING expression is compiled on the side, not into the SQL. */
  #capture: string[] | undefined;
  #plan: ReturningPlan | undefined;

  override compileQuery(node: RootOperationNode, queryId: QueryId): CompiledQuery {
    this.#plan = undefined;
    this.#capture = undefined;
    const compiled = super.compileQuery(node, queryId);
    if (this.#plan !== undefined) setReturningPlan(compiled, this.#plan);
    return compiled;
  }

  protected override append(str: string): void {
    if (this.#capture !== undefined) this.#capture.push(str);
    else super.append(str);
  }

  protected override getCurrentParameterPlaceholder(): string {
    return `:${this.numParameters}`;
  }

  /** Oracle SQL has no boolean type before 23ai: booleans travel as NUMBER 1 / 0. */
  protected override addParameter(parameter: unknown): void {
    super.addParameter(typeof parameter === "boolean" ? (parameter ? 1 : 0) : parameter);
  }

  protected override appendImmediateValue(value: unknown): void {
    if (typeof value === "boolean") this.append(value ? "1" : "0");
    else if (value instanceof Date) {
      this.append(`timestamp '${value.toISOString().replace("T", " ").replace("Z", "")}'`);
    } else super.appendImmediateValue(value);
  }

  protected override sanitizeIdentifier(identifier: string): string {
    return identifier.replaceAll('"', '""');
  }

  /** Oracle wants OFFSET before FETCH, so `limit()` becomes a FETCH clause after the offset. */
  protected override visitSelectQuery(node: SelectQueryNode): void {
    if (node.limit === undefined) return super.visitSelectQuery(node);
    if (node.fetch !== undefined) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "Use either limit() or fetch(), not both");
    }
    super.visitSelectQuery({
      ...node,
      limit: undefined,
      fetch: { kind: "FetchNode", rowCount: node.limit.limit, modifier: "only" },
    } as SelectQueryNode);
  }

  protected override visitLimit(_node: LimitNode): void {
    throw odbError(ErrorCode.INVALID_ARGUMENT, "Oracle has no LIMIT in UPDATE or DELETE");
  }

  protected override visitOffset(node: OffsetNode): void {
    this.append("offset ");
    this.visitNode(node.offset);
    this.append(" rows");
  }

  /** Oracle takes `AS` before column aliases only: a table alias follows its table bare. */
  protected override visitAlias(node: AliasNode): void {
    this.visitNode(node.node);
    this.append(isTableContext(this.parentNode, node) ? " " : " as ");
    this.visitNode(node.alias);
  }

  protected override visitDataType(node: DataTypeNode): void {
    this.append(oracleDataType(node.dataType));
  }

  /** Oracle's order: type, DEFAULT, identity, then the constraints. */
  protected override visitColumnDefinition(node: ColumnDefinitionNode): void {
    if (node.ifNotExists) this.append("if not exists ");
    this.visitNode(node.column);
    this.append(" ");
    this.visitNode(node.dataType);
    if (node.defaultTo) {
      this.append(" ");
      this.visitNode(node.defaultTo);
    }
    if (node.generated) {
      this.append(" ");
      this.visitNode(node.generated);
    }
    if (node.identity || node.autoIncrement) this.append(" generated by default as identity");
    if (node.notNull) this.append(" not null");
    if (node.unique) this.append(" unique");
    if (node.primaryKey) this.append(" primary key");
    if (node.references) {
      this.append(" ");
      this.visitNode(node.references);
    }
    if (node.check) {
      this.append(" ");
      this.visitNode(node.check);
    }
    for (const m of [...(node.frontModifiers ?? []), ...(node.endModifiers ?? [])]) {
      this.append(" ");
      this.visitNode(m);
    }
  }

  /**
   * Oracle's ALTER TABLE: `add (c1 …, c2 …)`, `modify (c …)`, `drop (c1, c2)`; one kind of
   * change per statement.
   */
  protected override compileColumnAlterations(
    alterations: readonly AlterTableColumnAlterationNode[],
  ): void {
    const kinds = new Set(alterations.map((a) => a.kind));
    if (kinds.size > 1) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        "Oracle takes one kind of column change per ALTER TABLE: split the statement",
      );
    }
    const [kind] = kinds;
    if (kind === "RenameColumnNode") {
      if (alterations.length > 1) {
        throw odbError(ErrorCode.INVALID_ARGUMENT, "Oracle renames one column per ALTER TABLE");
      }
      return this.visitNode(alterations[0]);
    }
    const verb = kind === "AddColumnNode" ? "add" : kind === "DropColumnNode" ? "drop" : "modify";
    if (kind === "DropColumnNode" && alterations.length === 1) {
      this.append("drop column ");
      return this.visitNode((alterations[0] as DropColumnNode).column);
    }
    this.append(`${verb} (`);
    alterations.forEach((a, i) => {
      if (i > 0) this.append(", ");
      this.#columnChange(a);
    });
    this.append(")");
  }

  #columnChange(a: AlterTableColumnAlterationNode): void {
    if (a.kind === "AddColumnNode" || a.kind === "ModifyColumnNode") {
      return this.visitNode(a.column);
    }
    if (a.kind === "DropColumnNode") return this.visitNode(a.column);
    if (a.kind !== "AlterColumnNode") return this.visitNode(a);
    this.visitNode(a.column);
    if (a.dataType) {
      this.append(" ");
      this.visitNode(a.dataType);
    }
    if (a.setDefault) {
      this.append(" default ");
      this.visitNode(a.setDefault);
    }
    if (a.dropDefault) this.append(" default null");
    if (a.setNotNull) this.append(" not null");
    if (a.dropNotNull) this.append(" null");
  }

  protected override visitInsertQuery(node: InsertQueryNode): void {
    if (node.onConflict || node.onDuplicateKey || node.orAction || node.ignore || node.replace) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        "Oracle has no ON CONFLICT / IGNORE / REPLACE: use mergeInto() for upserts",
      );
    }
    if (node.defaultValues && this.parentNode === undefined) {
      // Oracle has no DEFAULT VALUES: the driver adds `(first column) VALUES (DEFAULT)`.
      this.#planFor(node.into).defaultValues = true;
      return super.visitInsertQuery({ ...node, defaultValues: undefined } as InsertQueryNode);
    }
    super.visitInsertQuery(node);
  }

  protected override visitReturning(node: ReturningNode): void {
    const root = this.nodeStack[0] as InsertQueryNode | UpdateQueryNode | DeleteQueryNode;
    if (this.nodeStack.length !== 2) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        "returning() is supported on the outer query only",
      );
    }
    const target = root.kind === "InsertQueryNode"
      ? root.into
      : root.kind === "UpdateQueryNode"
      ? root.table
      : root.kind === "DeleteQueryNode"
      ? root.from.froms[0]
      : undefined;
    if (target === undefined) {
      throw odbError(
        ErrorCode.INVALID_ARGUMENT,
        `returning() is not supported on ${root.kind} with Oracle`,
      );
    }
    const plan = this.#planFor(target);
    const params = this.numParameters;
    for (const { selection } of node.selections) plan.items.push(this.#returningItem(selection));
    if (this.numParameters !== params) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "returning() expressions cannot take binds");
    }
  }

  #planFor(target: OperationNode | undefined): ReturningPlan {
    if (this.#plan === undefined) {
      if (target === undefined) {
        throw odbError(ErrorCode.INVALID_ARGUMENT, "The statement names no table");
      }
      const table = this.#text(target);
      const qualifier = AliasNode.is(target) ? this.#text(target.alias) : table;
      this.#plan = { table, qualifier, items: [], defaultValues: false };
    }
    return this.#plan;
  }

  #returningItem(selection: OperationNode): ReturningItem {
    if (SelectAllNode.is(selection)) return { star: true };
    if (ReferenceNode.is(selection) && SelectAllNode.is(selection.column)) {
      return { star: true };
    }
    let name: string | undefined;
    let expr = selection;
    if (AliasNode.is(selection) && IdentifierNode.is(selection.alias)) {
      name = selection.alias.name;
      expr = selection.node;
    } else if (ReferenceNode.is(selection) && ColumnNode.is(selection.column)) {
      // RETURNING names columns of the target only: the qualifier adds nothing.
      name = selection.column.column.name;
      expr = selection.column;
    } else if (ColumnNode.is(selection)) {
      name = selection.column.name;
    }
    if (name === undefined) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "A returning() expression needs an alias (.as())");
    }
    return { star: false, expr: this.#text(expr), name };
  }

  /** Compiles one node to text without adding it to the statement. */
  #text(node: OperationNode): string {
    const outer = this.#capture;
    this.#capture = [];
    try {
      this.visitNode(node);
      return this.#capture.join("");
    } finally {
      this.#capture = outer;
    }
  }

  /** Oracle writes the MERGE join condition in parentheses. */
  protected override visitOn(node: OnNode): void {
    const parent = this.parentNode;
    if (parent && JoinNode.is(parent) && parent.joinType === "Using") {
      this.append("on (");
      this.visitNode(node.on);
      this.append(")");
    } else super.visitOn(node);
  }

  protected override visitMergeQuery(node: MergeQueryNode): void {
    if (node.returning) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "Oracle's MERGE has no RETURNING");
    }
    super.visitMergeQuery(node);
  }

  /** `WHEN MATCHED AND c THEN UPDATE …` is Oracle's `WHEN MATCHED THEN UPDATE … WHERE c`. */
  protected override visitWhen(node: WhenNode): void {
    // CASE … WHEN is a WhenNode too.
    if (this.parentNode?.kind !== "MergeQueryNode") return super.visitWhen(node);
    const conds = flattenAnd(node.condition);
    const [matched, ...rest] = conds;
    if (!MatchedNode.is(matched) || matched.bySource) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "Oracle's MERGE takes WHEN [NOT] MATCHED only");
    }
    const result = node.result;
    // thenDelete() / thenDoNothing() come as raw text; Oracle has neither branch.
    if (result === undefined || result.kind === "RawNode") {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "Oracle's MERGE has no THEN DELETE / DO NOTHING");
    }
    this.append(matched.not ? "when not matched then " : "when matched then ");
    this.visitNode(result);
    rest.forEach((c, i) => {
      this.append(i === 0 ? " where " : " and ");
      this.visitNode(c);
    });
  }
}

function flattenAnd(node: OperationNode): OperationNode[] {
  return AndNode.is(node) ? [...flattenAnd(node.left), ...flattenAnd(node.right)] : [node];
}

/** True when `alias` names a table (in FROM, a join, UPDATE, DELETE, MERGE INTO / USING). */
function isTableContext(parent: OperationNode | undefined, alias: AliasNode): boolean {
  if (TableNode.is(alias.node)) return true;
  if (parent === undefined) return false;
  return FromNode.is(parent) || JoinNode.is(parent) || parent.kind === "UsingNode" ||
    parent.kind === "MergeQueryNode" || parent.kind === "UpdateQueryNode";
}
