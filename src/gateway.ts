/**
 * The gateway: a node:http server in front of Apollo Server. The HTTP layer owns what Apollo's
 * standalone server gets wrong for us (CORS allowlist, body limit, health endpoints, caller auth, the
 * Twilio status-callback webhook); Apollo owns GraphQL over HTTP. Nothing listens at import:
 * `createGateway(config)` returns a gateway to `start()` and `stop()`.
 */
import { randomBytes } from 'node:crypto';
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
import { GraphQLError } from 'graphql';
import { createAuthenticator } from './auth.js';
import { isLoopbackHost, type Config } from './config.js';
import { createContext, type Caller, type GatewayContext, type Services } from './context.js';
import { costPlugin } from './cost.js';
import { isLocalHostHeader, originMatcher, readBody, sendJson } from './http.js';
import { IdempotencyStore } from './idempotency.js';
import { aliasLimit, depthLimit, LIMITS, singleSend } from './limits.js';
import { jsonLogger, type Logger } from './log.js';
import { apolloLogger, formatError } from './masking.js';
import { MEDIA_PATH, mediaUrls, serveMedia } from './media.js';
import { SendRateLimiter } from './rate-limit.js';
import { readinessCheck } from './readiness.js';
import { StatusBoard } from './status-board.js';
import type { Resolvers } from './__generated__/resolvers.js';
import { resolvers } from './resolvers/index.js';
import { createTwilioHttp, TwilioMessages, type TwilioHttpOptions } from './twilio/client.js';
import { ErrorCode } from './twilio/errors.js';
import { handleStatusCallback, STATUS_CALLBACK_PATH } from './webhooks.js';

export { STATUS_CALLBACK_PATH };

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
  /** HTTP server bounds (tests shorten them). */
  http?: Partial<HttpLimits>;
}

/** Bounds on what one client can hold of the HTTP server. */
export interface HttpLimits {
  /** Time to receive a request's headers (slow-header clients are cut). */
  headersTimeoutMs: number;
  /** Time to receive a whole request. */
  requestTimeoutMs: number;
  /** Idle time of a keep-alive connection. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; more are refused at accept. */
  maxConnections: number;
}

/** Node's defaults are 60 s for headers and 300 s for a request, with no cap on connections. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 1_000 };

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

function graphqlError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

/** Builds the gateway for a configuration. */
export function createGateway(config: Readonly<Config>, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? jsonLogger;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.http };
  const upstream = createTwilioHttp(config.twilio, { logger, ...options.upstream });
  const media = mediaUrls(config.gatewaySecret ? Buffer.from(config.gatewaySecret) : randomBytes(32));
  let server: Server | undefined;
  let url = '';
  let draining = false;
  /** The addresses this gateway is known by: PUBLIC_URL, or its own (with `localhost` for a loopback one). */
  const ownBases = (): string[] => {
    if (config.publicUrl) return [config.publicUrl];
    const port = url.slice(url.lastIndexOf(':'));
    return isLoopbackHost(config.host) || config.host === '0.0.0.0' ? [url, `http://localhost${port}`] : [url];
  };
  const services: Services = {
    upstream,
    idempotency: new IdempotencyStore(),
    sendRateLimiter: new SendRateLimiter(config.sendRateLimitPerMinute),
    statusBoard: new StatusBoard(),
    mediaUrl: (messageSid, mediaSid) => media.url(ownBases()[0]!, messageSid, mediaSid),
  };
  const authenticate = createAuthenticator(config.auth);
  const originAllowed = originMatcher(config.corsOrigins);
  const ready = readinessCheck(() => new TwilioMessages(upstream).ping());
  const landingPage = !config.production;
  /**
   * In development, only loopback names, IP addresses (and PUBLIC_URL's host) may be asked for: a web page whose
   * name an attacker re-points at this machine (DNS rebinding) reaches the gateway as its own origin, with its
   * own name in Host, and would otherwise read everything an open development gateway serves.
   */
  const publicHosts = config.publicUrl ? [new URL(config.publicUrl).hostname] : [];
  const hostAllowed = (header: string | undefined): boolean => config.production || isLocalHostHeader(header, publicHosts);

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
    logger: apolloLogger(logger),
    // Compact JSON: Apollo pretty-prints by default, which costs time and bytes on every answer.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      // No cache hints in this API; the cache-control plugin would run a hook on every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Usage and schema reporting need an Apollo key; off explicitly so a stray APOLLO_KEY sends nothing out.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, document: EXAMPLE_OPERATION, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      // Refuses an operation whose estimated cost exceeds the budget, before any call; ends each request's budget when answered.
      costPlugin<GatewayContext>(config.maxUpstreamCallsPerRequest, (context) => context.budget),
    ],
  });

  const unauthenticated = (): GraphQLError => {
    // Apollo reads `http` from the error (its status and a Map of headers) and strips it from the answer.
    const http = { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) };
    const extensions: Record<string, unknown> = { code: ErrorCode.Unauthenticated, http };
    return new GraphQLError('Send Authorization: Bearer <API key or JWT>', { extensions });
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> => {
    const method = req.method ?? 'GET';
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const authenticated = authenticate(req.headers.authorization);
    const caller: Caller | null = authenticated instanceof Promise ? await authenticated : authenticated;
    // Without credentials only a GET may go on, and only as far as Apollo's landing page: building the
    // context (which every operation needs) refuses it, so whatever Apollo does not answer with the page is a 401.
    if (!caller && !(landingPage && method === 'GET')) {
      return graphqlError(res, 401, ErrorCode.Unauthenticated, 'Send Authorization: Bearer <API key or JWT>', { ...cors, 'www-authenticate': 'Bearer' });
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
      context: async () => {
        if (!caller) throw unauthenticated();
        return createContext(services, caller, config.maxUpstreamCallsPerRequest);
      },
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
    if (!hostAllowed(req.headers.host)) {
      return sendJson(res, 421, { error: 'In development this gateway answers only localhost or an IP address (or PUBLIC_URL\'s host).' });
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') return (await ready()) ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'upstream unavailable' });
    if (path === STATUS_CALLBACK_PATH) {
      return handleStatusCallback(req, res, {
        authToken: config.twilio.authToken,
        signedBases: ownBases,
        statusBoard: services.statusBoard,
        logger,
        onStatusCallback: options.onStatusCallback,
      });
    }
    if (path.startsWith(MEDIA_PATH)) return serveMedia(req, res, media, new TwilioMessages(upstream), logger);
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
    async start(port = config.port, host = config.host) {
      await apollo.start();
      // Connections are checked for the header and request timeouts this often (Node's default: every 30 s).
      const checkEveryMs = Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 2));
      server = createServer({ connectionsCheckingInterval: checkEveryMs }, (req, res) => {
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
      server.headersTimeout = limits.headersTimeoutMs;
      server.requestTimeout = limits.requestTimeoutMs;
      server.keepAliveTimeout = limits.keepAliveTimeoutMs;
      server.maxConnections = limits.maxConnections;
      // At the cap, idle keep-alive connections make room: holding sockets open cannot lock everyone out.
      server.on('drop', () => server?.closeIdleConnections());
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      url = `http://${shown}:${address.port}`;
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
