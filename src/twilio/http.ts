/**
 * The transport to Twilio: one got instance per process (base URL, Basic auth header, keep-alive agents,
 * timeouts, no retries of its own), the fair concurrency limiter, the shared reads, and the tricks that make
 * got cheaper per call.
 * Credentials travel only in the Authorization header (not got's username/password, which end up in error
 * messages).
 */
import http from 'node:http';
import https from 'node:https';
import got, { type BeforeRequestHook, type Got, type RequestFunction } from 'got';
import type { TwilioConfig } from '../config.js';
import { accountPath } from '../protocol/wire.js';
import { silentLogger, type Logger } from '../telemetry/log.js';
import { Limiter } from './limiter.js';
import { DEFAULT_RETRY, type RetryPolicy } from './rules.js';
import { SharedReads } from './shared-reads.js';

/** Timeouts of every upstream call, in ms. */
export interface Timeouts {
  connect: number;
  /** Time to the first byte of the response once the request is sent. */
  response: number;
  /** Whole request, retries excluded. */
  total: number;
}

/** Options beyond the configuration, mostly for tests. */
export interface TwilioHttpOptions {
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  /** Where retries and failures are logged (default: nowhere). */
  logger?: Logger;
}

/** The process-wide upstream: the got instance, the concurrency limiter, the shared reads and the rules. */
export interface TwilioHttp {
  readonly got: Got;
  readonly limiter: Limiter;
  /** Reads coalesced and cached across requests; told of changes through `invalidate` and `forget`. */
  readonly reads: SharedReads;
  readonly accountSid: string;
  /** Twilio's base URL, e.g. `https://api.twilio.com`. */
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  /** Upstream requests made (attempts, retries included). */
  requests: number;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connect: 3_000, response: 10_000, total: 15_000 };
/** Longest a media download from Twilio's storage may take, in ms. */
export const MEDIA_DOWNLOAD_MS = 60_000;

/**
 * Empties got's `cacheOptions` before each request is built. got spreads them (four keys, even unset)
 * into the object of ~30 options it hands to node:http, and on Node 20's V8 a spread followed by that
 * many keys takes a slow path: about 18 µs to build the object, and as much again in garbage
 * collection. Together about 35 µs of CPU per call, a quarter of got's cost, measured with the
 * benchmark's stub. We use no HTTP cache, so the options are not needed. Outside a merge, got's setter
 * replaces the object instead of assigning into it.
 */
const dropCacheOptions: BeforeRequestHook = (options) => {
  options.cacheOptions = {};
};

/**
 * node:http's request, given only the options got set. got hands over ~35 keys, most of them
 * `undefined`, and node:http copies that object twice per call (ClientRequest, then the agent): about
 * 10–15 µs of CPU per call, measured against the benchmark's stub. Leaving out an `undefined` option
 * is what node:http does with it anyway.
 */
const requestWithSetOptions: RequestFunction = (url, options) => {
  const given = options as Record<string, unknown>;
  const set: Record<string, unknown> = {};
  for (const key in given) if (given[key] !== undefined) set[key] = given[key];
  return (url.protocol === 'https:' ? https : http).request(url, set);
};

/** The Authorization header value for Twilio's Basic auth (account SID or API key, and its secret). */
export function basicAuthorization(credentials: Pick<TwilioConfig, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Builds the one got instance of the process. */
export function createTwilioHttp(config: TwilioConfig, options: TwilioHttpOptions = {}): TwilioHttp {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const agentOptions = { keepAlive: true, maxSockets: config.maxConcurrency, maxFreeSockets: config.maxConcurrency };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const instance = got.extend({
    prefixUrl: `${config.baseUrl}${accountPath(config.accountSid)}/`,
    headers: {
      authorization: basicAuthorization(config),
      accept: 'application/json',
      'user-agent': 'twilio-messaging-graphql-gateway/0.1',
    },
    agent: { http: httpAgent, https: httpsAgent },
    timeout: { connect: timeouts.connect, secureConnect: timeouts.connect, response: timeouts.response, request: timeouts.total },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    hooks: { beforeRequest: [dropCacheOptions] },
    request: requestWithSetOptions,
  });
  return {
    got: instance,
    limiter: new Limiter(config.maxConcurrency),
    reads: new SharedReads({ ttlMs: config.cacheTtlMs, coalescing: config.coalescing }),
    accountSid: config.accountSid,
    baseUrl: config.baseUrl,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    logger: options.logger ?? silentLogger,
    requests: 0,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

