/**
 * The upstream-call budget of a GraphQL request: how many Twilio calls an operation can cause, estimated
 * before execution from `first` and the fields that cost a call, and a counter that stops execution at the
 * budget too (the estimate is an upper bound, the counter the guarantee).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from './resolvers/connection.js';
import { ErrorCode, UpstreamError } from './twilio/errors.js';

/**
 * Fields that make one Twilio call each time they resolve, as `Type.field`. Message.media costs one call
 * per message (the loader fetches a message's media once per request, however often it is selected).
 */
const CALLS: Readonly<Record<string, number>> = {
  'Query.message': 1,
  'Query.messages': 1,
  'Query.node': 1,
  'Message.media': 1,
  'Mutation.createMessage': 1,
  'Mutation.updateMessage': 1,
  'Mutation.redactMessage': 1,
  'Mutation.cancelMessage': 1,
  'Mutation.deleteMessage': 1,
};

/** The list fields of a connection: as many items as the `first` of the field that returned it. */
const PAGE_LISTS: ReadonlySet<string> = new Set(['MessageConnection.edges', 'MessageConnection.nodes']);

/**
 * The most Twilio calls `operation` can cause. Linear in the document: a fragment is costed once per page
 * size it is used with. Root fields add up (each makes its own call); inside an object the most expensive
 * selection counts, because every selection of one object reads the same cached loads (a connection's
 * `nodes` and `edges { node }` are the same messages, two `media` aliases one list call).
 */
export function estimateUpstreamCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): number {
  // Variables as execution will see them, defaults applied; variables that do not coerce stop execution itself.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { ...variables });
  if (coerced.errors) return 0;
  const values = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const known = new Map<string, number>();
  const entered = new Set<string>();

  const fragmentCost = (name: string, pageSize: number, root: boolean): number => {
    const key = `${name}|${pageSize}|${root}`;
    const cost = known.get(key);
    if (cost !== undefined) return cost;
    const fragment = fragments.get(name);
    const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
    // A cycle is refused by validation before this runs; cut it all the same.
    if (!fragment || !type || entered.has(key) || !isCompositeType(type)) return 0;
    entered.add(key);
    const computed = selectionCost(fragment.selectionSet, type, pageSize, root);
    known.set(key, computed);
    return computed;
  };

  const selectionCost = (set: SelectionSetNode, type: GraphQLCompositeType, pageSize: number, root: boolean): number => {
    let total = 0;
    const add = (cost: number): void => {
      total = root ? total + cost : Math.max(total, cost);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        add(fragmentCost(selection.name.value, pageSize, root));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) add(selectionCost(selection.selectionSet, condition, pageSize, root));
        continue;
      }
      if (!isObjectType(type)) continue; // only __typename can be selected on an abstract type itself
      const field = type.getFields()[selection.name.value];
      if (!field) continue; // introspection fields: no upstream call
      const name = `${type.name}.${field.name}`;
      let cost = CALLS[name] ?? 0;
      if (selection.selectionSet) {
        const child = getNamedType(field.type);
        const childPageSize = name === 'Query.messages' ? pageSizeOf(field, selection, values) : pageSize;
        const perItem = isCompositeType(child) ? selectionCost(selection.selectionSet, child, childPageSize, false) : 0;
        cost += PAGE_LISTS.has(name) ? pageSize * perItem : perItem;
      }
      add(cost);
    }
    return total;
  };

  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'query' ? schema.getQueryType() : null;
  return rootType ? selectionCost(operation.selectionSet, rootType, 0, true) : 0;
}

/** The page size a `messages` field asks for; what the resolver would refuse costs nothing, so it is capped. */
function pageSizeOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Readonly<Record<string, unknown>>): number {
  let first: unknown;
  try {
    first = getArgumentValues(field, node, { ...variables })['first'];
  } catch {
    first = MAX_PAGE_SIZE; // invalid variables fail at execution; until then assume the worst
  }
  return typeof first === 'number' && first > 0 ? Math.min(first, MAX_PAGE_SIZE) : 0;
}

/** The error of an operation over budget, before any call or when the budget runs out during execution. */
export function tooExpensive(budget: number, estimate?: number): GraphQLError {
  const message =
    estimate === undefined
      ? `This request reached its budget of ${budget} Twilio calls; ask for fewer messages (smaller \`first\`) or less \`media\`.`
      : `This operation could cause ${estimate} Twilio calls; the budget is ${budget}. Ask for fewer messages (smaller \`first\`) or less \`media\`.`;
  return new UpstreamError(ErrorCode.QueryTooExpensive, message, { budget, ...(estimate === undefined ? {} : { estimate }) });
}

/** Counts the upstream calls of one request and refuses those past its budget. */
export class CallBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes one call from the budget; throws QUERY_TOO_EXPENSIVE once it is spent. */
  take(): void {
    if (this.used >= this.limit) throw tooExpensive(this.limit);
    this.used++;
  }

  /** Calls taken so far. */
  get spent(): number {
    return this.used;
  }
}

/** The Apollo plugin that refuses, before execution, an operation estimated over `budget` upstream calls (HTTP 400). */
export function costPlugin(budget: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const estimate = estimateUpstreamCalls(schema, document, operation, request.variables ?? {});
          if (estimate > budget) {
            const error = tooExpensive(budget, estimate);
            error.extensions['http'] = { status: 400 };
            throw error;
          }
        },
      };
    },
  };
}
