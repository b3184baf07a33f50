/**
 * Apollo Server as the gateway runs it: the schema and resolvers, the document limits, error masking, and
 * the plugins, each one concern, in the order they run. Transport-free: the HTTP front hands requests to it.
 */
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Logger } from '../telemetry/log.js';
import type { GraphQLSchema } from 'graphql';
import type { GatewayContext } from './context.js';
import { costPlugin } from './cost.js';
import { explorerLandingPage } from './explorer.js';
import { LIMITS, validationRules } from './limits.js';
import { apolloLogger, formatError } from './errors.js';

/** What shapes the GraphQL server. */
export interface ApolloOptions {
  /** Serve the offline explorer (GraphiQL, explorer.ts) on GET with `Accept: text/html` (development). */
  landingPage: boolean;
  introspection: boolean;
  /** Upstream calls one request may cause. */
  maxUpstreamCalls: number;
  logger: Logger;
  /** The executable schema (shared with the WebSocket transport). */
  schema: GraphQLSchema;
}

/** Builds the Apollo Server of the gateway (not started). */
export function createApollo(options: ApolloOptions): ApolloServer<GatewayContext> {
  const { logger } = options;
  return new ApolloServer<GatewayContext>({
    // The gateway drains on SIGTERM itself (main.ts); Apollo's own handler would stop it and re-raise the signal,
    // killing the process while sends are still in flight.
    stopOnTerminationSignals: false,
    schema: options.schema,
    introspection: options.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    validationRules: validationRules(),
    formatError: (formatted, error) => formatError(formatted, logger, error),
    logger: apolloLogger(logger),
    // Compact JSON: Apollo pretty-prints by default, which costs time and bytes on every answer.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      // No cache hints in this API; the cache-control plugin would run a hook on every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Usage and schema reporting need an Apollo key; off explicitly so a stray APOLLO_KEY sends nothing out.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // The explorer works offline; it links to Apollo Sandbox for when the machine is online.
      options.landingPage ? explorerLandingPage<GatewayContext>() : ApolloServerPluginLandingPageDisabled(),
      // Refuses an operation whose estimated cost exceeds the budget, before any call; ends each request's budget when answered.
      costPlugin<GatewayContext>(options.maxUpstreamCalls, (context) => context.budget),
    ],
  });
}
