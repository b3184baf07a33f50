/**
 * Twilio's IncomingPhoneNumbers resource over {@link PhoneNumbers}: list (filters `PhoneNumber`, `FriendlyName`,
 * `Origin`, `Beta`; Twilio's paging), fetch, update (the SMS, status-callback and voice webhooks and the
 * friendly name) and delete (release), rendered as Twilio's JSON with Twilio's error codes.
 */
import { toRfc2822 } from '../protocol/dates.js';
import { PHONE_NUMBER_SID, type WireIncomingPhoneNumber, type WireWebhookMethod } from '../protocol/incoming-number.js';
import { accountPath, API_VERSION } from '../protocol/wire.js';
import { ApiError, notFound } from './api-error.js';
import { paginate, type Filters } from './listing.js';
import { isWebhookUrl, type NumberChanges, type PhoneNumbers, type StoredNumber } from './numbers.js';
import { json, type Route, type RouteContext } from './route.js';

const MAX_FRIENDLY_NAME = 64;

/** A number as Twilio returns it; what the emulator does not model is rendered as a fresh local number's. */
export function renderNumber(n: StoredNumber): WireIncomingPhoneNumber {
  return {
    account_sid: n.accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    bundle_sid: null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: toRfc2822(n.dateCreated),
    date_updated: toRfc2822(n.dateUpdated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: n.smsFallbackMethod,
    sms_fallback_url: n.smsFallbackUrl,
    sms_method: n.smsMethod,
    sms_url: n.smsUrl,
    status: 'in-use',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    trunk_sid: null,
    type: 'local',
    uri: `${accountPath(n.accountSid)}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_application_sid: '',
    voice_caller_id_lookup: n.voiceCallerIdLookup,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: n.voiceUrl,
  };
}

/**
 * The list filters. `PhoneNumber` matches anywhere in the number, `*` standing for any one digit (Twilio
 * takes partial numbers); `FriendlyName` and `Origin` match exactly; `Beta=false` leaves out numbers new to
 * Twilio, which the emulator's never are.
 */
export function numberFilters(query: URLSearchParams): Filters<StoredNumber> {
  const phoneNumber = query.get('PhoneNumber')?.trim() || null;
  const friendlyName = query.get('FriendlyName') || null;
  const origin = query.get('Origin') || null;
  const wire: Array<[string, string]> = [];
  for (const key of ['FriendlyName', 'Beta', 'PhoneNumber', 'Origin']) {
    const value = query.get(key);
    if (value) wire.push([key, value]);
  }
  const digits = phoneNumber
    ? new RegExp(phoneNumber.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '\\d'))
    : null;
  return {
    wire,
    match: (n) =>
      (!digits || digits.test(n.phoneNumber)) && (!friendlyName || n.friendlyName === friendlyName) && (!origin || origin === 'twilio'),
  };
}

/** A method parameter: GET or POST (any case), else Twilio's 21403. */
function method(form: URLSearchParams, name: string): WireWebhookMethod | undefined {
  const value = form.get(name);
  if (value === null) return undefined;
  const upper = value.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw new ApiError(400, 21403, `${name} must be GET or POST, not '${value}'.`);
  return upper;
}

/** A URL parameter: `''` clears it, anything else must be an absolute http(s) URL, else `code`. */
function url(form: URLSearchParams, name: string, code: number): string | undefined {
  const value = form.get(name);
  if (value === null) return undefined;
  if (value !== '' && !isWebhookUrl(value)) throw new ApiError(400, code, `${name} is not a valid URL: ${value}`);
  return value;
}

/**
 * Validates an update in full before anything changes. Webhook URLs refused with 21402 (Twilio's "Invalid
 * Url" for a number's URL handlers; 21502, "Invalid callback url", for `StatusCallback`), methods with 21403.
 * Parameters for resources the emulator does not model (application, trunk, address, bundle SIDs…) are ignored.
 */
export function parseNumberUpdate(form: URLSearchParams, accountSid: string): NumberChanges {
  const changes: NumberChanges = {
    friendlyName: form.get('FriendlyName') ?? undefined,
    smsUrl: url(form, 'SmsUrl', 21402),
    smsMethod: method(form, 'SmsMethod'),
    smsFallbackUrl: url(form, 'SmsFallbackUrl', 21402),
    smsFallbackMethod: method(form, 'SmsFallbackMethod'),
    statusCallback: url(form, 'StatusCallback', 21502),
    statusCallbackMethod: method(form, 'StatusCallbackMethod'),
    voiceUrl: url(form, 'VoiceUrl', 21402),
    voiceMethod: method(form, 'VoiceMethod'),
    voiceFallbackUrl: url(form, 'VoiceFallbackUrl', 21402),
    voiceFallbackMethod: method(form, 'VoiceFallbackMethod'),
  };
  if (changes.friendlyName !== undefined && [...changes.friendlyName].length > MAX_FRIENDLY_NAME) {
    throw new ApiError(400, 20001, `FriendlyName is at most ${MAX_FRIENDLY_NAME} characters.`);
  }
  const lookup = form.get('VoiceCallerIdLookup');
  if (lookup !== null) {
    if (!/^(true|false)$/i.test(lookup)) throw new ApiError(400, 20001, `VoiceCallerIdLookup must be true or false, not '${lookup}'.`);
    changes.voiceCallerIdLookup = lookup.toLowerCase() === 'true';
  }
  const owner = form.get('AccountSid');
  if (owner !== null && owner !== accountSid) {
    throw new ApiError(400, 20001, 'The emulator has one account: a number cannot move to another.');
  }
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as NumberChanges;
}

/** The IncomingPhoneNumbers routes over `numbers`. */
export function numberRoutes(numbers: PhoneNumbers): Route[] {
  const find = (ctx: RouteContext, sid: string): StoredNumber => {
    const number = PHONE_NUMBER_SID.test(sid) ? numbers.get(sid) : undefined;
    if (!number) throw notFound(ctx.path);
    return number;
  };
  return [
    {
      op: 'ListIncomingPhoneNumber', method: 'GET', pattern: /^\/IncomingPhoneNumbers\.json$/,
      run: (ctx) => {
        const filters = numberFilters(ctx.query);
        const page = paginate(numbers.list().filter(filters.match), (n) => n.seq, ctx, filters.wire);
        return json(200, { incoming_phone_numbers: page.items.map(renderNumber), ...page.meta });
      },
    },
    {
      op: 'FetchIncomingPhoneNumber', method: 'GET', pattern: /^\/IncomingPhoneNumbers\/([^/]+)\.json$/,
      run: (ctx, [sid]) => json(200, renderNumber(find(ctx, sid!))),
    },
    {
      op: 'UpdateIncomingPhoneNumber', method: 'POST', pattern: /^\/IncomingPhoneNumbers\/([^/]+)\.json$/,
      run: (ctx, [sid]) => {
        const number = find(ctx, sid!);
        return json(200, renderNumber(numbers.update(number, parseNumberUpdate(ctx.form, ctx.accountSid))));
      },
    },
    {
      op: 'DeleteIncomingPhoneNumber', method: 'DELETE', pattern: /^\/IncomingPhoneNumbers\/([^/]+)\.json$/,
      run: (ctx, [sid]) => {
        numbers.release(find(ctx, sid!).sid);
        return { status: 204, headers: {}, body: '' };
      },
    },
  ];
}
