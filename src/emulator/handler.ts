/**
 * The emulator's HTTP semantics as a pure function: `(method, url, headers, body) → (status, headers, body)`
 * over a {@link MessageStore}. No sockets here, so the whole wire contract is unit-testable; the node:http
 * transport lives in server.ts.
 */
import { randomBytes } from 'node:crypto';
import { parseFilterDate, type FilterDate } from '../twilio/dates.js';
import { isRecipientAddress, isSenderAddress } from '../twilio/phone.js';
import { MEDIA_SID, MESSAGE_SID, moreInfoUrl, type WireError, type WirePageMeta } from '../twilio/wire.js';
import type { EmulatorAccount } from './account.js';
import { MAGIC_FROM, MAGIC_TO } from './magic.js';
import { renderFeedback, renderMedia, renderMessage } from './render.js';
import { FINAL_STATUSES, type MessageStore, type StoredMessage } from './store.js';

/** A request as the transport hands it over. */
export interface EmulatorRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

/** A response for the transport to write. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The operations the emulator serves, named after Twilio's operationIds; calls are counted per operation. */
export type Operation =
  | 'CreateMessage' | 'ListMessage' | 'FetchMessage' | 'UpdateMessage' | 'DeleteMessage'
  | 'ListMedia' | 'FetchMedia' | 'DeleteMedia' | 'FetchMediaContent' | 'CreateMessageFeedback'
  | 'InjectInbound' | 'Unrouted';

/** A request handler with its call counters. */
export interface EmulatorHandler {
  handle(req: EmulatorRequest): EmulatorResponse;
  /** Requests seen per operation, whatever their outcome (authentication failures included). */
  readonly calls: ReadonlyMap<Operation, number>;
  /** All requests seen. */
  totalCalls(): number;
  resetCalls(): void;
}

/** A Twilio error answer, thrown inside the handler and rendered as Twilio's error body. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/([^/]+)(\/.*)$/;
const MAX_BODY_CHARS = 1600;
const MAX_MEDIA = 10;
const SCHEDULE_MIN_MS = 15 * 60_000;
const SCHEDULE_MAX_MS = 35 * 86_400_000;

interface Route {
  op: Operation;
  method: string;
  pattern: RegExp;
  run(ctx: RouteContext, params: string[]): EmulatorResponse;
}

interface RouteContext {
  accountSid: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
}

/** Builds the handler for one account over a store. */
export function createHandler(store: MessageStore, account: EmulatorAccount): EmulatorHandler {
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
        const media = findMedia(ctx, findMessage(ctx, sid!), mediaSid!);
        // The emulator never fetches the sender's URL (no network); it serves a stand-in with the right type.
        return { status: 200, headers: { 'content-type': media.contentType }, body: `emulated media from ${media.sourceUrl}\n` };
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

  const dispatch = (req: EmulatorRequest): EmulatorResponse => {
    const url = new URL(req.url, 'http://emulator.invalid');
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
    return route.run({ accountSid: match[1]!, path: url.pathname, query: url.searchParams, form }, params);
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

function json(status: number, body: unknown): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function errorResponse(error: ApiError): EmulatorResponse {
  const body: WireError = { code: error.code, message: error.message, more_info: moreInfoUrl(error.code), status: error.status };
  const response = json(error.status, body);
  if (error.status === 401) response.headers['www-authenticate'] = 'Basic realm="Twilio API"';
  return response;
}

function notFound(path: string): ApiError {
  return new ApiError(404, 20404, `The requested resource ${path} was not found`);
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

function bool(form: URLSearchParams, name: string): boolean {
  return (form.get(name) ?? '').toLowerCase() === 'true';
}

/** Validates a create request in the order Twilio reports problems (CONTRACT.md §3). */
function parseCreate(ctx: RouteContext, now: number) {
  const { form } = ctx;
  const to = form.get('To') ?? '';
  const from = form.get('From') || null;
  const messagingServiceSid = form.get('MessagingServiceSid') || null;
  const body = form.get('Body') ?? '';
  const mediaUrls = form.getAll('MediaUrl').filter((u) => u !== '');
  const contentSid = form.get('ContentSid') || null;

  if (!from && !messagingServiceSid) throw new ApiError(400, 21603, "A 'From' phone number is required.");
  if (messagingServiceSid && !SERVICE_SID.test(messagingServiceSid)) {
    throw new ApiError(400, 21701, `The Messaging Service Sid ${messagingServiceSid} is invalid.`);
  }
  if (!to) throw new ApiError(400, 21604, "A 'To' phone number is required.");
  if (!isRecipientAddress(to)) throw new ApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (from && !isSenderAddress(from)) {
    throw new ApiError(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
  }
  if (contentSid && !CONTENT_SID.test(contentSid)) throw new ApiError(400, 21655, `The ContentSid ${contentSid} is invalid.`);
  if (body === '' && mediaUrls.length === 0 && !contentSid) throw new ApiError(400, 21602, 'Message body is required.');
  if (body.length > MAX_BODY_CHARS) {
    throw new ApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (mediaUrls.length > MAX_MEDIA) throw new ApiError(400, 21623, 'Number of media files exceeds allowed limit.');
  for (const url of mediaUrls) {
    if (!isHttpUrl(url)) throw new ApiError(400, 21620, `Media urls: ${url} are invalid.`);
  }
  const statusCallback = form.get('StatusCallback') || null;
  if (statusCallback && !isHttpUrl(statusCallback)) {
    throw new ApiError(400, 21609, 'Invalid StatusCallback url.');
  }
  const magic = (from && MAGIC_FROM[from]) || MAGIC_TO[to];
  if (magic) throw new ApiError(400, magic.code, magic.message);

  const validity = form.get('ValidityPeriod');
  if (validity !== null && !(/^\d+$/.test(validity) && Number(validity) >= 1 && Number(validity) <= 36000)) {
    throw new ApiError(400, 21624, 'ValidityPeriod must be an integer between 1 and 36000.');
  }
  return {
    accountSid: ctx.accountSid,
    to,
    from,
    messagingServiceSid,
    body,
    mediaUrls,
    statusCallback,
    sendAt: parseSchedule(form, messagingServiceSid, now),
    sendAsMms: bool(form, 'SendAsMms'),
  };
}

/** `ScheduleType=fixed` with `SendAt` 15 minutes to 35 days ahead; without a Messaging Service Twilio sends at once. */
function parseSchedule(form: URLSearchParams, messagingServiceSid: string | null, now: number): number | null {
  const scheduleType = form.get('ScheduleType');
  const sendAtText = form.get('SendAt');
  if (scheduleType === null && sendAtText === null) return null;
  if (scheduleType !== null && scheduleType !== 'fixed') {
    throw new ApiError(400, 35114, `ScheduleType ${scheduleType} is invalid; the only value is 'fixed'.`);
  }
  const sendAt = sendAtText !== null && /^\d{4}-\d{2}-\d{2}T/.test(sendAtText) ? Date.parse(sendAtText) : NaN;
  if (Number.isNaN(sendAt) || sendAt - now < SCHEDULE_MIN_MS || sendAt - now > SCHEDULE_MAX_MS) {
    throw new ApiError(400, 35114, 'SendAt must be an ISO 8601 date-time between 15 minutes and 35 days in the future.');
  }
  return scheduleType === 'fixed' && messagingServiceSid ? sendAt : null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname.includes('_');
  } catch {
    return false;
  }
}

/** Update: `Body=""` redacts, `Status=canceled` cancels a scheduled message (CONTRACT.md §4). */
function update(store: MessageStore, message: StoredMessage, form: URLSearchParams): StoredMessage {
  const status = form.get('Status');
  const body = form.get('Body');
  if (status !== null) {
    if (status !== 'canceled') throw new ApiError(400, 20001, `Status ${status} is invalid; the only value is 'canceled'.`);
    if (message.status !== 'scheduled') throw new ApiError(400, 30409, 'This message cannot be canceled');
    store.cancel(message);
  }
  if (body !== null) {
    if (body !== '') throw new ApiError(400, 20001, 'Body can only be set to an empty string, which redacts the message.');
    if (!FINAL_STATUSES.has(message.status)) {
      throw new ApiError(400, 20009, 'Cannot redact message because delivery has not been completed.');
    }
    message.body = '';
    store.touch(message);
  }
  return message;
}

/** Parses a date filter parameter or answers 400. */
function dateParam(query: URLSearchParams, name: string): FilterDate | null {
  const text = query.get(name);
  if (text === null || text === '') return null;
  const parsed = parseFilterDate(text);
  if (!parsed) throw new ApiError(400, 20001, `Invalid value for ${name}: ${text}`);
  return parsed;
}

/** A list's filters: a predicate, and the wire parameters that page links must carry again. */
interface Filters<T> {
  match(item: T): boolean;
  wire: Array<[string, string]>;
}

/** Date filters under `name`, `name<` and `name>`; bounds are inclusive, a bare day covers the whole GMT day. */
function dateFilters(query: URLSearchParams, name: string): Filters<number | null> {
  const on = dateParam(query, name);
  const before = dateParam(query, `${name}<`);
  const after = dateParam(query, `${name}>`);
  const wire: Array<[string, string]> = [];
  for (const key of [name, `${name}<`, `${name}>`]) {
    const value = query.get(key);
    if (value) wire.push([key, value]);
  }
  const lo = (d: FilterDate) => (d.kind === 'day' ? d.start : d.at);
  const hi = (d: FilterDate) => (d.kind === 'day' ? d.end : d.at);
  return {
    wire,
    match: (at) => {
      if (!on && !before && !after) return true;
      if (at === null) return false;
      if (on && (at < lo(on) || at > hi(on))) return false;
      if (before && at > hi(before)) return false;
      if (after && at < lo(after)) return false;
      return true;
    },
  };
}

function messageFilters(query: URLSearchParams): Filters<StoredMessage> {
  const to = query.get('To') || null;
  const from = query.get('From') || null;
  const dates = dateFilters(query, 'DateSent');
  const wire: Array<[string, string]> = [];
  if (to) wire.push(['To', to]);
  if (from) wire.push(['From', from]);
  return {
    wire: [...wire, ...dates.wire],
    match: (m) => (!to || m.to === to) && (!from || m.from === from) && dates.match(m.dateSent),
  };
}

function mediaFilters(query: URLSearchParams): Filters<number> {
  return dateFilters(query, 'DateCreated');
}

/**
 * One page of `items` (already newest first, `key` descending) with Twilio's envelope. Page tokens
 * carry the sort key of the page's edge (`PA…` continues after it, `PB…` goes back before it), so a
 * page link stays right while new messages arrive; every link repeats the filters and page size.
 */
function paginate<T>(items: T[], key: (item: T) => number, ctx: RouteContext, filters: Array<[string, string]>) {
  const { query, path } = ctx;
  const pageSize = intParam(query, 'PageSize', 50, 1, 1000);
  const page = intParam(query, 'Page', 0, 0, Number.MAX_SAFE_INTEGER);
  const token = query.get('PageToken');
  let slice: T[];
  let hasBefore: boolean;
  let hasAfter: boolean;
  const tokenMatch = token ? /^P([AB])(\d+)$/.exec(token) : null;
  if (token && !tokenMatch) throw new ApiError(400, 20001, `Invalid PageToken: ${token}`);
  if (tokenMatch && tokenMatch[1] === 'A') {
    const edge = Number(tokenMatch[2]);
    const start = items.findIndex((item) => key(item) < edge);
    const from = start < 0 ? items.length : start;
    slice = items.slice(from, from + pageSize);
    hasBefore = from > 0;
    hasAfter = from + pageSize < items.length;
  } else if (tokenMatch) {
    const edge = Number(tokenMatch[2]);
    const end = items.findIndex((item) => key(item) <= edge);
    const upTo = end < 0 ? items.length : end;
    const from = Math.max(0, upTo - pageSize);
    slice = items.slice(from, upTo);
    hasBefore = from > 0;
    hasAfter = upTo < items.length;
  } else {
    const from = page * pageSize;
    slice = items.slice(from, from + pageSize);
    hasBefore = page > 0;
    hasAfter = from + pageSize < items.length;
  }
  const link = (pageIndex: number, pageToken?: string): string => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(pageIndex));
    if (pageToken) params.set('PageToken', pageToken);
    return `${path}?${params.toString()}`;
  };
  const first = slice[0];
  const last = slice[slice.length - 1];
  const meta: WirePageMeta = {
    page,
    page_size: pageSize,
    start: page * pageSize,
    end: page * pageSize + Math.max(slice.length - 1, 0),
    uri: link(page, token ?? undefined),
    first_page_uri: link(0),
    next_page_uri: hasAfter && last !== undefined ? link(page + 1, `PA${key(last)}`) : null,
    previous_page_uri: hasBefore && first !== undefined ? link(Math.max(page - 1, 0), `PB${key(first)}`) : null,
  };
  return { items: slice, meta };
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ApiError(400, 20001, `${name} must be an integer between ${min} and ${max}.`);
  }
  return value;
}

