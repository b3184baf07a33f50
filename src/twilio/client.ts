/**
 * The Twilio REST client: one got instance per process (base URL, Basic auth header, keep-alive,
 * timeouts), one method per REST operation, and the retry rules of DESIGN.md §4:
 * - GET and DELETE retry with backoff on 429, 5xx and network errors, honouring `Retry-After` up to a cap;
 *   a DELETE retried into 404 counts as deleted.
 * - A send (POST …/Messages.json) is retried only when Twilio cannot have processed it: 429, or no
 *   connection at all (refused, or a connect timeout), so no byte was written. A reset, a timeout, a 5xx or an unreadable success
 *   gives SEND_OUTCOME_UNKNOWN after exactly one POST.
 * Credentials travel only in the Authorization header (not got's username/password, which end up in
 * error messages), and no upstream text reaches an error message.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import got, { type BeforeRequestHook, type Got, type OptionsOfTextResponseBody, type RequestFunction, type Response } from 'got';
import type { TwilioConfig } from '../config.js';
import { redactText, silentLogger, type Logger } from '../telemetry/log.js';
import { ErrorCode, TwilioApiError, UpstreamError } from './errors.js';
import { Limiter } from './limiter.js';
import { API_VERSION, type WireMedia, type WireMediaPage, type WireMessage, type WireMessagePage } from '../protocol/wire.js';

/** Timeouts of every upstream call, in ms. */
export interface Timeouts {
  connect: number;
  /** Time to the first byte of the response once the request is sent. */
  response: number;
  /** Whole request, retries excluded. */
  total: number;
}

/** Retry rules. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay; doubles with each retry. */
  baseDelayMs: number;
  /** Longest wait, `Retry-After` included; a longer `Retry-After` is not waited for. */
  maxDelayMs: number;
}

/** Options beyond the configuration, mostly for tests. */
export interface TwilioHttpOptions {
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  /** Where retries and failures are logged (default: nowhere). */
  logger?: Logger;
}

/** The process-wide upstream: the got instance, the concurrency limiter and the rules. */
export interface TwilioHttp {
  readonly got: Got;
  readonly limiter: Limiter;
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
export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 100, maxDelayMs: 10_000 };

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
    prefixUrl: `${config.baseUrl}/${API_VERSION}/Accounts/${config.accountSid}/`,
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

type Kind = 'read' | 'delete' | 'send' | 'update';

interface Call {
  kind: Kind;
  path: string;
  searchParams?: URLSearchParams;
  form?: URLSearchParams;
  /** Retries after the first attempt, when the policy's number is not wanted (readiness checks make none). */
  retries?: number;
}

/** The content of a media item, as a stream of at most the size it declares. */
export interface MediaContent {
  contentType: string;
  /** Bytes, when the storage said. */
  contentLength: number | null;
  body: Readable;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds from a `Retry-After` header (seconds or an HTTP date); null when absent or unreadable. */
function retryAfterMs(response: Response<string>): number | null {
  const value = response.headers['retry-after'];
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A Twilio error body, or a made-up one when the body is not Twilio's shape (we never echo it). */
function apiError(response: Response<string>): TwilioApiError {
  const body = parseJson(response.body);
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number') {
    const b = body as { code: number; message?: unknown; more_info?: unknown };
    // Twilio's message is shown to the caller: bounded, and scrubbed of anything that looks like a credential.
    const message = typeof b.message === 'string' ? redactText(b.message.slice(0, 500)) : `Twilio error ${b.code}`;
    // Only a link to Twilio's page for an error code passes: anything else in it could carry anything.
    const moreInfo = typeof b.more_info === 'string' && /^https:\/\/www\.twilio\.com\/docs\/errors\/\d{1,6}$/.test(b.more_info) ? b.more_info : null;
    return new TwilioApiError(response.statusCode, b.code, message, moreInfo);
  }
  return new TwilioApiError(response.statusCode, 0, `Twilio answered HTTP ${response.statusCode}`, null);
}

function outcomeUnknown(): UpstreamError {
  return new UpstreamError(
    ErrorCode.SendOutcomeUnknown,
    'The send may or may not have reached Twilio. Do not resend blindly: look the message up first (messages with filter.to).',
  );
}

/** got options for a call, with only the keys it needs: every key given costs got a merge step. */
function requestOptions(c: Call): OptionsOfTextResponseBody {
  const options: OptionsOfTextResponseBody = {};
  if (c.kind === 'delete') options.method = 'DELETE';
  else if (c.kind !== 'read') options.method = 'POST';
  if (c.searchParams) options.searchParams = c.searchParams;
  if (c.form) {
    options.body = c.form.toString();
    options.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  return options;
}

function isRetryable(kind: Kind): boolean {
  return kind === 'read' || kind === 'delete';
}

/**
 * Makes one REST call under the retry rules, the timeouts and the concurrency limit.
 * Resolves with the parsed JSON (null for 204); rejects with {@link TwilioApiError} for a Twilio 4xx
 * or {@link UpstreamError} for everything the caller cannot fix.
 */
async function call(upstream: TwilioHttp, c: Call, beforeAttempt: () => void): Promise<unknown> {
  try {
    return await attempts(upstream, c, beforeAttempt);
  } catch (error) {
    const code = error instanceof UpstreamError ? error.extensions['code'] : error instanceof TwilioApiError ? error.code : 'unknown';
    // A refusal by the request's budget is the caller's doing, not Twilio's: nothing to log.
    const refused = code === ErrorCode.QueryTooExpensive || code === ErrorCode.RequestEnded;
    if (!(error instanceof TwilioApiError) && !refused) upstream.logger('warn', 'upstream.failed', { kind: c.kind, path: c.path, code });
    throw error;
  }
}

async function attempts(upstream: TwilioHttp, c: Call, beforeAttempt: () => void): Promise<unknown> {
  const policy = c.retries === undefined ? upstream.retry : { ...upstream.retry, retries: c.retries };
  const retrying = async (attempt: number, reason: string | number, delayMs: number): Promise<void> => {
    upstream.logger('warn', 'upstream.retry', { kind: c.kind, path: c.path, attempt: attempt + 1, reason, delayMs });
    await sleep(delayMs);
  };
  for (let attempt = 0; ; attempt++) {
    const retriesLeft = attempt < policy.retries;
    // Exponential, with jitter so that callers who failed together do not retry together.
    const backoff = policy.baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
    let response: Response<string>;
    try {
      response = await upstream.limiter.run(() => {
        // Checked when the attempt gets its slot, not when it was queued: a request that has ended by then makes none.
        beforeAttempt();
        upstream.requests++;
        return upstream.got(c.path, requestOptions(c));
      });
    } catch (error) {
      if (error instanceof UpstreamError) throw error; // refused before any byte was sent
      const code = (error as { code?: string }).code;
      const event = (error as { event?: string }).event;
      // No connection, no request written: a refused connection or a connect/lookup timeout. Any call may go again.
      const neverSent = code === 'ECONNREFUSED' || (code === 'ETIMEDOUT' && (event === 'connect' || event === 'lookup'));
      if (neverSent && retriesLeft) {
        await retrying(attempt, code, backoff);
        continue;
      }
      if (c.kind === 'send' && !neverSent) throw outcomeUnknown();
      if (isRetryable(c.kind) && retriesLeft) {
        await retrying(attempt, code ?? 'network', backoff);
        continue;
      }
      if (code === 'ETIMEDOUT') throw new UpstreamError(ErrorCode.UpstreamTimeout, 'Twilio did not answer in time.');
      throw new UpstreamError(ErrorCode.UpstreamUnavailable, 'Twilio could not be reached.');
    }

    const status = response.statusCode;
    if (status === 429) {
      const wait = retryAfterMs(response);
      if (retriesLeft && (wait === null || wait <= policy.maxDelayMs)) {
        await retrying(attempt, status, Math.min(wait ?? backoff, policy.maxDelayMs));
        continue;
      }
      throw new UpstreamError(ErrorCode.RateLimited, 'Twilio is rate-limiting this account; retry later.', {
        retryAfter: Math.ceil((wait ?? backoff) / 1000),
      });
    }
    if (status >= 500) {
      if (c.kind === 'send') throw outcomeUnknown();
      if (isRetryable(c.kind) && retriesLeft) {
        await retrying(attempt, status, backoff);
        continue;
      }
      throw new UpstreamError(ErrorCode.UpstreamUnavailable, `Twilio answered with a server error (HTTP ${status}).`);
    }
    // The first DELETE may have gone through before its answer was lost.
    if (c.kind === 'delete' && status === 404 && attempt > 0) return null;
    if (status === 401 || status === 403) {
      throw new UpstreamError(ErrorCode.UpstreamAuthFailed, 'Twilio refused the gateway\'s credentials (20003).');
    }
    if (status >= 300) throw apiError(response);
    if (status === 204) return null;
    const body = parseJson(response.body);
    if (body === undefined || body === null || typeof body !== 'object') {
      if (c.kind === 'send') throw outcomeUnknown();
      throw new UpstreamError(ErrorCode.UpstreamUnavailable, 'Twilio answered with a body that is not JSON.');
    }
    return body;
  }
}

/** Create parameters in Twilio's names; arrays are sent as repeated keys. */
export type CreateMessageParams = Record<string, string | readonly string[] | undefined>;

/**
 * The data source: one thin method per Twilio Messages operation. Cheap to build; made per request
 * over the process-wide {@link TwilioHttp}.
 */
export class TwilioMessages {
  /**
   * @param upstream the process-wide upstream.
   * @param beforeAttempt runs before every HTTP request this data source makes, retries included, when it is
   *   about to be sent; it refuses the request by throwing an {@link UpstreamError} (the GraphQL request's call
   *   budget hangs here).
   */
  constructor(
    private readonly upstream: TwilioHttp,
    private readonly beforeAttempt: () => void = () => {},
  ) {}

  private call(c: Call): Promise<unknown> {
    return call(this.upstream, c, this.beforeAttempt);
  }

  /** `POST /Messages.json` → 201 Message. Never repeated unless Twilio cannot have processed it. */
  async createMessage(params: CreateMessageParams): Promise<WireMessage> {
    return (await this.call({ kind: 'send', path: 'Messages.json', form: toForm(params) })) as WireMessage;
  }

  /** `GET /Messages/{sid}.json`; null when Twilio answers 404. */
  async fetchMessage(sid: string): Promise<WireMessage | null> {
    return (await this.fetchOrNull(`Messages/${encodeURIComponent(sid)}.json`)) as WireMessage | null;
  }

  /** `GET /Messages.json` with Twilio's query parameters (filters, `PageSize`, `Page`, `PageToken`). */
  async listMessages(query: URLSearchParams): Promise<WireMessagePage> {
    const page = (await this.read({ kind: 'read', path: 'Messages.json', searchParams: query })) as WireMessagePage;
    if (!Array.isArray(page.messages)) throw new UpstreamError(ErrorCode.UpstreamUnavailable, 'Twilio answered a list without messages.');
    return page;
  }

  /** `POST /Messages/{sid}.json`: `Body=""` redacts, `Status=canceled` cancels. */
  async updateMessage(sid: string, params: { Body?: string; Status?: 'canceled' }): Promise<WireMessage> {
    const path = `Messages/${encodeURIComponent(sid)}.json`;
    return (await this.call({ kind: 'update', path, form: toForm(params) })) as WireMessage;
  }

  /** `DELETE /Messages/{sid}.json` → 204. */
  async deleteMessage(sid: string): Promise<void> {
    await this.call({ kind: 'delete', path: `Messages/${encodeURIComponent(sid)}.json` });
  }

  /** `GET /Messages/{sid}/Media.json`: every media of a message (Twilio allows 10 per message). */
  async listMedia(messageSid: string): Promise<WireMedia[]> {
    const path = `Messages/${encodeURIComponent(messageSid)}/Media.json`;
    const page = (await this.read({ kind: 'read', path, searchParams: new URLSearchParams({ PageSize: '100' }) })) as WireMediaPage;
    if (!Array.isArray(page.media_list)) throw new UpstreamError(ErrorCode.UpstreamUnavailable, 'Twilio answered a list without media.');
    return page.media_list;
  }

  /** `GET /Messages/{sid}/Media/{mediaSid}.json`; null when Twilio answers 404. */
  async fetchMedia(messageSid: string, mediaSid: string): Promise<WireMedia | null> {
    const path = `Messages/${encodeURIComponent(messageSid)}/Media/${encodeURIComponent(mediaSid)}.json`;
    return (await this.fetchOrNull(path)) as WireMedia | null;
  }

  /** A GET of one resource; null when Twilio answers 404. */
  private fetchOrNull(path: string): Promise<unknown> {
    return this.read({ kind: 'read', path }, true);
  }

  /**
   * A read. Twilio's 4xx about it becomes BAD_USER_INPUT in our words with Twilio's code: a read has no
   * `userErrors`, and Twilio's own text may carry anything. A 404 is null when `nullOn404`.
   */
  private async read(c: Call, nullOn404 = false): Promise<unknown> {
    try {
      return await this.call(c);
    } catch (error) {
      if (!(error instanceof TwilioApiError)) throw error;
      if (nullOn404 && error.status === 404) return null;
      const help = error.moreInfo ? ` See ${error.moreInfo}` : '';
      throw new UpstreamError(ErrorCode.BadUserInput, `Twilio refused the request (error ${error.code}, HTTP ${error.status}).${help}`, {
        twilioCode: error.code,
        moreInfo: error.moreInfo,
      });
    }
  }

  /** Where a media's content is served: its resource URI without `.json`, on Twilio's host. */
  mediaContentUrl(media: WireMedia): string {
    return `${this.upstream.baseUrl}${(media.uri ?? '').replace(/\.json$/, '')}`;
  }

  /** A quick authenticated read, for readiness: one attempt, no retries. */
  async ping(): Promise<void> {
    await this.call({ kind: 'read', path: 'Messages.json', searchParams: new URLSearchParams({ PageSize: '1' }), retries: 0 });
  }

  /**
   * The bytes of a media item: `GET …/Messages/{sid}/Media/{sid}` (no `.json`) with the account's
   * credentials, which Twilio answers with a redirect to its storage; that hop is made without them. Null
   * when Twilio has no such media.
   */
  async mediaContent(messageSid: string, mediaSid: string, method: 'GET' | 'HEAD' = 'GET'): Promise<MediaContent | null> {
    const path = `Messages/${encodeURIComponent(messageSid)}/Media/${encodeURIComponent(mediaSid)}`;
    const { upstream } = this;
    const first = await upstream.limiter.run(() => {
      this.beforeAttempt();
      upstream.requests++;
      return opened(upstream.got.stream(path, { method, followRedirect: false }));
    });
    let answer = first;
    const location = first.response.headers.location;
    const redirected = (first.response.statusCode ?? 0) >= 300 && (first.response.statusCode ?? 0) < 400;
    if (redirected && location) {
      first.body.destroy();
      const target = new URL(location, `${upstream.baseUrl}/`);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new UpstreamError(ErrorCode.UpstreamUnavailable, 'Twilio redirected media to an unusable address.');
      // Twilio's storage URL is pre-signed: the account's credentials never go there.
      // The whole download is bounded too, so a client that never reads cannot hold the storage connection.
      const timeout = { connect: DEFAULT_TIMEOUTS.connect, response: DEFAULT_TIMEOUTS.response, request: MEDIA_DOWNLOAD_MS };
      answer = await opened(got.stream(target, { method, timeout, retry: { limit: 0 }, maxRedirects: 2 }));
    }
    const status = answer.response.statusCode ?? 0;
    if (status === 200) {
      const length = Number(answer.response.headers['content-length']);
      return { contentType: answer.response.headers['content-type'] ?? 'application/octet-stream', contentLength: Number.isInteger(length) ? length : null, body: answer.body };
    }
    answer.body.destroy();
    if (status === 404) return null;
    if (status === 401 || status === 403) throw new UpstreamError(ErrorCode.UpstreamAuthFailed, 'Twilio refused the gateway\'s credentials (20003).');
    throw new UpstreamError(ErrorCode.UpstreamUnavailable, `Twilio answered HTTP ${status} for media content.`);
  }
}

/** Form-encodes parameters as Twilio expects: arrays as the same key repeated, no `[]`. */
export function toForm(params: Record<string, string | readonly string[] | undefined>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (typeof value === 'string') form.append(key, value);
    else for (const v of value) form.append(key, v);
  }
  return form;
}

/** Waits for a got stream's response head; network failures become {@link UpstreamError}s. */
function opened(stream: Readable & { once(event: 'response', listener: (response: IncomingMessage) => void): unknown }): Promise<{ response: IncomingMessage; body: Readable }> {
  return new Promise((resolve, reject) => {
    stream.once('response', (response: IncomingMessage) => resolve({ response, body: stream }));
    stream.once('error', (error: Error) => {
      const code = (error as { code?: string }).code;
      reject(code === 'ETIMEDOUT' ? new UpstreamError(ErrorCode.UpstreamTimeout, 'Twilio did not answer in time.') : new UpstreamError(ErrorCode.UpstreamUnavailable, 'Twilio could not be reached.'));
    });
  });
}
