/**
 * The Apollo Federation 2 subgraph (FEDERATION=true): the SDL of schema/*.graphql and the same resolvers as
 * the plain schema, plus a federation link and `Message @key(fields: "sid")`, built by `@apollo/subgraph`. A
 * router composes it from `_service { sdl }` and resolves references to messages through `_entities`, which
 * goes through the request's message DataLoader (one fetch per distinct SID per request).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, type ConstDirectiveNode, type DefinitionNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Resolvers } from '../__generated__/resolvers.js';
import type { WireMessage } from '../protocol/wire.js';
import type { GatewayContext } from './context.js';
import { ErrorCode, gatewayError } from './errors.js';
import { messageBySid } from './resolvers/query.js';
import { loadTypeDefs } from './schema.js';

/** The federation version the subgraph links: 2.3 has all it needs (`@key`), and Federation 2 routers and composers since 2023 read it. */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.3';

/**
 * What federation adds to schema/*.graphql: the link to the federation spec, and the key of each entity this
 * subgraph owns (directives here are appended to the type of the same name).
 */
export const FEDERATION_SDL = `
  extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key"])
  type Message @key(fields: "sid")
`;

/** A router's reference to a message: its key, as the router sends it (so not trusted to be a string). */
export interface MessageReference {
  __typename: 'Message';
  sid?: unknown;
}

/** The subgraph's SDL: schema/*.graphql with {@link FEDERATION_SDL}'s link first and its directives on their types. */
export function subgraphTypeDefs(): DocumentNode {
  const additions = parse(FEDERATION_SDL).definitions;
  const keys = new Map<string, readonly ConstDirectiveNode[]>();
  for (const addition of additions) if (addition.kind === Kind.OBJECT_TYPE_DEFINITION) keys.set(addition.name.value, addition.directives ?? []);
  const definitions = parse(loadTypeDefs()).definitions.map((definition): DefinitionNode => {
    const directives = definition.kind === Kind.OBJECT_TYPE_DEFINITION ? keys.get(definition.name.value) : undefined;
    return directives && definition.kind === Kind.OBJECT_TYPE_DEFINITION
      ? { ...definition, directives: [...(definition.directives ?? []), ...directives] }
      : definition;
  });
  const links = additions.filter((addition) => addition.kind === Kind.SCHEMA_EXTENSION);
  return { kind: Kind.DOCUMENT, definitions: [...links, ...definitions] };
}

/** Resolves a router's reference to a message: through the request's loader, null for an unknown or malformed SID. */
export function resolveMessageReference(reference: MessageReference, ctx: GatewayContext): Promise<WireMessage | null> | null {
  return typeof reference.sid === 'string' ? messageBySid(ctx, reference.sid) : null;
}

/** What the subgraph shows beyond the API. */
export interface SubgraphOptions {
  /**
   * Answer `_service { sdl }`, the schema a router's composition reads. It tells as much as introspection, so it
   * follows GATEWAY_INTROSPECTION: off in production unless asked (compose from a development instance's SDL).
   */
  serviceSdl: boolean;
}

/** The error of `_service` when it is off. */
const serviceSdlOff = (): never => {
  throw gatewayError(ErrorCode.Forbidden, '`_service { sdl }` is off, as introspection is (GATEWAY_INTROSPECTION=true turns both on).');
};

/**
 * The executable subgraph schema with `resolvers` (the same for HTTP and WebSocket): the plain schema's types,
 * fields and subscriptions, plus `_service`, `_entities` and `_Entity`.
 */
export function subgraphSchema(resolvers: Resolvers, options: SubgraphOptions): GraphQLSchema {
  type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;
  const federated = {
    ...resolvers,
    // Applied after @apollo/subgraph's own `_service` resolver, so this one replaces it.
    Query: { ...resolvers.Query, ...(options.serviceSdl ? {} : { _service: serviceSdlOff }) },
    Message: { ...resolvers.Message, __resolveReference: resolveMessageReference },
  };
  return buildSubgraphSchema({ typeDefs: subgraphTypeDefs(), resolvers: federated as SubgraphResolvers });
}
