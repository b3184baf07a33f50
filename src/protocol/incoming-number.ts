/**
 * Twilio's JSON on the wire for the IncomingPhoneNumber resource (API 2010-04-01, the spec's
 * `api.v2010.account.incoming_phone_number`): an account's numbers and where their incoming messages go.
 */
import type { WirePageMeta } from './wire.js';

/** The HTTP method Twilio calls a number's webhooks with. */
export type WireWebhookMethod = 'GET' | 'POST';

/** What a number can do. */
export interface WirePhoneNumberCapabilities {
  voice: boolean;
  sms: boolean;
  mms: boolean;
  fax: boolean;
}

/**
 * An IncomingPhoneNumber. Every field is nullable in the spec. As in the spec's examples, unset SMS and
 * status-callback URLs and application SIDs are `""`, unset voice URLs and other SIDs `null`.
 */
export interface WireIncomingPhoneNumber {
  account_sid: string | null;
  address_requirements: 'none' | 'any' | 'local' | 'foreign' | null;
  address_sid: string | null;
  api_version: string | null;
  beta: boolean | null;
  bundle_sid: string | null;
  capabilities: WirePhoneNumberCapabilities | null;
  date_created: string | null;
  date_updated: string | null;
  emergency_address_sid: string | null;
  emergency_address_status: string | null;
  emergency_status: 'Active' | 'Inactive' | null;
  friendly_name: string | null;
  identity_sid: string | null;
  origin: string | null;
  phone_number: string | null;
  sid: string | null;
  sms_application_sid: string | null;
  sms_fallback_method: WireWebhookMethod | null;
  sms_fallback_url: string | null;
  sms_method: WireWebhookMethod | null;
  sms_url: string | null;
  status: string | null;
  status_callback: string | null;
  status_callback_method: WireWebhookMethod | null;
  trunk_sid: string | null;
  type: string | null;
  uri: string | null;
  voice_application_sid: string | null;
  voice_caller_id_lookup: boolean | null;
  voice_fallback_method: WireWebhookMethod | null;
  voice_fallback_url: string | null;
  voice_method: WireWebhookMethod | null;
  voice_receive_mode: 'voice' | 'fax' | null;
  voice_url: string | null;
}

/** `GET …/IncomingPhoneNumbers.json`. */
export interface WireIncomingPhoneNumberPage extends WirePageMeta {
  incoming_phone_numbers: WireIncomingPhoneNumber[];
}

/** An IncomingPhoneNumber SID: `PN` and 32 hex digits. */
export const PHONE_NUMBER_SID = /^PN[0-9a-fA-F]{32}$/;
