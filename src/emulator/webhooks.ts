/**
 * The requests the emulator makes to the account's web application, as Twilio makes them: status callbacks
 * (a message's `StatusCallback`) and incoming messages (the receiving number's `SmsUrl`), each signed with
 * `X-Twilio-Signature` over the full URL and the form parameters, keyed with the account's auth token.
 */
import { computeSignature } from '../protocol/signature.js';
import { accountPath, API_VERSION } from '../protocol/wire.js';
import type { WireWebhookMethod } from '../protocol/incoming-number.js';
import type { EmulatorAccount } from './account.js';
import type { StatusChange, StoredMessage } from './records.js';

/** One webhook call. */
export interface WebhookCall {
  url: string;
  method: WireWebhookMethod;
  params: Record<string, string>;
  /** The key of the signature: the account's auth token. */
  authToken: string;
  timeoutMs: number;
}

/**
 * Calls a webhook as Twilio does: a POST carries the parameters form-encoded and signs URL and parameters; a
 * GET carries them in the query string (after any query the URL has) and signs that full URL alone. Resolves
 * on a 2xx answer, whatever its body; rejects otherwise, or when no answer comes within `timeoutMs`.
 */
export async function sendWebhook(call: WebhookCall): Promise<void> {
  const get = call.method === 'GET';
  const target = get ? withQuery(call.url, call.params) : call.url;
  const headers: Record<string, string> = {
    'user-agent': 'TwilioProxy/1.1',
    'x-twilio-signature': computeSignature(call.authToken, target, get ? {} : call.params),
  };
  if (!get) headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  const response = await fetch(target, {
    method: call.method,
    headers,
    body: get ? undefined : new URLSearchParams(call.params).toString(),
    signal: AbortSignal.timeout(call.timeoutMs),
  });
  await response.arrayBuffer();
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
}

/** `url` with `params` appended to its query string (a fragment, never sent, is dropped). */
export function withQuery(url: string, params: Record<string, string>): string {
  const base = url.split('#')[0]!;
  const query = new URLSearchParams(params).toString();
  if (query === '') return base;
  return base + (base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?') + query;
}

/** The parameters Twilio posts to a status callback. */
export function callbackParams(account: EmulatorAccount, change: StatusChange): Record<string, string> {
  const m = change.message;
  const params: Record<string, string> = {
    AccountSid: account.accountSid,
    ApiVersion: API_VERSION,
    From: m.from ?? '',
    MessageSid: m.sid,
    MessageStatus: change.status,
    SmsSid: m.sid,
    SmsStatus: change.status,
    To: m.to,
  };
  if (m.messagingServiceSid) params['MessagingServiceSid'] = m.messagingServiceSid;
  if ((change.status === 'failed' || change.status === 'undelivered') && m.errorCode !== null) {
    params['ErrorCode'] = String(m.errorCode);
  }
  if (change.status === 'delivered' || change.status === 'undelivered') {
    const d = new Date(m.dateUpdated);
    const two = (n: number) => String(n).padStart(2, '0');
    params['RawDlrDoneDate'] =
      two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes());
  }
  return params;
}

/**
 * The parameters Twilio sends to a number's SmsUrl for an incoming message. `MediaUrlN` is the media's content
 * URL on the API (`{origin}/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/{ME}`, which asks for credentials and
 * redirects to the bytes). Phone numbers come with the geographic fields, the country from the calling code
 * and city, state and ZIP empty (the emulator has no numbering plan data); a WhatsApp sender comes with `WaId`.
 */
export function inboundParams(message: Readonly<StoredMessage>, origin: string): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: message.accountSid,
    ApiVersion: API_VERSION,
    Body: message.body,
    From: message.from ?? '',
    MessageSid: message.sid,
    NumMedia: String(message.media.length),
    NumSegments: String(message.numSegments),
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    SmsStatus: 'received',
    To: message.to,
  };
  if (message.messagingServiceSid) params['MessagingServiceSid'] = message.messagingServiceSid;
  message.media.forEach((media, n) => {
    params[`MediaContentType${n}`] = media.contentType;
    params[`MediaUrl${n}`] = `${origin}${accountPath(message.accountSid)}/Messages/${message.sid}/Media/${media.sid}`;
  });
  const from = params['From']!;
  if (from.startsWith('whatsapp:')) params['WaId'] = from.replace(/^whatsapp:\+?/, '');
  for (const [side, address] of [['From', from], ['To', message.to]] as const) {
    if (!address.startsWith('+')) continue;
    params[`${side}City`] = '';
    params[`${side}State`] = '';
    params[`${side}Zip`] = '';
    params[`${side}Country`] = countryOf(address);
  }
  return params;
}

/** ISO 3166 country codes by calling code, for the countries most messages come from. */
const COUNTRIES: Readonly<Record<string, string>> = {
  '1': 'US', '7': 'RU', '20': 'EG', '27': 'ZA', '30': 'GR', '31': 'NL', '32': 'BE', '33': 'FR', '34': 'ES', '36': 'HU',
  '39': 'IT', '40': 'RO', '41': 'CH', '43': 'AT', '44': 'GB', '45': 'DK', '46': 'SE', '47': 'NO', '48': 'PL', '49': 'DE',
  '52': 'MX', '54': 'AR', '55': 'BR', '56': 'CL', '57': 'CO', '60': 'MY', '61': 'AU', '62': 'ID', '63': 'PH', '64': 'NZ',
  '65': 'SG', '66': 'TH', '81': 'JP', '82': 'KR', '84': 'VN', '86': 'CN', '90': 'TR', '91': 'IN', '92': 'PK', '234': 'NG',
  '351': 'PT', '353': 'IE', '358': 'FI', '852': 'HK', '971': 'AE', '972': 'IL',
};

/**
 * The country of an E.164 number by its calling code (`''` when unknown). Every `+1` number counts as `US`:
 * telling Canada and the Caribbean apart needs area-code tables the emulator does not carry.
 */
export function countryOf(e164: string): string {
  for (const length of [1, 2, 3]) {
    const country = COUNTRIES[e164.slice(1, 1 + length)];
    if (country) return country;
  }
  return '';
}
