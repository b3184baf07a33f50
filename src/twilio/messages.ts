/**
 * The data source of Twilio's Messages resource: one thin method per REST operation (messages, media,
 * media content), each a {@link call} under the rules.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import got from 'got';
import type { WireMedia, WireMediaPage, WireMessage, WireMessagePage } from '../protocol/wire.js';
import { call, capacityBusy, type Call, type CallOptions } from './calls.js';
import { authFailed, noAnswer, TwilioApiError, UpstreamCode, UpstreamError } from './errors.js';
import { DEFAULT_TIMEOUTS, MEDIA_DOWNLOAD_MS, type TwilioHttp } from './http.js';
import { CapacityTimeoutError } from './limiter.js';

/** The content of a media item, as a stream of at most the size it declares. */
export interface MediaContent {
  contentType: string;
  /** Bytes, when the storage said. */
  contentLength: number | null;
  body: Readable;
}

/** Create parameters in Twilio's names; arrays are sent as repeated keys. */
export type CreateMessageParams = Record<string, string | readonly string[] | undefined>;

/**
 * Who the data source works for: `beforeAttempt` runs before every HTTP request it makes for them, retries
 * included, when it is about to be sent, and refuses the request by throwing (the GraphQL request's call budget
 * hangs here); `lane` is their place in the fair queue for the account's capacity; `cached: false` makes every
 * read ask Twilio (status polls, readiness).
 */
export type TwilioMessagesOptions = Partial<CallOptions>;

/**
 * The data source: one thin method per Twilio Messages operation. Cheap to build; made per request
 * over the process-wide {@link TwilioHttp}.
 */
export class TwilioMessages {
  private readonly options: CallOptions;

  /** @param upstream the process-wide upstream. */
  constructor(
    private readonly upstream: TwilioHttp,
    options: TwilioMessagesOptions = {},
  ) {
    this.options = { beforeAttempt: () => {}, lane: 'gateway', cached: true, ...options };
  }

  private call(c: Call): Promise<unknown> {
    return call(this.upstream, c, this.options);
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
    if (!Array.isArray(page.messages)) throw new UpstreamError(UpstreamCode.Unavailable, 'Twilio answered a list without messages.');
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
    if (!Array.isArray(page.media_list)) throw new UpstreamError(UpstreamCode.Unavailable, 'Twilio answered a list without media.');
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

  /** A read; a 404 is null when `nullOn404`. Twilio's other 4xx reach the caller as {@link TwilioApiError}. */
  private async read(c: Call, nullOn404 = false): Promise<unknown> {
    try {
      return await this.call(c);
    } catch (error) {
      if (nullOn404 && error instanceof TwilioApiError && error.status === 404) return null;
      throw error;
    }
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
    const first = await upstream.limiter
      .run(() => {
        this.options.beforeAttempt();
        upstream.requests++;
        return opened(upstream.got.stream(path, { method, followRedirect: false }));
      }, this.options.lane, upstream.retry.patienceMs)
      .catch((error: unknown) => {
        throw error instanceof CapacityTimeoutError ? capacityBusy() : error;
      });
    let answer = first;
    const location = first.response.headers.location;
    const redirected = (first.response.statusCode ?? 0) >= 300 && (first.response.statusCode ?? 0) < 400;
    if (redirected && location) {
      first.body.destroy();
      const target = new URL(location, `${upstream.baseUrl}/`);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new UpstreamError(UpstreamCode.Unavailable, 'Twilio redirected media to an unusable address.');
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
    if (status === 401 || status === 403) throw authFailed();
    throw new UpstreamError(UpstreamCode.Unavailable, `Twilio answered HTTP ${status} for media content.`);
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
      reject(noAnswer(code));
    });
  });
}
