/**
 * Configuration: the environment turned into one typed, frozen object. A bad value stops start-up with
 * a one-line error that names the variable (the README's configuration table).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** An account as an emulator serves it: the SID, its auth token, and API keys that may act for it. */
export interface AccountCredentials {
  accountSid: string;
  authToken: string;
  apiKeys: ReadonlyArray<{ sid: string; secret: string }>;
}

/**
 * The account used when no Twilio account is configured: the emulator's, embedded or standalone. Its
 * credentials are published in the README, so they protect nothing.
 */
export const DEFAULT_ACCOUNT: AccountCredentials = Object.freeze({
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'fedcba9876543210fedcba9876543210',
  apiKeys: Object.freeze([Object.freeze({ sid: 'SK0123456789abcdef0123456789abcdef', secret: 'emulator-api-key-secret' })]),
});

/** Credentials and limits for the upstream Twilio API. */
export interface TwilioConfig {
  accountSid: string;
  /** Basic-auth user: the account SID, or an API key SID. */
  username: string;
  /** Basic-auth password: the auth token, or the API key secret. */
  password: string;
  /** Auth token, when known: the key status-callback signatures are computed with. */
  authToken: string | null;
  baseUrl: string;
  /** Upstream requests in flight at most, shared fairly between callers. */
  maxConcurrency: number;
  /** How long a read's answer is reused (CACHE_TTL_MS); 0: no cache. */
  cacheTtlMs: number;
  /** Identical reads in flight at once are one call (UPSTREAM_COALESCING, on unless `off`). */
  coalescing: boolean;
}

/** Caller authentication. */
export interface AuthConfig {
  apiKeys: readonly string[];
  jwt: { jwksUrl: string; issuer: string | null; audience: string | null } | null;
  /** True when the gateway runs without caller authentication. */
  disabled: boolean;
  /** True when that was asked for with GATEWAY_AUTH=none (rather than development's default). */
  disabledOnPurpose: boolean;
}

/** The gateway's whole configuration. */
export interface Config {
  port: number;
  /** Interface to listen on: 127.0.0.1 in development, 0.0.0.0 in production, unless HOST says otherwise. */
  host: string;
  production: boolean;
  /** True when no upstream is configured: the gateway starts the embedded emulator and uses it. */
  embeddedEmulator: boolean;
  twilio: TwilioConfig;
  /** True when the upstream is not on this machine: real Twilio, where every send is a billed SMS. */
  liveUpstream: boolean;
  auth: AuthConfig;
  /** Browser origins allowed; `*` inside an entry stands for one host label or a port (e.g. `http://localhost:*`). */
  corsOrigins: readonly string[];
  publicUrl: string | null;
  sendRateLimitPerMinute: number;
  /** Introspection on (always in development; in production only with GATEWAY_INTROSPECTION=true). */
  introspection: boolean;
  /** Upstream calls one GraphQL request may cause; estimated before execution and enforced during it. */
  maxUpstreamCallsPerRequest: number;
  /** How often a subscribed, unfinished message is asked about when no callback comes (doubling while nothing changes). */
  statusPollIntervalMs: number;
  /** Key for signing media URLs; null: a random key per process. */
  gatewaySecret: string | null;
  /** Open connections the server holds at most (HTTP and WebSocket); more are refused at accept. */
  maxConnections: number;
  /** WebSockets one caller may hold open at once. */
  maxSocketsPerCaller: number;
  /** Operations one caller may have running over WebSockets at once (subscriptions, mostly). */
  maxSubscriptionsPerCaller: number;
  /** Shared state for several replicas (REDIS_URL, REDIS_KEY_PREFIX); null: everything in this process's memory. */
  redis: { url: string; keyPrefix: string } | null;
  /** Serve an Apollo Federation 2 subgraph (`_service`, `_entities`, `Message @key(fields: "sid")`) instead of a plain schema. */
  federation: boolean;
  /** The persisted-documents manifest (PERSISTED_DOCUMENTS; by default the inbox's, when it has been generated); null: none. */
  persistedDocuments: string | null;
  /** TRUSTED_DOCUMENTS=only: run only the manifest's documents. */
  trustedDocumentsOnly: boolean;
  /** Serve the inbox at `/`: always in development, in production only with WEB_APP=true. */
  webApp: boolean;
}

/** A configuration error; its message is the one line printed at start-up. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

/** Default sends per caller per minute: enough for a person or a test run, too few for SMS pumping to pay. */
export const DEFAULT_SEND_RATE_LIMIT = 30;
/** Default upstream requests in flight: Twilio's default per-account concurrency (replicas share it: README). */
export const DEFAULT_TWILIO_MAX_CONCURRENCY = 100;
/** Default life of a cached read (for changes the gateway is not told of): a polled message costs one call per 5 s. */
export const DEFAULT_CACHE_TTL_MS = 5_000;
/**
 * Default upstream calls per GraphQL request: `messages(first: 100)` with every message's media (101 calls)
 * fits twice; 30 aliased `messages(first: 1000)` with media (30,030) does not.
 */
export const DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST = 200;
/** Default open connections: every subscriber holds one, so this bounds subscribers per process too (about 20 KB each). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/**
 * Default WebSockets and running subscriptions per caller: a person's tabs and screens fit many times over; a
 * client reconnecting in a loop, or one API key shared by every browser of a large site, does not (that is
 * what a JWT per user, or a larger limit, is for).
 */
export const DEFAULT_MAX_SOCKETS_PER_CALLER = 100;
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CALLER = 500;
/** Default first wait before asking Twilio about a subscribed message no callback has told us about. */
export const DEFAULT_STATUS_POLL_INTERVAL_MS = 5_000;

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|[0-9A-Fa-f:.]+|\[[0-9A-Fa-f:.]+\])$/;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for a host name that stays on this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function text(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === null) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** REDIS_URL (redis:// or rediss://, a password in it allowed and never echoed) and its key prefix. */
function redisConfig(env: Env): Config['redis'] {
  const url = text(env, 'REDIS_URL');
  const keyPrefix = text(env, 'REDIS_KEY_PREFIX') ?? 'twilio-gateway:';
  if (!/^[\x21-\x7e]{1,100}$/.test(keyPrefix)) throw new ConfigError('REDIS_KEY_PREFIX must be 1 to 100 visible ASCII characters');
  if (url === null) return null;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Reported below, without the value: it may hold a password.
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');
  return { url, keyPrefix };
}

function httpUrl(env: Env, name: string): string | null {
  const value = text(env, name);
  if (value === null) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    if (url.username || url.password) throw new Error('credentials in URL');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL without credentials, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** One of `values` (`fallback` when unset); anything else stops start-up. */
function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = text(env, name) ?? fallback;
  if (!(values as readonly string[]).includes(value)) throw new ConfigError(`${name} must be ${values.map((v) => `"${v}"`).join(' or ')}, got "${value}"`);
  return value as T;
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** The upstream account from the environment; the emulator's default account when none is configured. */
function twilioConfig(env: Env, embedded: boolean): TwilioConfig {
  const baseUrl = httpUrl(env, 'TWILIO_API_BASE_URL') ?? 'https://api.twilio.com';
  const limits = {
    maxConcurrency: integer(env, 'TWILIO_MAX_CONCURRENCY', DEFAULT_TWILIO_MAX_CONCURRENCY, 1, 1000),
    cacheTtlMs: integer(env, 'CACHE_TTL_MS', DEFAULT_CACHE_TTL_MS, 0, 3_600_000),
    coalescing: oneOf(env, 'UPSTREAM_COALESCING', ['on', 'off'], 'on') === 'on',
  };
  if (embedded) {
    const a = DEFAULT_ACCOUNT;
    return { accountSid: a.accountSid, username: a.accountSid, password: a.authToken, authToken: a.authToken, baseUrl, ...limits };
  }
  const accountSid = text(env, 'TWILIO_ACCOUNT_SID');
  if (accountSid === null) throw new ConfigError('TWILIO_ACCOUNT_SID is required when TWILIO_API_BASE_URL is set');
  if (!ACCOUNT_SID.test(accountSid)) throw new ConfigError('TWILIO_ACCOUNT_SID must be "AC" followed by 32 hex digits');
  const authToken = text(env, 'TWILIO_AUTH_TOKEN');
  const apiKey = text(env, 'TWILIO_API_KEY');
  const apiSecret = text(env, 'TWILIO_API_SECRET');
  if (apiKey !== null || apiSecret !== null) {
    if (apiKey === null || !API_KEY_SID.test(apiKey)) throw new ConfigError('TWILIO_API_KEY must be "SK" followed by 32 hex digits');
    if (apiSecret === null) throw new ConfigError('TWILIO_API_SECRET is required with TWILIO_API_KEY');
    return { accountSid, username: apiKey, password: apiSecret, authToken, baseUrl, ...limits };
  }
  if (authToken === null) throw new ConfigError('TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) is required with TWILIO_ACCOUNT_SID');
  return { accountSid, username: accountSid, password: authToken, authToken, baseUrl, ...limits };
}

function authConfig(env: Env, production: boolean): AuthConfig {
  const apiKeys = list(env, 'GATEWAY_API_KEYS');
  const jwksUrl = httpUrl(env, 'GATEWAY_JWKS_URL');
  const jwt = jwksUrl ? { jwksUrl, issuer: text(env, 'GATEWAY_JWT_ISSUER'), audience: text(env, 'GATEWAY_JWT_AUDIENCE') } : null;
  const mode = text(env, 'GATEWAY_AUTH');
  if (mode !== null && mode !== 'none') throw new ConfigError(`GATEWAY_AUTH accepts only "none", got "${mode}"`);
  const configured = apiKeys.length > 0 || jwt !== null;
  if (mode === 'none' && configured) throw new ConfigError('GATEWAY_AUTH=none contradicts GATEWAY_API_KEYS / GATEWAY_JWKS_URL');
  if (production && !configured && mode !== 'none') {
    throw new ConfigError('GATEWAY_API_KEYS or GATEWAY_JWKS_URL is required in production (or set GATEWAY_AUTH=none on purpose)');
  }
  return { apiKeys, jwt, disabled: !configured, disabledOnPurpose: mode === 'none' };
}

/** The inbox's manifest, which `npm run codegen` writes beside its generated client. */
export const DEFAULT_PERSISTED_DOCUMENTS = fileURLToPath(new URL('../web/src/__generated__/persisted-documents.json', import.meta.url));

/** PERSISTED_DOCUMENTS and TRUSTED_DOCUMENTS. */
function trustedDocuments(env: Env): Pick<Config, 'persistedDocuments' | 'trustedDocumentsOnly'> {
  const mode = oneOf(env, 'TRUSTED_DOCUMENTS', ['only', 'allow'], 'allow');
  const persistedDocuments = text(env, 'PERSISTED_DOCUMENTS') ?? (existsSync(DEFAULT_PERSISTED_DOCUMENTS) ? DEFAULT_PERSISTED_DOCUMENTS : null);
  if (mode === 'only' && persistedDocuments === null) throw new ConfigError('TRUSTED_DOCUMENTS=only needs PERSISTED_DOCUMENTS (a manifest of the documents to run)');
  return { persistedDocuments, trustedDocumentsOnly: mode === 'only' };
}

/** Reads and validates the gateway's configuration. Throws {@link ConfigError} naming the bad variable. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const production = env['NODE_ENV'] === 'production';
  const embeddedEmulator = text(env, 'TWILIO_ACCOUNT_SID') === null && text(env, 'TWILIO_API_BASE_URL') === null;
  const introspectionFlag = text(env, 'GATEWAY_INTROSPECTION') && oneOf(env, 'GATEWAY_INTROSPECTION', ['true', 'false'], 'false');
  const host = text(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  if (!HOST.test(host)) throw new ConfigError(`HOST must be an interface address or host name, e.g. 127.0.0.1 or 0.0.0.0; got "${host}"`);
  const twilio = twilioConfig(env, embeddedEmulator);
  const liveUpstream = !embeddedEmulator && !isLoopbackHost(new URL(twilio.baseUrl).hostname);
  const auth = authConfig(env, production);
  if (liveUpstream && auth.disabled && !auth.disabledOnPurpose) {
    throw new ConfigError(
      `live Twilio credentials (${new URL(twilio.baseUrl).host}) and no caller authentication: anyone who reaches this port could send billed SMS. ` +
        'Set GATEWAY_API_KEYS (or GATEWAY_JWKS_URL), or GATEWAY_AUTH=none to accept that risk',
    );
  }
  const secret = text(env, 'GATEWAY_SECRET');
  if (secret !== null && secret.length < 32) throw new ConfigError('GATEWAY_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)');
  const config: Config = {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host,
    production,
    embeddedEmulator,
    twilio,
    liveUpstream,
    auth,
    corsOrigins: env['CORS_ORIGINS'] !== undefined ? list(env, 'CORS_ORIGINS') : production ? [] : ['http://localhost:*', 'http://127.0.0.1:*'],
    publicUrl: httpUrl(env, 'PUBLIC_URL'),
    sendRateLimitPerMinute: integer(env, 'SEND_RATE_LIMIT', DEFAULT_SEND_RATE_LIMIT, 1, 100_000),
    introspection: production ? introspectionFlag === 'true' : introspectionFlag !== 'false',
    maxUpstreamCallsPerRequest: integer(env, 'MAX_UPSTREAM_CALLS_PER_REQUEST', DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST, 1, 100_000),
    statusPollIntervalMs: integer(env, 'STATUS_POLL_INTERVAL_MS', DEFAULT_STATUS_POLL_INTERVAL_MS, 10, 3_600_000),
    gatewaySecret: secret,
    maxConnections: integer(env, 'MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
    maxSocketsPerCaller: integer(env, 'MAX_SOCKETS_PER_CALLER', DEFAULT_MAX_SOCKETS_PER_CALLER, 1, 1_000_000),
    maxSubscriptionsPerCaller: integer(env, 'MAX_SUBSCRIPTIONS_PER_CALLER', DEFAULT_MAX_SUBSCRIPTIONS_PER_CALLER, 1, 1_000_000),
    redis: redisConfig(env),
    federation: oneOf(env, 'FEDERATION', ['true', 'false'], 'false') === 'true',
    ...trustedDocuments(env),
    webApp: !production || oneOf(env, 'WEB_APP', ['true', 'false'], 'false') === 'true',
  };
  return Object.freeze(config);
}

/** What `npm run emulator` reads: its port, and the account it accepts when TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN are set. */
export function loadEmulatorConfig(env: Env = process.env): Readonly<{ port: number; account: AccountCredentials }> {
  const port = integer(env, 'EMULATOR_PORT', 4010, 0, 65535);
  const accountSid = text(env, 'TWILIO_ACCOUNT_SID');
  if (accountSid === null) return Object.freeze({ port, account: DEFAULT_ACCOUNT });
  if (!ACCOUNT_SID.test(accountSid)) throw new ConfigError('TWILIO_ACCOUNT_SID must be "AC" followed by 32 hex digits');
  const authToken = text(env, 'TWILIO_AUTH_TOKEN');
  if (authToken === null) throw new ConfigError('TWILIO_AUTH_TOKEN is required with TWILIO_ACCOUNT_SID');
  const apiKey = text(env, 'TWILIO_API_KEY');
  const apiSecret = text(env, 'TWILIO_API_SECRET');
  const apiKeys = apiKey && apiSecret ? [{ sid: apiKey, secret: apiSecret }] : [];
  return Object.freeze({ port, account: { accountSid, authToken, apiKeys } });
}
