/**
 * Twilio's JSON on the wire for the Messages resource (API 2010-04-01), as the OpenAPI spec and
 * Twilio's official client reads it. Shared by the emulator (which writes it) and the gateway
 * (which reads it), so both sides agree on one definition.
 */

/** Every status Twilio reports for a message. */
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'accepted',
  'scheduled',
  'read',
  'partially_delivered',
  'canceled',
] as const;
export type WireMessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Every direction Twilio reports for a message. */
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound-api', 'outbound-call', 'outbound-reply'] as const;
export type WireMessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/** A Message resource. Every field is nullable in the spec; counts are strings, prices negative strings. */
export interface WireMessage {
  account_sid: string | null;
  api_version: string | null;
  body: string | null;
  date_created: string | null;
  date_sent: string | null;
  date_updated: string | null;
  direction: WireMessageDirection | null;
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string | null;
  num_segments: string | null;
  price: string | null;
  price_unit: string | null;
  sid: string | null;
  status: WireMessageStatus | null;
  subresource_uris: Record<string, string> | null;
  to: string | null;
  uri: string | null;
}

/** A Media resource attached to a message. */
export interface WireMedia {
  account_sid: string | null;
  content_type: string | null;
  date_created: string | null;
  date_updated: string | null;
  parent_sid: string | null;
  sid: string | null;
  uri: string | null;
}

/** A MessageFeedback resource. */
export interface WireFeedback {
  account_sid: string | null;
  message_sid: string | null;
  outcome: 'confirmed' | 'unconfirmed' | null;
  date_created: string | null;
  date_updated: string | null;
  uri: string | null;
}

/** The paging metadata every list answer carries next to its list key. */
export interface WirePageMeta {
  page: number;
  page_size: number;
  start: number;
  end: number;
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
}

/** `GET …/Messages.json`. */
export interface WireMessagePage extends WirePageMeta {
  messages: WireMessage[];
}

/** `GET …/Messages/{sid}/Media.json`. */
export interface WireMediaPage extends WirePageMeta {
  media_list: WireMedia[];
}

/** Twilio's (legacy) error body. */
export interface WireError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** A message SID: `SM` (SMS) or `MM` (with media) and 32 hex digits. */
export const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
/** A media SID: `ME` and 32 hex digits. */
export const MEDIA_SID = /^ME[0-9a-fA-F]{32}$/;

/** The API version prefix of every path. */
export const API_VERSION = '2010-04-01';

/** The path under which an account's resources live: `/2010-04-01/Accounts/{AccountSid}`. */
export function accountPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}`;
}

/** Twilio's documentation link for an error code, as `more_info` carries it. */
export function moreInfoUrl(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/** The http(s) URL in `value`, or null when it is not an absolute http(s) URL. */
export function httpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
