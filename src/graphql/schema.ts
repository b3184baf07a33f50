/** The schema: its SDL, read from schema/*.graphql (one file per area), and the executable schema both transports run. */
import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from '../__generated__/resolvers.js';

/** The SDL of schema/*.graphql, in file-name order. */
export function loadTypeDefs(): string {
  const dir = new URL('../../schema/', import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(new URL(name, dir), 'utf8'))
    .join('\n');
}

/** The executable schema with `resolvers`: one for HTTP (Apollo) and WebSocket (graphql-ws) alike. */
export function executableSchema(resolvers: Resolvers): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}
