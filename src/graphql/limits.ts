/**
 * GraphQL cost limits, as validation rules so they run before any resolver (and so before Twilio):
 * depth, aliases, and at most one createMessage per operation. Token count is Apollo's
 * `parseOptions.maxTokens` (a syntax-level limit that answers 400).
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Largest `first`: Twilio's largest `PageSize`. */
export const MAX_PAGE_SIZE = 1000;
/** `first` when none is given (or null is). */
export const DEFAULT_PAGE_SIZE = 50;

/** The limits, with defaults that fit every query a frontend writes against this schema. */
export const LIMITS = { maxDepth: 12, maxAliases: 30, maxTokens: 5_000 } as const;

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } });
}

/** Root fields of introspection: their depth is bounded by graphql-js's own MaxIntrospectionDepthRule. */
const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

/**
 * Refuses operations nested deeper than `maxDepth` fields. Linear in the document: each fragment's depth
 * is computed once and reused at every spread, and a spread that closes a cycle adds nothing (graphql's
 * NoFragmentCyclesRule reports the cycle). Introspection subtrees are not counted: the standard
 * introspection query that codegen, GraphiQL and Sandbox send is 15 levels deep, and graphql-js bounds
 * introspection with a rule of its own.
 */
export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const known = new Map<string, number>();
    const entered = new Set<string>();
    const fragmentDepth = (name: string): number => {
      const depth = known.get(name);
      if (depth !== undefined) return depth;
      const fragment = fragments.get(name);
      if (!fragment || entered.has(name)) return 0;
      entered.add(name);
      const computed = depthOf(fragment.selectionSet);
      known.set(name, computed);
      return computed;
    };
    const depthOf = (set: SelectionSetNode | undefined): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        let depth = 0;
        if (selection.kind === Kind.FIELD) {
          if (!INTROSPECTION_ROOTS.has(selection.name.value)) depth = 1 + depthOf(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) depth = depthOf(selection.selectionSet);
        else depth = fragmentDepth(selection.name.value);
        deepest = Math.max(deepest, depth);
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        if (depthOf(node.selectionSet) > maxDepth) {
          context.reportError(limitError(`Query is deeper than the limit of ${maxDepth}`));
        }
      },
    };
  };
}

/** Our validation rules, in the order they run after graphql-js's own: for HTTP (Apollo) and WebSocket alike. */
export function validationRules(): ValidationRule[] {
  return [depthLimit(LIMITS.maxDepth), aliasLimit(LIMITS.maxAliases), singleSend];
}

/** Refuses documents with more than `maxAliases` aliases (alias fan-out multiplies upstream calls). */
export function aliasLimit(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === maxAliases + 1) {
          context.reportError(limitError(`More than ${maxAliases} aliases in one document`));
        }
      },
    };
  };
}

/** Refuses a document that asks for more than one createMessage: one send per operation. */
export function singleSend(context: ValidationContext): ASTVisitor {
  let sends = 0;
  return {
    Field(node) {
      if (node.name.value === 'createMessage' && context.getParentType()?.name === 'Mutation' && ++sends === 2) {
        context.reportError(limitError('At most one createMessage per operation'));
      }
    },
  };
}
