/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol, graphql-ws on ws) on the HTTP server's own
 * port and path. Apollo's plugins do not run here, so everything HTTP requests get is applied in graphql-ws's
 * hooks: the host and origin checks, caller auth at connect (4401 when refused), the document limits and the
 * cost estimate, error masking, a message size cap, keep-alive, and a 1001 close on shutdown. Sockets add
 * what only long-lived connections need: per-caller caps on sockets (4429) and running operations
 * (RATE_LIMITED), and an end (4403) when the caller's JWT expires.
 */
import type { Server } from 'node:http';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { getOperationAST, getVariableValues, GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Authenticator } from '../graphql/auth.js';
import type { Caller, GatewayContext } from '../graphql/context.js';
import { overBudget } from '../graphql/cost.js';
import type { TrustedDocuments } from '../graphql/trusted-documents.js';
import { ErrorCode, formatError, gatewayError } from '../graphql/errors.js';
import { LIMITS, validationRules } from '../graphql/limits.js';
import { sharedSubscribe } from '../graphql/shared-execution.js';
import type { Logger } from '../telemetry/log.js';
import { MAX_BODY_BYTES } from './graphql-route.js';

/** What the WebSocket transport needs from the gateway. */
export interface WebSocketOptions {
  server: Server;
  schema: GraphQLSchema;
  authenticate: Authenticator;
  /** The context of one operation; `maxUpstreamCalls` is its call budget (a subscription has none: it lives long). */
  contextFor(caller: Caller, maxUpstreamCalls: number): GatewayContext;
  /** Documents an operation may name by hash (`extensions.persistedQuery`); with `only`, the only ones that run. */
  trusted: TrustedDocuments;
  maxUpstreamCalls: number;
  introspection: boolean;
  /** The same host and origin rules as HTTP requests. */
  hostAllowed(host: string | undefined): boolean;
  originAllowed(origin: string): boolean;
  logger: Logger;
  /** WebSockets one caller may hold open; one more is closed with 4429. */
  maxSocketsPerCaller: number;
  /** Operations one caller may have running over its sockets; one more is refused with RATE_LIMITED. */
  maxSubscriptionsPerCaller: number;
  /** Ping interval, in ms. */
  keepAliveMs?: number;
}

/** Close codes beyond graphql-ws's own: 4429 is final for its client (a reconnect loop stops), 4403 is retried (with a fresh token). */
export const CloseCode = { Unauthorized: 4401, TokenExpired: 4403, TooManySockets: 4429, GoingAway: 1001 } as const;

/** A WebSocket transport attached to a server. */
export interface WebSocketTransport {
  /** Closes every socket with 1001 (clients reconnect elsewhere) and stops taking new ones. */
  close(): Promise<void>;
}

type Extra = {
  caller?: Caller;
  /** True once the socket counts against its caller's cap. */
  counted?: boolean;
  /** The ids of this socket's operations that count against its caller's cap. */
  operations?: Set<string>;
  /** Ends the socket when the caller's JWT expires. */
  expiry?: NodeJS.Timeout;
};

/** A count per caller id. */
class Counts {
  private readonly counts = new Map<string, number>();
  get(id: string): number {
    return this.counts.get(id) ?? 0;
  }
  add(id: string, by: number): void {
    const count = this.get(id) + by;
    if (count > 0) this.counts.set(id, count);
    else this.counts.delete(id);
  }
}

/** The errors of a step that refused a document, with the code Apollo gives the same refusal over HTTP. */
function coded(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((error) => new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { ...error.extensions, code } }));
}

/** Node's timers hold at most about 24.8 days; a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function closeAtExpiry(extra: Extra, socket: { close(code: number, reason: string): void }, expiresAt: number): void {
  const wait = expiresAt - Date.now();
  extra.expiry = setTimeout(() => {
    if (wait > MAX_TIMER_MS) closeAtExpiry(extra, socket, expiresAt);
    else socket.close(CloseCode.TokenExpired, 'Token expired');
  }, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
  extra.expiry.unref();
}

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
  const sockets = new Counts();
  const operations = new Counts();
  const release = (extra: Extra, id: string): void => {
    if (extra.caller && extra.operations?.delete(id)) operations.add(extra.caller.id, -1);
  };
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), logger, error));
  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      subscribe: sharedSubscribe(),
      onConnect: async (ctx) => {
        // Any spelling: GraphiQL and most clients copy an HTTP header's name ("Authorization") into the params.
        const params = ctx.connectionParams ?? {};
        const fromParams = Object.entries(params).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
        const header = typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization;
        const authenticated = options.authenticate(header);
        const caller = authenticated instanceof Promise ? await authenticated : authenticated;
        if (!caller) {
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        const extra = ctx.extra as Extra;
        // Checking a JWT takes a moment: a socket that closed meanwhile must not be counted (its close came already).
        if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
        if (sockets.get(caller.id) >= options.maxSocketsPerCaller) {
          ctx.extra.socket.close(CloseCode.TooManySockets, `Too many connections: this caller may hold ${options.maxSocketsPerCaller} sockets`);
          return false;
        }
        sockets.add(caller.id, 1);
        extra.counted = true;
        extra.caller = caller;
        extra.operations = new Set();
        if (caller.expiresAt !== undefined) closeAtExpiry(extra, ctx.extra.socket, caller.expiresAt);
        return true;
      },
      onClose: (ctx) => {
        const extra = ctx.extra as Extra;
        clearTimeout(extra.expiry);
        if (!extra.caller || !extra.counted) return;
        extra.counted = false;
        sockets.add(extra.caller.id, -1);
        operations.add(extra.caller.id, -(extra.operations?.size ?? 0));
        extra.operations?.clear();
      },
      onComplete: (ctx, id) => release(ctx.extra as Extra, id),
      onSubscribe: (ctx, id, payload) => {
        const extra = ctx.extra as Extra;
        const caller = extra.caller;
        if (!caller || !extra.operations) return [new GraphQLError('Unauthorized')];
        // graphql-ws frees an id when `complete` arrives, before its first execution has even started: a new
        // operation under that id would run beside the old one, untracked. The id is free once the old one ended.
        if (extra.operations.has(id)) return [gatewayError(ErrorCode.BadRequest, `Operation ${JSON.stringify(id.slice(0, 64))} is still running; use another id.`)];
        const named = options.trusted.resolve(payload.query, payload.extensions);
        if ('refused' in named) return [gatewayError(ErrorCode.PersistedQueryNotInList, named.refused)];
        if (typeof named.query !== 'string') return [gatewayError(ErrorCode.BadRequest, 'Send the document, or the hash of one this gateway knows.')];
        let document: DocumentNode;
        try {
          document = parse(named.query, { maxTokens: LIMITS.maxTokens });
        } catch (error) {
          return coded([error instanceof GraphQLError ? error : new GraphQLError('Syntax error')], ApolloServerErrorCode.GRAPHQL_PARSE_FAILED);
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return coded(invalid, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED);
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return coded([new GraphQLError('Name the operation to run with operationName')], ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE);
        const variables = payload.variables ?? {};
        const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 10 });
        if (coercion.errors) return coded(coercion.errors, ApolloServerErrorCode.BAD_USER_INPUT);
        const tooExpensive = overBudget(schema, document, operation, variables, options.maxUpstreamCalls);
        if (tooExpensive) return [tooExpensive];
        if (operations.get(caller.id) >= options.maxSubscriptionsPerCaller) {
          return [gatewayError(ErrorCode.RateLimited, `Too many operations running: this caller may run ${options.maxSubscriptionsPerCaller} at once over WebSockets; complete one first.`)];
        }
        operations.add(caller.id, 1);
        extra.operations.add(id);
        const budget = operation.operation === 'subscription' ? Number.POSITIVE_INFINITY : options.maxUpstreamCalls;
        return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue: options.contextFor(caller, budget) };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : result),
      // A socket that went away mid-send fails its stream with the write error: nothing to tell or log then.
      onError: (ctx, _id, _payload, errors) => (ctx.extra.socket.readyState === WebSocket.OPEN ? format(errors) : errors.map((error) => error.toJSON())),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );
  return {
    async close() {
      for (const socket of wss.clients) socket.close(CloseCode.GoingAway, 'Going away');
      await disposable.dispose();
    },
  };
}
