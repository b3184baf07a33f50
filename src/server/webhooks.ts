/**
 * Twilio's webhooks: status callbacks (`POST /twilio/status-callback`) and inbound messages
 * (`/twilio/inbound`, a number's SmsUrl). Each is verified with `X-Twilio-Signature` before anything is
 * recorded, then validated and bounded, then recorded: the status board, and an event in the event log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http.js';
import { isMessageStatus } from '../protocol/lifecycle.js';
import { isValidSignature } from '../protocol/signature.js';
import { toRfc2822 } from '../protocol/dates.js';
import { accountPath, API_VERSION, httpUrl, MESSAGE_SID, type WireMessage, type WireMessageStatus } from '../protocol/wire.js';
import type { MessageEventType } from '../state/event-log.js';
import type { Invalidations } from '../state/invalidations.js';
import type { MessageSnapshots } from '../state/message-snapshots.js';
import { StateUnavailableError } from '../state/types.js';
import type { StatusEvents } from '../state/status-events.js';
import type { Logger } from '../telemetry/log.js';

/** Path of the webhook Twilio posts status callbacks to. */
export const STATUS_CALLBACK_PATH = '/twilio/status-callback';
/** Path of the webhook Twilio calls when a message comes in (a number's SmsUrl). */
export const INBOUND_PATH = '/twilio/inbound';
/** Largest webhook body: Twilio's callbacks are well under 2 KB; an inbound message with media, under 8 KB. */
export const MAX_WEBHOOK_BYTES = 16 * 1024;
/** The TwiML that answers an inbound message without replying to it. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** What the webhooks need. */
export interface WebhookOptions {
  /** The key Twilio signs with: the account's auth token (null: every webhook is refused). */
  authToken: string | null;
  /** The base URLs (scheme, host, port) Twilio may have been given for this gateway: PUBLIC_URL, or its own address. */
  signedBases: () => readonly string[];
  /** The account the gateway serves: a webhook signed with its token is about its messages. */
  accountSid: string;
  /** Where a reported status and its event are recorded, together. */
  statusEvents: StatusEvents;
  snapshots: MessageSnapshots;
  /** Told of every message a webhook changed, so that no replica's cache answers from before it. */
  invalidations: Invalidations;
  logger: Logger;
  /** Called for every valid status callback. */
  onStatusCallback?: (params: Record<string, string>) => void;
}

/**
 * The parameters of a webhook whose signature holds: the form body of a POST, or the query of a GET (Twilio
 * signs a GET's full URL and no parameters). Answers 405, 413 or 403 itself and gives null otherwise.
 */
async function verifiedParams(
  req: IncomingMessage,
  res: ServerResponse,
  options: WebhookOptions,
  methods: readonly string[],
  event: string,
): Promise<Record<string, string> | null> {
  const { authToken, logger } = options;
  const method = req.method ?? 'GET';
  if (!methods.includes(method)) {
    sendJson(res, 405, { error: `Twilio calls this webhook with ${methods.join(' or ')}.` }, { allow: methods.join(', ') });
    return null;
  }
  const body = await readBody(req, MAX_WEBHOOK_BYTES);
  if (body === null) {
    sendJson(res, 413, { error: `A webhook is at most ${MAX_WEBHOOK_BYTES} bytes.` });
    return null;
  }
  const target = req.url ?? '';
  const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  const signed = method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : {};
  const signature = req.headers['x-twilio-signature'];
  const valid =
    typeof signature === 'string' &&
    signature.length <= 64 &&
    authToken !== null &&
    options.signedBases().some((base) => isValidSignature(authToken, signature, `${base}${target}`, signed));
  if (!valid) {
    logger('warn', `${event}.rejected`, { reason: 'bad signature' });
    res.writeHead(403).end();
    return null;
  }
  return method === 'POST' ? signed : Object.fromEntries(new URLSearchParams(query));
}

/**
 * Records a status and, when it moved, its event carrying the whole message as `message(status)` makes it (null
 * when the gateway does not know the message), in one step; gives the status held.
 */
async function recordStatus(
  options: WebhookOptions,
  type: MessageEventType,
  sid: string,
  status: WireMessageStatus,
  params: Record<string, string>,
  message: (status: WireMessageStatus, now: number) => Promise<WireMessage | null> | WireMessage | null,
): Promise<WireMessageStatus> {
  const now = Date.now();
  // Made beforehand (as if this report moves the status): the event is logged in the same step as the status.
  const snapshot = await message(status, now);
  const recorded = await options.statusEvents.record({ type, messageSid: sid, status, from: params['From'] ?? null, to: params['To'] ?? null, occurredAt: now, message: snapshot });
  if (recorded.changed) {
    options.invalidations.publish({ sid, deleted: false });
    if (snapshot) await options.snapshots.put(snapshot);
  }
  return recorded.status;
}

/**
 * Runs `record`; when the shared state cannot be reached, answers 503 (Twilio then tries the number's fallback
 * URL, or a retry its callback URL asks for) and gives null.
 */
async function stateAnswer<T>(res: ServerResponse, record: () => Promise<T>): Promise<T | null> {
  try {
    return await record();
  } catch (error) {
    if (!(error instanceof StateUnavailableError)) throw error;
    res.setHeader('retry-after', '1');
    sendJson(res, 503, { error: 'The gateway\'s shared state is unavailable; retry shortly.' });
    return null;
  }
}

/** The message a status callback is about, from its last snapshot: the status held, the callback's error code. */
async function afterCallback(options: WebhookOptions, sid: string, held: WireMessageStatus, params: Record<string, string>, now: number): Promise<WireMessage | null> {
  const known = await options.snapshots.get(sid);
  if (!known) return null;
  const errorCode = /^\d{1,6}$/.test(params['ErrorCode'] ?? '') ? Number(params['ErrorCode']) : known.error_code;
  return { ...known, status: held, error_code: errorCode, date_updated: toRfc2822(now) };
}

/** An inbound message as Twilio's Message resource has it, from the webhook's parameters. */
function inboundMessage(accountSid: string, params: Record<string, string>, now: number): WireMessage {
  const sid = params['MessageSid']!;
  const base = `${accountPath(accountSid)}/Messages/${sid}`;
  const date = toRfc2822(now);
  return {
    account_sid: accountSid, api_version: API_VERSION, body: params['Body'] ?? '', date_created: date, date_sent: date, date_updated: date,
    direction: 'inbound', error_code: null, error_message: null, from: params['From']!, messaging_service_sid: null,
    num_media: params['NumMedia'] ?? '0', num_segments: /^\d{1,2}$/.test(params['NumSegments'] ?? '') ? params['NumSegments']! : '1',
    price: null, price_unit: null, sid, status: 'received', subresource_uris: { media: `${base}/Media.json` }, to: params['To']!, uri: `${base}.json`,
  };
}

/** Handles one status callback: 403 unless signed, 400 unless well-formed, else 204. */
export async function handleStatusCallback(req: IncomingMessage, res: ServerResponse, options: WebhookOptions): Promise<void> {
  const params = await verifiedParams(req, res, options, ['POST'], 'status_callback');
  if (!params) return;
  const sid = params['MessageSid'] ?? '';
  const status = params['MessageStatus'] ?? '';
  if (!MESSAGE_SID.test(sid) || !isMessageStatus(status) || !boundedAddresses(params)) {
    // Signed, so from the account: log what is wrong without echoing unbounded values.
    options.logger('warn', 'status_callback.rejected', { reason: 'malformed', messageSidLength: sid.length, status: status.slice(0, 32) });
    return sendJson(res, 400, { error: 'MessageSid must be SM or MM and 32 hex digits, and MessageStatus a Twilio message status.' });
  }
  const held = await stateAnswer(res, () => recordStatus(options, 'STATUS_CHANGED', sid, status, params, (held, now) => afterCallback(options, sid, held, params, now)));
  if (held === null) return;
  options.logger('info', 'status_callback', { messageSid: sid, reported: status, status: held });
  options.onStatusCallback?.(params);
  res.writeHead(204).end();
}

/** Longest address and body an inbound webhook may carry (Twilio's limit on a body is 1600 characters). */
const MAX_ADDRESS = 256;
const MAX_BODY_CHARACTERS = 1600;
const MAX_MEDIA = 10;
const MAX_URL = 2048;

function boundedAddresses(params: Record<string, string>): boolean {
  return (params['From'] ?? '').length <= MAX_ADDRESS && (params['To'] ?? '').length <= MAX_ADDRESS;
}

/** Why an inbound webhook's parameters are refused, or null when they are well-formed and bounded. */
export function inboundProblem(params: Record<string, string>): string | null {
  if (!MESSAGE_SID.test(params['MessageSid'] ?? '')) return 'MessageSid must be SM or MM and 32 hex digits';
  if (!params['From'] || !params['To'] || !boundedAddresses(params)) return `From and To are required, at most ${MAX_ADDRESS} characters`;
  if ([...(params['Body'] ?? '')].length > MAX_BODY_CHARACTERS) return `Body is at most ${MAX_BODY_CHARACTERS} characters`;
  const numMedia = params['NumMedia'] ?? '0';
  if (!/^\d{1,2}$/.test(numMedia) || Number(numMedia) > MAX_MEDIA) return `NumMedia must be from 0 to ${MAX_MEDIA}`;
  for (let n = 0; n < Number(numMedia); n++) {
    const url = params[`MediaUrl${n}`] ?? '';
    if (url.length > MAX_URL || !httpUrl(url)) return `MediaUrl${n} must be an http(s) URL of at most ${MAX_URL} characters`;
  }
  return null;
}

/** Handles one inbound message: 403 unless signed, 400 unless well-formed, else 200 with empty TwiML (no reply). */
export async function handleInbound(req: IncomingMessage, res: ServerResponse, options: WebhookOptions): Promise<void> {
  const params = await verifiedParams(req, res, options, ['POST', 'GET'], 'inbound');
  if (!params) return;
  const problem = inboundProblem(params);
  if (problem) {
    options.logger('warn', 'inbound.rejected', { reason: 'malformed', problem });
    return sendJson(res, 400, { error: problem });
  }
  const sid = params['MessageSid']!;
  // A message the gateway knows as outbound never comes in: such a webhook would end its status stream as received.
  const known = await options.snapshots.get(sid);
  if (known?.direction && known.direction !== 'inbound') {
    options.logger('warn', 'inbound.rejected', { reason: 'outbound message', messageSid: sid });
    return sendJson(res, 400, { error: 'MessageSid names an outbound message.' });
  }
  const held = await stateAnswer(res, () => recordStatus(options, 'RECEIVED', sid, 'received', params, (_held, now) => inboundMessage(options.accountSid, params, now)));
  if (held === null) return;
  options.logger('info', 'inbound', { messageSid: sid });
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(EMPTY_TWIML) });
  res.end(EMPTY_TWIML);
}
