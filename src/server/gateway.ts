/**
 * The gateway's front: one node:http server, a table of small routes (health, readiness, status callbacks,
 * media, GraphQL), the host check, the server's bounds, and the lifecycle. Nothing listens at import:
 * `createGateway(config)` returns a gateway to `start()` and `stop()`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import { ConfigError, isLoopbackHost, type Config } from '../config.js';
import { parseManifest, TrustedDocuments } from '../graphql/trusted-documents.js';
import { createApollo } from '../graphql/apollo.js';
import { resolvers } from '../graphql/resolvers/index.js';
import { executableSchema } from '../graphql/schema.js';
import { subgraphSchema } from '../graphql/federation.js';
import { eventMessages } from '../graphql/event-messages.js';
import { statusPoller } from '../graphql/status-poller.js';
import { createAuthenticator } from '../graphql/auth.js';
import { createContext, type GatewayContext, type Services } from '../graphql/context.js';
import { isLocalHostHeader, originMatcher, sendJson } from '../http.js';
import { createMemoryState } from '../state/memory.js';
import { createRedisState } from '../state/redis/state.js';
import { jsonLogger, type Logger } from '../telemetry/log.js';
import type { Resolvers } from '../__generated__/resolvers.js';
import { createTwilioHttp, type TwilioHttpOptions } from '../twilio/http.js';
import { TwilioMessages } from '../twilio/messages.js';
import { ErrorCode } from '../graphql/errors.js';
import { corsHandler } from './cors.js';
import { graphqlRoute, sendGraphQLError } from './graphql-route.js';
import { MEDIA_PATH, mediaUrls, serveMedia } from './media.js';
import { readinessCheck } from './readiness.js';
import { attachWebSocket, type WebSocketTransport } from './ws.js';
import { isWebAppPath, serveWebApp } from './web.js';
import { handleInbound, handleStatusCallback, INBOUND_PATH, STATUS_CALLBACK_PATH, type WebhookOptions } from './webhooks.js';

export { INBOUND_PATH, STATUS_CALLBACK_PATH };
export { MAX_BODY_BYTES } from './graphql-route.js';

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
  /** Open connections at most, WebSockets included; more are refused at accept. */
  maxConnections: number;
}

/** Node's defaults are 60 s for headers and 300 s for a request, with no cap on connections (MAX_CONNECTIONS sets ours). */
export const DEFAULT_HTTP_LIMITS: Omit<HttpLimits, 'maxConnections'> = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 };

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

/** The manifest of PERSISTED_DOCUMENTS, read once; a file that is not one stops start-up with a line naming the variable. */
function trustedDocuments(config: Readonly<Config>): TrustedDocuments {
  if (config.persistedDocuments === null) return new TrustedDocuments(new Map(), false);
  try {
    return new TrustedDocuments(parseManifest(readFileSync(config.persistedDocuments, 'utf8')), config.trustedDocumentsOnly);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new ConfigError(`PERSISTED_DOCUMENTS (${config.persistedDocuments}) cannot be used: ${reason}`);
  }
}

/** Builds the gateway for a configuration. */
export function createGateway(config: Readonly<Config>, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? jsonLogger;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, maxConnections: config.maxConnections, ...options.http };
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
  // REDIS_URL: every replica shares idempotency keys, send budgets, statuses and events; else this process holds them.
  const state = config.redis ? createRedisState({ ...config.redis, sendRateLimitPerMinute: config.sendRateLimitPerMinute, logger }) : createMemoryState(config);
  const services: Services = {
    upstream,
    ...state,
    eventMessages: eventMessages(() => new TwilioMessages(upstream, { lane: 'events' }), state.snapshots),
    statusPoller: statusPoller({
      // A poll asks Twilio: the cache holds what the gateway already knows.
      twilio: () => new TwilioMessages(upstream, { cached: false, lane: 'status-poller' }),
      statusEvents: state.statusEvents,
      snapshots: state.snapshots,
      leases: state.pollLeases,
      invalidations: state.invalidations,
      intervalMs: config.statusPollIntervalMs,
      logger,
    }),
    mediaUrl: (messageSid, mediaSid) => media.url(ownBases()[0]!, messageSid, mediaSid),
    // Real Twilio can reach only PUBLIC_URL; an embedded emulator reaches the gateway's own address.
    statusCallbackUrl: () => (config.publicUrl || (config.embeddedEmulator && url) ? `${ownBases()[0]!}${STATUS_CALLBACK_PATH}` : null),
  };
  // Every replica's cache hears of every change any replica makes or is told of.
  const stopInvalidating = state.invalidations.subscribe(({ sid, deleted }) => (deleted ? upstream.reads.forget(sid) : upstream.reads.invalidate(sid)));
  const ready = readinessCheck(() => new TwilioMessages(upstream, { cached: false, lane: 'readiness' }).ping());
  const webhooks: WebhookOptions = {
    authToken: config.twilio.authToken,
    signedBases: ownBases,
    accountSid: config.twilio.accountSid,
    statusEvents: services.statusEvents,
    snapshots: services.snapshots,
    invalidations: services.invalidations,
    logger,
    onStatusCallback: options.onStatusCallback,
  };
  const landingPage = !config.production;
  /**
   * In development, only loopback names, IP addresses (and PUBLIC_URL's host) may be asked for: a web page whose
   * name an attacker re-points at this machine (DNS rebinding) reaches the gateway as its own origin, with its
   * own name in Host, and would otherwise read everything an open development gateway serves.
   */
  const publicHosts = config.publicUrl ? [new URL(config.publicUrl).hostname] : [];
  const hostAllowed = (header: string | undefined): boolean => config.production || isLocalHostHeader(header, publicHosts);
  // FEDERATION=true: the same API as an Apollo Federation 2 subgraph; one schema for HTTP and WebSocket alike.
  const schemaResolvers = options.resolvers ?? resolvers;
  const schema = config.federation ? subgraphSchema(schemaResolvers, { serviceSdl: config.introspection }) : executableSchema(schemaResolvers);
  const apollo = createApollo({ schema, landingPage, introspection: config.introspection, maxUpstreamCalls: config.maxUpstreamCallsPerRequest, logger });
  const cors = corsHandler(config.corsOrigins);
  const authenticate = createAuthenticator(config.auth);
  let ws: WebSocketTransport | undefined;
  const trusted = trustedDocuments(config);
  const handleGraphQL = graphqlRoute({
    apollo,
    authenticate,
    landingPage,
    trusted,
    contextFor: (caller) => createContext(services, caller, config.maxUpstreamCallsPerRequest),
  });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req.headers.host)) {
      return sendJson(res, 421, { error: 'In development this gateway answers only localhost or an IP address (or PUBLIC_URL\'s host).' });
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      // Without its shared state a replica would refuse every send: the load balancer should send traffic elsewhere.
      if (!state.ready()) return sendJson(res, 503, { status: 'state unavailable' });
      return (await ready()) ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'upstream unavailable' });
    }
    if (path === STATUS_CALLBACK_PATH) return handleStatusCallback(req, res, webhooks);
    if (path === INBOUND_PATH) return handleInbound(req, res, webhooks);
    if (path.startsWith(MEDIA_PATH)) return serveMedia(req, res, media, new TwilioMessages(upstream, { lane: 'media' }), logger);
    if (isWebAppPath(path) && config.webApp) return serveWebApp(req, res, path);
    if (path !== '/graphql') return sendJson(res, 404, { error: 'Not found. GraphQL is at /graphql.' });
    const corsHeaders = cors(req, res);
    if (corsHeaders) await handleGraphQL(req, res, corsHeaders);
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
          if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.InternalServerError, 'Internal server error');
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
      // Attached once listening: a port that is taken is reported by listen alone.
      ws = attachWebSocket({
        server,
        schema,
        authenticate,
        contextFor: (caller, maxUpstreamCalls) => createContext(services, caller, maxUpstreamCalls),
        trusted,
        maxUpstreamCalls: config.maxUpstreamCallsPerRequest,
        introspection: config.introspection,
        hostAllowed,
        originAllowed: originMatcher(config.corsOrigins),
        maxSocketsPerCaller: config.maxSocketsPerCaller,
        maxSubscriptionsPerCaller: config.maxSubscriptionsPerCaller,
        logger,
      });
      const address = server.address() as AddressInfo;
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      url = `http://${shown}:${address.port}`;
      return url;
    },
    async stop(graceMs = 10_000) {
      // Subscribers are told to go elsewhere (1001) first; HTTP requests in flight then get their grace.
      const transport = ws;
      ws = undefined;
      await transport?.close();
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
      services.statusPoller.stop();
      stopInvalidating();
      await state.close();
      upstream.close();
    },
  };
}
