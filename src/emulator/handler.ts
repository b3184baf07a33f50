/**
 * The emulator's HTTP semantics as a pure function: `(method, url, headers, body) → (status, headers, body)`
 * over a {@link MessageStore} and the account's {@link PhoneNumbers}. No sockets here, so the whole wire contract
 * is unit-testable; the node:http transport lives in server.ts. The Messages routes are here, the
 * IncomingPhoneNumbers routes in numbers-api.ts.
 */
import { randomBytes } from 'node:crypto';
import { isRecipientAddress, isSenderAddress } from '../protocol/phone.js';
import { accountPath, MEDIA_SID, MESSAGE_SID, moreInfoUrl, type WireError } from '../protocol/wire.js';
import type { EmulatorAccount } from './account.js';
import { ApiError, notFound } from './api-error.js';
import { mediaFilters, messageFilters, paginate } from './listing.js';
import { mediaBytes } from './media-bytes.js';
import { MediaStorageSigner, requestOrigin, STORAGE_PATH } from './media-storage.js';
import { numberRoutes } from './numbers-api.js';
import { PhoneNumbers } from './numbers.js';
import { renderFeedback, renderMedia, renderMessage } from './render.js';
import { type StoredMessage } from './records.js';
import { FINAL_STATUSES } from '../protocol/lifecycle.js';
import type { MessageStore } from './store.js';
import { parseCreate, update } from './validate.js';
import { json, type EmulatorRequest, type EmulatorResponse, type Operation, type Route, type RouteContext } from './route.js';

export type { EmulatorRequest, EmulatorResponse, Operation } from './route.js';

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * The emulator's own URL (e.g. `http://127.0.0.1:4010`), for absolute redirect targets when a request has
   * no usable Host header; read at each request, so it may be set once the server listens.
   */
  origin?: () => string;
  /** The account's phone numbers (default: a fresh set, with +15005550006). */
  numbers?: PhoneNumbers;
}

/** A request handler with its call counters. */
export interface EmulatorHandler {
  handle(req: EmulatorRequest): EmulatorResponse;
  /** Requests seen per operation, whatever their outcome (authentication failures included). */
  readonly calls: ReadonlyMap<Operation, number>;
  /** All requests seen. */
  totalCalls(): number;
  resetCalls(): void;
}

const ACCOUNT_PATH = new RegExp(`^${accountPath('([^/]+)')}(/.*)$`);

/** Builds the handler for one account over a store. */
export function createHandler(store: MessageStore, account: EmulatorAccount, options: HandlerOptions = {}): EmulatorHandler {
  const numbers = options.numbers ?? new PhoneNumbers(account.accountSid, store.clock);
  const signer = new MediaStorageSigner(account.accountSid);
  const calls = new Map<Operation, number>();
  const count = (op: Operation): void => {
    calls.set(op, (calls.get(op) ?? 0) + 1);
  };

  const findMessage = (ctx: RouteContext, sid: string): StoredMessage => {
    const message = MESSAGE_SID.test(sid) ? store.get(ctx.accountSid, sid) : undefined;
    if (!message) throw notFound(ctx.path);
    return message;
  };

  const routes: Route[] = [
    {
      op: 'CreateMessage', method: 'POST', pattern: /^\/Messages\.json$/,
      run: (ctx) => json(201, renderMessage(store.createOutbound(parseCreate(ctx, store.clock.now())))),
    },
    {
      op: 'ListMessage', method: 'GET', pattern: /^\/Messages\.json$/,
      run: (ctx) => {
        const filters = messageFilters(ctx.query);
        const items = store.list(ctx.accountSid).filter(filters.match);
        const page = paginate(items, (m) => m.seq, ctx, filters.wire);
        return json(200, { messages: page.items.map(renderMessage), ...page.meta });
      },
    },
    {
      op: 'FetchMessage', method: 'GET', pattern: /^\/Messages\/([^/]+)\.json$/,
      run: (ctx, [sid]) => json(200, renderMessage(findMessage(ctx, sid!))),
    },
    {
      op: 'UpdateMessage', method: 'POST', pattern: /^\/Messages\/([^/]+)\.json$/,
      run: (ctx, [sid]) => json(200, renderMessage(update(store, findMessage(ctx, sid!), ctx.form))),
    },
    {
      op: 'DeleteMessage', method: 'DELETE', pattern: /^\/Messages\/([^/]+)\.json$/,
      run: (ctx, [sid]) => {
        const message = findMessage(ctx, sid!);
        if (!FINAL_STATUSES.has(message.status)) {
          throw new ApiError(400, 20009, 'Cannot delete message because delivery has not been completed.');
        }
        store.delete(message.sid);
        return { status: 204, headers: {}, body: '' };
      },
    },
    {
      op: 'ListMedia', method: 'GET', pattern: /^\/Messages\/([^/]+)\/Media\.json$/,
      run: (ctx, [sid]) => {
        const message = findMessage(ctx, sid!);
        const filters = mediaFilters(ctx.query);
        const newestFirst = message.media.map((media, index) => ({ media, index })).reverse();
        const items = newestFirst.filter((entry) => filters.match(entry.media.dateCreated));
        const page = paginate(items, (entry) => entry.index, ctx, filters.wire);
        return json(200, { media_list: page.items.map((entry) => renderMedia(message, entry.media)), ...page.meta });
      },
    },
    {
      op: 'FetchMedia', method: 'GET', pattern: /^\/Messages\/([^/]+)\/Media\/([^/]+)\.json$/,
      run: (ctx, [sid, mediaSid]) => {
        const message = findMessage(ctx, sid!);
        return json(200, renderMedia(message, findMedia(ctx, message, mediaSid!)));
      },
    },
    {
      op: 'DeleteMedia', method: 'DELETE', pattern: /^\/Messages\/([^/]+)\/Media\/([^/]+)\.json$/,
      run: (ctx, [sid, mediaSid]) => {
        const message = findMessage(ctx, sid!);
        const media = findMedia(ctx, message, mediaSid!);
        message.media = message.media.filter((m) => m !== media);
        return { status: 204, headers: {}, body: '' };
      },
    },
    {
      op: 'FetchMediaContent', method: 'GET', pattern: /^\/Messages\/([^/]+)\/Media\/([^/.]+)$/,
      run: (ctx, [sid, mediaSid]) => {
        const message = findMessage(ctx, sid!);
        const media = findMedia(ctx, message, mediaSid!);
        // Like Twilio: a 307 to a pre-signed storage URL that serves the bytes without credentials.
        const token = signer.token({ messageSid: message.sid, mediaSid: media.sid });
        const origin = requestOrigin(ctx.headers['host'], options.origin?.() ?? '');
        return { status: 307, headers: { location: `${origin}${STORAGE_PATH}${token}` }, body: '' };
      },
    },
    {
      op: 'CreateMessageFeedback', method: 'POST', pattern: /^\/Messages\/([^/]+)\/Feedback\.json$/,
      run: (ctx, [sid]) => {
        const message = findMessage(ctx, sid!);
        const outcome = ctx.form.get('Outcome') ?? 'confirmed';
        if (outcome !== 'confirmed' && outcome !== 'unconfirmed') {
          throw new ApiError(400, 20001, `Outcome must be one of: confirmed, unconfirmed`);
        }
        const now = store.clock.now();
        message.feedback = { outcome, dateCreated: message.feedback?.dateCreated ?? now, dateUpdated: now };
        return json(200, renderFeedback(message));
      },
    },
    ...numberRoutes(numbers),
  ];

  const injectInbound = (form: URLSearchParams): EmulatorResponse => {
    const from = form.get('From');
    const to = form.get('To');
    if (!from || !isRecipientAddress(from)) throw new ApiError(400, 21212, "A valid 'From' phone number is required.");
    if (!to || !isSenderAddress(to)) throw new ApiError(400, 21211, "A valid 'To' phone number is required.");
    const message = store.injectInbound({
      accountSid: account.accountSid, from, to, body: form.get('Body') ?? '', mediaUrls: form.getAll('MediaUrl'),
    });
    return json(201, renderMessage(message));
  };

  /** `GET /emulator/media-content/{token}`: the media's bytes, no credentials asked (the token is the secret). */
  const fetchMediaStorage = (method: string, path: string): EmulatorResponse => {
    if (method !== 'GET' && method !== 'HEAD') throw new ApiError(405, 20004, 'Method not allowed');
    const ref = signer.verify(path.slice(STORAGE_PATH.length));
    const message = ref ? store.get(account.accountSid, ref.messageSid) : undefined;
    const media = message?.media.find((m) => m.sid === ref?.mediaSid);
    if (!media) throw notFound(path);
    // The emulator never fetches the sender's URL (no network); it serves generated bytes of the media's type.
    const body = mediaBytes(media.contentType, media.sid, media.sourceUrl);
    return { status: 200, headers: { 'content-type': media.contentType, 'cache-control': 'private, max-age=3600' }, body };
  };

  const dispatch = (req: EmulatorRequest): EmulatorResponse => {
    const url = new URL(req.url, 'http://emulator.invalid');
    if (url.pathname.startsWith(STORAGE_PATH)) {
      count('FetchMediaStorage');
      return fetchMediaStorage(req.method, url.pathname);
    }
    const form = new URLSearchParams(req.body);
    if (url.pathname === '/emulator/inbound') {
      count('InjectInbound');
      if (req.method !== 'POST') throw new ApiError(405, 20004, 'Method not allowed');
      requireAuth(req, account, account.accountSid);
      return injectInbound(form);
    }
    const match = ACCOUNT_PATH.exec(url.pathname);
    const rest = match?.[2] ?? '';
    const candidates = routes.filter((r) => r.pattern.test(rest));
    const route = candidates.find((r) => r.method === req.method);
    count(route?.op ?? 'Unrouted');
    if (!match || candidates.length === 0) throw notFound(url.pathname);
    requireAuth(req, account, match[1]!);
    if (!route) throw new ApiError(405, 20004, 'Method not allowed');
    const params = route.pattern.exec(rest)!.slice(1);
    return route.run({ accountSid: match[1]!, path: url.pathname, query: url.searchParams, form, headers: req.headers }, params);
  };

  return {
    calls,
    totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
    resetCalls: () => calls.clear(),
    handle(req) {
      store.tick();
      let response: EmulatorResponse;
      try {
        response = dispatch(req);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        response = errorResponse(error);
      }
      response.headers['twilio-request-id'] = `RQ${randomBytes(16).toString('hex')}`;
      return response;
    },
  };
}

/** Twilio's error body for an {@link ApiError}. */
export function errorResponse(error: ApiError): EmulatorResponse {
  const body: WireError = { code: error.code, message: error.message, more_info: moreInfoUrl(error.code), status: error.status };
  const response = json(error.status, body);
  if (error.status === 401) response.headers['www-authenticate'] = 'Basic realm="Twilio API"';
  return response;
}

/** HTTP Basic with the account SID and auth token, or an API key SID and secret; the path must name the account. */
function requireAuth(req: EmulatorRequest, account: EmulatorAccount, pathAccountSid: string): void {
  const header = req.headers['authorization'];
  const value = Array.isArray(header) ? header[0] : header;
  const encoded = /^Basic\s+(\S+)$/i.exec(value ?? '')?.[1];
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  const valid =
    colon > 0 &&
    pathAccountSid === account.accountSid &&
    ((user === account.accountSid && pass === account.authToken) ||
      account.apiKeys.some((key) => key.sid === user && key.secret === pass));
  if (!valid) throw new ApiError(401, 20003, 'Authenticate');
}

function findMedia(ctx: RouteContext, message: StoredMessage, mediaSid: string) {
  const media = MEDIA_SID.test(mediaSid) ? message.media.find((m) => m.sid === mediaSid) : undefined;
  if (!media) throw notFound(ctx.path);
  return media;
}
