/**
 * Twilio's status callbacks: `POST /twilio/status-callback`, verified with `X-Twilio-Signature` before
 * anything is recorded, then validated and bounded, then recorded on the status board.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http.js';
import type { Logger } from '../telemetry/log.js';
import { isMessageStatus } from '../protocol/lifecycle.js';
import type { StatusBoard } from '../state/status-board.js';
import { isValidSignature } from '../protocol/signature.js';
import { MESSAGE_SID } from '../protocol/wire.js';

/** Path of the webhook Twilio posts status callbacks to. */
export const STATUS_CALLBACK_PATH = '/twilio/status-callback';
/** Largest webhook body: Twilio's callbacks are well under 2 KB; an inbound message with media, under 8 KB. */
export const MAX_WEBHOOK_BYTES = 16 * 1024;

/** What a status callback needs. */
export interface StatusCallbackOptions {
  /** The key Twilio signs with: the account's auth token (null: every callback is refused). */
  authToken: string | null;
  /** The base URLs (scheme, host, port) Twilio may have been given for this gateway: PUBLIC_URL, or its own address. */
  signedBases: () => readonly string[];
  statusBoard: StatusBoard;
  logger: Logger;
  /** Called for every valid callback. */
  onStatusCallback?: (params: Record<string, string>) => void;
}

/** Handles one status callback: 403 unless signed, 400 unless well-formed, else 204. */
export async function handleStatusCallback(req: IncomingMessage, res: ServerResponse, options: StatusCallbackOptions): Promise<void> {
  const { authToken, logger } = options;
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'Twilio posts status callbacks.' }, { allow: 'POST' });
  const body = await readBody(req, MAX_WEBHOOK_BYTES);
  if (body === null) return sendJson(res, 413, { error: `A status callback is at most ${MAX_WEBHOOK_BYTES} bytes.` });
  const params = Object.fromEntries(new URLSearchParams(body));
  const signature = req.headers['x-twilio-signature'];
  const valid =
    typeof signature === 'string' &&
    signature.length <= 64 &&
    authToken !== null &&
    options.signedBases().some((base) => isValidSignature(authToken, signature, `${base}${req.url ?? ''}`, params));
  if (!valid) {
    logger('warn', 'status_callback.rejected', { reason: 'bad signature' });
    res.writeHead(403).end();
    return;
  }
  const sid = params['MessageSid'] ?? '';
  const status = params['MessageStatus'] ?? '';
  if (!MESSAGE_SID.test(sid) || !isMessageStatus(status)) {
    // Signed, so from the account: log what is wrong without echoing unbounded values.
    logger('warn', 'status_callback.rejected', { reason: 'malformed', messageSidLength: sid.length, status: status.slice(0, 32) });
    return sendJson(res, 400, { error: 'MessageSid must be SM or MM and 32 hex digits, and MessageStatus a Twilio message status.' });
  }
  const held = await options.statusBoard.record(sid, status);
  logger('info', 'status_callback', { messageSid: sid, reported: status, status: held });
  options.onStatusCallback?.(params);
  res.writeHead(204).end();
}
