// `x IN ()` with an empty list: SQLite reads it as false (and `NOT IN ()` as true), PostgreSQL
// refuses it as a syntax error. Code that filters by a list it computed (ids found a moment ago,
// none when everything was deleted) would then work on one database and fail on the other. This
// plugin gives both SQLite's reading: an empty list becomes a subquery with no row, which both
// databases take, with the same meaning.
import {
  BinaryOperationNode,
  type KyselyPlugin,
  type OperationNode,
  OperationNodeTransformer,
  OperatorNode,
  PrimitiveValueListNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  ValueListNode,
  sql,
} from 'kysely';

const NO_ROW = sql`(select null where 1 = 0)`.toOperationNode();
const LIST_OPERATORS = new Set(['in', 'not in']);

/** Whether `node` is an empty value list, as `where(column, 'in', [])` makes one. */
const isEmptyList = (node: OperationNode): boolean =>
  (PrimitiveValueListNode.is(node) && node.values.length === 0) || (ValueListNode.is(node) && node.values.length === 0);

class EmptyListTransformer extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const transformed = super.transformBinaryOperation(node);
    const { operator, rightOperand } = transformed;
    if (!OperatorNode.is(operator) || !LIST_OPERATORS.has(operator.operator) || !isEmptyList(rightOperand)) return transformed;
    return BinaryOperationNode.create(transformed.leftOperand, operator, NO_ROW);
  }
}

/**
 * Whether the query holds an empty list anywhere: a read-only walk over the plain node objects, so
 * the usual query (no empty list) is not rebuilt.
 */
function holdsEmptyList(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsEmptyList);
  if (value === null || typeof value !== 'object') return false;
  const node = value as { kind?: unknown };
  if ((node.kind === 'PrimitiveValueListNode' || node.kind === 'ValueListNode') && isEmptyList(node as OperationNode)) return true;
  // A list of values (an insert's rows, an IN list) holds values, not nodes with lists: no need to look inside.
  if (node.kind === 'PrimitiveValueListNode' || node.kind === 'ValueNode') return false;
  return Object.values(node).some(holdsEmptyList);
}

export class EmptyListPlugin implements KyselyPlugin {
  readonly #transformer = new EmptyListTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return holdsEmptyList(args.node) ? this.#transformer.transformNode(args.node, args.queryId) : args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
