/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol, graphql-ws on ws) on the HTTP server's own
 * port and path. Apollo's plugins do not run here, so everything HTTP requests get is applied in graphql-ws's
 * hooks: the host and origin checks, caller auth at connect (4401 when refused), the document limits and the
 * cost estimate, error masking, a message size cap, keep-alive, and a 1001 close on shutdown.
 */
import type { Server } from 'node:http';
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../graphql/auth.js';
import type { Caller, GatewayContext } from '../graphql/context.js';
import { overBudget } from '../graphql/cost.js';
import { formatError } from '../graphql/errors.js';
import { LIMITS, validationRules } from '../graphql/limits.js';
import type { Logger } from '../telemetry/log.js';
import { MAX_BODY_BYTES } from './graphql-route.js';

/** What the WebSocket transport needs from the gateway. */
export interface WebSocketOptions {
  server: Server;
  schema: GraphQLSchema;
  authenticate: Authenticator;
  /** The context of one operation; `maxUpstreamCalls` is its call budget (a subscription has none: it lives long). */
  contextFor(caller: Caller, maxUpstreamCalls: number): GatewayContext;
  maxUpstreamCalls: number;
  introspection: boolean;
  /** The same host and origin rules as HTTP requests. */
  hostAllowed(host: string | undefined): boolean;
  originAllowed(origin: string): boolean;
  logger: Logger;
  /** Ping interval, in ms. */
  keepAliveMs?: number;
}

/** A WebSocket transport attached to a server. */
export interface WebSocketTransport {
  /** Closes every socket with 1001 (clients reconnect elsewhere) and stops taking new ones. */
  close(): Promise<void>;
}

type Extra = { caller?: Caller };

/** Attaches GraphQL over WebSocket to `server` at `/graphql`. */
export function attachWebSocket(options: WebSocketOptions): WebSocketTransport {
  const { schema, logger } = options;
  const rules = [...specifiedRules, ...validationRules(), ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const wss = new WebSocketServer({
    server: options.server,
    path: '/graphql',
    maxPayload: MAX_BODY_BYTES,
    // A page whose name was re-pointed at this machine, or a foreign origin, gets no socket (as over HTTP).
    verifyClient: ({ req, origin }: { req: { headers: { host?: string } }; origin: string }) =>
      options.hostAllowed(req.headers.host) && (!origin || options.originAllowed(origin)),
  });
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), logger, error));
  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const fromParams = ctx.connectionParams?.['authorization'];
        const header = typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization;
        const authenticated = options.authenticate(header);
        const caller = authenticated instanceof Promise ? await authenticated : authenticated;
        if (!caller) {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        (ctx.extra as Extra).caller = caller;
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const caller = (ctx.extra as Extra).caller;
        if (!caller) return [new GraphQLError('Unauthorized')];
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: LIMITS.maxTokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return invalid;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Name the operation to run with operationName')];
        const variables = payload.variables ?? {};
        const tooExpensive = overBudget(schema, document, operation, variables, options.maxUpstreamCalls);
        if (tooExpensive) return [tooExpensive];
        const budget = operation.operation === 'subscription' ? Number.POSITIVE_INFINITY : options.maxUpstreamCalls;
        return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue: options.contextFor(caller, budget) };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : result),
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );
  return {
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await disposable.dispose();
    },
  };
}
