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
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';
import { ErrorCode, gatewayError } from './errors.js';

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

/**
 * Fields that return one item per element of a list argument, each item costing one call: a federation
 * router's `_entities` (FEDERATION=true) fetches one message per representation at most (the loader fetches
 * each SID once). Their items count as messages asked for, too.
 */
const PER_ITEM: Readonly<Record<string, string>> = { 'Query._entities': 'representations' };

/** The list fields of a connection: as many items as the `first` of the field that returned it. */
const PAGE_LISTS: ReadonlySet<string> = new Set(['MessageConnection.edges', 'MessageConnection.nodes']);

/**
 * The most Twilio calls `operation` can cause, linear in the document. Root fields add up, one call each,
 * except that fields with the same response key are merged by GraphQL into one execution (so a fragment
 * spread twice at the root costs once). Inside an object the most expensive selection counts, because all
 * selections of one object read the same cached loads: a connection's `nodes` and `edges { node }` are the
 * same messages, and two `media` aliases are one list call. (Were a type to get two different costly fields,
 * this would undercount; the per-request counter still stops execution at the budget.)
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): Cost {
  // Variables as execution will see them, defaults applied; variables that do not coerce stop execution itself.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { ...variables });
  if (coerced.errors) return { calls: 0, messages: 0 };
  const values = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const known = new Map<string, number>();
  const entered = new Set<string>();
  const typeOf = (name: string | undefined, fallback: GraphQLCompositeType): GraphQLCompositeType | null => {
    const type = name === undefined ? fallback : schema.getType(name);
    return type && isCompositeType(type) ? type : null;
  };

  /** The calls one field makes, with what its selection makes for each item it returns. */
  const fieldCost = (selection: FieldNode, type: GraphQLCompositeType, pageSize: number): number => {
    if (!isObjectType(type)) return 0; // only __typename can be selected on an abstract type itself
    const field = type.getFields()[selection.name.value];
    if (!field) return 0; // introspection: no upstream call
    const name = `${type.name}.${field.name}`;
    const own = CALLS[name] ?? 0;
    const child = typeOf(getNamedType(field.type).name, type);
    const childPageSize = name === 'Query.messages' ? pageSizeOf(field, selection, values) : pageSize;
    const perItem = selection.selectionSet && child ? objectCost(selection.selectionSet, child, childPageSize) : 0;
    const items = PER_ITEM[name] === undefined ? null : itemCount(field, selection, PER_ITEM[name], values);
    if (items !== null) return own + items * (1 + perItem);
    return own + (PAGE_LISTS.has(name) ? pageSize * perItem : perItem);
  };

  /** The calls of one object's selection: its costliest selection (see above). Fragments are costed once per page size. */
  const objectCost = (set: SelectionSetNode, type: GraphQLCompositeType, pageSize: number): number => {
    let most = 0;
    for (const selection of set.selections) {
      let cost = 0;
      if (selection.kind === Kind.FIELD) cost = fieldCost(selection, type, pageSize);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = typeOf(selection.typeCondition?.name.value, type);
        cost = condition ? objectCost(selection.selectionSet, condition, pageSize) : 0;
      } else {
        const key = `${selection.name.value}|${pageSize}`;
        const fragment = fragments.get(selection.name.value);
        const condition = fragment ? typeOf(fragment.typeCondition.name.value, type) : null;
        if (known.has(key)) cost = known.get(key)!;
        // A cycle is refused by validation before this runs; cut it all the same.
        else if (fragment && condition && !entered.has(key)) {
          entered.add(key);
          cost = objectCost(fragment.selectionSet, condition, pageSize);
          known.set(key, cost);
        }
      }
      most = Math.max(most, cost);
    }
    return most;
  };

  /** Root fields by response key; each fragment is walked once, since a second spread adds only merged fields. */
  const rootFields = new Map<string, number>();
  const rootPages = new Map<string, number>();
  const walked = new Set<string>();
  const collectRoot = (set: SelectionSetNode, type: GraphQLCompositeType): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        rootFields.set(key, Math.max(rootFields.get(key) ?? 0, fieldCost(selection, type, 0)));
        const field = isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
        const name = field ? `${type.name}.${field.name}` : '';
        if (field && name === 'Query.messages') rootPages.set(key, pageSizeOf(field, selection, values));
        else if (field && PER_ITEM[name] !== undefined) rootPages.set(key, itemCount(field, selection, PER_ITEM[name], values));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = typeOf(selection.typeCondition?.name.value, type);
        if (condition) collectRoot(selection.selectionSet, condition);
      } else if (!walked.has(selection.name.value)) {
        walked.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        const condition = fragment ? typeOf(fragment.typeCondition.name.value, type) : null;
        if (fragment && condition) collectRoot(fragment.selectionSet, condition);
      }
    }
  };

  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'query' ? schema.getQueryType() : null;
  if (!rootType) return { calls: 0, messages: 0 };
  collectRoot(operation.selectionSet, rootType);
  const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
  return { calls: sum(rootFields.values()), messages: sum(rootPages.values()) };
}

/** What an operation can cost: Twilio calls, and messages in the answer. */
export interface Cost {
  calls: number;
  /** Messages the operation's `messages` fields (and `_entities` representations) ask for in all (each is a few hundred bytes of answer). */
  messages: number;
}

/** Messages one request may ask for in all: two full pages. */
export const MAX_MESSAGES_PER_REQUEST = 2 * MAX_PAGE_SIZE;

/** The page size a `messages` field asks for (null means the default, as in the resolver); it is capped at what the resolver accepts. */
function pageSizeOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Readonly<Record<string, unknown>>): number {
  let first: unknown;
  try {
    first = getArgumentValues(field, node, { ...variables })['first'];
  } catch {
    first = MAX_PAGE_SIZE; // invalid variables fail at execution; until then assume the worst
  }
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  return typeof first === 'number' && first > 0 ? Math.min(first, MAX_PAGE_SIZE) : 0;
}

/** How many elements a field's list `argument` holds; 0 when it does not coerce (the field then fails before its resolver runs). */
function itemCount(field: GraphQLField<unknown, unknown>, node: FieldNode, argument: string, variables: Readonly<Record<string, unknown>>): number {
  try {
    const value: unknown = getArgumentValues(field, node, { ...variables })[argument];
    return Array.isArray(value) ? value.length : 0;
  } catch {
    return 0;
  }
}

/** The error of an operation over budget, before any call or when the budget runs out during execution. */
export function tooExpensive(message: string, extensions: Record<string, unknown>): GraphQLError {
  return gatewayError(ErrorCode.QueryTooExpensive, message, extensions);
}

/** Counts the upstream requests of one GraphQL request (retries included) and refuses those past its budget or after its answer. */
export class CallBudget {
  private used = 0;
  private ended = false;

  constructor(readonly limit: number) {}

  /** Takes one upstream request from the budget; throws once it is spent, or once the request has been answered. */
  take(): void {
    if (this.ended) throw gatewayError(ErrorCode.RequestEnded, 'The request was answered before this Twilio call was made.');
    if (this.used >= this.limit) {
      throw tooExpensive(`This request reached its budget of ${this.limit} Twilio calls; ask for fewer messages (smaller \`first\`) or less \`media\`.`, { budget: this.limit });
    }
    this.used++;
  }

  /** The request has been answered: whatever it still has queued is not sent. */
  end(): void {
    this.ended = true;
  }

  /** Requests taken so far. */
  get spent(): number {
    return this.used;
  }
}

/** The QUERY_TOO_EXPENSIVE error of an operation estimated over `budget` calls or over the message cap; null when within. */
export function overBudget(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  budget: number,
): GraphQLError | null {
  const cost = estimateCost(schema, document, operation, variables);
  if (cost.calls > budget) {
    return tooExpensive(
      `This operation could cause ${cost.calls} Twilio calls; the budget is ${budget}. Ask for fewer messages (smaller \`first\`) or less \`media\`.`,
      { estimate: cost.calls, budget },
    );
  }
  if (cost.messages > MAX_MESSAGES_PER_REQUEST) {
    return tooExpensive(
      `This operation asks for ${cost.messages} messages in all; one request may ask for ${MAX_MESSAGES_PER_REQUEST}. Page with \`after\` instead.`,
      { messages: cost.messages, maxMessages: MAX_MESSAGES_PER_REQUEST },
    );
  }
  return null;
}

/**
 * The Apollo plugin that refuses (HTTP 400), before execution, an operation estimated over `budget` upstream
 * calls or over {@link MAX_MESSAGES_PER_REQUEST} messages, and ends each request's budget once it is answered
 * (`budgetOf` finds it in the context).
 */
export function costPlugin<C extends object>(budget: number, budgetOf: (context: C) => CallBudget): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const error = overBudget(schema, document, operation, request.variables ?? {}, budget);
          if (error) {
            error.extensions['http'] = { status: 400 };
            throw error;
          }
        },
        async willSendResponse({ contextValue }) {
          budgetOf(contextValue).end();
        },
      };
    },
  };
}
