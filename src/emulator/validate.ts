/** Validation of create and update requests, in the order Twilio reports problems, with Twilio's error codes. */
import { isRecipientAddress, isSenderAddress } from '../protocol/phone.js';
import { httpUrl } from '../protocol/wire.js';
import { ApiError } from './api-error.js';
import { MAGIC_FROM, MAGIC_TO } from './magic.js';
import { type OutboundRequest, type StoredMessage } from './records.js';
import { FINAL_STATUSES } from '../protocol/lifecycle.js';
import type { MessageStore } from './store.js';

const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const MAX_BODY_CHARS = 1600;
const MAX_MEDIA = 10;
const SCHEDULE_MIN_MS = 15 * 60_000;
const SCHEDULE_MAX_MS = 35 * 86_400_000;

function bool(form: URLSearchParams, name: string): boolean {
  return (form.get(name) ?? '').toLowerCase() === 'true';
}

/** True for a URL Twilio takes as MediaUrl or StatusCallback: http(s), and no `_` in the host name. */
function isTwilioUrl(value: string): boolean {
  const url = httpUrl(value);
  return url !== null && !url.hostname.includes('_');
}

/** Validates a create request in the order Twilio reports problems. */
export function parseCreate(ctx: { accountSid: string; form: URLSearchParams }, now: number): OutboundRequest {
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
    if (!isTwilioUrl(url)) throw new ApiError(400, 21620, `Media urls: ${url} are invalid.`);
  }
  const statusCallback = form.get('StatusCallback') || null;
  if (statusCallback && !isTwilioUrl(statusCallback)) {
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

/** Update: `Body=""` redacts, `Status=canceled` cancels a scheduled message. */
export function update(store: MessageStore, message: StoredMessage, form: URLSearchParams): StoredMessage {
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
