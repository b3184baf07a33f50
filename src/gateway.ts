/**
 * The gateway: a node:http server in front of Apollo Server. The HTTP layer owns what Apollo's
 * standalone server gets wrong for us (CORS allowlist, body limit, health endpoints, caller auth, the
 * Twilio status-callback webhook); Apollo owns GraphQL over HTTP. Nothing listens at import:
 * `createGateway(config)` returns a gateway to `start()` and `stop()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLFormattedError } from 'graphql';
import { createAuthenticator } from './auth.js';
import { originMatcher, readBody, sendJson } from './http.js';
import type { Config } from './config.js';
import { createContext, type GatewayContext, type Services } from './context.js';
import { IdempotencyStore } from './idempotency.js';
import { aliasLimit, depthLimit, LIMITS, singleSend } from './limits.js';
import { jsonLogger, type Logger } from './log.js';
import { SendRateLimiter } from './rate-limit.js';
import { isMessageStatus, StatusBoard } from './status-board.js';
import type { Resolvers } from './__generated__/resolvers.js';
import { resolvers } from './resolvers/index.js';
import { createTwilioHttp, TwilioMessages, type TwilioHttpOptions } from './twilio/client.js';
import { ErrorCode } from './twilio/errors.js';
import { isValidSignature } from './twilio/signature.js';

/** Path of the webhook Twilio posts status callbacks to. */
export const STATUS_CALLBACK_PATH = '/twilio/status-callback';
/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 100 * 1024;

/** Options beyond the configuration. */
export interface GatewayOptions {
  logger?: Logger;
  /** Upstream timeouts and retry rules (tests shorten them). */
  upstream?: TwilioHttpOptions;
  /** Replaces the resolvers (the benchmark's naive server swaps some out). */
  resolvers?: Resolvers;
  /** Called for every status callback with a valid signature. */
  onStatusCallback?: (params: Record<string, string>) => void;
}

/** A gateway ready to listen. */
export interface Gateway {
  /** `http://host:port`, set once started. */
  readonly url: string;
  readonly services: Services;
  readonly apollo: ApolloServer<GatewayContext>;
  start(port?: number, host?: string): Promise<string>;
  /** Stops taking requests, lets those in flight finish (up to `graceMs`, default 10 s), then closes upstream sockets. */
  stop(graceMs?: number): Promise<void>;
}

/** The SDL of schema/*.graphql, in file-name order. */
export function loadTypeDefs(): string {
  const dir = new URL('../schema/', import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(new URL(name, dir), 'utf8'))
    .join('\n');
}

const EXAMPLE_OPERATION = `# Paste-ready: the newest messages with their media. Try the mutation below too.
query RecentMessages {
  messages(first: 5) {
    nodes { sid from to body status direction numSegments price { amount currency } dateSent media { contentType url } }
    pageInfo { hasNextPage endCursor }
  }
}

mutation Send {
  createMessage(input: { to: "+14155550100", from: "+15005550006", body: "Hello from GraphQL" }) {
    message { sid status numSegments }
    userErrors { field code message twilioCode }
  }
}
`;

/** Codes whose messages we wrote ourselves and may show; anything else is masked. */
const SAFE_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Masks every error we did not make on purpose: no stack, no upstream text, no internals. */
export function formatError(formatted: GraphQLFormattedError, logger: Logger, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && SAFE_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  logger('error', 'graphql.unexpected_error', { message: error instanceof Error ? error.message : String(error), path: formatted.path });
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
}

function graphqlError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

/** Builds the gateway for a configuration. */
export function createGateway(config: Readonly<Config>, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? jsonLogger;
  const upstream = createTwilioHttp(config.twilio, { logger, ...options.upstream });
  const services: Services = {
    upstream,
    idempotency: new IdempotencyStore(),
    sendRateLimiter: new SendRateLimiter(config.sendRateLimitPerMinute),
    statusBoard: new StatusBoard(),
  };
  const authenticate = createAuthenticator(config.auth);
  const originAllowed = originMatcher(config.corsOrigins);

  const apollo = new ApolloServer<GatewayContext>({
    typeDefs: loadTypeDefs(),
    resolvers: options.resolvers ?? resolvers,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    validationRules: [depthLimit(LIMITS.maxDepth), aliasLimit(LIMITS.maxAliases), singleSend],
    formatError: (formatted, error) => formatError(formatted, logger, error),
    // Compact JSON: Apollo pretty-prints by default, which costs time and bytes on every answer.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      // No cache hints in this API; the cache-control plugin would run a hook on every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Usage and schema reporting need an Apollo key; off explicitly so a stray APOLLO_KEY sends nothing out.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, document: EXAMPLE_OPERATION, includeCookies: false }),
    ],
  });

  let server: Server | undefined;
  let url = '';
  let draining = false;
  let readyUntil = 0;

  const handleStatusCallback = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
    const params = Object.fromEntries(new URLSearchParams(body));
    const signature = req.headers['x-twilio-signature'];
    const base = config.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
    const valid =
      req.method === 'POST' &&
      typeof signature === 'string' &&
      config.twilio.authToken !== null &&
      isValidSignature(config.twilio.authToken, signature, `${base}${req.url ?? ''}`, params);
    if (!valid) {
      logger('warn', 'status_callback.rejected', { reason: 'bad signature' });
      res.writeHead(403).end();
      return;
    }
    const sid = params['MessageSid'] ?? '';
    const status = params['MessageStatus'] ?? '';
    if (sid && isMessageStatus(status)) {
      const held = services.statusBoard.record(sid, status);
      logger('info', 'status_callback', { messageSid: sid, reported: status, status: held });
    }
    options.onStatusCallback?.(params);
    res.writeHead(204).end();
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> => {
    const method = req.method ?? 'GET';
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const wantsLandingPage = method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    const authenticated = wantsLandingPage ? { id: 'landing-page' } : authenticate(req.headers.authorization);
    const caller = authenticated instanceof Promise ? await authenticated : authenticated;
    if (!caller) {
      return graphqlError(res, 401, ErrorCode.Unauthenticated, 'Send Authorization: Bearer <API key or JWT>', {
        ...cors,
        'www-authenticate': 'Bearer',
      });
    }
    let body: unknown = undefined;
    if (method === 'POST') {
      const text = await readBody(req, MAX_BODY_BYTES);
      if (text === null) return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body larger than ${MAX_BODY_BYTES} bytes`, cors);
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.includes('application/json')) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          return graphqlError(res, 400, 'BAD_REQUEST', 'The body is not valid JSON', cors);
        }
      } else {
        body = text;
      }
    }
    const requestTarget = req.url ?? '/';
    const queryStart = requestTarget.indexOf('?');
    const search = queryStart < 0 ? '' : requestTarget.slice(queryStart);
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: method.toUpperCase(), headers, search, body };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => createContext(services, caller),
    });
    const outHeaders: Record<string, string> = { ...cors };
    for (const [key, value] of response.headers) outHeaders[key] = value;
    if (response.body.kind === 'complete') {
      outHeaders['content-length'] = String(Buffer.byteLength(response.body.string));
      res.writeHead(response.status ?? 200, outHeaders);
      res.end(response.body.string);
      return;
    }
    res.writeHead(response.status ?? 200, outHeaders);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      try {
        if (Date.now() > readyUntil) {
          await new TwilioMessages(upstream).ping();
          readyUntil = Date.now() + 5_000;
        }
        return sendJson(res, 200, { status: 'ready' });
      } catch {
        return sendJson(res, 503, { status: 'upstream unavailable' });
      }
    }
    if (path === STATUS_CALLBACK_PATH) return handleStatusCallback(req, res);
    if (path !== '/graphql') return sendJson(res, 404, { error: 'Not found. GraphQL is at /graphql.' });

    const origin = req.headers.origin;
    const cors: Record<string, string> = { vary: 'Origin' };
    if (origin !== undefined) {
      if (!originAllowed(origin)) {
        return graphqlError(res, 403, 'FORBIDDEN', 'Origin not allowed', cors);
      }
      cors['access-control-allow-origin'] = origin;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    return handleGraphQL(req, res, cors);
  };

  return {
    get url() {
      return url;
    },
    services,
    apollo,
    async start(port = config.port, host = '127.0.0.1') {
      await apollo.start();
      server = createServer((req, res) => {
        // While draining, answers close their connection so that keep-alive clients let go.
        res.on('finish', () => {
          if (draining) server?.closeIdleConnections();
        });
        if (draining) res.shouldKeepAlive = false;
        route(req, res).catch((error: unknown) => {
          logger('error', 'http.unhandled', { message: error instanceof Error ? error.message : String(error) });
          if (!res.headersSent) graphqlError(res, 500, ErrorCode.InternalServerError, 'Internal server error');
          else res.end();
        });
      });
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
      return url;
    },
    async stop(graceMs = 10_000) {
      if (server) {
        draining = true;
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        // Requests in flight get `graceMs` to finish; whatever is still open then is cut.
        const deadline = setTimeout(() => server?.closeAllConnections(), graceMs);
        deadline.unref();
        await closed;
        clearTimeout(deadline);
      }
      await apollo.stop();
      upstream.close();
    },
  };
}
